"""Plain-text helpers shared by the readers: whitespace, CJK line joins, Markdown markup, dates.

The reader must not rewrite what the article says (extraction offsets index the text), so these helpers
only remove markup and collapse layout whitespace; punctuation (full or half width) is kept as written.
"""

from __future__ import annotations

import datetime as _dt
import re

_WS_RUN = re.compile(r"[ \t\r\n\f\v\u00a0]+")


def is_cjk(ch: str) -> bool:
    """CJK ideographs, CJK punctuation and full-width forms: no spaces are implied between them."""
    if not ch:
        return False
    o = ord(ch)
    return (
        0x3000 <= o <= 0x303F
        or 0x3400 <= o <= 0x4DBF
        or 0x4E00 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x2FFFF
    )


def normalize_ws(text: str) -> str:
    """Collapse layout whitespace inside one paragraph.

    A run containing a line break between two CJK characters is a line wrap and disappears (Chinese has
    no spaces between words); any other run becomes one space. Ideographic spaces (U+3000) are content.
    """

    def repl(m: re.Match[str]) -> str:
        run = m.group()
        before = text[m.start() - 1] if m.start() > 0 else ""
        after = text[m.end()] if m.end() < len(text) else ""
        if ("\n" in run or "\r" in run) and is_cjk(before) and is_cjk(after):
            return ""
        return " "

    return _WS_RUN.sub(repl, text).strip(" ")


def split_blocks(text: str) -> list[str]:
    """Split plain text into paragraphs at blank lines, normalising whitespace inside each."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = re.split(r"\n[ \t\u00a0]*\n", text)
    return [p for p in (normalize_ws(b) for b in blocks) if p]


def join_paragraphs(paragraphs: list[str]) -> str:
    return "\n\n".join(p for p in paragraphs if p)


# --------------------------------------------------------------------------- Markdown

_IMAGE = re.compile(r"!\[([^\]\n]*)\]\([^)\n]*\)")
_LINK = re.compile(r"\[([^\]\n]+)\]\([^)\n]*\)")
_REF_LINK = re.compile(r"\[([^\]\n]+)\]\[[^\]\n]*\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EM = re.compile(r"(?<!\*)\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_CODE = re.compile(r"`([^`\n]+)`")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?")
_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]*\S+.*$")


def strip_inline_markdown(line: str) -> str:
    """Links -> their text, emphasis/code markers removed; everything else untouched."""
    line = _IMAGE.sub(lambda m: m.group(1), line)
    line = _LINK.sub(lambda m: m.group(1), line)
    line = _REF_LINK.sub(lambda m: m.group(1), line)
    line = _AUTOLINK.sub(lambda m: m.group(1), line)
    line = _CODE.sub(lambda m: m.group(1), line)
    for _ in range(3):  # nested emphasis such as ***x***
        new = _STRIKE.sub(
            lambda m: m.group(1), _EM.sub(lambda m: m.group(1), _STRONG.sub(lambda m: m.group(2), line))
        )
        if new == line:
            break
        line = new
    return line


def markdown_to_paragraphs(body: str) -> list[str]:
    """Simple Markdown -> paragraphs: headings become their own paragraph, markup is stripped."""
    paragraphs: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            para = normalize_ws("\n".join(current))
            if para:
                paragraphs.append(para)
            current.clear()

    for raw in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip() or _RULE.match(raw) or _REF_DEF.match(raw):
            flush()
            continue
        if _SETEXT.match(raw) and current:
            flush()  # the underlined line was a heading: it is its own paragraph
            continue
        heading = _HEADING.match(raw)
        if heading:
            flush()
            current.append(strip_inline_markdown(heading.group(1)))
            flush()
            continue
        line = _BULLET.sub("", _QUOTE.sub("", raw))
        current.append(strip_inline_markdown(line))
    flush()
    return paragraphs


# --------------------------------------------------------------------------- dates

_DATE_PREFIX = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?")


def normalize_date(value: object) -> str | None:
    """Front-matter / JSON dates -> ISO `YYYY-MM-DD` (or `YYYY-MM`); the time part is dropped."""
    if value is None or value == "":
        return None
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    m = _DATE_PREFIX.match(str(value))
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), m.group(3)
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return _dt.date(year, month, int(day)).isoformat()
    except ValueError:
        return None
