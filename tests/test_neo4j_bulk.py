"""`kg export csv` + neo4j-admin + `kg load --schema-only` give the graph `kg load` writes, proven without a
server: the CSV files are read with neo4j-admin's rules (tests/neo4j_admin_csv.py) into nodes and
relationships, the loader's recorded statements and rows are replayed into another, and the two must be equal
(ids, labels, property values with their types, relationship types, directions and ids)."""

from __future__ import annotations

import json
import shlex
import shutil
from pathlib import Path

import neo4j
import pytest
from neo4j_admin_csv import PropertyGraph, admin_graph, apply_completion, loader_graph
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import StoreError
from kg.models import Graph, GraphArticle, GraphEntity
from kg.neo4j import bulk, cypher
from kg.neo4j.fakes import FakeDriver, FakeState
from kg.neo4j.stream import write_store
from kg.store.read import open_store_readonly
from kg.store.schema import connect
from kg.view.synthetic import generate_graph
from tests.test_export_stream import hostile_graph
from tests.test_store_read import write_graph_store

runner = CliRunner()
SECRET = "s3cret-bulk"


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, examples_dir: Path) -> dict[str, Path]:
    from kg.pipeline import build_store

    base = tmp_path_factory.mktemp("bulk")
    out = {name: base / f"{name}.db" for name in ("examples", "generated", "hostile", "empty", "blank")}
    build_store([examples_dir / "articles"], out["examples"])
    write_graph_store(generate_graph(300, edges_per_entity=2.5, seed=5), out["generated"], seed=2)
    write_graph_store(hostile_graph(), out["hostile"])
    connect(out["empty"], create=True).close()
    blank = Graph(  # an empty string is a value (quoted ""), a missing date or url is no property
        articles=[GraphArticle(id="a1", title="", url="")],
        entities=[GraphEntity(id="e1", name=" 甲 ", type="Company", aliases=["", "乙"])],
    )
    write_graph_store(blank, out["blank"])
    return out


def _fake_state(graph: PropertyGraph) -> FakeState:
    """What a FakeDriver knows of a database holding `graph` (ids, labels, hashes, endpoints)."""
    state = FakeState()
    for (space, nid), (labels, props) in graph.nodes.items():
        if space == "Entity":
            (label,) = labels - {"Entity"}
            state.entities[nid] = {"hash": props.get("kg_hash"), "label": label}
        else:
            state.articles[nid] = props.get("kg_hash")
    for (rtype, start, end, rid), props in graph.rels.items():
        if rtype == cypher.MENTIONS:
            state.mentions[(start[1], end[1])] = props.get("kg_hash")
        else:
            state.relations[rid] = {
                "type": rtype,
                "hash": props.get("kg_hash"),
                "source": start[1],
                "target": end[1],
            }
    return state


def _load(db: Path, driver: FakeDriver):
    conn = open_store_readonly(db)
    try:
        return write_store(driver, conn, batch_size=50)
    finally:
        conn.close()


def _import_and_schema_step(db: Path, out: Path) -> tuple[dict, PropertyGraph, FakeDriver, int]:
    """export csv, what neo4j-admin makes of it, then the schema step against a database holding that."""
    report = bulk.export_csv(db, out)
    imported = admin_graph(report["import_command"])
    driver = FakeDriver(_fake_state(imported))
    conn = open_store_readonly(db)
    try:
        step = bulk.write_schema_step(driver, conn, batch_size=7)
    finally:
        conn.close()
    added = apply_completion(imported, driver.calls)
    assert step["properties_set"] == added
    return report, imported, driver, added


