"""HTML -> paragraphs with the standard library's tolerant parser.

Block elements and <br> end a paragraph; inline elements are concatenated without spaces (right for
Chinese); script/style and page chrome (nav, header, footer, aside) are dropped; entities are unescaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from kg.ingest.text import normalize_ws

BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "article",
        "section",
        "main",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "td",
        "th",
        "caption",
        "figure",
        "figcaption",
        "hr",
        "address",
        "center",
        "details",
        "summary",
        "form",
        "fieldset",
    ]
)
SKIP_TAGS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "svg",
        "math",
        "iframe",
        "object",
        "select",
        "textarea",
    ]
)
CHROME_TAGS = frozenset(["nav", "header", "footer", "aside"])
VOID_TAGS = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)

_HTML_HINT = re.compile(
    r"<(?:p|br|div|span|a|b|i|u|em|strong|font|h[1-6]|ul|ol|li|table|tr|td|img|section|article|"
    r"blockquote|center|body|html)(?:\s[^>]*)?/?>",
    re.IGNORECASE,
)
_DATE_META = {"article:published_time", "pubdate", "publishdate", "publish_date", "date", "dc.date"}


def looks_like_html(text: str) -> bool:
    """True when the text carries real HTML markup (the Jekyll posts' bodies are HTML fragments)."""
    return _HTML_HINT.search(text) is not None


@dataclass
class HtmlDocument:
    title: str = ""
    h1: str = ""
    date: str | None = None
    url: str | None = None
    article: list[str] = field(default_factory=list)  # paragraphs inside <article>
    body: list[str] = field(default_factory=list)  # paragraphs outside page chrome

    @property
    def paragraphs(self) -> list[str]:
        return self.article or self.body


_BLANK_LINE = re.compile(r"\n[ \t\u00a0]*\n")


class _Parser(HTMLParser):
    def __init__(self, fragment: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.fragment = fragment  # a post body: blank lines in bare text separate paragraphs
        self.doc = HtmlDocument()
        self._buf: list[str] = []
        self._skip = 0
        self._chrome = 0
        self._article = 0
        self._buf_in_article = False
        self._in_title = False
        self._in_h1 = False
        self._title: list[str] = []
        self._h1: list[str] = []

    # a paragraph ends at every block boundary
    def _flush(self) -> None:
        para = normalize_ws("".join(self._buf))
        self._buf.clear()
        if para and not self._chrome:
            (self.doc.article if self._buf_in_article else self.doc.body).append(para)
        self._buf_in_article = self._article > 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            self._meta(dict(attrs))
        elif tag == "link":
            a = dict(attrs)
            if (a.get("rel") or "").lower() == "canonical" and a.get("href") and not self.doc.url:
                self.doc.url = a["href"]
        if tag == "title":
            self._in_title = True
            return
        if tag in SKIP_TAGS:
            if tag not in VOID_TAGS:
                self._skip += 1
            return
        if tag in BLOCK_TAGS or tag in CHROME_TAGS:
            self._flush()
        if tag in CHROME_TAGS:
            self._chrome += 1
        elif tag == "article":
            self._article += 1
            self._buf_in_article = True
        elif tag == "h1":
            self._in_h1 = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS and tag not in SKIP_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            return
        if tag in SKIP_TAGS:
            if tag not in VOID_TAGS:
                self._skip = max(0, self._skip - 1)
            return
        if tag in BLOCK_TAGS or tag in CHROME_TAGS:
            self._flush()
        if tag in CHROME_TAGS:
            self._chrome = max(0, self._chrome - 1)
        elif tag == "article":
            self._article = max(0, self._article - 1)
            self._buf_in_article = self._article > 0
        elif tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title.append(data)
            return
        if self._skip:
            return
        if self._in_h1 and not self._chrome:
            self._h1.append(data)
        if not self._buf:
            self._buf_in_article = self._article > 0
        if self.fragment and _BLANK_LINE.search(data):
            first, *rest = _BLANK_LINE.split(data)
            self._buf.append(first)
            for piece in rest:
                self._flush()
                self._buf.append(piece)
            return
        self._buf.append(data)

    def _meta(self, a: dict[str, str | None]) -> None:
        key = (a.get("name") or a.get("property") or a.get("itemprop") or "").lower()
        content = a.get("content")
        if not content:
            return
        if key in _DATE_META and not self.doc.date:
            self.doc.date = content
        elif key == "og:url" and not self.doc.url:
            self.doc.url = content

    def close(self) -> None:
        super().close()
        self._flush()
        self.doc.title = normalize_ws("".join(self._title))
        self.doc.h1 = normalize_ws("".join(self._h1))


def parse_html(markup: str, fragment: bool = False) -> HtmlDocument:
    """Parse a whole page or a fragment; never raises on broken markup."""
    parser = _Parser(fragment)
    parser.feed(markup)
    parser.close()
    return parser.doc


def html_to_paragraphs(markup: str) -> list[str]:
    """A body fragment (Jekyll post) -> its paragraphs, page chrome excluded."""
    return parse_html(markup, fragment=True).paragraphs
