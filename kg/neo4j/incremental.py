"""Incremental `kg load`: send only what changed since this store's last load into that database.

The watermark lives on both sides. The store keeps, per target (server address + database, never
credentials), the elements it loaded there with their `kg_hash` and the load id they describe
(kg.neo4j.loadstate); the database keeps one `(:KgLoad {id: 'kg'})` node whose `load_id` says which
load its kg-managed graph is the result of. A load first reads the marker (one round trip):

- it names a load this store recorded for this target: the store's current rows are compared locally
  with the records (compute_diff); only new or changed rows are sent, and only the elements the store lost
  are deleted (no retraction reads). Nothing changed: nothing is written at all. When the store's change
  generation says nothing changed since that load, the comparison is skipped; when its change log has
  every change since, only the logged elements are compared (compute_diff_logged; kg.neo4j.generation);
- anything else (first load, `--full`, the database emptied, restored from a backup, or last loaded
  from another store or another copy of this one, a store kg cannot write): a full load (every row, the
  server compares hashes, then the four retraction reads), which rebuilds the records; the reason is
  reported.

Every load that writes rotates the marker (compare-and-set on the value it read, so two loads at once
cannot both believe they own it), at its start and again at its end, so a database restored from a
backup taken before or during a load never matches. Before each batch the store marks its elements
pending and records their hashes only after the commit (see kg.neo4j.loadstate), so a load that stops
anywhere leaves records the next run can trust: it re-sends or re-deletes whatever was in flight.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from kg.models import GraphArticle
from kg.neo4j import changelog, cypher
from kg.neo4j.cypher import Statement
from kg.neo4j.loadstate import (
    PENDING,
    Key,
    LoadRecord,
    gone_query,
    gone_query_among,
    recorded_hashes,
    row_code,
)
from kg.neo4j.marker import Marker, new_token, read_marker, schema_fingerprint, write_marker
from kg.neo4j.rows import (
    LoadSummary,
    ProgressFn,
    article_row,
    entity_row,
    mention_row,
    read_managed,
    relation_row,
    write_batch,
    write_schema,
)
from kg.neo4j.stream import StreamStep, batched, plan_store, relation_source, store_retraction_steps
from kg.ontology import RelationType
from kg.store import read as store_read

DIFF_CHUNK = 2000  # store rows compared with the records per SQL lookup


def target_name(uri: str, database: str | None) -> str:
    """The record's key for a database: the URI without user info, and the database name."""
    return f"{uri} database={database or '(default)'}"


def record_kind(statement_kind: str) -> str:
    """The record kind of an upsert or delete statement ("entities:Bank" -> "e", "delete:ACQUIRED" -> "r")."""
    base, _, sub = statement_kind.partition(":")
    what = sub if base == "delete" else base
    return {"articles": "a", "entities": "e", "mentions": "m"}.get(what, "r")


def row_key(statement_kind: str, row: dict[str, Any]) -> Key:
    kind = record_kind(statement_kind)
    if kind == "m":  # entity first: the order the store streams mentions in (appends, not scattered writes)
        return row["entity"], row["article"]
    if kind == "r":
        return row["id"], statement_kind.partition(":")[2]
    return row["id"], ""


# --------------------------------------------------------------------------- the marker


def choose_mode(marker: Marker | None, record: LoadRecord | None, store_id: str, *, full: bool) -> str | None:
    """None for an incremental load, else why the load compares everything."""
    if full:
        return "--full was given"
    if record is None:
        return "the store is read-only, so kg cannot record what it loads"
    if marker is None:
        return "the database has no kg load marker (a first load, or the database was emptied or replaced)"
    if marker.store_id != store_id:
        return "the database was last loaded from another store"
    load_id, next_id = record.ids()
    if load_id is None and next_id is None:
        return f"this store has no record of a completed load into {record.target}"
    if record.code() != row_code():
        return "this kg builds rows differently from the kg that made the records (another version): every row is compared once"
    if not record.accepts(marker.load_id):
        return (
            "the database's load marker does not match this store's record (another load wrote to it, "
            "a copy of this store was loaded, or it was restored from a backup)"
        )
    return None


