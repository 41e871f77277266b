"""What the store remembers of its loads into each Neo4j database (kg.neo4j.incremental uses it).

Two tables, created in the store the first time it is loaded (the rest of the store never reads them,
so they need no schema version of their own):

- `neo4j_targets`: one row per target (server address and database name, never credentials) with
  `load_id`, the value of the database's `(:KgLoad)` marker whose graph the records describe, and
  `next_id`, the marker value a load in progress is writing (accepted too: the records are kept
  consistent with either);
- `neo4j_loaded`: per target, every element kg loaded there with the `kg_hash` it sent: kind `a`
  (article id), `e` (entity id), `m` (entity id, article id), `r` (relation id, type). A hash of ''
  means *pending*: a batch with this element was about to be sent, so Neo4j may or may not hold it, with
  unknown content. A pending element the store still has is sent again, one it lost is deleted again.
  Relations also keep `src`, a fingerprint of the store rows their row was built from (kg.neo4j.incremental
  `relation_source`): an equal one means an equal row without building it ('' = not known yet).

Write-ahead rule, so that a load stopping anywhere never makes the next one skip a row that did not
commit: before a batch goes to Neo4j its elements are marked pending; only after the commit are they
given their hash (or, for deletes, dropped).
"""

from __future__ import annotations

import functools
import hashlib
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from kg.neo4j.generation import (
    Mark,
    current_mark,
    ensure_generation,
    loaded_counts,
    log_floor,
    recorded_generation,
    write_generation,
)
from kg.neo4j.marker import new_token
from kg.store.schema import _writable, connect, get_meta, store_errors
from kg.store.write import transaction

TABLES = """
CREATE TABLE IF NOT EXISTS neo4j_targets (
    tid INTEGER PRIMARY KEY,
    target TEXT NOT NULL UNIQUE,
    load_id TEXT,
    next_id TEXT,
    code TEXT,
    loaded_at TEXT
);
CREATE TABLE IF NOT EXISTS neo4j_loaded (
    tid INTEGER NOT NULL,
    kind TEXT NOT NULL,
    a TEXT NOT NULL,
    b TEXT NOT NULL,
    hash TEXT NOT NULL,
    src TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (tid, kind, a, b)
) WITHOUT ROWID;
"""

PENDING = ""

Key = tuple[str, str]  # (a, b) of one element within its kind


# The code that turns the store into rows: records made by a kg whose rows may differ are not trusted.
ROW_CODE_FILES = ("neo4j/rows.py", "models.py", "ontology.py", "store/read.py")


@functools.cache
def row_code() -> str:
    """A fingerprint of the row-building code (any change to these files means one full load)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for name in ROW_CODE_FILES:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:16]


def open_writer(db_path: str | Path) -> sqlite3.Connection | None:
    """A connection that can write the load records, or None when this process cannot write the store
    (the load then runs in full and records nothing)."""
    path = Path(db_path)
    if not _writable(path):
        return None
    conn = connect(path)
    with store_errors(path):
        conn.executescript(TABLES)
    return conn


def store_identity(conn: sqlite3.Connection, writable: bool) -> str:
    """The store's random id (meta `store_id`), created on its first load when the store can be written."""
    sid = get_meta(conn, "store_id")
    if sid is None and writable:
        with transaction(conn):  # two first loads at once: the first one's id stays
            conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('store_id', ?)", (new_token(),))
        sid = get_meta(conn, "store_id")
    return sid or ""


def has_tables(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'neo4j_loaded'"
    ).fetchone()
    return row is not None


