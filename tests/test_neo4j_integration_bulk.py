"""The bulk route for real: `kg export csv`, the neo4j-admin command it prints, `kg load --schema-only`, then
the same graph and the same library answers as `kg load` (set NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD,
NEO4J_DATABASE as for tests/test_neo4j_integration.py, and):

- KG_NEO4J_ADMIN: how to run neo4j-admin of that server, e.g. `/opt/neo4j/bin/neo4j-admin` or
  `docker exec kg-neo4j neo4j-admin` (split like a shell would);
- KG_IMPORT_DATABASE: a scratch database the test overwrites with the import (created and started through
  the system database, so an edition that can host it: Enterprise, or a Community server whose only
  database it is, stopped by you before the run);
- KG_IMPORT_DIR (optional): where the CSV files go, a directory neo4j-admin can read at the same path.

Without them every test here is skipped with the reason shown by `pytest -ra`.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.models import Graph
from kg.neo4j.connection import open_driver, read_settings
from kg.neo4j.lint_schema import CYPHER_DIR
from kg.neo4j.loader import write_graph

NEEDED = ("NEO4J_URI", "KG_NEO4J_ADMIN", "KG_IMPORT_DATABASE")
pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(
        not all(os.environ.get(k) for k in NEEDED),
        reason="NEO4J_URI, KG_NEO4J_ADMIN and KG_IMPORT_DATABASE not all set: no neo4j-admin to import with",
    ),
]
runner = CliRunner()


def _graph_of(driver, database: str | None) -> tuple[list, list]:
    """Every node and relationship with labels, type, endpoints and properties, in a stable order."""
    with driver.session(database=database) as session:
        nodes = session.run(
            "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props ORDER BY n.id, labels(n)"
        ).data()
        rels = session.run(
            "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS props "
            "ORDER BY a, t, b, r.id"
        ).data()
    for n in nodes:
        n["labels"] = sorted(n["labels"])
    return nodes, rels


def _examples() -> list[tuple[str, list[str]]]:
    """Each library file with the arguments of its header's `Example:` line."""
    out = []
    for path in sorted(CYPHER_DIR.glob("*.cypher")):
        line = next(x for x in path.read_text(encoding="utf-8").splitlines() if x.startswith("// Example:"))
        args = shlex.split(line.split("kg query", 1)[1])
        args[args.index("--file") + 1] = str(path)
        out.append((path.stem, args))
    return out


def _answers(database: str | None) -> dict[str, str]:
    """What `kg query` prints for each header example (as JSON unless the example names a format)."""
    answers = {}
    where = ["--database", database] if database else []
    for stem, args in _examples():
        fmt = [] if "--format" in args else ["--format", "json"]
        result = runner.invoke(app, ["query", *args, *fmt, *where])
        assert result.exit_code == 0, f"{stem}: {result.stderr}"
        answers[stem] = result.stdout
    return answers


@pytest.fixture(scope="module")
def store(tmp_path_factory, examples_dir: Path) -> Path:
    from kg.pipeline import build_store

    db = tmp_path_factory.mktemp("bulk") / "kg.db"
    build_store([examples_dir / "articles"], db)
    return db


def test_import_plus_schema_step_is_the_graph_kg_load_writes(store: Path, tmp_path: Path) -> None:
    settings = read_settings()
    target = os.environ["KG_IMPORT_DATABASE"]
    out = Path(os.environ.get("KG_IMPORT_DIR") or tmp_path) / "kg-bulk-csv"
    report = json.loads(
        runner.invoke(app, ["export", "csv", "--db", str(store), "-o", str(out), "--json"]).stdout
    )
    driver = open_driver(settings)
    try:
        with driver.session(database="system") as system:
            if _exists(system, target):
                system.run("STOP DATABASE $name WAIT", name=target).consume()
        command = shlex.split(report["import_command"])
        admin = shlex.split(os.environ["KG_NEO4J_ADMIN"]) + command[1:-1]
        admin += ["--overwrite-destination=true", target]
        done = subprocess.run(admin, check=False, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        with driver.session(database="system") as system:
            system.run("CREATE DATABASE $name IF NOT EXISTS WAIT", name=target).consume()
            system.run("START DATABASE $name WAIT", name=target).consume()
        step = runner.invoke(
            app, ["load", "--db", str(store), "--schema-only", "--json", "--database", target]
        )
        assert step.exit_code == 0, step.stderr
        assert json.loads(step.stdout)["completed"]["entities"] > 0
        with driver.session(database=target) as session:
            session.run("CALL db.awaitIndexes(120)").consume()
            names = {r["name"] for r in session.run("SHOW INDEXES YIELD name RETURN name").data()}
        assert {"kg_entity_id", "kg_article_id", "kg_entity_names", "kg_branch_of_id"} <= names

        write_graph(driver, Graph(), database=settings.database)  # a clean `kg load` beside it
        loaded = runner.invoke(app, ["load", "--db", str(store), "--json"])
        assert loaded.exit_code == 0, loaded.stderr
        with driver.session(database=settings.database) as session:
            session.run("CALL db.awaitIndexes(120)").consume()
        assert _graph_of(driver, target) == _graph_of(driver, settings.database)
        assert _answers(target) == _answers(settings.database)

        again = json.loads(
            runner.invoke(app, ["load", "--db", str(store), "--json", "--database", target]).stdout
        )
        assert again["properties_set"] == 0 and again["labels_added"] == 0
        for kind in ("articles", "entities", "mentions", "relations"):
            assert again[kind] == {"created": 0, "updated": 0, "deleted": 0}
    finally:
        write_graph(driver, Graph(), database=settings.database)
        driver.close()


def _exists(system, name: str) -> bool:
    return bool(system.run("SHOW DATABASES YIELD name WHERE name = $name RETURN name", name=name).data())
