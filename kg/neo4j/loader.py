"""Write a kg Graph into Neo4j: batched `UNWIND $rows` MERGEs on deterministic ids, then retractions.

Design (see cypher/README.md):
- one statement per entity type / relation type (static labels from the ontology), data only in `$rows`;
- each batch is one managed transaction (`session.execute_write`, retried by the driver on transient
  errors);
- every element kg writes carries `kg_hash`, a hash of the values kg wrote; SET runs only when the hash
  differs, so re-loading an unchanged store sets 0 properties;
- retraction: four reads (one record each) list the kg-managed ids in Neo4j, the difference with the store
  is deleted in batches. Round trips = schema statements + sum over statements of ceil(rows / batch) + 4.

`prepare_load`/`write_graph` work on an in-memory Graph (tests, benchmarks); `kg load` and its --dry-run
go through kg.neo4j.stream, which sends the same rows while reading the store a chunk at a time.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from kg.models import Graph, GraphArticle, GraphEntity, GraphRelation
from kg.neo4j import cypher
from kg.neo4j.cypher import Statement
from kg.ontology import RELATION_PROPERTY_KEYS, EntityType, RelationType

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
class LoadPlan:
    """What a load sends before retraction: schema statements, then upserts in dependency order."""

    schema: list[Statement]
    upserts: list[Step]
    batch_size: int

    @property
    def upsert_round_trips(self) -> int:
        return sum(math.ceil(len(s.rows) / self.batch_size) for s in self.upserts)


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


def prepare_load(graph: Graph, batch_size: int = DEFAULT_BATCH_SIZE) -> LoadPlan:
    """Turn a Graph into statements and rows; pure, so tests and --dry-run see exactly what is sent."""
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    upserts: list[Step] = []
    article_ids = {a.id for a in graph.articles}
    upserts.append(Step(cypher.upsert_articles(), [article_row(a) for a in graph.articles]))
    by_type: dict[EntityType, list[dict[str, Any]]] = {t: [] for t in EntityType}
    mentions: list[dict[str, Any]] = []
    for e in graph.entities:
        by_type[e.type].append(entity_row(e))
        for aid in e.article_ids:
            if aid in article_ids:
                mentions.append(mention_row(aid, e.id))
    for etype in EntityType:
        if by_type[etype]:
            upserts.append(Step(cypher.upsert_entities(etype), by_type[etype]))
    if mentions:
        upserts.append(Step(cypher.upsert_mentions(), mentions))
    rels: dict[RelationType, list[dict[str, Any]]] = {t: [] for t in RelationType}
    for r in graph.relations:
        rels[r.type].append(relation_row(r))
    for rtype in RelationType:
        if rels[rtype]:
            upserts.append(Step(cypher.upsert_relations(rtype), rels[rtype]))
    return LoadPlan(schema=cypher.schema_statements(), upserts=upserts, batch_size=batch_size)


def retraction_steps(plan: LoadPlan, existing: dict[str, Any]) -> list[Step]:
    """Delete steps for kg-managed elements in Neo4j that the store no longer has.

    `existing` holds what the four reads returned: relations [[type, id]], mentions [[article, entity]],
    entities [id], articles [id]. Relations go first, nodes last (DETACH DELETE takes what is left).
    """
    wanted_rel: set[str] = set()
    wanted_mentions: set[tuple[str, str]] = set()
    wanted_entities: set[str] = set()
    wanted_articles: set[str] = set()
    for step in plan.upserts:
        kind = step.statement.kind
        if kind.startswith("relations:"):
            wanted_rel.update(r["id"] for r in step.rows)
        elif kind == "mentions":
            wanted_mentions.update((r["article"], r["entity"]) for r in step.rows)
        elif kind.startswith("entities:"):
            wanted_entities.update(r["id"] for r in step.rows)
        elif kind == "articles":
            wanted_articles.update(r["id"] for r in step.rows)
    steps: list[Step] = []
    stale_rel: dict[str, list[str]] = {}
    for rtype, rid in existing.get("relations", []):
        if rid not in wanted_rel and rtype in RelationType.__members__:
            stale_rel.setdefault(rtype, []).append(rid)
    for rtype in RelationType:
        if stale_rel.get(rtype.value):
            ids = sorted(set(stale_rel[rtype.value]))
            steps.append(Step(cypher.delete_relations(rtype), [{"id": i} for i in ids]))
    stale_m = sorted({(a, e) for a, e in existing.get("mentions", [])} - wanted_mentions)
    if stale_m:
        steps.append(Step(cypher.delete_mentions(), [{"article": a, "entity": e} for a, e in stale_m]))
    stale_e = sorted(set(existing.get("entities", [])) - wanted_entities)
    if stale_e:
        steps.append(Step(cypher.delete_entities(), [{"id": i} for i in stale_e]))
    stale_a = sorted(set(existing.get("articles", [])) - wanted_articles)
    if stale_a:
        steps.append(Step(cypher.delete_articles(), [{"id": i} for i in stale_a]))
    return steps


def step_parameters(step: Step, batch: list[dict[str, Any]]) -> dict[str, Any]:
    """Delete-by-id statements take `$ids` (a list of strings); everything else takes `$rows`."""
    return statement_parameters(step.statement, batch)


def statement_parameters(statement: Statement, batch: list[dict[str, Any]]) -> dict[str, Any]:
    if "$ids" in statement.cypher:
        return {"ids": [r["id"] for r in batch]}
    return {"rows": batch}


# --------------------------------------------------------------------------- running


def _run_batch(tx: Any, query: str, parameters: dict[str, Any]) -> tuple[int, dict[str, int]]:
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


def _run_read(tx: Any, query: str) -> list[Any]:
    record = tx.run(query).single()
    return list(record[0]) if record is not None and record[0] is not None else []


def _account(summary: LoadSummary, kind: str, changed: int, counters: dict[str, int]) -> None:
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


def write_graph(
    driver: Any,
    graph: Graph,
    *,
    database: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressFn | None = None,
) -> LoadSummary:
    """Load `graph` into Neo4j so that its kg-managed part equals the graph afterwards."""
    plan = prepare_load(graph, batch_size)
    summary = LoadSummary()
    with driver.session(database=database) as session:
        for stmt in plan.schema:
            session.execute_write(_run_batch, stmt.cypher, {})
            summary.round_trips += 1
        _run_steps(session, plan.upserts, batch_size, summary, progress)
        existing: dict[str, Any] = {}
        for key, stmt in zip(("relations", "mentions", "entities", "articles"), cypher.read_statements()):
            existing[key] = session.execute_read(_run_read, stmt.cypher)
            summary.round_trips += 1
        _run_steps(session, retraction_steps(plan, existing), batch_size, summary, progress)
    return summary


def _run_steps(
    session: Any, steps: Iterable[Step], batch_size: int, summary: LoadSummary, progress: ProgressFn | None
) -> None:
    for step in steps:
        for batch in step.batches(batch_size):
            changed, counters = session.execute_write(
                _run_batch, step.statement.cypher, step_parameters(step, batch)
            )
            summary.round_trips += 1
            _account(summary, step.statement.kind, changed, counters)
            if progress is not None:
                progress(step.statement.kind, len(batch))


def plan_as_dict(plan: LoadPlan) -> dict[str, Any]:
    """--dry-run output: every statement with its row and batch counts (rows themselves stay out)."""
    return counted_plan_as_dict(
        plan.schema, [(s.statement, len(s.rows)) for s in plan.upserts], plan.batch_size
    )


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


# --------------------------------------------------------------------------- store entry points


def read_store_graph(db_path: str) -> Graph:
    """The store's graph (kg.store owns the file format; a missing store is a StoreError there)."""
    from kg.store import read_graph

    return read_graph(db_path)


