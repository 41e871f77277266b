"""`kg build`: read -> extract -> resolve -> store, streaming, incremental and parallel.

Workers (processes, kg.workers) read files and extract articles, skipping unchanged ones by asking the store
(read-only) for the path's content hash; an article over the time budget is abandoned and its worker
replaced, so no single input can stall the batch. The main process is the single writer. Facts are written one article per
transaction (in batches of articles, each batch one transaction, so every article stays atomic) and the
graph is derived from all facts at the end, which makes the result independent of order and of `--jobs`.
A build killed at any point leaves a consistent store: the next run skips what was written and finishes.
"""

from __future__ import annotations

import importlib
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, Field

from kg.errors import KgError, ReadError, StoreError
from kg.ingest.decode import WarningHandler
from kg.ingest.pipeline import Failure, FailureHandler, articles_of, extraction_problem
from kg.models import Article, Extraction
from kg.workers import DEFAULT_ARTICLE_TIMEOUT, Unit, run_guarded

DEFAULT_EXTRACTOR = "kg.extract:extract_article"
ProgressHandler = Callable[[int, int], None]  # (files done, files total)


class BuildSummary(BaseModel):
    """What `kg build` reports (also as --json)."""

    db: str
    files: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    duplicate: int = 0
    failed: list[Failure] = Field(default_factory=list)
    entities: int = 0
    relations: int = 0
    evidence: int = 0
    relations_by_type: dict[str, int] = Field(default_factory=dict)
    derived: bool = False
    seconds: float = 0.0
    full_resolution: bool = False  # the derivation resolved every name (else only the changed ones)


# --------------------------------------------------------------------------- worker side

_STATE: dict[str, Any] = {}


def load_extractor(spec: str) -> Callable[[Article], Extraction]:
    """`module:function` -> the function (a spec, not a function, so worker processes can import it)."""
    module, _, name = spec.partition(":")
    try:
        return getattr(importlib.import_module(module), name or "extract_article")
    except (ImportError, AttributeError) as exc:
        raise KgError(f"extractor {spec!r} cannot be loaded ({exc})") from None


def extractor_tag(spec: str) -> str:
    """`module:function@version`: part of each article's content hash, so facts made by another extractor
    version count as changed and are re-extracted (the module's EXTRACTOR_VERSION, if it has one)."""
    from kg.extraction_lines import spec_tag

    return spec_tag(spec)


def _init_worker(db_path: str, extractor: str, max_mb: float, fields: dict[str, str] | None = None) -> None:
    _STATE["fields"] = fields
    _STATE["extract"] = load_extractor(extractor)
    _STATE["tag"] = extractor_tag(extractor)
    _STATE["max_mb"] = max_mb
    _STATE["db"] = sqlite3.connect(
        f"file:{Path(db_path).resolve()}?mode=ro", uri=True, check_same_thread=False
    )


def _stored_hash(path: str) -> str | None:
    try:
        row = _STATE["db"].execute("SELECT content_hash FROM articles WHERE path = ?", (path,)).fetchone()
    except sqlite3.Error:
        return None
    return None if row is None else row[0]


def _work(path: str | ReadError, unit: Unit) -> None:
    """Read one file and extract its articles (in a worker): per article a failure (path, error), or a
    result ('unchanged', path) | ('extracted', FactRows)."""
    from kg.store.write import content_hash, extraction_rows

    for item in articles_of(path, unit, _STATE["max_mb"], _STATE["fields"]):
        chash = content_hash(item, _STATE["tag"])
        if _stored_hash(item.path) == chash:
            unit.result(("unchanged", item.path))
            continue
        try:
            extraction = _STATE["extract"](item)
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the build; reported by name
            unit.failure(item.path, extraction_problem(item, exc))
            continue
        try:
            rows = extraction_rows(extraction, chash)
        except StoreError as exc:
            unit.failure(item.path, str(exc).split(": ", 1)[-1])
            continue
        unit.result(("extracted", rows))


# --------------------------------------------------------------------------- writer side


def build_store(
    paths: Iterable[str | Path],
    db_path: str | Path,
    *,
    jobs: int = 1,
    aliases: str | Path | None = None,
    extractor: str = DEFAULT_EXTRACTOR,
    batch: int = 200,
    max_mb: float | None = None,
    article_timeout: float | None = DEFAULT_ARTICLE_TIMEOUT,
    on_progress: ProgressHandler | None = None,
    on_failure: FailureHandler | None = None,
    on_warning: WarningHandler | None = None,
    on_wait: Callable[[], None] | None = None,
    fields: dict[str, str] | None = None,
    full_resolve: bool = False,
) -> BuildSummary:
    """Build or update the store at `db_path` from the articles under `paths`.

    Articles are read and extracted in `jobs` worker processes, each article within `article_timeout`
    seconds (None or 0: no limit): one over budget is abandoned (its worker replaced), reported as a
    failure and stored nowhere. `on_failure` and `on_warning` are called as things happen; every failure
    is also in the summary. Another build writing the same store is waited for (`on_wait` is told once).
    `full_resolve` re-resolves every stored name instead of only those the changed articles touch.
    Inputs that do not exist at all are an error before any store is created. `fields` maps article
    fields to the record fields of JSON Lines and CSV exports (kg.ingest.records).
    """
    from kg.ingest import collect_files
    from kg.resolve import read_aliases
    from kg.store.schema import store_errors, store_lock

    files = collect_files(paths)
    if not files or all(isinstance(f, ReadError) for f in files):
        missing = [f for f in files if isinstance(f, ReadError)]
        if missing:
            raise KgError("; ".join(str(f) for f in missing) + " (nothing to build; no store written)")
        shown = ", ".join(str(p) for p in paths)
        raise KgError(f"no article files in {shown} (nothing to build; no store written)")
    config = read_aliases(aliases) if aliases else None
    load_extractor(extractor)  # fail early, once, with one line
    with store_lock(db_path, on_wait), store_errors(db_path):
        return _build_store(
            files,
            db_path,
            config,
            _Options(
                jobs,
                extractor,
                batch,
                max_mb,
                article_timeout,
                dict(fields) if fields else None,
                full_resolve,
            ),
            on_progress,
            on_failure,
            on_warning,
        )


