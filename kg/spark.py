"""Extraction on Spark (`pip install kg[spark]`): `kg extract PATH… --spark MASTER -o DIR`, or spark-submit.

The executors run kg's own reader and extractor (one extractor per partition, `mapPartitions`), so every
line is byte for byte what `kg extract` writes for that article: FORMAT.md with the content hash and
extractor tag (kg.extraction_lines). The lines are written as JSON Lines part files (`DIR/part-00000` …,
Spark's `_SUCCESS` marks a complete job), which `kg build --from-extractions DIR` stores.

Inputs: article files (any format `kg extract` reads; the driver lists them and the executors read them, so
they must be visible at the same path everywhere: local mode, NFS), or a table (`table="parquet"` or
`"json"`, read by Spark from any file system it knows: HDFS, S3) with text, title, date, url columns
(`fields` maps other names, as in `kg extract --fields`). A table row's article path is `TABLE:N`, N its
1-based row number in Spark's read order. pyspark is imported only here, and only when called.

Spark has no per-article time budget like `kg extract` (a worker process per article would be too costly
on executors): Spark's task retries and speculation are the guard.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.ingest.decode import DEFAULT_MAX_MB
from kg.ingest.pipeline import ExtractSummary, Failure

TABLE_FORMATS = ("parquet", "json")
LOG_CONFIG = Path(__file__).resolve().parent / "data" / "log4j2-spark.properties"
_PY_EXCEPTION = re.compile(r"^[\w.]*(Error|Exception|Interrupt): ")
Record = tuple  # ("line", text, entities, relations) | ("failure", path, error) | ("warning", message)


# --------------------------------------------------------------------------- executor side


def _extract_articles(items: Iterable[Any]) -> Iterator[Record]:
    """Articles (or ReadErrors) -> records; the extractor is loaded once per partition."""
    from kg.errors import ReadError
    from kg.extraction_lines import callable_tag, extraction_line
    from kg.ingest.pipeline import extraction_problem, load_extractor

    extract, tag = None, ""
    for item in items:
        if isinstance(item, ReadError):
            yield ("failure", item.path, item.problem)
            continue
        if extract is None:
            extract, tag = load_extractor(), callable_tag(None)
        try:
            extraction = extract(item)
        except Exception as exc:  # noqa: BLE001 - one bad article must not fail the task; it is reported
            yield ("failure", item.path, extraction_problem(item, exc))
            continue
        text = json.dumps(extraction_line(item, extraction, tag), ensure_ascii=False)
        yield ("line", text, len(extraction.entities), len(extraction.relations))


def extract_file_partition(
    paths: Iterable[str], max_mb: float, fields: dict[str, str] | None
) -> Iterator[Record]:
    """mapPartitions over file paths: kg's reader, then the extractor; warnings travel as records."""
    from kg.ingest.reader import read_file

    warnings: list[str] = []

    def articles() -> Iterator[Any]:
        for path in paths:
            yield from read_file(path, max_mb=max_mb, on_warning=warnings.append, fields=fields)

    for record in _extract_articles(articles()):
        while warnings:
            yield ("warning", warnings.pop(0))
        yield record
    yield from (("warning", w) for w in warnings)


def _plain(value: Any) -> Any:
    """Spark values -> what a JSON record would hold (dates as ISO text)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def extract_row_partition(rows: Iterable[tuple[Any, int]], label: str, fields: dict[str, str] | None):
    """mapPartitions over (Row, index) of a table: each row read as a JSON record would be."""
    from kg.errors import ReadError
    from kg.ingest.records import article_from_record

    def articles() -> Iterator[Any]:
        for row, index in rows:
            try:
                yield article_from_record(f"{label}:{index + 1}", _plain(row.asDict(recursive=True)), fields)
            except ReadError as exc:
                yield exc

    yield from _extract_articles(articles())


# --------------------------------------------------------------------------- driver side


def spark_session(master: str | None, app_name: str = "kg extract") -> tuple[Any, bool]:
    """(session, started here): the active session if there is one, else a new one on `master` (None: the
    one spark-submit configured). In local mode the executors' Python is this interpreter (unless
    PYSPARK_PYTHON says otherwise), so they import the same kg."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise KgError("--spark needs PySpark: pip install 'kg[spark]' (and Java 17)") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        return active, False
    builder = SparkSession.builder.appName(app_name)
    if master:
        builder = builder.master(master)
    if (master or "").startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={LOG_CONFIG}")
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    try:
        session = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - the JVM's failures (no Java, bad master URL) as one line
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise KgError(f"cannot start Spark on {master or 'the configured master'}: {first}") from None
    session.sparkContext.setLogLevel("FATAL")  # a failed job is reported as one line (spark_problem)
    return session, True


