"""`kg build --from-extractions`: build or update a store from extraction JSON Lines, without extracting.

The lines are FORMAT.md extraction lines, wherever they were made (`kg extract` on another machine, the
Spark job of kg.spark, another extractor). Each line carries its article's content hash and extractor tag
(kg.extraction_lines), so the store stays incremental exactly like `kg build`: a line whose path is stored
with the same hash is `unchanged`, another hash replaces the article's facts. A line without a hash (an
outside extractor) is identified by a hash of the line itself.

Deterministic: the graph is derived from the set of stored facts, and the one order-dependent choice, which
of two paths with the same content (article id) is stored, is made by the paths (the smaller one, in natural
order, wins within a run; a path stored by an earlier run stays), so shard order and sharding never change
the export. A bad line is one error naming file:line, the batch goes on, nothing of that line is written.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kg.errors import KgError, StoreError
from kg.ingest.pipeline import Failure, FailureHandler
from kg.models import Extraction
from kg.pipeline import BuildSummary, ProgressHandler
from kg.store.write import FactRows

SHARD_SUFFIXES = (".jsonl", ".ndjson", ".json", ".jsonl.gz", ".json.gz")
_NUMBERED = re.compile(r"^(.*):(\d+)$")


def shard_files(paths: Iterable[str | Path]) -> list[Path | Failure]:
    """Extraction files under `paths`: directories recursively (*.jsonl, *.ndjson, *.json, gzipped too, and
    Spark's part-* files; sorted; hidden and `_`-prefixed entries, like `_SUCCESS`, skipped), files as
    given. A missing path is a Failure."""
    out: list[Path | Failure] = []
    for p in map(Path, paths):
        if p.is_dir():
            found = [
                f
                for f in p.rglob("*")
                if f.is_file()
                and (f.name.endswith(SHARD_SUFFIXES) or f.name.startswith("part-"))  # Spark's part files
                and not any(part.startswith((".", "_")) for part in f.relative_to(p).parts)
            ]
            out.extend(sorted(found, key=lambda f: f.relative_to(p).as_posix()))
        elif p.exists():
            out.append(p)
        else:
            out.append(Failure(path=str(p), error="no such file or directory"))
    return out


def _problem(exc: ValidationError) -> str:
    err = exc.errors(include_url=False)[0]
    if err["type"] == "json_invalid":
        return f"invalid JSON: {err['msg'].removeprefix('Invalid JSON: ')}"
    where = ".".join(str(x) for x in err["loc"])
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"not an extraction line: {where}: {err['msg']}{more}"


def line_hash(line: bytes | str) -> str:
    """The stand-in content hash of a line that carries none: the line's canonical JSON."""
    data = json.loads(line)
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(f"extraction-line:{canonical}".encode()).hexdigest()


def parse_line(loc: str, line: bytes) -> tuple[str, FactRows] | Failure:
    """One extraction line -> (location, store rows), or a Failure naming `loc` (file:line)."""
    from kg.store.write import extraction_rows

    try:
        extraction = Extraction.model_validate_json(line)
    except ValidationError as exc:
        return Failure(path=loc, error=_problem(exc))
    chash = extraction.article.content_hash or line_hash(line)
    try:
        return loc, extraction_rows(extraction, chash)
    except StoreError as exc:
        return Failure(path=loc, error=str(exc).removeprefix(f"{extraction.article.path}: "))


def read_shard(path: Path) -> Iterator[tuple[str, FactRows] | Failure]:
    """Every line of one extraction file (plain or .gz), parsed; blank lines skipped."""
    try:
        fh = gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")  # noqa: SIM115
        with fh:
            for n, line in enumerate(fh, start=1):
                if line.strip():
                    yield parse_line(f"{path}:{n}", line)
    except (OSError, EOFError) as exc:
        yield Failure(path=str(path), error=f"cannot read: {getattr(exc, 'strerror', None) or exc}")


def path_order(path: str) -> tuple[str, int]:
    """Natural order of article paths (`x.jsonl:9` before `x.jsonl:10`), as `kg build` reads them."""
    m = _NUMBERED.match(path)
    return (m.group(1), int(m.group(2))) if m else (path, -1)


class _Writer:
    """The single writer: statuses as `kg build` counts them, duplicates decided by path order."""

    def __init__(self, conn: sqlite3.Connection, summary: BuildSummary, report: Callable[[Failure], None]):
        self.conn, self.summary, self.report = conn, summary, report
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS run (path TEXT PRIMARY KEY, hash TEXT, loc TEXT, status TEXT)"
        )

    def _count(self, status: str, n: int = 1) -> None:
        setattr(self.summary, status, getattr(self.summary, status) + n)

    def write(self, loc: str, rows: FactRows) -> None:
        from kg.store.write import article_status, forget_article, write_rows

        conn = self.conn
        aid, path, chash = rows.article[:3]
        seen = conn.execute("SELECT hash, loc FROM run WHERE path = ?", (path,)).fetchone()
        if seen is not None:
            if seen[0] == chash:
                self._count("unchanged")
            else:
                self.report(
                    Failure(path=loc, error=f"article {path} given again with other content ({seen[1]})")
                )
            return
        status = article_status(conn, path, aid, chash)
        if status == "duplicate":
            other = conn.execute(
                "SELECT path FROM articles WHERE id = ? AND path != ?", (aid, path)
            ).fetchone()
            mine = conn.execute("SELECT status FROM run WHERE path = ?", (other[0],)).fetchone()
            if mine is not None and mine[0] in ("new", "changed") and path_order(path) < path_order(other[0]):
                forget_article(conn, other[0])
                conn.execute("UPDATE run SET status = 'duplicate' WHERE path = ?", (other[0],))
                self._count(mine[0], -1)
                self._count("duplicate")
                status = article_status(conn, path, aid, chash)
        if status in ("new", "changed"):
            write_rows(conn, rows, replace=status == "changed")
        self._count(status)
        conn.execute(
            "INSERT INTO run(path, hash, loc, status) VALUES (?, ?, ?, ?)", (path, chash, loc, status)
        )


