"""Reading the derived graph.

`read_graph` returns everything (the loader's door into the store). `rank_view_entities` and
`read_subgraph` serve large stores: the first picks what a view keeps with SQL (filters, degrees, BFS hops),
the second builds a Graph of only those rows. Both share the row -> model code below, so a subgraph has
exactly the shape (sorted by id everywhere) read_graph would give for the same rows.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.models import Graph, GraphArticle, GraphEntity, GraphEvidence, GraphRelation, RelationProperties
from kg.store.schema import connect, get_meta, store_errors

_ENT = "temp.kg_view_entities"  # id sets a subgraph read is scoped to
_REL = "temp.kg_view_relations"
_NEV = "(SELECT COUNT(*) FROM evidence WHERE relation_id = {rel}.id)"  # a relation's evidence count


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
    return _build_graph(conn, scoped=False)


def read_subgraph(
    conn: sqlite3.Connection, entity_ids: Iterable[str], relation_ids: Iterable[str] | None = None
) -> Graph:
    """Only these entities, the relations among them (or just `relation_ids`), their evidence, and the
    articles those relations cite or those entities appear in: read_graph's shape, restricted."""
    _id_table(conn, _ENT, entity_ids)
    if relation_ids is None:
        conn.execute(f"DROP TABLE IF EXISTS {_REL}")
        conn.execute(
            f"CREATE TEMP TABLE kg_view_relations AS SELECT id FROM relations "
            f"WHERE source IN (SELECT id FROM {_ENT}) AND target IN (SELECT id FROM {_ENT})"
        )
    else:
        _id_table(conn, _REL, relation_ids)
    try:
        return _build_graph(conn, scoped=True)
    finally:
        conn.execute(f"DROP TABLE IF EXISTS {_ENT}")
        conn.execute(f"DROP TABLE IF EXISTS {_REL}")


def _id_table(conn: sqlite3.Connection, name: str, ids: Iterable[str]) -> None:
    conn.execute(f"DROP TABLE IF EXISTS {name}")
    conn.execute(f"CREATE TEMP TABLE {name.split('.')[-1]} (id TEXT PRIMARY KEY)")
    conn.executemany(f"INSERT OR IGNORE INTO {name}(id) VALUES (?)", ((i,) for i in ids))


def _build_graph(conn: sqlite3.Connection, *, scoped: bool) -> Graph:
    """Rows -> models. With `scoped`, only the ids in the temp id tables (see read_subgraph)."""

    def only(column: str, table: str) -> str:
        return f" AND {column} IN (SELECT id FROM {table})" if scoped else ""

    art_scope = (
        f" WHERE id IN (SELECT article_id FROM evidence WHERE relation_id IN (SELECT id FROM {_REL}) "
        f"UNION SELECT article_id FROM article_entities WHERE entity_id IN (SELECT id FROM {_ENT}))"
        if scoped
        else ""
    )
    articles = [
        GraphArticle(id=r[0], title=r[1], date=r[2], url=r[3], path=r[4])
        for r in conn.execute(f"SELECT id, title, date, url, path FROM articles{art_scope} ORDER BY id")
    ]
    aliases: dict[str, list[str]] = {}
    for eid, alias in conn.execute(
        f"SELECT entity_id, alias FROM aliases WHERE 1{only('entity_id', _ENT)} ORDER BY entity_id, alias"
    ):
        aliases.setdefault(eid, []).append(alias)
    arts: dict[str, list[str]] = {}
    for eid, aid in conn.execute(
        "SELECT DISTINCT entity_id, article_id FROM article_entities WHERE entity_id IS NOT NULL"
        f"{only('entity_id', _ENT)} ORDER BY entity_id, article_id"
    ):
        arts.setdefault(eid, []).append(aid)
    entities = [
        GraphEntity(
            id=eid, name=name, type=etype, aliases=aliases.get(eid, []), article_ids=arts.get(eid, [])
        )
        for eid, name, etype in conn.execute(
            f"SELECT id, name, type FROM entities WHERE 1{only('id', _ENT)} ORDER BY id"
        )
    ]
    evidence: dict[str, list[GraphEvidence]] = {}
    for rid, aid, sentence, start, end in conn.execute(
        f'SELECT relation_id, article_id, sentence, start, "end" FROM evidence WHERE 1'
        f'{only("relation_id", _REL)} ORDER BY relation_id, article_id, start, "end"'
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
            f"SELECT id, type, source, target, properties FROM relations WHERE 1{only('id', _REL)} "
            "ORDER BY id"
        )
    ]
    return Graph(articles=articles, entities=entities, relations=relations)


