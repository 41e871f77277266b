"""`kg build --from-extractions`: a store from extraction lines equals `kg build` on the files (byte for
byte in `kg export json`), whatever the sharding and shard order; incremental by the hash in the lines;
bad lines are one error each (file:line) and the rest is stored."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.pipeline import BuildSummary
from kg.shards import path_order

runner = CliRunner()


def run(*args: str, code: int = 0):
    result = runner.invoke(app, list(args))
    assert result.exit_code == code, result.output + result.stderr
    return result


def export(db: Path) -> bytes:
    out = db.with_suffix(".json")
    run("export", "json", "--db", str(db), "-o", str(out))
    return out.read_bytes()


def extract(paths: list[Path], out: Path) -> list[str]:
    run("extract", *map(str, paths), "-o", str(out))
    return out.read_text(encoding="utf-8").splitlines()


def write_shards(lines: list[str], directory: Path, n: int, seed: int) -> Path:
    """The lines dealt at random into `n` shard files (each in random order) under `directory`."""
    rng = random.Random(seed)
    shuffled = lines[:]
    rng.shuffle(shuffled)
    directory.mkdir(parents=True)
    for k in range(n):
        (directory / f"part-{k:05d}.jsonl").write_text(
            "".join(x + "\n" for x in shuffled[k::n]), encoding="utf-8"
        )
    (directory / "_SUCCESS").write_text("", encoding="utf-8")  # what Spark leaves: not a shard
    return directory


@pytest.fixture(scope="module")
def examples_built(examples_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    tmp = tmp_path_factory.mktemp("examples")
    run("build", str(examples_dir / "articles"), "--db", str(tmp / "files.db"))
    return tmp / "files.db", extract([examples_dir / "articles"], tmp / "ex.jsonl")


def test_lines_carry_the_hash_and_extractor_tag(examples_built: tuple[Path, list[str]]) -> None:
    import sqlite3

    db, lines = examples_built
    stored = dict(sqlite3.connect(db).execute("SELECT path, content_hash FROM articles").fetchall())
    arts = [json.loads(x)["article"] for x in lines]
    assert {a["path"]: a["content_hash"] for a in arts} == stored
    assert {a["extractor"] for a in arts} == {"kg.extract:extract_article@" + _version()}


def _version() -> str:
    from kg.extract import EXTRACTOR_VERSION

    return EXTRACTOR_VERSION


def test_from_extractions_exports_like_build_on_the_files(
    examples_built: tuple[Path, list[str]], tmp_path: Path
) -> None:
    files_db, lines = examples_built
    (tmp_path / "all.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run("build", "--from-extractions", str(tmp_path / "all.jsonl"), "--db", str(tmp_path / "a.db"))
    assert (
        result.stdout.splitlines()[1]
        == "articles: 13 new, 0 changed, 0 unchanged, 0 duplicate, 0 failed (13 stored)"
    )
    assert export(tmp_path / "a.db") == export(files_db)
    for n, seed in ((3, 1), (5, 2)):
        shards = write_shards(lines, tmp_path / f"shards{n}", n, seed)
        db = tmp_path / f"s{n}.db"
        run("build", "--from-extractions", str(shards), "--db", str(db))
        assert export(db) == export(files_db), f"{n} shards"
    gz = tmp_path / "gz"
    gz.mkdir()
    with gzip.open(gz / "part-00000.gz", "wt", encoding="utf-8") as fh:  # Spark's compressed part files
        fh.write("\n".join(lines) + "\n")
    run("build", "--from-extractions", str(gz), "--db", str(tmp_path / "gz.db"))
    assert export(tmp_path / "gz.db") == export(files_db)
    # one shard at a time, in reverse order, into one store: the same graph again
    db = tmp_path / "one_by_one.db"
    for part in sorted((tmp_path / "shards5").glob("part-*"), reverse=True):
        run("build", "--from-extractions", str(part), "--db", str(db))
    assert export(db) == export(files_db)


def test_updates_a_store_built_from_the_files(examples_built: tuple[Path, list[str]], tmp_path: Path) -> None:
    """The hash in the lines is the one `kg build` stores: nothing to do; one changed line replaces one article."""
    files_db, lines = examples_built
    db = tmp_path / "kg.db"
    db.write_bytes(files_db.read_bytes())
    shard = tmp_path / "x.jsonl"
    shard.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = json.loads(run("build", "--from-extractions", str(shard), "--db", str(db), "--json").stdout)
    assert (data["new"], data["unchanged"], data["changed"], data["failed"], data["derived"]) == (
        0,
        13,
        0,
        [],
        False,
    )
    assert list(data) == list(BuildSummary.model_fields)  # the --json of `kg build`
    first = json.loads(lines[0])
    first["article"]["content_hash"] = "0" * 40
    first["entities"][0]["name"] = first["entities"][0]["name"] + "新"
    shard.write_text("\n".join([json.dumps(first, ensure_ascii=False), *lines[1:]]) + "\n", encoding="utf-8")
    data = json.loads(run("build", "--from-extractions", str(shard), "--db", str(db), "--json").stdout)
    assert (data["changed"], data["unchanged"], data["derived"]) == (1, 12, True)
    assert first["entities"][0]["name"] in export(db).decode("utf-8")


def test_lines_without_a_hash_are_incremental_by_their_content(
    examples_built: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """An outside extractor's lines (no content_hash): the same line is unchanged, another one changed."""
    _, lines = examples_built
    bare = [json.loads(x) for x in lines]
    for x in bare:
        del x["article"]["content_hash"], x["article"]["extractor"]
    shard, db = tmp_path / "bare.jsonl", tmp_path / "kg.db"
    shard.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in bare), encoding="utf-8")
    assert (
        json.loads(run("build", "--from-extractions", str(shard), "--db", str(db), "--json").stdout)["new"]
        == 13
    )
    data = json.loads(run("build", "--from-extractions", str(shard), "--db", str(db), "--json").stdout)
    assert (data["new"], data["unchanged"]) == (0, 13)
    bare[4]["relations"] = bare[4]["relations"][:-1]
    shard.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in bare), encoding="utf-8")
    data = json.loads(run("build", "--from-extractions", str(shard), "--db", str(db), "--json").stdout)
    assert (data["changed"], data["unchanged"]) == (1, 12)


