"""Web archives (`.warc`, `.warc.gz`), streamed with warcio: every HTML 200 response is an article.

A crawl holds requests, metadata, PDFs, redirects and error pages besides the articles; they are skipped
and counted, and the count is reported once per archive. Records are read one at a time, so an archive of
any size streams; `max_mb` limits each record's payload instead of the file.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ReadError
from kg.ingest.decode import MB, WarningHandler, charset_from_header, decode_html
from kg.ingest.text import normalize_date
from kg.ingest.webpage import read_page
from kg.models import Article

WARC_SUFFIXES = (".warc", ".warc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class WarcCounts:
    """What one archive held: articles read, responses skipped (by reason), other records (by type)."""

    records: int = 0
    articles: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    other: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1

    def summary(self) -> str:
        """`9 records: 3 article(s), 2 responses skipped (1 not HTML: application/pdf, 1 status 404), …`"""

        def listed(d: dict[str, int]) -> str:
            return ", ".join(f"{n} {k}" for k, n in sorted(d.items()))

        line = f"{self.records} records: {self.articles} article(s)"
        line += f", {sum(self.skipped.values())} responses skipped"
        line += f" ({listed(self.skipped)})" if self.skipped else ""
        if self.other:
            line += f", {sum(self.other.values())} other records ({listed(self.other)})"
        return line


def read_warc(
    path: str | Path,
    *,
    max_mb: float,
    on_warning: WarningHandler,
    counts: WarcCounts | None = None,
) -> Iterator[Article | ReadError]:
    """The articles of an archive, each `Article.path` = `archive:N` (N = the record's number, from 1).

    Skips (and counts in `counts`) non-response records, non-200 responses and non-HTML payloads. An
    archive that is not WARC, or breaks off, is one error after the articles read before the break (a
    partial record is never read as an article).
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    path = Path(path)
    label = str(path)
    counts = counts if counts is not None else WarcCounts()
    try:
        fh = path.open("rb")
    except OSError as exc:
        yield ReadError(label, exc.strerror or str(exc))
        return
    with fh:
        size = path.stat().st_size
        it = ArchiveIterator(fh)
        records = iter(it)
        n = 0
        while True:
            n += 1
            try:
                record = next(records)
            except StopIteration:
                break
            except ArchiveLoadFailed as exc:
                first = str(exc).splitlines()[0] if str(exc) else "unreadable"
                yield ReadError(label, f"not a readable WARC archive after {counts.records} records: {first}")
                return
            except Exception:  # noqa: BLE001 - warcio fails on a cut header in many ways (zlib, None, EOF)
                yield ReadError(
                    label, f"archive breaks off after {counts.records} records (a cut or corrupt record)"
                )
                return
            if record.format != "warc":  # warcio reads any text line as a legacy ARC header
                yield ReadError(label, f"not a WARC archive (record {n} has no WARC header)")
                return
            counts.records += 1
            try:
                item = _record_article(f"{label}:{n}", record, max_mb, on_warning, counts)
                cut = item is _CUT or _broken_off(record)
            except (OSError, EOFError, zlib.error):  # the payload itself is cut inside a gzip member
                cut = True
            if cut:
                yield ReadError(f"{label}:{n}", "record breaks off: the archive is truncated")
                return
            if item is not None:
                yield item
        if it.offset < size:
            yield ReadError(label, f"archive breaks off after {counts.records} records (a cut record header)")


def _broken_off(record: object) -> bool:
    """Read what is left of the record; True when the file ended before the record's declared length."""
    raw = record.raw_stream  # type: ignore[attr-defined]
    while raw.read(1 << 16):
        pass
    return getattr(raw, "limit", 0) > 0


_CUT = ReadError("", "record breaks off")  # a record whose payload ends before its declared length


def _record_article(
    where: str, record: object, max_mb: float, warn: WarningHandler, counts: WarcCounts
) -> Article | ReadError | None:
    rec_type = record.rec_type  # type: ignore[attr-defined]
    if rec_type != "response":
        counts.other[rec_type or "untyped"] = counts.other.get(rec_type or "untyped", 0) + 1
        return None
    http = record.http_headers  # type: ignore[attr-defined]
    status = http.get_statuscode() if http is not None else None
    if status != "200":
        counts.skip(f"status {status or 'missing'}")
        return None
    content_type = http.get_header("Content-Type") or ""
    if content_type.split(";")[0].strip().lower() not in _HTML_TYPES:
        counts.skip(f"not HTML: {content_type.split(';')[0].strip() or 'no type'}")
        return None
    headers = record.rec_headers  # type: ignore[attr-defined]
    url = headers.get_header("WARC-Target-URI")
    fetched = normalize_date(headers.get_header("WARC-Date"))
    limit = int(max_mb * MB)
    data = record.content_stream().read(limit + 1)  # type: ignore[attr-defined]
    if _broken_off(record):  # a cut archive: warcio hands out the partial payload as it is
        return _CUT
    if len(data) > limit:
        counts.skip("too large")
        return ReadError(where, f"record too large: over the {max_mb:g} MB limit")
    try:
        markup = decode_html(data, where, warn, charset_from_header(content_type))
        article = read_page(where, markup, url=url, date=fetched)
    except ReadError as exc:
        counts.skip("without text")
        return exc
    except Exception as exc:  # noqa: BLE001 - one odd page must not end the archive; it is named
        counts.skip("unreadable")
        return ReadError(where, f"cannot read the page: {type(exc).__name__}: {str(exc)[:200]}")
    counts.articles += 1
    return article
