"""Writing per-article facts: one article's rows are replaced together, inside the caller's transaction."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from kg.errors import StoreError
from kg.models import Article, Extraction
from kg.resolve.hygiene import clean_aliases
from kg.store.schema import set_meta


def content_hash(article: Article, extractor: str = "") -> str:
    """What decides "unchanged": everything the extractor sees (text and metadata), not the file's mtime,
    plus the extractor's identity and version (`extractor_tag`), so a new extractor re-extracts."""
    payload = json.dumps(
        [article.title, article.date, article.url, article.categories, article.tags, article.text, extractor],
        ensure_ascii=False,
    )
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()


def article_status(conn: sqlite3.Connection, path: str, article_id: str, chash: str) -> str:
    """new | changed | unchanged | duplicate (same content already stored under another path)."""
    row = conn.execute("SELECT content_hash FROM articles WHERE path = ?", (path,)).fetchone()
    if row is not None and row[0] == chash:
        return "unchanged"
    other = conn.execute(
        "SELECT path FROM articles WHERE id = ? AND path != ?", (article_id, path)
    ).fetchone()
    if other is not None:
        return "duplicate"
    return "new" if row is None else "changed"


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception (so a batch is all-or-nothing).

    After some errors (a full disk) SQLite has already rolled the transaction back; then there is nothing
    to roll back, and the original error is the one reported."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the first error says what happened; the rollback failing adds nothing
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        raise


def check_extraction(extraction: Extraction) -> None:
    """Reject an extraction whose relations point at entities it does not define (before any write)."""
    local = {e.id for e in extraction.entities}
    if len(local) != len(extraction.entities):
        raise StoreError(f"{extraction.article.path}: duplicate entity ids in extraction")
    for i, rel in enumerate(extraction.relations):
        for end in (rel.source, rel.target):
            if end not in local:
                raise StoreError(f"{extraction.article.path}: relation {i} references unknown entity {end!r}")


class FactRows(NamedTuple):
    """The rows of one article's facts: plain tuples, cheap to send from a worker process to the writer."""

    article: tuple
    entities: list[tuple]
    mentions: list[tuple]
    relations: list[tuple]


def extraction_rows(extraction: Extraction, chash: str) -> FactRows:
    """Validate an extraction and turn it into rows (done in the workers, so the writer only writes)."""
    check_extraction(extraction)
    art = extraction.article
    aliases = clean_aliases([(e.type, e.name, e.aliases) for e in extraction.entities])
    return FactRows(
        (art.id, art.path, chash, art.title, art.date, art.url),
        [
            (art.id, e.id, e.type.value, e.name, json.dumps(kept, ensure_ascii=False))
            for e, kept in zip(extraction.entities, aliases, strict=True)
        ],
        [(art.id, e.id, m.start, m.end, m.text) for e in extraction.entities for m in e.mentions],
        [
            (
                art.id,
                i,
                r.type.value,
                r.source,
                r.target,
                json.dumps(r.properties.model_dump(exclude_none=True), ensure_ascii=False, sort_keys=True),
                r.evidence.text,
                r.evidence.start,
                r.evidence.end,
                r.confidence,
            )
            for i, r in enumerate(extraction.relations)
        ],
    )


def write_rows(conn: sqlite3.Connection, rows: FactRows, *, replace: bool = True) -> None:
    """Replace the facts of one article (same path or same id); call inside a transaction.

    replace=False skips the delete for an article known to be new (the writer checked its status).
    """
    aid, path = rows.article[0], rows.article[1]
    if replace:
        conn.execute("DELETE FROM articles WHERE path = ?", (path,))
        conn.execute("DELETE FROM articles WHERE id = ?", (aid,))
    conn.execute(
        "INSERT INTO articles(id, path, content_hash, title, date, url) VALUES (?, ?, ?, ?, ?, ?)",
        rows.article,
    )
    conn.executemany(
        "INSERT INTO article_entities(article_id, local_id, type, name, aliases) VALUES (?, ?, ?, ?, ?)",
        rows.entities,
    )
    conn.executemany(
        'INSERT INTO mentions(article_id, local_id, start, "end", text) VALUES (?, ?, ?, ?, ?)', rows.mentions
    )
    conn.executemany(
        "INSERT INTO article_relations(article_id, idx, type, source_local, target_local, properties, "
        'sentence, start, "end", confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        rows.relations,
    )
    set_meta(conn, "dirty", "1")


def write_extraction(conn: sqlite3.Connection, extraction: Extraction, chash: str) -> None:
    """Replace the facts of one article; call inside a transaction."""
    write_rows(conn, extraction_rows(extraction, chash))


def forget_article(conn: sqlite3.Connection, ref: str) -> list[str]:
    """Delete the facts of the article with this path or id; returns the ids removed (empty if none)."""
    ids = [r[0] for r in conn.execute("SELECT id FROM articles WHERE path = ? OR id = ?", (ref, ref))]
    if ids:
        conn.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in ids])
        set_meta(conn, "dirty", "1")
    return ids
