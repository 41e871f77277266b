"""`--extractor llm|hybrid` end to end through the CLI against the local stub server: the gold of examples/
served as answers scores F1 1.00, invented facts add no false positive, the cache makes re-runs free,
failed articles are named and leave no rows, output order does not depend on concurrency."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from llm_stub import Reply, StubServer, answer, answer_from_gold, fenced
from typer.testing import CliRunner

from kg.cli import app
from kg.evaluate import gold_path_for
from kg.ingest.reader import collect_files, read_file

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ARTICLES = str(EXAMPLES / "articles")
GOLD = str(EXAMPLES / "gold")
SECRET = "sk-test-SECRET-77"


def gold_articles() -> list[tuple[str, str, dict]]:
    """(path, text, gold) of every example article with a gold file."""
    out = []
    for f in collect_files([ARTICLES]):
        for a in read_file(f):
            g = gold_path_for(GOLD, a.path)
            if g.is_file():
                out.append((a.path, a.text, json.loads(g.read_text(encoding="utf-8"))))
    return out


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A stub server; the environment pointing kg at it (cache in tmp)."""
    with StubServer() as stub:
        monkeypatch.setenv("KG_LLM_BASE_URL", stub.base_url)
        monkeypatch.setenv("KG_LLM_MODEL", "stub-model")
        monkeypatch.setenv("KG_LLM_API_KEY", SECRET)
        monkeypatch.setenv("KG_LLM_CACHE", str(tmp_path / "cache"))
        yield stub


def run(*args: str):
    result = CliRunner().invoke(app, list(args))
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert SECRET not in output
    return result


def scores(result) -> dict:
    return json.loads(result.stdout)


def test_gold_answers_score_f1_1_and_a_second_run_makes_no_request(env: StubServer) -> None:
    for _path, text, gold in gold_articles():
        env.add(text, answer(answer_from_gold(gold)))
    first = run("eval", "--extractor", "llm", "--gold", GOLD, ARTICLES, "--json")
    assert first.exit_code == 0, first.output
    report = scores(first)
    assert report["articles"] == 11
    assert (report["entities"]["f1"], report["relations"]["f1"]) == (1.0, 1.0)
    assert report["evidence"]["share"] == 1.0
    llm = report["llm"]
    assert llm["requests"] == env.count() == 13 and llm["cache_hits"] == 0  # 11 + the 2 of wire.jsonl
    assert llm["tokens_in"] > 0 and llm["tokens_out"] > 0 and llm["relations_ungrounded"] == 0
    again = run("eval", "--extractor", "llm", "--gold", GOLD, ARTICLES, "--json")
    assert scores(again)["llm"]["requests"] == 0 and scores(again)["llm"]["cache_hits"] == 13
    assert env.count() == 13
    assert scores(again)["relations"] == report["relations"]


