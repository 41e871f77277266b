"""Batch extraction: read every input, extract each article, write the JSON Lines output atomically.

The extractor (`kg.extract.extract_article`) is imported lazily so reading works without it. Articles are
read and extracted in a worker process under a time budget (kg.workers), so one runaway article is
abandoned and named instead of stalling the batch.
"""

from __future__ import annotations

import json
import os
import tempfile
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from kg.errors import ExtractError, KgError, ReadError
from kg.ingest.decode import DEFAULT_MAX_MB, WarningHandler
from kg.ingest.reader import ReadWarning, collect_files, read_file
from kg.ingest.records import FieldMap
from kg.models import Article, Extraction
from kg.workers import DEFAULT_ARTICLE_TIMEOUT, Unit, run_guarded

Extractor = Callable[[Article], Extraction]
ProgressHandler = Callable[[int, int], None]  # (files done, files total)


class Failure(BaseModel):
    path: str
    error: str


FailureHandler = Callable[[Failure], None]


class ArticleCounts(BaseModel):
    path: str
    id: str
    title: str = ""
    entities: int
    relations: int


class ExtractSummary(BaseModel):
    """What `kg extract` reports: counts per article and every failure."""

    output: str
    articles: int = 0
    entities: int = 0
    relations: int = 0
    failed: list[Failure] = Field(default_factory=list)
    per_article: list[ArticleCounts] = Field(default_factory=list)


def load_extractor() -> Extractor:
    """The project's extractor; imported on first use."""
    try:
        from kg.extract import extract_article
    except ImportError as exc:
        raise ExtractError(f"the extractor (kg.extract.extract_article) is not available: {exc}") from None
    return extract_article


def failure_of(exc: KgError) -> Failure:
    if isinstance(exc, ReadError):
        return Failure(path=exc.path, error=exc.problem)
    return Failure(path="", error=str(exc))


@dataclass(frozen=True)
class BatchExtractor:
    """An extractor with a batch's settings: the time budget per article and a failure callback.

    Pass it where an Extractor is taken (`iter_extractions`, `extract_to_jsonl`, and through them e.g.
    `kg.evaluate.evaluate_paths(extractor=...)`): the batch then runs with these settings. Called
    directly it simply extracts, in this process.
    """

    extract: Extractor | None = None  # None: the project's extractor
    article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT
    on_failure: FailureHandler | None = None

    def __call__(self, article: Article) -> Extraction:
        return (self.extract or load_extractor())(article)


_WORKER: dict[str, Any] = {}


def _init_worker(extract: Extractor, max_mb: float, fields: FieldMap | None = None) -> None:
    _WORKER["extract"], _WORKER["max_mb"], _WORKER["fields"] = extract, max_mb, fields


def articles_of(
    path: str | Path | ReadError, unit: Unit, max_mb: float, fields: FieldMap | None = None
) -> Iterator[Article]:
    """In a worker: the articles of one file, each started on `unit` (its time budget running). Read
    errors go to `unit.failure`; articles dealt with before a worker restart are skipped."""
    if isinstance(path, ReadError):
        if unit.start(path.path):
            unit.failure(path.path, path.problem)
        return
    for item in read_file(path, max_mb=max_mb, on_warning=unit.warning, fields=fields):
        if not unit.start(item.path):
            continue
        if isinstance(item, ReadError):
            unit.failure(item.path, item.problem)
            continue
        yield item


def extraction_problem(article: Article, exc: Exception) -> str:
    """One line for an extractor failure on `article` (an ExtractError already names the article)."""
    first = (str(exc).splitlines() or [""])[0]
    if isinstance(exc, ExtractError):
        return first.removeprefix(f"{article.path}: ")
    if isinstance(exc, KgError):
        return f"extraction failed: {first}"
    return f"extraction failed: {type(exc).__name__}: {first}"


def _extract_file(path: Path | ReadError, unit: Unit) -> None:
    """Read one file and extract its articles (in a worker): (article, extraction) or a failure each."""
    for article in articles_of(path, unit, _WORKER["max_mb"], _WORKER["fields"]):
        try:
            unit.result((article, _WORKER["extract"](article)))
        except Exception as exc:  # noqa: BLE001 - one article's bug must not end the batch; it is reported
            unit.failure(article.path, extraction_problem(article, exc))


