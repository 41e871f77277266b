"""Incremental `kg load` against a real Neo4j (set NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD; optional
NEO4J_DATABASE): the (:KgLoad) marker, an unchanged reload that writes nothing, a day's update sent as a
diff that ends equal to a full load, a marker that no longer matches, --full, a cut connection midway.
The counting-fake twins are in tests/test_neo4j_incremental.py. Same caveat as
tests/test_neo4j_integration.py: these tests delete every kg-managed node and relationship (and the
load marker) in the target database; use a scratch database."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from tcp_proxy import CuttingProxy

from kg.errors import Neo4jError
from kg.models import Graph
from kg.neo4j.connection import open_driver, read_settings
from kg.neo4j.loader import load_store, write_graph
from kg.neo4j.marker import MARKER_ID, schema_fingerprint
from kg.pipeline import build_store, forget_articles

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(
        not os.environ.get("NEO4J_URI"), reason="NEO4J_URI not set: no Neo4j server to test against"
    ),
]
FIRST = [
    "boc_sichuan_chengdu_agreement.md",
    "haiyue_kangrui_acquisition.md",
    "icbc_lingang_branch.html",
    "lingang_smart_manufacturing_fund.md",
    "pingan_lingang_opening.md",
    "qianhai_cross_border_financing.md",
]
LATER = ["liyang_storage_jv.md", "nanjing_pipe_gallery_syndicated_loan.md", "pingan_lingang_deepening.md"]


@pytest.fixture(scope="module")
def settings():
    return read_settings()


def _wipe(driver, settings) -> None:
    """No kg-managed element and no marker: what an emptied database looks like to kg."""
    write_graph(driver, Graph(), database=settings.database)
    with driver.session(database=settings.database) as session:
        session.execute_write(lambda tx: tx.run("MATCH (m:KgLoad) DETACH DELETE m").consume())


@pytest.fixture(scope="module")
def driver(settings):
    d = open_driver(settings)
    yield d
    _wipe(d, settings)
    d.close()


@pytest.fixture()
def clean(driver, settings):
    _wipe(driver, settings)
    return driver


@pytest.fixture()
def store(tmp_path: Path, examples_dir: Path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name in FIRST:
        shutil.copy(examples_dir / "articles" / name, folder / name)
    db = tmp_path / "kg.db"
    build_store([folder], db)
    return db


def _update(db: Path, examples_dir: Path) -> None:
    folder = db.parent / "articles"
    for name in LATER:
        shutil.copy(examples_dir / "articles" / name, folder / name)
    changed = folder / "pingan_lingang_opening.md"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n平安银行与临港集团签署战略合作协议。\n", encoding="utf-8"
    )
    build_store([folder], db)
    forget_articles([str(folder / "haiyue_kangrui_acquisition.md")], db)


def _rows(driver, settings, query: str, **params) -> list:
    with driver.session(database=settings.database) as session:
        return session.execute_read(lambda tx: sorted(tuple(r.values()) for r in tx.run(query, params)))


def snapshot(driver, settings) -> dict[str, list]:
    """Every kg-managed element with its labels, properties and content hash."""
    return {
        "nodes": _rows(
            driver,
            settings,
            "MATCH (n) WHERE n.kg_hash IS NOT NULL "
            "RETURN [l IN labels(n) | l] AS labels, n.id, n.kg_hash, properties(n) AS p",
        ),
        "rels": _rows(
            driver,
            settings,
            "MATCH (a)-[r]->(b) WHERE r.kg_hash IS NOT NULL "
            "RETURN type(r), coalesce(r.id, ''), a.id, b.id, r.kg_hash, properties(r) AS p",
        ),
    }


def _marker(driver, settings) -> list:
    return _rows(
        driver, settings, "MATCH (m:KgLoad) RETURN m.id, m.store_id, m.load_id, m.schema, m.loaded_at"
    )


def _full_snapshot(clean, settings, db: Path) -> dict[str, list]:
    """What a full load of the store gives in an emptied database (then emptied again)."""
    _wipe(clean, settings)
    load_store(str(db), settings, batch_size=5, full=True)
    snap = snapshot(clean, settings)
    _wipe(clean, settings)
    return snap


def test_first_load_writes_the_marker_and_an_unchanged_reload_writes_nothing(clean, settings, store):
    first = load_store(str(store), settings, batch_size=5)
    assert first.mode == "full" and first.reason.startswith("the database has no kg load marker")
    (marker,) = _marker(clean, settings)
    store_id = sqlite3.connect(store).execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0]
    assert marker[:2] == (MARKER_ID, store_id) and marker[3] == schema_fingerprint() and marker[4]
    before = snapshot(clean, settings)
    again = load_store(str(store), settings, batch_size=5)
    assert again.mode == "incremental" and again.rows_sent == 0 and again.round_trips == 1
    assert again.properties_set == 0
    assert snapshot(clean, settings) == before and _marker(clean, settings) == [marker]
    constraints = _rows(clean, settings, "SHOW CONSTRAINTS YIELD name RETURN name")
    assert ("kg_load_id",) in constraints


def test_an_update_sends_the_diff_and_equals_a_full_load(clean, settings, store, examples_dir):
    load_store(str(store), settings, batch_size=5)
    _update(store, examples_dir)
    summary = load_store(str(store), settings, batch_size=5)
    assert summary.mode == "incremental" and 0 < summary.rows_sent < summary.rows_unchanged
    # the rewritten article has a new id (ids follow content): created with the new ones, its old id deleted
    # with the forgotten one (the counting-fake twin gives the same counts)
    assert summary.articles.created == len(LATER) + 1 and summary.articles.deleted == 2
    got = snapshot(clean, settings)
    assert got == _full_snapshot(clean, settings, store)


def test_a_marker_that_moved_or_vanished_means_a_full_load(clean, settings, store, examples_dir):
    load_store(str(store), settings, batch_size=5)
    with clean.session(database=settings.database) as session:
        session.execute_write(
            lambda tx: tx.run("MATCH (m:KgLoad) SET m.load_id = 'restored' RETURN m").consume()
        )
        session.execute_write(lambda tx: tx.run("MATCH (a:Article) WITH a LIMIT 1 DETACH DELETE a").consume())
    summary = load_store(str(store), settings, batch_size=5)
    assert summary.mode == "full" and "does not match" in summary.reason
    assert summary.articles.created == 1
    expected = snapshot(clean, settings)
    write_graph(clean, Graph(), database=settings.database)  # emptied by another tool: the marker moves
    summary = load_store(str(store), settings, batch_size=5)
    assert summary.mode == "full" and snapshot(clean, settings) == expected
    assert load_store(str(store), settings, batch_size=5, full=True).reason == "--full was given"
    assert snapshot(clean, settings) == expected


def _copy_store(src: Path, dst: Path) -> None:
    for extra in ("", "-wal", "-shm"):
        Path(f"{dst}{extra}").unlink(missing_ok=True)
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()


def test_a_connection_cut_during_an_incremental_load_then_a_rerun_equals_a_full_load(
    clean, settings, store, examples_dir
):
    folder = store.parent / "articles"
    pre = store.parent / "pre.db"
    _copy_store(store, pre)
    _update(store, examples_dir)  # prepares the files once; re-applied below by build + forget
    expected = _full_snapshot(clean, settings, store)

    def before_the_update() -> None:
        """The database holds the store as it was, and the store's records say so; then the update."""
        _wipe(clean, settings)
        _copy_store(pre, store)
        assert load_store(str(store), settings, batch_size=2).mode == "full"
        build_store([folder], store)
        forget_articles([str(folder / "haiyue_kangrui_acquisition.md")], store)

    where = urlsplit(settings.uri)
    before_the_update()
    proxy = CuttingProxy(where.hostname or "localhost", where.port or 7687, None)
    via = dataclasses.replace(settings, uri=f"bolt://127.0.0.1:{proxy.port}", retry_seconds=3)
    try:
        probe = load_store(str(store), via, batch_size=1)  # the bytes an incremental load sends
    finally:
        proxy.close()
    assert probe.mode == "incremental" and snapshot(clean, settings) == expected
    for share in (0.3, 0.6, 0.9):
        before_the_update()
        cut = CuttingProxy(where.hostname or "localhost", where.port or 7687, int(proxy.sent * share))
        via = dataclasses.replace(settings, uri=f"bolt://127.0.0.1:{cut.port}", retry_seconds=3)
        try:
            with pytest.raises(Neo4jError, match="run `kg load` again to complete it"):
                load_store(str(store), via, batch_size=1)
        finally:
            cut.close()
        rerun = load_store(str(store), settings, batch_size=1)
        assert rerun.mode == "incremental", share  # the records stayed trustworthy
        assert snapshot(clean, settings) == expected, share
        assert load_store(str(store), settings, batch_size=1).rows_sent == 0


