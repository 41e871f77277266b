"""Incremental `kg load` with the counting fake driver: exactly the changed rows are sent, and the graph
equals a full load's after adds, changes, forgets, marker mismatches, --full and failures midway.
The same against a real server: tests/test_neo4j_integration_incremental.py (NEO4J_URI)."""

from __future__ import annotations

import copy
import hashlib
import json
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import neo4j
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import Neo4jError
from kg.neo4j import cypher
from kg.neo4j.connection import Neo4jSettings
from kg.neo4j.fakes import FakeDriver, FakeState
from kg.neo4j.incremental import record_kind, row_key
from kg.neo4j.loader import load_store, prepare_load
from kg.neo4j.loadstate import LoadRecord
from kg.pipeline import build_store, forget_articles
from kg.store import read_graph

URI = "neo4j://db.example:7687"
SETTINGS = Neo4jSettings(uri=URI, password="secret-password")
BATCH = 7
FIRST = [
    "boc_sichuan_chengdu_agreement.md",
    "haiyue_kangrui_acquisition.md",
    "icbc_lingang_branch.html",
    "lingang_smart_manufacturing_fund.md",
    "pingan_lingang_opening.md",
    "qianhai_cross_border_financing.md",
]
LATER = ["liyang_storage_jv.md", "nanjing_pipe_gallery_syndicated_loan.md", "pingan_lingang_deepening.md"]
runner = CliRunner()


@pytest.fixture(autouse=True)
def _use(monkeypatch: pytest.MonkeyPatch) -> dict:
    """GraphDatabase.driver returns whatever fake the test put in `_use["driver"]`."""
    holder: dict[str, FakeDriver] = {}
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda *a, **k: holder["driver"])
    return holder


def _corpus(examples_dir: Path, folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(examples_dir / "articles" / name, folder / name)
    return folder


@pytest.fixture()
def store(tmp_path: Path, examples_dir: Path) -> Path:
    db = tmp_path / "kg.db"
    build_store([_corpus(examples_dir, tmp_path / "articles", FIRST)], db)
    return db


def _copy_store(src: Path, dst: Path) -> None:
    """A consistent copy (the store is in WAL mode: copying the file alone can miss committed pages)."""
    for extra in ("-wal", "-shm"):
        Path(f"{dst}{extra}").unlink(missing_ok=True)
    dst.unlink(missing_ok=True)
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()


def _load(holder: dict, driver: FakeDriver, db: Path, batch: int = BATCH, **kw: Any):
    holder["driver"] = driver
    return load_store(str(db), SETTINGS, batch_size=batch, **kw)


def _clean(db: Path) -> FakeState:
    """The graph a full load of the store leaves in an empty database."""
    driver = FakeDriver(record=False)
    from kg.neo4j.loader import write_graph

    write_graph(driver, read_graph(db), batch_size=BATCH)
    return driver.state


def _rows(db: Path) -> dict[tuple[str, str, str], tuple[str, str]]:
    """Every upsert row of a full load of the store: (record kind, key) -> (statement kind, hash)."""
    out = {}
    for step in prepare_load(read_graph(db), BATCH).upserts:
        for row in step.rows:
            a, b = row_key(step.statement.kind, row)
            out[(record_kind(step.statement.kind), a, b)] = (step.statement.kind, row["hash"])
    return out


def _sent(driver: FakeDriver) -> set[tuple[str, str, str, str]]:
    """The upsert rows the load sent: (statement kind, key a, key b, hash)."""
    out = set()
    for c in driver.calls:
        if c.kind.split(":")[0] in ("articles", "entities", "mentions", "relations"):
            for row in c.parameters["rows"]:
                out.add((c.kind, *row_key(c.kind, row), row["hash"]))
    return out


def _deleted(driver: FakeDriver) -> set[tuple[str, str, str]]:
    out = set()
    for c in driver.calls:
        if c.kind.startswith("delete:"):
            rows = c.parameters.get("rows") or [{"id": i} for i in c.parameters["ids"]]
            out.update((record_kind(c.kind), *row_key(c.kind, r)) for r in rows)
    return out


def _records(db: Path) -> dict[tuple[str, str, str], str]:
    conn = sqlite3.connect(db)
    try:
        return {(k, a, b): h for k, a, b, h in conn.execute("SELECT kind, a, b, hash FROM neo4j_loaded")}
    finally:
        conn.close()


def _change_the_store(db: Path, folder: Path, examples_dir: Path) -> None:
    """Add three articles, change one, forget one (the day's update)."""
    _corpus(examples_dir, folder, LATER)
    changed = folder / "pingan_lingang_opening.md"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n平安银行与临港集团签署战略合作协议。\n", encoding="utf-8"
    )
    build_store([folder], db)
    forget_articles([str(folder / "haiyue_kangrui_acquisition.md")], db)