class _Options(NamedTuple):
    jobs: int
    extractor: str
    batch: int
    max_mb: float | None
    article_timeout: float | None
    fields: dict[str, str] | None = None
    full_resolve: bool = False


def _build_store(
    files: list[Path | ReadError],
    db_path: str | Path,
    config: Any,
    opts: _Options,
    on_progress: ProgressHandler | None,
    on_failure: FailureHandler | None,
    on_warning: WarningHandler | None,
) -> BuildSummary:
    """build_store inside its lock and store-error translation."""
    from kg.ingest import DEFAULT_MAX_MB
    from kg.resolve import AliasConfig
    from kg.store.derive import store_alias_config
    from kg.store.schema import connect, get_meta
    from kg.store.write import article_status, transaction, write_rows

    started = time.perf_counter()
    conn = connect(db_path, create=True)
    summary = BuildSummary(db=str(db_path))
    try:
        if config is not None:
            store_alias_config(conn, config)
        elif get_meta(conn, "aliases") is None:
            store_alias_config(conn, AliasConfig())
        summary.files = len(files)
        pending: list = []

        def flush() -> None:
            if not pending:
                return
            with transaction(conn):
                for rows in pending:
                    aid, path, chash = rows.article[:3]
                    status = article_status(conn, path, aid, chash)
                    if status in ("unchanged", "duplicate"):
                        setattr(summary, status, getattr(summary, status) + 1)
                        continue
                    write_rows(conn, rows, replace=status == "changed")
                    setattr(summary, status, getattr(summary, status) + 1)
            pending.clear()

        work: list = [f if isinstance(f, ReadError) else str(f) for f in files]
        done = 0
        for event in run_guarded(
            work,
            _work,
            jobs=opts.jobs,
            timeout=opts.article_timeout,
            init=_init_worker,
            initargs=(str(db_path), opts.extractor, opts.max_mb or DEFAULT_MAX_MB, opts.fields),
            label=lambda f: f.path if isinstance(f, ReadError) else f,
        ):
            if event.kind == "failure":
                failure = Failure(path=event.value[0], error=event.value[1])
                summary.failed.append(failure)
                if on_failure:
                    on_failure(failure)
            elif event.kind == "warning":
                if on_warning:
                    on_warning(event.value)
            elif event.kind == "result":
                if event.value[0] == "unchanged":
                    summary.unchanged += 1
                else:
                    pending.append(event.value[1])
                    if len(pending) >= opts.batch:
                        flush()
            elif event.kind == "done":
                done += 1
                if on_progress:
                    on_progress(done, summary.files)
        flush()
        finish_build(conn, summary, full_resolve=opts.full_resolve)
    finally:
        conn.close()
    summary.failed.sort(key=lambda f: f.path)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def finish_build(conn: sqlite3.Connection, summary: BuildSummary, *, full_resolve: bool = False) -> None:
    """After the facts are written (by `kg build` or `kg build --from-extractions`): derive the graph if
    any fact changed (or a full resolution is asked for), and count what the store holds."""
    from kg.store.derive import derive_graph
    from kg.store.schema import get_meta

    if get_meta(conn, "dirty", "0") == "1" or full_resolve:
        counts = derive_graph(conn, full=full_resolve)
        summary.derived = True
        summary.full_resolution = bool(counts["full"])
    _fill_counts(conn, summary)


def _fill_counts(conn: sqlite3.Connection, summary: BuildSummary) -> None:
    summary.entities = conn.execute("SELECT count(*) FROM entities").fetchone()[0]
    summary.relations = conn.execute("SELECT count(*) FROM relations").fetchone()[0]
    summary.evidence = conn.execute("SELECT count(*) FROM evidence").fetchone()[0]
    summary.relations_by_type = {
        t: n for t, n in conn.execute("SELECT type, count(*) FROM relations GROUP BY type ORDER BY type")
    }


def forget_articles(
    refs: Iterable[str], db_path: str | Path, *, on_wait: Callable[[], None] | None = None
) -> list[str]:
    """Retract articles (by path or id) and re-derive the graph; unknown refs are a StoreError.
    Waits for a build writing the same store (`on_wait` is told once)."""
    from kg.store.derive import derive_graph
    from kg.store.schema import connect, store_errors, store_lock
    from kg.store.write import forget_article, transaction

    conn = connect(db_path)  # first: a missing store is an error, not created by the lock
    conn.close()
    with store_lock(db_path, on_wait):
        conn = connect(db_path)
        try:
            removed: list[str] = []
            with store_errors(db_path):
                with transaction(conn):
                    for ref in refs:
                        ids = forget_article(conn, ref)
                        if not ids:
                            raise StoreError(f"{db_path}: no article with path or id {ref!r}")
                        removed.extend(ids)
                derive_graph(conn)
            return removed
        finally:
            conn.close()
