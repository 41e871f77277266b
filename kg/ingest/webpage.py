"""Web pages: a clean article page, or a page saved from a news site with all its chrome.

A saved page carries navigation, partner and related-article link lists, ads, comment boxes and footers,
all full of organisation names no article stated. Such a page (recognised by its many links) goes through
trafilatura, a main-text extractor made for this (its date search is htmldate's, which reads bylines);
a clean page keeps the fast standard-library path (kg.ingest.html_text), and trafilatura is imported only
when a page needs it. Either way the article text is the plain text produced here: offsets index it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

from kg.ingest.article import make_article
from kg.ingest.html_text import HtmlDocument, parse_html
from kg.ingest.text import join_paragraphs, normalize_date, normalize_ws
from kg.models import Article

# A clean article page links a handful of places; a saved news page links dozens (menus, lists, footer).
CHROME_LINKS = 12
_LINK = re.compile(r"<a\s", re.IGNORECASE)


TAIL_MARKER_MAX = 60  # a marker line is short; a long paragraph that starts with 编辑 is text
_TITLE_SUFFIX = re.compile(r"\s*[-_|｜–—]\s*[^-_|｜–—]{2,15}$")


@lru_cache(maxsize=1)
def _tail_markers() -> re.Pattern[str]:
    """kg/ingest/data/page_tail_markers.txt: the lines after which a saved page is no longer the article."""
    text = resources.files("kg.ingest").joinpath("data/page_tail_markers.txt").read_text(encoding="utf-8")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    return re.compile("|".join(f"(?:{ln})" for ln in lines))


def cut_tail(paragraphs: list[str]) -> list[str]:
    """The article's paragraphs up to the first tail marker (editor credit, prev/next, related, ads).

    Main-text extractors keep what sits in the article's own cell on older sites; these lines end an
    article on every Chinese news site, so nothing after them is the article's.
    """
    markers = _tail_markers()
    for i, para in enumerate(paragraphs):
        if i > 0 and len(para) <= TAIL_MARKER_MAX and markers.match(para):
            return paragraphs[:i]
    return paragraphs


def headline(title: str, markup: str) -> str:
    """`<headline>-<site name>` -> the headline, when the page shows that headline on its own too."""
    stripped = _TITLE_SUFFIX.sub("", title)
    if stripped != title and len(stripped) >= 6 and markup.count(stripped) >= 2:
        return stripped
    return title


def has_chrome(markup: str) -> bool:
    """True for a whole page with many links: the sign of a page saved with its site's chrome."""
    for count, _ in enumerate(_LINK.finditer(markup), start=1):
        if count >= CHROME_LINKS:
            return True
    return False


def _title_of(doc: HtmlDocument) -> str:
    title = doc.title or doc.h1
    if doc.h1 and doc.title.startswith(doc.h1):
        title = doc.h1  # "<headline>_<site name>" in <title>: the headline alone
    return title


def read_clean_page(label: str, markup: str, *, url: str | None = None, date: str | None = None) -> Article:
    """A page without chrome: the standard-library parser (title, <article> or body, meta date and URL)."""
    doc = parse_html(markup)
    title = _title_of(doc)
    paragraphs = list(doc.paragraphs)
    if paragraphs and doc.h1 and paragraphs[0] == doc.h1 and title in (doc.h1, doc.title):
        paragraphs = paragraphs[1:]  # the headline is the title, not body text
    return make_article(
        label,
        join_paragraphs(paragraphs),
        title=title,
        date=normalize_date(doc.date) or date,
        url=url or doc.url,
    )


def _main_text(markup: str) -> Any:
    import trafilatura  # heavy (lxml, htmldate, justext): only for saved pages

    return trafilatura.bare_extraction(
        markup,
        with_metadata=True,
        include_comments=False,
        include_tables=False,  # on a saved page a table is mostly layout (a whole column of links)
        include_images=False,
        deduplicate=False,
    )


def read_saved_page(label: str, markup: str, *, url: str | None = None, date: str | None = None) -> Article:
    """A page saved with chrome: its main text, title, date (meta, then byline) and canonical URL.

    `url` and `date` (from a WARC record) win over the page's own canonical URL and are the fallback for
    its date. When the main-text extractor finds nothing (or fails), the clean path reads the page instead.
    """
    try:
        found = _main_text(markup)
    except Exception:  # noqa: BLE001 - lxml or trafilatura failing on broken markup: the tolerant parser reads it
        found = None
    text = getattr(found, "text", None) or ""
    paragraphs = cut_tail([p for p in (normalize_ws(line) for line in text.split("\n")) if p])
    if not paragraphs:
        return read_clean_page(label, markup, url=url, date=date)
    doc_title = headline(normalize_ws(getattr(found, "title", None) or ""), markup)
    if paragraphs[0] == doc_title:
        paragraphs = paragraphs[1:]
    page_url = getattr(found, "url", None)
    return make_article(
        label,
        join_paragraphs(paragraphs),
        title=doc_title or _title_of(parse_html(markup)),
        date=normalize_date(getattr(found, "date", None)) or date,
        url=url or (page_url if page_url and page_url.startswith(("http://", "https://")) else None),
    )


def read_page(label: str, markup: str, *, url: str | None = None, date: str | None = None) -> Article:
    """Any HTML page: saved pages through main-text extraction, clean ones through the fast parser."""
    if has_chrome(markup):
        return read_saved_page(label, markup, url=url, date=date)
    return read_clean_page(label, markup, url=url, date=date)
