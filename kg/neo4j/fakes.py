"""A counting stand-in for neo4j.Driver that understands the loader's own statements (by kind).

Why: no Neo4j server runs here. Tests and the benchmark use this to see exactly which statements and
parameter rows the loader sends, how many round trips it makes, and that the retraction logic deletes
exactly what the store no longer has. It models kg's MERGE-on-id + `kg_hash` semantics, not Cypher:
what Neo4j itself does with the statements is covered by the linter and the NEO4J_URI integration tests.

Faults: `faults` maps a round-trip number (0-based, counting attempts) to an exception raised instead of
running it (nothing of it is applied, as in a rolled-back transaction); `down_from` makes every round trip
from that number on fail as a lost connection. Managed transactions are retried as the driver retries
them (errors whose `is_retryable()` is true), so a deadlock costs an attempt, not a batch. `agent` is what
`get_server_info()` reports. Calls are serialised by a lock, so two loads can share one fake.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Self

from kg.neo4j import cypher

COUNTER_NAMES = (
    "nodes_created",
    "nodes_deleted",
    "relationships_created",
    "relationships_deleted",
    "properties_set",
    "labels_added",
    "labels_removed",
)


@dataclass
class Call:
    """One round trip: a managed transaction running one statement."""

    mode: str  # "write" | "read"
    kind: str
    query: str
    parameters: dict[str, Any]


@dataclass
class FakeState:
    entities: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {hash, label}
    articles: dict[str, str | None] = field(default_factory=dict)  # id -> hash (None = not kg-managed)
    mentions: dict[tuple[str, str], str | None] = field(default_factory=dict)
    relations: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> {type, hash, source, target}
    # the (:KgLoad) marker's properties, None when absent; left out of == (its load ids are random), so a
    # state compares with a clean load's by the graph alone
    marker: dict[str, Any] | None = field(default=None, compare=False)


class _Record(dict):
    def keys(self):  # type: ignore[override]
        return list(super().keys())

    def values(self):  # type: ignore[override]
        return list(super().values())

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int):
            return list(super().values())[key]
        return super().__getitem__(key)


class FakeResult:
    def __init__(self, records: list[dict[str, Any]], counters: dict[str, int]) -> None:
        self._records = [_Record(r) for r in records]
        self._counters = counters

    def __iter__(self):
        return iter(self._records)

    def keys(self) -> list[str]:
        return list(self._records[0].keys()) if self._records else []

    def single(self) -> _Record | None:
        return self._records[0] if self._records else None

    def consume(self) -> Any:
        return SimpleNamespace(counters=SimpleNamespace(**self._counters))


class FakeTx:
    def __init__(self, driver: FakeDriver, mode: str) -> None:
        self.driver = driver
        self.mode = mode

    def run(self, query: str, parameters: dict[str, Any] | None = None, **kw: Any) -> FakeResult:
        params = dict(parameters or {}, **kw)
        return self.driver._execute(self.mode, query, params)


class FakeSession:
    def __init__(self, driver: FakeDriver, database: str | None) -> None:
        self.driver = driver
        self.database = database

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def _managed(self, mode: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Like the driver's managed transactions: a retryable error means another attempt."""
        for _attempt in range(self.driver.max_retries + 1):
            try:
                return fn(FakeTx(self.driver, mode), *args, **kwargs)
            except Exception as exc:
                if not getattr(exc, "is_retryable", lambda: False)():
                    raise
                last = exc
        raise last

    def execute_write(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self._managed("write", fn, *args, **kwargs)

    def execute_read(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return self._managed("read", fn, *args, **kwargs)


class FakeDriver:
    """Records every call; keeps a tiny model of the kg-managed graph so loads can be repeated."""

    def __init__(
        self,
        state: FakeState | None = None,
        *,
        record: bool = True,
        faults: dict[int, BaseException] | None = None,
        down_from: int | None = None,
        agent: str = "Neo4j/5.26.0",
        max_retries: int = 3,
    ) -> None:
        """`record=False` keeps each call's kind but not its rows (benchmarks of huge loads)."""
        self.state = state or FakeState()
        self.record = record
        self.calls: list[Call] = []
        self.sessions: list[str | None] = []
        self.faults = dict(faults or {})
        self.down_from = down_from
        self.agent = agent
        self.max_retries = max_retries
        self.attempts = 0  # round trips tried, failed ones included
        self._lock = threading.Lock()
        self._kinds = {s.cypher: s.kind for s in cypher.all_loader_statements()}

    def session(self, database: str | None = None, **_: Any) -> FakeSession:
        self.sessions.append(database)
        return FakeSession(self, database)

    def close(self) -> None:
        return None

    def verify_connectivity(self) -> None:
        return None

    def get_server_info(self) -> Any:
        return SimpleNamespace(agent=self.agent, address=("fake", 7687), protocol_version=(5, 0))

    # ------------------------------------------------------------------ statement semantics

    def _execute(self, mode: str, query: str, params: dict[str, Any]) -> FakeResult:
        with self._lock:
            attempt, self.attempts = self.attempts, self.attempts + 1
            if attempt in self.faults:
                raise self.faults.pop(attempt)
            if self.down_from is not None and attempt >= self.down_from:
                from neo4j.exceptions import ServiceUnavailable

                raise ServiceUnavailable("Failed to read from defunct connection (connection lost)")
            return self._apply(mode, query, params)

    def _apply(self, mode: str, query: str, params: dict[str, Any]) -> FakeResult:
        kind = self._kinds.get(query)
        if kind is None:
            raise AssertionError(f"statement not built by kg.neo4j.cypher:\n{query}")
        self.calls.append(Call(mode, kind, query, params if self.record else {}))
        c = dict.fromkeys(COUNTER_NAMES, 0)
        s = self.state
        base, _, sub = kind.partition(":")
        n_sets = query.count("= row.")
        if base == "schema":
            return FakeResult([], c)
        if base == "marker":
            m = params["marker"]
            if sub == "read":
                found = s.marker if s.marker is not None and s.marker.get("id") == m["id"] else None
                keys = ("store_id", "load_id", "schema")
                return FakeResult([] if found is None else [{k: found.get(k) for k in keys}], c)
            if s.marker is None:
                s.marker = {"id": m["id"]}
                c["nodes_created"], c["labels_added"], c["properties_set"] = 1, 1, 1
            if m["expected"] is not None and s.marker.get("load_id") not in (m["expected"], m["load_id"]):
                return FakeResult([{"changed": 0}], c)
            s.marker.update({k: m[k] for k in ("store_id", "load_id", "schema", "loaded_at")})
            c["properties_set"] += 4
            return FakeResult([{"changed": 1}], c)
        if base in ("articles", "entities", "mentions", "relations"):
            changed = 0
            for row in params["rows"]:
                if base == "articles":
                    old = s.articles.get(row["id"], "missing")
                    if old == "missing":
                        c["nodes_created"] += 1
                    if old != row["hash"]:
                        s.articles[row["id"]] = row["hash"]
                        changed += 1
                elif base == "entities":
                    old_e = s.entities.get(row["id"])
                    if old_e is None:
                        c["nodes_created"] += 1
                    if old_e is None or old_e["hash"] != row["hash"]:
                        if old_e is None or old_e["label"] != sub:
                            c["labels_added"] += 1 + (old_e is None)  # Entity (on create) + type label
                            c["labels_removed"] += old_e is not None
                        s.entities[row["id"]] = {"hash": row["hash"], "label": sub}
                        changed += 1
                elif base == "mentions":
                    key = (row["article"], row["entity"])
                    if key[0] not in s.articles or key[1] not in s.entities:
                        continue
                    if key not in s.mentions:
                        c["relationships_created"] += 1
                    if s.mentions.get(key) != row["hash"]:
                        s.mentions[key] = row["hash"]
                        changed += 1
                else:
                    if row["source"] not in s.entities or row["target"] not in s.entities:
                        continue
                    old_r = s.relations.get(row["id"])
                    if old_r is None:
                        c["relationships_created"] += 1
                    if old_r is None or old_r["hash"] != row["hash"]:
                        s.relations[row["id"]] = {
                            "type": sub,
                            "hash": row["hash"],
                            "source": row["source"],
                            "target": row["target"],
                        }
                        changed += 1
            c["properties_set"] = changed * (n_sets + 1)
            return FakeResult([{"changed": changed}], c)
        if base == "complete":  # only elements kg wrote with this very hash get their empty lists
            if sub == "entities":
                hits = [r for r in params["rows"] if (s.entities.get(r["id"]) or {}).get("hash") == r["hash"]]
            else:
                hits = [
                    r for r in params["rows"] if (s.relations.get(r["id"]) or {}).get("hash") == r["hash"]
                ]
            c["properties_set"] = len(hits) * query.count("coalesce(")
            c["properties_set"] += len(hits) if sub == "entities" else 0
            return FakeResult([{"changed": len(hits)}], c)
        if base == "read":
            if sub == "entities":
                rec = {"ids": [i for i, e in s.entities.items() if e["hash"] is not None]}
            elif sub == "articles":
                rec = {"ids": [i for i, h in s.articles.items() if h is not None]}
            elif sub == "mentions":
                rec = {"pairs": [list(k) for k, h in s.mentions.items() if h is not None]}
            else:
                rec = {"pairs": [[r["type"], i] for i, r in s.relations.items() if r["hash"] is not None]}
            return FakeResult([rec], c)
        if base == "delete":
            if sub == "mentions":
                for row in params["rows"]:
                    if s.mentions.pop((row["article"], row["entity"]), None) is not None:
                        c["relationships_deleted"] += 1
            elif sub == "entities":  # DETACH DELETE: one pass over the relationships per batch
                gone = {i for i in params["ids"] if s.entities.pop(i, None) is not None}
                c["nodes_deleted"] += len(gone)
                if gone:
                    for rid in [
                        k for k, r in s.relations.items() if r["source"] in gone or r["target"] in gone
                    ]:
                        del s.relations[rid]
                        c["relationships_deleted"] += 1
                    for key in [k for k in s.mentions if k[1] in gone]:
                        del s.mentions[key]
                        c["relationships_deleted"] += 1
            elif sub == "articles":
                gone = {i for i in params["ids"] if s.articles.pop(i, None) is not None}
                c["nodes_deleted"] += len(gone)
                if gone:
                    for key in [k for k in s.mentions if k[0] in gone]:
                        del s.mentions[key]
                        c["relationships_deleted"] += 1
            else:
                for i in params["ids"]:
                    if i in s.relations and s.relations[i]["type"] == sub:
                        del s.relations[i]
                        c["relationships_deleted"] += 1
            return FakeResult([], c)
        raise AssertionError(f"unhandled kind {kind}")  # pragma: no cover