def test_long_articles_in_windows_lose_nothing(env: StubServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Small windows: each request is answered only with what its window shows; merged, the gold is whole."""
    monkeypatch.setenv("KG_LLM_WINDOW_TOKENS", "250")
    for _path, text, gold in gold_articles():
        env.add(text, answer(answer_from_gold(gold), windowed=True))
    result = run("eval", "--extractor", "llm", "--gold", GOLD, ARTICLES, "--json")
    assert result.exit_code == 0, result.output
    report = scores(result)
    assert (report["entities"]["f1"], report["relations"]["f1"]) == (1.0, 1.0)
    assert report["llm"]["requests"] > 2 * 13  # the articles went in several windows each
    assert report["llm"]["relations_ungrounded"] == 0


def test_requests_in_flight_never_exceed_the_concurrency(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KG_LLM_WINDOW_TOKENS", "250")  # several windows per article, asked side by side
    with StubServer(delay=0.05) as stub:
        for _path, text, gold in gold_articles():
            stub.add(text, answer(answer_from_gold(gold), windowed=True))
        result = run(
            "extract", ARTICLES, "-o", str(tmp_path / "o.jsonl"), "--extractor", "llm", "--concurrency", "3",
            "--llm-base-url", stub.base_url, "--llm-model", "m", "--llm-cache", str(tmp_path / "cache"),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        assert 2 <= stub.max_in_flight <= 3 and stub.count() > 26


def test_invented_facts_add_no_false_positive(env: StubServer) -> None:
    for _path, text, gold in gold_articles():
        data = answer_from_gold(gold)
        people = [e["name"] for e in data["entities"] if e["type"] == "Person"]
        orgs = [e["name"] for e in data["entities"] if e["type"] in ("Company", "Bank")]
        first_sentence = text.split("。")[0] + "。"
        data["entities"] += [
            {"name": "华夏星辰投资控股有限公司", "aliases": ["星辰投资"], "type": "Company"},
            {"name": "王小明", "aliases": [], "type": "Person"},
        ]
        data["relations"] += [
            # an entity that is not in the text
            {
                "source": "华夏星辰投资控股有限公司",
                "type": "INVESTED_IN",
                "target": orgs[0],
                "evidence": first_sentence,
            },
            # evidence that is not in the text
            {
                "source": orgs[0],
                "type": "ACQUIRED",
                "target": orgs[-1],
                "evidence": "双方宣布完成对目标公司的全面收购交割。",
            },
            # a wrong direction: a region cannot open in a company
            {"source": "临港新片区", "type": "OPENED_IN", "target": orgs[0], "evidence": first_sentence},
        ]
        if people:  # a person is not a subsidiary
            data["relations"].append(
                {"source": people[0], "type": "SUBSIDIARY_OF", "target": orgs[0], "evidence": first_sentence}
            )
        env.add(text, fenced(data))  # and answered in a fenced block
    result = run("eval", "--extractor", "llm", "--gold", GOLD, ARTICLES, "--json")
    assert result.exit_code == 0, result.output
    report = scores(result)
    assert (report["entities"]["fp"], report["relations"]["fp"]) == (0, 0)
    assert (report["entities"]["f1"], report["relations"]["f1"]) == (1.0, 1.0)
    llm = report["llm"]
    assert llm["entities_dropped"] == 22  # two invented entities in each of 11 articles
    assert llm["relations_ungrounded"] == 11
    assert llm["relations_unknown_entity"] >= 11 and llm["relations_off_ontology"] >= 1


def _rows(db: Path, path: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM articles WHERE path = ?", (path,)).fetchone()[0]
    finally:
        conn.close()


def test_failed_articles_are_named_leave_no_rows_and_the_batch_goes_on(
    env: StubServer, tmp_path: Path
) -> None:
    arts = gold_articles()
    broken = {
        arts[0][0]: Reply(status=500),
        arts[1][0]: Reply(content="这不是 JSON"),
        arts[2][0]: Reply(delay=2.0, content="{}"),
        arts[3][0]: Reply(status=429, headers={"Retry-After": "0"}),
    }
    for path, text, gold in arts:
        env.add(text, broken.get(path, answer(answer_from_gold(gold))))
    db = tmp_path / "kg.db"
    args = (
        "build",
        ARTICLES,
        "--db",
        str(db),
        "--extractor",
        "llm",
        "--llm-retries",
        "1",
        "--llm-timeout",
        "0.5",
    )
    result = run(*args)
    assert result.exit_code == 1
    err = result.stderr
    assert (
        f"Error: {arts[0][0]}: extraction failed: {env.base_url}: server error (HTTP 500); gave up after 2 attempt(s)"
        in err
    )
    assert (
        f"Error: {arts[1][0]}: extraction failed: unusable answer after one repair round: answer is not valid JSON"
        in err
    )
    assert (
        f"Error: {arts[2][0]}: extraction failed: {env.base_url}: no answer within 0.5 s; gave up after 2 attempt(s)"
        in err
    )
    assert (
        f"Error: {arts[3][0]}: extraction failed: {env.base_url}: rate limited (HTTP 429); gave up after 2 attempt(s)"
        in err
    )
    assert "4 input(s) failed" in err
    for path in broken:
        assert _rows(db, path) == 0
    assert "9 new" in result.stdout  # 7 gold articles + the 2 of wire.jsonl
    # the server recovers: the next build asks only for the failed articles and stores them
    for i, (path, text, gold) in enumerate(arts):
        if path in broken:
            env.scripts[i] = (text, [answer(answer_from_gold(gold))])
    before = env.count()
    fixed = run(*args, "--json")
    assert fixed.exit_code == 0, fixed.output
    summary = json.loads(fixed.stdout)
    assert (summary["new"], summary["unchanged"]) == (4, 9)
    assert env.count() - before == 4 == summary["llm"]["requests"]


def test_hybrid_build_records_the_extractor_and_a_new_model_re_extracts(
    env: StubServer, tmp_path: Path
) -> None:
    for _path, text, gold in gold_articles():
        env.add(text, answer(answer_from_gold(gold)))
    db = tmp_path / "kg.db"
    built = run("build", ARTICLES, "--db", str(db), "--extractor", "hybrid", "--json")
    assert built.exit_code == 0, built.output
    assert json.loads(built.stdout)["llm"]["requests"] == 13
    conn = sqlite3.connect(db)
    marks = dict(
        conn.execute("SELECT json_extract(properties, '$.extractor'), count(*) FROM relations GROUP BY 1")
    )
    conn.close()
    assert set(marks) == {"both", "rules", "llm", None}  # None: BRANCH_OF, derived by kg
    shown = run("show", "中国平安", "--db", str(db))
    assert "extractor=both" in shown.stdout
    again = run("build", ARTICLES, "--db", str(db), "--extractor", "hybrid", "--json")
    assert (json.loads(again.stdout)["unchanged"], json.loads(again.stdout)["llm"]["requests"]) == (13, 0)
    other = run(
        "build", ARTICLES, "--db", str(db), "--extractor", "hybrid", "--llm-model", "another", "--json"
    )
    assert (json.loads(other.stdout)["changed"], json.loads(other.stdout)["llm"]["requests"]) == (13, 13)


def test_output_does_not_depend_on_concurrency(env: StubServer, tmp_path: Path) -> None:
    for _path, text, gold in gold_articles():
        env.add(text, answer(answer_from_gold(gold)))
    outs = []
    for n, conc in enumerate(("1", "8")):
        out = tmp_path / f"out{n}.jsonl"
        cache = tmp_path / f"cache{n}"  # each run asks the server
        result = run(
            "extract",
            ARTICLES,
            "-o",
            str(out),
            "--extractor",
            "llm",
            "--concurrency",
            conc,
            "--llm-cache",
            str(cache),
        )
        assert result.exit_code == 0, result.output
        assert "LLM: 13 article(s), 13 request(s)" in result.stdout
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1]
    lines = [json.loads(x) for x in outs[0].splitlines()]
    assert all(r["properties"]["extractor"] == "llm" for line in lines for r in line["relations"])


def test_missing_endpoint_is_one_line_and_rules_need_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("KG_LLM_BASE_URL", "KG_LLM_MODEL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("KG_LLM_CACHE", str(tmp_path / "cache"))
    result = run("extract", ARTICLES, "-o", str(tmp_path / "o.jsonl"), "--extractor", "llm")
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == "Error: KG_LLM_MODEL is not set (or --llm-model): e.g. qwen2.5:7b-instruct"
    )
    result = run(
        "extract", ARTICLES, "-o", str(tmp_path / "o.jsonl"), "--extractor", "llm", "--llm-model", "m"
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: KG_LLM_BASE_URL is not set (or --llm-base-url): e.g. http://localhost:11434/v1 for Ollama"
    )
    bad = run("extract", ARTICLES, "-o", str(tmp_path / "o.jsonl"), "--extractor", "gpt")
    assert bad.exit_code == 1 and "unknown extractor 'gpt': use rules, llm or hybrid" in bad.stderr
    rules = run("extract", ARTICLES, "-o", str(tmp_path / "r.jsonl"))
    assert rules.exit_code == 0 and "LLM:" not in rules.stdout
    lines = [json.loads(x) for x in (tmp_path / "r.jsonl").read_text(encoding="utf-8").splitlines()]
    assert lines and all("extractor" not in r["properties"] for line in lines for r in line["relations"])
