"""The scalable read side of the store: SQL ranking and subgraph reads equal the in-memory selection."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from kg.models import Graph
from kg.store import read_graph
from kg.store.read import open_store, rank_view_entities, read_subgraph
from kg.store.schema import connect
from kg.view.select import ViewOptions, select_view
from kg.view.store_select import select_store_view
from kg.view.synthetic import generate_graph


def write_graph_store(graph: Graph, path: Path, seed: int = 0) -> Graph:
    """Write `graph` straight into the derived tables; entities get article mentions, some relations lose
    their date. Returns the graph as the store now holds it (what read_graph must give back)."""
    rng = random.Random(seed)
    conn = connect(path, create=True)
    conn.execute("BEGIN")
    for a in graph.articles:
        conn.execute(
            "INSERT INTO articles(id, path, content_hash, title, date, url, derived) VALUES (?,?,?,?,?,?,1)",
            (a.id, f"{a.id}.md", "h", a.title, a.date, a.url),
        )
    entities = []
    for e in graph.entities:
        arts = sorted(rng.sample([a.id for a in graph.articles], rng.choice((0, 1, 2))))
        for k, aid in enumerate(arts):
            conn.execute(
                "INSERT INTO article_entities(article_id, local_id, type, name, entity_id) VALUES (?,?,?,?,?)",
                (aid, f"{e.id}-{k}", e.type.value, e.name, e.id),
            )
        conn.execute(
            "INSERT INTO entities(id, type, name, key) VALUES (?,?,?,?)", (e.id, e.type.value, e.name, e.id)
        )
        for alias in e.aliases:
            conn.execute("INSERT INTO aliases(entity_id, alias, norm) VALUES (?,?,?)", (e.id, alias, alias))
        entities.append(e.model_copy(update={"article_ids": arts}))
    relations = []
    for i, r in enumerate(graph.relations):
        props = r.properties if i % 7 else r.properties.model_copy(update={"date": None})
        conn.execute(
            "INSERT INTO relations(id, type, source, target, properties) VALUES (?,?,?,?,?)",
            (r.id, r.type.value, r.source, r.target, json.dumps(props.model_dump(exclude_none=True))),
        )
        for ev in r.evidence:
            conn.execute(
                'INSERT INTO evidence(relation_id, article_id, sentence, start, "end") VALUES (?,?,?,?,?)',
                (r.id, ev.article_id, ev.text, ev.start, ev.end),
            )
        relations.append(r.model_copy(update={"properties": props}))
    conn.execute("DELETE FROM touched")
    conn.execute("COMMIT")
    conn.close()
    articles = [a.model_copy(update={"path": f"{a.id}.md"}) for a in graph.articles]
    return Graph(articles=articles, entities=entities, relations=relations)


@pytest.fixture(scope="module")
def gen_store(tmp_path_factory) -> tuple[Path, Graph]:
    db = tmp_path_factory.mktemp("gen") / "kg.db"
    graph = write_graph_store(generate_graph(300, edges_per_entity=2.5, seed=7), db)
    return db, graph


def test_read_graph_round_trips_the_generated_store(gen_store) -> None:
    db, graph = gen_store
    assert read_graph(db) == graph


def test_read_subgraph_is_read_graph_restricted(gen_store) -> None:
    db, graph = gen_store
    keep = {e.id for e in graph.entities[::3]}
    conn = open_store(db)
    try:
        sub = read_subgraph(conn, sorted(keep))
        rels = [r for r in graph.relations if r.source in keep and r.target in keep]
        assert rels  # the restriction is not trivially empty
        arts = {ev.article_id for r in rels for ev in r.evidence}
        arts |= {a for e in graph.entities if e.id in keep for a in e.article_ids}
        assert sub == Graph(
            articles=[a for a in graph.articles if a.id in arts],
            entities=[e for e in graph.entities if e.id in keep],
            relations=rels,
        )
        only = [rels[0].id, rels[-1].id]
        assert [r.id for r in read_subgraph(conn, sorted(keep), only).relations] == only
    finally:
        conn.close()


def _hub_name(graph: Graph) -> str:
    deg: dict[str, int] = {}
    for r in graph.relations:
        deg[r.source] = deg.get(r.source, 0) + 1
        deg[r.target] = deg.get(r.target, 0) + 1
    hub = max(graph.entities, key=lambda e: (deg.get(e.id, 0), e.id))
    return hub.name


CASES = [
    {},
    {"max_nodes": 40},
    {"max_nodes": 40, "max_edges": 25},
    {"max_edges": 1},
    {"types": ["Company", "银行"], "max_nodes": 30},
    {"relations": ["INVESTED_IN", "签约"]},
    {"relations": ["INVESTED_IN"], "types": ["Company"], "max_nodes": 10},
    {"since": "2022-04", "until": "2022-09", "max_nodes": 50},
    {"until": "2022"},
    {"min_evidence": 2, "max_nodes": 20},
    {"min_evidence": 1},
    {"focus": "HUB"},
    {"focus": "HUB", "depth": 2, "max_nodes": 25},
    {"focus": "HUB", "depth": 3, "types": ["Company"], "relations": ["SUBSIDIARY_OF", "投资"]},
    {"focus": "HUB", "depth": 0},
    {"focus": "HUB", "depth": 2, "since": "2022-06", "min_evidence": 2, "max_edges": 3},
    {"show_isolated": True},
    {"show_isolated": True, "max_nodes": 40, "types": ["Company"]},
    {"focus": "HUB", "with_branches": True},
]


@pytest.mark.parametrize("case", CASES, ids=[json.dumps(c, ensure_ascii=False) for c in CASES])
def test_sql_selection_equals_in_memory_selection(gen_store, case: dict) -> None:
    db, graph = gen_store
    if case.get("focus") == "HUB":
        case = {**case, "focus": _hub_name(graph)}
    options = ViewOptions(**case)
    expected = select_view(graph, options)
    assert select_store_view(db, options) == expected
    assert expected.graph.entities  # every case shows something, so equality is not vacuous


def test_cases_exercise_both_truncations(gen_store) -> None:
    db, _ = gen_store
    sel = select_store_view(db, ViewOptions(max_nodes=40, max_edges=25))
    assert (len(sel.graph.entities), len(sel.graph.relations)) == (40, 25)
    assert sel.omitted_entities == sel.matched_entities - 40 > 0
    assert sel.capped_relations > 0 and len(sel.omitted_examples) == 5


def test_edge_cap_keeps_the_best_supported_relations(gen_store) -> None:
    db, graph = gen_store
    sel = select_store_view(db, ViewOptions(max_edges=10))
    ranked = sorted(graph.relations, key=lambda r: (-len(r.evidence), r.id))
    assert [r.id for r in sel.graph.relations] == sorted(r.id for r in ranked[:10])
    assert sel.capped_relations == len(graph.relations) - 10
    assert len(ranked[0].evidence) > len(ranked[-1].evidence)  # the cap really chose by support


def test_ranking_is_deterministic_and_leaves_no_temp_tables(gen_store) -> None:
    db, _ = gen_store
    conn = open_store(db)
    try:
        runs = [rank_view_entities(conn, max_nodes=17, max_edges=9, focus_ids=[]) for _ in range(2)]
        assert runs[0] == runs[1]
        assert len(runs[0].entity_ids) == 17 and runs[0].entity_ids == sorted(runs[0].entity_ids)
        temp = conn.execute("SELECT name FROM sqlite_temp_master").fetchall()
        assert temp == []
    finally:
        conn.close()