@pytest.mark.parametrize("store", ["examples", "generated", "hostile", "empty", "blank"])
def test_the_csv_files_describe_the_graph_kg_load_writes(stores, tmp_path: Path, store: str) -> None:
    loader = FakeDriver()
    _load(stores[store], loader)
    want = loader_graph(loader.calls)
    report, got, _, added = _import_and_schema_step(stores[store], tmp_path / "csv")
    assert got.typed() == want.typed()
    assert len(got.nodes) == report["articles"] + report["entities"]
    assert len(got.rels) == report["mentions"] + report["relations"]
    if store == "blank":
        assert (
            got.nodes[("Article", "a1")][1]["title"] == "" and "date" not in got.nodes[("Article", "a1")][1]
        )
    elif store != "empty":
        assert report["entities"] > 0 and report["mentions"] > 0 and report["relations"] > 0
    if store == "examples":
        # entities without aliases and the BRANCH_OF's empty lists: only the schema step can write them
        assert added > 0
        branch = [p for k, p in got.rels.items() if k[0] == "BRANCH_OF"]
        assert branch and all(p["evidence"] == [] and p["article_ids"] == [] for p in branch)
        bank = next(labels for (space, _), (labels, _) in got.nodes.items() if "Bank" in labels)
        assert bank == {"Entity", "Bank"}


def test_a_difference_is_found(stores, tmp_path: Path) -> None:
    """The comparison can fail: a property lost from one CSV line, or a wrong direction, is seen."""
    loader = FakeDriver()
    _load(stores["examples"], loader)
    want = loader_graph(loader.calls)
    report, got, _, _ = _import_and_schema_step(stores["examples"], tmp_path / "csv")
    key = next(k for k in got.rels if k[0] == "PROVIDED_FINANCING_TO")
    got.rels[(key[0], key[2], key[1], key[3])] = got.rels.pop(key)
    assert got.typed() != want.typed()
    path = tmp_path / "csv" / "entities.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = lines[1].replace(',"Company",', ",,", 1).replace(',"Bank",', ",,", 1)
    path.write_text("\n".join(lines), encoding="utf-8")
    assert admin_graph(report["import_command"]).typed()[0] != want.typed()[0]


@pytest.mark.parametrize("store", ["examples", "hostile"])
def test_kg_load_after_import_and_schema_step_sets_nothing(stores, tmp_path: Path, store: str) -> None:
    _, imported, _, _ = _import_and_schema_step(stores[store], tmp_path / "csv")
    driver = FakeDriver(_fake_state(imported))
    summary = _load(stores[store], driver).as_dict()
    assert summary["properties_set"] == 0 and summary["labels_added"] == 0 and summary["labels_removed"] == 0
    for kind in ("articles", "entities", "mentions", "relations"):
        assert summary[kind] == {"created": 0, "updated": 0, "deleted": 0}
    # the schema step again, on a database that is complete: nothing to write
    conn = open_store_readonly(stores[store])
    try:
        again = FakeDriver(_fake_state(imported))
        bulk.write_schema_step(again, conn)
    finally:
        conn.close()
    assert apply_completion(imported, again.calls) == 0


def test_a_later_load_after_new_articles_is_an_ordinary_incremental_load(
    examples_dir: Path, tmp_path: Path
) -> None:
    from kg.pipeline import build_store

    first, rest = tmp_path / "first", tmp_path / "rest"
    first.mkdir()
    rest.mkdir()
    for i, p in enumerate(sorted((examples_dir / "articles").glob("*.md"))):
        shutil.copy(p, (first if i < 5 else rest) / p.name)
    db = tmp_path / "kg.db"
    build_store([first], db)
    _, imported, _, _ = _import_and_schema_step(db, tmp_path / "csv")
    via_import = FakeDriver(_fake_state(imported))
    via_load = FakeDriver()
    _load(db, via_load)
    build_store([rest], db)
    after_import = _load(db, via_import).as_dict()
    after_load = _load(db, via_load).as_dict()
    assert after_import == after_load
    assert after_import["articles"]["created"] == len(list(rest.iterdir()))
    assert via_import.state == via_load.state


