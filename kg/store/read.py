"""Reading the derived graph: `read_graph` (the loader's and the view's only door into the store)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from kg.models import Graph, GraphArticle, GraphEntity, GraphEvidence, GraphRelation, RelationProperties
from kg.store.schema import connect, get_meta, store_errors


def open_store(db_path: str | Path) -> sqlite3.Connection:
    """Open an existing store, first finishing a derivation an interrupted build left pending."""
    conn = connect(db_path)
    with store_errors(db_path):
        if get_meta(conn, "dirty", "0") == "1":
            from kg.store.derive import derive_graph

            derive_graph(conn)
    return conn


def read_graph(db_path: str | Path) -> Graph:
    """The whole graph, sorted by id everywhere (articles, entities, aliases, relations, evidence)."""
    conn = open_store(db_path)
    try:
        with store_errors(db_path):
            return graph_from_conn(conn)
    finally:
        conn.close()


def graph_from_conn(conn: sqlite3.Connection) -> Graph:
    articles = [
        GraphArticle(id=r[0], title=r[1], date=r[2], url=r[3], path=r[4])
        for r in conn.execute("SELECT id, title, date, url, path FROM articles ORDER BY id")
    ]
    aliases: dict[str, list[str]] = {}
    for eid, alias in conn.execute("SELECT entity_id, alias FROM aliases ORDER BY entity_id, alias"):
        aliases.setdefault(eid, []).append(alias)
    arts: dict[str, list[str]] = {}
    for eid, aid in conn.execute(
        "SELECT DISTINCT entity_id, article_id FROM article_entities WHERE entity_id IS NOT NULL "
        "ORDER BY entity_id, article_id"
    ):
        arts.setdefault(eid, []).append(aid)
    entities = [
        GraphEntity(
            id=eid, name=name, type=etype, aliases=aliases.get(eid, []), article_ids=arts.get(eid, [])
        )
        for eid, name, etype in conn.execute("SELECT id, name, type FROM entities ORDER BY id")
    ]
    evidence: dict[str, list[GraphEvidence]] = {}
    for rid, aid, sentence, start, end in conn.execute(
        'SELECT relation_id, article_id, sentence, start, "end" FROM evidence '
        'ORDER BY relation_id, article_id, start, "end"'
    ):
        evidence.setdefault(rid, []).append(
            GraphEvidence(article_id=aid, text=sentence, start=start, end=end)
        )
    relations = [
        GraphRelation(
            id=rid,
            type=rtype,
            source=src,
            target=tgt,
            properties=RelationProperties(**json.loads(props)),
            evidence=evidence.get(rid, []),
        )
        for rid, rtype, src, tgt, props in conn.execute(
            "SELECT id, type, source, target, properties FROM relations ORDER BY id"
        )
    ]
    return Graph(articles=articles, entities=entities, relations=relations)
