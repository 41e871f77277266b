"""Nothing stalls a batch: the time budget per article (kg.workers) in the pool, `kg build`, `kg extract`
and `kg eval`; a runaway or crashing article is named, abandoned and stored nowhere, the rest goes on."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.models import Article, Extraction
from kg.pipeline import build_store
from kg.store.export import graph_json
from kg.store.read import read_graph
from kg.workers import Unit, run_guarded

RUNAWAY = "test_build_helpers:runaway_extract"
SYNTH = "test_build_helpers:synth_extract"
BUDGET_LINE = "over the time budget of {t:g} s (--article-timeout): abandoned"
runner = CliRunner()


# --------------------------------------------------------------------------- the pool itself


def _units(task: tuple[str, list[str]], unit: Unit) -> None:
    """A task is (name, unit behaviours): ok | spin | crash | sleepNN (ms) | bug | hang-read."""
    name, behaviours = task
    for i, how in enumerate(behaviours):
        if how == "hang-read":  # stuck before the article even starts: reading the file is the problem
            while True:
                pass
        if not unit.start(f"{name}#{i}"):
            continue
        if how == "spin":
            while True:
                pass
        if how == "crash":
            os._exit(3)
        if how == "bug":
            raise ValueError("not a unit-level failure")
        if how.startswith("sleep"):
            time.sleep(int(how[5:]) / 1000)
        if how == "warn":
            unit.warning(f"{name}#{i}: a warning")
        if how == "fail":
            unit.failure(f"{name}#{i}", "bad input")
            continue
        unit.result((f"{name}#{i}", os.getpid()))


def _collect(tasks, **kw) -> tuple[list, list, list, list]:
    results, failures, warnings, done = [], [], [], []
    for ev in run_guarded(tasks, _units, label=lambda t: t[0], **kw):
        {"result": results, "failure": failures, "warning": warnings, "done": done}[ev.kind].append(
            ev.value if ev.kind != "done" else ev.task
        )
    return results, failures, warnings, done


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_results_come_in_task_order_whatever_the_timing(jobs: int) -> None:
    rng = random.Random(jobs)
    tasks = [(f"t{k}", [f"sleep{rng.randint(0, 15)}" for _ in range(rng.randint(0, 3))]) for k in range(40)]
    results, failures, _, done = _collect(tasks, jobs=jobs, timeout=30)
    assert [r[0] for r in results] == [f"{n}#{i}" for n, b in tasks for i in range(len(b))]
    assert done == list(range(40)) and failures == []
    assert len({pid for _, pid in results}) <= jobs


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_runaway_article_is_abandoned_and_the_rest_of_its_file_goes_on(jobs: int) -> None:
    tasks = [("a", ["ok"]), ("b", ["ok", "ok", "spin", "ok", "fail"]), ("c", ["ok", "ok"])]
    started = time.monotonic()
    results, failures, _, done = _collect(tasks, jobs=jobs, timeout=0.5)
    assert time.monotonic() - started < 20
    assert [r[0] for r in results] == ["a#0", "b#0", "b#1", "b#3", "c#0", "c#1"]
    assert failures == [("b#2", BUDGET_LINE.format(t=0.5)), ("b#4", "bad input")]
    assert done == [0, 1, 2]
    pids = {name: pid for name, pid in results}
    assert pids["b#1"] != pids["b#3"]  # the worker that ran over was replaced
    assert mp.active_children() == []


def test_a_dying_worker_is_replaced_and_named() -> None:
    tasks = [("a", ["ok", "crash", "ok"]), ("b", ["ok"])]
    results, failures, _, _ = _collect(tasks, jobs=1, timeout=30)
    assert [r[0] for r in results] == ["a#0", "a#2", "b#0"]
    assert failures == [("a#1", "the worker process died (exit code 3): abandoned")]


def test_a_file_stuck_while_reading_is_given_up_alone() -> None:
    """Stuck before an article starts (reading it): the file is named, the rest of it given up."""
    tasks = [("a", ["ok"]), ("b", ["hang-read", "ok"]), ("c", ["ok"]), ("d", ["ok", "hang-read", "ok"])]
    results, failures, _, done = _collect(tasks, jobs=2, timeout=0.5)
    assert [r[0] for r in results] == ["a#0", "c#0", "d#0"]
    budget = BUDGET_LINE.format(t=0.5)
    assert failures == [("b", budget), ("d", f"{budget} (with the rest of the file, after article 1)")]
    assert done == [0, 1, 2, 3]


def test_a_bug_in_the_work_function_fails_that_file_only() -> None:
    results, failures, _, _ = _collect([("a", ["ok", "bug", "ok"]), ("b", ["ok"])], timeout=30)
    assert [r[0] for r in results] == ["a#0", "b#0"]
    assert failures == [("a", "internal error: ValueError: not a unit-level failure")]


def test_failures_and_warnings_arrive_at_once_results_in_order() -> None:
    """A failure of task 1 is reported while task 0 is still running; task 1's result waits for task 0."""
    tasks = [("slow", ["sleep600"]), ("quick", ["fail", "warn", "ok"])]
    kinds = [(ev.kind, ev.task) for ev in run_guarded(tasks, _units, jobs=2, timeout=30)]
    assert kinds.index(("failure", 1)) < kinds.index(("result", 0))
    assert kinds.index(("warning", 1)) < kinds.index(("result", 0))
    assert kinds.index(("result", 0)) < kinds.index(("done", 0)) < kinds.index(("result", 1))


