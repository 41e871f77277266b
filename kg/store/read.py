"""Reading the derived graph.

`read_graph` returns everything (the loader's door into the store). `rank_view_entities` and
`read_subgraph` serve large stores: the first picks what a view keeps with SQL (filters, degrees, BFS hops),
the second builds a Graph of only those rows. Both share the row -> model code below, so a subgraph has
exactly the shape (sorted by id everywhere) read_graph would give for the same rows. The streaming
readers at the end (`open_store_readonly`, `iter_*`, `count_*`, `missing_*`) serve the Neo4j loader: the
same models, a chunk at a time, so memory does not grow with the store.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
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


def _relation_model(row: tuple, evidence_rows: list[tuple]) -> GraphRelation:
    """(id, type, source, target, properties JSON) + [(article_id, sentence, start, end)] -> GraphRelation."""
    rid, rtype, src, tgt, props = row
    return GraphRelation(
        id=rid,
        type=rtype,
        source=src,
        target=tgt,
        properties=RelationProperties(**json.loads(props)),
        evidence=[GraphEvidence(article_id=a, text=t, start=b, end=e) for a, t, b, e in evidence_rows],
    )


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
        evidence.setdefault(rid, []).append((aid, sentence, start, end))
    relations = [
        _relation_model(row, evidence.get(row[0], []))
        for row in conn.execute(
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
    hidden_isolated: int = 0  # entities without a kept relation, hidden from a whole-graph view


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
    show_isolated: bool = True,
) -> RankedView:
    """The same choice as kg.view.select.select_view, computed in SQL without loading the graph.

    Relations pass the relation filters and the entity-type filter at both ends (the focus entities always
    pass); with a focus, BFS hops (one query per hop) give the ego network; otherwise all type-passing
    entities are kept (only those the relations touch when a relation filter is set, or unless
    `show_isolated`). Ranking for --max-nodes is (hops from the focus, -degree, id); --max-edges keeps the
    most evidence, then id.
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
    hidden = 0
    if focus:
        _ego_hops(conn, depth)
        among = " WHERE source IN (SELECT id FROM kg_keep) AND target IN (SELECT id FROM kg_keep)"
    else:
        type_cond, tparams = "1", []
        if etypes:
            type_cond, tparams = f"type IN ({','.join('?' * len(etypes))})", etypes
        touched = " AND id IN (SELECT source FROM kg_vrel UNION SELECT target FROM kg_vrel)"
        restrict = relation_filtered or not show_isolated
        conn.execute(
            f"INSERT INTO kg_keep SELECT id, 0 FROM entities WHERE {type_cond}{touched if restrict else ''}",
            tparams,
        )
        if restrict and not relation_filtered:
            all_typed = conn.execute(f"SELECT COUNT(*) FROM entities WHERE {type_cond}", tparams).fetchone()[
                0
            ]
            hidden = all_typed - conn.execute("SELECT COUNT(*) FROM kg_keep").fetchone()[0]
        among = ""  # every kept relation's ends pass the type filter and are touched: all kept
    conn.execute(
        "CREATE TEMP TABLE kg_deg AS SELECT id, COUNT(*) AS deg FROM ("
        f"SELECT source AS id FROM kg_vrel{among} UNION ALL SELECT target FROM kg_vrel{among}) GROUP BY id"
    )
    matched_entities = conn.execute("SELECT COUNT(*) FROM kg_keep").fetchone()[0]
    matched_relations = conn.execute(f"SELECT COUNT(*) FROM kg_vrel{among}").fetchone()[0]

    view = RankedView([], [], matched_entities, matched_relations, hidden_isolated=hidden)
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


# --------------------------------------------------------------------------- streaming readers
# The Neo4j loader's bounded-memory door: rows in id order, a chunk at a time, each chunk turned into the
# same models read_graph builds (so a consumer computes exactly what it would from the whole Graph).


def open_store_readonly(db_path: str | Path) -> sqlite3.Connection:
    """Open a store for reading without ever writing the file (SQLite `mode=ro`).

    A store left dirty by an interrupted build is opened with `open_store` instead, which finishes the
    derivation first (read_graph does the same), so both doors see the same graph.
    """
    from kg.errors import StoreError
    from kg.store.schema import _check_version, describe_sqlite_error, readonly_uri

    path = Path(db_path)
    if not path.is_file():
        raise StoreError(f"{path}: no such store (run `kg build` first)")
    try:
        conn = sqlite3.connect(readonly_uri(path), uri=True, timeout=30)
        _check_version(conn, path)
        dirty = get_meta(conn, "dirty", "0")
    except sqlite3.DatabaseError as exc:
        raise StoreError(describe_sqlite_error(path, exc)) from None
    if dirty == "1":
        conn.close()
        return open_store(path)
    return conn


def _fetch_chunks(cursor: sqlite3.Cursor, chunk: int) -> Iterator[list[tuple]]:
    while rows := cursor.fetchmany(chunk):
        yield rows


def count_articles(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]


