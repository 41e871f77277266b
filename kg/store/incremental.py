"""Incremental resolution: after adding, changing or forgetting a few articles, re-resolve only their part.

The store keeps, per entity, the *tokens* of its names (`entity_tokens`, kg.resolve.locality: what the
resolver joins on) and logs which entities lost an extracted name (`removed_names`, filled by a trigger on
article_entities, so changing and forgetting articles are both seen, whoever deletes). A derivation then
starts from the tokens of the pending articles' names and of the entities that lost names, searches the
token index for every entity sharing a token (and so on, to a fixed point: whole components), adds, as
input, the components of the organisations the persons in it serve, and resolves only the names of that
*scope* (kg.resolve.locality says why this equals the full resolution on it). If a stored name changed
entity, the persons outside the scope who serve the entities involved join it and it is resolved again
(namesakes join through one organisation's entity). Everything else keeps its entities.

A full resolution runs instead when the index cannot be trusted: a store derived before the index existed,
a changed alias file (`store_alias_config` clears the index), or on request (`kg build --full-resolve`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from kg.ontology import EntityType
from kg.resolve import AliasConfig, EntityRecord, Resolution, normalize_form, scope_of
from kg.resolve.locality import DEPENDS, SEP, record_tokens, resolve_with_tokens
from kg.store.schema import get_meta, set_meta
from kg.store.syndicates import INDEX as SYNDICATE_INDEX

INDEX = "resolve_index"  # meta key: "1" when entity_tokens is complete and every removal since is logged
TRIGGER = "article_entity_removed"
DDL = (
    (
        "CREATE TABLE IF NOT EXISTS entity_tokens (token TEXT NOT NULL, entity_id TEXT NOT NULL, "
        "PRIMARY KEY (token, entity_id)) WITHOUT ROWID"
    ),
    "CREATE INDEX IF NOT EXISTS entity_tokens_entity ON entity_tokens(entity_id)",
    "CREATE TABLE IF NOT EXISTS removed_names (entity_id TEXT NOT NULL)",
    # a scope's stored names are read from this index alone, grouped in its order
    "CREATE INDEX IF NOT EXISTS article_entities_names ON article_entities(entity_id, type, name, aliases, article_id)",
    SYNDICATE_INDEX,
    (
        f"CREATE TRIGGER IF NOT EXISTS {TRIGGER} AFTER DELETE ON article_entities "
        "WHEN old.entity_id IS NOT NULL BEGIN INSERT INTO removed_names(entity_id) VALUES (old.entity_id); END"
    ),
)
CHUNK = 500  # SQL parameters per IN (...) list
_DEP = DEPENDS + SEP


def ensure_index_tables(conn: sqlite3.Connection) -> None:
    """Create the token index and the removal log (inside the caller's transaction)."""
    for statement in DDL:
        conn.execute(statement)


def index_ready(conn: sqlite3.Connection) -> bool:
    """Can the next derivation be incremental (index complete, removals logged since it was built)?"""
    if get_meta(conn, INDEX) != "1":
        return False
    row = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", (TRIGGER,))
    return row.fetchone() is not None


def invalidate_index(conn: sqlite3.Connection) -> None:
    """The next derivation resolves everything (the alias file changed)."""
    set_meta(conn, INDEX, "0")


def mark_index(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM removed_names")
    set_meta(conn, INDEX, "1")


def write_tokens(conn: sqlite3.Connection, tokens: dict[str, set[str]]) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO entity_tokens(token, entity_id) VALUES (?, ?)",
        ((t, eid) for eid, toks in tokens.items() for t in sorted(toks)),
    )


def _chunks(items: Iterable[str]) -> Iterator[list[str]]:
    items = sorted(items)
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _entities_with(conn: sqlite3.Connection, tokens: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for chunk in _chunks(tokens):
        marks = ",".join("?" * len(chunk))
        out.update(
            r[0] for r in conn.execute(f"SELECT entity_id FROM entity_tokens WHERE token IN ({marks})", chunk)
        )
    return out


def _tokens_of(conn: sqlite3.Connection, ids: Iterable[str]) -> set[str]:
    out: set[str] = set()
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        out.update(
            r[0] for r in conn.execute(f"SELECT token FROM entity_tokens WHERE entity_id IN ({marks})", chunk)
        )
    return out


@dataclass
class _Search:
    """A growing union of whole components of the token graph (entities by id, their tokens)."""

    conn: sqlite3.Connection
    config: set[str]
    tokens: set[str] = field(default_factory=set)
    ids: set[str] = field(default_factory=set)
    deps: set[str] = field(default_factory=set)  # tokens the persons in scope depend on

    def grow(self, tokens: Iterable[str] = (), ids: Iterable[str] = ()) -> None:
        new_tokens, new_ids = set(), set(ids)
        self._sort(tokens, new_tokens)
        while new_tokens or new_ids:
            new_tokens -= self.tokens
            if new_tokens & self.config:
                new_tokens |= self.config - self.tokens
            self.tokens |= new_tokens
            new_ids = (new_ids | _entities_with(self.conn, new_tokens)) - self.ids
            self.ids |= new_ids
            new_tokens = set()
            self._sort(_tokens_of(self.conn, new_ids), new_tokens)
            new_tokens -= self.tokens
            new_ids = set()

    def _sort(self, tokens: Iterable[str], into: set[str]) -> None:
        for t in tokens:
            if t.startswith(_DEP):
                self.deps.add(t[len(_DEP) :])
            else:
                into.add(t)


@dataclass
class Part:
    """The resolved scope: its resolution, tokens per entity, the entities it replaces, its stored rows."""

    resolution: Resolution
    tokens: dict[str, set[str]]
    old_ids: set[str]
    # (rowids, type, name, article ids, previous entity id): one stored row, or a group of rows that are
    # the same unscoped name (same aliases, same entity) in several articles
    rows: list[tuple[tuple[int, ...], str, str, tuple[str, ...], str | None]]


_ROW = "rowid, type, name, aliases, article_id, local_id, entity_id"


def _pending_records(conn: sqlite3.Connection) -> list[tuple]:
    cur = conn.execute(
        "SELECT e.rowid, e.type, e.name, e.aliases, e.article_id, e.local_id, e.entity_id "
        "FROM articles a JOIN article_entities e ON e.article_id = a.id WHERE a.derived = 0"
    )
    return _with_orgs(conn, list(cur))


def _scope_records(conn: sqlite3.Connection, ids: set[str]) -> list[tuple]:
    """The stored rows of these entities: persons and events one by one (they are article-scoped; a
    person carries its organisations), other names grouped (one record per name, aliases and entity)."""
    single, out = [], []
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        single += conn.execute(
            f"SELECT {_ROW} FROM article_entities WHERE entity_id IN ({marks}) AND type IN ('Person', 'Event')",
            chunk,
        ).fetchall()
        for etype, name, aliases, old, rowids, articles in conn.execute(
            "SELECT type, name, aliases, entity_id, group_concat(rowid), group_concat(article_id) "
            f"FROM article_entities WHERE entity_id IN ({marks}) AND type NOT IN ('Person', 'Event') "
            "GROUP BY entity_id, type, name, aliases",
            chunk,
        ):
            rids = tuple(int(r) for r in rowids.split(","))
            arts = tuple(articles.split(","))
            als = () if aliases == "[]" else tuple(json.loads(aliases))
            if scope_of(EntityType(etype), normalize_form(name), "") is None:
                out.append((rids, EntityRecord(etype, name, als, arts[0], (), arts), old))
            else:
                out += [
                    ((r,), EntityRecord(etype, name, als, a), old) for r, a in zip(rids, arts, strict=True)
                ]
    return out + _with_orgs(conn, single)


def _with_orgs(conn: sqlite3.Connection, rows: list[tuple]) -> list[tuple]:
    """(rowids, EntityRecord, entity id) of stored rows; a person carries the organisations its article
    makes it serve."""
    articles = sorted({r[4] for r in rows if r[1] == "Person"})
    orgs: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for chunk in _chunks(articles):
        marks = ",".join("?" * len(chunk))
        for aid, lid, ttype, tname in conn.execute(
            "SELECT r.article_id, r.source_local, t.type, t.name FROM article_relations r "
            "JOIN article_entities t ON t.article_id = r.article_id AND t.local_id = r.target_local "
            f"WHERE r.type = 'EXECUTIVE_OF' AND r.article_id IN ({marks})",
            chunk,
        ):
            orgs.setdefault((aid, lid), []).append((ttype, tname))
    out = []
    for rowid, etype, name, aliases, aid, lid, old in rows:
        als = () if aliases == "[]" else tuple(json.loads(aliases))
        person = tuple(orgs.get((aid, lid), ())) if etype == "Person" else ()
        out.append(((rowid,), EntityRecord(etype, name, als, aid, person), old))
    return out


def _article_records(conn: sqlite3.Connection, articles: set[str]) -> list[EntityRecord]:
    """Every record of these articles (the context a bare branch name is read in)."""
    out = []
    for chunk in _chunks(articles):
        marks = ",".join("?" * len(chunk))
        for etype, name, aliases, aid in conn.execute(
            f"SELECT type, name, aliases, article_id FROM article_entities WHERE article_id IN ({marks})",
            chunk,
        ):
            out.append(EntityRecord(etype, name, () if aliases == "[]" else tuple(json.loads(aliases)), aid))
    return out


def resolve_change(conn: sqlite3.Connection, config: AliasConfig) -> Part:
    """Resolve the scope of the pending articles and logged removals (call inside the derivation).

    The scope starts as the components of the changed names. Persons in it bring the components of the
    organisations they serve as input. Persons *outside* it depend on the organisations inside it only
    through those organisations' entities: if no stored name changed entity, they are untouched; if some
    did, the persons serving the entities involved join the scope and it is resolved again (a person's
    organisations may take the pending names, so a round over the persons alone would not do)."""
    pending = _pending_records(conn)
    removed = {r[0] for r in conn.execute("SELECT DISTINCT entity_id FROM removed_names")}
    _, _, config_tokens = resolve_with_tokens([], config)
    context = lambda articles: _article_records(conn, articles)
    affected = _Search(conn, config_tokens)
    seeds = record_tokens([rec for _, rec, _ in pending], config, context)
    affected.grow(seeds, removed | {old for _, _, old in pending if old})
    pending_rows = {rids[0] for rids, _, _ in pending}
    cache: dict[str, list[tuple]] = {}  # entity id -> its stored rows (a further round reads only new ones)
    while True:
        inputs = _Search(conn, config_tokens, set(affected.tokens), set(affected.ids))
        while needed := (affected.deps | inputs.deps) - inputs.tokens:  # the organisations they serve
            inputs.grow(needed)
        for row in _scope_records(conn, inputs.ids - set(cache)):
            cache.setdefault(row[2], []).append(row)
        stored = [
            r for i in sorted(inputs.ids) for r in cache.get(i, ()) if not pending_rows.intersection(r[0])
        ]
        scope = pending + stored
        resolution, tokens, _ = resolve_with_tokens([rec for _, rec, _ in scope], config, context)
        rows = [
            (rids, rec.type, rec.name, rec.articles or (rec.article_id,), old) for rids, rec, old in scope
        ]
        moved: set[str] = set()
        for _, etype, name, aids, old in rows:
            new = resolution.entity_id(etype, name, aids[0])
            if old is not None and new != old:
                moved |= {old, new}
        changed = _tokens_of(conn, moved) | {t for i in moved for t in tokens.get(i, ())}
        dependents = _entities_with(conn, (_DEP + t for t in changed if not t.startswith(_DEP))) - inputs.ids
        if not dependents:
            return Part(resolution, tokens, inputs.ids | removed, rows)
        affected.grow(ids=dependents)


__all__ = ["Part", "ensure_index_tables", "index_ready", "invalidate_index", "mark_index", "resolve_change"]