def test_hand_made_writes_to_every_row_table_are_loaded_from_the_change_log(clean, settings, store):
    """The store's change log (kg.neo4j.generation): writes to each table the rows are built from, made
    outside kg, are compared and sent; the graph equals a full load's; the next reload skips the diff."""
    load_store(str(store), settings, batch_size=5)
    conn = sqlite3.connect(store)
    conn.execute("UPDATE articles SET title = title || '!' WHERE id = (SELECT MIN(id) FROM articles)")
    conn.execute("UPDATE entities SET name = name || '!' WHERE id = (SELECT MIN(id) FROM entities)")
    conn.execute(
        "INSERT INTO aliases(entity_id, alias, norm) SELECT MAX(id), '又一别名', '又一别名' FROM entities"
    )
    conn.execute(
        "DELETE FROM article_entities WHERE rowid = "
        "(SELECT MIN(rowid) FROM article_entities WHERE entity_id IS NOT NULL)"
    )
    conn.execute(
        "UPDATE relations SET properties = json_set(properties, '$.date', '2099-01') "
        "WHERE id = (SELECT MIN(id) FROM relations)"
    )
    conn.execute(
        "UPDATE evidence SET sentence = sentence || '。' WHERE rowid = (SELECT MAX(rowid) FROM evidence)"
    )
    conn.commit()
    conn.close()
    summary = load_store(str(store), settings, batch_size=5)
    assert summary.mode == "incremental" and summary.rows_sent > 0
    again = load_store(str(store), settings, batch_size=5)
    assert again.rows_sent == 0 and again.round_trips == 1
    assert snapshot(clean, settings) == _full_snapshot(clean, settings, store)