def iter_extractions(
    paths: Iterable[str | Path],
    *,
    max_mb: float = DEFAULT_MAX_MB,
    on_warning: WarningHandler | None = None,
    on_progress: ProgressHandler | None = None,
    extractor: Extractor | BatchExtractor | None = None,
    exclude: Iterable[str | Path] = (),
    article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT,
    on_failure: FailureHandler | None = None,
    fields: FieldMap | None = None,
) -> Iterator[tuple[Article, Extraction] | Failure]:
    """(article, extraction) for every readable article, a Failure for everything else, in input order.

    Files are read and extracted in a worker process, each article within `article_timeout` seconds
    (None or 0: no limit); an article over budget is abandoned (the worker replaced) and yielded as a
    Failure. `on_failure` sees each failure as it happens. A BatchExtractor brings its own settings.
    `fields` maps article fields to the record fields of JSON Lines and CSV exports (kg.ingest.records).
    """
    if isinstance(extractor, BatchExtractor):
        article_timeout, on_failure = extractor.article_timeout, extractor.on_failure or on_failure
        extractor = extractor.extract
    skip = {Path(p).resolve() for p in exclude}
    files = [f for f in collect_files(paths) if isinstance(f, ReadError) or f.resolve() not in skip]
    extract = extractor or load_extractor()
    done = 0
    for event in run_guarded(
        files,
        _extract_file,
        timeout=article_timeout,
        init=_init_worker,
        initargs=(extract, max_mb, dict(fields) if fields else None),
        label=lambda f: f.path if isinstance(f, ReadError) else str(f),
    ):
        if event.kind == "result":
            yield event.value
        elif event.kind == "failure":
            failure = Failure(path=event.value[0], error=event.value[1])
            if on_failure:
                on_failure(failure)
            yield failure
        elif event.kind == "warning":
            if on_warning:
                on_warning(event.value)
            else:
                warnings.warn(ReadWarning(event.value), stacklevel=2)
        elif event.kind == "done":
            done += 1
            if on_progress:
                on_progress(done, len(files))


def write_jsonl_atomic(path: str | Path, lines: Iterable[dict]) -> None:
    """Write JSON Lines to a temp file next to `path`, then rename: readers never see half a file."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KgError(f"{path}: cannot create output directory: {exc.strerror or exc}") from None
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            for obj in lines:
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def extract_to_jsonl(
    paths: Iterable[str | Path],
    output: str | Path,
    *,
    max_mb: float = DEFAULT_MAX_MB,
    on_warning: WarningHandler | None = None,
    on_progress: ProgressHandler | None = None,
    extractor: Extractor | BatchExtractor | None = None,
    article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT,
    on_failure: FailureHandler | None = None,
    fields: FieldMap | None = None,
) -> ExtractSummary:
    """`kg extract`: one FORMAT.md extraction line per article, written atomically; failures collected
    (and passed to `on_failure` as they happen); each article within `article_timeout` seconds."""
    from kg.extraction_lines import callable_tag, extraction_line

    summary = ExtractSummary(output=str(output))
    lines: list[dict] = []
    tag = ""  # the extractor's tag, known once it has run (a missing extractor fails with its own line)
    for item in iter_extractions(
        paths,
        max_mb=max_mb,
        on_warning=on_warning,
        on_progress=on_progress,
        extractor=extractor,
        exclude=[output],  # re-running into the input directory must not read the previous output
        article_timeout=article_timeout,
        on_failure=on_failure,
        fields=fields,
    ):
        if isinstance(item, Failure):
            summary.failed.append(item)
            continue
        article, extraction = item
        tag = tag or callable_tag(extractor.extract if isinstance(extractor, BatchExtractor) else extractor)
        lines.append(extraction_line(article, extraction, tag))
        summary.per_article.append(
            ArticleCounts(
                path=article.path,
                id=article.id,
                title=article.title,
                entities=len(extraction.entities),
                relations=len(extraction.relations),
            )
        )
    write_jsonl_atomic(output, lines)
    summary.articles = len(summary.per_article)
    summary.entities = sum(a.entities for a in summary.per_article)
    summary.relations = sum(a.relations for a in summary.per_article)
    return summary