# --------------------------------------------------------------------------- the local diff

_CHANGED = "temp.kg_load_changed"


@dataclass
class Diff:
    """Changed upserts (keys in a temp table, per step index) and deletions, with their counts."""

    steps: list[StreamStep]
    changed: list[int]  # rows to send per step
    unchanged: int
    gone: dict[str, list[Key]]  # record kind -> keys, delete order within a kind

    @property
    def to_send(self) -> int:
        return sum(self.changed)

    @property
    def to_delete(self) -> int:
        return sum(len(v) for v in self.gone.values())


def compute_diff(conn: sqlite3.Connection, record: LoadRecord, batch_size: int) -> Diff:
    """Compare every row of the store, as a full load would send it, with the records.

    Articles and entities are hashed as sent. A recorded mention is unchanged (its row is a function of
    its ids). A relation whose source fingerprint equals the recorded one is unchanged without building
    its row; otherwise its row is built and hashed, and when the hash is the recorded one its fingerprint
    is remembered for next time. The records were made by the same row code (choose_mode), or the load
    is full."""
    conn.execute(f"DROP TABLE IF EXISTS {_CHANGED}")
    conn.execute("CREATE TEMP TABLE kg_load_changed (step INTEGER, seq INTEGER, a TEXT, b TEXT)")
    steps = plan_store(conn, batch_size).upserts
    changed = [0] * len(steps)
    unchanged = 0
    seq = 0
    for i, step in enumerate(steps):
        for new, same in _compare_chunks(conn, record, step):
            unchanged += same
            changed[i] += len(new)
            conn.executemany(
                f"INSERT INTO {_CHANGED} VALUES (?, ?, ?, ?)",
                ((i, seq + n, a, b) for n, (a, b) in enumerate(new)),
            )
            seq += len(new)
    tid = record.tid
    gone = {
        kind: [(a, b) for a, b in conn.execute(gone_query(kind), (tid,))] for kind in ("r", "m", "e", "a")
    }
    return Diff(steps, changed, unchanged, gone)


def compute_diff_logged(conn: sqlite3.Connection, record: LoadRecord, batch_size: int, since: int) -> Diff:
    """compute_diff's result, comparing only the elements the change log names after `since` (and the
    pending ones): any other element has the row it had when the load the database holds read the store."""
    conn.execute(f"DROP TABLE IF EXISTS {_CHANGED}")
    conn.execute("CREATE TEMP TABLE kg_load_changed (step INTEGER, seq INTEGER, a TEXT, b TEXT)")
    changelog.collect_candidates(conn, record.tid, since)
    mentions = changelog.candidate_mentions(conn)
    count = changelog.mention_count(conn, record.tid, len(mentions))
    steps = plan_store(conn, batch_size, mention_count=count).upserts
    changed = [0] * len(steps)
    seq = 0
    ids = {kind: changelog.candidate_ids(conn, kind) for kind in ("a", "e", "r")}
    for i, step in enumerate(steps):
        kind = record_kind(step.statement.kind)
        label = step.statement.kind.partition(":")[2]
        for chunk in batched(mentions if kind == "m" else ids[kind], DIFF_CHUNK):
            if kind == "m":
                known = recorded_hashes(conn, record.tid, kind, chunk)
                new = [k for k in chunk if known.get(k, (PENDING, ""))[0] == PENDING]
            else:
                rows = list(_rows_by_id(conn, kind, label, chunk, {}))
                keyed = [(row_key(step.statement.kind, r), r["hash"]) for r in rows]
                known = recorded_hashes(conn, record.tid, kind, [k for k, _ in keyed])
                new = [k for k, h in keyed if known.get(k, (PENDING, ""))[0] != h]
            changed[i] += len(new)
            conn.executemany(
                f"INSERT INTO {_CHANGED} VALUES (?, ?, ?, ?)",
                ((i, seq + n, a, b) for n, (a, b) in enumerate(new)),
            )
            seq += len(new)
    gone = {
        kind: [(a, b) for a, b in conn.execute(gone_query_among(kind, changelog.CANDIDATES), (record.tid,))]
        for kind in ("r", "m", "e", "a")
    }
    return Diff(steps, changed, sum(s.count for s in steps) - sum(changed), gone)


