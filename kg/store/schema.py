"""The SQLite schema of the embedded store and how to open it (WAL, foreign keys, schema version).

Two layers: per-article *facts* (articles, article_entities, mentions, article_relations) are written one
article per transaction and are the source of truth; the *graph* (entities, aliases, merges, relations,
evidence) is derived from all facts by `kg.store.derive` so it never depends on the order of input.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
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


def _writable(path: Path) -> bool:
    """Can this process write the store file and its folder (WAL needs its -wal and -shm files there)?"""
    folder = path.parent if str(path.parent) else Path(".")
    return os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))


def readonly_uri(path: Path) -> str:
    """The URI that opens a store for reading only. A store we cannot write is opened `immutable`: in WAL
    mode SQLite would otherwise need to create its -shm file next to it, and fail."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    return uri if _writable(path) else uri + "&immutable=1"


def connect(db_path: str | Path, *, create: bool = False) -> sqlite3.Connection:
    """Open the store (WAL, foreign keys on); with create=False a missing file is a StoreError.

    Nothing is written to a file before it is known to be a kg store of this schema version (or a new,
    empty file): another program's SQLite database, or a store written by a newer kg, is refused as it is.
    A store this process cannot write opens read-only for reading, and is refused for writing."""
    path = Path(db_path)
    if path.exists() and not path.is_file():
        raise StoreError(f"{path}: is a directory, not a store file")
    if not create and not path.is_file():
        raise StoreError(f"{path}: no such store (run `kg build` first)")
    writable = _writable(path)
    if create:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the store's folder ({exc.strerror or exc})") from None
        if not _writable(path):
            raise StoreError(f"{path}: the store is read-only (no permission to write it or its folder)")
    fresh = create and (not path.exists() or path.stat().st_size == 0)
    conn = None
    try:
        if writable:
            conn = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        else:
            conn = sqlite3.connect(readonly_uri(path), uri=True, isolation_level=None, timeout=30)
        if not fresh:
            _check_version(conn, path)
        conn.execute("PRAGMA foreign_keys = ON")
        if writable:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        if create:
            conn.executescript(SCHEMA)
            row = conn.execute("SELECT version FROM schema_version").fetchone()
            if row is None:
                conn.execute("INSERT INTO schema_version(version) VALUES (?)", (SCHEMA_VERSION,))
    except (sqlite3.Error, StoreError) as exc:
        if conn is not None:
            conn.close()
        if isinstance(exc, StoreError):
            raise
        raise StoreError(describe_sqlite_error(path, exc)) from None
    return conn


def _check_version(conn: sqlite3.Connection, path: Path) -> None:
    try:
        row = conn.execute("SELECT version FROM schema_version").fetchone()
    except sqlite3.OperationalError as exc:
        if "no such table" not in str(exc):
            raise
        raise StoreError(
            f"{path}: not a kg store (an SQLite database without kg's schema_version table; left as it is)"
        ) from None
    found = None if row is None else row[0]
    if found == SCHEMA_VERSION:
        return
    if isinstance(found, int) and found > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: store schema version {found} is newer than this kg's ({SCHEMA_VERSION}): "
            "written by a newer kg; upgrade kg to use it (the store is left as it is)"
        )
    raise StoreError(
        f"{path}: store schema version {found}, this kg needs {SCHEMA_VERSION} "
        "(delete it and run `kg build` again)"
    )


def describe_sqlite_error(path: str | Path, exc: sqlite3.Error) -> str:
    """One line naming the store and what went wrong, in words a user can act on."""
    text = str(exc)
    if "file is not a database" in text:
        return f"{path}: not a kg store (file is not a database)"
    if "readonly" in text or "read-only" in text:
        return f"{path}: the store is read-only (no permission to write it or its folder)"
    if "disk is full" in text or "database or disk is full" in text:
        return (
            f"{path}: disk full: the batch being written was not stored; what was stored before is intact "
            "(free some space, then run the command again to finish)"
        )
    return f"{path}: {text}"


@contextmanager
def store_errors(db_path: str | Path) -> Iterator[None]:
    """Turn SQLite failures (locked, read-only, disk full, corrupt) into one StoreError line naming the file."""
    try:
        yield
    except sqlite3.Error as exc:
        raise StoreError(describe_sqlite_error(db_path, exc)) from None


@contextmanager
def store_lock(db_path: str | Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Hold the store's writer lock (an advisory flock on the store file, released by the kernel even if
    the process is killed): a second `kg build` or `kg forget` on the same store waits for the first
    instead of interleaving with it. `on_wait` is called once if it has to wait. SQLite's own locks,
    fcntl locks on the same file, are independent of it."""
    path = Path(db_path)
    created = not path.exists()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        if not _writable(path):
            raise StoreError(
                f"{path}: the store is read-only (no permission to write it or its folder)"
            ) from None
        raise StoreError(f"{path}: cannot open the store ({exc.strerror or exc})") from None
    try:
        try:
            import fcntl
        except ImportError:  # not POSIX: SQLite's own locking still keeps each transaction whole
            yield
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # after the caller closed its SQLite connection (closing releases this process's locks)
        wal = Path(f"{path}-wal")
        if created and path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size):
            path.unlink(missing_ok=True)  # created for the lock, never written: leave no empty store


def get_meta(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return default if row is None else row[0]


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )
