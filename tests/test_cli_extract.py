"""`kg extract` and `kg eval` through the CLI (CliRunner), with a stand-in extractor where noted."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.evaluate import gold_path_for, load_gold
from kg.evaluate.gold import extraction_from_gold
from kg.ingest import read_article
from kg.models import Article, Extraction

runner = CliRunner()


@pytest.fixture
def oracle(monkeypatch: pytest.MonkeyPatch, dev_corpus: Path) -> None:
    """Extraction = the gold itself (via extraction_from_gold), so every figure below is known exactly."""

    def extract(article: Article) -> Extraction:
        return extraction_from_gold(article, load_gold(gold_path_for(dev_corpus / "gold", article.path)))

    monkeypatch.setattr("kg.ingest.pipeline.load_extractor", lambda: extract)


def test_extract_writes_the_format_md_lines(tmp_path: Path, dev_corpus: Path, oracle: None) -> None:
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(dev_corpus / "articles"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    articles = sorted((dev_corpus / "articles").iterdir())
    assert [Path(x["article"]["path"]).name for x in lines] == [a.name for a in articles]
    for line in lines:
        assert set(line) == {"article", "entities", "relations"}
        Extraction.model_validate(line)  # round-trips through the contract
        for r in line["relations"]:
            assert None not in r["properties"].values()  # absent properties are omitted
    raw = out.read_text(encoding="utf-8")
    assert "\\u" not in raw and "公司" in raw  # ensure_ascii=False: Chinese written as is
    assert f"Extracted {len(articles)} article(s): " in result.stdout
    assert "000_seed.md" in result.stdout  # the per-article table
    assert not list(tmp_path.glob(".out.jsonl.*"))  # no temp file left behind


def test_extract_json_summary(tmp_path: Path, dev_corpus: Path, oracle: None) -> None:
    seed = dev_corpus / "articles" / "000_seed.md"
    bad = tmp_path / "empty.md"
    bad.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(seed), str(bad), "-o", str(tmp_path / "o.jsonl"), "--json"])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["articles"] == 1
    assert summary["failed"] == [{"path": str(bad), "error": "empty file"}]
    (row,) = summary["per_article"]
    (line,) = [json.loads(x) for x in (tmp_path / "o.jsonl").read_text(encoding="utf-8").splitlines()]
    assert row["path"] == line["article"]["path"] == str(seed)
    assert (row["entities"], row["relations"]) == (len(line["entities"]), len(line["relations"]))
    assert row["relations"] > 10
    assert result.stderr.splitlines() == [f"Error: {bad}: empty file", "1 input(s) failed"]


def test_extract_keeps_previous_output_when_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(article: Article) -> Extraction:
        raise KeyboardInterrupt

    monkeypatch.setattr("kg.ingest.pipeline.load_extractor", lambda: boom)
    art = tmp_path / "a.txt"
    art.write_text("正文。", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    runner.invoke(app, ["extract", str(art), "-o", str(out)])
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "out.jsonl"]


def test_eval_from_extracted_jsonl_and_on_the_fly_agree(
    tmp_path: Path, dev_corpus: Path, oracle: None
) -> None:
    out = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["extract", str(dev_corpus / "articles"), "-o", str(out)]).exit_code == 0
    gold = str(dev_corpus / "gold")
    from_file = runner.invoke(app, ["eval", "--gold", gold, str(out), "--json"])
    on_the_fly = runner.invoke(app, ["eval", "--gold", gold, str(dev_corpus / "articles"), "--json"])
    assert from_file.exit_code == on_the_fly.exit_code == 0, from_file.stderr + on_the_fly.stderr
    a, b = json.loads(from_file.stdout), json.loads(on_the_fly.stdout)
    assert a == b
    assert a["relations"]["f1"] == a["entities"]["f1"] == 1.0 and a["evidence"]["share"] == 1.0
    assert "relation_false_negatives" not in a["per_article"][0]  # only with --details


def test_eval_table_and_details(tmp_path: Path, dev_corpus: Path, oracle: None) -> None:
    out = tmp_path / "out.jsonl"
    runner.invoke(app, ["extract", str(dev_corpus / "articles"), "-o", str(out)])
    # drop one relation of the first article: it shows up as a false negative
    lines = out.read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    dropped = first["relations"].pop(0)
    lines[0] = json.dumps(first, ensure_ascii=False)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "--gold", str(dev_corpus / "gold"), str(out), "--details"])
    assert result.exit_code == 0, result.stderr
    names = {e["id"]: e["name"] for e in first["entities"]}
    fn = f"  relation FN: {names[dropped['source']]} -{dropped['type']}-> {names[dropped['target']]}"
    assert fn in result.stdout.splitlines()
    assert "Evidence exact: " in result.stdout and "relations" in result.stdout


def test_eval_reports_bad_extraction_lines_and_missing_gold(tmp_path: Path, dev_corpus: Path) -> None:
    out = tmp_path / "x.jsonl"
    seed = dev_corpus / "articles" / "000_seed.md"
    good = {"article": {"id": "1", "path": str(seed)}, "entities": [], "relations": []}
    other = {"article": {"id": "2", "path": "elsewhere/unknown.md"}, "entities": [], "relations": []}
    bad = {"article": {"id": "3", "path": "p"}, "entities": [{"id": "e1", "name": "x", "type": "Animal"}]}
    out.write_text("\n".join(json.dumps(x) for x in (good, other, bad)) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "--gold", str(dev_corpus / "gold"), str(out), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["articles"] == 1 and report["missing_gold"] == ["elsewhere/unknown.md"]
    assert report["relations"]["tp"] == 0 and report["relations"]["fn"] > 0
    seed_id = read_article(seed).id
    assert result.stderr.splitlines() == [
        f"Warning: {seed}: article changed since extraction (id {seed_id} != 1)",
        "Warning: elsewhere/unknown.md: article not readable; evidence not checked",
        f"Warning: elsewhere/unknown.md: no gold file in {dev_corpus / 'gold'}",
        (
            f"Error: {out}:3: invalid extraction line: entities.0.type: Input should be 'Company', 'Bank', "
            "'GovernmentBody', 'Region', 'Person', 'Fund' or 'Event'"
        ),
        "1 input(s) failed",
    ]


def test_eval_missing_gold_dir_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--gold", str(tmp_path / "nope"), str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'nope'}: gold directory not found\n"


def test_eval_malformed_gold_is_one_line(tmp_path: Path, dev_corpus: Path) -> None:
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "000_seed.json").write_text('{"entities": 3}', encoding="utf-8")
    line = {"article": {"id": "1", "path": str(dev_corpus / "articles" / "000_seed.md")}, "entities": []}
    (tmp_path / "x.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["eval", "--gold", str(gold), str(tmp_path / "x.jsonl")])
    assert result.exit_code == 1
    seed_id = read_article(dev_corpus / "articles" / "000_seed.md").id
    assert result.stderr.splitlines() == [  # the warning came first, as it happened; then one error line
        (
            f"Warning: {dev_corpus / 'articles' / '000_seed.md'}: article changed since extraction "
            f"(id {seed_id} != 1)"
        ),
        f"Error: {gold / '000_seed.json'}: invalid gold file at entities: Input should be a valid list",
    ]


def test_extraction_lines_of_jsonl_articles_find_their_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`file.jsonl:N` article paths: eval re-reads line N for the evidence check."""
    from kg.models import ArticleRef, Evidence, ExtractedRelation

    def extract(article: Article) -> Extraction:
        ref = ArticleRef(id=article.id, path=article.path)
        s = article.text.index("签约")
        good = Evidence(text="签约", start=s, end=s + 2)
        return Extraction(
            article=ref,
            relations=[
                ExtractedRelation(type="SIGNED_AGREEMENT_WITH", source="e1", target="e2", evidence=good)
            ],
        )

    monkeypatch.setattr("kg.ingest.pipeline.load_extractor", lambda: extract)
    batch = tmp_path / "batch.jsonl"
    batch.write_text('{"text": "乙与丙签约。"}\n\n{"text": "丁与戊签约。"}\n', encoding="utf-8")
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "batch.json").write_text('{"entities": [], "relations": []}', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["extract", str(batch), "-o", str(out)]).exit_code == 0
    result = runner.invoke(app, ["eval", "--gold", str(tmp_path / "gold"), str(out), "--json"])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["evidence"] == {"exact": 2, "total": 2, "share": 1.0}
    assert [a["path"] for a in report["per_article"]] == [f"{batch}:1", f"{batch}:3"]
    assert result.stderr == ""


