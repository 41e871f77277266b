"""Fuzzing the reader (kg.ingest) and the extractor (kg.extract.extract_article) with Hypothesis: random
Unicode, deeply nested and broken HTML, long lines without punctuation, thousands of names in one
sentence, mixed scripts and control characters. Nothing may escape (an ExtractError is the extractor
reporting its own bug), every offset is exact (text[start:end] is the quoted text), and each example ends
within a generous deadline (a blow-up, not a benchmark: budgets belong to benchmarks/).

Under `make test` (CI set) the examples are derandomized, so CI sees the same inputs every run; run pytest
directly to explore new ones (KG_FUZZ_EXAMPLES raises the count)."""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.errors import ReadError
from kg.ingest import read_file
from kg.models import Article, Extraction

extract = pytest.importorskip(
    "kg.extract", reason="the extractor package is not in this tree"
).extract_article

EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=20),  # generous: catches a blow-up (quadratic on 20k chars), not slowness
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CJK = "中国平安银行集团临港新片区管委会签署战略合作协议资金亿元美元年月日上海北京深圳广西投资有限公司股份基金控股"
PUNCT = "，。、；：！？“”‘’（）《》【】,.;:!?()'\"-%/"
OTHER_SCRIPTS = "abcXYZ019αβγабвｱｲｳ한국어عربيעבריתไทย"
CONTROLS = (
    "\x01\x02\x07\x08\x0b\x0c\x1b\x1f\x7f\x85\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202e\ufeff\ufffd\t\r"
)
MIXED = st.text(alphabet=st.sampled_from(list(CJK + PUNCT + OTHER_SCRIPTS + CONTROLS + " \n")), max_size=600)
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=600)  # no lone surrogates: not UTF-8
SUFFIX = ["集团", "银行", "有限公司", "股份有限公司", "管委会", "基金", "分行", "新片区", "市", "控股"]
NAME = st.builds(
    lambda stem, suffix: stem + suffix,
    st.text(st.sampled_from(list(CJK)), min_size=1, max_size=6),
    st.sampled_from(SUFFIX),
)
WORDS = [
    "与",
    "和",
    "及",
    "向",
    "为",
    "在",
    "签署",
    "签订",
    "战略合作协议",
    "提供",
    "贷款",
    "融资",
    "投资",
    "收购",
    "亿元",
    "万元",
    "美元",
    "落户",
    "位于",
    "董事长",
    "总经理",
    "出席",
    "（以下简称“",
    "”）",
    "2023年4月12日",
    "上月28日",
    "100%",
    "51%",
    "旗下",
    "子公司",
    "合资成立",
    "，",
    "。",
    "、",
    "；",
    "\n\n",
]
NEWS = st.lists(st.one_of(NAME, st.sampled_from(WORDS)), max_size=120).map("".join)


def article(text: str, path: str = "fuzz.md") -> Article:
    return Article(id="fuzz", path=path, title="", text=text)


def check(a: Article, ex: Extraction) -> None:
    """The contract: valid model, ids resolve, every mention and evidence quotes the text exactly."""
    Extraction.model_validate(ex.model_dump())
    text = a.text
    ids = [e.id for e in ex.entities]
    assert len(ids) == len(set(ids))
    for e in ex.entities:
        for m in e.mentions:
            assert 0 <= m.start <= m.end <= len(text) and text[m.start : m.end] == m.text, (e.name, m)
    for r in ex.relations:
        assert r.source in ids and r.target in ids
        ev = r.evidence
        assert 0 <= ev.start <= ev.end <= len(text) and text[ev.start : ev.end] == ev.text, r


def run(text: str) -> None:
    a = article(text)
    check(a, extract(a))


# --------------------------------------------------------------------------- the extractor


@FUZZ
@given(ANY_TEXT)
def test_extractor_on_random_unicode(text: str) -> None:
    run(text)


@FUZZ
@given(MIXED)
def test_extractor_on_mixed_scripts_and_control_characters(text: str) -> None:
    run(text)


@FUZZ
@given(NEWS)
def test_extractor_on_news_like_word_salad(text: str) -> None:
    run(text)