def test_no_budget_means_no_limit_but_still_workers() -> None:
    results, failures, _, _ = _collect([("a", ["sleep300", "ok"])], timeout=0)
    assert [r[0] for r in results] == ["a#0", "a#1"] and failures == []
    assert results[0][1] != os.getpid()


def test_the_window_bounds_the_tasks_taken_ahead() -> None:
    """While task 0 runs, the others finish (their warnings arrive at once) but no more than `window`
    tasks are ever taken from the source."""
    taken: list[int] = []

    def tasks():
        for k in range(50):
            taken.append(k)
            yield (f"t{k}", ["sleep500" if k == 0 else "warn"])

    while_first_runs = []
    for ev in run_guarded(tasks(), _units, jobs=2, timeout=30, window=6):
        if ev.kind == "done" and ev.task == 0:
            break
        if ev.kind == "warning":
            while_first_runs.append(len(taken))
    assert len(while_first_runs) >= 2 and max(while_first_runs) == 6  # the window filled, never more


def test_no_worker_outlives_the_batch_stopped_early_or_interrupted() -> None:
    gen = run_guarded([("a", ["ok"] * 5), ("b", ["spin"])], _units, jobs=2, timeout=60)
    next(gen)
    assert len(mp.active_children()) == 2
    gen.close()  # the consumer gave up (e.g. the store raised): the workers go too
    assert mp.active_children() == []


def _interrupt(task: str, unit: Unit) -> None:
    unit.start(task)
    raise KeyboardInterrupt


def test_ctrl_c_in_a_worker_reaches_the_parent() -> None:
    with pytest.raises(KeyboardInterrupt):
        list(run_guarded(["a", "b"], _interrupt, timeout=30))
    assert mp.active_children() == []


# --------------------------------------------------------------------------- kg build


