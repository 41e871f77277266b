"""Store faults, each a one-line error that leaves the store consistent, and a re-run that completes it:
two builds at once, a file that is not a kg store, a store from a newer kg, a read-only store, a full disk
in the middle of a build, a build killed while an article runs away, and inputs that do not exist."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from test_build import no_orphans
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import StoreError
from kg.pipeline import build_store
from kg.store import schema
from kg.store.export import graph_json
from kg.store.read import read_graph

HELPERS = Path(__file__).resolve().parent
SYNTH = "test_build_helpers:synth_extract"
SLOW = "test_build_helpers:slow_synth_extract"
runner = CliRunner()


def export(db: Path) -> str:
    return graph_json(read_graph(db))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from test_build_helpers import write_synthetic_corpus

    d = tmp_path_factory.mktemp("faults") / "articles"
    write_synthetic_corpus(d, 300, seed=8)
    return d


@pytest.fixture(scope="module")
def clean_export(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    db = tmp_path_factory.mktemp("clean") / "kg.db"
    build_store([corpus], db, extractor=SYNTH)
    return export(db)


def _build(corpus: Path, db: Path, *extra: str):
    return runner.invoke(app, ["build", str(corpus), "--db", str(db), "--extractor", SYNTH, *extra])


def _files(db: Path) -> dict[str, bytes]:
    """The store byte for byte, and what its write-ahead log holds (a reader may leave an empty one)."""
    wal = Path(f"{db}-wal")
    return {"db": db.read_bytes(), "wal": wal.read_bytes() if wal.exists() else b""}


# --------------------------------------------------------------------------- two builds at once


def _holds_lock(db: Path) -> bool:
    try:
        fd = os.open(db, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


def test_two_builds_at_once_the_second_waits_and_the_result_equals_a_serial_build(
    corpus: Path, tmp_path: Path
) -> None:
    db = tmp_path / "kg.db"
    code = (
        f"import sys; sys.path.insert(0, {str(HELPERS)!r}); from kg.pipeline import build_store; "
        f"build_store([{str(corpus)!r}], {str(db)!r}, extractor={SLOW!r}, batch=25)"
    )
    first = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 30
    while not _holds_lock(db) and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.02)
    assert _holds_lock(db), "the first build should be running"
    second = runner.invoke(app, ["build", str(corpus), "--db", str(db), "--extractor", SLOW, "--json"])
    assert first.wait(60) == 0
    assert second.exit_code == 0, second.stderr
    assert second.stderr == f"Waiting for another kg build or kg forget on {db} to finish ...\n"
    assert '"unchanged": 300' in second.stdout  # it ran after the first, which had stored everything
    build_store([corpus], tmp_path / "serial.db", extractor=SLOW)
    assert export(db) == export(tmp_path / "serial.db")
    assert no_orphans(db)


# --------------------------------------------------------------------------- not a kg store, newer kg


def test_another_programs_sqlite_database_is_refused_and_left_as_it_is(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "chat.db"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE messages (id INTEGER PRIMARY KEY, body TEXT)")
    conn.execute("INSERT INTO messages(body) VALUES ('keep me')")
    conn.commit()
    conn.close()
    before = _files(db)
    for args in (["build", str(corpus), "--db", str(db), "--extractor", SYNTH], ["stats", "--db", str(db)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {db}: not a kg store (an SQLite database without kg's schema_version table; "
            "left as it is)\n"
        )
    assert _files(db) == before


def test_a_file_that_is_not_a_database_is_refused_and_left_as_it_is(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_bytes("不是数据库 not a database\n".encode() * 200)
    before = _files(db)
    result = _build(corpus, db)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {db}: not a kg store (file is not a database)\n"
    assert _files(db) == before


def test_a_store_from_a_newer_kg_is_refused_and_left_as_it_is(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    build_store([corpus], db, extractor=SYNTH)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE schema_version SET version = ?", (schema.SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    before = _files(db)
    message = (
        f"Error: {db}: store schema version {schema.SCHEMA_VERSION + 1} is newer than this kg's "
        f"({schema.SCHEMA_VERSION}): written by a newer kg; upgrade kg to use it (the store is left as it is)\n"
    )
    for args in (
        ["build", str(corpus), "--db", str(db), "--extractor", SYNTH],
        ["stats", "--db", str(db)],
        ["export", "json", "--db", str(db), "-o", str(tmp_path / "x.json")],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 1
        assert result.stderr == message
    assert _files(db) == before


# --------------------------------------------------------------------------- read-only store


def _as_unprivileged(fn: Callable[[], object]) -> object:
    """Run `fn` as a user without write permission on the read-only files: in-process when not root;
    as root (who may write anything), in a forked child that drops to `nobody` first."""
    if os.geteuid() != 0:
        return fn()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        try:
            os.setgid(65534)
            os.setuid(65534)
            import pickle

            os.write(write, pickle.dumps(fn()))
        finally:
            os._exit(0)
    os.close(write)
    import pickle

    data = b""
    while chunk := os.read(read, 65536):
        data += chunk
    os.close(read)
    os.waitpid(pid, 0)
    return pickle.loads(data)


def _invoke(args: list[str]) -> Callable[[], tuple[int, str, str]]:
    def run() -> tuple[int, str, str]:
        result = runner.invoke(app, args)
        return result.exit_code, result.stdout, result.stderr

    return run


def test_a_read_only_store_is_read_but_never_written(corpus: Path) -> None:
    import kg.store.export
    import kg.store.query  # noqa: F401

    base = Path(tempfile.mkdtemp(prefix="kg-ro-"))  # outside pytest's root-only temp folder
    try:
        base.chmod(0o755)
        shared = base / "shared"
        shutil.copytree(corpus, shared / "articles")
        db = shared / "kg.db"
        build_store([shared / "articles"], db, extractor=SYNTH)
        for p in [shared, *shared.rglob("*")]:
            p.chmod(0o555 if p.is_dir() else 0o444)
        before = _files(db)
        code, _, err = _as_unprivileged(
            _invoke(["build", str(shared / "articles"), "--db", str(db), "--extractor", SYNTH])
        )
        assert code == 1
        assert err == f"Error: {db}: the store is read-only (no permission to write it or its folder)\n"
        code, out, err = _as_unprivileged(_invoke(["stats", "--db", str(db), "--json"]))
        assert code == 0, err
        assert '"articles": 300' in out  # reading works: opened immutable, nothing created next to it
        assert _files(db) == before
        for p in [shared, *shared.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        (shared / "articles" / "new.md").write_text(
            "---\ntitle: 新\n---\n宁德时代落户临港新片区。\n", encoding="utf-8"
        )
        again = _build(shared / "articles", db, "--json")
        assert again.exit_code == 0, again.stderr
        assert '"new": 1' in again.stdout and '"unchanged": 300' in again.stdout
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --------------------------------------------------------------------------- full disk


@pytest.mark.parametrize("share", [0.2, 0.55, 0.9, 0.99])
def test_a_full_disk_mid_build_is_one_line_and_a_rerun_completes(
    corpus: Path, tmp_path: Path, clean_export: str, monkeypatch: pytest.MonkeyPatch, share: float
) -> None:
    """SQLite's max_page_count stands in for a disk that fills up: at 20% of the pages a clean build
    needs, the facts stop early; at 90-99% the graph's derivation runs out of room."""
    clean = tmp_path / "clean.db"
    build_store([corpus], clean, extractor=SYNTH)
    conn = sqlite3.connect(clean)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    real = schema.connect

    def cramped(db_path, *, create=False):
        c = real(db_path, create=create)
        c.execute(f"PRAGMA max_page_count = {int(pages * share)}")
        return c

    monkeypatch.setattr(schema, "connect", cramped)
    db = tmp_path / "kg.db"
    result = _build(corpus, db, "--batch", "25")
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {db}: disk full: the batch being written was not stored; what was stored before is intact "
        "(free some space, then run the command again to finish)\n"
    )
    monkeypatch.setattr(schema, "connect", real)
    check = sqlite3.connect(db)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert check.execute("PRAGMA foreign_key_check").fetchall() == []
    stored = check.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert stored % 25 == 0  # whole batches only
    # every article stored has all its facts, exactly as the clean build has them
    check.execute("ATTACH ? AS clean", (str(clean),))
    for table in ("article_entities", "mentions", "article_relations"):
        mine = check.execute(
            f"SELECT article_id, count(*) FROM main.{table} GROUP BY article_id ORDER BY article_id"
        ).fetchall()
        theirs = check.execute(
            f"SELECT article_id, count(*) FROM clean.{table} WHERE article_id IN (SELECT id FROM main.articles) "
            "GROUP BY article_id ORDER BY article_id"
        ).fetchall()
        assert mine == theirs, table
    check.close()
    again = _build(corpus, db, "--json")
    assert again.exit_code == 0, again.stderr
    assert f'"unchanged": {stored}' in again.stdout and f'"new": {300 - stored}' in again.stdout
    assert export(db) == clean_export
    assert no_orphans(db)


