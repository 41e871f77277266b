"""Saved web pages: main text without chrome, declared charsets, byline dates, canonical URLs (issue 14).

The fixtures (tests/data/reading/pages, built by scripts/make_reading_fixtures.py) carry three columns of
chrome full of organisation names; truth/NAME.json lists the article's sentences and every piece of chrome.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.extract import extract_article
from kg.ingest import read_article
from kg.ingest.decode import declared_charset
from kg.ingest.webpage import cut_tail, has_chrome, headline

DATA = Path(__file__).parent / "data" / "reading"
PAGES = sorted((DATA / "pages").glob("*.html"))
runner = CliRunner()


def truth(page: Path) -> dict:
    return json.loads((DATA / "truth" / f"{page.stem}.json").read_text(encoding="utf-8"))


def test_fixtures_are_saved_pages_with_chrome() -> None:
    assert len(PAGES) == 4
    for page in PAGES:
        data = page.read_bytes()
        raw = data.decode(declared_charset(data) or "utf-8")  # the GBK pages say so in a meta tag
        assert has_chrome(raw)
        for piece in truth(page)["chrome"]:
            assert piece in raw  # the chrome really is in the page


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_saved_page_keeps_every_sentence_and_no_chrome(page: Path) -> None:
    t = truth(page)
    warnings: list[str] = []
    a = read_article(page, on_warning=warnings.append)
    assert warnings == []  # the GBK page declares its charset: decoded as declared, no guessing
    assert a.title == t["title"]
    assert a.url == t["url"]
    for sentence in t["sentences"]:
        assert sentence in a.text
    for piece in t["chrome"]:
        assert piece not in a.text
    assert "网友评论" not in a.text and "相关新闻" not in a.text and "分享到" not in a.text


def test_dates_from_meta_and_from_the_byline_alone() -> None:
    dates = {p.stem: read_article(p).date for p in PAGES}
    assert dates == {
        "boc_xingcheng_gbk": "2022-08-16",
        "cdb_nanning_table": "2021-11-03",  # "发布时间：2021-11-03 16:40:12" in the byline
        "catl_icbc_saved": "2023-03-15",
        "pingan_lingang_byline": "2023-06-08",  # no meta tag: only "2023年06月08日 14:22 来源：…"
    }
    assert "published_time" not in (DATA / "pages" / "pingan_lingang_byline.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_no_entity_comes_from_chrome(page: Path) -> None:
    """Every mention lies in an article sentence; no organisation of the chrome is extracted."""
    t = truth(page)
    a = read_article(page)
    ex = extract_article(a)
    assert ex.entities, "the article itself names organisations"
    names = {n for e in ex.entities for n in [e.name, *e.aliases]}
    chrome_orgs = {w for piece in t["chrome"] for w in _org_names(piece)}
    assert chrome_orgs, "the chrome names organisations"
    assert not names & chrome_orgs
    body = "".join(t["sentences"])
    for e in ex.entities:
        for m in e.mentions:
            assert a.text[m.start : m.end] == m.text  # the exact-offset contract on the produced text
            assert m.text in body
    for r in ex.relations:
        assert a.text[r.evidence.start : r.evidence.end] == r.evidence.text


def _org_names(piece: str) -> list[str]:
    """Full organisation names in a piece of chrome (they all end in a legal-form suffix)."""
    import re

    return re.findall(r"[\u4e00-\u9fff（）]{2,30}?(?:股份有限公司|有限责任公司|有限公司)", piece)


def test_tail_markers_end_the_article() -> None:
    paras = [
        "第一段正文。",
        "编辑部认为，这笔贷款意义重大，" + "正文" * 30,
        "责任编辑：黄海",
        "下一篇：别的新闻",
    ]
    assert (
        cut_tail(paras) == paras[:2]
    )  # a long paragraph starting with 编辑 is text; the credit line ends it
    assert cut_tail(["【广告】开户有礼", "正文。"]) == [
        "【广告】开户有礼",
        "正文。",
    ]  # never the first paragraph
    assert cut_tail(["正文。", "相关阅读：", "别的新闻"]) == ["正文。"]


def test_headline_without_the_site_name() -> None:
    page = "<title>中国银行四川分行签约-南国财经网</title><h2>中国银行四川分行签约</h2>"
    assert headline("中国银行四川分行签约-南国财经网", page) == "中国银行四川分行签约"
    # not shown on its own on the page: the title stays whole (a dash can be part of a headline)
    assert headline("A股收评-沪指涨1%", "<title>A股收评-沪指涨1%</title>") == "A股收评-沪指涨1%"


def test_same_page_read_clean_would_have_had_chrome() -> None:
    """What the issue is about: the clean path reads the chrome as text (so saved pages must not take it)."""
    from kg.ingest.webpage import read_clean_page

    page = DATA / "pages" / "catl_icbc_saved.html"
    clean = read_clean_page(str(page), page.read_text(encoding="utf-8"))
    assert "招商银行股份有限公司" in clean.text and "北京新浪互联信息服务有限公司版权所有" in clean.text
    assert "招商银行股份有限公司" not in read_article(page).text


def test_clean_page_keeps_the_fast_path_and_never_imports_trafilatura(examples_dir: Path) -> None:
    page = examples_dir / "articles" / "icbc_lingang_branch.html"
    code = (
        "import sys\nfrom kg.ingest import read_article\n"
        f"a = read_article({str(page)!r})\n"
        "print(a.title)\nprint('trafilatura' in sys.modules, 'lxml' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["工商银行上海新片区分行助力临港集团再落地5000万欧元跨境融资", "False False"]


@pytest.mark.parametrize(
    ("head", "charset"),
    [
        ('<meta charset="GBK">', "gbk"),
        ("<meta charset=gb2312 />", "gb2312"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=GB2312">', "gb2312"),
        ("<title>none</title>", None),
    ],
)
def test_declared_charset(head: str, charset: str | None) -> None:
    assert declared_charset(f"<html><head>{head}</head><body></body></html>".encode("ascii")) == charset


def _page(body: str, head: str) -> str:
    return f"<html><head>{head}<title>标题</title></head><body><p>{body}</p></body></html>"


def test_gbk_page_declared_is_read_without_guessing(tmp_path: Path) -> None:
    p = tmp_path / "g.html"
    p.write_bytes(_page("中国银行与兴城集团签署协议。", '<meta charset="gb2312">').encode("gbk"))
    warnings: list[str] = []
    assert read_article(p, on_warning=warnings.append).text == "中国银行与兴城集团签署协议。"
    assert warnings == []


def test_wrong_declaration_warns_and_guesses(tmp_path: Path) -> None:
    p = tmp_path / "w.html"
    p.write_bytes(_page("中国银行与兴城集团签署协议。", '<meta charset="utf-8">').encode("gbk"))
    warnings: list[str] = []
    assert read_article(p, on_warning=warnings.append).text == "中国银行与兴城集团签署协议。"
    assert warnings == [
        f"{p}: not valid utf-8 as declared, guessed instead",
        f"{p}: not valid UTF-8, decoded as GB18030",
    ]


def test_stale_latin1_label_on_a_utf8_page(tmp_path: Path) -> None:
    p = tmp_path / "l.html"
    p.write_bytes(_page("中国银行与兴城集团签署协议。", '<meta charset="iso-8859-1">').encode("utf-8"))
    assert read_article(p).text == "中国银行与兴城集团签署协议。"


def test_kg_extract_and_build_on_saved_pages(tmp_path: Path) -> None:
    out = tmp_path / "pages.jsonl"
    result = runner.invoke(app, ["extract", str(DATA / "pages"), "-o", str(out), "--json"])
    assert result.exit_code == 0, result.stderr
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [Path(x["article"]["path"]).name for x in lines] == [p.name for p in PAGES]
    chrome = {w for p in PAGES for piece in truth(p)["chrome"] for w in _org_names(piece)}
    assert not {e["name"] for x in lines for e in x["entities"]} & chrome
    db = tmp_path / "kg.db"
    result = runner.invoke(app, ["build", str(DATA / "pages"), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["new"], summary["failed"]) == (len(PAGES), [])
    result = runner.invoke(app, ["entities", "--db", str(db), "--json"])
    stored = {n for row in json.loads(result.stdout) for n in [row["name"], *row.get("aliases", [])]}
    assert "宁德时代新能源科技股份有限公司" in stored
    assert not stored & chrome


def test_main_text_failure_falls_back_to_the_tolerant_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.ingest import webpage

    def broken(_markup: str) -> object:
        raise ValueError("document is empty")

    monkeypatch.setattr(webpage, "_main_text", broken)
    a = read_article(DATA / "pages" / "catl_icbc_saved.html")
    assert truth(DATA / "pages" / "catl_icbc_saved.html")["sentences"][0] in a.text
