"""The store's change generation and change log: `kg load`'s local diff costs what changed, not the store.

SQLite triggers on the tables the Neo4j rows are built from (kg.store.read: articles, article_entities,
entities, aliases, relations, evidence) fire on every row written, by whatever writes them: kg build, the
incremental derivation, kg forget, an older kg, a hand-made UPDATE. Each bumps a counter in the store's
meta table (`neo4j_generation`) and logs, in `neo4j_changes` (increasing `seq`), the keys of the elements
whose row may differ (kg.neo4j.changelog). Triggers rather than calls in each writer, so that no writer
can be forgotten, and a rolled-back transaction rolls its bump and log back too. They are installed the
first time the store is loaded (stores never loaded pay nothing) and checked on every load: a table
rebuilt by a migration loses its triggers, so missing ones are re-created and every recorded mark dropped.

A load that completes records, per target, the mark (generation, seq) it read before it started comparing,
with the marker value it left (`neo4j_generations`). The next load, when the database's marker is that
value: skips the diff when the generation is unchanged and nothing is pending (the database already holds
exactly the store's rows); else compares only the elements logged after that seq plus the pending ones,
when the log still has them (`neo4j_changes_floor`, the highest seq pruned, is not past it); else
compares every row. Each recorded mark prunes the log up to the oldest seq any target still needs.
"""

from __future__ import annotations

import sqlite3

from kg.store.schema import get_meta
from kg.store.write import transaction

KEY = "neo4j_generation"
# The tables kg.store.read builds the Neo4j rows from (articles, entities with aliases and mentions,
# relations with their evidence). tests/test_neo4j_generation.py checks the list against read.py.
WATCHED = ("articles", "article_entities", "entities", "aliases", "relations", "evidence")
_OPS = ("INSERT", "UPDATE", "DELETE")

FLOOR = "neo4j_changes_floor"  # meta: the highest seq pruned from the change log
TABLE = """
CREATE TABLE IF NOT EXISTS neo4j_generations (
    tid INTEGER PRIMARY KEY,
    load_id TEXT NOT NULL,
    generation TEXT NOT NULL,
    seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS neo4j_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL DEFAULT ''
);
"""

# The change log (kg.neo4j.changelog): per watched table and operation, the (kind, a, b) keys whose row
# may differ after the write. Kinds: a article, A every mention of an article, e entity, m mention
# (entity, article), r relation (by id, any type). `{row}` is old or new.
_LOGGED = {
    "articles": ["'a', {row}.id, ''", "'A', {row}.id, ''"],
    "article_entities": [
        "'e', {row}.entity_id, '' WHERE {row}.entity_id IS NOT NULL",
        "'m', {row}.entity_id, {row}.article_id WHERE {row}.entity_id IS NOT NULL",
    ],
    "entities": ["'e', {row}.id, ''"],
    "aliases": ["'e', {row}.entity_id, ''"],
    "relations": ["'r', {row}.id, ''"],
    "evidence": ["'r', {row}.relation_id, ''"],
}


# A REPLACE conflict deletes the row it replaces without firing delete triggers (recursive_triggers is
# off): kg never writes with REPLACE, but should anything do so, these log the rows about to be replaced
# whose keys differ from the new row's (an article's path is unique; a local entity may be re-resolved).
_REPLACED = {
    "articles": "SELECT 'a', id, '' FROM articles WHERE path = new.path AND id <> new.id "
    "UNION ALL SELECT 'A', id, '' FROM articles WHERE path = new.path AND id <> new.id",
    "article_entities": "SELECT 'e', entity_id, '' FROM article_entities WHERE article_id = new.article_id "
    "AND local_id = new.local_id AND entity_id IS NOT NULL UNION ALL SELECT 'm', entity_id, article_id "
    "FROM article_entities WHERE article_id = new.article_id AND local_id = new.local_id "
    "AND entity_id IS NOT NULL",
}


def trigger_name(table: str, op: str) -> str:
    return f"kg_gen_{table}_{op.lower()}"


