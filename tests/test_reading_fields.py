"""Vendor and crawler exports: JSON Lines and CSV with their own field names, via --fields (issue 14)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KgError, ReadError
from kg.ingest import read_file
from kg.ingest.records import parse_field_map

DATA = Path(__file__).parent / "data" / "reading" / "exports"
CSV_MAP = "text=content,title=headline,date=pub_time,url=link"
JSONL_MAP = "text=body.content,title=headline,date=meta.pub_time,url=meta.link"
runner = CliRunner()


def test_parse_field_map() -> None:
    assert parse_field_map(CSV_MAP) == {
        "text": "content",
        "title": "headline",
        "date": "pub_time",
        "url": "link",
    }
    assert parse_field_map(None) == {} and parse_field_map(" ") == {}
    for spec, message in [
        (
            "txt=content",
            "--fields: unknown article field 'txt' (known: text, title, date, url, categories, tags)",
        ),
        ("text", "--fields: expected FIELD=COLUMN, got 'text'"),
        ("text=", "--fields: expected FIELD=COLUMN, got 'text='"),
        ("text=a,text=b", "--fields: 'text' is mapped twice"),
    ]:
        with pytest.raises(KgError) as exc:
            parse_field_map(spec)
        assert str(exc.value) == message


def test_csv_export_with_a_map(tmp_path: Path) -> None:
    csv = tmp_path / "export.csv"
    shutil.copy(DATA / "terminal_export.csv", csv)
    items = list(read_file(csv, fields=parse_field_map(CSV_MAP)))
    a, b, bad = items
    assert (a.path, a.title, a.date, a.url) == (  # type: ignore[union-attr]
        f"{csv}:2",
        "恒川锂电联手华储能源设立储能合资公司",
        "2022-09-06",
        "https://news.example-terminal.cn/a/0001",
    )
    assert a.text.split("\n\n")[1].startswith("其中华储能源持股51%")  # type: ignore[union-attr] # a quoted multi-line cell
    assert (b.path, b.date) == (f"{csv}:5", "2023-03-15")  # type: ignore[union-attr] # line of the record's start
    assert isinstance(bad, ReadError) and str(bad) == f"{csv}:6: no article text found"


def test_jsonl_export_with_dotted_names(tmp_path: Path) -> None:
    jsonl = tmp_path / "crawl.jsonl"
    shutil.copy(DATA / "crawler_export.jsonl", jsonl)
    a, b = read_file(jsonl, fields=parse_field_map(JSONL_MAP))
    assert (a.title, a.date, a.url) == (  # type: ignore[union-attr]
        "恒川锂电联手华储能源设立储能合资公司",
        "2022-09-06",
        "https://news.example-terminal.cn/a/0001",
    )
    assert b.text.startswith("3月14日，宁德时代新能源科技股份有限公司")  # type: ignore[union-attr]
    (err, _) = read_file(jsonl)  # without the map: the body is not found, each line says so
    assert str(err) == f'{jsonl}:1: missing "text" string'


def test_csv_problems_are_named(tmp_path: Path) -> None:
    no_column = tmp_path / "a.csv"
    no_column.write_text("headline,body\n标题,正文。\n", encoding="utf-8")
    (err,) = read_file(no_column)
    assert str(err) == f'{no_column}: no "text" column (columns: headline, body; map one with --fields)'
    (err,) = read_file(no_column, fields={"text": "content"})
    assert str(err) == f'{no_column}: no "content" column (columns: headline, body)'
    ragged = tmp_path / "b.csv"
    ragged.write_text("title,text\n甲,宁德时代签署协议。\n乙\n丙,工商银行提供贷款。\n", encoding="utf-8")
    items = list(read_file(ragged))
    assert [str(i) if isinstance(i, ReadError) else i.path for i in items] == [
        f"{ragged}:2",
        f"{ragged}:3: 1 cells, the header has 2",
        f"{ragged}:4",
    ]
    semicolons = tmp_path / "c.csv"
    semicolons.write_bytes("标题;正文\n甲;宁德时代签署协议。\n".encode("gb18030"))
    warnings: list[str] = []
    (a,) = read_file(semicolons, fields={"text": "正文", "title": "标题"}, on_warning=warnings.append)
    assert (a.title, a.text) == ("甲", "宁德时代签署协议。")  # type: ignore[union-attr]
    assert warnings == [f"{semicolons}: not valid UTF-8, decoded as GB18030"]


def test_kg_extract_build_and_eval_take_the_map(tmp_path: Path) -> None:
    csv = tmp_path / "export.csv"
    shutil.copy(DATA / "terminal_export.csv", csv)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(csv), "-o", str(out), "--fields", CSV_MAP])
    assert result.exit_code == 1  # the empty record
    assert result.stderr.splitlines() == [f"Error: {csv}:6: no article text found", "1 input(s) failed"]
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["article"]["title"] for x in lines] == [
        "恒川锂电联手华储能源设立储能合资公司",
        "宁德时代与工商银行福建省分行签署战略合作协议",
    ]
    result = runner.invoke(app, ["extract", str(csv), "-o", str(out), "--fields", "body=content"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: --fields: unknown article field 'body' (known: text, title, date, url, categories, tags)"
    )
    db = tmp_path / "kg.db"
    result = runner.invoke(app, ["build", str(csv), "--db", str(db), "--json", "--fields", CSV_MAP])
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["new"] == 2
    assert summary["failed"] == [{"path": f"{csv}:6", "error": "no article text found"}]
    # kg eval: gold for a record file is DIR/<file stem>.json; the map re-reads the articles for evidence
    gold = tmp_path / "gold"
    gold.mkdir()
    entities = [{"name": "恒川锂电科技股份有限公司", "type": "Company"}]
    (gold / "export.json").write_text(json.dumps({"entities": entities, "relations": []}), encoding="utf-8")
    relations = sum(len(x["relations"]) for x in lines)
    result = runner.invoke(app, ["eval", "--gold", str(gold), str(out), "--json", "--fields", CSV_MAP])
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["evidence"]["exact"] == report["evidence"]["total"] == relations > 0
    assert report["articles"] == 2 and report["entities"]["tp"] >= 1
    # without the map the body is still found (`content` is a default name) but the title is not: the
    # article read back is not the one extracted, and kg eval says so instead of trusting the evidence
    result = runner.invoke(app, ["eval", "--gold", str(gold), str(out), "--json"])
    assert f"Warning: {csv}:2: article changed since extraction (id " in result.stderr
    assert (
        "article changed"
        not in runner.invoke(
            app, ["eval", "--gold", str(gold), str(out), "--json", "--fields", CSV_MAP]
        ).stderr
    )


def test_the_separator_is_the_header_rows(tmp_path: Path) -> None:
    """Tabs in the header: the commas and semicolons of the text are text, not separators."""
    tsv = tmp_path / "t.csv"
    tsv.write_text("title\ttext\n甲\t宁德时代、工商银行签署协议; 双方表示, 将深化合作。\n", encoding="utf-8")
    (a,) = read_file(tsv)
    assert (a.title, a.text) == ("甲", "宁德时代、工商银行签署协议; 双方表示, 将深化合作。")  # type: ignore[union-attr]