def build_from_extractions(
    paths: Iterable[str | Path],
    db_path: str | Path,
    *,
    aliases: str | Path | None = None,
    batch: int = 200,
    on_progress: ProgressHandler | None = None,
    on_failure: FailureHandler | None = None,
    on_wait: Callable[[], None] | None = None,
    full_resolve: bool = False,
) -> BuildSummary:
    """Build or update the store at `db_path` from extraction JSON Lines files (or directories of them).

    Same summary as `kg build` (`files` counts extraction files). Bad lines and unreadable files are
    failures (`on_failure` sees each as it happens) and the rest is stored; each article is all-or-nothing.
    """
    from kg.resolve import read_aliases
    from kg.store.schema import store_errors, store_lock

    paths = list(paths)
    files = shard_files(paths)
    if not files or all(isinstance(f, Failure) for f in files):
        missing = [f"{f.path}: {f.error}" for f in files if isinstance(f, Failure)]
        shown = "; ".join(missing) or f"no extraction files (*.jsonl) in {', '.join(map(str, paths))}"
        raise KgError(f"{shown} (nothing to build; no store written)")
    config = read_aliases(aliases) if aliases else None
    with store_lock(db_path, on_wait), store_errors(db_path):
        return _build(files, db_path, config, batch, on_progress, on_failure, full_resolve)


def _build(
    files: list[Path | Failure],
    db_path: str | Path,
    config: Any,
    batch: int,
    on_progress: ProgressHandler | None,
    on_failure: FailureHandler | None,
    full_resolve: bool = False,
) -> BuildSummary:
    from kg.pipeline import finish_build
    from kg.resolve import AliasConfig
    from kg.store.derive import store_alias_config
    from kg.store.schema import connect, get_meta
    from kg.store.write import transaction

    started = time.perf_counter()
    summary = BuildSummary(db=str(db_path), files=len(files))

    def report(failure: Failure) -> None:
        summary.failed.append(failure)
        if on_failure:
            on_failure(failure)

    conn = connect(db_path, create=True)
    try:
        if config is not None:
            store_alias_config(conn, config)
        elif get_meta(conn, "aliases") is None:
            store_alias_config(conn, AliasConfig())
        writer = _Writer(conn, summary, report)
        pending: list[tuple[str, FactRows]] = []

        def flush() -> None:
            if pending:
                with transaction(conn):
                    for loc, rows in pending:
                        writer.write(loc, rows)
                pending.clear()

        for done, f in enumerate(files, start=1):
            items: Iterable[tuple[str, FactRows] | Failure] = [f] if isinstance(f, Failure) else read_shard(f)
            for item in items:
                if isinstance(item, Failure):
                    report(item)
                    continue
                pending.append(item)
                if len(pending) >= batch:
                    flush()
            if on_progress:
                on_progress(done, len(files))
        flush()
        finish_build(conn, summary, full_resolve=full_resolve)
    finally:
        conn.close()
    summary.failed.sort(key=lambda f: path_order(f.path))
    summary.seconds = round(time.perf_counter() - started, 3)
    return summary
