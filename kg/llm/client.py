"""Chat completions against any OpenAI-compatible server (vLLM, Ollama, llama.cpp, hosted APIs).

The official `openai` package does the HTTP (imported here, on first use, so rules-only runs never load
it). Retries are kg's own, not the client's, so every attempt is counted: 429 waits what Retry-After says
(capped), 5xx, timeouts and dropped connections back off exponentially; other 4xx fail at once. A server
that rejects `response_format` json_schema is asked again in JSON mode, then with the prompt alone.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field, fields
from typing import Any

from kg.errors import LlmError
from kg.llm.config import NO_KEY, LlmConfig, redact
from kg.llm.schema import response_format

BACKOFF = 1.0  # seconds before the first retry, doubled each time
MAX_WAIT = 60.0  # cap on one wait (Retry-After included)


@dataclass
class LlmStats:
    """Accounting of one run (thread-safe adds): what was asked, what it cost, what grounding dropped."""

    articles: int = 0
    requests: int = 0
    retries: int = 0
    repairs: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cache_hits: int = 0
    failed: int = 0
    invalid_items: int = 0
    entities_dropped: int = 0
    relations_ungrounded: int = 0
    relations_fuzzy: int = 0
    relations_off_ontology: int = 0
    relations_unknown_entity: int = 0
    seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: float) -> None:
        with self._lock:
            for k, v in counts.items():
                setattr(self, k, getattr(self, k) + v)

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if not f.name.startswith("_")}
        data["seconds"] = round(self.seconds, 3)
        return data


@dataclass
class Reply:
    content: str
    tokens_in: int
    tokens_out: int
    finish_reason: str = "stop"


def retry_after(headers: Any) -> float | None:
    """Seconds from `retry-after-ms` (OpenAI) or `Retry-After` (seconds; an HTTP date counts as absent)."""
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        try:
            value = headers.get(name)
            if value is not None:
                return max(0.0, float(value) * scale)
        except (TypeError, ValueError):
            continue
    return None


class ChatClient:
    """One client per process, shared by threads (the openai client is thread-safe)."""

    def __init__(self, config: LlmConfig, stats: LlmStats | None = None, sleep=time.sleep) -> None:
        config.check()
        try:
            import openai
        except ImportError:
            raise LlmError("the LLM extractor needs the openai package: pip install 'kg[llm]'") from None
        self.openai = openai
        self.config = config
        self.stats = stats or LlmStats()
        self.sleep = sleep
        self.format_mode = config.response_format
        self._client = openai.OpenAI(
            base_url=config.base_url,
            api_key=config.api_key or NO_KEY,
            timeout=config.timeout,
            max_retries=0,
        )

    def complete(self, messages: list[dict[str, str]]) -> Reply:
        """One answer, after up to `retries` retries; LlmError (redacted, one line) when they run out."""
        o = self.openai
        attempt = 0
        while True:
            fmt = response_format(self.format_mode)
            extra = {"response_format": fmt} if fmt else {}
            self.stats.add(requests=1)
            try:
                resp = self._client.chat.completions.create(
                    model=self.config.model, messages=messages, temperature=0, **extra
                )
            except o.BadRequestError as exc:
                if fmt and "response_format" in str(exc).lower() + str(getattr(exc, "body", "")).lower():
                    self.format_mode = "json" if self.format_mode == "schema" else "none"
                    continue  # the server does not support this format: ask again without it
                raise self._error(f"request rejected (HTTP 400): {exc}") from None
            except o.RateLimitError as exc:
                wait = retry_after(exc.response.headers)
                problem = "rate limited (HTTP 429)"
            except o.APIStatusError as exc:
                if exc.status_code < 500:
                    raise self._error(f"request failed (HTTP {exc.status_code}): {exc}") from None
                wait, problem = None, f"server error (HTTP {exc.status_code})"
            except o.APITimeoutError:
                wait, problem = None, f"no answer within {self.config.timeout:g} s"
            except o.APIConnectionError as exc:
                wait, problem = None, f"connection failed: {exc}"
            else:
                return self._reply(resp)
            if attempt >= self.config.retries:
                raise self._error(f"{problem}; gave up after {attempt + 1} attempt(s)")
            attempt += 1
            self.stats.add(retries=1)
            self.sleep(min(MAX_WAIT, wait if wait is not None else BACKOFF * 2 ** (attempt - 1)))

    def _reply(self, resp: Any) -> Reply:
        try:
            content = resp.choices[0].message.content or ""
            finish = str(resp.choices[0].finish_reason or "stop")
        except (AttributeError, IndexError, TypeError):
            raise self._error("answer has no message content") from None
        usage = getattr(resp, "usage", None)
        tin = int(getattr(usage, "prompt_tokens", 0) or 0)
        tout = int(getattr(usage, "completion_tokens", 0) or 0)
        self.stats.add(tokens_in=tin, tokens_out=tout)
        return Reply(content, tin, tout, finish)

    def _error(self, message: str) -> LlmError:
        first = (message.splitlines() or [""])[0]
        return LlmError(redact(f"{self.config.base_url}: {first}", self.config))