class LoadRecord:
    """The records of one target, written through the store's writer connection."""

    def __init__(self, conn: sqlite3.Connection, target: str) -> None:
        self.conn = conn
        self.target = target
        with transaction(conn):
            conn.execute("INSERT OR IGNORE INTO neo4j_targets(target) VALUES (?)", (target,))
        self.tid: int = conn.execute("SELECT tid FROM neo4j_targets WHERE target = ?", (target,)).fetchone()[
            0
        ]
        ensure_generation(conn)  # the store's change generation, counted from now on (kg.neo4j.generation)

    # ------------------------------------------------------------------ the watermark

    def ids(self) -> tuple[str | None, str | None]:
        row = self.conn.execute("SELECT load_id, next_id FROM neo4j_targets WHERE tid = ?", (self.tid,))
        load_id, next_id = row.fetchone()
        return load_id, next_id

    def code(self) -> str | None:
        return self.conn.execute("SELECT code FROM neo4j_targets WHERE tid = ?", (self.tid,)).fetchone()[0]

    def accepts(self, marker_load_id: str | None) -> bool:
        return marker_load_id is not None and marker_load_id in self.ids()

    def _set(self, load_id: str | None, next_id: str | None) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE neo4j_targets SET load_id = ?, next_id = ?, code = ?, loaded_at = datetime('now') "
                "WHERE tid = ?",
                (load_id, next_id, row_code(), self.tid),
            )
            write_generation(self.conn, self.tid, None, None)

    def begin(self, current: str, token: str) -> None:
        """An incremental load starts: the database is at `current` (one of ours); `token` comes next."""
        self._set(current, token)

    def settle(self, token: str, following: str | None = None) -> None:
        """The records now describe the database at `token`; `following` is about to replace it."""
        self._set(token, following)

    def reset(self) -> None:
        """A full load starts: nothing is trusted until it ends (records are rebuilt as batches commit)."""
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE neo4j_targets SET load_id = NULL, next_id = NULL WHERE tid = ?", (self.tid,)
            )
            self.conn.execute("DELETE FROM neo4j_loaded WHERE tid = ?", (self.tid,))
            write_generation(self.conn, self.tid, None, None)

    def invalidate(self) -> None:
        self._set(None, None)

    # ------------------------------------------------------------------ the store's generation

    def generation(self) -> Mark | None:
        """The store's change generation and change-log seq now (read before comparing anything)."""
        return current_mark(self.conn)

    def keep_generation(self, load_id: str, mark: Mark | None) -> None:
        """The database at marker `load_id` holds exactly the store's rows as of `mark`."""
        with transaction(self.conn):
            write_generation(self.conn, self.tid, load_id, mark)

    def logged_since(self, marker_load_id: str | None) -> int | None:
        """The change-log seq after which every change since the load the database holds is logged
        (that load's mark, when the log was not pruned past it), else None: then every row is compared."""
        recorded = recorded_generation(self.conn, self.tid)
        if marker_load_id is None or recorded is None or recorded[0] != marker_load_id:
            return None
        return recorded[2] if recorded[2] >= log_floor(self.conn) else None

    def unchanged_since(self, marker_load_id: str | None) -> int | None:
        """The number of elements loaded when the database at `marker_load_id` holds the store as it is now
        (same generation as that completed load, nothing pending), else None: then the store is compared."""
        mark = self.generation()
        recorded = recorded_generation(self.conn, self.tid)
        if marker_load_id is None or mark is None or recorded is None:
            return None
        if recorded[:2] != (marker_load_id, mark[0]):
            return None
        total, pending = loaded_counts(self.conn, self.tid)
        return total if pending == 0 else None

    # ------------------------------------------------------------------ elements

    def mark_pending(self, kind: str, keys: Iterable[Key]) -> None:
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT INTO neo4j_loaded(tid, kind, a, b, hash) VALUES (?, ?, ?, ?, '') "
                "ON CONFLICT(tid, kind, a, b) DO UPDATE SET hash = ''",
                ((self.tid, kind, a, b) for a, b in keys),
            )

    def record(self, kind: str, items: Iterable[tuple[str, str, str, str]]) -> None:
        """(a, b, hash, src) of elements whose batch committed."""
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT INTO neo4j_loaded(tid, kind, a, b, hash, src) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(tid, kind, a, b) DO UPDATE SET hash = excluded.hash, src = excluded.src",
                ((self.tid, kind, a, b, h, s) for a, b, h, s in items),
            )

    def learn_sources(self, kind: str, items: Iterable[tuple[str, str, str, str]]) -> None:
        """(a, b, hash, src): the element's current row has the recorded hash; remember its source."""
        with transaction(self.conn):
            self.conn.executemany(
                "UPDATE neo4j_loaded SET src = ? WHERE tid = ? AND kind = ? AND a = ? AND b = ? AND hash = ?",
                ((s, self.tid, kind, a, b, h) for a, b, h, s in items),
            )

    def forget(self, kind: str, keys: Iterable[Key]) -> None:
        with transaction(self.conn):
            self.conn.executemany(
                "DELETE FROM neo4j_loaded WHERE tid = ? AND kind = ? AND a = ? AND b = ?",
                ((self.tid, kind, a, b) for a, b in keys),
            )


def recorded_hashes(
    conn: sqlite3.Connection, tid: int, kind: str, keys: list[Key]
) -> dict[Key, tuple[str, str]]:
    """The recorded (hash, src) of each of `keys` that has one (pending ones with hash '')."""
    query = (
        "WITH p(a, b) AS MATERIALIZED (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') "
        "FROM json_each(?)) "
        "SELECT l.a, l.b, l.hash, l.src FROM p "
        "JOIN neo4j_loaded l ON l.tid = ? AND l.kind = ? AND l.a = p.a AND l.b = p.b"
    )
    return {(a, b): (h, s) for a, b, h, s in conn.execute(query, (json.dumps(keys), tid, kind))}


# What the store no longer has, per kind: recorded elements without a counterpart in the store's graph.
_GONE = {
    "r": "NOT EXISTS (SELECT 1 FROM relations t WHERE t.id = l.a AND t.type = l.b)",
    "m": "NOT EXISTS (SELECT 1 FROM article_entities ae JOIN articles ar ON ar.id = ae.article_id "
    "WHERE ae.article_id = l.b AND ae.entity_id = l.a)",
    "e": "NOT EXISTS (SELECT 1 FROM entities t WHERE t.id = l.a)",
    "a": "NOT EXISTS (SELECT 1 FROM articles t WHERE t.id = l.a)",
}


def gone_query_among(kind: str, candidates: str) -> str:
    """gone_query limited to the elements named in the table `candidates` (kind, a, b), read from it first:
    the cost follows the candidates, not the records (parameter: tid)."""
    order = "l.b, l.a" if kind in ("r", "m") else "l.a, l.b"
    same_b = " AND l.b = c.b" if kind == "m" else ""  # mentions by (entity, article); others by id
    return (
        f"SELECT l.a, l.b FROM {candidates} c CROSS JOIN neo4j_loaded l ON l.tid = ? AND l.kind = c.kind "
        f"AND l.a = c.a{same_b} WHERE c.kind = '{kind}' AND {_GONE[kind]} ORDER BY {order}"
    )


def gone_query(kind: str) -> str:
    """SELECT a, b of the recorded elements of `kind` the store lost (parameter: tid), ordered as the
    full load's retraction orders its deletes (relations by type, then id; mentions by article, entity)."""
    order = "l.b, l.a" if kind in ("r", "m") else "l.a, l.b"  # relations by type; mentions by article
    return (
        f"SELECT l.a, l.b FROM neo4j_loaded l WHERE l.tid = ? AND l.kind = '{kind}' AND {_GONE[kind]} "
        f"ORDER BY {order}"
    )
