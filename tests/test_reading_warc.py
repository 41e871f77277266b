"""Web archives: `.warc` and `.warc.gz` streamed with warcio; HTML 200 responses are articles (issue 14)."""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from kg.cli import app
from kg.errors import ReadError
from kg.ingest import collect_files, read_file
from kg.ingest.warc import WarcCounts, read_warc
from kg.models import Article

DATA = Path(__file__).parent / "data" / "reading"
runner = CliRunner()
SUMMARY = (
    "9 records: 3 article(s), 2 responses skipped (1 not HTML: application/pdf, 1 status 404), "
    "4 other records (3 request, 1 warcinfo)"
)


def _copy(tmp_path: Path, name: str) -> Path:
    dest = tmp_path / name
    shutil.copy(DATA / "warc" / name, dest)
    return dest


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_archive_articles_urls_dates_and_counts(tmp_path: Path, name: str) -> None:
    warc = _copy(tmp_path, name)
    warnings: list[str] = []
    items = list(read_file(warc, on_warning=warnings.append))
    assert [getattr(i, "path", i) for i in items] == [f"{warc}:3", f"{warc}:5", f"{warc}:7"]
    assert [i.url for i in items] == [  # type: ignore[union-attr]
        "https://finance.example.com.cn/stock/2023-03-15/doc-catl-icbc.shtml",
        "http://bank.example.cn/2022/0816/boc-xingcheng.htm",
        "https://www.example-stcn.com/article/detail/880012.html",
    ]
    assert [i.date for i in items] == ["2023-03-15", "2022-08-16", "2023-06-08"]  # type: ignore[union-attr]
    assert warnings == [f"{warc}: {SUMMARY}"]
    # the GBK page inside (charset from the HTTP header) and the chrome handling are those of a saved page
    assert "成都兴城投资集团有限公司" in items[1].text  # type: ignore[union-attr]
    assert "招商银行股份有限公司" not in items[0].text  # type: ignore[union-attr]


def test_counts_are_available_to_a_program() -> None:
    counts = WarcCounts()
    list(read_warc(DATA / "warc" / "crawl.warc.gz", max_mb=20, on_warning=lambda _m: None, counts=counts))
    assert (counts.records, counts.articles) == (9, 3)
    assert counts.skipped == {"not HTML: application/pdf": 1, "status 404": 1}
    assert counts.other == {"request": 3, "warcinfo": 1}


def test_directories_find_warc_gz_files(tmp_path: Path) -> None:
    warc = _copy(tmp_path, "crawl.warc.gz")
    (tmp_path / "notes.gz").write_bytes(gzip.compress(b"x"))
    assert collect_files([tmp_path]) == [warc]


def _archive(records: list[tuple[str, str, bytes]], when: str | None = None, gz: bool = True) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    for url, status_and_type, payload in records:
        status, ctype = status_and_type.split("|")
        http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        extra = {"WARC-Date": when} if when else None
        writer.write_record(
            writer.create_warc_record(
                url, "response", payload=io.BytesIO(payload), http_headers=http, warc_headers_dict=extra
            )
        )
    return buf.getvalue()


PAGE = "<html><head><title>标题</title></head><body><p>宁德时代与工商银行签署协议。</p></body></html>"


def test_fetch_date_when_the_page_has_none_and_record_url(tmp_path: Path) -> None:
    warc = tmp_path / "one.warc.gz"
    warc.write_bytes(
        _archive(
            [("https://x.example/a", "200 OK|text/html; charset=utf-8", PAGE.encode())],
            when="2024-01-02T03:04:05Z",
        )
    )
    (a,) = read_file(warc, on_warning=lambda _m: None)
    assert (a.path, a.url, a.date, a.text) == (  # type: ignore[union-attr]
        f"{warc}:1",
        "https://x.example/a",
        "2024-01-02",
        "宁德时代与工商银行签署协议。",
    )


def test_a_record_over_the_limit_and_a_record_without_text(tmp_path: Path) -> None:
    big = ("<html><body><p>" + "银行" * 400_000 + "。</p></body></html>").encode()
    warc = tmp_path / "mixed.warc.gz"
    warc.write_bytes(
        _archive(
            [
                ("https://x.example/big", "200 OK|text/html", big),
                (
                    "https://x.example/empty",
                    "200 OK|text/html",
                    b"<html><body><script>1</script></body></html>",
                ),
                ("https://x.example/ok", "200 OK|text/html", PAGE.encode()),
            ]
        )
    )
    warnings: list[str] = []
    items = list(read_file(warc, max_mb=1, on_warning=warnings.append))
    assert [str(i) if isinstance(i, ReadError) else i.path for i in items] == [
        f"{warc}:1: record too large: over the 1 MB limit",
        f"{warc}:2: no article text found",
        f"{warc}:3",
    ]
    assert warnings == [f"{warc}: 3 records: 1 article(s), 2 responses skipped (1 too large, 1 without text)"]