def test_a_value_holding_the_array_delimiter_is_refused(tmp_path: Path) -> None:
    graph = Graph(
        articles=[GraphArticle(id="a1", title="t")],
        entities=[GraphEntity(id="e1", name="甲公司", type="Company", aliases=["甲\x1f乙"])],
    )
    db = tmp_path / "kg.db"
    write_graph_store(graph, db)
    with pytest.raises(StoreError) as exc:
        bulk.export_csv(db, tmp_path / "csv")
    assert str(exc.value) == (
        f"{db}: entity e1: a list element holds the array delimiter U+001F (neo4j-admin would split it)"
    )
    result = runner.invoke(app, ["export", "csv", "--db", str(db), "-o", str(tmp_path / "csv")])
    assert result.exit_code == 1 and result.stderr == f"Error: {exc.value}\n"
    assert not (tmp_path / "csv").exists() or not list((tmp_path / "csv").iterdir())


def test_the_headers_name_every_property_kg_load_writes() -> None:
    def names(header: list[str]) -> set[str]:
        return {h.split(":")[0] for h in header if h.split(":")[0]}

    assert names(bulk.ENTITY_HEADER) == set(cypher.ENTITY_PROPERTIES)
    assert names(bulk.ARTICLE_HEADER) == set(cypher.ARTICLE_PROPERTIES)
    assert names(bulk.RELATION_HEADER) == set(cypher.RELATION_PROPERTIES)
    assert names(bulk.MENTION_HEADER) == set(cypher.MENTION_PROPERTIES)


def test_newlines_ask_for_multiline_fields_only_when_present(stores, tmp_path: Path) -> None:
    hostile = bulk.export_csv(stores["hostile"], tmp_path / "h")
    assert hostile["multiline_fields"] and "--multiline-fields=true" in hostile["import_command"]
    plain = bulk.export_csv(stores["empty"], tmp_path / "e")
    assert not plain["multiline_fields"] and "multiline" not in plain["import_command"]


def test_export_csv_prints_the_import_command_and_the_next_step(stores, tmp_path: Path) -> None:
    out = tmp_path / "my csv"
    db = stores["examples"]
    result = runner.invoke(app, ["export", "csv", "--db", str(db), "-o", str(out), "--database", "kgbulk"])
    assert result.exit_code == 0, result.output
    report = json.loads(
        runner.invoke(app, ["export", "csv", "--db", str(db), "-o", str(out), "--json"]).stdout
    )
    files = " ".join(
        shlex.quote(f"--{kind}={out.resolve() / name}")
        for kind, name in (
            ("nodes", "articles.csv"),
            ("nodes", "entities.csv"),
            ("relationships", "mentions.csv"),
            ("relationships", "relations.csv"),
        )
    )
    counts = (
        f"{report['articles']} articles, {report['entities']} entities, {report['mentions']} mentions "
        f"and {report['relations']} relations"
    )
    assert result.stdout.splitlines() == [
        f"Exported {counts} to {out}",
        "Import them (Neo4j 5, the database stopped or not yet created):",
        f"  neo4j-admin database import full {files} --array-delimiter=U+001F kgbulk",
        "Then create the constraints and indexes (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD in the environment):",
        f"  kg load --db {db} --schema-only",
    ]
    assert (
        report["import_command"].endswith(" neo4j")
        and report["next_step"] == f"kg load --db {db} --schema-only"
    )


def _env(**extra: str) -> dict[str, str]:
    return {"NEO4J_URI": "", "NEO4J_USERNAME": "", "NEO4J_PASSWORD": SECRET, "NEO4J_DATABASE": "", **extra}


