"""Property: any HTML body of CJK/mixed-width text in nested tags reads back as exactly its paragraphs."""

from __future__ import annotations

import html
import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.ingest import read_article

# No ASCII letters: decoded `&lt;` can then never form something that looks like a tag.
ALPHABET = (
    "中国平安银行集团临港新片区签署协议合作资金亿元美元年月日"
    "，。、；：！？“”‘’（）《》【】"
    ",.;:!?()'\"-%0123456789"
    "<>&"
)
WORD = st.text(alphabet=ALPHABET, min_size=1, max_size=12)
PARAGRAPH = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
INLINE = ["b", "i", "em", "strong", "span", 'span class="x"', 'a href="http://e.cn/?a=1&amp;b=2"', "font"]
TAG = re.compile(r"</?[A-Za-z]")


@st.composite
def marked_up(draw: st.DrawFn, text: str) -> str:
    """Escape the text, then wrap random runs of words in (nested) inline tags."""
    words = text.split(" ")
    out = []
    for w in words:
        piece = html.escape(w, quote=False)
        for _ in range(draw(st.integers(0, 2))):
            tag = draw(st.sampled_from(INLINE))
            piece = f"<{tag}>{piece}</{tag.split()[0]}>"
        out.append(piece)
    sep = draw(
        st.sampled_from([" ", "  \t ", "\u00a0"])
    )  # a line break between CJK is a wrap: see test_ingest
    return sep.join(out)


@st.composite
def bodies(draw: st.DrawFn) -> tuple[list[str], str]:
    paragraphs = draw(st.lists(PARAGRAPH, min_size=1, max_size=5))
    parts = []
    for i, p in enumerate(paragraphs):
        inner = draw(marked_up(p))
        style = draw(st.sampled_from(["p", "div", "br", "nested"]))
        if style == "p":
            parts.append(f'<p class="c{i}">{inner}</p>')
        elif style == "div":
            parts.append(f"<div>\n{inner}\n</div>")
        elif style == "nested":
            parts.append(f"<section><div><p>{inner}</p></div></section>")
        else:
            parts.append(("<br/>" if i else "") + inner + "<br>")
    return paragraphs, "".join(parts)


@settings(max_examples=150, deadline=None)
@given(bodies())
def test_html_bodies_round_trip(body: tuple[list[str], str]) -> None:
    paragraphs, markup = body
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "post.md"
        path.write_text(f"---\ntitle: 测试\ndate: 2022-01-07\n---\n{markup}\n", encoding="utf-8")
        article = read_article(path)
    assert article.text.split("\n\n") == paragraphs
    assert not TAG.search(article.text)
    assert "&amp;" not in article.text and "&lt;" not in article.text


GARBAGE = st.lists(
    st.sampled_from(
        list(ALPHABET + "abcp/=\"' \n\t#*[]_`~-") + ["<p>", "</p>", "<br>", "<div", "---\n", "&#"]
    ),
    max_size=80,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(GARBAGE, st.sampled_from([".md", ".txt", ".html"]))
def test_reading_arbitrary_bodies_never_crashes(body: str, ext: str) -> None:
    from kg.errors import ReadError

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / f"x{ext}"
        path.write_text(body, encoding="utf-8")
        try:
            article = read_article(path)
        except ReadError as exc:
            assert exc.path == str(path)
            return
    paragraphs = article.text.split("\n\n")
    assert all(p and p == p.strip(" ") and "\n" not in p for p in paragraphs)
