"""Every command's output is the same at any terminal width and never cuts a name: run piped (CliRunner),
from a folder 300 characters deep whose names hold markup- and emoji-like text, at COLUMNS 20, 80, 400.
(`kg extract` and `kg eval` tables: tests/test_cli_extract.py.)"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.neo4j.fakes import FakeDriver

runner = CliRunner()
GOLD = ["--extractor", "test_build_helpers:gold_extract"]
WIDTHS = ("20", "80", "400")


@pytest.fixture(scope="module")
def deep(tmp_path_factory: pytest.TempPathFactory, dev_corpus: Path) -> Path:
    d = tmp_path_factory.mktemp("out")
    for k in range(6):
        d = d / (f"a_rather_long_folder_name_number_{k}_" + "x" * 16)
    d = d / "[bold]标记[i] :smile: folder"
    shutil.copytree(dev_corpus / "articles", d / "articles")
    shutil.copytree(dev_corpus / "gold", d / "gold")
    (d / "articles" / "[red]坏[b] :cn: empty.md").write_bytes(b"")
    return d


def run(args: list[str], width: str) -> tuple[int, str, str]:
    result = runner.invoke(app, args, env={"COLUMNS": width, "LINES": "10"})
    return result.exit_code, result.stdout, result.stderr


def same_at_every_width(args: list[str], normalize=lambda s: s) -> tuple[int, str, str]:
    """Run at every width; the outputs must be identical (after `normalize`); return one of them."""
    outs = [run(args, w) for w in WIDTHS]
    first = outs[0]
    for other in outs[1:]:
        assert (other[0], normalize(other[1]), normalize(other[2])) == (
            first[0],
            normalize(first[1]),
            normalize(first[2]),
        ), args
    return first


@pytest.fixture(scope="module")
def db(deep: Path) -> Path:
    db = deep / "kg [b]store.db"
    code, _, _ = run(["build", str(deep / "articles"), "--db", str(db), *GOLD], "20")
    assert code == 1  # the empty file
    return db


def test_build_names_the_store_and_each_failed_file_whole(deep: Path, db: Path, tmp_path: Path) -> None:
    timing = lambda s: re.sub(r"in \d+\.\d+ s", "in T s", s)
    other = tmp_path / "again.db"
    for width in WIDTHS:
        other.unlink(missing_ok=True)
        code, out, err = run(["build", str(deep / "articles"), "--db", str(other), *GOLD], width)
        assert code == 1
        bad = deep / "articles" / "[red]坏[b] :cn: empty.md"
        assert err.splitlines() == [f"Error: {bad}: empty file", "1 input(s) failed"]
        assert timing(out).splitlines()[0] == f"Built {other} from 7 files in T s"


def test_stats_entities_show_explain(db: Path) -> None:
    _, out, _ = same_at_every_width(["stats", "--db", str(db)])
    assert out.splitlines()[0].startswith(f"{db}: 6 articles, ")
    _, out, _ = same_at_every_width(["entities", "--db", str(db)])
    listed = json.loads(run(["entities", "--db", str(db), "--json"], "80")[1])
    lines = out.splitlines()
    assert len(lines) == len(listed) + 1
    for line, e in zip(lines, listed, strict=False):
        assert line.startswith(e["type"]) and e["name"] in line and line.endswith(e["id"])
    name = max(listed, key=lambda e: e["relations"])["name"]
    _, out, _ = same_at_every_width(["show", name, "--db", str(db)])
    facts = json.loads(run(["show", name, "--db", str(db), "--json"], "80")[1])["facts"]
    sentences = [ev["sentence"] for fs in facts.values() for f in fs for ev in f["evidence"]]
    assert sentences and max(len(s) for s in sentences) > 40
    for s in sentences:
        assert any(f"「{s}」" in line for line in out.splitlines()), s
    _, out, _ = same_at_every_width(["explain", name, "--db", str(db)])
    assert out.splitlines()[1].startswith("cluster: ")


def test_exports_view_and_schemas_name_their_files_whole(deep: Path, db: Path) -> None:
    for fmt in ("json", "graphml", "csv"):
        target = deep / f"export [i]{fmt}.{fmt}"
        _, out, _ = same_at_every_width(["export", fmt, "--db", str(db), "-o", str(target)])
        assert out.splitlines()[0].endswith(f" to {target}")
    page = deep / "view :smile: page.html"
    code, out, _ = same_at_every_width(["view", "--db", str(db), "-o", str(page)])
    assert code == 0 and out.splitlines()[0].startswith(f"Wrote {page}: ")
    _, out, _ = same_at_every_width(["schemas", "--out", str(deep / "schemas")])
    assert all(line.startswith(f"wrote {deep / 'schemas'}/") for line in out.splitlines())


def test_load_dry_run_prints_every_statement_whole(db: Path) -> None:
    _, out, _ = same_at_every_width(["load", "--db", str(db), "--dry-run"])
    plan = json.loads(run(["load", "--db", str(db), "--dry-run", "--json"], "80")[1])
    lines = out.splitlines()
    for s in plan["statements"]:
        for line in (s["cypher"] + ";").splitlines():
            assert line in lines


def test_load_and_query_output(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import neo4j

    env = {"NEO4J_URI": "neo4j://a-very-long-host-name.example.internal:7687", "NEO4J_PASSWORD": "x"}
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda *a, **k: FakeDriver())
    outs = {w: runner.invoke(app, ["load", "--db", str(db)], env={**env, "COLUMNS": w}) for w in WIDTHS}
    assert len({r.stdout for r in outs.values()}) == 1
    assert (
        outs["20"].stdout.splitlines()[0] == "Loaded into neo4j://a-very-long-host-name.example.internal:7687"
    )


def test_forget_names_the_article(deep: Path, db: Path, tmp_path: Path) -> None:
    outs = []
    for width in WIDTHS:
        copy = tmp_path / f"w{width}.db"
        shutil.copy(db, copy)
        path = str(deep / "articles" / "000_seed.md")
        outs.append(run(["forget", path, "--db", str(copy)], width))
    assert len(set(outs)) == 1
    code, out, _ = outs[0]
    assert code == 0 and re.fullmatch(r"Forgot 1 article\(s\): [0-9a-f]{16}\n", out)