def test_real_extractor_end_to_end(tmp_path: Path, dev_corpus: Path) -> None:
    """The project's extractor through `kg extract` then `kg eval`: format, offsets and both eval paths."""
    pytest.importorskip("kg.extract", reason="the extractor package is not in this tree")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(dev_corpus / "articles"), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    lines = [Extraction.model_validate_json(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert summary["articles"] == len(lines) == len(list((dev_corpus / "articles").iterdir()))
    for ex in lines:
        text = read_article(ex.article.path).text
        for e in ex.entities:
            assert all(text[m.start : m.end] == m.text for m in e.mentions)
        for r in ex.relations:
            assert text[r.evidence.start : r.evidence.end] == r.evidence.text
    gold = str(dev_corpus / "gold")
    from_file = json.loads(runner.invoke(app, ["eval", "--gold", gold, str(out), "--json"]).stdout)
    on_the_fly = json.loads(
        runner.invoke(app, ["eval", "--gold", gold, str(dev_corpus / "articles"), "--json"]).stdout
    )
    assert from_file == on_the_fly
    assert from_file["evidence"]["share"] == 1.0
    assert from_file["relations"]["tp"] + from_file["relations"]["fn"] == sum(
        len(
            {
                (r["type"], r["source"], r["target"])
                for r in json.loads(g.read_text(encoding="utf-8"))["relations"]
                if r["type"] not in ("ATTENDED", "OTHER")
            }
        )
        for g in (dev_corpus / "gold").glob("*.json")
    )


def test_rerun_into_the_input_directory_skips_its_own_output(
    tmp_path: Path, dev_corpus: Path, oracle: None
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "000_seed.md").write_bytes((dev_corpus / "articles" / "000_seed.md").read_bytes())
    out = src / "out.jsonl"
    first = runner.invoke(app, ["extract", str(src), "-o", str(out)])
    second = runner.invoke(app, ["extract", str(src), "-o", str(out)])
    assert first.exit_code == second.exit_code == 0, second.stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    # another extraction output among the inputs is one clear error, not one per line
    (src / "old.jsonl").write_bytes(out.read_bytes() * 3)
    third = runner.invoke(app, ["extract", str(src), "-o", str(tmp_path / "o.jsonl")])
    assert third.exit_code == 1
    problem = "a `kg extract` output file, not articles (use it with `kg eval`)"
    assert third.stderr.splitlines() == [
        f"Error: {src / 'old.jsonl'}: {problem}",
        f"Error: {src / 'out.jsonl'}: {problem}",
        "2 input(s) failed",
    ]


def test_an_extractor_crash_fails_that_article_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def extract(article: Article) -> Extraction:
        if "坏" in article.text:
            raise ValueError("boom")
        return Extraction(article={"id": article.id, "path": article.path})

    monkeypatch.setattr("kg.ingest.pipeline.load_extractor", lambda: extract)
    (tmp_path / "a.txt").write_text("好。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("坏。", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path), "-o", str(tmp_path / "out" / "x.jsonl")])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {tmp_path / 'b.txt'}: extraction failed: ValueError: boom",
        "1 input(s) failed",
    ]
    assert len((tmp_path / "out" / "x.jsonl").read_text(encoding="utf-8").splitlines()) == 1


def test_missing_extractor_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "kg.extract", None)  # import of kg.extract now fails
    (tmp_path / "a.txt").write_text("好。", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path / "a.txt"), "-o", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: the extractor (kg.extract.extract_article) is not available: ")
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("columns", ["20", "80", "400"])
def test_output_names_every_file_whole_at_any_path_and_width(
    tmp_path: Path, dev_corpus: Path, oracle: None, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    """Piped output never truncates: a file 300 characters deep is printed whole, whatever COLUMNS says."""
    deep = tmp_path
    for k in range(6):
        deep = deep / (f"a_rather_long_folder_name_number_{k}_" + "x" * 16)
    deep.mkdir(parents=True)
    src = deep / "000_seed.md"
    src.write_bytes((dev_corpus / "articles" / "000_seed.md").read_bytes())
    monkeypatch.setenv("COLUMNS", columns)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(src), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert str(src) in result.stdout.splitlines()[1]  # header line, then the article's row whole
    result = runner.invoke(app, ["eval", "--gold", str(dev_corpus / "gold"), str(src)])
    assert result.exit_code == 0, result.stderr
    assert f"kg eval: 1 article(s) against {dev_corpus / 'gold'}" in result.stdout.splitlines()
    assert re.search(
        r"^Evidence exact: \d+/\d+ \(\d+\.\d%\)$", result.stdout, re.MULTILINE
    )  # one line, unwrapped