def test_transaction_reports_the_first_error_when_sqlite_already_rolled_back(tmp_path: Path) -> None:
    from kg.store.write import transaction

    conn = schema.connect(tmp_path / "kg.db", create=True)
    with pytest.raises(sqlite3.OperationalError, match="boom"), transaction(conn):
        conn.execute("INSERT INTO meta VALUES ('k', 'v')")
        conn.execute("ROLLBACK")  # as SQLite does by itself after some errors
        raise sqlite3.OperationalError("boom")
    assert conn.execute("SELECT count(*) FROM meta WHERE key = 'k'").fetchone()[0] == 0
    conn.close()


# --------------------------------------------------------------------------- killed mid-article, missing inputs


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(x) for x in path.read_text().split()] if path.exists() else []


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (dead, not yet reaped by init) counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to find the worker processes")
def test_a_build_killed_during_a_runaway_article_leaves_no_worker_and_no_lock(tmp_path: Path) -> None:
    from test_build_helpers import STUCK, write_synthetic_corpus

    corpus = tmp_path / "articles"
    write_synthetic_corpus(corpus, 20, seed=4)
    (corpus / "art_00003.md").write_text(
        f"---\ntitle: 卡\n---\n临港集团落户青浦区。{STUCK}\n", encoding="utf-8"
    )
    db = tmp_path / "kg.db"
    code = (
        f"import sys; sys.path.insert(0, {str(HELPERS)!r}); from kg.pipeline import build_store; "
        f"build_store([{str(corpus)!r}], {str(db)!r}, extractor='test_build_helpers:runaway_extract', "
        "article_timeout=600, jobs=2)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 30
    while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # one worker is now spinning on the runaway article
    workers = _children(proc.pid)
    assert len(workers) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers), "a worker outlived its build"
    while _holds_lock(db) and time.monotonic() < deadline:  # a dying process's threads may still hold it
        time.sleep(0.05)
    assert not _holds_lock(db)
    (corpus / "art_00003.md").unlink()
    assert build_store([corpus], db, extractor="test_build_helpers:runaway_extract").failed == []


def test_build_of_inputs_that_do_not_exist_writes_no_store(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    result = runner.invoke(app, ["build", str(tmp_path / "nonexistent"), "--db", str(db)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {tmp_path / 'nonexistent'}: no such file or directory (nothing to build; no store written)\n"
    )
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["build", str(tmp_path / "empty"), "--db", str(db)])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: no article files in {tmp_path / 'empty'} (nothing to build; no store written)\n"
    )
    assert list(tmp_path.iterdir()) == [tmp_path / "empty"]


def test_a_build_that_fails_before_writing_leaves_no_empty_store(corpus: Path, tmp_path: Path) -> None:
    bad = tmp_path / "aliases.yaml"
    bad.write_text("entities: [{name: 北汽, type: Car}]\n", encoding="utf-8")
    result = _build(corpus, tmp_path / "kg.db", "--aliases", str(bad))
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    result = runner.invoke(
        app, ["build", str(corpus), "--db", str(tmp_path / "kg.db"), "--extractor", "nope:x"]
    )
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aliases.yaml"]


def test_store_errors_name_the_file_and_the_problem(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory, not a store file"):
        schema.connect(tmp_path, create=True)
