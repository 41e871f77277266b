"""The reader on real inputs (seed, dev corpus) and on small files of every supported format."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.errors import ReadError
from kg.ingest import article_id, collect_files, read_article, read_articles
from kg.ingest.text import normalize_date, normalize_ws

MARKUP = re.compile(r"</?[a-zA-Z][^>]*>")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the seed (Jekyll post)


def test_seed_front_matter(seed_article: Path) -> None:
    a = read_article(seed_article)
    assert a.title == "服务国家战略 把握创新机遇 平安直通正式入驻临港新片区"
    assert a.date == "2022-01-07"  # "2022-01-07 21:21:41 +0800" -> date part
    assert a.categories == ["shanghaizhengquanbao·zhongguozhengquanwang"]
    assert a.tags == ["上海证券报·中国证券网新闻"]
    # no url in the front matter: the trailing <http…> line is the source
    assert a.url == "http://finews.zning.xyz/html_News/NewsShare.html?infoCode=NW202201072240501674"


def test_seed_body_is_plain_paragraphs(seed_article: Path) -> None:
    a = read_article(seed_article)
    raw = seed_article.read_text(encoding="utf-8")
    paragraphs = a.text.split("\n\n")
    assert len(paragraphs) == raw.count("<p")  # one paragraph per <p>
    assert not MARKUP.search(a.text)
    assert "返回" not in a.text and "finews" not in a.text  # navigation and source lines dropped
    assert paragraphs[-1] == "（文章来源：上海证券报·中国证券网）"
    assert paragraphs[0].startswith("为助力上海临港新片区的跨越式发展，")
    # half-width brackets inside CJK text are kept as written
    assert "平安直通咨询有限公司(下称平安直通)" in a.text


def test_dev_corpus_gold_evidence_is_in_text(dev_corpus: Path) -> None:
    """The reader's text is what gold offsets and evidence refer to."""
    articles = list(read_articles([dev_corpus / "articles"]))
    assert len(articles) == len(list((dev_corpus / "gold").glob("*.json")))
    for a in articles:
        assert not isinstance(a, ReadError), a
        gold = json.loads((dev_corpus / "gold" / (Path(a.path).stem + ".json")).read_text(encoding="utf-8"))
        for r in gold["relations"]:
            assert r["evidence"] in a.text, (a.path, r["evidence"])
        assert a.date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", a.date)
        assert a.url and a.url.startswith("http")


# --------------------------------------------------------------------------- ids


def test_id_is_stable_and_independent_of_path(tmp_path: Path, seed_article: Path) -> None:
    raw = seed_article.read_bytes()
    one = tmp_path / "a" / "x.txt"
    two = tmp_path / "b" / "renamed.txt"
    for p in (one, two):
        p.parent.mkdir()
        p.write_bytes(raw)
    a, b = read_article(one), read_article(two)
    assert a.id == b.id == read_article(seed_article).id
    assert re.fullmatch(r"[0-9a-f]{16}", a.id)
    assert a.id == article_id(a.title, a.date, a.text)
    assert article_id(a.title, a.date, a.text + "。") != a.id


# --------------------------------------------------------------------------- formats


def test_markdown_strips_markup(tmp_path: Path) -> None:
    p = write(
        tmp_path / "note.md",
        "# 标题一\n\n"
        "**宁德时代**与[北汽蓝谷](https://example.com/a)签署*合作*协议，\n"
        "共同设立合资公司。\n\n"
        "## 小标题\n"
        "- 第一点：`代码`不留\n"
        "> 引用 ~~删除~~ 内容\n",
    )
    a = read_article(p)
    assert a.title == "标题一"
    assert a.text.split("\n\n") == [
        "宁德时代与北汽蓝谷签署合作协议，共同设立合资公司。",  # CJK line wrap joined without a space
        "小标题",
        "第一点：代码不留引用 删除 内容",
    ]


def test_jekyll_markdown_with_front_matter_url_and_list_categories(tmp_path: Path) -> None:
    p = write(
        tmp_path / "post.markdown",
        "---\ntitle: 测试\ndate: 2021-8-3\ncategories: [财经, 银行]\ntags: a b\nurl: https://x.cn/1\n---\n"
        "正文第一段。\n\n正文 *第二* 段。\n",
    )
    a = read_article(p)
    assert (a.title, a.date, a.url) == ("测试", "2021-08-03", "https://x.cn/1")
    assert a.categories == ["财经", "银行"] and a.tags == ["a", "b"]
    assert a.text == "正文第一段。\n\n正文 第二 段。"


def test_html_page(tmp_path: Path) -> None:
    p = write(
        tmp_path / "page.htm",
        "<!doctype html><html><head><title>页面 标题</title>"
        '<meta property="article:published_time" content="2023-05-06T10:00:00+08:00">'
        '<link rel="canonical" href="https://news.example/1.html"><style>p{color:red}</style></head>'
        "<body><nav>首页 | 新闻</nav><h1>页面 标题</h1>"
        "<p>A公司&amp;B公司于5月签署&lt;框架协议&gt;。</p><script>var x = '<p>no</p>';</script>"
        "<div>第二段<br>第三段&nbsp;结束</div><footer>版权所有</footer></body></html>",
    )
    a = read_article(p)
    assert (a.title, a.date, a.url) == ("页面 标题", "2023-05-06", "https://news.example/1.html")
    assert a.text.split("\n\n") == ["A公司&B公司于5月签署<框架协议>。", "第二段", "第三段 结束"]


