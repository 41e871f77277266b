"""Article records: JSON Lines and CSV exports of news terminals and crawlers, with their own field names.

A vendor calls the body `content`, the headline `headline`, the date `pub_time`; a `FieldMap` says so
(`text=content,title=headline,date=pub_time,url=link`) instead of a conversion script per vendor. Each
record is one article, `Article.path` is `file:LINE` (for CSV the line where the record starts), and a bad
record is one error naming that line while the other records are read.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from typing import Any

from kg.errors import KgError, ReadError
from kg.ingest.article import make_article, str_list
from kg.ingest.html_text import html_to_paragraphs, looks_like_html
from kg.ingest.text import join_paragraphs, normalize_date, normalize_ws, split_blocks
from kg.models import Article

# article field -> the record fields tried when no mapping names one (first present wins)
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "content"),
    "title": ("title",),
    "date": ("date",),
    "url": ("url", "source_url"),
    "categories": ("categories",),
    "tags": ("tags",),
}
ARTICLE_FIELDS = tuple(DEFAULT_FIELDS)

FieldMap = Mapping[str, str]  # article field -> record field (a dotted path reaches into JSON objects)


def parse_field_map(spec: str | None) -> dict[str, str]:
    """`text=content,title=headline` -> {"text": "content", "title": "headline"}; KgError when malformed."""
    out: dict[str, str] = {}
    if not spec:
        return out
    for part in spec.split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            raise KgError(f"--fields: expected FIELD=COLUMN, got {part.strip()!r}")
        if key not in DEFAULT_FIELDS:
            raise KgError(f"--fields: unknown article field {key!r} (known: {', '.join(ARTICLE_FIELDS)})")
        if key in out:
            raise KgError(f"--fields: {key!r} is mapped twice")
        out[key] = value
    return out


def _lookup(data: Mapping[str, Any], name: str) -> Any:
    """A field by name, or by dotted path into nested objects (`data.body`) when no key has the name."""
    if name in data:
        return data[name]
    value: Any = data
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def _field(data: Mapping[str, Any], key: str, fields: FieldMap) -> Any:
    if key in fields:
        return _lookup(data, fields[key])
    for name in DEFAULT_FIELDS[key]:
        if name in data:
            return data[name]
    return None


def _text_name(fields: FieldMap) -> str:
    return fields.get("text") or "text"


def article_from_record(label: str, data: Any, fields: FieldMap | None = None) -> Article:
    """One JSON object or CSV row -> Article; ReadError naming `label` when it has no text."""
    fields = fields or {}
    if not isinstance(data, dict):
        raise ReadError(label, f"expected a JSON object, got {type(data).__name__}")
    if is_extraction_record(data):
        raise ReadError(label, "a `kg extract` output line, not an article (use it with `kg eval`)")
    text = _field(data, "text", fields)
    if not isinstance(text, str):
        raise ReadError(label, f'missing "{_text_name(fields)}" string')
    paragraphs = html_to_paragraphs(text) if looks_like_html(text) else split_blocks(text)
    url = _field(data, "url", fields)
    return make_article(
        label,
        join_paragraphs(paragraphs),
        title=normalize_ws(str(_field(data, "title", fields) or "")),
        date=normalize_date(_field(data, "date", fields)),
        url=str(url) if url else None,
        categories=str_list(_field(data, "categories", fields)),
        tags=str_list(_field(data, "tags", fields)),
    )


def is_extraction_record(data: Any) -> bool:
    return isinstance(data, dict) and "article" in data and "entities" in data


def read_jsonl(label: str, raw: str, fields: FieldMap | None = None) -> Iterator[Article | ReadError]:
    """One article per line; a `kg extract` output file is one error, not one per line."""
    first = True
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{label}:{n}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(where, f"invalid JSON: {exc.msg} (column {exc.colno})")
            first = False
            continue
        if first and is_extraction_record(data):
            yield ReadError(label, "a `kg extract` output file, not articles (use it with `kg eval`)")
            return
        first = False
        try:
            yield article_from_record(where, data, fields)
        except ReadError as exc:
            yield exc


def read_csv(label: str, raw: str, fields: FieldMap | None = None) -> Iterator[Article | ReadError]:
    """A CSV export with a header row (comma, semicolon or tab separated, quoted multi-line cells).

    The separator is the one the header row uses most: headers are plain names, while a sniffer reading
    the rows would be misled by the commas and semicolons of Chinese text in unquoted cells.
    """
    fields = fields or {}
    header_line = raw.split("\n", 1)[0]
    delimiter = max(",;\t", key=header_line.count) if any(d in header_line for d in ",;\t") else ","
    reader = csv.reader(io.StringIO(raw, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        yield ReadError(label, "no header row")
        return
    except csv.Error as exc:
        yield ReadError(f"{label}:1", f"invalid CSV: {exc}")
        return
    wanted = _text_name(fields) if "text" in fields else None
    if wanted is not None and wanted not in header:
        yield ReadError(label, f'no "{wanted}" column (columns: {", ".join(header)})')
        return
    if wanted is None and not any(n in header for n in DEFAULT_FIELDS["text"]):
        yield ReadError(label, f'no "text" column (columns: {", ".join(header)}; map one with --fields)')
        return
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield ReadError(f"{label}:{start}", f"invalid CSV: {exc}")
            return
        where, start = f"{label}:{start}", reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield ReadError(where, f"{len(row)} cells, the header has {len(header)}")
            continue
        try:
            yield article_from_record(where, dict(zip(header, row, strict=True)), fields)
        except ReadError as exc:
            yield exc