def test_load_schema_only_creates_the_schema_and_the_empty_lists(stores, tmp_path: Path, monkeypatch) -> None:
    _, imported, _, _ = _import_and_schema_step(stores["examples"], tmp_path / "csv")
    fresh = admin_graph(bulk.export_csv(stores["examples"], tmp_path / "csv2")["import_command"])
    fake = FakeDriver(_fake_state(fresh))
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda *a, **k: fake)
    env = _env(NEO4J_URI="neo4j://db.example:7687")
    result = runner.invoke(app, ["load", "--db", str(stores["examples"]), "--schema-only"], env=env)
    assert result.exit_code == 0, result.output
    n_schema = len(cypher.schema_statements())
    done = [c for c in fake.calls if c.kind.startswith("complete:")]
    assert [c.kind for c in fake.calls[:n_schema]] == ["schema"] * n_schema
    n_ent = sum(len(c.parameters["rows"]) for c in done if c.kind == "complete:entities")
    n_rel = sum(len(c.parameters["rows"]) for c in done if c.kind != "complete:entities")
    assert n_ent > 0 and n_rel > 0
    assert (
        result.stdout.splitlines()[0]
        == f"Schema ready in neo4j://db.example:7687: {n_schema} constraints and indexes"
    )
    assert result.stdout.splitlines()[1].startswith(
        f"  empty lists written: {n_ent} entities, {n_rel} relations "
    )
    assert apply_completion(fresh, fake.calls) > 0 and fresh.typed() == imported.typed()
    as_json = runner.invoke(
        app, ["load", "--db", str(stores["examples"]), "--schema-only", "--json"], env=env
    )
    data = json.loads(as_json.stdout)
    assert data["uri"] == "neo4j://db.example:7687" and data["schema_statements"] == n_schema
    assert SECRET not in result.output + as_json.output


def test_load_schema_only_refuses_dry_run(stores) -> None:
    result = runner.invoke(
        app, ["load", "--db", str(stores["empty"]), "--schema-only", "--dry-run"], env=_env()
    )
    assert result.exit_code == 1
    assert result.stderr == "Error: --schema-only and --dry-run cannot be combined\n"


def test_after_an_import_the_first_kg_load_compares_everything_then_loads_are_incremental(
    examples_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """neo4j-admin writes no load marker: the first `kg load` is full (and sets nothing), records what the
    database holds and sets the marker; the next one, after new articles, sends only their rows."""
    import neo4j

    from kg.neo4j.connection import Neo4jSettings
    from kg.neo4j.loader import load_store
    from kg.pipeline import build_store

    first, rest = tmp_path / "first", tmp_path / "rest"
    first.mkdir()
    rest.mkdir()
    for i, p in enumerate(sorted((examples_dir / "articles").glob("*.md"))):
        shutil.copy(p, (first if i < 5 else rest) / p.name)
    db = tmp_path / "kg.db"
    build_store([first], db)
    _, imported, _, _ = _import_and_schema_step(db, tmp_path / "csv")
    state = _fake_state(imported)
    holder: dict[str, FakeDriver] = {}
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda *a, **k: holder["driver"])
    settings = Neo4jSettings(uri="neo4j://db.example:7687")

    def kg_load() -> tuple[FakeDriver, dict]:
        holder["driver"] = FakeDriver(state)
        return holder["driver"], load_store(str(db), settings, batch_size=50).as_dict()

    _, after_import = kg_load()
    assert after_import["mode"] == "full" and after_import["reason"].startswith(
        "the database has no kg load marker"
    )
    assert after_import["properties_set"] == 0 and after_import["labels_added"] == 0
    assert state.marker is not None
    build_store([first, rest], db)
    driver, update = kg_load()
    assert update["mode"] == "incremental" and update["articles"]["created"] == len(list(rest.iterdir()))
    sent_articles = [r["id"] for c in driver.calls if c.kind == "articles" for r in c.parameters["rows"]]
    assert len(sent_articles) == len(list(rest.iterdir()))
    assert update["rows_unchanged"] > 0 and not any(c.kind.startswith("read:") for c in driver.calls)
    clean = FakeDriver()
    _load(db, clean)
    assert state == clean.state
