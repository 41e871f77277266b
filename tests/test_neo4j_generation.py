"""The store's change generation (kg.neo4j.generation): a reload of a store that did not change since its
last completed load skips the local diff (one round trip, no row read), and every way the store can
change makes the next load compare again, with the counting fake driver."""

from __future__ import annotations

import random
import re
import sqlite3
from pathlib import Path

import neo4j
import pytest
from test_neo4j_incremental import (
    BATCH,
    FIRST,
    LATER,
    URI,
    _change_the_store,
    _clean,
    _corpus,
    _load,
    _rows,
)

import kg.neo4j.incremental as inc
from kg.neo4j.connection import Neo4jSettings
from kg.neo4j.fakes import FakeDriver, FakeState
from kg.neo4j.generation import KEY, WATCHED, trigger_name
from kg.neo4j.incremental import compute_diff, target_name
from kg.neo4j.loader import load_store
from kg.neo4j.loadstate import LoadRecord, open_writer
from kg.pipeline import build_store, forget_articles

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _use(monkeypatch: pytest.MonkeyPatch) -> dict:
    """GraphDatabase.driver returns whatever fake the test put in `_use["driver"]`."""
    holder: dict[str, FakeDriver] = {}
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda *a, **k: holder["driver"])
    return holder


@pytest.fixture()
def store(tmp_path: Path, examples_dir: Path) -> Path:
    db = tmp_path / "kg.db"
    build_store([_corpus(examples_dir, tmp_path / "articles", FIRST)], db)
    return db


def _snapshot(conn: sqlite3.Connection, diff: inc.Diff) -> tuple:
    """What a diff decided: the rows to send per step in order, the count unchanged, the deletions."""
    kinds = [step.statement.kind for step in diff.steps]
    send = [
        (kinds[i], a, b)
        for i, a, b in conn.execute("SELECT step, a, b FROM temp.kg_load_changed ORDER BY step, seq")
    ]
    return kinds, diff.changed, send, diff.unchanged, diff.gone


@pytest.fixture()
def diffs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records the local diffs the loads compute ("full" or "logged"); every logged diff is checked
    against today's full diff of the same store and records (the oracle): same rows, same order, same
    deletions, same count unchanged."""
    calls: list[str] = []
    real_full, real_logged = inc.compute_diff, inc.compute_diff_logged

    def full(*args, **kwargs):
        calls.append("full")
        return real_full(*args, **kwargs)

    def logged(conn, record, batch_size, since):
        calls.append("logged")
        oracle = _snapshot(conn, real_full(conn, record, batch_size))
        diff = real_logged(conn, record, batch_size, since)
        assert _snapshot(conn, diff) == oracle
        return diff

    monkeypatch.setattr(inc, "compute_diff", full)
    monkeypatch.setattr(inc, "compute_diff_logged", logged)
    return calls


def _generation(db: Path) -> str | None:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (KEY,)).fetchone()
        return None if row is None else row[0]
    finally:
        conn.close()


def _sql(db: Path, *statements: str) -> None:
    conn = sqlite3.connect(db)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _oracle_is_empty(db: Path) -> bool:
    """Today's full diff of the store against the records: nothing to send, nothing to delete."""
    conn = open_writer(db)
    assert conn is not None
    try:
        diff = compute_diff(conn, LoadRecord(conn, target_name(URI, None)), BATCH)
        return diff.to_send == 0 and diff.to_delete == 0
    finally:
        conn.close()


def test_a_store_never_loaded_has_no_triggers_and_a_load_installs_them(_use: dict, store: Path) -> None:
    conn = sqlite3.connect(store)

    def names() -> set[str]:
        return {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}

    assert not {n for n in names() if n.startswith("kg_gen_")}
    _load(_use, FakeDriver(FakeState()), store)
    assert {n for n in names() if n.startswith("kg_gen_")} == {
        trigger_name(t, op) for t in WATCHED for op in ("INSERT", "UPDATE", "DELETE")
    } | {trigger_name("articles", "REPLACE"), trigger_name("article_entities", "REPLACE")}
    conn.close()


def test_an_unchanged_store_skips_the_diff_after_any_completed_load(
    _use: dict, store: Path, tmp_path: Path, examples_dir: Path, diffs: list[str]
) -> None:
    state = FakeState()
    _load(_use, FakeDriver(state), store)  # full
    assert not diffs
    for _ in range(2):
        quiet = FakeDriver(state)
        summary = _load(_use, quiet, store)
        assert summary.mode == "incremental" and [c.kind for c in quiet.calls] == ["marker:read"]
        assert summary.rows_sent == 0 and summary.rows_unchanged == len(_rows(store))
    assert not diffs
    _change_the_store(store, tmp_path / "articles", examples_dir)
    assert _load(_use, FakeDriver(state), store).rows_sent > 0 and diffs == ["logged"]  # compared, then sent
    assert state == _clean(store)
    assert _load(_use, FakeDriver(state), store).rows_unchanged == len(_rows(store)) and diffs == ["logged"]
    _sql(store, "UPDATE articles SET title = title")  # a write that changes no row: compared, nothing sent
    assert _load(_use, FakeDriver(state), store).rows_sent == 0 and diffs == ["logged"] * 2
    assert (
        _load(_use, FakeDriver(state), store).rows_sent == 0 and diffs == ["logged"] * 2
    )  # and skipped again