def dry_run_store(db_path: str, batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, Any]:
    """`kg load --dry-run`: the plan for the store, without connecting (row counts come from SQL)."""
    from kg.neo4j.stream import dry_run_streaming

    return dry_run_streaming(db_path, batch_size)


def load_store(
    db_path: str,
    settings: Any,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressFn | None = None,
    on_connected: Callable[[int], None] | None = None,
    graph: Graph | None = None,
) -> LoadSummary:
    """`kg load`: stream the store into Neo4j, translating driver errors into one redacted line.

    The store is read in id-ordered chunks (kg.neo4j.stream), so memory stays at a few batches whatever
    its size; passing `graph` uses the in-memory path instead (write_graph), for tests and benchmarks.
    `on_connected(total_rows)` runs once the server answered (the CLI starts its progress bar there, so a
    connection error is not interleaved with a bar).
    """
    from kg.neo4j.connection import neo4j_errors, open_driver
    from kg.neo4j.stream import write_store

    if graph is None:
        from kg.store.read import open_store_readonly
        from kg.store.schema import store_errors

        conn = open_store_readonly(db_path)
        try:
            with store_errors(db_path):
                driver = open_driver(settings)
                try:
                    with neo4j_errors(settings):
                        return write_store(
                            driver,
                            conn,
                            database=settings.database,
                            batch_size=batch_size,
                            progress=progress,
                            on_connected=on_connected,
                        )
                finally:
                    driver.close()
        finally:
            conn.close()
    driver = open_driver(settings)
    if on_connected is not None:
        on_connected(sum(len(s.rows) for s in prepare_load(graph, batch_size).upserts))
    try:
        with neo4j_errors(settings):
            return write_graph(
                driver, graph, database=settings.database, batch_size=batch_size, progress=progress
            )
    finally:
        driver.close()
