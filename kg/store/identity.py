"""Stable identity: an id that stops naming an entity (its cluster merged into another) keeps resolving.

Ids come from resolution keys, not display names, so renaming never changes one. When clusters merge the
survivor keeps its id and the other id is redirected to it; when a split brings an id back, its redirect
goes away; a redirect whose target disappears follows the target's own redirect, or is dropped when the
entity's articles are all gone.
"""

from __future__ import annotations

import sqlite3
from collections import Counter

MERGED = "merged"


def update_redirects(conn: sqlite3.Connection, moves: dict[str, Counter], live: set[str]) -> None:
    """`moves[old][new]`: extracted entities that were `old` and are now `new`; call inside the derivation."""
    table = dict(conn.execute("SELECT old_id, new_id FROM redirects"))
    for old, targets in moves.items():
        if old in live:
            continue
        new = min(targets.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        table[old] = new
    resolved: dict[str, str] = {}
    for old in sorted(table):
        if old in live:
            continue
        seen, target = {old}, table[old]
        while target not in live and target in table and target not in seen:
            seen.add(target)
            target = table[target]
        if target in live:
            resolved[old] = target
    conn.execute("DELETE FROM redirects")
    conn.executemany(
        "INSERT INTO redirects(old_id, new_id, reason) VALUES (?, ?, ?)",
        [(old, new, MERGED) for old, new in sorted(resolved.items())],
    )


def resolve_id(conn: sqlite3.Connection, entity_id: str) -> str | None:
    """The live id for `entity_id` (itself, or where its redirect points); None if unknown."""
    if conn.execute("SELECT 1 FROM entities WHERE id = ?", (entity_id,)).fetchone():
        return entity_id
    row = conn.execute("SELECT new_id FROM redirects WHERE old_id = ?", (entity_id,)).fetchone()
    return None if row is None else row[0]
