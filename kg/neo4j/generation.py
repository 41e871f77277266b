"""The store's change generation: lets an unchanged store skip `kg load`'s local diff altogether.

A counter in the store's meta table (`neo4j_generation`) is bumped by SQLite triggers on every row
written to the tables the Neo4j rows are built from (kg.store.read: articles, article_entities, entities,
aliases, relations, evidence), by whatever writes them: kg build, the incremental derivation, kg forget,
an older kg, or a hand-made UPDATE. Triggers rather than calls in each writer, so that no writer can be
forgotten, and a rolled-back transaction rolls its bump back too. They are installed the first time the
store is loaded (stores never loaded pay nothing) and checked on every load: a table rebuilt by a
migration loses its triggers, so missing ones make every recorded generation untrusted.

A load that completes records, per target, the generation it read before it started comparing, with the
marker value it left (`neo4j_generations`). The next load skips the diff when the database's marker is
that value, the store's generation is still that one and no element is pending: the store cannot have
changed since, so the database already holds exactly its rows. Any other case compares as before.
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

TABLE = """
CREATE TABLE IF NOT EXISTS neo4j_generations (
    tid INTEGER PRIMARY KEY,
    load_id TEXT NOT NULL,
    generation TEXT NOT NULL
);
"""


def trigger_name(table: str, op: str) -> str:
    return f"kg_gen_{table}_{op.lower()}"


def ensure_generation(conn: sqlite3.Connection) -> bool:
    """Install the counter and its triggers. True when all were already in place; else they are
    (re)created and every recorded generation is dropped, in the same transaction: writes made while a
    trigger was missing were not counted, and every write from now on is."""
    wanted = {(trigger_name(t, op), t) for t in WATCHED for op in _OPS}
    with transaction(conn):
        conn.execute(TABLE)
        present = set(conn.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"))
        if wanted <= present and get_meta(conn, KEY) is not None:
            return True
        conn.execute("DELETE FROM neo4j_generations")
        conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES (?, '0')", (KEY,))
        for table in WATCHED:
            for op in _OPS:
                name = trigger_name(table, op)
                if (name, table) in present:
                    continue
                conn.execute(f"DROP TRIGGER IF EXISTS {name}")  # a namesake left on a renamed table
                conn.execute(
                    f"CREATE TRIGGER {name} AFTER {op} ON {table} BEGIN "
                    f"UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = '{KEY}'; END"
                )
        return False


def current_generation(conn: sqlite3.Connection) -> str | None:
    return get_meta(conn, KEY)


def recorded_generation(conn: sqlite3.Connection, tid: int) -> tuple[str, str] | None:
    """(marker value, generation) of the target's last completed load, if it recorded one."""
    row = conn.execute("SELECT load_id, generation FROM neo4j_generations WHERE tid = ?", (tid,)).fetchone()
    return None if row is None else (row[0], row[1])


def write_generation(conn: sqlite3.Connection, tid: int, load_id: str | None, generation: str | None) -> None:
    """Record (or, with None, drop) the generation the target's records describe (caller's transaction)."""
    conn.execute("DELETE FROM neo4j_generations WHERE tid = ?", (tid,))
    if load_id is not None and generation is not None:
        conn.execute(
            "INSERT INTO neo4j_generations(tid, load_id, generation) VALUES (?, ?, ?)",
            (tid, load_id, generation),
        )


def loaded_counts(conn: sqlite3.Connection, tid: int) -> tuple[int, int]:
    """(elements recorded, of which pending) for the target."""
    row = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM(hash = ''), 0) FROM neo4j_loaded WHERE tid = ?", (tid,)
    ).fetchone()
    return row[0], row[1]
