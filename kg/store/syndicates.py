"""Syndicated loans told by several articles get one id (the smallest of the syndicate ids they join).

An article's syndicate label becomes `<article id>/<label>` (its *sid*); a PROVIDED_FINANCING_TO relation
whose evidence carries two sids joins them, and every relation of the joined syndicate takes the smallest.
After a small update only the syndicates the changed relations were or are part of are recomputed: the
components of the sid graph reached from the touched relations (through their evidence, and through the
relations that carried their previous syndicate id), which is the same result as recomputing all.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict

SYNDICATE = "json_extract(properties, '$.syndicate')"
INDEX = (
    f"CREATE INDEX IF NOT EXISTS relations_syndicate ON relations({SYNDICATE}) WHERE {SYNDICATE} IS NOT NULL"
)


def touched_syndicates(conn: sqlite3.Connection) -> tuple[set[str], set[str]]:
    """Before the touched relations are refreshed: their ids and the syndicate ids they carried."""
    ids, sids = set(), set()
    for rid, sid in conn.execute(
        "SELECT t.relation_id, json_extract(r.properties, '$.syndicate') FROM touched t "
        "LEFT JOIN relations r ON r.id = t.relation_id"
    ):
        ids.add(rid)
        if sid is not None:
            sids.add(str(sid))
    return ids, sids


def unify_syndicates(conn: sqlite3.Connection, touched: tuple[set[str], set[str]] | None = None) -> None:
    """Give every relation of a joined syndicate the smallest id; `touched` (from `touched_syndicates`)
    limits the work to the syndicates those relations were or are part of (None: all)."""
    if touched is None:
        _unify_all(conn)
        return
    ids, old_sids = touched
    seeds = set(ids)
    for sid in sorted(old_sids):
        seeds.update(r[0] for r in conn.execute(f"SELECT id FROM relations WHERE {SYNDICATE} = ?", (sid,)))
    by_relation: dict[str, list[str]] = {}
    todo = sorted(seeds)
    seen_sids: set[str] = set()
    while todo:
        rid = todo.pop()
        if rid in by_relation:
            continue
        sids = [
            str(r[0])
            for r in conn.execute(
                "SELECT json_extract(e.properties, '$.syndicate') FROM evidence e JOIN relations r "
                "ON r.id = e.relation_id WHERE e.relation_id = ? AND r.type = 'PROVIDED_FINANCING_TO' "
                "AND json_extract(e.properties, '$.syndicate') IS NOT NULL ORDER BY e.relation_id",
                (rid,),
            )
        ]
        if not sids:
            continue
        by_relation[rid] = sids
        for sid in sids:
            if sid in seen_sids:
                continue
            seen_sids.add(sid)
            article = sid.partition("/")[0]  # `<article id>/<label>`
            todo += [
                r[0]
                for r in conn.execute(
                    "SELECT e.relation_id FROM evidence e JOIN relations r ON r.id = e.relation_id "
                    "WHERE e.article_id = ? AND r.type = 'PROVIDED_FINANCING_TO' "
                    "AND json_extract(e.properties, '$.syndicate') = ?",
                    (article, sid),
                )
            ]
    _apply(conn, by_relation)


def _apply(conn: sqlite3.Connection, by_relation: dict[str, list[str]]) -> None:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for sids in by_relation.values():
        for other in sids[1:]:
            a, b = find(sids[0]), find(other)
            if a != b:
                parent[max(a, b)] = min(a, b)
    updates = []
    for rid, sids in by_relation.items():
        canon = find(sids[0])
        (props,) = conn.execute("SELECT properties FROM relations WHERE id = ?", (rid,)).fetchone()
        data = json.loads(props)
        if data.get("syndicate") != canon:
            data["syndicate"] = canon
            updates.append((json.dumps(data, ensure_ascii=False, sort_keys=True), rid))
    conn.executemany("UPDATE relations SET properties = ? WHERE id = ?", updates)


def _unify_all(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT e.relation_id, json_extract(e.properties, '$.syndicate') FROM evidence e "
        "JOIN relations r ON r.id = e.relation_id WHERE r.type = 'PROVIDED_FINANCING_TO' "
        "AND json_extract(e.properties, '$.syndicate') IS NOT NULL ORDER BY e.relation_id"
    ).fetchall()
    by_relation: dict[str, list[str]] = defaultdict(list)
    for rid, sid in rows:
        by_relation[rid].append(sid)
    _apply(conn, by_relation)