@pytest.fixture(scope="module")
def runaway_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 synthetic articles, one that spins forever, one that kills its worker, and a JSON Lines file
    whose middle article spins (the lines after it must still be stored)."""
    from test_build_helpers import CRASH, STUCK, write_synthetic_corpus

    d = tmp_path_factory.mktemp("runaway") / "articles"
    write_synthetic_corpus(d, 30, seed=5)
    (d / "art_00010.md").write_text(
        f"---\ntitle: 卡住\n---\n中国平安集团与临港集团签署战略合作协议。{STUCK}\n", encoding="utf-8"
    )
    (d / "art_00020.md").write_text(
        f"---\ntitle: 崩溃\n---\n宁德时代落户临港新片区。{CRASH}\n", encoding="utf-8"
    )
    lines = [
        {"title": "一", "text": "招商银行向小米汽车提供贷款3亿元。"},
        {"title": "二", "text": f"北汽蓝谷与京能科技签署战略合作协议。{STUCK}"},
        {"title": "三", "text": "旭升集团落户青浦区。"},
    ]
    (d / "zz_batch.jsonl").write_text(
        "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8"
    )
    return d


@pytest.mark.parametrize("jobs", [1, 2])
def test_build_abandons_runaway_and_crashing_articles(
    runaway_corpus: Path, tmp_path: Path, jobs: int
) -> None:
    seen: list[tuple[str, int]] = []
    progress = [0]
    summary = build_store(
        [runaway_corpus],
        tmp_path / "kg.db",
        jobs=jobs,
        extractor=RUNAWAY,
        article_timeout=1,
        on_progress=lambda done, total: progress.__setitem__(0, done),
        on_failure=lambda f: seen.append((f.path, progress[0])),
    )
    stuck, crash, line2 = (
        str(runaway_corpus / "art_00010.md"),
        str(runaway_corpus / "art_00020.md"),
        f"{runaway_corpus / 'zz_batch.jsonl'}:2",
    )
    assert [(f.path, f.error) for f in summary.failed] == [
        (stuck, BUDGET_LINE.format(t=1)),
        (crash, "the worker process died (killed by SIGKILL): abandoned"),
        (line2, BUDGET_LINE.format(t=1)),
    ]
    # each failure was reported while the batch was still going, not at its end
    assert [p for p, _ in seen] == [stuck, crash, line2] or jobs > 1
    assert all(done < summary.files for p, done in seen if p != line2)
    assert summary.new == 28 + 2 and summary.failed and summary.files == 31
    conn = sqlite3.connect(tmp_path / "kg.db")
    stored = {r[0] for r in conn.execute("SELECT path FROM articles")}
    conn.close()
    assert {stuck, crash, line2}.isdisjoint(stored)
    assert f"{runaway_corpus / 'zz_batch.jsonl'}:3" in stored  # the line after the runaway one
    # what was stored equals a clean build of the same articles without the two bad files
    clean = tmp_path / "clean"
    clean.mkdir()
    for p in runaway_corpus.iterdir():
        if p.name not in ("art_00010.md", "art_00020.md", "zz_batch.jsonl"):
            (clean / p.name).write_bytes(p.read_bytes())
    build_store([clean], tmp_path / "clean.db", extractor=SYNTH)
    got = json.loads(graph_json(read_graph(tmp_path / "kg.db")))
    want = json.loads(graph_json(read_graph(tmp_path / "clean.db")))
    jsonl = {a["id"] for a in got["articles"] if a["path"].startswith(str(runaway_corpus / "zz_batch.jsonl"))}
    assert len(jsonl) == 2
    assert [a["id"] for a in got["articles"] if a["id"] not in jsonl] == [a["id"] for a in want["articles"]]
    assert mp.active_children() == []


def test_a_rerun_retries_only_what_was_abandoned(runaway_corpus: Path, tmp_path: Path) -> None:
    from test_build_helpers import CRASH, STUCK

    corpus = tmp_path / "articles"
    shutil.copytree(runaway_corpus, corpus)
    build_store([corpus], tmp_path / "kg.db", extractor=RUNAWAY, article_timeout=1)
    for p in corpus.iterdir():  # the runaways are fixed (say, by a new extractor version)
        p.write_text(p.read_text(encoding="utf-8").replace(STUCK, "").replace(CRASH, ""), encoding="utf-8")
    again = build_store([corpus], tmp_path / "kg.db", extractor=RUNAWAY, article_timeout=1)
    assert (again.unchanged, again.new, again.changed, again.failed) == (30, 3, 0, [])


# --------------------------------------------------------------------------- kg extract / kg eval


def _spin_on_marker(article: Article) -> Extraction:
    from test_build_helpers import STUCK, synth_extract

    if STUCK in article.text:
        while True:
            pass
    return synth_extract(article)


def test_extract_and_eval_abandon_a_runaway_article(
    runaway_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kg.ingest.pipeline.load_extractor", lambda: _spin_on_marker)
    src = tmp_path / "in"
    src.mkdir()
    for name in ("art_00001.md", "art_00010.md", "art_00002.md", "zz_batch.jsonl"):
        (src / name).write_bytes((runaway_corpus / name).read_bytes())
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(src), "-o", str(out), "--article-timeout", "0.5"])
    assert result.exit_code == 1
    budget = BUDGET_LINE.format(t=0.5)
    assert result.stderr.splitlines() == [
        f"Error: {src / 'art_00010.md'}: {budget}",
        f"Error: {src / 'zz_batch.jsonl'}:2: {budget}",
        "2 input(s) failed",
    ]
    paths = [json.loads(x)["article"]["path"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert paths == [str(src / "art_00001.md"), str(src / "art_00002.md"), f"{src / 'zz_batch.jsonl'}:1"] + [
        f"{src / 'zz_batch.jsonl'}:3"
    ]
    gold = tmp_path / "gold"
    gold.mkdir()
    result = runner.invoke(app, ["eval", "--gold", str(gold), str(src), "--article-timeout", "0.5", "--json"])
    assert result.exit_code == 1
    assert [x for x in result.stderr.splitlines() if x.startswith("Error: ")] == [
        f"Error: {src / 'art_00010.md'}: {budget}",
        f"Error: {src / 'zz_batch.jsonl'}:2: {budget}",
    ]
    assert result.stderr.splitlines()[-1] == "2 input(s) failed"


@pytest.mark.parametrize("command", ["extract", "eval", "build"])
def test_article_timeout_is_an_option_of_every_batch_command(command: str) -> None:
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert "--article-timeout" in result.stdout


# --------------------------------------------------------------------------- the 12.8 MB page (acceptance)

SENTENCE = "中国平安与临港新片区管委会签署战略合作协议，"


def write_monster_page(path: Path, mb: float = 12.8) -> Path:
    """A Jekyll post whose body is one sentence repeated to `mb` MB, without a single full stop."""
    reps = int(mb * 2**20 / len(SENTENCE.encode("utf-8"))) + 1
    path.write_text(f"---\ntitle: 重复\ndate: 2023-04-12\n---\n{SENTENCE * reps}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["build", "extract"])
def test_a_12_8_mb_single_sentence_page_is_named_over_budget_and_the_rest_processed(
    command: str, dev_corpus: Path, tmp_path: Path
) -> None:
    """The real extractor: the monster page (about 45 s of work) runs over an 8 s budget, every dev article is
    processed (each takes well under a second; 8 s leaves room for a loaded machine and a worker's start-up)."""
    pytest.importorskip("kg.extract", reason="the extractor package is not in this tree")
    src = tmp_path / "articles"
    src.mkdir()
    for p in sorted((dev_corpus / "articles").iterdir()):
        (src / p.name).write_bytes(p.read_bytes())
    monster = write_monster_page(src / "050_monster.md")
    assert monster.stat().st_size >= 12.8 * 2**20
    n = len(list((dev_corpus / "articles").iterdir()))
    target = ["--db", str(tmp_path / "kg.db")] if command == "build" else ["-o", str(tmp_path / "o.jsonl")]
    args = [command, str(src), *target, "--max-mb", "20", "--article-timeout", "8", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [f"Error: {monster}: {BUDGET_LINE.format(t=8)}", "1 input(s) failed"]
    data = json.loads(result.stdout)
    if command == "build":
        assert (data["new"], data["files"], len(data["failed"])) == (n, n + 1, 1)
    else:
        assert data["articles"] == n and len(data["failed"]) == 1
        assert str(monster) not in (tmp_path / "o.jsonl").read_text(encoding="utf-8")
