"""Write a kg Graph into Neo4j: batched `UNWIND $rows` MERGEs on deterministic ids, then retractions.

Design (see cypher/README.md):
- one statement per entity type / relation type (static labels from the ontology), data only in `$rows`;
- each batch is one managed transaction (`session.execute_write`, retried by the driver on transient
  errors);
- every element kg writes carries `kg_hash`, a hash of the values kg wrote; SET runs only when the hash
  differs, so re-loading an unchanged store sets 0 properties;
- retraction: four reads (one record each) list the kg-managed ids in Neo4j, the difference with the store
  is deleted in batches. Round trips = schema statements + 1 (the load marker, moved so that no store's
  records match any more: kg.neo4j.marker) + sum over statements of ceil(rows / batch) + 4.

`prepare_load`/`write_graph` work on an in-memory Graph (tests, benchmarks); `kg load` and its --dry-run
go through kg.neo4j.stream, which sends the same rows while reading the store a chunk at a time. Rows,
batches and their accounting, shared by both, live in kg.neo4j.rows.

Faults: a load that stops midway (connection lost, server restarted) leaves what it committed; the error
says so, and running `kg load` again completes it (MERGE on ids, hash-guarded SETs, then retraction), so
the graph equals a clean load. Two loads at once cannot duplicate an element: the uniqueness constraints
exist before any MERGE, and deadlocks between them are transient errors the driver retries.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from kg.errors import Neo4jError
from kg.models import Graph
from kg.neo4j import cypher
from kg.neo4j.cypher import Statement
from kg.neo4j.marker import invalidate_marker
from kg.neo4j.rows import (
    DEFAULT_BATCH_SIZE,
    LoadSummary,
    ProgressFn,
    Step,
    article_row,
    counted_plan_as_dict,
    entity_row,
    mention_row,
    read_managed,
    relation_row,
    run_steps,
    step_parameters,
    write_schema,
)
from kg.neo4j.stream import dry_run_streaming
from kg.ontology import EntityType, RelationType

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "LoadPlan",
    "LoadSummary",
    "dry_run_store",
    "load_store",
    "plan_as_dict",
    "prepare_load",
    "retraction_steps",
    "step_parameters",
    "write_graph",
]


@dataclass
class LoadPlan:
    """What a load sends before retraction: schema statements, then upserts in dependency order."""

    schema: list[Statement]
    upserts: list[Step]
    batch_size: int

    @property
    def upsert_round_trips(self) -> int:
        return sum(math.ceil(len(s.rows) / self.batch_size) for s in self.upserts)


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


# --------------------------------------------------------------------------- running


def write_graph(
    driver: Any,
    graph: Graph,
    *,
    database: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressFn | None = None,
    summary: LoadSummary | None = None,
) -> LoadSummary:
    """Load `graph` into Neo4j so that its kg-managed part equals the graph afterwards.
    `summary` (filled as batches commit) tells a caller how far a failed load got."""
    plan = prepare_load(graph, batch_size)
    summary = summary if summary is not None else LoadSummary()
    with driver.session(database=database) as session:
        write_schema(session, plan.schema, summary)
        invalidate_marker(session, summary)
        run_steps(session, plan.upserts, batch_size, summary, progress)
        existing = read_managed(session, summary)
        run_steps(session, retraction_steps(plan, existing), batch_size, summary, progress)
    return summary


def plan_as_dict(plan: LoadPlan) -> dict[str, Any]:
    """--dry-run output: every statement with its row and batch counts (rows themselves stay out)."""
    return counted_plan_as_dict(
        plan.schema, [(s.statement, len(s.rows)) for s in plan.upserts], plan.batch_size
    )


# --------------------------------------------------------------------------- store entry points


def dry_run_store(db_path: str, batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, Any]:
    """`kg load --dry-run`: the plan for the store, without connecting (row counts come from SQL)."""
    return dry_run_streaming(db_path, batch_size)


@contextmanager
def load_errors(settings: Any, summary: LoadSummary) -> Iterator[None]:
    """Driver errors as one redacted line; after the first commit, also how to finish the load."""
    from kg.neo4j.connection import neo4j_errors

    try:
        with neo4j_errors(settings):
            yield
    except Neo4jError as exc:
        if summary.round_trips == 0:
            raise
        raise Neo4jError(
            f"{exc} (the load stopped after {summary.round_trips} round trips; what was written stays: "
            "run `kg load` again to complete it)"
        ) from None


def load_store(
    db_path: str,
    settings: Any,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressFn | None = None,
    on_connected: Callable[[int], None] | None = None,
    graph: Graph | None = None,
    full: bool = False,
) -> LoadSummary:
    """`kg load`: stream the store into Neo4j, translating driver errors into one redacted line.

    The store is read in id-ordered chunks (kg.neo4j.stream), so memory stays at a few batches whatever
    its size. Only what changed since this store's last load into that database is sent when the
    database's load marker says it holds that load (kg.neo4j.incremental); else, or with `full`, every
    row is sent and compared by the server. Passing `graph` uses the in-memory path instead
    (write_graph, always full), for tests and benchmarks.
    The server must be Neo4j 5 or newer (checked first, reported by version). `on_connected(total_rows)`
    runs once the server answered (the CLI starts its progress bar there, so a connection error is not
    interleaved with a bar).
    """
    from kg.neo4j.connection import check_server_version, open_driver

    summary = LoadSummary()
    if graph is None:
        from kg.neo4j.incremental import load_store_incremental, target_name
        from kg.neo4j.loadstate import LoadRecord, open_writer, store_identity
        from kg.store.read import open_store_readonly
        from kg.store.schema import store_errors

        conn = open_store_readonly(db_path)
        writer = None
        try:
            with store_errors(db_path):
                driver = open_driver(settings)
                try:
                    with load_errors(settings, summary):
                        check_server_version(driver, settings)
                        writer = open_writer(db_path)
                        store_id = store_identity(writer or conn, writable=writer is not None)
                        target = target_name(settings.safe_uri, settings.database)
                        record = LoadRecord(writer, target) if writer is not None else None
                        return load_store_incremental(
                            driver,
                            conn,
                            record,
                            store_id,
                            database=settings.database,
                            batch_size=batch_size,
                            full=full,
                            progress=progress,
                            on_connected=on_connected,
                            summary=summary,
                        )
                finally:
                    driver.close()
        finally:
            if writer is not None:
                writer.close()
            conn.close()
    driver = open_driver(settings)
    try:
        with load_errors(settings, summary):
            check_server_version(driver, settings)
            if on_connected is not None:
                on_connected(sum(len(s.rows) for s in prepare_load(graph, batch_size).upserts))
            return write_graph(
                driver,
                graph,
                database=settings.database,
                batch_size=batch_size,
                progress=progress,
                summary=summary,
            )
    finally:
        driver.close()