def test_bad_lines_are_named_and_the_rest_is_stored(
    examples_built: tuple[Path, list[str]], tmp_path: Path
) -> None:
    _, lines = examples_built
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.mkdir()
    bad.mkdir()
    (good / "a.jsonl").write_text("\n".join(lines[:5]) + "\n", encoding="utf-8")
    broken = json.loads(lines[5])
    broken["relations"][0]["target"] = "e999"
    no_article = json.loads(lines[6])
    del no_article["article"]
    shard = bad / "a.jsonl"
    shard.write_text(
        "\n".join([*lines[:3], "{not json", json.dumps(broken), "", *lines[3:5], json.dumps(no_article)])
        + "\n",
        encoding="utf-8",
    )
    result = run(
        "build",
        "--from-extractions",
        str(shard),
        str(bad / "missing.jsonl"),
        "--db",
        str(bad / "kg.db"),
        code=1,
    )
    assert result.stderr.splitlines() == [
        f"Error: {shard}:4: invalid JSON: key must be a string at line 1 column 2",
        f"Error: {shard}:5: relation 0 references unknown entity 'e999'",
        f"Error: {shard}:9: not an extraction line: article: Field required",
        f"Error: {bad / 'missing.jsonl'}: no such file or directory",
        "4 input(s) failed",
    ]
    assert "5 new, 0 changed, 0 unchanged, 0 duplicate, 4 failed (5 stored)" in result.stdout
    run("build", "--from-extractions", str(good), "--db", str(good / "kg.db"))
    assert export(bad / "kg.db") == export(good / "kg.db")


def test_nothing_to_build_is_one_line_and_no_store(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run(
        "build", "--from-extractions", str(tmp_path / "empty"), "--db", str(tmp_path / "kg.db"), code=1
    )
    assert result.stderr == (
        f"Error: no extraction files (*.jsonl) in {tmp_path / 'empty'} (nothing to build; no store written)\n"
    )
    assert not (tmp_path / "kg.db").exists()


def test_the_same_article_under_two_paths_is_stored_once_whatever_the_order(
    examples_built: tuple[Path, list[str]], tmp_path: Path
) -> None:
    _, lines = examples_built
    twin = json.loads(lines[2])
    twin["article"]["path"] = "/0/copy.md"  # before any other absolute path: it wins
    exports = []
    for k, order in enumerate(([*lines, json.dumps(twin)], [json.dumps(twin), *lines])):
        d = tmp_path / f"o{k}"
        d.mkdir()
        (d / "p.jsonl").write_text("\n".join(order) + "\n", encoding="utf-8")
        data = json.loads(
            run("build", "--from-extractions", str(d), "--db", str(d / "kg.db"), "--json").stdout
        )
        assert (data["new"], data["duplicate"]) == (13, 1)
        exports.append(export(d / "kg.db"))
    assert exports[0] == exports[1] and b'"/0/copy.md"' in exports[0]


def test_path_order_is_natural() -> None:
    assert sorted(["w.jsonl:10", "w.jsonl:9", "a.md"], key=path_order) == ["a.md", "w.jsonl:9", "w.jsonl:10"]


def test_real_corpus_from_extractions_equals_build(dev_corpus: Path, tmp_path: Path) -> None:
    wide = dev_corpus.parent / "dev-wide"
    if not (wide / "articles").is_dir():
        pytest.skip(f"shared dev-wide corpus not found at {wide}")
    inputs = [dev_corpus / "articles", wide / "articles"]
    run("build", *map(str, inputs), "--db", str(tmp_path / "files.db"))
    lines = extract(inputs, tmp_path / "real.jsonl")
    assert len(lines) == 26
    shards = write_shards(lines, tmp_path / "shards", 4, 7)
    run("build", "--from-extractions", str(shards), "--db", str(tmp_path / "lines.db"))
    assert export(tmp_path / "lines.db") == export(tmp_path / "files.db")


def test_extraction_options_are_refused_not_ignored(tmp_path: Path) -> None:
    (tmp_path / "x.jsonl").write_text("", encoding="utf-8")
    for option in (["--jobs", "2"], ["--fields", "text=body"], ["--article-timeout", "5"]):
        result = run("build", "--from-extractions", str(tmp_path / "x.jsonl"), *option, code=1)
        assert result.stderr == (
            f"Error: {option[0]} does not apply to --from-extractions (the lines are already extracted)\n"
        )
    assert not (tmp_path / "kg.db").exists()