def extract_on_spark(
    inputs: Iterable[str | Path],
    output: str | Path,
    *,
    master: str | None = None,
    spark: Any = None,
    table: str | None = None,
    fields: dict[str, str] | None = None,
    max_mb: float = DEFAULT_MAX_MB,
    partitions: int | None = None,
    on_warning: Any = None,
    on_failure: Any = None,
) -> ExtractSummary:
    """Extract `inputs` on Spark into the new directory `output` (JSON Lines part files + `_SUCCESS`).

    `spark`: an existing SparkSession (else one is started on `master` and stopped at the end). `table`:
    read `inputs` as a Parquet or JSON table instead of article files. Failures (unreadable files, bad
    rows, extractor errors) are collected on the driver, like `kg extract`'s. Returns the same summary
    as `kg extract`, without the per-article list (which could be millions long).
    """
    from kg.ingest.reader import collect_files

    inputs = [str(p) for p in inputs]
    out = str(output)
    if table is not None and table not in TABLE_FORMATS:
        raise KgError(f"unknown table format {table!r} (one of {', '.join(TABLE_FORMATS)})")
    if "://" not in out and Path(out).exists():
        raise KgError(f"{out}: already exists (Spark writes the shards into a new directory)")
    summary = ExtractSummary(output=out)
    session, own = (spark, False) if spark is not None else spark_session(master)
    try:
        sc = session.sparkContext
        if table is None:
            files = collect_files(inputs)
            readable = [str(f) for f in files if isinstance(f, Path)]
            for f in files:
                if not isinstance(f, Path):
                    summary.failed.append(Failure(path=f.path, error=f.problem))
            if not readable:
                raise KgError(f"no article files in {', '.join(inputs)} (nothing extracted)")
            slices = partitions or min(len(readable), sc.defaultParallelism * 4)
            rdd = sc.parallelize(readable, slices).mapPartitions(
                lambda part: extract_file_partition(part, max_mb, fields)
            )
        else:
            reader = getattr(session.read, table)
            frames = [reader(p).rdd.zipWithIndex() for p in inputs]
            label_rdds = [
                f.mapPartitions(lambda part, label=label: extract_row_partition(part, label, fields))
                for f, label in zip(frames, inputs, strict=True)
            ]
            rdd = label_rdds[0] if len(label_rdds) == 1 else sc.union(label_rdds)
            if partitions:
                rdd = rdd.repartition(partitions)
        try:
            _run(rdd, out, summary, on_warning)
        except Exception as exc:
            if isinstance(exc, KgError):
                raise
            raise KgError(f"Spark job failed: {spark_problem(exc)}") from None
    finally:
        if own:
            session.stop()
    summary.failed.sort(key=lambda f: f.path)
    if on_failure:
        for f in summary.failed:
            on_failure(f)
    return summary


def spark_problem(exc: BaseException) -> str:
    """The line that says what went wrong in a failed Spark job: the Python worker's exception if there
    is one (a Py4JJavaError carries it deep in a Java stack trace), else the error's first line."""
    lines = str(exc).splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("Traceback")), 0)
    for line in lines[start:]:
        if _PY_EXCEPTION.match(line):
            return line.strip()
    return (lines or [type(exc).__name__])[0].strip()


def _run(rdd: Any, out: str, summary: ExtractSummary, on_warning: Any) -> None:
    """One pass of extraction (persisted), then: the lines written, counts and failures to the driver."""
    from pyspark import StorageLevel

    rdd = rdd.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        lines = rdd.filter(lambda r: r[0] == "line")
        lines.map(lambda r: r[1]).saveAsTextFile(out)
        counts = lines.map(lambda r: (1, r[2], r[3])).fold((0, 0, 0), lambda a, b: tuple(map(sum, zip(a, b))))
        summary.articles, summary.entities, summary.relations = counts
        for record in rdd.filter(lambda r: r[0] != "line").collect():
            if record[0] == "failure":
                summary.failed.append(Failure(path=record[1], error=record[2]))
            elif on_warning:
                on_warning(record[1])
    finally:
        rdd.unpersist()


# --------------------------------------------------------------------------- spark-submit entry


def main(argv: list[str] | None = None) -> int:
    """`spark-submit kg/spark.py INPUT… -o DIR` (or `python -m kg.spark … --master local[2]`)."""
    ap = argparse.ArgumentParser(
        prog="kg.spark", description="Extract articles on Spark into JSON Lines shards."
    )
    ap.add_argument("inputs", nargs="+", help="article files/directories, or tables with --table")
    ap.add_argument("-o", "--output", required=True, help="new output directory (any Spark file system)")
    ap.add_argument("--master", default=None, help="Spark master (default: what spark-submit configured)")
    ap.add_argument("--table", choices=TABLE_FORMATS, default=None, help="read INPUTs as Parquet/JSON tables")
    ap.add_argument("--fields", default=None, help="ARTICLE=RECORD field map, as in kg extract --fields")
    ap.add_argument("--partitions", type=int, default=None, help="number of partitions (default: automatic)")
    ap.add_argument("--max-mb", type=float, default=DEFAULT_MAX_MB, help="largest input file read, MB")
    args = ap.parse_args(argv)
    from kg.ingest.records import parse_field_map

    try:
        summary = extract_on_spark(
            args.inputs,
            args.output,
            master=args.master,
            table=args.table,
            fields=parse_field_map(args.fields) or None,
            max_mb=args.max_mb,
            partitions=args.partitions,
            on_warning=lambda m: print(f"Warning: {m}", file=sys.stderr),
            on_failure=lambda f: print(f"Error: {f.path}: {f.error}", file=sys.stderr),
        )
    except KgError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print(
        f"Extracted {summary.articles} article(s): {summary.entities} entities, {summary.relations} "
        f"relations -> {summary.output}"
    )
    if summary.failed:
        print(f"{len(summary.failed)} input(s) failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