def _compare_chunks(
    conn: sqlite3.Connection, record: LoadRecord, step: StreamStep
) -> Iterator[tuple[list[Key], int]]:
    """(changed keys, number unchanged) for each chunk of the step's rows."""
    kind = record_kind(step.statement.kind)
    if kind == "m":
        for part in store_read.iter_entity_articles(conn, DIFF_CHUNK):
            known = recorded_hashes(conn, record.tid, kind, part)
            new = [k for k in part if known.get(k, (PENDING, ""))[0] == PENDING]
            yield new, len(part) - len(new)
        return
    if kind == "r":
        rtype = step.statement.kind.partition(":")[2]
        cur = conn.execute(
            "SELECT id, type, source, target, properties FROM relations NOT INDEXED WHERE type = ? ORDER BY id",
            (rtype,),
        )
        while part := cur.fetchmany(DIFF_CHUNK):
            known = recorded_hashes(conn, record.tid, kind, [(r[0], rtype) for r in part])
            new, learnt = [], []
            evidence = store_read.relation_evidence(conn, [r[0] for r in part])
            for row in part:  # a row is built only when the fingerprint does not settle it
                key = (row[0], rtype)
                h, src = known.get(key, (PENDING, ""))
                ev = evidence.get(row[0], [])
                fingerprint = relation_source(row, ev)
                if h != PENDING and src == fingerprint:
                    continue
                if relation_row(store_read.relation_model(row, ev))["hash"] == h:
                    learnt.append((row[0], rtype, h, fingerprint))
                else:
                    new.append(key)
            if learnt:
                record.learn_sources(kind, learnt)
            yield new, len(part) - len(new)
        return
    for chunk in batched(step.rows(), DIFF_CHUNK):
        keyed = [(row_key(step.statement.kind, r), r["hash"]) for r in chunk]
        known = recorded_hashes(conn, record.tid, kind, [k for k, _ in keyed])
        new = [k for k, h in keyed if known.get(k, (PENDING, ""))[0] != h]
        yield new, len(keyed) - len(new)


