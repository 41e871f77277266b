"""The streamed exports write exactly the bytes of the in-memory ones (tests/export_reference.py), on a
real build, a generated store, a store of hostile text and an empty store, across chunk boundaries."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_reference import export_csv_in_memory, export_graphml_in_memory, export_json_in_memory
from typer.testing import CliRunner

from kg.cli import app
from kg.models import Graph, GraphArticle, GraphEntity, GraphEvidence, GraphRelation, RelationProperties
from kg.neo4j import bulk
from kg.store import export
from kg.store.schema import connect
from kg.view.synthetic import generate_graph
from tests.test_store_read import write_graph_store

runner = CliRunner()


def hostile_graph() -> Graph:
    """Markup, quotes, the CSV array delimiter, newlines, tabs and control characters in every text field;
    several relations between one pair whose ids interleave with another pair's (networkx edge order)."""
    names = ['A&B <公司> "引号"', "分号;公司'单'", "换行\n公司\t制表", "控制\x01字符", "普通公司"]
    articles = [
        GraphArticle(id="a1", title="标题 <b>&amp;</b>", date="2023-01-02", url="http://e.cn/?a=1&b=2"),
        GraphArticle(id="a2", title='"引号"; 分号'),
    ]
    entities = [
        GraphEntity(id=f"h{i}", name=n, type="Company", aliases=[f"{n}别名", "x;y"] if i % 2 else [])
        for i, n in enumerate(names, 1)
    ]

    def rel(rid: str, source: str, target: str, **props: object) -> GraphRelation:
        ev = [GraphEvidence(article_id="a1", text=f"句子 <{rid}> & ;", start=0, end=5)]
        if rid.endswith("2"):
            ev.append(GraphEvidence(article_id="a2", text="第二句\n换行", start=3, end=9))
        return GraphRelation(
            id=rid, type="INVESTED_IN", source=source, target=target, properties=RelationProperties(**props)
        ).model_copy(update={"evidence": ev})

    relations = [
        rel("r1", "h1", "h3", amount=100000000.0, currency="CNY", amount_text="1亿元"),
        rel("r2", "h1", "h2", date="2023", agreement="《协议;甲<乙>》"),
        rel("r3", "h1", "h3", stake="51%"),
        rel("r4", "h2", "h2", role="董事长 & CEO"),  # a self-loop
        rel("r5", "h1", "h2"),
        rel("r6", "h5", "h4", amount=1.5, syndicate="s1", amount_scope="syndicate"),
    ]
    return Graph(articles=articles, entities=entities, relations=relations)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, examples_dir: Path) -> dict[str, Path]:
    from kg.pipeline import build_store

    base = tmp_path_factory.mktemp("exports")
    out = {name: base / f"{name}.db" for name in ("examples", "generated", "hostile", "empty")}
    build_store([examples_dir / "articles"], out["examples"])
    write_graph_store(generate_graph(400, edges_per_entity=2.5, seed=11), out["generated"], seed=3)
    write_graph_store(hostile_graph(), out["hostile"])
    connect(out["empty"], create=True).close()
    return out


REFERENCE = {"json": export_json_in_memory, "graphml": export_graphml_in_memory, "csv": export_csv_in_memory}
EXPORTS = {"json": export.export_json, "graphml": export.export_graphml, "csv": bulk.export_csv}


def _files(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    return {path.name: path.read_bytes()}


@pytest.mark.parametrize("fmt", ["json", "graphml", "csv"])
@pytest.mark.parametrize("store", ["examples", "generated", "hostile", "empty"])
@pytest.mark.parametrize("chunk", [1, 7, 1000])
def test_streamed_export_is_byte_identical_to_the_in_memory_one(
    stores: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, store: str, chunk: int
) -> None:
    monkeypatch.setattr(export, "CHUNK", chunk)
    monkeypatch.setattr(bulk, "CHUNK", chunk)
    want, got = tmp_path / "want" / f"kg.{fmt}", tmp_path / "got" / f"kg.{fmt}"
    want.parent.mkdir()
    REFERENCE[fmt](stores[store], want)
    report = EXPORTS[fmt](stores[store], got)
    expected, actual = _files(want), _files(got)
    assert list(actual) == list(expected)
    for name in expected:
        assert actual[name] == expected[name], f"{fmt} {store} {name} differs"
    assert not list(tmp_path.rglob(".*"))  # no temporary file left behind
    if store == "generated":
        assert report["entities"] == 400 and report["relations"] > 900


def test_exports_never_build_the_whole_graph(stores: dict[str, Path], tmp_path: Path, monkeypatch) -> None:
    """Bounded memory by construction: neither read_graph nor networkx is touched."""

    def forbidden(*_a, **_k):
        raise AssertionError("the whole graph was built")

    monkeypatch.setattr("kg.store.read.read_graph", forbidden)
    monkeypatch.setattr("kg.store.read.graph_from_conn", forbidden)
    monkeypatch.setattr("kg.graph.graph_to_networkx", forbidden)
    for fmt in ("json", "graphml", "csv"):
        result = runner.invoke(
            app, ["export", fmt, "--db", str(stores["generated"]), "-o", str(tmp_path / f"x.{fmt}")]
        )
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("Exported ") and " 400 entities" in result.stdout.splitlines()[0]


def test_export_of_a_missing_store_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    for fmt in ("json", "graphml", "csv"):
        out = tmp_path / f"x.{fmt}"
        result = runner.invoke(app, ["export", fmt, "--db", str(tmp_path / "none.db"), "-o", str(out)])
        assert result.exit_code == 1
        assert result.stderr == f"Error: {tmp_path / 'none.db'}: no such store (run `kg build` first)\n"
        assert not out.exists()
    assert not (tmp_path / "none.db").exists()