def test_html_title_without_site_suffix(tmp_path: Path) -> None:
    p = write(
        tmp_path / "s.html",
        "<title>某行落地跨境融资_金融观察网</title><h1>某行落地跨境融资</h1><p>正文。</p>",
    )
    a = read_article(p)
    assert (a.title, a.text) == ("某行落地跨境融资", "正文。")


def test_html_article_element_preferred_and_h1_title(tmp_path: Path) -> None:
    p = write(
        tmp_path / "a.html",
        "<html><body><div>侧栏链接</div><article><h1>头条</h1><p>正文。</p></article></body></html>",
    )
    a = read_article(p)
    assert a.title == "头条"
    assert a.text == "正文。"


def test_txt_title_line_and_plain_body(tmp_path: Path) -> None:
    p = write(tmp_path / "t.txt", "某银行与某集团签约\n\n第一段内容，\n接续一行。\n\n  第二段  有  空格  \n")
    a = read_article(p)
    assert a.title == "某银行与某集团签约"
    assert a.text == "第一段内容，接续一行。\n\n第二段 有 空格"


def test_txt_without_title(tmp_path: Path) -> None:
    p = write(tmp_path / "t.txt", "这是一个完整的句子。\n\n第二段。\n")
    a = read_article(p)
    assert a.title == ""
    assert a.text == "这是一个完整的句子。\n\n第二段。"


def test_jsonl_articles_and_bad_line(tmp_path: Path) -> None:
    lines = [
        json.dumps({"title": "一", "date": "2022-01-07 09:00", "url": "https://a/1", "text": "甲。\n\n乙。"}),
        "",
        "{not json",
        json.dumps({"title": "三", "text": "<p>丙。</p><p>丁。</p>"}, ensure_ascii=False),
        json.dumps({"title": "四"}),
    ]
    p = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    out = list(read_articles([p]))
    assert [type(x).__name__ for x in out] == ["Article", "ReadError", "Article", "ReadError"]
    first, bad, third, missing = out
    assert (first.path, first.title, first.date, first.url, first.text) == (
        f"{p}:1",
        "一",
        "2022-01-07",
        "https://a/1",
        "甲。\n\n乙。",
    )
    assert str(bad) == f"{p}:3: invalid JSON: Expecting property name enclosed in double quotes (column 2)"
    assert third.path == f"{p}:4" and third.text == "丙。\n\n丁。"
    assert str(missing) == f'{p}:5: missing "text" string'


def test_read_article_rejects_multi_article_jsonl(tmp_path: Path) -> None:
    p = write(tmp_path / "two.jsonl", '{"text": "甲。"}\n{"text": "乙。"}\n')
    with pytest.raises(ReadError, match="holds 2 articles; use read_articles"):
        read_article(p)


# --------------------------------------------------------------------------- directories


def test_directory_walk_is_sorted_recursive_and_skips_hidden(tmp_path: Path) -> None:
    for rel in (
        "b.md",
        "a.txt",
        "sub/c.html",
        "sub/z.jsonl",
        ".hidden.md",
        ".git/d.md",
        "notes.pdf",
        "x.json",
    ):
        write(tmp_path / rel, "<p>正文。</p>" if rel.endswith("html") else '{"text": "正文。"}')
    files = collect_files([tmp_path])
    assert [f.relative_to(tmp_path).as_posix() for f in files] == [
        "a.txt",
        "b.md",
        "sub/c.html",
        "sub/z.jsonl",
    ]


def test_explicit_unsupported_and_missing_files_are_errors(tmp_path: Path) -> None:
    pdf = write(tmp_path / "report.pdf", "%PDF")
    ok = write(tmp_path / "ok.txt", "正文。")
    out = list(read_articles([pdf, tmp_path / "nope.md", ok]))
    assert [str(x) for x in out[:2]] == [
        f"{pdf}: unsupported file type '.pdf'",
        f"{tmp_path / 'nope.md'}: no such file or directory",
    ]
    assert out[2].text == "正文。"


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("中国\n平安", "中国平安"),  # line wrap inside Chinese: no space
        ("Ping An\n集团", "Ping An 集团"),
        ("平安 集团", "平安 集团"),  # a space written between CJK words is kept
        ("  a \t b  ", "a b"),
        ("\u3000\u3000缩进", "\u3000\u3000缩进"),  # ideographic spaces are content
    ],
)
def test_normalize_ws(raw: str, expected: str) -> None:
    assert normalize_ws(raw) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-01-07 21:21:41 +0800", "2022-01-07"),
        ("2022/1/7", "2022-01-07"),
        ("2022年1月7日", "2022-01-07"),
        ("2022-03", "2022-03"),
        ("yesterday", None),
        ("2022-13-01", None),
        (None, None),
    ],
)
def test_normalize_date(value: object, expected: str | None) -> None:
    assert normalize_date(value) == expected