def _trigger_sql(table: str, op: str) -> str:
    if op == "REPLACE":
        return (
            f"CREATE TRIGGER {trigger_name(table, op)} BEFORE INSERT ON {table} BEGIN "
            f"INSERT INTO neo4j_changes(kind, a, b) {_REPLACED[table]}; END"
        )
    rows = {"INSERT": ["new"], "DELETE": ["old"], "UPDATE": ["old", "new"]}[op]
    logged = "".join(
        f"INSERT INTO neo4j_changes(kind, a, b) SELECT {what.format(row=row)}; "
        for row in rows
        for what in _LOGGED[table]
    )
    return (
        f"CREATE TRIGGER {trigger_name(table, op)} AFTER {op} ON {table} BEGIN "
        f"UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = '{KEY}'; {logged}END"
    )


def wanted_triggers() -> dict[str, tuple[str, str]]:
    """name -> (table, CREATE TRIGGER statement) of every trigger the generation and the log need."""
    out = {}
    for table in WATCHED:
        for op in (*_OPS, "REPLACE") if table in _REPLACED else _OPS:
            out[trigger_name(table, op)] = (table, _trigger_sql(table, op))
    return out


def ensure_generation(conn: sqlite3.Connection) -> bool:
    """Install the counter, the log and their triggers. True when all were already in place, as this kg
    writes them; else the others are (re)created and every recorded mark is dropped, in the same
    transaction: writes made while a trigger was missing were not counted, and every write from now on is."""
    wanted = wanted_triggers()
    with transaction(conn):
        for statement in TABLE.split(";"):
            if statement.strip():
                conn.execute(statement)
        present = {
            name: (table, sql)
            for name, table, sql in conn.execute(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
            )
        }
        stale = [name for name, spec in wanted.items() if present.get(name) != spec]
        if not stale and get_meta(conn, KEY) is not None:
            return True
        conn.execute("DELETE FROM neo4j_generations")
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, '0')", (KEY,))
        for name in stale:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")  # another kg's version, or left on a renamed table
            conn.execute(wanted[name][1])
        return False


Mark = tuple[str, int]  # (generation, change-log seq), read together before a load compares anything


def current_mark(conn: sqlite3.Connection) -> Mark | None:
    row = conn.execute(
        "SELECT (SELECT value FROM meta WHERE key = ?), "
        "COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'neo4j_changes'), 0)",
        (KEY,),
    ).fetchone()
    return None if row[0] is None else (row[0], row[1])


def recorded_generation(conn: sqlite3.Connection, tid: int) -> tuple[str, str, int] | None:
    """(marker value, generation, change-log seq) of the target's last completed load, if recorded."""
    row = conn.execute(
        "SELECT load_id, generation, seq FROM neo4j_generations WHERE tid = ?", (tid,)
    ).fetchone()
    return None if row is None else (row[0], row[1], row[2])


def write_generation(conn: sqlite3.Connection, tid: int, load_id: str | None, mark: Mark | None) -> None:
    """Record (or, with None, drop) the mark the target's records describe (caller's transaction), then
    prune the change log up to the oldest seq any target still needs."""
    conn.execute("DELETE FROM neo4j_generations WHERE tid = ?", (tid,))
    if load_id is None or mark is None:
        return
    conn.execute(
        "INSERT INTO neo4j_generations(tid, load_id, generation, seq) VALUES (?, ?, ?, ?)",
        (tid, load_id, mark[0], mark[1]),
    )
    (oldest,) = conn.execute("SELECT MIN(seq) FROM neo4j_generations").fetchone()
    if conn.execute("SELECT 1 FROM neo4j_changes WHERE seq <= ? LIMIT 1", (oldest,)).fetchone():
        conn.execute("DELETE FROM neo4j_changes WHERE seq <= ?", (oldest,))
        conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
            "MAX(CAST(value AS INTEGER), excluded.value)",
            (FLOOR, oldest),
        )


def log_floor(conn: sqlite3.Connection) -> int:
    """Log entries at or below this seq may have been pruned."""
    return int(get_meta(conn, FLOOR) or 0)


def loaded_counts(conn: sqlite3.Connection, tid: int) -> tuple[int, int]:
    """(elements recorded, of which pending) for the target."""
    row = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(hash = ''), 0) FROM neo4j_loaded WHERE tid = ?", (tid,)
    ).fetchone()
    return row[0], row[1]
