"""The SQLite schema of the embedded store and how to open it (WAL, foreign keys, schema version).

Two layers: per-article *facts* (articles, article_entities, mentions, article_relations) are written one
article per transaction and are the source of truth; the *graph* (entities, aliases, merges, relations,
evidence) is derived from all facts by `kg.store.derive` so it never depends on the order of input.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kg.errors import StoreError

SCHEMA_VERSION = 3

SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- facts: one article's rows are always written (and replaced) in one transaction
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    date TEXT,
    url TEXT,
    derived INTEGER NOT NULL DEFAULT 0  -- 0 until the graph includes this article's facts
);
CREATE INDEX IF NOT EXISTS articles_pending ON articles(derived) WHERE derived = 0;
CREATE TABLE IF NOT EXISTS article_entities (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    local_id TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    entity_id TEXT,
    PRIMARY KEY (article_id, local_id)
);
CREATE INDEX IF NOT EXISTS article_entities_entity ON article_entities(entity_id);
CREATE TABLE IF NOT EXISTS mentions (
    article_id TEXT NOT NULL,
    local_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    text TEXT NOT NULL,
    FOREIGN KEY (article_id, local_id) REFERENCES article_entities(article_id, local_id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS mentions_entity ON mentions(article_id, local_id);
CREATE TABLE IF NOT EXISTS article_relations (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    type TEXT NOT NULL,
    source_local TEXT NOT NULL,
    target_local TEXT NOT NULL,
    properties TEXT NOT NULL DEFAULT '{}',
    sentence TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    confidence REAL NOT NULL DEFAULT 1.0,
    PRIMARY KEY (article_id, idx)
);

-- graph: derived from all facts (kg.store.derive); rebuilt in one transaction
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_name ON entities(name);
CREATE TABLE IF NOT EXISTS aliases (
    entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    norm TEXT NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
CREATE INDEX IF NOT EXISTS aliases_norm ON aliases(norm);
CREATE TABLE IF NOT EXISTS merges (
    entity_id TEXT NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    form_a TEXT NOT NULL,
    form_b TEXT NOT NULL,
    rule TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS merges_entity ON merges(entity_id);
-- ids that no longer name an entity (merged into another): kg show/explain OLD_ID still find it
CREATE TABLE IF NOT EXISTS redirects (old_id TEXT PRIMARY KEY, new_id TEXT NOT NULL, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS relations (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    source TEXT NOT NULL REFERENCES entities(id),
    target TEXT NOT NULL REFERENCES entities(id),
    properties TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS relations_source ON relations(source);
CREATE INDEX IF NOT EXISTS relations_target ON relations(target);
CREATE TABLE IF NOT EXISTS evidence (
    relation_id TEXT NOT NULL REFERENCES relations(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    sentence TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    properties TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (relation_id, article_id, start, "end")
);
CREATE INDEX IF NOT EXISTS evidence_article ON evidence(article_id);
-- relations whose evidence changed since the last derivation (their properties are recomputed)
CREATE TABLE IF NOT EXISTS touched (relation_id TEXT PRIMARY KEY);
CREATE TRIGGER IF NOT EXISTS evidence_added AFTER INSERT ON evidence
    BEGIN INSERT OR IGNORE INTO touched(relation_id) VALUES (new.relation_id); END;
CREATE TRIGGER IF NOT EXISTS evidence_removed AFTER DELETE ON evidence
    BEGIN INSERT OR IGNORE INTO touched(relation_id) VALUES (old.relation_id); END;
"""


def connect(db_path: str | Path, *, create: bool = False) -> sqlite3.Connection:
    """Open the store (WAL, foreign keys on); with create=False a missing file is a StoreError."""
    path = Path(db_path)
    if not create and not path.is_file():
        raise StoreError(f"{path}: no such store (run `kg build` first)")
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        if create:
            conn.executescript(SCHEMA)
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                conn.execute("INSERT INTO schema_version(version) VALUES (?)", (SCHEMA_VERSION,))
        _check_version(conn, path)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: not a kg store ({exc})") from None
    return conn


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    try:
        row = conn.execute("SELECT version FROM schema_version").fetchone()
    except sqlite3.OperationalError:
        raise StoreError(f"{path}: not a kg store (no schema_version table)") from None
    if row is None or row[0] != SCHEMA_VERSION:
        found = None if row is None else row[0]
        raise StoreError(
            f"{path}: store schema version {found}, this kg needs {SCHEMA_VERSION} (delete it and run `kg build` again)"
        )


@contextmanager
def store_errors(db_path: str | Path) -> Iterator[None]:
    """Turn SQLite failures (locked, read-only, disk full, corrupt) into one StoreError line naming the file."""
    try:
        yield
    except sqlite3.Error as exc:
        raise StoreError(f"{db_path}: {exc}") from None


def get_meta(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return default if row is None else row[0]


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
