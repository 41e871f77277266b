"""A local OpenAI-compatible chat completions server for the tests and the benchmark (127.0.0.1 only).

It replays answers keyed by article content: the window kg sends (between the prompt's <<< >>> marks) is
looked up among registered article texts; each article has a script of replies, used in order (the last
one repeats): an answer, a status with headers (429 + Retry-After, 500), a delay (past the client's
timeout), or raw content (malformed JSON, a fenced block). `answer_from_gold` turns a gold file of
examples/ into the answer a perfect model would give.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

MARK_OPEN, MARK_CLOSE = "<<<\n", "\n>>>"


@dataclass
class Reply:
    content: str | None = None  # message content (any text: JSON, broken JSON, a fenced block)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    finish_reason: str = "stop"
    windowed: bool = False  # answer only what the window contains (entities named, evidence quoted in it)


def answer(data: dict, *, windowed: bool = False) -> Reply:
    return Reply(content=json.dumps(data, ensure_ascii=False), windowed=windowed)


def within(data: dict, window: str) -> dict:
    """The part of an answer a model shown only `window` could give."""
    return {
        "entities": [e for e in data["entities"] if any(f in window for f in [e["name"], *e["aliases"]])],
        "relations": [r for r in data["relations"] if r["evidence"] in window],
    }


def fenced(data: dict) -> Reply:
    return Reply(content="好的，结果如下：\n```json\n" + json.dumps(data, ensure_ascii=False) + "\n```\n")


def answer_from_gold(gold: dict) -> dict:
    """The gold annotation as a model answer: Other entities that end a scored relation become Events (the
    project's convention, kg.evaluate.gold), other Other entities and OTHER relations are left out."""
    ends = {n for r in gold["relations"] if r["type"] != "OTHER" for n in (r["source"], r["target"])}
    entities = []
    for e in gold["entities"]:
        forms = {e["name"], *e.get("aliases", [])}
        if e["type"] == "Other":
            if not forms & ends:
                continue
            e = {**e, "type": "Event"}
        entities.append({"name": e["name"], "aliases": e.get("aliases", []), "type": e["type"]})
    relations = [
        {
            "source": r["source"],
            "type": r["type"],
            "target": r["target"],
            "evidence": r["evidence"],
            "properties": {k: v for k, v in r.get("properties", {}).items() if isinstance(v, str)},
        }
        for r in gold["relations"]
        if r["type"] != "OTHER"
    ]
    return {"entities": entities, "relations": relations}


class StubServer:
    """`with StubServer() as stub:` ... `stub.base_url`; `stub.add(text, reply, ...)` scripts an article."""

    def __init__(self, *, delay: float = 0.0, reject_schema: bool = False) -> None:
        self.delay = delay  # for every answer (the benchmark's slow server)
        self.reject_schema = reject_schema  # answer 400 to response_format json_schema (JSON mode only)
        self.scripts: list[tuple[str, list[Reply]]] = []
        self.served: dict[int, int] = {}
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.default: Reply | None = None  # for windows of unregistered articles
        self.in_flight = 0
        self.max_in_flight = 0  # the most requests the server held at once
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def add(self, text: str, *replies: Reply) -> None:
        self.scripts.append((text, list(replies)))

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def count(self) -> int:
        with self.lock:
            return len(self.requests)

    def _next(self, body: dict) -> Reply:
        reply, window = self._script(body)
        if reply.windowed and reply.content:
            return Reply(content=json.dumps(within(json.loads(reply.content), window), ensure_ascii=False))
        return reply

    def _script(self, body: dict) -> tuple[Reply, str]:
        window = ""
        for m in body.get("messages", []):
            content = m.get("content") or ""
            if m.get("role") == "user" and MARK_OPEN in content:
                window = content.split(MARK_OPEN, 1)[1].rsplit(MARK_CLOSE, 1)[0]
                break
        with self.lock:
            self.requests.append(body)
            for i, (text, replies) in enumerate(self.scripts):
                if window and window in text:
                    n = self.served.get(i, 0)
                    self.served[i] = n + 1
                    return replies[min(n, len(replies) - 1)], window
        return self.default or Reply(content='{"entities": [], "relations": []}'), window

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, data: dict, headers: dict[str, str] | None = None) -> None:
                payload = json.dumps(data, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): nothing to do

            def do_POST(self) -> None:
                if not self.path.endswith("/chat/completions"):
                    self._send(404, {"error": {"message": "not found"}})
                    return
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
                fmt = (body.get("response_format") or {}).get("type")
                if stub.reject_schema and fmt == "json_schema":
                    with stub.lock:
                        stub.requests.append(body)
                    self._send(400, {"error": {"message": "response_format json_schema is not supported"}})
                    return
                reply = stub._next(body)
                with stub.lock:
                    stub.in_flight += 1
                    stub.max_in_flight = max(stub.max_in_flight, stub.in_flight)
                try:
                    if reply.delay or stub.delay:
                        time.sleep(reply.delay or stub.delay)
                finally:
                    with stub.lock:
                        stub.in_flight -= 1
                if reply.status != 200:
                    message = f"stub status {reply.status}"
                    if reply.status == 401:  # a careless server that echoes the credentials back
                        message += f" for {self.headers.get('Authorization', '')}"
                    self._send(reply.status, {"error": {"message": message}}, reply.headers)
                    return
                prompt = sum(len(m.get("content") or "") for m in body.get("messages", []))
                completion = len(reply.content or "")
                self._send(
                    200,
                    {
                        "id": "chatcmpl-stub",
                        "object": "chat.completion",
                        "created": 0,
                        "model": body.get("model", ""),
                        "choices": [
                            {
                                "index": 0,
                                "message": {"role": "assistant", "content": reply.content},
                                "finish_reason": reply.finish_reason,
                            }
                        ],
                        "usage": {
                            "prompt_tokens": prompt,
                            "completion_tokens": completion,
                            "total_tokens": prompt + completion,
                        },
                    },
                )

        return Handler
