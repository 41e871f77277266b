"""Inspecting the store without a server: stats, entity lists, `show` and `explain` by name or alias."""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from pathlib import Path

from kg.errors import StoreError
from kg.ontology import EntityType
from kg.resolve import name_key, normalize_form
from kg.store.read import open_store
from kg.store.schema import SCHEMA_VERSION


def store_stats(db_path: str | Path) -> dict:
    """Counts of everything, entities and relations by type (sorted)."""
    conn = open_store(db_path)
    try:
        one = lambda sql: conn.execute(sql).fetchone()[0]
        return {
            "db": str(db_path),
            "schema_version": SCHEMA_VERSION,
            "articles": one("SELECT count(*) FROM articles"),
            "entities": one("SELECT count(*) FROM entities"),
            "aliases": one("SELECT count(*) FROM aliases"),
            "mentions": one("SELECT count(*) FROM mentions"),
            "relations": one("SELECT count(*) FROM relations"),
            "evidence": one("SELECT count(*) FROM evidence"),
            "entities_by_type": dict(
                conn.execute("SELECT type, count(*) FROM entities GROUP BY type ORDER BY type")
            ),
            "relations_by_type": dict(
                conn.execute("SELECT type, count(*) FROM relations GROUP BY type ORDER BY type")
            ),
        }
    finally:
        conn.close()


def list_entities(db_path: str | Path, *, etype: str | None = None, search: str | None = None) -> list[dict]:
    """Entities sorted by type then name; `search` matches a substring of the name or any alias."""
    if etype is not None:
        try:
            etype = EntityType(etype).value
        except ValueError:
            raise StoreError(
                f"unknown entity type {etype!r} (one of {', '.join(t.value for t in EntityType)})"
            )
    conn = open_store(db_path)
    try:
        aliases: dict[str, list[str]] = defaultdict(list)
        for eid, alias in conn.execute("SELECT entity_id, alias FROM aliases ORDER BY entity_id, alias"):
            aliases[eid].append(alias)
        counts = dict(
            conn.execute(
                "SELECT entity_id, count(DISTINCT article_id) FROM article_entities GROUP BY entity_id"
            )
        )
        rels: dict[str, int] = defaultdict(int)
        for src, tgt in conn.execute("SELECT source, target FROM relations"):
            rels[src] += 1
            rels[tgt] += 1
        needle = normalize_form(search) if search else None
        out = []
        for eid, name, t in conn.execute("SELECT id, name, type FROM entities ORDER BY type, name, id"):
            if etype and t != etype:
                continue
            if needle and not any(needle in normalize_form(f) for f in [name, *aliases[eid]]):
                continue
            out.append(
                {
                    "id": eid,
                    "name": name,
                    "type": t,
                    "aliases": aliases[eid],
                    "articles": counts.get(eid, 0),
                    "relations": rels[eid],
                }
            )
        return out
    finally:
        conn.close()


def find_entity(conn: sqlite3.Connection, name: str) -> tuple[str, str, str]:
    """(id, name, type) of the entity called `name`: an entity id (also one that was merged away: its
    redirect is followed), the canonical name or an alias (normalised), then the resolution key."""
    from kg.store.identity import resolve_id

    if name.startswith("ent_"):
        live = resolve_id(conn, name)
        if live is not None:
            return conn.execute("SELECT id, name, type FROM entities WHERE id = ?", (live,)).fetchone()
    norm = normalize_form(name)
    ids = {r[0] for r in conn.execute("SELECT id FROM entities WHERE name = ?", (norm,))}
    ids |= {r[0] for r in conn.execute("SELECT entity_id FROM aliases WHERE norm = ?", (norm,))}
    if not ids:
        for t in EntityType:
            key = name_key(t, norm)
            ids |= {
                r[0]
                for r in conn.execute(
                    "SELECT id FROM entities WHERE type = ? AND key IN (?, ?)",
                    (t.value, key.core, key.full),
                )
            }
    if not ids:
        raise StoreError(f"no entity named {name!r} (try `kg entities --search {name}`)")
    rows = sorted(
        conn.execute(
            f"SELECT id, name, type FROM entities WHERE id IN ({','.join('?' * len(ids))})", sorted(ids)
        ).fetchall(),
        key=lambda r: (r[1], r[0]),
    )
    if len(rows) > 1:
        listed = "; ".join(f"{n} ({t}, {i})" for i, n, t in rows)
        raise StoreError(f"{name!r} is ambiguous: {listed} (name one by its id)")
    return rows[0]


def redirected_from(conn: sqlite3.Connection, asked: str, found: str) -> str | None:
    """The merged-away id the user asked for, when find_entity followed a redirect to `found`."""
    return asked if asked.startswith("ent_") and asked != found else None
