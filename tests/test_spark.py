"""Extraction on Spark (local mode, one session for the module): the shards hold exactly the lines
`kg extract` writes (compared after sorting both by article id, then path), and `kg build
--from-extractions` on them exports byte for byte what `kg build` on the files exports."""

from __future__ import annotations

import importlib.util
import json
import runpy
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app

pyspark = pytest.importorskip("pyspark", reason="PySpark is the `spark` extra: pip install -e '.[spark]'")

from kg.spark import extract_on_spark, spark_problem, spark_session

runner = CliRunner()
MAKE_CORPUS = Path(__file__).resolve().parent.parent / "benchmarks" / "make_corpus.py"


def run(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output + result.stderr
    return result


def sort_lines(lines: list[str]) -> list[str]:
    """By article id, then path: the order `kg extract` and the shards share."""
    return sorted(lines, key=lambda x: (json.loads(x)["article"]["id"], json.loads(x)["article"]["path"]))


def shard_lines(directory: Path) -> list[str]:
    assert (directory / "_SUCCESS").is_file()
    return [x for p in sorted(directory.glob("part-*")) for x in p.read_text(encoding="utf-8").splitlines()]


def export(db: Path) -> bytes:
    out = db.with_suffix(".json")
    run("export", "json", "--db", str(db), "-o", str(out))
    return out.read_bytes()


def generated(n: int, seed: int) -> list[tuple[str, str]]:
    spec = importlib.util.spec_from_file_location("make_corpus", MAKE_CORPUS)
    assert spec is not None and spec.loader is not None
    mc = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mc)
    return [(name, text) for name, text, _ in mc.generate_articles(n, seed)]


@pytest.fixture(scope="module")
def spark():
    session, started = spark_session("local[2]", "kg tests")
    yield session
    if started:
        session.stop()


TABLE_ROWS = 12


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, examples_dir: Path) -> list[Path]:
    """200 generated articles (Markdown), the examples, and a JSON Lines table of 12 more (news.jsonl)."""
    base = tmp_path_factory.mktemp("spark")
    d = base / "generated"
    d.mkdir()
    for name, text in generated(200, 13):
        (d / f"{name}.md").write_text(text, encoding="utf-8")
    records = [
        {
            "title": f"第{k}号",
            "date": f"2023-05-0{k % 9 + 1}",
            "url": f"https://news.example/{k}",
            "text": text,
        }
        for k, (_, text) in enumerate(generated(TABLE_ROWS, 21))
    ]
    (base / "table").mkdir()
    table = base / "table" / "news.jsonl"
    table.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return [d, examples_dir / "articles", table]