def read_entity_names(conn: sqlite3.Connection) -> list[tuple[str, str, list[str]]]:
    """(id, name, aliases) of every entity, sorted by id: what a --focus name is matched against."""
    aliases: dict[str, list[str]] = {}
    for eid, alias in conn.execute("SELECT entity_id, alias FROM aliases ORDER BY entity_id, alias"):
        aliases.setdefault(eid, []).append(alias)
    return [
        (eid, name, aliases.get(eid, []))
        for eid, name in conn.execute("SELECT id, name FROM entities ORDER BY id")
    ]


@dataclass
class RankedView:
    """Which entities and relations a view keeps, chosen in SQL, with what truncation left out."""

    entity_ids: list[str]
    relation_ids: list[str]
    matched_entities: int = 0  # passed the filters, before --max-nodes
    matched_relations: int = 0
    omitted_entities: int = 0  # left out by --max-nodes
    omitted_relations: int = 0  # relations those entities took with them
    capped_relations: int = 0  # left out by --max-edges among the kept entities
    omitted_examples: list[str] = field(default_factory=list)  # names of the first left-out entities


def rank_view_entities(
    conn: sqlite3.Connection,
    *,
    entity_types: Iterable[str] = (),
    relation_types: Iterable[str] = (),
    date_ok: Callable[[str | None], bool] | None = None,
    min_evidence: int = 0,
    focus_ids: Iterable[str] = (),
    depth: int = 1,
    max_nodes: int,
    max_edges: int | None = None,
) -> RankedView:
    """The same choice as kg.view.select.select_view, computed in SQL without loading the graph.

    Relations pass the relation filters and the entity-type filter at both ends (the focus entities always
    pass); with a focus, BFS hops (one query per hop) give the ego network; otherwise all type-passing
    entities are kept (only those the relations touch when a relation filter is set). Ranking for
    --max-nodes is (hops from the focus, -degree, id); --max-edges keeps the most evidence, then id.
    """
    etypes, rtypes, focus = sorted(set(entity_types)), sorted(set(relation_types)), sorted(set(focus_ids))
    relation_filtered = bool(rtypes or date_ok is not None or min_evidence > 1)
    for name in ("kg_vrel", "kg_keep", "kg_deg", "kg_focus", "kg_top"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    conn.execute("CREATE TEMP TABLE kg_focus (id TEXT PRIMARY KEY)")
    conn.executemany("INSERT OR IGNORE INTO kg_focus VALUES (?)", ((i,) for i in focus))

    where, params = ["1"], []
    if rtypes:
        where.append(f"r.type IN ({','.join('?' * len(rtypes))})")
        params += rtypes
    if date_ok is not None:
        conn.create_function("kg_date_ok", 1, lambda d: 1 if date_ok(d) else 0, deterministic=True)
        where.append("kg_date_ok(json_extract(r.properties, '$.date'))")
    if etypes:
        marks = ",".join("?" * len(etypes))
        for end in ("s", "t"):
            where.append(f"({end}.type IN ({marks}) OR {end}.id IN (SELECT id FROM kg_focus))")
            params += etypes
    if min_evidence > 0:  # counting evidence is the costly part: only for the relations shown, if possible
        where.append(f"{_NEV.format(rel='r')} >= ?")
        params.append(min_evidence)
    conn.execute(
        "CREATE TEMP TABLE kg_vrel AS SELECT r.id AS id, r.source AS source, r.target AS target "
        "FROM relations r JOIN entities s ON s.id = r.source JOIN entities t ON t.id = r.target "
        f"WHERE {' AND '.join(where)}",
        params,
    )

    conn.execute("CREATE TEMP TABLE kg_keep (id TEXT PRIMARY KEY, dist INTEGER NOT NULL)")
    if focus:
        _ego_hops(conn, depth)
        among = " WHERE source IN (SELECT id FROM kg_keep) AND target IN (SELECT id FROM kg_keep)"
    else:
        type_cond, tparams = "1", []
        if etypes:
            type_cond, tparams = f"type IN ({','.join('?' * len(etypes))})", etypes
        touched = (
            " AND id IN (SELECT source FROM kg_vrel UNION SELECT target FROM kg_vrel)"
            if relation_filtered
            else ""
        )
        conn.execute(f"INSERT INTO kg_keep SELECT id, 0 FROM entities WHERE {type_cond}{touched}", tparams)
        among = ""  # every kept relation's ends pass the type filter and are touched: all kept
    conn.execute(
        "CREATE TEMP TABLE kg_deg AS SELECT id, COUNT(*) AS deg FROM ("
        f"SELECT source AS id FROM kg_vrel{among} UNION ALL SELECT target FROM kg_vrel{among}) GROUP BY id"
    )
    matched_entities = conn.execute("SELECT COUNT(*) FROM kg_keep").fetchone()[0]
    matched_relations = conn.execute(f"SELECT COUNT(*) FROM kg_vrel{among}").fetchone()[0]

    view = RankedView([], [], matched_entities, matched_relations)
    if matched_entities > max_nodes:
        ranked = [
            row[0]
            for row in conn.execute(
                "SELECT k.id FROM kg_keep k LEFT JOIN kg_deg d ON d.id = k.id "
                "ORDER BY k.dist, COALESCE(d.deg, 0) DESC, k.id LIMIT ?",
                (max_nodes + 5,),
            )
        ]
        conn.execute("CREATE TEMP TABLE kg_top (id TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO kg_top VALUES (?)", ((i,) for i in ranked[:max_nodes]))
        conn.execute("DELETE FROM kg_keep WHERE id NOT IN (SELECT id FROM kg_top)")
        among = " WHERE source IN (SELECT id FROM kg_keep) AND target IN (SELECT id FROM kg_keep)"
        names = dict(
            conn.execute(
                f"SELECT id, name FROM entities WHERE id IN ({','.join('?' * len(ranked[max_nodes:]))})",
                ranked[max_nodes:],
            )
        )
        view.omitted_entities = matched_entities - max_nodes
        view.omitted_examples = [names[i] for i in ranked[max_nodes:]]
    view.entity_ids = [r[0] for r in conn.execute("SELECT id FROM kg_keep ORDER BY id")]
    shown = conn.execute(f"SELECT COUNT(*) FROM kg_vrel{among}").fetchone()[0]
    view.omitted_relations = matched_relations - shown
    limit = shown if max_edges is None else max_edges
    if shown <= limit:
        query, args = f"SELECT id FROM kg_vrel{among}", ()
    else:
        query = f"SELECT id FROM kg_vrel v{among} ORDER BY {_NEV.format(rel='v')} DESC, id LIMIT ?"
        args = (limit,)
    view.relation_ids = sorted(r[0] for r in conn.execute(query, args))
    view.capped_relations = shown - len(view.relation_ids)
    for name in ("kg_vrel", "kg_keep", "kg_deg", "kg_focus", "kg_top"):
        conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    return view


def _ego_hops(conn: sqlite3.Connection, depth: int) -> None:
    """Fill kg_keep with the entities within `depth` hops of kg_focus (direction ignored), one query a hop."""
    conn.execute("CREATE INDEX temp.kg_vrel_source ON kg_vrel(source)")
    conn.execute("CREATE INDEX temp.kg_vrel_target ON kg_vrel(target)")
    conn.execute("INSERT INTO kg_keep SELECT id, 0 FROM kg_focus")
    for hop in range(1, depth + 1):
        added = conn.execute(
            "INSERT OR IGNORE INTO kg_keep SELECT nb, ? FROM ("
            "SELECT v.target AS nb FROM kg_vrel v JOIN kg_keep k ON k.id = v.source AND k.dist = ? "
            "UNION SELECT v.source FROM kg_vrel v JOIN kg_keep k ON k.id = v.target AND k.dist = ?)",
            (hop, hop - 1, hop - 1),
        ).rowcount
        if added == 0:
            break
