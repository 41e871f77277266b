"""Read article files into `Article`s: Jekyll posts, Markdown, text, web pages (clean or saved with their
chrome), web archives, and JSON Lines / CSV exports (with a field mapping for vendors' names).

Every problem becomes a ReadError naming the file (and line or record for JSON Lines, CSV and WARC);
`read_articles` yields the error and goes on, so one bad file never stops a batch.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import yaml

from kg.errors import ReadError
from kg.ingest.article import NO_TEXT, article_id, make_article, str_list
from kg.ingest.decode import DEFAULT_MAX_MB, WarningHandler, check_size, decode_bytes, decode_html
from kg.ingest.html_text import html_to_paragraphs, looks_like_html
from kg.ingest.records import FieldMap, read_csv, read_jsonl
from kg.ingest.text import join_paragraphs, markdown_to_paragraphs, normalize_date, normalize_ws, split_blocks
from kg.ingest.warc import WARC_SUFFIXES, WarcCounts, read_warc
from kg.ingest.webpage import read_page
from kg.models import Article

MARKDOWN_EXTS = frozenset({".md", ".markdown"})
HTML_EXTS = frozenset({".html", ".htm"})
TEXT_EXTS = frozenset({".txt"})
JSONL_EXTS = frozenset({".jsonl"})
CSV_EXTS = frozenset({".csv"})
WARC_EXTS = frozenset(WARC_SUFFIXES)
SUPPORTED_EXTENSIONS = MARKDOWN_EXTS | HTML_EXTS | TEXT_EXTS | JSONL_EXTS | CSV_EXTS | WARC_EXTS

__all__ = [
    "NO_TEXT",
    "SUPPORTED_EXTENSIONS",
    "ReadWarning",
    "article_id",
    "collect_files",
    "file_kind",
    "make_article",
    "read_article",
    "read_articles",
    "read_file",
]


class ReadWarning(UserWarning):
    """A file was read, but not as written (e.g. decoded from GB18030)."""


def _default_warn(message: str) -> None:
    warnings.warn(ReadWarning(message), stacklevel=3)


# --------------------------------------------------------------------------- front matter

_FM_OPEN = re.compile(r"\A---[ \t]*\r?\n")
_FM_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.MULTILINE)
_URL_LINE = re.compile(r"^\s*<(https?://[^>\s]+)>\s*$")
_LINK_ONLY = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_NAV_SEPARATORS = re.compile(r"[\s｜|/·•]+")


# libyaml's safe loader when PyYAML was built with it (the wheels are): ~10x faster on front matter, which
# is most of the cost of checking an unchanged corpus; same SafeConstructor, same errors with marks.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def split_front_matter(label: str, raw: str) -> tuple[dict[str, Any], str]:
    """`---\\nYAML\\n---\\nbody` -> (mapping, body); a file without front matter -> ({}, raw)."""
    opened = _FM_OPEN.match(raw)
    if not opened:
        return {}, raw
    closed = _FM_CLOSE.search(raw, opened.end())
    if not closed:
        raise ReadError(label, "invalid front matter: no closing '---' line")
    source = raw[opened.end() : closed.start()]
    try:
        data = yaml.load(source, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        mark = getattr(exc, "problem_mark", None)
        context_mark = getattr(exc, "context_mark", None)
        if context_mark is not None and (mark is None or mark.index >= len(source.rstrip())):
            mark = context_mark  # an error at the end of the block: the construct that was left open
        where = f", line {mark.line + 2}" if mark is not None else ""  # +1 for 0-based, +1 for '---'
        raise ReadError(label, f"invalid front matter: {problem}{where}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ReadError(label, f"invalid front matter: expected a mapping, got {type(data).__name__}")
    return data, raw[closed.end() :].lstrip("\r\n")


def _is_nav_line(line: str) -> bool:
    """`[返回…](…)｜[返回首页](…)`: a line made only of links, one of them a 返回 (back) link."""
    links = _LINK_ONLY.findall(line)
    if not links or not any(t.strip().startswith("返回") for t in links):
        return False
    return not _NAV_SEPARATORS.sub("", _LINK_ONLY.sub("", line))


def _clean_body_lines(body: str) -> tuple[str, str | None]:
    """Drop navigation lines and bare `<http…>` source lines (the first becomes the URL)."""
    url: str | None = None
    kept = []
    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        m = _URL_LINE.match(line)
        if m:
            url = url or m.group(1)
            continue
        if _is_nav_line(line):
            continue
        kept.append(line)
    return "\n".join(kept), url


# --------------------------------------------------------------------------- formats


def _body_paragraphs(body: str, markdown: bool) -> list[str]:
    if looks_like_html(body):
        return html_to_paragraphs(body)
    return markdown_to_paragraphs(body) if markdown else split_blocks(body)


def _read_post(label: str, raw: str, markdown: bool) -> Article:
    """Jekyll post (.md/.txt with front matter), Markdown or plain text."""
    meta, body = split_front_matter(label, raw)
    body, line_url = _clean_body_lines(body)
    title = normalize_ws(str(meta.get("title") or ""))
    if not meta and not markdown:
        lines = body.lstrip("\n").split("\n", 2)
        first = lines[0].strip()
        if len(lines) >= 3 and not lines[1].strip() and lines[2].strip() and _title_like(first):
            title, body = normalize_ws(first), lines[2]
    paragraphs = _body_paragraphs(body, markdown)
    if markdown and not meta and paragraphs and raw.lstrip().startswith("# "):
        title, paragraphs = paragraphs[0], paragraphs[1:]  # a leading `# heading` is the title
    url = meta.get("source_url") or meta.get("url") or line_url
    return make_article(
        label,
        join_paragraphs(paragraphs),
        title=title,
        date=normalize_date(meta.get("date")),
        url=str(url) if url else None,
        categories=str_list(meta.get("categories")),
        tags=str_list(meta.get("tags")),
    )


def _title_like(line: str) -> bool:
    return 0 < len(line) <= 80 and line[-1] not in "。！？.!?；;，,：:"


def file_kind(path: Path) -> str:
    """The reader's name for a file's type: its extension, `.warc.gz` counted as one."""
    return ".warc.gz" if path.name.lower().endswith(".warc.gz") else path.suffix.lower()


def _decode_file(path: Path, max_mb: float, warn: WarningHandler, html: bool = False) -> str:
    label = str(path)
    try:
        if path.is_dir():
            raise ReadError(label, "is a directory")
        check_size(path, max_mb)
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReadError(label, "no such file") from None
    except PermissionError:
        raise ReadError(label, "permission denied") from None
    except OSError as exc:
        raise ReadError(label, exc.strerror or str(exc)) from None
    return decode_html(data, label, warn) if html else decode_bytes(data, label, warn)


def read_file(
    path: str | Path,
    *,
    max_mb: float = DEFAULT_MAX_MB,
    on_warning: WarningHandler | None = None,
    fields: FieldMap | None = None,
) -> Iterator[Article | ReadError]:
    """All articles of one file: one for most formats, one per record for JSON Lines, CSV and WARC.

    `fields` maps article fields to a vendor's record fields (JSON Lines and CSV only). A WARC archive
    is streamed (`max_mb` then limits each record) and its skipped records are summed up in one warning.
    """
    path = Path(path)
    warn = on_warning or _default_warn
    kind = file_kind(path)
    try:
        if kind not in SUPPORTED_EXTENSIONS:
            raise ReadError(path, f"unsupported file type {path.suffix or '(no extension)'!r}")
        if kind in WARC_EXTS:
            yield from _read_archive(path, max_mb, warn)
            return
        raw = _decode_file(path, max_mb, warn, html=kind in HTML_EXTS)
        if kind in JSONL_EXTS:
            yield from read_jsonl(str(path), raw, fields)
        elif kind in CSV_EXTS:
            yield from read_csv(str(path), raw, fields)
        elif kind in HTML_EXTS:
            yield read_page(str(path), raw)
        else:
            yield _read_post(str(path), raw, markdown=kind in MARKDOWN_EXTS)
    except ReadError as exc:
        yield exc


def _read_archive(path: Path, max_mb: float, warn: WarningHandler) -> Iterator[Article | ReadError]:
    if not path.is_file():
        raise ReadError(path, "is a directory" if path.is_dir() else "no such file")
    counts = WarcCounts()
    yield from read_warc(path, max_mb=max_mb, on_warning=warn, counts=counts)
    warn(f"{path}: {counts.summary()}")


def read_article(
    path: str | Path,
    *,
    max_mb: float = DEFAULT_MAX_MB,
    on_warning: WarningHandler | None = None,
    fields: FieldMap | None = None,
) -> Article:
    """Read one article file; raises ReadError(path, problem). A JSON Lines file must hold one article."""
    results = list(read_file(path, max_mb=max_mb, on_warning=on_warning, fields=fields))
    for r in results:
        if isinstance(r, ReadError):
            raise r
    if len(results) != 1:
        raise ReadError(path, f"holds {len(results)} articles; use read_articles")
    return results[0]  # type: ignore[return-value]


def _hidden(rel: Path) -> bool:
    return any(part.startswith(".") for part in rel.parts)


def collect_files(paths: Iterable[str | Path]) -> list[Path | ReadError]:
    """Expand directories (recursive, sorted, hidden and unsupported files skipped), keep order of args.

    A path named explicitly is kept whatever its extension, so it gets its own 'unsupported' error.
    """
    out: list[Path | ReadError] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            found = [
                f
                for f in p.rglob("*")
                if f.is_file() and not _hidden(f.relative_to(p)) and file_kind(f) in SUPPORTED_EXTENSIONS
            ]
            out.extend(sorted(found, key=lambda f: f.relative_to(p).as_posix()))
        elif p.exists():
            out.append(p)
        else:
            out.append(ReadError(p, "no such file or directory"))
    return out


def read_articles(
    paths: Iterable[str | Path],
    *,
    max_mb: float = DEFAULT_MAX_MB,
    on_warning: WarningHandler | None = None,
    fields: FieldMap | None = None,
) -> Iterator[Article | ReadError]:
    """Every article under `paths`, in a deterministic order; errors are yielded, not raised."""
    for item in collect_files(paths):
        if isinstance(item, ReadError):
            yield item
        else:
            yield from read_file(item, max_mb=max_mb, on_warning=on_warning, fields=fields)
