"""Inspecting the store without a server: stats, entity lists, `show` and `explain` by name or alias."""

from __future__ import annotations

import json
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
    """(id, name, type) of the entity called `name` (canonical name or alias, normalised; then by key)."""
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
                    (t.value, key.core, (key.place or "") + key.core),
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
        raise StoreError(f"{name!r} is ambiguous: {listed}")
    return rows[0]


def show_entity(db_path: str | Path, name: str) -> dict:
    """An entity's facts grouped by relation type, each with its properties and evidence (sentence, article)."""
    conn = open_store(db_path)
    try:
        eid, ename, etype = find_entity(conn, name)
        aliases = [
            r[0] for r in conn.execute("SELECT alias FROM aliases WHERE entity_id = ? ORDER BY alias", (eid,))
        ]
        names = dict(conn.execute("SELECT id, name FROM entities"))
        facts: dict[str, list[dict]] = defaultdict(list)
        for rid, rtype, src, tgt, props in conn.execute(
            "SELECT id, type, source, target, properties FROM relations WHERE source = ? OR target = ? "
            "ORDER BY type, id",
            (eid, eid),
        ):
            evidence = [
                {"article_id": aid, "title": title, "date": date, "sentence": sentence}
                for aid, title, date, sentence in conn.execute(
                    "SELECT e.article_id, a.title, a.date, e.sentence FROM evidence e JOIN articles a "
                    "ON a.id = e.article_id WHERE e.relation_id = ? ORDER BY a.date, e.article_id, e.start",
                    (rid,),
                )
            ]
            facts[rtype].append(
                {
                    "id": rid,
                    "source": names[src],
                    "target": names[tgt],
                    "direction": "out" if src == eid else "in",
                    "properties": json.loads(props),
                    "evidence": evidence,
                }
            )
        return {"id": eid, "name": ename, "type": etype, "aliases": aliases, "facts": dict(facts)}
    finally:
        conn.close()


def explain_entity(db_path: str | Path, name: str) -> dict:
    """Why an entity is what it is: its cluster of forms, the merge reasons, and the names per article."""
    conn = open_store(db_path)
    try:
        eid, ename, etype = find_entity(conn, name)
        key = conn.execute("SELECT key FROM entities WHERE id = ?", (eid,)).fetchone()[0]
        aliases = [
            r[0] for r in conn.execute("SELECT alias FROM aliases WHERE entity_id = ? ORDER BY alias", (eid,))
        ]
        merges = [
            {"rule": rule, "a": a, "b": b, "detail": detail}
            for a, b, rule, detail in conn.execute(
                "SELECT form_a, form_b, rule, detail FROM merges WHERE entity_id = ? ORDER BY rule, form_a, form_b",
                (eid,),
            )
        ]
        sources = [
            {"article_id": aid, "title": title, "name": n, "aliases": json.loads(als)}
            for aid, title, n, als in conn.execute(
                "SELECT ae.article_id, a.title, ae.name, ae.aliases FROM article_entities ae JOIN articles a "
                "ON a.id = ae.article_id WHERE ae.entity_id = ? ORDER BY ae.article_id, ae.name",
                (eid,),
            )
        ]
        return {
            "id": eid,
            "name": ename,
            "type": etype,
            "key": key,
            "aliases": aliases,
            "merges": merges,
            "sources": sources,
        }
    finally:
        conn.close()