# --------------------------------------------------------------------------- first load, unchanged reload


def test_first_load_is_full_and_records_every_row(_use: dict, store: Path) -> None:
    state = FakeState()
    driver = FakeDriver(state)
    summary = _load(_use, driver, store)
    assert summary.mode == "full"
    assert (
        summary.reason
        == "the database has no kg load marker (a first load, or the database was emptied or replaced)"
    )
    assert state == _clean(store)
    rows = _rows(store)
    assert summary.rows_sent == len(rows) and summary.rows_unchanged == 0
    assert _records(store) == {k: h for k, (_, h) in rows.items()}
    kinds = [c.kind for c in driver.calls]
    assert kinds[0] == "marker:read" and kinds[-1] == "marker:write"
    assert kinds[1 : 1 + len(cypher.schema_statements())] == ["schema"] * len(cypher.schema_statements())
    assert kinds[1 + len(cypher.schema_statements())] == "marker:write"  # before the first row
    assert state.marker is not None and state.marker["id"] == "kg"
    conn = sqlite3.connect(store, isolation_level=None)
    ((target, load_id, next_id),) = conn.execute("SELECT target, load_id, next_id FROM neo4j_targets")
    conn.close()
    assert target == f"{URI} database=(default)" and "secret" not in target
    assert load_id == state.marker["load_id"] and next_id is None


def test_reloading_an_unchanged_store_sends_nothing(_use: dict, store: Path) -> None:
    state = FakeState()
    _load(_use, FakeDriver(state), store)
    before = copy.deepcopy(state)
    marker = dict(state.marker)
    again = FakeDriver(state)
    summary = _load(_use, again, store)
    assert [(c.mode, c.kind) for c in again.calls] == [("read", "marker:read")]
    assert summary.round_trips == 1
    assert summary.mode == "incremental" and summary.reason is None
    assert summary.rows_sent == 0 and summary.rows_unchanged == len(_rows(store))
    assert summary.properties_set == 0 and state == before and state.marker == marker


def test_an_update_sends_exactly_the_changed_rows_and_ends_like_a_full_load(
    _use: dict, store: Path, tmp_path: Path, examples_dir: Path
) -> None:
    state = FakeState()
    _load(_use, FakeDriver(state), store)
    old = _rows(store)
    _change_the_store(store, tmp_path / "articles", examples_dir)
    new = _rows(store)
    expected_sent = {
        (sk, a, b, h) for (k, a, b), (sk, h) in new.items() if old.get((k, a, b), (None, None))[1] != h
    }
    expected_gone = set(old) - set(new)
    assert expected_sent and expected_gone  # the update adds, changes and removes rows
    driver = FakeDriver(state)
    summary = _load(_use, driver, store)
    assert summary.mode == "incremental"
    assert _sent(driver) == expected_sent
    assert (
        summary.rows_sent
        == len(expected_sent)
        == sum(
            len(c.parameters["rows"])
            for c in driver.calls
            if c.kind.split(":")[0] in ("articles", "entities", "mentions", "relations")
        )
    )
    assert summary.rows_unchanged == len(new) - len(expected_sent)
    assert _deleted(driver) == expected_gone
    # the rewritten article has a new id (ids follow content); its old id goes with the forgotten one
    assert summary.articles.created == len(LATER) + 1 and summary.articles.deleted == 2
    assert not any(c.kind.startswith("read:") for c in driver.calls)  # no retraction reads
    assert state == _clean(store)
    assert _records(store) == {k: h for k, (_, h) in new.items()}
    # upserts in the full load's order, then deletes: relations, mentions, entities, articles
    kinds = [c.kind for c in driver.calls]
    assert kinds[:2] == ["marker:read", "marker:write"] and kinds[-1] == "marker:write"
    order = [k.split(":")[0] for k in kinds[2:-1]]
    assert order == sorted(order, key=["articles", "entities", "mentions", "relations", "delete"].index)
    # and the next load has nothing to do
    quiet = FakeDriver(state)
    assert _load(_use, quiet, store).rows_sent == 0 and len(quiet.calls) == 1


