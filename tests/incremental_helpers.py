"""Helpers for the incremental-resolution tests (no tests here): a pool of real-ish articles as fact rows,
store edits (add / change / forget), and a canonical dump of every derived table to compare stores."""

from __future__ import annotations

import hashlib
import importlib.util
import sqlite3
from functools import lru_cache
from pathlib import Path

from kg.pipeline import build_store
from kg.store.derive import derive_graph
from kg.store.schema import connect
from kg.store.write import FactRows, forget_article, transaction, write_rows

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "articles"
GOLD_EXTRACTOR = "test_build_helpers:gold_extract"

# history-independent tables (a clean build of the same articles has them equal), each in a total order
TABLES = {
    "entities": "SELECT id, type, name, key FROM entities ORDER BY 1",
    "aliases": "SELECT entity_id, alias, norm FROM aliases ORDER BY 1, 2",
    "merges": "SELECT entity_id, form_a, form_b, rule, detail FROM merges ORDER BY 1, 2, 3, 4, 5",
    "relations": "SELECT id, type, source, target, properties FROM relations ORDER BY 1",
    "evidence": 'SELECT relation_id, article_id, sentence, start, "end", properties FROM evidence ORDER BY 1, 2, 4, 5',
    "article_entities": "SELECT article_id, local_id, type, name, entity_id FROM article_entities ORDER BY 1, 2",
    "entity_tokens": "SELECT token, entity_id FROM entity_tokens ORDER BY 1, 2",
}
# what also depends on the store's history: ids merged away are redirected
HISTORY = {"redirects": "SELECT old_id, new_id, reason FROM redirects ORDER BY 1"}


def _make_corpus():
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "benchmarks" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows_of(db: Path) -> list[FactRows]:
    conn = sqlite3.connect(db)
    try:
        out = []
        for art in conn.execute(
            "SELECT id, path, content_hash, title, date, url FROM articles ORDER BY path"
        ):
            aid = art[0]
            ents = conn.execute(
                "SELECT article_id, local_id, type, name, aliases FROM article_entities WHERE article_id = ? "
                "ORDER BY rowid",
                (aid,),
            ).fetchall()
            ments = conn.execute(
                'SELECT article_id, local_id, start, "end", text FROM mentions WHERE article_id = ? ORDER BY rowid',
                (aid,),
            ).fetchall()
            rels = conn.execute(
                "SELECT article_id, idx, type, source_local, target_local, properties, sentence, start, "
                '"end", confidence FROM article_relations WHERE article_id = ? ORDER BY idx',
                (aid,),
            ).fetchall()
            out.append(FactRows(tuple(art), ents, ments, rels))
        return out
    finally:
        conn.close()


@lru_cache(maxsize=1)
def pool(workdir: str) -> tuple[FactRows, ...]:
    """The examples (rules extractor) and 40 synthetic articles of benchmarks/make_corpus.py (their gold as
    the extraction: many overlapping names, aliases, namesakes, branches), as fact rows."""
    work = Path(workdir)
    corpus = work / "synthetic"
    _make_corpus().write_corpus(40, corpus, seed=3, shard_size=1000)
    build_store([EXAMPLES], work / "examples.db")
    build_store([corpus / "articles"], work / "synthetic.db", extractor=GOLD_EXTRACTOR)
    return tuple(_rows_of(work / "examples.db") + _rows_of(work / "synthetic.db"))


def changed(rows: FactRows, content: FactRows) -> FactRows:
    """The article of `rows` (same path and id) whose file now holds the content of `content`."""
    aid, path = rows.article[:2]
    digest = hashlib.sha1(f"{path}|{content.article[2]}".encode()).hexdigest()
    return FactRows(
        (aid, path, digest, *content.article[3:]),
        [(aid, *e[1:]) for e in content.entities],
        [(aid, *m[1:]) for m in content.mentions],
        [(aid, *r[1:]) for r in content.relations],
    )


def trimmed(rows: FactRows) -> FactRows:
    """The same article edited: its last entity (with its mentions and relations) is gone."""
    if not rows.entities:
        return rows
    gone = rows.entities[-1][1]
    return FactRows(
        (*rows.article[:2], hashlib.sha1(f"trim|{rows.article[2]}".encode()).hexdigest(), *rows.article[3:]),
        rows.entities[:-1],
        [m for m in rows.mentions if m[1] != gone],
        [r for r in rows.relations if gone not in (r[3], r[4])],
    )


def store(db: Path, articles: list[FactRows], *, full: bool = True) -> None:
    """A store holding exactly these articles, derived (a clean build)."""
    conn = connect(db, create=True)
    try:
        with transaction(conn):
            for rows in articles:
                write_rows(conn, rows, replace=False)
        derive_graph(conn, full=full)
    finally:
        conn.close()


def apply(db: Path, writes: list[FactRows], forgets: list[str]) -> None:
    """Write (add or replace) and forget articles, without deriving."""
    conn = connect(db)
    try:
        with transaction(conn):
            for rows in writes:
                write_rows(conn, rows, replace=True)
            for path in forgets:
                forget_article(conn, path)
    finally:
        conn.close()


def derive(db: Path, *, full: bool = False) -> None:
    conn = connect(db)
    try:
        derive_graph(conn, full=full)
    finally:
        conn.close()


def copy(db: Path, to: Path) -> None:
    """A copy of the store (SQLite's backup: the write-ahead log included)."""
    to.unlink(missing_ok=True)
    src, dst = sqlite3.connect(db), sqlite3.connect(to)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


def dump(db: Path, *, history: bool = False) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(db)
    try:
        queries = {**TABLES, **(HISTORY if history else {})}
        return {name: conn.execute(sql).fetchall() for name, sql in queries.items()}
    finally:
        conn.close()


def differences(a: dict, b: dict) -> dict[str, tuple[list, list]]:
    """Per table: (rows only in a, rows only in b), for tables that differ (a readable failure)."""
    out = {}
    for name, rows in a.items():
        if rows != b[name]:
            sa, sb = set(rows), set(b[name])
            out[name] = (sorted(sa - sb)[:5], sorted(sb - sa)[:5])
    return out
