"""The streaming loader sends exactly what the in-memory loader sends, on real and generated stores."""

from __future__ import annotations

import copy
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.models import Graph
from kg.neo4j.fakes import FakeDriver
from kg.neo4j.loader import dry_run_store, plan_as_dict, prepare_load, retraction_steps, write_graph
from kg.neo4j.stream import batched, plan_store, store_retraction_steps, write_store
from kg.store import read as store_read_mod
from kg.store import read_graph
from kg.store.read import open_store_readonly
from kg.view.synthetic import generate_graph
from tests.test_store_read import write_graph_store

runner = CliRunner()


@pytest.fixture(scope="module")
def examples_store(tmp_path_factory, examples_dir) -> Path:
    from kg.pipeline import build_store

    db = tmp_path_factory.mktemp("ex") / "kg.db"
    build_store([examples_dir / "articles"], db)
    return db


@pytest.fixture(scope="module")
def generated_store(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("gen") / "kg.db"
    write_graph_store(generate_graph(400, edges_per_entity=2.5, seed=11), db, seed=3)
    return db


def _calls(driver: FakeDriver) -> list[tuple[str, str, str]]:
    """Every call with its parameters; the load marker's (random load ids) by kind only."""
    return [
        (
            c.mode,
            c.query,
            ""
            if c.kind.startswith("marker:")
            else json.dumps(c.parameters, ensure_ascii=False, sort_keys=True),
        )
        for c in driver.calls
    ]


def _stream(db: Path, driver: FakeDriver, batch_size: int):
    conn = open_store_readonly(db)
    try:
        return write_store(driver, conn, batch_size=batch_size)
    finally:
        conn.close()


@pytest.mark.parametrize("store_name", ["examples_store", "generated_store"])
@pytest.mark.parametrize("batch_size", [1, 7, 2000])
def test_streaming_sends_the_same_calls_as_the_in_memory_path(request, store_name, batch_size):
    db = request.getfixturevalue(store_name)
    graph = read_graph(db)
    assert graph.relations and graph.entities and graph.articles
    memory, streamed = FakeDriver(), FakeDriver()
    s_mem = write_graph(memory, graph, batch_size=batch_size)
    s_str = _stream(db, streamed, batch_size)
    assert _calls(streamed) == _calls(memory)
    assert s_str.as_dict() == s_mem.as_dict()
    assert s_str.round_trips == len(memory.calls)


def test_streaming_retraction_equals_in_memory_retraction(generated_store):
    """Neo4j holds an older graph, extra mentions and an unknown relation type: both delete the same."""
    graph = read_graph(generated_store)
    seeded = FakeDriver()
    write_graph(seeded, generate_graph(450, edges_per_entity=2.5, seed=12))
    write_graph(seeded, graph, batch_size=10**6)  # MERGE on top; retracts what the store lacks...
    seeded.state.entities["gone-e"] = {"hash": "h", "label": "Company"}  # ...then add stale elements
    seeded.state.articles["gone-a"] = "h"
    stale_pairs = [(a.id, e.id) for a in graph.articles[:3] for e in graph.entities[-3:]]
    stale_pairs = [p for p in stale_pairs if p not in seeded.state.mentions][:4]
    for pair in stale_pairs:
        seeded.state.mentions[pair] = "h"
    seeded.state.relations["x-odd"] = {"type": "NOT_A_TYPE", "hash": "h", "source": "a", "target": "b"}
    seeded.state.relations["gone-r"] = {"type": "ACQUIRED", "hash": "h", "source": "a", "target": "b"}
    memory, streamed = FakeDriver(copy.deepcopy(seeded.state)), FakeDriver(copy.deepcopy(seeded.state))
    s_mem = write_graph(memory, graph, batch_size=2)
    s_str = _stream(generated_store, streamed, 2)
    assert _calls(streamed) == _calls(memory)
    assert s_str.as_dict() == s_mem.as_dict()
    d = s_str.as_dict()
    assert (d["entities"]["deleted"], d["articles"]["deleted"], d["relations"]["deleted"]) == (1, 1, 1)
    assert d["mentions"]["deleted"] == len(stale_pairs) > 0
    assert "x-odd" in streamed.state.relations  # not a kg relation type: left alone, as before
    assert streamed.state == memory.state


def test_store_retraction_steps_match_on_hand_made_existing_ids(generated_store):
    graph = read_graph(generated_store)
    r0, e0, a0 = graph.relations[0], graph.entities[0], graph.articles[0]
    mention = [a0.id, next(e.id for e in graph.entities if a0.id in e.article_ids)]
    existing = {
        "relations": [
            [r0.type.value, r0.id],
            ["ACQUIRED", "gone-2"],
            ["ACQUIRED", "gone-1"],
            ["ACQUIRED", "gone-1"],
        ],
        "mentions": [mention, [a0.id, "gone-e"], ["gone-a", e0.id]],
        "entities": [e0.id, "gone-e", "gone-e"],
        "articles": ["gone-a", a0.id],
    }
    expected = retraction_steps(prepare_load(graph), existing)
    conn = open_store_readonly(generated_store)
    try:
        got = store_retraction_steps(conn, existing)
    finally:
        conn.close()
    assert [(s.statement, s.rows) for s in got] == [(s.statement, s.rows) for s in expected]
    assert [s.rows for s in got] == [
        [{"id": "gone-1"}, {"id": "gone-2"}],
        [{"article": a0.id, "entity": "gone-e"}, {"article": "gone-a", "entity": e0.id}],
        [{"id": "gone-e"}],
        [{"id": "gone-a"}],
    ]


@pytest.mark.parametrize("batch_size", [1, 3, 2000])
def test_dry_run_counts_from_sql_equal_the_in_memory_plan(examples_store, generated_store, batch_size):
    for db in (examples_store, generated_store):
        assert dry_run_store(str(db), batch_size) == plan_as_dict(prepare_load(read_graph(db), batch_size))


def test_plan_counts_equal_the_rows_streamed(generated_store):
    conn = open_store_readonly(generated_store)
    try:
        plan = plan_store(conn, 10)
        assert [(s.statement.kind, s.count) for s in plan.upserts] == [
            (s.statement.kind, sum(1 for _ in s.rows())) for s in plan.upserts
        ]
    finally:
        conn.close()


def test_streaming_never_writes_the_store_file(generated_store):
    before = hashlib.sha256(generated_store.read_bytes()).hexdigest()
    _stream(generated_store, FakeDriver(), 100)
    dry_run_store(str(generated_store))
    assert hashlib.sha256(generated_store.read_bytes()).hexdigest() == before
    conn = open_store_readonly(generated_store)
    try:
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM entities")
    finally:
        conn.close()


def test_a_dirty_store_is_derived_first_like_read_graph(tmp_path):
    db = tmp_path / "kg.db"
    write_graph_store(generate_graph(60, edges_per_entity=2.0, seed=5), db)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO meta(key, value) VALUES ('dirty', '1')")
    conn.commit()
    conn.close()
    streamed = FakeDriver()
    _stream(db, streamed, 2000)  # derives first (the readonly door hands over to open_store)
    memory = FakeDriver()
    write_graph(memory, read_graph(db), batch_size=2000)
    assert _calls(streamed) == _calls(memory)


def test_empty_store_streams_like_an_empty_graph(tmp_path):
    from kg.store.schema import connect

    connect(tmp_path / "kg.db", create=True).close()
    streamed, memory = FakeDriver(), FakeDriver()
    _stream(tmp_path / "kg.db", streamed, 10)
    write_graph(memory, Graph(), batch_size=10)
    assert _calls(streamed) == _calls(memory)
    assert dry_run_store(str(tmp_path / "kg.db"), 10)["round_trips_without_retractions"] == 17 + 4


def test_not_a_store_is_one_line(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("not sqlite at all, just text " * 50)
    result = runner.invoke(app, ["load", "--db", str(bad), "--dry-run"])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {bad}: not a kg store (file is not a database)\n"


def test_batched_cuts_lazily():
    assert list(batched(iter(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(batched([], 3)) == []


def test_kg_load_and_dry_run_never_build_the_whole_graph(generated_store, monkeypatch):
    """Both commands go through the streaming path: the Graph builders are not called at all."""
    import neo4j

    import kg.store.read as store_read

    def forbidden(*a, **k):  # pragma: no cover - must not be called
        raise AssertionError("the whole graph was built")

    expected = FakeDriver()
    write_graph(expected, read_graph(generated_store), batch_size=64)
    monkeypatch.setattr(store_read, "_build_graph", forbidden)
    fake = FakeDriver()
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda *a, **k: fake)
    env = {
        "NEO4J_URI": "neo4j://db.example:7687",
        "NEO4J_PASSWORD": "x",
        "NEO4J_USERNAME": "",
        "NEO4J_DATABASE": "",
    }
    dry = runner.invoke(app, ["load", "--db", str(generated_store), "--dry-run", "--json"], env=env)
    assert dry.exit_code == 0, dry.stderr
    loaded = runner.invoke(
        app, ["load", "--db", str(generated_store), "--json", "--batch-size", "64"], env=env
    )
    assert loaded.exit_code == 0, loaded.stderr
    # kg load reads the load marker first and sets it again at the end (write_graph only moves it once)
    kinds = [c.kind for c in fake.calls if c.kind.startswith("marker:")]
    assert kinds == ["marker:read", "marker:write", "marker:write"]
    assert _calls(fake)[1:-1] == _calls(expected)
    assert json.loads(loaded.stdout)["round_trips"] == len(expected.calls) + 2


def test_streaming_readers_give_read_graphs_models(generated_store):
    graph = read_graph(generated_store)
    conn = open_store_readonly(generated_store)
    try:
        articles = [a for part in store_read_mod.iter_articles(conn, 7) for a in part]
        entities = [
            e
            for t in {e.type for e in graph.entities}
            for p in store_read_mod.iter_entities(conn, t.value, 7)
            for e in p
        ]
        relations = [
            r
            for t in {r.type for r in graph.relations}
            for p in store_read_mod.iter_relations(conn, t.value, 7)
            for r in p
        ]
        pairs = [p for part in store_read_mod.iter_entity_articles(conn, 7) for p in part]
    finally:
        conn.close()
    assert articles == graph.articles
    assert sorted(entities, key=lambda e: e.id) == graph.entities
    assert sorted(relations, key=lambda r: r.id) == graph.relations
    assert pairs == [(e.id, a) for e in graph.entities for a in e.article_ids]
    assert any(e.aliases for e in entities) and any(len(r.evidence) > 1 for r in relations)