# One hand-made write per table the rows are built from (an older kg, another tool): each must be loaded.
EDITS = {
    "articles": "UPDATE articles SET title = title || '!' WHERE id = (SELECT MIN(id) FROM articles)",
    "article_entities": "DELETE FROM article_entities WHERE rowid = "
    "(SELECT MIN(rowid) FROM article_entities WHERE entity_id IS NOT NULL)",
    "entities": "UPDATE entities SET name = name || '!' WHERE id = (SELECT MIN(id) FROM entities)",
    "aliases": "INSERT INTO aliases(entity_id, alias, norm) SELECT MIN(id), '又一别名', '又一别名' FROM entities",
    "relations": "UPDATE relations SET properties = json_set(properties, '$.date', '2099-01') "
    "WHERE id = (SELECT MIN(id) FROM relations)",
    "evidence": "UPDATE evidence SET sentence = sentence || '。' WHERE rowid = (SELECT MIN(rowid) FROM evidence)",
}
# REPLACE deletes the row it replaces without firing delete triggers: the key that row had is logged first.
REPLACES = {
    "articles": "INSERT OR REPLACE INTO articles(id, path, content_hash, title, derived) "
    "SELECT 'art_replaced', path, content_hash, title, derived FROM articles WHERE id = (SELECT MIN(id) FROM articles)",
    "article_entities": "INSERT OR REPLACE INTO article_entities(article_id, local_id, type, name, aliases, entity_id) "
    "SELECT article_id, local_id, type, name, aliases, (SELECT MAX(id) FROM entities) FROM article_entities "
    "WHERE rowid = (SELECT MIN(rowid) FROM article_entities WHERE entity_id IS NOT NULL "
    "AND entity_id <> (SELECT MAX(id) FROM entities))",
}


@pytest.mark.parametrize("table", sorted(REPLACES))
def test_a_replace_that_changes_a_key_is_logged(
    _use: dict, store: Path, table: str, diffs: list[str]
) -> None:
    state = FakeState()
    _load(_use, FakeDriver(state), store)
    _sql(store, "PRAGMA foreign_keys = ON", REPLACES[table])
    _load(_use, FakeDriver(state), store)
    assert diffs == ["logged"] and state == _clean(store)  # the fixture checked it against the full diff


@pytest.mark.parametrize("table", WATCHED)
def test_a_write_to_any_watched_table_moves_the_generation(
    _use: dict, store: Path, table: str, diffs: list[str]
) -> None:
    state = FakeState()
    _load(_use, FakeDriver(state), store)
    before = _generation(store)
    _sql(store, EDITS[table])
    assert _generation(store) != before
    summary = _load(_use, FakeDriver(state), store)
    assert (
        diffs == ["logged"]
        and summary.rows_sent
        + sum(getattr(summary, k).deleted for k in ("articles", "entities", "mentions", "relations"))
        > 0
    )
    assert state == _clean(store)


def test_build_and_forget_move_the_generation(
    _use: dict, store: Path, tmp_path: Path, examples_dir: Path
) -> None:
    state = FakeState()
    _load(_use, FakeDriver(state), store)
    seen = {_generation(store)}
    build_store([_corpus(examples_dir, tmp_path / "articles", LATER[:1])], store)
    seen.add(_generation(store))
    forget_articles([str(tmp_path / "articles" / FIRST[0])], store)
    seen.add(_generation(store))
    assert len(seen) == 3 and None not in seen
    _load(_use, FakeDriver(state), store)
    assert state == _clean(store)


def test_a_pending_element_is_sent_again_not_skipped(_use: dict, store: Path, diffs: list[str]) -> None:
    state = FakeState()
    _load(_use, FakeDriver(state), store)
    conn = sqlite3.connect(store)
    kind, a, b = conn.execute("SELECT kind, a, b FROM neo4j_loaded WHERE kind = 'a' LIMIT 1").fetchone()
    conn.execute("UPDATE neo4j_loaded SET hash = '' WHERE kind = ? AND a = ? AND b = ?", (kind, a, b))
    conn.commit()
    conn.close()
    summary = _load(_use, FakeDriver(state), store)
    assert diffs == ["logged"] and summary.rows_sent == 1 and state == _clean(store)


