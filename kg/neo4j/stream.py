"""Streaming load: the store is read in id-ordered chunks and sent batch by batch (bounded memory).

Same statements, same parameter rows (same keys, same content hashes), same order and same round trips
as the in-memory path (`prepare_load` + `write_graph` on `read_graph`), which tests compare call for
call. What differs is where rows come from: kg.store.read's streaming readers build a chunk of models at
a time, and row counts for the plan (--dry-run, progress total) come from SQL COUNTs, so neither the
Graph nor the parameter rows of a whole step are ever held. Retraction compares the ids Neo4j returned
with the store in SQL, a chunk at a time, instead of building the store's id sets.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

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
    write_batch,
    write_schema,
)
from kg.ontology import EntityType, RelationType
from kg.store import read as store_read

CHECK_CHUNK = 5000  # ids per SQL membership check during retraction (local queries, not round trips)


@dataclass
class StreamStep:
    """One upsert statement, its row count (from SQL) and a fresh iterator of its rows in send order."""

    statement: Statement
    count: int
    rows: Callable[[], Iterator[dict[str, Any]]]


@dataclass
class StorePlan:
    schema: list[Statement]
    upserts: list[StreamStep]
    batch_size: int

    @property
    def total_rows(self) -> int:
        return sum(s.count for s in self.upserts)

    def as_dict(self) -> dict[str, Any]:
        return counted_plan_as_dict(
            self.schema, [(s.statement, s.count) for s in self.upserts], self.batch_size
        )


def batched(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """Cut an iterator into lists of `size` (the last may be shorter), holding one list at a time."""
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def relation_source(row: tuple, evidence: list[tuple]) -> str:
    """A fingerprint of the store rows a relation's row is built from (same rows, same code: same row)."""
    return hashlib.blake2b(
        repr((tuple(row), [tuple(e) for e in evidence])).encode("utf-8"), digest_size=12
    ).hexdigest()


def plan_store(
    conn: sqlite3.Connection,
    batch_size: int = DEFAULT_BATCH_SIZE,
    sources: dict[str, str] | None = None,
    mention_count: int | None = None,
) -> StorePlan:
    """prepare_load's plan for the store behind `conn`, with lazy rows: steps in the same order, empty
    entity/relation/mention steps left out, the articles step always present. With `sources`, each
    relation's source fingerprint goes there as its row is built (the full load records them).
    `mention_count`, when the caller knows it (the logged diff does, from its records), spares counting
    every (entity, article) pair of the store."""
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    chunk = batch_size

    def articles() -> Iterator[dict[str, Any]]:
        for part in store_read.iter_articles(conn, chunk):
            yield from (article_row(a) for a in part)

    def entities(etype: EntityType) -> Callable[[], Iterator[dict[str, Any]]]:
        def rows() -> Iterator[dict[str, Any]]:
            for part in store_read.iter_entities(conn, etype.value, chunk):
                yield from (entity_row(e) for e in part)

        return rows

    def mentions() -> Iterator[dict[str, Any]]:
        for part in store_read.iter_entity_articles(conn, chunk):
            yield from (mention_row(aid, eid) for eid, aid in part)

    def relations(rtype: RelationType) -> Callable[[], Iterator[dict[str, Any]]]:
        def rows() -> Iterator[dict[str, Any]]:
            if sources is None:
                for part in store_read.iter_relations(conn, rtype.value, chunk):
                    yield from (relation_row(r) for r in part)
                return
            cur = conn.execute(  # iter_relations' query, keeping the store rows for their fingerprint
                "SELECT id, type, source, target, properties FROM relations NOT INDEXED WHERE type = ? "
                "ORDER BY id",
                (rtype.value,),
            )
            while part := cur.fetchmany(chunk):
                for row, (model, evidence) in zip(
                    part, store_read.relation_models_with_evidence(conn, part), strict=True
                ):
                    sources[model.id] = relation_source(row, evidence)
                    yield relation_row(model)

        return rows

    upserts = [StreamStep(cypher.upsert_articles(), store_read.count_articles(conn), articles)]
    n_ent = store_read.count_entities_by_type(conn)
    for etype in EntityType:
        if n_ent.get(etype.value):
            upserts.append(StreamStep(cypher.upsert_entities(etype), n_ent[etype.value], entities(etype)))
    n_mentions = store_read.count_entity_articles(conn) if mention_count is None else mention_count
    if n_mentions:
        upserts.append(StreamStep(cypher.upsert_mentions(), n_mentions, mentions))
    n_rel = store_read.count_relations_by_type(conn)
    for rtype in RelationType:
        if n_rel.get(rtype.value):
            upserts.append(StreamStep(cypher.upsert_relations(rtype), n_rel[rtype.value], relations(rtype)))
    return StorePlan(schema=cypher.schema_statements(), upserts=upserts, batch_size=batch_size)