@settings(FUZZ, max_examples=min(EXAMPLES, 4))  # ~1-3 s each: the extractor is quadratic in names here
@given(
    st.integers(1000, 3000),
    st.lists(st.sampled_from(SUFFIX), min_size=1, max_size=5),
    st.sampled_from(["、", "和", "，", " ", ""]),
)
def test_extractor_with_thousands_of_names_in_one_sentence(count: int, suffixes: list[str], sep: str) -> None:
    """`count` distinct organisation names (two-character stems, drawn suffixes) listed in one sentence."""
    stems = [CJK[i % len(CJK)] + CJK[(i // len(CJK)) % len(CJK)] for i in range(count)]
    names = [stem + suffixes[i % len(suffixes)] for i, stem in enumerate(stems)]
    run("据悉，" + sep.join(names) + "共同签署战略合作协议，并向临港集团提供贷款100亿元。")


@FUZZ
@given(
    st.text(st.sampled_from(list(CJK + OTHER_SCRIPTS)), min_size=1, max_size=40),
    st.sampled_from([5000, 10000, 20000]) | st.integers(200, 20000),  # Hypothesis favours small integers
)
@example("中国平安集团", 20000)
@example("a", 20000)
def test_extractor_on_long_lines_without_punctuation(unit: str, length: int) -> None:
    run((unit * (length // len(unit) + 1))[:length])


# --------------------------------------------------------------------------- the reader (and reader -> extractor)

TAGS = ["div", "p", "span", "b", "table", "tr", "td", "ul", "li", "section", "font", "a"]
BROKEN = [
    "<",
    ">",
    "</",
    "<p",
    '<div class="',
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "<script>",
    "</script>",
    "<style>",
    "&",
    "&amp",
    "&#",
    "&#x110000;",
    "&#0;",
    "&#xD800;",
    "&nbsp;",
    "&bogus;",
    "<br/>",
    "<br",
    "<?xml",
    "<!DOCTYPE html>",
    "</html>",
    "<title>",
    "---\n",
    "\x00",
    "\ufeff",
]


@st.composite
def nested_html(draw: st.DrawFn) -> str:
    depth = draw(st.sampled_from([500, 1500, 3000]) | st.integers(1, 3000))
    tags = draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=5))
    inner = draw(NEWS) or "中国平安与临港新片区管委会签署协议。"
    opened = "".join(f"<{tags[i % len(tags)]}>" for i in range(depth))
    closed = "".join(f"</{tags[i % len(tags)]}>" for i in reversed(range(depth)))
    if draw(st.booleans()):
        closed = closed[: len(closed) // 2]  # half the tags never closed
    return f"<html><body>{opened}{inner}{closed}</body></html>"


BROKEN_HTML = st.lists(st.one_of(st.sampled_from(BROKEN), NEWS, MIXED), max_size=60).map("".join)


def read_and_extract(name: str, data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        path.write_bytes(data)
        items = list(read_file(path, on_warning=lambda _m: None))
    assert items
    for item in items:
        if isinstance(item, ReadError):
            assert item.path.startswith(str(path)) and item.problem and "\n" not in item.problem
            continue
        assert item.path.startswith(str(path)) and item.text.strip()
        check(item, extract(item))


@FUZZ
@given(
    st.binary(max_size=2000), st.sampled_from(["x.md", "x.txt", "x.html", "x.jsonl", "x.markdown", "x.htm"])
)
@example(
    b"\xfe\xff", "x.jsonl"
)  # found here: a JSON Lines file of nothing but a BOM read as no article, silently
@example(b"\xef\xbb\xbf \n", "x.jsonl")
def test_reader_on_random_bytes(data: bytes, name: str) -> None:
    read_and_extract(name, data)


@FUZZ
@given(st.one_of(MIXED, ANY_TEXT, BROKEN_HTML), st.sampled_from(["x.md", "x.txt", "x.html", "x.jsonl"]))
def test_reader_on_random_text_of_every_format(text: str, name: str) -> None:
    read_and_extract(name, text.encode("utf-8"))


@FUZZ
@given(nested_html(), st.sampled_from(["x.html", "x.md"]))
def test_reader_on_deeply_nested_html(page: str, name: str) -> None:
    read_and_extract(name, page.encode("utf-8"))


@FUZZ
@given(BROKEN_HTML)
def test_reader_on_broken_html_in_a_post(body: str) -> None:
    read_and_extract("post.md", f"---\ntitle: 测试\ndate: 2022-01-07\n---\n{body}\n".encode())


@FUZZ
@given(st.lists(st.one_of(MIXED, BROKEN_HTML, st.just('{"text": 1}'), st.just("[]")), max_size=8))
def test_reader_on_json_lines_of_anything(lines: list[str]) -> None:
    import json

    encoded = [
        json.dumps({"title": "t", "text": x}, ensure_ascii=False) if i % 2 else x for i, x in enumerate(lines)
    ]
    read_and_extract("batch.jsonl", "\n".join(encoded).encode("utf-8"))
