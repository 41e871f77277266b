"""`kg build`: read -> extract -> resolve -> store, streaming, incremental and parallel.

Workers (processes) read files and extract articles, skipping unchanged ones by asking the store (read-only)
for the path's content hash; the main process is the single writer. Facts are written one article per
transaction (in batches of articles, each batch one transaction, so every article stays atomic) and the
graph is derived from all facts at the end, which makes the result independent of order and of `--jobs`.
A build killed at any point leaves a consistent store: the next run skips what was written and finishes.
"""

from __future__ import annotations

import importlib
import multiprocessing as mp
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from kg.errors import ExtractError, KgError, ReadError, StoreError
from kg.ingest.pipeline import Failure
from kg.models import Article, Extraction

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
    module = importlib.import_module(spec.partition(":")[0])
    return f"{spec}@{getattr(module, 'EXTRACTOR_VERSION', '0')}"


def _init_worker(db_path: str, extractor: str, max_mb: float) -> None:
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


def _work(path: str | ReadError) -> list[tuple]:
    """Read one file and extract its articles: ('failed', path, error) | ('unchanged', path)
    | ('extracted', FactRows)."""
    from kg.ingest import read_file
    from kg.store.write import content_hash, extraction_rows

    if isinstance(path, ReadError):
        return [("failed", path.path, path.problem)]
    out: list[tuple] = []
    for item in read_file(path, max_mb=_STATE["max_mb"], on_warning=lambda _m: None):
        if isinstance(item, ReadError):
            out.append(("failed", item.path, item.problem))
            continue
        chash = content_hash(item, _STATE["tag"])
        if _stored_hash(item.path) == chash:
            out.append(("unchanged", item.path))
            continue
        try:
            extraction = _STATE["extract"](item)
        except ExtractError as exc:  # already says "PATH: extraction failed: ..."; report it once
            first = (str(exc).splitlines() or [""])[0]
            out.append(("failed", item.path, first.removeprefix(f"{item.path}: ")))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad article must not stop the build; reported by name
            first = (str(exc).splitlines() or [""])[0]
            out.append(("failed", item.path, f"extraction failed: {type(exc).__name__}: {first}"))
            continue
        try:
            rows = extraction_rows(extraction, chash)
        except StoreError as exc:
            out.append(("failed", item.path, str(exc).split(": ", 1)[-1]))
            continue
        out.append(("extracted", rows))
    return out


# --------------------------------------------------------------------------- writer side


IN_FLIGHT_PER_JOB = 64  # files per worker that may be sent or waiting to be written (> CHUNK: no deadlock)
CHUNK = 4  # files per task sent to a worker


def _bounded(items: Iterable, slots: threading.BoundedSemaphore) -> Iterator:
    """Yield items only while a slot is free; the consumer frees one per result (runs in imap's feeder)."""
    for item in items:
        slots.acquire()
        yield item


def build_store(
    paths: Iterable[str | Path],
    db_path: str | Path,
    *,
    jobs: int = 1,
    aliases: str | Path | None = None,
    extractor: str = DEFAULT_EXTRACTOR,
    batch: int = 200,
    max_mb: float | None = None,
    on_progress: ProgressHandler | None = None,
) -> BuildSummary:
    """Build or update the store at `db_path` from the articles under `paths`."""
    from kg.store.schema import store_errors

    with store_errors(db_path):
        return _build_store(paths, db_path, jobs, aliases, extractor, batch, max_mb, on_progress)


def _build_store(
    paths: Iterable[str | Path],
    db_path: str | Path,
    jobs: int,
    aliases: str | Path | None,
    extractor: str,
    batch: int,
    max_mb: float | None,
    on_progress: ProgressHandler | None,
) -> BuildSummary:
    """build_store inside its store-error translation."""
    from kg.ingest import DEFAULT_MAX_MB, collect_files
    from kg.resolve import AliasConfig, read_aliases
    from kg.store.derive import derive_graph, store_alias_config
    from kg.store.schema import connect, get_meta
    from kg.store.write import article_status, transaction, write_rows

    started = time.perf_counter()
    config = read_aliases(aliases) if aliases else None
    load_extractor(extractor)  # fail early, once, with one line
    conn = connect(db_path, create=True)
    summary = BuildSummary(db=str(db_path))
    try:
        if config is not None:
            store_alias_config(conn, config)
        elif get_meta(conn, "aliases") is None:
            store_alias_config(conn, AliasConfig())
        files = collect_files(paths)
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
        init = (str(db_path), extractor, max_mb or DEFAULT_MAX_MB)
        done = 0
        if jobs <= 1:
            _init_worker(*init)
            try:
                for item in work:
                    done += 1
                    _consume_items(_work(item), summary, pending, batch, flush)
                    if on_progress:
                        on_progress(done, summary.files)
            finally:
                _STATE.pop("db").close()
        else:
            ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
            # A semaphore bounds the files in flight (sent, or done but not yet written), so memory does
            # not grow with the corpus, without the stall a fixed window has at each window's end.
            in_flight = threading.BoundedSemaphore(jobs * IN_FLIGHT_PER_JOB)
            with ctx.Pool(jobs, initializer=_init_worker, initargs=init) as pool:
                for items in pool.imap(_work, _bounded(work, in_flight), chunksize=CHUNK):
                    in_flight.release()
                    done += 1
                    _consume_items(items, summary, pending, batch, flush)
                    if on_progress:
                        on_progress(done, summary.files)
        flush()
        if get_meta(conn, "dirty", "0") == "1":
            derive_graph(conn)
            summary.derived = True
        _fill_counts(conn, summary)
    finally:
        conn.close()
    summary.failed.sort(key=lambda f: f.path)
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary


def _consume_items(items: list[tuple], summary: BuildSummary, pending: list, batch: int, flush) -> None:
    for item in items:
        if item[0] == "failed":
            summary.failed.append(Failure(path=item[1], error=item[2]))
        elif item[0] == "unchanged":
            summary.unchanged += 1
        else:
            pending.append(item[1])
            if len(pending) >= batch:
                flush()


def _fill_counts(conn: sqlite3.Connection, summary: BuildSummary) -> None:
    summary.entities = conn.execute("SELECT count(*) FROM entities").fetchone()[0]
    summary.relations = conn.execute("SELECT count(*) FROM relations").fetchone()[0]
    summary.evidence = conn.execute("SELECT count(*) FROM evidence").fetchone()[0]
    summary.relations_by_type = {
        t: n for t, n in conn.execute("SELECT type, count(*) FROM relations GROUP BY type ORDER BY type")
    }


def forget_articles(refs: Iterable[str], db_path: str | Path) -> list[str]:
    """Retract articles (by path or id) and re-derive the graph; unknown refs are a StoreError."""
    from kg.store.derive import derive_graph
    from kg.store.schema import connect, store_errors
    from kg.store.write import forget_article, transaction

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
