"""The store commands through the CLI (typer CliRunner): exact messages and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

GOLD = ["--extractor", "test_build_helpers:gold_extract"]


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture()
def built(dev_corpus: Path, tmp_path: Path, runner: CliRunner) -> Path:
    db = tmp_path / "kg.db"
    result = runner.invoke(app, ["build", str(dev_corpus / "articles"), "--db", str(db), *GOLD])
    assert result.exit_code == 0, result.output
    return db


def test_build_summary_and_json(dev_corpus: Path, tmp_path: Path, runner: CliRunner) -> None:
    db = tmp_path / "kg.db"
    result = runner.invoke(app, ["build", str(dev_corpus / "articles"), "--db", str(db), *GOLD])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"Built {db} from 6 files in ")
    assert lines[1] == "articles: 6 new, 0 changed, 0 unchanged, 0 duplicate, 0 failed (6 stored)"
    assert lines[2].startswith("entities: ") and "  SIGNED_AGREEMENT_WITH: " in result.stdout
    again = runner.invoke(app, ["build", str(dev_corpus / "articles"), "--db", str(db), "--json", *GOLD])
    data = json.loads(again.stdout)
    assert (data["new"], data["unchanged"], data["failed"], data["derived"]) == (0, 6, [], False)


def test_build_reports_failed_files_and_exits_1(dev_corpus: Path, tmp_path: Path, runner: CliRunner) -> None:
    corpus = tmp_path / "articles"
    shutil.copytree(dev_corpus / "articles", corpus)
    shutil.copytree(dev_corpus / "gold", tmp_path / "gold")
    (corpus / "notes.md").write_text("---\ntitle: x\n---\n正文。\n", encoding="utf-8")
    missing = tmp_path / "missing.md"
    result = runner.invoke(
        app,
        [
            "build",
            str(corpus),
            str(missing),
            "--db",
            str(tmp_path / "kg.db"),
            "--extractor",
            "test_build_helpers:gold_extract",
        ],
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [  # each printed as it happens, then the count
        (
            f"Error: {corpus / 'notes.md'}: extraction failed: FileNotFoundError: [Errno 2] No such file "
            f"or directory: '{tmp_path / 'gold' / 'notes.json'}'"
        ),
        f"Error: {missing}: no such file or directory",
        "2 input(s) failed",
    ]


def test_build_bad_alias_file_is_one_line(dev_corpus: Path, tmp_path: Path, runner: CliRunner) -> None:
    bad = tmp_path / "aliases.yaml"
    bad.write_text("entities: [{name: 北汽, type: Car}]\n", encoding="utf-8")
    result = runner.invoke(
        app,
        [
            "build",
            str(dev_corpus / "articles"),
            "--db",
            str(tmp_path / "kg.db"),
            "--aliases",
            str(bad),
            *GOLD,
        ],
    )
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {bad}: entities[1]: unknown type 'Car' (one of Company, Bank, GovernmentBody, "
        "Region, Person, Fund, Event)\n"
    )


def test_alias_file_changes_the_graph(
    built: Path, dev_corpus: Path, tmp_path: Path, runner: CliRunner
) -> None:
    f = tmp_path / "aliases.yaml"
    f.write_text(
        "entities:\n  - {name: 北京汽车集团, type: Company, aliases: [北汽集团, 北汽产投]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["build", str(dev_corpus / "articles"), "--db", str(built), "--aliases", str(f), "--json", *GOLD]
    )
    assert json.loads(result.stdout)["derived"] is True
    shown = runner.invoke(app, ["explain", "北汽产投", "--db", str(built)])
    assert shown.stdout.splitlines()[0].startswith("北京汽车集团 [Company] ent_company_")
    assert "  北京汽车集团 = 北汽产投  by user-alias" in shown.stdout.splitlines()


def test_stats_entities_show_explain(built: Path, runner: CliRunner) -> None:
    stats = runner.invoke(app, ["stats", "--db", str(built), "--json"])
    data = json.loads(stats.stdout)
    assert data["articles"] == 6 and data["entities_by_type"]["Bank"] == 10
    banks = runner.invoke(app, ["entities", "--db", str(built), "--type", "Bank", "--search", "平安"])
    assert banks.stdout.splitlines()[-1] == "1 entities"
    assert banks.stdout.splitlines()[0].startswith(
        "Bank            平安银行上海自贸区分行  [1 articles, 1 relations] "
    )
    show = runner.invoke(app, ["show", "平安", "--db", str(built)])
    out = show.stdout.splitlines()
    assert out[0].startswith("中国平安集团 [Company] ent_company_") and out[0].endswith(
        "(= 中国平安, 平安, 平安集团)"
    )
    assert "SUBSIDIARY_OF (1)" in out
    assert "  平安直通咨询有限公司 -> 中国平安集团" in out
    url = "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202201072240501674"
    quoted = "    「中国平安集团旗下平安直通咨询有限公司」 — "
    assert any(line.startswith(quoted) and line.endswith(f"(2022-01-07) {url}") for line in out)
    explain = runner.invoke(app, ["explain", "临港新片区", "--db", str(built)])
    lines = explain.stdout.splitlines()
    assert lines[1] == "cluster: 上海临港新片区, 上海临港, 临港, 临港新区, 临港新片区, 新片区"
    assert "  上海临港新片区 = 临港新片区  by same-key (key 临港新片区: place-prefix / identity)" in lines


def test_lookup_errors(built: Path, tmp_path: Path, runner: CliRunner) -> None:
    missing = runner.invoke(app, ["show", "华为", "--db", str(built)])
    assert missing.exit_code == 1
    assert missing.stderr == "Error: no entity named '华为' (try `kg entities --search 华为`)\n"
    nodb = runner.invoke(app, ["stats", "--db", str(tmp_path / "none.db")])
    assert nodb.stderr == f"Error: {tmp_path / 'none.db'}: no such store (run `kg build` first)\n"
    badtype = runner.invoke(app, ["entities", "--db", str(built), "--type", "Shop"])
    assert badtype.stderr.startswith("Error: unknown entity type 'Shop' (one of Company, Bank")


def test_export_and_forget(built: Path, dev_corpus: Path, tmp_path: Path, runner: CliRunner) -> None:
    for fmt, out in (
        ("json", tmp_path / "g.json"),
        ("graphml", tmp_path / "g.graphml"),
        ("csv", tmp_path / "csv"),
    ):
        result = runner.invoke(app, ["export", fmt, "--db", str(built), "-o", str(out)])
        assert result.exit_code == 0
        first = result.stdout.splitlines()[0]
        assert first.startswith("Exported ") and first.endswith(f" relations to {out}")
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == [
        "articles.csv",
        "entities.csv",
        "mentions.csv",
        "relations.csv",
    ]
    path = str(dev_corpus / "articles" / "001_qingpu_shanghai_bank.md")
    forget = runner.invoke(app, ["forget", path, "--db", str(built)])
    assert forget.exit_code == 0 and forget.stdout.startswith("Forgot 1 article(s): ")
    again = runner.invoke(app, ["forget", path, "--db", str(built)])
    assert again.exit_code == 1
    assert again.stderr == f"Error: {built}: no article with path or id {path!r}\n"


def test_jobs_do_not_change_the_export(dev_corpus: Path, tmp_path: Path, runner: CliRunner) -> None:
    exports = []
    for jobs in ("1", "2"):
        db, out = tmp_path / f"j{jobs}.db", tmp_path / f"j{jobs}.json"
        built = runner.invoke(
            app, ["build", str(dev_corpus / "articles"), "--db", str(db), "-j", jobs, *GOLD]
        )
        assert built.exit_code == 0
        assert runner.invoke(app, ["export", "json", "--db", str(db), "-o", str(out)]).exit_code == 0
        exports.append(out.read_bytes())
    assert exports[0] == exports[1]
