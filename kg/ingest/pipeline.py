"""Batch extraction: read every input, extract each article, write the JSON Lines output atomically.

The extractor (`kg.extract.extract_article`) is imported lazily so reading works without it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pydantic import BaseModel, Field

from kg.errors import ExtractError, KgError, ReadError
from kg.ingest.decode import DEFAULT_MAX_MB, WarningHandler
from kg.ingest.reader import collect_files, read_file
from kg.models import Article, Extraction

Extractor = Callable[[Article], Extraction]
ProgressHandler = Callable[[int, int], None]  # (files done, files total)


class Failure(BaseModel):
    path: str
    error: str


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


def iter_extractions(
    paths: Iterable[str | Path],
    *,
    max_mb: float = DEFAULT_MAX_MB,
    on_warning: WarningHandler | None = None,
    on_progress: ProgressHandler | None = None,
    extractor: Extractor | None = None,
    exclude: Iterable[str | Path] = (),
) -> Iterator[tuple[Article, Extraction] | Failure]:
    """(article, extraction) for every readable article, a Failure for everything else, in input order."""
    skip = {Path(p).resolve() for p in exclude}
    files = [f for f in collect_files(paths) if isinstance(f, ReadError) or f.resolve() not in skip]
    extract = extractor or load_extractor()
    for done, item in enumerate(files, start=1):
        results = (
            [item] if isinstance(item, ReadError) else read_file(item, max_mb=max_mb, on_warning=on_warning)
        )
        for result in results:
            if isinstance(result, ReadError):
                yield failure_of(result)
                continue
            try:
                yield result, extract(result)
            except ExtractError as exc:  # already "PATH: extraction failed: ...": say it once
                yield Failure(path=result.path, error=str(exc).removeprefix(f"{result.path}: "))
            except KgError as exc:
                yield Failure(path=result.path, error=f"extraction failed: {exc}")
            except Exception as exc:  # noqa: BLE001 - one article's bug must not end the batch; it is reported
                yield Failure(path=result.path, error=f"extraction failed: {type(exc).__name__}: {exc}")
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
    extractor: Extractor | None = None,
) -> ExtractSummary:
    """`kg extract`: one FORMAT.md extraction line per article, written atomically; failures collected."""
    summary = ExtractSummary(output=str(output))
    lines: list[dict] = []
    for item in iter_extractions(
        paths,
        max_mb=max_mb,
        on_warning=on_warning,
        on_progress=on_progress,
        extractor=extractor,
        exclude=[output],  # re-running into the input directory must not read the previous output
    ):
        if isinstance(item, Failure):
            summary.failed.append(item)
            continue
        article, extraction = item
        lines.append(extraction.to_json_dict())
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