def changed_rows(
    conn: sqlite3.Connection, diff: Diff, index: int, sources: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """The rows of step `index` that changed, built now from the store, in the store's order (a
    relation's source fingerprint goes into `sources`, for its record)."""
    step = diff.steps[index]
    kind = record_kind(step.statement.kind)
    label = step.statement.kind.partition(":")[2]
    keys = conn.execute(f"SELECT a, b FROM {_CHANGED} WHERE step = ? ORDER BY seq", (index,))
    while part := keys.fetchmany(DIFF_CHUNK):
        if kind == "m":
            yield from (mention_row(article, entity) for entity, article in part)
            continue
        yield from _rows_by_id(conn, kind, label, [a for a, _ in part], sources)


def _rows_by_id(
    conn: sqlite3.Connection, kind: str, label: str, ids: list[str], sources: dict[str, str]
) -> Iterator[dict[str, Any]]:
    """Rows of these ids still in the store with the step's type (one changed again since the diff waits,
    pending or recorded as it was, for the next load)."""
    sel = "(SELECT value FROM json_each(?))"
    arg = (json.dumps(ids),)
    if kind == "a":
        for r in conn.execute(
            f"SELECT id, title, date, url, path FROM articles WHERE id IN {sel} ORDER BY id", arg
        ):
            yield article_row(GraphArticle(id=r[0], title=r[1], date=r[2], url=r[3], path=r[4]))
    elif kind == "e":
        query = f"SELECT id, name, type FROM entities WHERE id IN {sel} AND type = ? ORDER BY id"
        rows = conn.execute(query, (*arg, label)).fetchall()
        yield from (entity_row(e) for e in store_read.entity_models(conn, rows))
    else:
        query = (
            f"SELECT id, type, source, target, properties FROM relations WHERE id IN {sel} AND type = ? "
            "ORDER BY id"
        )
        rows = conn.execute(query, (*arg, label)).fetchall()
        for row, (model, evidence) in zip(
            rows, store_read.relation_models_with_evidence(conn, rows), strict=True
        ):
            sources[model.id] = relation_source(row, evidence)
            yield relation_row(model)


def delete_batches(diff: Diff) -> Iterator[tuple[Statement, str, list[dict[str, Any]]]]:
    """The deletions in the full load's order: relations by type, mentions, entities, articles."""
    by_type: dict[str, list[str]] = {}
    for rid, rtype in diff.gone["r"]:
        by_type.setdefault(rtype, []).append(rid)
    for rtype in RelationType:
        if by_type.get(rtype.value):
            yield cypher.delete_relations(rtype), "r", [{"id": i} for i in sorted(by_type[rtype.value])]
    if diff.gone["m"]:
        yield cypher.delete_mentions(), "m", [{"article": a, "entity": e} for e, a in diff.gone["m"]]
    for kind, statement in (("e", cypher.delete_entities()), ("a", cypher.delete_articles())):
        if diff.gone[kind]:
            yield statement, kind, [{"id": a} for a, _ in diff.gone[kind]]


# --------------------------------------------------------------------------- the two kinds of load


def _guarded(
    session: Any,
    record: LoadRecord | None,
    statement: Statement,
    batch: list[dict[str, Any]],
    summary: LoadSummary,
    progress: ProgressFn | None,
    ahead: bool = True,
    sources: dict[str, str] | None = None,
) -> None:
    """One batch under the write-ahead rule: pending before it is sent, recorded (or dropped) after.
    A full load skips the pending marks (`ahead=False`): its records are trusted only once it ends."""
    if record is None:
        write_batch(session, statement, batch, summary, progress)
        return
    kind = record_kind(statement.kind)
    keys = [row_key(statement.kind, r) for r in batch]
    if ahead:
        record.mark_pending(kind, keys)
    write_batch(session, statement, batch, summary, progress)
    if statement.kind.startswith("delete:"):
        record.forget(kind, keys)
    else:
        src = sources if sources is not None and kind == "r" else {}
        record.record(
            kind, [(a, b, r["hash"], src.pop(a, "")) for (a, b), r in zip(keys, batch, strict=True)]
        )


def load_full(
    session: Any,
    conn: sqlite3.Connection,
    record: LoadRecord | None,
    store_id: str,
    batch_size: int,
    summary: LoadSummary,
    progress: ProgressFn | None,
    on_connected: Callable[[int], None] | None,
) -> None:
    """Every row (the server compares hashes), the four retraction reads, deletes; records rebuilt."""
    generation = record.generation() if record is not None else None
    sources: dict[str, str] | None = {} if record is not None else None
    plan = plan_store(conn, batch_size, sources)
    if on_connected is not None:
        on_connected(plan.total_rows)
    if record is not None:
        record.reset()
    write_schema(session, plan.schema, summary)
    start = new_token()
    write_marker(session, summary, store_id, start, None)  # other stores' records stop matching now
    for step in plan.upserts:
        for batch in batched(step.rows(), batch_size):
            _guarded(session, record, step.statement, batch, summary, progress, ahead=False, sources=sources)
            summary.rows_sent += len(batch)
    existing = read_managed(session, summary)
    steps = store_retraction_steps(conn, existing)
    del existing
    for step in steps:
        for batch in step.batches(batch_size):
            _guarded(session, record, step.statement, batch, summary, progress, ahead=False)
    if record is not None:
        _finish(session, record, store_id, start, summary, generation)


def _finish(
    session: Any,
    record: LoadRecord,
    store_id: str,
    current: str,
    summary: LoadSummary,
    generation: tuple[str, int] | None,
) -> None:
    """The records describe the database at `current`: rotate the marker once more and settle there
    (with the store's mark, generation and change-log seq, read before the load compared anything)."""
    final = new_token()
    record.settle(current, final)
    if write_marker(session, summary, store_id, final, current):
        record.settle(final)
        record.keep_generation(final, generation)
    else:
        record.invalidate()
        summary.notes.append(
            "another load wrote to this database during this one: the next `kg load` compares everything"
        )


def load_changes(
    session: Any,
    conn: sqlite3.Connection,
    record: LoadRecord,
    marker: Marker,
    store_id: str,
    batch_size: int,
    summary: LoadSummary,
    progress: ProgressFn | None,
    on_connected: Callable[[int], None] | None,
) -> bool:
    """The incremental load; False when the marker moved before anything was written (then load in full)."""
    assert marker.load_id is not None
    schema_current = marker.schema == schema_fingerprint()
    unchanged = record.unchanged_since(marker.load_id) if schema_current else None
    if unchanged is not None:  # the store did not change since the load the database holds
        summary.rows_unchanged = unchanged
        if on_connected is not None:
            on_connected(0)
        return True
    generation = record.generation()  # before comparing: a write during the diff moves it on
    since = record.logged_since(marker.load_id)
    if since is None:
        diff = compute_diff(conn, record, batch_size)
    else:
        diff = compute_diff_logged(conn, record, batch_size, since)
    summary.rows_unchanged = diff.unchanged
    if on_connected is not None:
        on_connected(diff.to_send + diff.to_delete)
    if diff.to_send == 0 and diff.to_delete == 0 and schema_current:
        record.keep_generation(marker.load_id, generation)
        return True  # the database holds exactly this store: nothing to write
    token = new_token()
    record.begin(marker.load_id, token)
    if not schema_current:
        write_schema(session, cypher.schema_statements(), summary)
    if not write_marker(session, summary, store_id, token, marker.load_id):
        return False
    sources: dict[str, str] = {}
    for index, step in enumerate(diff.steps):
        if diff.changed[index]:
            for batch in batched(changed_rows(conn, diff, index, sources), batch_size):
                _guarded(session, record, step.statement, batch, summary, progress, sources=sources)
                summary.rows_sent += len(batch)
    for statement, _kind, rows in delete_batches(diff):
        for batch in batched(rows, batch_size):
            _guarded(session, record, statement, batch, summary, progress)
    _finish(session, record, store_id, token, summary, generation)
    return True


def load_store_incremental(
    driver: Any,
    conn: sqlite3.Connection,
    record: LoadRecord | None,
    store_id: str,
    *,
    database: str | None,
    batch_size: int,
    full: bool = False,
    progress: ProgressFn | None = None,
    on_connected: Callable[[int], None] | None = None,
    summary: LoadSummary | None = None,
) -> LoadSummary:
    """`kg load` on the store behind `conn`: incremental when the marker matches the record, else full."""
    summary = summary if summary is not None else LoadSummary()
    with driver.session(database=database) as session:
        marker = read_marker(session, summary)
        reason = choose_mode(marker, record, store_id, full=full)
        if reason is None and record is not None and marker is not None:
            summary.mode = "incremental"
            if load_changes(
                session, conn, record, marker, store_id, batch_size, summary, progress, on_connected
            ):
                return summary
            reason = "another load moved the database's load marker as this one started"
            on_connected = None
        summary.mode, summary.reason = "full", reason
        load_full(session, conn, record, store_id, batch_size, summary, progress, on_connected)
    return summary
