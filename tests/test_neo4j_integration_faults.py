"""Faults against a real Neo4j (set NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD; optional NEO4J_DATABASE):
the connection cut midway (a loopback proxy, tests/tcp_proxy.py), two `kg load` at once, a wrong database,
the wrong password, the server's version. Same caveat as tests/test_neo4j_integration.py: these tests
delete every kg-managed node and relationship in the target database; use a scratch database."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from tcp_proxy import CuttingProxy
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import Neo4jError
from kg.models import Graph
from kg.neo4j.connection import (
    MIN_SERVER_VERSION,
    check_server_version,
    open_driver,
    read_settings,
    server_version,
)
from kg.neo4j.loader import load_store, write_graph

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(
        not os.environ.get("NEO4J_URI"), reason="NEO4J_URI not set: no Neo4j server to test against"
    ),
]
ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


@pytest.fixture(scope="module")
def settings():
    return read_settings()


@pytest.fixture(scope="module")
def driver(settings):
    d = open_driver(settings)
    yield d
    write_graph(d, Graph(), database=settings.database)
    d.close()


@pytest.fixture()
def clean(driver, settings):
    write_graph(driver, Graph(), database=settings.database)
    return driver


@pytest.fixture(scope="module")
def store(tmp_path_factory, examples_dir: Path) -> Path:
    from kg.pipeline import build_store

    db = tmp_path_factory.mktemp("neo4j-faults") / "kg.db"
    build_store([examples_dir / "articles"], db)
    return db


def snapshot(driver, settings) -> dict[str, list]:
    """Every kg-managed element with its content hash, and how many elements share an id (must be 1)."""

    def rows(query: str) -> list:
        with driver.session(database=settings.database) as session:
            return session.execute_read(lambda tx: sorted(tuple(r.values()) for r in tx.run(query)))

    return {
        "nodes": rows(
            "MATCH (n) WHERE n.kg_hash IS NOT NULL RETURN [l IN labels(n) | l] AS labels, n.id, n.kg_hash"
        ),
        "rels": rows(
            "MATCH (a)-[r]->(b) WHERE r.kg_hash IS NOT NULL "
            "RETURN type(r), coalesce(r.id, ''), a.id, b.id, r.kg_hash"
        ),
        "duplicate_node_ids": rows(
            "MATCH (n) WHERE n.kg_hash IS NOT NULL WITH n.id AS id, count(*) AS c WHERE c > 1 RETURN id, c"
        ),
        "duplicate_rel_ids": rows(
            "MATCH ()-[r]->() WHERE r.kg_hash IS NOT NULL AND r.id IS NOT NULL "
            "WITH r.id AS id, count(*) AS c WHERE c > 1 RETURN id, c"
        ),
    }


@pytest.fixture()
def clean_snapshot(clean, settings, store) -> dict[str, list]:
    load_store(str(store), settings, batch_size=10)
    snap = snapshot(clean, settings)
    write_graph(clean, Graph(), database=settings.database)
    assert snap["nodes"] and not snap["duplicate_node_ids"] and not snap["duplicate_rel_ids"]
    return snap


def _proxied(settings, cut_after: int | None, refuse: bool = True):
    where = urlsplit(settings.uri)
    proxy = CuttingProxy(where.hostname or "localhost", where.port or 7687, cut_after, refuse=refuse)
    # bolt://, not neo4j://: a routing driver would be sent to the server's own address, around the proxy
    return proxy, dataclasses.replace(settings, uri=f"bolt://127.0.0.1:{proxy.port}", retry_seconds=3)


def _bytes_of_a_load(clean, settings, store: Path) -> int:
    proxy, via = _proxied(settings, None)
    try:
        load_store(str(store), via, batch_size=10)
    finally:
        proxy.close()
    write_graph(clean, Graph(), database=settings.database)
    return proxy.sent


def test_connection_cut_midway_then_rerun_equals_a_clean_load(clean, settings, store, clean_snapshot):
    total = _bytes_of_a_load(clean, settings, store)
    proxy, via = _proxied(settings, total // 2)
    try:
        with pytest.raises(Neo4jError) as info:
            load_store(str(store), via, batch_size=10)
    finally:
        proxy.close()
    message = str(info.value)
    assert "\n" not in message and "run `kg load` again to complete it" in message
    assert (settings.password or "\0") not in message
    partial = snapshot(clean, settings)
    assert partial["nodes"] and partial != clean_snapshot  # cut in the middle: some, not all
    result = runner.invoke(app, ["load", "--db", str(store), "--batch-size", "10"])
    assert result.exit_code == 0, result.stderr
    assert snapshot(clean, settings) == clean_snapshot


def test_a_short_blip_is_retried_by_the_driver(clean, settings, store, clean_snapshot):
    total = _bytes_of_a_load(clean, settings, store)
    proxy, via = _proxied(settings, total // 2, refuse=False)
    try:
        load_store(str(store), via, batch_size=10)
    finally:
        proxy.close()
    assert proxy.cuts == 1
    assert snapshot(clean, settings) == clean_snapshot


def test_two_loads_at_once_leave_no_duplicates(clean, settings, store, clean_snapshot):
    cmd = [sys.executable, "-m", "kg.cli", "load", "--db", str(store), "--batch-size", "5"]
    procs = [
        subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for p, (_out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err.decode("utf-8", "replace")
    assert snapshot(clean, settings) == clean_snapshot


def test_a_wrong_database_name_is_one_line(clean, settings, store):
    result = runner.invoke(app, ["load", "--db", str(store), "--database", "kgnosuchdatabase"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: Neo4j database 'kgnosuchdatabase' does not exist at ")
    assert len(result.stderr.splitlines()) == 1
    assert snapshot(clean, settings)["nodes"] == []


def test_the_wrong_password_is_one_line_without_the_password(clean, settings, store):
    wrong = (settings.password or "") + "-not-it"
    result = runner.invoke(app, ["load", "--db", str(store)], env={"NEO4J_PASSWORD": wrong})
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: Neo4j authentication failed for user {settings.user!r} at ")
    assert len(result.stderr.splitlines()) == 1 and wrong not in result.stderr


def test_the_server_version_is_read_and_supported(driver, settings):
    agent, version = server_version(driver)
    assert agent.startswith("Neo4j/") and version is not None and version[:2] >= MIN_SERVER_VERSION
    check_server_version(driver, settings)