def test_an_entity_changing_type_moves_label_incrementally(_use: dict, store: Path) -> None:
    state = FakeState()
    _load(_use, FakeDriver(state), store)
    conn = sqlite3.connect(store)
    (eid,) = conn.execute("SELECT id FROM entities WHERE type = 'Company' ORDER BY id LIMIT 1").fetchone()
    conn.execute("UPDATE entities SET type = 'Fund' WHERE id = ?", (eid,))
    conn.commit()
    conn.close()
    driver = FakeDriver(state)
    summary = _load(_use, driver, store)
    assert summary.mode == "incremental"
    assert {(k, a) for k, a, _b, _h in _sent(driver)} == {("entities:Fund", eid)}
    assert state.entities[eid]["label"] == "Fund" and state == _clean(store)


# --------------------------------------------------------------------------- when the load is full


def test_a_marker_that_does_not_match_means_a_full_load(
    _use: dict, store: Path, tmp_path: Path, examples_dir: Path
) -> None:
    state = FakeState()
    _load(_use, FakeDriver(state), store)
    state.marker["load_id"] = "restored-from-an-old-backup"
    state.entities.pop(next(iter(state.entities)))  # and the database differs
    driver = FakeDriver(state)
    summary = _load(_use, driver, store)
    assert summary.mode == "full"
    assert summary.reason.startswith("the database's load marker does not match this store's record")
    assert summary.rows_sent == len(_rows(store)) and state == _clean(store)
    assert any(c.kind == "read:entities" for c in driver.calls)
    # emptied database: no marker at all
    wiped = FakeState()
    assert _load(_use, FakeDriver(wiped), store).reason.startswith("the database has no kg load marker")
    assert wiped == _clean(store)
    # another store loaded in between, then this one again
    other = tmp_path / "other.db"
    build_store([_corpus(examples_dir, tmp_path / "other", LATER)], other)
    _load(_use, FakeDriver(wiped), other)
    assert wiped == _clean(other)
    back = _load(_use, FakeDriver(wiped), store)
    assert back.reason == "the database was last loaded from another store" and wiped == _clean(store)


def test_a_copy_of_the_store_loaded_in_between_makes_the_original_load_in_full(
    _use: dict, store: Path, tmp_path: Path
) -> None:
    state = FakeState()
    _load(_use, FakeDriver(state), store)
    copied = tmp_path / "copy.db"
    _copy_store(store, copied)
    forget_articles([str(tmp_path / "articles" / "pingan_lingang_opening.md")], copied)
    s = _load(_use, FakeDriver(state), copied)
    assert s.mode == "incremental", s.reason  # same records, same marker
    assert state == _clean(copied)
    summary = _load(_use, FakeDriver(state), store)
    assert summary.mode == "full" and "does not match" in summary.reason
    assert state == _clean(store)


def test_full_flag_compares_everything(_use: dict, store: Path) -> None:
    state = FakeState()
    _load(_use, FakeDriver(state), store)
    state.entities[next(iter(state.entities))]["hash"] = "edited-in-neo4j-by-hand"
    driver = FakeDriver(state)
    summary = _load(_use, driver, store, full=True)
    assert summary.mode == "full" and summary.reason == "--full was given"
    assert summary.rows_sent == len(_rows(store)) and summary.entities.updated == 1
    assert state == _clean(store)
    assert _load(_use, FakeDriver(state), store).mode == "incremental"


