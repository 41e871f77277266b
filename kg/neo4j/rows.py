"""What the in-memory and the streaming loader share: parameter rows, batches and their accounting.

A row is the parameter map of one element (content-hashed, so an unchanged element is not SET again); a
Step is one statement with its rows; `run_batch` is the transaction function of one batch (it only
returns values, so the driver may retry it after a transient error such as a deadlock without anything
being counted twice: the caller accounts for the one attempt that committed).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.models import GraphArticle, GraphEntity, GraphRelation
from kg.neo4j import cypher
from kg.neo4j.cypher import Statement
from kg.ontology import RELATION_PROPERTY_KEYS

DEFAULT_BATCH_SIZE = 2000

ProgressFn = Callable[[str, int], None]


@dataclass
class Step:
    """One statement and its parameter rows, cut into batches at run time."""

    statement: Statement
    rows: list[dict[str, Any]]

    def batches(self, batch_size: int) -> list[list[dict[str, Any]]]:
        return [self.rows[i : i + batch_size] for i in range(0, len(self.rows), batch_size)]


@dataclass
class KindSummary:
    created: int = 0
    updated: int = 0
    deleted: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "deleted": self.deleted}


@dataclass
class LoadSummary:
    articles: KindSummary = field(default_factory=KindSummary)
    entities: KindSummary = field(default_factory=KindSummary)
    mentions: KindSummary = field(default_factory=KindSummary)
    relations: KindSummary = field(default_factory=KindSummary)
    properties_set: int = 0
    labels_added: int = 0
    labels_removed: int = 0
    round_trips: int = 0
    # kg load (kg.neo4j.incremental): "full" or "incremental", why a load was full, upsert rows sent,
    # rows not sent because the store's record shows the database already holds them, and remarks
    mode: str = "full"
    reason: str | None = None
    rows_sent: int = 0
    rows_unchanged: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles.as_dict(),
            "entities": self.entities.as_dict(),
            "mentions": self.mentions.as_dict(),
            "relations": self.relations.as_dict(),
            "properties_set": self.properties_set,
            "labels_added": self.labels_added,
            "labels_removed": self.labels_removed,
            "round_trips": self.round_trips,
            "mode": self.mode,
            "reason": self.reason,
            "rows_sent": self.rows_sent,
            "rows_unchanged": self.rows_unchanged,
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------- rows


def _hash(row: dict[str, Any]) -> str:
    payload = json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


def _with_hash(row: dict[str, Any]) -> dict[str, Any]:
    row["hash"] = _hash(row)
    return row


def article_row(a: GraphArticle) -> dict[str, Any]:
    return _with_hash({"id": a.id, "title": a.title, "date": a.date, "url": a.url})


def entity_row(e: GraphEntity) -> dict[str, Any]:
    return _with_hash({"id": e.id, "name": e.name, "type": e.type.value, "aliases": list(e.aliases)})


def mention_row(article_id: str, entity_id: str) -> dict[str, Any]:
    return _with_hash({"article": article_id, "entity": entity_id})


def relation_row(rel: GraphRelation) -> dict[str, Any]:
    """The parameter row of one relation: ontology properties (None = absent), article ids, sentences."""
    props = rel.properties.model_dump()
    row: dict[str, Any] = {"id": rel.id, "source": rel.source, "target": rel.target}
    for key in RELATION_PROPERTY_KEYS:
        row[key] = props.get(key)
    row["article_ids"] = rel.article_ids
    row["evidence"] = list(dict.fromkeys(ev.text for ev in rel.evidence))
    return _with_hash(row)


def step_parameters(step: Step, batch: list[dict[str, Any]]) -> dict[str, Any]:
    """Delete-by-id statements take `$ids` (a list of strings); everything else takes `$rows`."""
    return statement_parameters(step.statement, batch)


def statement_parameters(statement: Statement, batch: list[dict[str, Any]]) -> dict[str, Any]:
    if "$ids" in statement.cypher:
        return {"ids": [r["id"] for r in batch]}
    return {"rows": batch}


# --------------------------------------------------------------------------- running


def run_batch(tx: Any, query: str, parameters: dict[str, Any]) -> tuple[int, dict[str, int]]:
    """Transaction function: may be retried by the driver, so it only returns values."""
    result = tx.run(query, parameters)
    changed = 0
    for record in result:
        changed = int(record["changed"]) if "changed" in record.keys() else 0  # noqa: SIM118 (Record)
    c = result.consume().counters
    return changed, {
        "nodes_created": c.nodes_created,
        "nodes_deleted": c.nodes_deleted,
        "relationships_created": c.relationships_created,
        "relationships_deleted": c.relationships_deleted,
        "properties_set": c.properties_set,
        "labels_added": c.labels_added,
        "labels_removed": c.labels_removed,
    }


def run_read(tx: Any, query: str) -> list[Any]:
    record = tx.run(query).single()
    return list(record[0]) if record is not None and record[0] is not None else []


def account(summary: LoadSummary, kind: str, changed: int, counters: dict[str, int]) -> None:
    summary.properties_set += counters["properties_set"]
    summary.labels_added += counters["labels_added"]
    summary.labels_removed += counters["labels_removed"]
    base = kind.split(":")[0]
    if base == "delete":
        what = kind.split(":")[1]
        target = {
            "entities": summary.entities,
            "articles": summary.articles,
            "mentions": summary.mentions,
        }.get(what, summary.relations)
        if what in ("entities", "articles"):
            target.deleted += counters["nodes_deleted"]
        else:
            target.deleted += counters["relationships_deleted"]
        return
    target = {
        "articles": summary.articles,
        "entities": summary.entities,
        "mentions": summary.mentions,
        "relations": summary.relations,
    }[base]
    created = (
        counters["nodes_created"] if base in ("articles", "entities") else counters["relationships_created"]
    )
    target.created += created
    target.updated += max(changed - created, 0)


def write_batch(
    session: Any,
    statement: Statement,
    batch: list[dict[str, Any]],
    summary: LoadSummary,
    progress: ProgressFn | None,
) -> None:
    """One batch in one managed transaction (retried by the driver on transient errors), then counted."""
    changed, counters = session.execute_write(
        run_batch, statement.cypher, statement_parameters(statement, batch)
    )
    summary.round_trips += 1
    account(summary, statement.kind, changed, counters)
    if progress is not None:
        progress(statement.kind, len(batch))


def run_steps(
    session: Any, steps: Iterable[Step], batch_size: int, summary: LoadSummary, progress: ProgressFn | None
) -> None:
    for step in steps:
        for batch in step.batches(batch_size):
            write_batch(session, step.statement, batch, summary, progress)


def write_schema(session: Any, statements: list[Statement], summary: LoadSummary) -> None:
    """Constraints and indexes before any write (so concurrent MERGEs on an id cannot duplicate it).
    `IF NOT EXISTS` makes them idempotent; a rule another load created at the same moment is done too."""
    from neo4j.exceptions import ClientError

    for stmt in statements:
        try:
            session.execute_write(run_batch, stmt.cypher, {})
        except ClientError as exc:
            if "AlreadyExists" not in (exc.code or ""):
                raise
        summary.round_trips += 1


def read_managed(session: Any, summary: LoadSummary) -> dict[str, Any]:
    """The four retraction reads: every kg-managed relation, mention, entity and article id in Neo4j."""
    existing: dict[str, Any] = {}
    for key, stmt in zip(("relations", "mentions", "entities", "articles"), cypher.read_statements()):
        existing[key] = session.execute_read(run_read, stmt.cypher)
        summary.round_trips += 1
    return existing


def counted_plan_as_dict(
    schema: list[Statement], upserts: list[tuple[Statement, int]], batch_size: int
) -> dict[str, Any]:
    """plan_as_dict from row counts alone (the streaming path counts in SQL instead of building rows)."""
    steps = [{"kind": s.kind, "cypher": s.cypher, "rows": 0, "batches": 1} for s in schema]
    steps += [
        {"kind": st.kind, "cypher": st.cypher, "rows": n, "batches": math.ceil(n / batch_size)}
        for st, n in upserts
    ]
    reads = [{"kind": s.kind, "cypher": s.cypher} for s in cypher.read_statements()]
    upsert_trips = sum(math.ceil(n / batch_size) for _, n in upserts)
    return {
        "batch_size": batch_size,
        "statements": steps,
        "retraction_reads": reads,
        "round_trips_without_retractions": len(schema) + upsert_trips + len(reads),
    }