@pytest.fixture(scope="module")
def local(corpus: list[Path], tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """What `kg extract` writes for the whole corpus."""
    out = tmp_path_factory.mktemp("local") / "local.jsonl"
    run("extract", *map(str, corpus), "-o", str(out))
    return out.read_text(encoding="utf-8").splitlines()


def test_shards_equal_kg_extract_and_build_from_them_equals_kg_build(
    spark, corpus: list[Path], local: list[str], tmp_path: Path
) -> None:
    summary = extract_on_spark(corpus, tmp_path / "shards", spark=spark, partitions=5)
    shards = shard_lines(tmp_path / "shards")
    assert len(shards) == len(local) == summary.articles == 225 and summary.failed == []
    assert sort_lines(shards) == sort_lines(local)
    assert shards == local  # and with files, the part files even keep `kg extract`'s order
    assert len(list((tmp_path / "shards").glob("part-*"))) == 5

    run("build", *map(str, corpus), "--db", str(tmp_path / "files.db"))
    result = run("build", "--from-extractions", str(tmp_path / "shards"), "--db", str(tmp_path / "shards.db"))
    assert "225 new, 0 changed, 0 unchanged, 0 duplicate, 0 failed (225 stored)" in result.stdout
    assert export(tmp_path / "shards.db") == export(tmp_path / "files.db")


def test_tables_json_and_parquet(spark, corpus: list[Path], local: list[str], tmp_path: Path) -> None:
    """A JSON table reads like `kg extract` reads the same JSON Lines file (paths FILE:N); a Parquet table
    with the same rows gives the same lines under its own name."""
    table = corpus[-1]
    expected = sort_lines([x for x in local if json.loads(x)["article"]["path"].startswith(f"{table}:")])
    assert len(expected) == TABLE_ROWS
    assert json.loads(expected[0])["article"]["url"].startswith("https://news.example/")

    extract_on_spark([table], tmp_path / "from_json", spark=spark, table="json")
    assert sort_lines(shard_lines(tmp_path / "from_json")) == expected

    parquet = tmp_path / "news.parquet"
    spark.read.json(str(table)).coalesce(1).write.parquet(str(parquet))
    summary = extract_on_spark([parquet], tmp_path / "from_parquet", spark=spark, table="parquet")
    assert summary.articles == TABLE_ROWS
    renamed = [x.replace(f'"{parquet}:', f'"{table}:') for x in shard_lines(tmp_path / "from_parquet")]
    assert sort_lines(renamed) == expected


def test_cli_failures_are_named_and_the_rest_extracted(spark, examples_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "no text"}\n', encoding="utf-8")
    good = examples_dir / "articles" / "liyang_storage_jv.md"
    out = tmp_path / "out"
    result = run(
        "extract",
        str(good),
        str(bad),
        str(tmp_path / "gone.md"),
        "--spark",
        "local[2]",
        "-o",
        str(out),
        code=1,
    )
    assert result.stderr.splitlines() == [
        f'Error: {bad}:1: missing "text" string',
        f"Error: {tmp_path / 'gone.md'}: no such file or directory",
        "2 input(s) failed",
    ]
    assert result.stdout == f"Extracted 1 article(s): 12 entities, 17 relations -> {out}\n"
    assert [json.loads(x)["article"]["path"] for x in shard_lines(out)] == [str(good)]
    again = run("extract", str(good), "--spark", "local[2]", "-o", str(out), code=1)
    assert again.stderr == f"Error: {out}: already exists (Spark writes the shards into a new directory)\n"


def test_table_without_spark_and_a_timeout_with_spark_are_one_line(tmp_path: Path) -> None:
    result = run("extract", str(tmp_path), "--table", "json", "-o", str(tmp_path / "o"), code=1)
    assert result.stderr == "Error: --table needs --spark MASTER\n"
    result = run("extract", str(tmp_path), "--spark", "local[1]", "--article-timeout", "5", "-o", "o", code=1)
    assert (
        result.stderr
        == "Error: --article-timeout does not apply to --spark (Spark's task retries are the guard)\n"
    )


def test_spark_problem_finds_the_python_error() -> None:
    java = (
        "An error occurred while calling o49.saveAsTextFile.\norg.apache.spark.SparkException: Job aborted.\n"
        "Traceback (most recent call last):\n  File x, line 1\n"
        "kg.errors.ExtractError: the extractor (kg.extract.extract_article) is not available: No module named 'x'\n"
        "\tat org.apache.spark.api.python.BasePythonRunner"
    )
    assert spark_problem(RuntimeError(java)) == (
        "kg.errors.ExtractError: the extractor (kg.extract.extract_article) is not available: No module named 'x'"
    )
    assert spark_problem(RuntimeError("plain\nmore")) == "plain"


def test_the_spark_submit_entry(
    spark,
    examples_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`spark-submit scripts/spark_extract.py …` runs kg.spark.main (here in the module's session)."""
    from kg.spark import main

    good = examples_dir / "articles" / "liyang_storage_jv.md"
    assert main([str(good), "-o", str(tmp_path / "out"), "--partitions", "1"]) == 0
    assert (
        capsys.readouterr().out
        == f"Extracted 1 article(s): 12 entities, 17 relations -> {tmp_path / 'out'}\n"
    )
    assert [json.loads(x)["article"]["path"] for x in shard_lines(tmp_path / "out")] == [str(good)]
    script = Path(__file__).resolve().parent.parent / "scripts" / "spark_extract.py"
    monkeypatch.setattr(sys, "argv", [str(script), str(tmp_path / "gone.md"), "-o", str(tmp_path / "o2")])
    with pytest.raises(SystemExit) as exit_:
        runpy.run_path(str(script), run_name="__main__")
    assert exit_.value.code == 1
    assert capsys.readouterr().err == (
        f"Error: no article files in {tmp_path / 'gone.md'} (nothing extracted)\n"
    )