def store_retraction_steps(conn: sqlite3.Connection, existing: dict[str, Any]) -> list[Step]:
    """retraction_steps with the store as the wanted side, checked in SQL a chunk at a time.

    `existing` is what the four reads returned (see kg.neo4j.loader.retraction_steps); the result is the same
    steps in the same order with the same (sorted, de-duplicated) rows.
    """
    steps: list[Step] = []
    stale_rel: dict[str, set[str]] = {}
    # Generators and chunks only: the reads' lists can hold millions of ids, so none is copied whole
    # (duplicates within a chunk are harmless: only the stale ones are collected, into sets).
    typed = ((t, i) for t, i in existing.get("relations", []) if t in RelationType.__members__)
    for part in batched(typed, CHECK_CHUNK):
        gone = set(store_read.missing_ids(conn, "relations", [i for _, i in part]))
        for t, i in part:
            if i in gone:
                stale_rel.setdefault(t, set()).add(i)
    for rtype in RelationType:
        if stale_rel.get(rtype.value):
            ids = sorted(stale_rel[rtype.value])
            steps.append(Step(cypher.delete_relations(rtype), [{"id": i} for i in ids]))
    stale_m: set[tuple[str, str]] = set()
    for part in batched(((a, e) for a, e in existing.get("mentions", [])), CHECK_CHUNK):
        stale_m.update(store_read.missing_entity_articles(conn, part))
    if stale_m:
        steps.append(
            Step(cypher.delete_mentions(), [{"article": a, "entity": e} for a, e in sorted(stale_m)])
        )
    for key, table, statement in (
        ("entities", "entities", cypher.delete_entities()),
        ("articles", "articles", cypher.delete_articles()),
    ):
        stale: set[str] = set()
        for part in batched(existing.get(key, []), CHECK_CHUNK):
            stale.update(store_read.missing_ids(conn, table, part))
        if stale:
            steps.append(Step(statement, [{"id": i} for i in sorted(stale)]))
    return steps


def write_store(
    driver: Any,
    conn: sqlite3.Connection,
    *,
    database: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: ProgressFn | None = None,
    on_connected: Callable[[int], None] | None = None,
    summary: LoadSummary | None = None,
) -> LoadSummary:
    """write_graph for the store behind `conn`, streaming: holds one chunk of models and one batch.
    `summary` (filled as batches commit) tells a caller how far a failed load got."""
    plan = plan_store(conn, batch_size)
    if on_connected is not None:
        on_connected(plan.total_rows)
    summary = summary if summary is not None else LoadSummary()
    with driver.session(database=database) as session:
        write_schema(session, plan.schema, summary)
        invalidate_marker(session, summary)
        for step in plan.upserts:
            for batch in batched(step.rows(), batch_size):
                write_batch(session, step.statement, batch, summary, progress)
        existing = read_managed(session, summary)
        steps = store_retraction_steps(conn, existing)
        del existing
        run_steps(session, steps, batch_size, summary, progress)
    return summary


def dry_run_streaming(db_path: str, batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, Any]:
    """`kg load --dry-run` without building rows: the plan with SQL row counts."""
    from kg.store.schema import store_errors

    conn = store_read.open_store_readonly(db_path)
    try:
        with store_errors(db_path):
            return plan_store(conn, batch_size).as_dict()
    finally:
        conn.close()