def count_entities_by_type(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT type, COUNT(*) FROM entities GROUP BY type"))


def count_relations_by_type(conn: sqlite3.Connection) -> dict[str, int]:
    return dict(conn.execute("SELECT type, COUNT(*) FROM relations GROUP BY type"))


_ENTITY_ARTICLES = (
    "SELECT DISTINCT entity_id, article_id FROM article_entities WHERE entity_id IS NOT NULL"
    " AND article_id IN (SELECT id FROM articles)"
)


def count_entity_articles(conn: sqlite3.Connection) -> int:
    """Distinct (entity, article) pairs whose article is in the store: the MENTIONS the graph has."""
    return conn.execute(f"SELECT COUNT(*) FROM ({_ENTITY_ARTICLES})").fetchone()[0]


def iter_articles(conn: sqlite3.Connection, chunk: int = 2000) -> Iterator[list[GraphArticle]]:
    """Every article in id order, `chunk` at a time."""
    cur = conn.execute("SELECT id, title, date, url, path FROM articles ORDER BY id")
    for rows in _fetch_chunks(cur, chunk):
        yield [GraphArticle(id=r[0], title=r[1], date=r[2], url=r[3], path=r[4]) for r in rows]


def iter_entity_articles(conn: sqlite3.Connection, chunk: int = 2000) -> Iterator[list[tuple[str, str]]]:
    """(entity id, article id) pairs sorted by entity then article: every entity's `article_ids`, flat."""
    cur = conn.execute(f"{_ENTITY_ARTICLES} ORDER BY entity_id, article_id")
    yield from _fetch_chunks(cur, chunk)


def _grouped(conn: sqlite3.Connection, query: str, ids: list[str]) -> dict[str, list[tuple]]:
    """Run `query` (first column = owner id, one `?` taking a JSON list of ids) and group by owner."""
    out: dict[str, list[tuple]] = {}
    for row in conn.execute(query, (json.dumps(ids),)):
        out.setdefault(row[0], []).append(row[1:])
    return out


def iter_entities(conn: sqlite3.Connection, etype: str, chunk: int = 2000) -> Iterator[list[GraphEntity]]:
    """Entities of one type in id order, with aliases and article ids, exactly as read_graph has them.

    NOT INDEXED: one table scan plus a sort of the type's rows (SQLite spills big sorts to temp files)
    is ~7x faster than walking the id index and looking up every row's type, once per type."""
    cur = conn.execute("SELECT id, name, type FROM entities NOT INDEXED WHERE type = ? ORDER BY id", (etype,))
    for rows in _fetch_chunks(cur, chunk):
        yield entity_models(conn, rows)


def entity_models(conn: sqlite3.Connection, rows: list[tuple]) -> list[GraphEntity]:
    """(id, name, type) rows -> GraphEntity models with aliases and article ids, in the rows' order."""
    ids = [r[0] for r in rows]
    aliases = _grouped(
        conn,
        "SELECT entity_id, alias FROM aliases WHERE entity_id IN (SELECT value FROM json_each(?)) "
        "ORDER BY entity_id, alias",
        ids,
    )
    arts = _grouped(
        conn,
        "SELECT DISTINCT entity_id, article_id FROM article_entities "
        "WHERE entity_id IN (SELECT value FROM json_each(?)) ORDER BY entity_id, article_id",
        ids,
    )
    return [
        GraphEntity(
            id=eid,
            name=name,
            type=t,
            aliases=[a[0] for a in aliases.get(eid, [])],
            article_ids=[a[0] for a in arts.get(eid, [])],
        )
        for eid, name, t in rows
    ]


def iter_relations(conn: sqlite3.Connection, rtype: str, chunk: int = 2000) -> Iterator[list[GraphRelation]]:
    """Relations of one type in id order, each with its evidence, exactly as read_graph has them."""
    cur = conn.execute(
        "SELECT id, type, source, target, properties FROM relations NOT INDEXED WHERE type = ? ORDER BY id",
        (rtype,),
    )
    for rows in _fetch_chunks(cur, chunk):
        yield relation_models(conn, rows)


def relation_models(conn: sqlite3.Connection, rows: list[tuple]) -> list[GraphRelation]:
    """(id, type, source, target, properties) rows -> GraphRelation models with evidence, in order."""
    return [model for model, _ in relation_models_with_evidence(conn, rows)]


def relation_models_with_evidence(
    conn: sqlite3.Connection, rows: list[tuple]
) -> list[tuple[GraphRelation, list[tuple]]]:
    """relation_models, each with the evidence rows it was built from (kg load fingerprints both)."""
    evidence = relation_evidence(conn, [r[0] for r in rows])
    return [(relation_model(row, evidence.get(row[0], [])), evidence.get(row[0], [])) for row in rows]


def relation_evidence(conn: sqlite3.Connection, ids: list[str]) -> dict[str, list[tuple]]:
    """(article_id, sentence, start, end) rows per relation id, in the order relation models use."""
    return _grouped(
        conn,
        'SELECT relation_id, article_id, sentence, start, "end" FROM evidence '
        "WHERE relation_id IN (SELECT value FROM json_each(?)) "
        'ORDER BY relation_id, article_id, start, "end"',
        ids,
    )


relation_model = _relation_model  # (relation row, its evidence rows) -> GraphRelation


def missing_ids(conn: sqlite3.Connection, table: str, ids: list[str]) -> list[str]:
    """Those of `ids` the table (entities, articles, relations) does not have, in input order."""
    if table not in ("entities", "articles", "relations"):
        raise ValueError(f"not an id table: {table}")
    return [
        r[0]
        for r in conn.execute(
            f"SELECT j.value FROM json_each(?) j WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE t.id = j.value) "
            "ORDER BY j.key",
            (json.dumps(ids),),
        )
    ]


def missing_entity_articles(conn: sqlite3.Connection, pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Those (article id, entity id) pairs that are not a mention of the store's graph, in input order."""
    query = (
        "WITH p(k, a, e) AS MATERIALIZED (SELECT key, json_extract(value, '$[0]'), json_extract(value, '$[1]') "
        "FROM json_each(?)) "
        "SELECT a, e FROM p WHERE NOT EXISTS (SELECT 1 FROM article_entities ae "
        "JOIN articles ar ON ar.id = ae.article_id WHERE ae.article_id = p.a AND ae.entity_id = p.e) ORDER BY k"
    )
    return [(r[0], r[1]) for r in conn.execute(query, (json.dumps([list(p) for p in pairs]),))]