def test_a_new_schema_is_sent_without_rows(_use: dict, store: Path) -> None:
    state = FakeState()
    _load(_use, FakeDriver(state), store)
    state.marker["schema"] = "written-by-an-older-kg"
    driver = FakeDriver(state)
    summary = _load(_use, driver, store)
    kinds = [c.kind for c in driver.calls]
    assert kinds == [
        "marker:read",
        *["schema"] * len(cypher.schema_statements()),
        "marker:write",
        "marker:write",
    ]
    assert summary.mode == "incremental" and summary.rows_sent == 0
    assert len(_load(_use, FakeDriver(state), store).notes) == 0


# --------------------------------------------------------------------------- failures midway


def _attempts(_use: dict, state: FakeState, db: Path) -> int:
    probe = FakeDriver(copy.deepcopy(state), record=False)
    _load(_use, probe, db, batch=40)
    return probe.attempts


@pytest.mark.parametrize("first", [True, False], ids=["full", "incremental"])
def test_a_load_stopping_at_any_round_trip_then_a_rerun_equals_a_clean_load(
    _use: dict, store: Path, tmp_path: Path, examples_dir: Path, first: bool
) -> None:
    base = FakeState()
    if not first:
        _load(_use, FakeDriver(base), store)
        _change_the_store(store, tmp_path / "articles", examples_dir)
    saved = tmp_path / "saved.db"
    _copy_store(store, saved)
    total = _attempts(_use, base, store)
    assert total > 4
    clean = _clean(store)
    for at in range(1, total):
        _copy_store(saved, store)
        state = copy.deepcopy(base)
        with pytest.raises(Neo4jError, match="run `kg load` again to complete it"):
            _load(_use, FakeDriver(state, down_from=at, max_retries=0, record=False), store, batch=40)
        rerun = _load(_use, FakeDriver(state, record=False), store, batch=40)
        assert state == clean, at
        if not first:
            assert rerun.mode == "incremental", at  # the records stayed trustworthy
        quiet = FakeDriver(state)
        assert _load(_use, quiet, store).rows_sent == 0 and len(quiet.calls) == 1, at


def _retitle(db: Path, article_id: str, title: str) -> None:
    conn = sqlite3.connect(db)
    conn.execute("UPDATE articles SET title = ? WHERE id = ?", (title, article_id))
    conn.commit()
    conn.close()


