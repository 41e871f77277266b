"""Against a real Neo4j (set NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD; optional NEO4J_DATABASE).

Run with `make test-neo4j`. WARNING: these tests delete every kg-managed node and relationship (those
with a `kg_hash` property) in the target database; use a scratch database. Without NEO4J_URI every test
here is skipped with the reason shown by `pytest -ra`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kg.models import Graph, GraphEntity
from kg.neo4j import reference as ref
from kg.neo4j.connection import open_driver, read_settings
from kg.neo4j.lint_schema import CYPHER_DIR
from kg.neo4j.loader import write_graph
from kg.ontology import EntityType, RelationType

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(
        not os.environ.get("NEO4J_URI"), reason="NEO4J_URI not set: no Neo4j server to test against"
    ),
]


@pytest.fixture(scope="module")
def settings():
    return read_settings()


@pytest.fixture(scope="module")
def driver(settings):
    d = open_driver(settings)
    yield d
    write_graph(d, Graph(), database=settings.database)  # leave no kg-managed data behind
    d.close()


@pytest.fixture()
def clean(driver, settings):
    write_graph(driver, Graph(), database=settings.database)
    return driver


def _run(driver, settings, query: str, **params):
    with driver.session(database=settings.database) as session:
        return session.execute_read(lambda tx: [r.data() for r in tx.run(query, params)])


def _analyst_graph() -> Graph:
    from test_neo4j_reference import analyst_graph

    return analyst_graph()


def _bank_graph() -> Graph:
    from test_neo4j_reference import bank_graph

    return bank_graph()


def test_load_creates_then_reload_changes_nothing(clean, settings):
    g = _analyst_graph()
    first = write_graph(clean, g, database=settings.database, batch_size=3)
    assert first.entities.created == len(g.entities) and first.relations.created == len(g.relations)
    counts = _run(clean, settings, "MATCH (n:Entity) WHERE n.kg_hash IS NOT NULL RETURN count(n) AS n")
    assert counts == [{"n": len(g.entities)}]
    again = write_graph(clean, g, database=settings.database, batch_size=3)
    d = again.as_dict()
    assert d["properties_set"] == 0 and d["labels_added"] == 0 and d["labels_removed"] == 0
    for kind in ("articles", "entities", "mentions", "relations"):
        assert d[kind] == {"created": 0, "updated": 0, "deleted": 0}


def test_incremental_change_and_retraction(clean, settings):
    g = _analyst_graph()
    write_graph(clean, g, database=settings.database)
    g2 = g.model_copy(deep=True)
    g2.entities = [e for e in g2.entities if e.id != "x"]  # the cross-border channel disappears
    g2.relations = [r for r in g2.relations if r.target != "x" and r.id != "p2"]
    g2.entities = [e.model_copy(update={"type": EntityType.Fund}) if e.id == "d" else e for e in g2.entities]
    summary = write_graph(clean, g2, database=settings.database)
    assert summary.entities.deleted == 1 and summary.entities.updated == 1
    assert summary.relations.deleted == 2  # p2 and x1, deleted by id before x itself goes
    labels = _run(clean, settings, "MATCH (n:Entity {id: 'd'}) RETURN labels(n) AS labels")
    assert sorted(labels[0]["labels"]) == ["Entity", "Fund"]
    ids = _run(
        clean, settings, "MATCH (:Entity)-[r]->(:Entity) WHERE r.kg_hash IS NOT NULL RETURN r.id AS id"
    )
    assert sorted(i["id"] for i in ids) == sorted(r.id for r in g2.relations)


def test_foreign_data_is_left_alone(clean, settings):
    with clean.session(database=settings.database) as session:
        session.execute_write(lambda tx: tx.run("MERGE (:Entity {id: 'foreign-kg-test'})").consume())
    write_graph(clean, Graph(), database=settings.database)
    left = _run(clean, settings, "MATCH (n:Entity {id: 'foreign-kg-test'}) RETURN count(n) AS n")
    with clean.session(database=settings.database) as session:
        session.execute_write(
            lambda tx: tx.run("MATCH (n:Entity {id: 'foreign-kg-test'}) DELETE n").consume()
        )
    assert left == [{"n": 1}]


def test_hostile_names_load_as_plain_data(clean, settings):
    names = ['O\'Brien "Holdings"', "Back`tick`", "Brace} ) MATCH (n) DETACH DELETE n //", "MERGE"]
    g = Graph(
        entities=[
            GraphEntity(id=f"h{i}", name=n, type=EntityType.Company, aliases=[n + "x"])
            for i, n in enumerate(names)
        ]
    )
    write_graph(clean, g, database=settings.database)
    got = _run(
        clean, settings, "MATCH (n:Company) WHERE n.id STARTS WITH 'h' RETURN n.name AS name ORDER BY n.id"
    )
    assert [r["name"] for r in got] == names


def _norm(rows):
    return sorted(json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows)


def _compare(driver, settings, graph: Graph, stem: str, params: dict) -> None:
    fn, names = ref.LIBRARY[stem]
    keys, expected = fn(graph, *[params[n] for n in names])
    text = (CYPHER_DIR / f"{stem}.cypher").read_text(encoding="utf-8")
    got = _run(driver, settings, text, **params)
    got_rows = [[r[k] for k in keys] for r in got]
    if stem == "shortest_connection":  # any one of the shortest paths
        assert sorted(r[0] for r in got_rows) == sorted(r[0] for r in expected)
        return
    assert _norm(got_rows) == _norm(expected), stem
    assert len(got_rows) == len(expected)


ANALYST_PARAMS = {
    "subsidiaries": {"name": "中国平安"},
    "partners": {"name": "临港集团"},
    "financing": {},
    "cross_border": {},
    "executives": {"name": "临港集团"},
    "person_organisations": {"person": "卢跃"},
    "shortest_connection": {"source": "平安银行上海分行", "target": "卢跃"},
    "region_activity": {"region": "临港新片区"},
    "deal_timeline": {"name": "临港集团"},
    "most_connected": {"limit": 3},
    "supporting_articles": {"source": "平安集团", "type": "SIGNED_AGREEMENT_WITH", "target": "临港集团"},
    "possible_duplicates": {"limit": 10},
    "financing_received": {},
    "syndicates": {},
    "financing_by_bank": {},
    "branches": {"name": "平安银行"},
    "bank_deals": {"name": "平安银行"},
}
BANK_PARAMS = {
    **ANALYST_PARAMS,
    "branches": {"name": "中行"},
    "bank_deals": {"name": "中国银行"},
    "partners": {"name": "湖北省政府"},
    "deal_timeline": {"name": "国家开发银行"},
    "shortest_connection": {"source": "中国银行湖北省分行武汉支行", "target": "国家开发银行"},
    "supporting_articles": {
        "source": "国家开发银行",
        "type": "PROVIDED_FINANCING_TO",
        "target": "江西省高速集团",
    },
}


@pytest.mark.parametrize("stem", sorted(ANALYST_PARAMS))
def test_library_query_matches_reference_on_analyst_graph(clean, settings, stem):
    g = _analyst_graph()
    write_graph(clean, g, database=settings.database)
    _compare(clean, settings, g, stem, ANALYST_PARAMS[stem])


@pytest.mark.parametrize("stem", sorted(BANK_PARAMS))
def test_library_query_matches_reference_on_bank_graph(clean, settings, stem):
    """Branches (BRANCH_OF roll-up at any depth), a syndicate with roles and one total, a broken-span twin."""
    g = _bank_graph()
    write_graph(clean, g, database=settings.database)
    _compare(clean, settings, g, stem, BANK_PARAMS[stem])


def test_branch_of_and_syndicates_in_neo4j(clean, settings):
    write_graph(clean, _bank_graph(), database=settings.database)
    rules = _run(
        clean,
        settings,
        "MATCH (b:Bank)-[r:BRANCH_OF]->(h:Bank) RETURN b.name AS branch, h.name AS head, r.rule AS rule "
        "ORDER BY branch",
    )
    assert rules == [
        {"branch": "中国银行湖北省分行", "head": "中国银行", "rule": "branch-name"},
        {"branch": "中国银行湖北省分行武汉支行", "head": "中国银行湖北省分行", "rule": "sub-branch-name"},
    ]
    text = (CYPHER_DIR / "financing_received.cypher").read_text(encoding="utf-8")
    got = {r["borrower"]: (r["total"], r["loans"]) for r in _run(clean, settings, text)}
    assert got["江西省高速公路投资集团有限责任公司"] == (
        2.1e9,
        2,
    )  # the syndicate's total once, plus one loan
    roles = _run(
        clean,
        settings,
        "MATCH (l)-[r:PROVIDED_FINANCING_TO {syndicate: 'art1/s1'}]->() RETURN l.name AS lender, r.role AS role, "
        "r.amount_scope AS scope ORDER BY lender",
    )
    assert [(r["lender"], r["role"], r["scope"]) for r in roles] == [
        ("中国银行湖北省分行", "联合牵头行", "syndicate"),
        ("国家开发银行", "牵头行", "syndicate"),
        ("工商银行", "参贷行", "syndicate"),
    ]


def test_store_with_branches_and_syndicates_loads_and_rolls_up(clean, settings, tmp_path):
    """From extraction lines through the store (BRANCH_OF derived, syndicate ids made global) into Neo4j."""
    from test_store_trust import BANKS, MORE, build, syndicated

    from kg.store import read_graph

    db = tmp_path / "kg.db"
    build(db, BANKS, MORE, syndicated("one", 2e9, [("星展银行", "牵头行"), ("中国银行湖北分行", "参贷行")]))
    g = read_graph(db)
    write_graph(clean, g, database=settings.database)
    for stem in (
        "branches",
        "bank_deals",
        "financing_by_bank",
        "syndicates",
        "financing_received",
        "financing",
    ):
        _compare(clean, settings, g, stem, {"name": "中国银行"} if stem in ("branches", "bank_deals") else {})
    rows = _run(clean, settings, (CYPHER_DIR / "syndicates.cypher").read_text(encoding="utf-8"))
    assert [(r["syndicate"], r["total"], r["lender_count"]) for r in rows] == [("one/s1", 2e9, 2)]


@pytest.fixture(scope="module")
def examples_graph(tmp_path_factory, examples_dir: Path) -> Graph:
    from kg.pipeline import build_store
    from kg.store import read_graph

    db = tmp_path_factory.mktemp("neo4j") / "kg.db"
    build_store([examples_dir], db)
    return read_graph(db)


def _example_params(g: Graph) -> dict[str, dict]:
    names = {e.id: e.name for e in g.entities}
    top = ref.most_connected(g, 2)[1]
    first = g.relations[0]
    exec_rel = next((r for r in g.relations if r.type is RelationType.EXECUTIVE_OF), first)
    region_rel = next(
        (r for r in g.relations if r.type in (RelationType.OPENED_IN, RelationType.LOCATED_IN)), first
    )
    org = top[0][0] if top else names[first.source]
    other = top[1][0] if len(top) > 1 else names[first.target]
    return {
        "subsidiaries": {"name": org},
        "partners": {"name": org},
        "financing": {},
        "cross_border": {},
        "executives": {"name": names[exec_rel.target]},
        "person_organisations": {"person": names[exec_rel.source]},
        "shortest_connection": {"source": org, "target": other},
        "region_activity": {"region": names[region_rel.target]},
        "deal_timeline": {"name": org},
        "most_connected": {"limit": 10},
        "supporting_articles": {
            "source": names[first.source],
            "type": first.type.value,
            "target": names[first.target],
        },
        "possible_duplicates": {"limit": 20},
        "financing_received": {},
        "syndicates": {},
        "financing_by_bank": {},
        "branches": {"name": org},
        "bank_deals": {"name": org},
    }


@pytest.mark.parametrize("stem", sorted(ANALYST_PARAMS))
def test_library_query_matches_reference_on_examples(clean, settings, examples_graph, stem):
    write_graph(clean, examples_graph, database=settings.database)
    _compare(clean, settings, examples_graph, stem, _example_params(examples_graph)[stem])


def test_fulltext_index_finds_names_and_aliases(clean, settings):
    write_graph(clean, _analyst_graph(), database=settings.database)
    with clean.session(database=settings.database) as session:
        session.run("CALL db.awaitIndexes(60)").consume()
    text = (CYPHER_DIR / "search_entities.cypher").read_text(encoding="utf-8")
    names = [r["name"] for r in _run(clean, settings, text, text="中国平安")]
    assert "平安集团" in names  # matched through its alias


def test_cli_load_reload_and_query(clean, settings, tmp_path, examples_dir):
    from typer.testing import CliRunner

    from kg.cli import app
    from kg.pipeline import build_store

    db = tmp_path / "kg.db"
    build_store([examples_dir], db)
    runner = CliRunner()
    first = runner.invoke(app, ["load", "--db", str(db), "--json"])
    assert first.exit_code == 0, first.stderr
    again = json.loads(runner.invoke(app, ["load", "--db", str(db), "--json"]).stdout)
    assert again["properties_set"] == 0
    assert all(again[k]["created"] == again[k]["updated"] == 0 for k in ("articles", "entities", "relations"))
    out = runner.invoke(
        app,
        [
            "query",
            "--file",
            str(CYPHER_DIR / "most_connected.cypher"),
            "--param",
            "limit:=3",
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.stderr
    assert len(json.loads(out.stdout)) == 3
    assert os.environ.get("NEO4J_PASSWORD", "\0") not in first.stdout + out.stdout


def test_hybrid_extractor_marks_reach_neo4j(clean, settings, tmp_path, examples_dir, monkeypatch):
    """A hybrid build (rules + the stub LLM answering with the gold): every relation's `extractor` in the
    store is the relationship property `r.extractor` in Neo4j, and rules-only relations have none."""
    import sqlite3

    from llm_stub import StubServer, answer, answer_from_gold

    from kg.evaluate import gold_path_for
    from kg.ingest.reader import collect_files, read_file
    from kg.llm.config import LlmConfig
    from kg.llm.run import llm_session
    from kg.pipeline import build_store
    from kg.store import read_graph

    db = tmp_path / "kg.db"
    with StubServer() as stub:
        for f in collect_files([examples_dir / "articles"]):
            for a in read_file(f):
                gold = gold_path_for(examples_dir / "gold", a.path)
                if gold.is_file():
                    stub.add(a.text, answer(answer_from_gold(json.loads(gold.read_text(encoding="utf-8")))))
        config = LlmConfig(base_url=stub.base_url, model="stub", cache_dir=str(tmp_path / "cache"))
        with llm_session("hybrid", [examples_dir / "articles"], config) as session:
            build_store([examples_dir / "articles"], db, extractor=session.spec)
    conn = sqlite3.connect(db)
    expected = dict(
        conn.execute(
            "SELECT coalesce(json_extract(properties, '$.extractor'), 'none'), count(*) FROM relations GROUP BY 1"
        )
    )
    conn.close()
    assert {"rules", "llm", "both"} <= set(expected)
    write_graph(clean, read_graph(db), database=settings.database)
    rows = _run(
        clean,
        settings,
        "MATCH ()-[r]->() WHERE r.kg_hash IS NOT NULL AND type(r) <> 'MENTIONS' "
        "RETURN coalesce(r.extractor, 'none') AS extractor, count(r) AS n",
    )
    assert {r["extractor"]: r["n"] for r in rows} == expected