@pytest.mark.parametrize(
    "break_it",
    [
        (f"DROP TRIGGER {trigger_name('entities', 'UPDATE')}",),
        (f"DELETE FROM meta WHERE key = '{KEY}'",),
        (
            f"DROP TRIGGER {trigger_name('entities', 'UPDATE')}",
            f"CREATE TRIGGER {trigger_name('entities', 'UPDATE')} AFTER UPDATE ON entities BEGIN SELECT 1; END",
        ),
    ],
    ids=["trigger-dropped", "counter-deleted", "trigger-changed"],
)
def test_a_missing_trigger_or_counter_means_the_store_is_compared(
    _use: dict, store: Path, break_it: tuple[str, ...], diffs: list[str]
) -> None:
    """A table rebuilt by a migration loses its triggers: writes made meanwhile were not counted."""
    state = FakeState()
    _load(_use, FakeDriver(state), store)
    _sql(store, *break_it, EDITS["entities"])
    summary = _load(_use, FakeDriver(state), store)
    assert diffs == ["full"] and summary.rows_sent > 0 and state == _clean(store)
    _sql(store, EDITS["entities"])  # counted and logged again
    assert _load(_use, FakeDriver(state), store).rows_sent > 0 and diffs == ["full", "logged"]
    assert state == _clean(store)


def test_watched_tables_cover_every_table_the_rows_are_read_from() -> None:
    source = (ROOT / "kg" / "store" / "read.py").read_text(encoding="utf-8")
    tables = set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_]+)\b", source))
    scratch = {t for t in tables if t.startswith("kg_")} | {"json_each", "p"}  # temp tables, CTEs
    assert tables - scratch == set(WATCHED)


def test_random_updates_skip_only_when_the_full_diff_is_empty(
    _use: dict, tmp_path: Path, examples_dir: Path, diffs: list[str]
) -> None:
    """Random add / change / forget / no-op days: each load leaves the graph a full load would; a load
    that compared only the logged elements decided exactly what today's full diff (the oracle) decides
    (the `diffs` fixture), and one that skipped the diff is one where the full diff finds nothing."""
    rng = random.Random(13)
    names = sorted(p.name for p in (examples_dir / "articles").iterdir())
    folder = tmp_path / "articles"
    db = tmp_path / "kg.db"
    build_store([_corpus(examples_dir, folder, rng.sample(names, 4))], db)
    state = FakeState()
    _load(_use, FakeDriver(state), db)
    for day in range(8):
        action = rng.choice(["add", "change", "forget", "none", "none"])
        present = sorted(p.name for p in folder.iterdir())
        if action == "add" and len(present) < len(names):
            _corpus(examples_dir, folder, [rng.choice(sorted(set(names) - set(present)))])
            build_store([folder], db)
        elif action == "change":
            path = folder / rng.choice(present)
            path.write_text(path.read_text(encoding="utf-8") + f"\n第{day}天补充。\n", encoding="utf-8")
            build_store([folder], db)
        elif action == "forget" and len(present) > 1:
            path = folder / rng.choice(present)
            forget_articles([str(path)], db)
            path.unlink()
        before = len(diffs)
        _load(_use, FakeDriver(state), db)
        assert state == _clean(db), day
        if len(diffs) == before:  # skipped
            assert _oracle_is_empty(db), day
        if action == "none":
            assert len(diffs) == before, day
    assert set(diffs) <= {"logged"}  # each compared only the logged elements (checked against the full diff)


def _log_size(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT COUNT(*) FROM neo4j_changes").fetchone()[0]
    finally:
        conn.close()


def test_the_log_is_pruned_to_what_every_target_still_needs(
    _use: dict, store: Path, diffs: list[str]
) -> None:
    other = Neo4jSettings(uri=URI, password="secret-password", database="other")
    a, b = FakeState(), FakeState()

    def load_b() -> None:
        _use["driver"] = FakeDriver(b)
        load_store(str(store), other, batch_size=BATCH)

    _load(_use, FakeDriver(a), store)
    load_b()
    _sql(store, EDITS["entities"], EDITS["evidence"])
    logged = _log_size(store)
    assert logged > 0
    _load(_use, FakeDriver(a), store)
    assert _log_size(store) == logged  # the other database has not loaded these changes yet
    load_b()
    assert _log_size(store) == 0 and diffs == ["logged", "logged"]
    assert a == b == _clean(store)
    # a record older than what was pruned cannot trust the log: every row is compared
    _sql(store, "UPDATE neo4j_generations SET seq = 0", EDITS["articles"])
    _load(_use, FakeDriver(a), store)
    assert diffs[-1] == "full" and a == _clean(store)