@pytest.mark.parametrize("how", ["retitled", "rewritten"])
def test_a_batch_committed_but_not_recorded_is_sent_again_even_after_a_revert(
    _use: dict, store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Neo4j committed a batch, then kg died before recording it; the store then went back to what the
    records say. Without the write-ahead (pending) marks the next load would skip the row (retitled: same
    article id, new hash) or leave the new element behind (rewritten: new text, so a new article id)."""
    state = FakeState()
    _load(_use, FakeDriver(state), store)
    saved = tmp_path / "saved.db"
    _copy_store(store, saved)
    art = tmp_path / "articles" / "pingan_lingang_opening.md"
    original = art.read_text(encoding="utf-8")
    aid, title = (
        sqlite3.connect(store).execute("SELECT id, title FROM articles ORDER BY id LIMIT 1").fetchone()
    )
    if how == "retitled":
        _retitle(store, aid, title + "（更正）")
    else:
        art.write_text(original.replace("临港", "临港新片区", 1), encoding="utf-8")
        build_store([tmp_path / "articles"], store)

    def dies(self, kind, items):
        raise sqlite3.OperationalError("disk I/O error")

    record = LoadRecord.record
    monkeypatch.setattr(LoadRecord, "record", dies)
    with pytest.raises(Exception, match="disk I/O error"):
        _load(_use, FakeDriver(state), store)
    monkeypatch.setattr(LoadRecord, "record", record)
    assert state != _clean(saved)  # the first batch reached Neo4j
    if how == "retitled":
        _retitle(store, aid, title)
    else:
        art.write_text(original, encoding="utf-8")
        build_store([tmp_path / "articles"], store)
    summary = _load(_use, FakeDriver(state), store)
    assert summary.mode == "incremental"
    if how == "retitled":
        assert summary.rows_sent == 1  # the pending article, sent again with its old title
    else:
        assert summary.rows_sent == 0 and summary.articles.deleted == 1  # the pending new one, deleted
    assert state == _clean(store) == _clean(saved)


# --------------------------------------------------------------------------- the CLI, a read-only store


def test_cli_reports_mode_rows_and_reason(_use: dict, store: Path) -> None:
    state = FakeState()
    env = {"NEO4J_URI": URI, "NEO4J_USERNAME": "", "NEO4J_PASSWORD": "secret-password", "NEO4J_DATABASE": ""}
    _use["driver"] = FakeDriver(state)
    first = runner.invoke(app, ["load", "--db", str(store), "--json"], env=env)
    assert first.exit_code == 0, first.stderr
    data = json.loads(first.stdout)
    n = len(_rows(store))
    assert (data["mode"], data["rows_sent"], data["rows_unchanged"]) == ("full", n, 0)
    assert data["reason"].startswith("the database has no kg load marker")
    _use["driver"] = FakeDriver(state)
    again = runner.invoke(app, ["load", "--db", str(store)], env=env)
    assert again.exit_code == 0, again.stderr
    assert f"  incremental: 0 rows sent, {n} unchanged since the last load (not sent)\n" in again.stdout
    assert "round trips 1\n" in again.stdout
    _use["driver"] = FakeDriver(state)
    full = runner.invoke(app, ["load", "--db", str(store), "--full"], env=env)
    assert full.exit_code == 0, full.stderr
    assert f"  full load (--full was given): {n} rows sent\n" in full.stdout
    assert "secret-password" not in first.stdout + again.stdout + full.stdout


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_read_only_store_loads_in_full_and_is_not_written(_use: dict, examples_dir: Path) -> None:
    from tests.test_store_faults import _as_unprivileged

    base = Path(tempfile.mkdtemp(prefix="kg-ro-load-"))  # outside pytest's root-only temp folder
    try:
        base.chmod(0o755)
        shared = base / "shared"
        db = shared / "kg.db"
        build_store([_corpus(examples_dir, shared / "articles", FIRST)], db)
        for p in [shared, *shared.rglob("*")]:
            p.chmod(0o555 if p.is_dir() else 0o444)
        before = _tree(shared)
        state = FakeState()

        def run() -> tuple[dict, FakeState]:
            summaries = [_load(_use, FakeDriver(state), db).as_dict() for _ in range(2)]
            return summaries, state

        summaries, after = _as_unprivileged(run)
        for s in summaries:
            assert s["mode"] == "full"
            assert s["reason"] == "the store is read-only, so kg cannot record what it loads"
            assert s["rows_sent"] == len(_rows(db))
        assert after == _clean(db)
        assert _tree(shared) == before
    finally:
        for p in [base, *base.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------- another load at the same time


def test_a_marker_moved_by_another_load_as_this_one_starts_means_full(
    _use: dict, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.neo4j.incremental as inc

    state = FakeState()
    _load(_use, FakeDriver(state), store)
    _retitle(
        store, *sqlite3.connect(store).execute("SELECT id, title || '!' FROM articles LIMIT 1").fetchone()
    )
    read = inc.read_marker

    def read_then_another_load_moves_it(session, summary):
        marker = read(session, summary)
        state.marker["load_id"] = "another-load"
        return marker

    monkeypatch.setattr(inc, "read_marker", read_then_another_load_moves_it)
    summary = _load(_use, FakeDriver(state), store)
    assert summary.mode == "full"
    assert summary.reason == "another load moved the database's load marker as this one started"
    assert state == _clean(store) and state.marker["load_id"] != "another-load"


def test_a_marker_moved_during_the_load_leaves_no_trusted_record(
    _use: dict, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.neo4j.incremental as inc

    state = FakeState()
    _load(_use, FakeDriver(state), store)
    _retitle(
        store, *sqlite3.connect(store).execute("SELECT id, title || '!' FROM articles LIMIT 1").fetchone()
    )
    finish = inc._finish

    def another_load_writes_first(session, record, store_id, current, summary, generation):
        state.marker["load_id"] = "another-load"
        finish(session, record, store_id, current, summary, generation)

    monkeypatch.setattr(inc, "_finish", another_load_writes_first)
    summary = _load(_use, FakeDriver(state), store)
    assert summary.mode == "incremental" and summary.notes == [
        "another load wrote to this database during this one: the next `kg load` compares everything"
    ]
    monkeypatch.setattr(inc, "_finish", finish)
    again = _load(_use, FakeDriver(state), store)
    assert again.mode == "full" and again.reason.startswith("this store has no record of a completed load")
    assert state == _clean(store)


def test_records_made_by_a_kg_with_other_row_code_mean_one_full_load(_use: dict, store: Path) -> None:
    from kg.neo4j.loadstate import row_code

    state = FakeState()
    _load(_use, FakeDriver(state), store)
    conn = sqlite3.connect(store)
    assert conn.execute("SELECT code FROM neo4j_targets").fetchone() == (row_code(),)
    conn.execute("UPDATE neo4j_targets SET code = 'an-older-kg'")
    conn.commit()
    conn.close()
    summary = _load(_use, FakeDriver(state), store)
    assert summary.mode == "full" and summary.reason.startswith("this kg builds rows differently")
    assert _load(_use, FakeDriver(state), store).mode == "incremental"


def test_relations_are_compared_by_their_source_fingerprint_once_learnt(_use: dict, store: Path) -> None:
    """The full load records each relation's source fingerprint, and the ones an incremental load learns
    are the same; unchanged relations are then recognised from their store rows (no row built); a
    relation whose properties or evidence changed is still sent."""
    state = FakeState()
    _load(_use, FakeDriver(state), store)  # full: fingerprints recorded as the rows are built
    recorded = _sources(store)
    assert "" not in set(recorded.values()) and len(recorded) == len({k for k in _rows(store) if k[0] == "r"})
    conn = sqlite3.connect(store)
    conn.execute("UPDATE neo4j_loaded SET src = '' WHERE kind = 'r'")  # forgotten: the diff learns them
    conn.execute("DELETE FROM neo4j_generations")  # no recorded generation: every row is compared
    conn.commit()
    conn.close()
    assert _load(_use, FakeDriver(state), store).rows_sent == 0  # rows built once, fingerprints learnt
    assert _sources(store) == recorded
    conn = sqlite3.connect(store)
    rid, _props = conn.execute("SELECT id, properties FROM relations ORDER BY id LIMIT 1").fetchone()
    conn.execute(
        "UPDATE relations SET properties = json_set(properties, '$.date', '2099-01') WHERE id = ?", (rid,)
    )
    _aid, rid2 = conn.execute(
        "SELECT article_id, relation_id FROM evidence WHERE relation_id <> ? ORDER BY relation_id LIMIT 1",
        (rid,),
    ).fetchone()
    conn.execute("UPDATE evidence SET sentence = sentence || '。' WHERE relation_id = ?", (rid2,))
    conn.commit()
    conn.close()
    driver = FakeDriver(state)
    summary = _load(_use, driver, store)
    assert {(a, h) for _k, a, _b, h in _sent(driver)} == {
        (a, h) for (k, a, _b), (_sk, h) in _rows(store).items() if a in (rid, rid2)
    }
    assert summary.rows_sent == 2 and state == _clean(store)
    assert _load(_use, FakeDriver(state), store).rows_sent == 0


def _sources(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT a, src FROM neo4j_loaded WHERE kind = 'r'"))
    finally:
        conn.close()