@pytest.mark.parametrize("gz", [True, False])
def test_a_cut_archive_keeps_what_came_before_and_never_reads_a_partial_record(
    tmp_path: Path, gz: bool
) -> None:
    noise = "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(3000))  # gzip cannot shrink it
    long_page = f"<html><body><p>宁德时代与工商银行签署协议。{noise}</p></body></html>"
    first = _archive([("https://x.example/1", "200 OK|text/html", PAGE.encode())], gz=gz)
    both = _archive(
        [
            ("https://x.example/1", "200 OK|text/html", PAGE.encode()),
            ("https://x.example/2", "200 OK|text/html", long_page.encode()),
        ],
        gz=gz,
    )
    cut = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    cut.write_bytes(both[: (len(first) + len(both)) // 2])  # in the middle of the second record
    items = list(read_file(cut, on_warning=lambda _m: None))
    assert [str(i) if isinstance(i, ReadError) else i.path for i in items] == [
        f"{cut}:1",
        f"{cut}:2: record breaks off: the archive is truncated",
    ]
    header_cut = tmp_path / ("head.warc.gz" if gz else "head.warc")
    header_cut.write_bytes(both[: len(first) + 40])  # inside the second record's header
    items = list(read_file(header_cut, on_warning=lambda _m: None))
    assert isinstance(items[0], Article) and isinstance(items[-1], ReadError)
    assert items[-1].path == str(header_cut) and items[-1].problem.startswith(
        "archive breaks off after 1 record"
    )


def test_a_file_that_is_no_archive(tmp_path: Path) -> None:
    foreign = tmp_path / "notes.warc"
    foreign.write_text("just some text, not an archive\n", encoding="utf-8")
    (err,) = list(read_file(foreign, on_warning=lambda _m: None))
    assert isinstance(err, ReadError) and err.path == str(foreign)
    assert err.problem == "not a WARC archive (record 1 has no WARC header)"
    binary = tmp_path / "image.warc.gz"
    binary.write_bytes(gzip.compress(bytes(range(256)) * 4))
    (err,) = list(read_file(binary, on_warning=lambda _m: None))
    assert isinstance(err, ReadError) and err.path == str(binary)
    assert err.problem.startswith(("not a WARC archive", "not a readable WARC archive after 0 records"))


def test_kg_extract_and_build_on_an_archive(tmp_path: Path) -> None:
    warc = _copy(tmp_path, "crawl.warc.gz")
    out = tmp_path / "crawl.jsonl"
    result = runner.invoke(app, ["extract", str(warc), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert f"Warning: {warc}: {SUMMARY}" in result.stderr
    assert "Extracted 3 article(s)" in result.stdout
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [x["article"]["path"] for x in lines] == [f"{warc}:3", f"{warc}:5", f"{warc}:7"]
    db = tmp_path / "kg.db"
    result = runner.invoke(app, ["build", str(warc), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["files"], summary["new"], summary["failed"]) == (1, 3, [])
    again = json.loads(runner.invoke(app, ["build", str(warc), "--db", str(db), "--json"]).stdout)
    assert (again["new"], again["unchanged"]) == (0, 3)  # incremental per record


def test_a_page_that_breaks_the_reader_is_named_and_the_archive_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.ingest.warc as warc_module

    real = warc_module.read_page

    def fragile(label: str, markup: str, **kw: object) -> object:
        if "boom" in markup:
            raise RuntimeError("lxml gave up")
        return real(label, markup, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(warc_module, "read_page", fragile)
    warc = tmp_path / "two.warc.gz"
    warc.write_bytes(
        _archive(
            [
                ("https://x.example/bad", "200 OK|text/html", b"<html><body><p>boom</p></body></html>"),
                ("https://x.example/ok", "200 OK|text/html", PAGE.encode()),
            ]
        )
    )
    items = list(read_file(warc, on_warning=lambda _m: None))
    assert [str(i) if isinstance(i, ReadError) else i.path for i in items] == [
        f"{warc}:1: cannot read the page: RuntimeError: lxml gave up",
        f"{warc}:2",
    ]


def test_gold_files_of_records() -> None:
    from kg.evaluate import gold_path_for

    assert gold_path_for("g", "in/crawl.warc.gz:7") == Path("g/crawl.json")
    assert gold_path_for("g", "in/crawl.warc:7") == Path("g/crawl.json")
    assert gold_path_for("g", "in/export.csv:5") == Path("g/export.json")
    assert gold_path_for("g", "in/batch.jsonl:3") == Path("g/batch.json")
    assert gold_path_for("g", "in/a:b.md") == Path("g/a:b.json")
