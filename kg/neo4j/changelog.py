"""The change log's candidates: the elements whose rows may differ since a target's last load.

SQLite triggers (kg.neo4j.generation) log, for every row written to the tables the Neo4j rows are built
from, the keys of the elements whose row depends on it: an article (`a`), every mention of an article
(`A`), an entity (`e`: its row carries its aliases and article ids), a mention (`m`: entity, article)
and a relation (`r`, by id: its row carries its evidence). An element that is not a candidate has the row
it had when the target's last load read the store, so comparing only the candidates (and the elements
left pending) finds exactly what comparing every row finds (tests/test_neo4j_generation.py checks it
against the full diff).
"""

from __future__ import annotations

import sqlite3

CANDIDATES = "temp.kg_load_cand"


def collect_candidates(conn: sqlite3.Connection, tid: int, since: int) -> None:
    """Fill the temp table kg_load_cand(kind, a, b) with the candidates logged after `since`, plus the
    target's pending elements; `A` entries become the article's mentions, in the store and recorded."""
    conn.execute(f"DROP TABLE IF EXISTS {CANDIDATES}")
    conn.execute("CREATE TEMP TABLE kg_load_cand (kind TEXT, a TEXT, b TEXT, PRIMARY KEY (kind, a, b))")
    conn.execute(
        f"INSERT OR IGNORE INTO {CANDIDATES} SELECT kind, a, b FROM neo4j_changes "
        "WHERE seq > ? AND kind IN ('a', 'e', 'm', 'r')",
        (since,),
    )
    conn.execute(
        f"INSERT OR IGNORE INTO {CANDIDATES} SELECT kind, a, CASE WHEN kind = 'm' THEN b ELSE '' END "
        "FROM neo4j_loaded WHERE tid = ? AND hash = ''",
        (tid,),
    )
    articles = "(SELECT DISTINCT a FROM neo4j_changes WHERE seq > ? AND kind = 'A')"
    conn.execute(
        f"INSERT OR IGNORE INTO {CANDIDATES} SELECT 'm', entity_id, article_id FROM article_entities "
        f"WHERE entity_id IS NOT NULL AND article_id IN {articles}",
        (since,),
    )
    conn.execute(
        f"INSERT OR IGNORE INTO {CANDIDATES} SELECT 'm', a, b FROM neo4j_loaded "
        f"WHERE tid = ? AND kind = 'm' AND b IN {articles}",
        (tid, since),
    )


def candidate_ids(conn: sqlite3.Connection, kind: str) -> list[str]:
    """The candidate ids of an article, entity or relation kind, sorted as the store sorts ids."""
    return [a for (a,) in conn.execute(f"SELECT a FROM {CANDIDATES} WHERE kind = ? ORDER BY a", (kind,))]


def candidate_mentions(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """The candidate (entity, article) mentions the store has, sorted as the store streams them."""
    query = (
        f"SELECT c.a, c.b FROM {CANDIDATES} c WHERE c.kind = 'm' AND EXISTS (SELECT 1 FROM article_entities ae "
        "JOIN articles ar ON ar.id = ae.article_id WHERE ae.entity_id = c.a AND ae.article_id = c.b) "
        "ORDER BY c.a, c.b"
    )
    return [(a, b) for a, b in conn.execute(query)]


def mention_count(conn: sqlite3.Connection, tid: int, present_candidates: int) -> int:
    """The store's MENTIONS, from the target's records: a recorded mention that is not a candidate is still
    in the store (every write that could remove it is logged), so the count is the records outside the
    candidates plus the candidates the store has (`present_candidates`) - without counting the store."""
    recorded = conn.execute(
        "SELECT COUNT(*) FROM neo4j_loaded WHERE tid = ? AND kind = 'm'", (tid,)
    ).fetchone()[0]
    recorded_candidates = conn.execute(
        f"SELECT COUNT(*) FROM {CANDIDATES} c CROSS JOIN neo4j_loaded l ON l.tid = ? AND l.kind = 'm' "
        "AND l.a = c.a AND l.b = c.b WHERE c.kind = 'm'",
        (tid,),
    ).fetchone()[0]
    return recorded - recorded_candidates + present_candidates
