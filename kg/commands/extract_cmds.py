"""`kg extract`, `kg eval`, `kg schemas`: thin wrappers over kg.ingest, kg.evaluate and kg.schemas."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kg.commands import llm_opts as lo
from kg.commands.common import (
    DEFAULT_TIMEOUT,
    ArticleTimeout,
    FailureReport,
    Fields,
    err_console,
    fail,
    library_errors,
    print_json,
    print_table,
    print_warning,
    say,
)
from kg.evaluate import EvalReport
from kg.ingest.decode import DEFAULT_MAX_MB

PATHS_HELP = (
    "Article files or directories (.md .markdown .html .htm .txt .jsonl .csv .warc .warc.gz); directories "
    "are read recursively."
)
MAX_MB_HELP = "Reject input files larger than this many MB without reading them."
EVAL_PATHS_HELP = "Article files/directories (extracted now) or .jsonl files written by `kg extract`."


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar on stderr (only on a terminal); yields on_progress. Lines printed meanwhile on
    err_console (warnings, errors) appear above the bar."""
    with Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,  # no stray control output in pipes and logs
    ) as progress:
        task = progress.add_task(label, total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield on_progress


def _print_details(report: EvalReport) -> None:
    """Per article, its false positives/negatives; articles without any are left out."""
    clean = 0
    for a in report.per_article:
        rows = [
            f"  {label}: {item}"
            for label, items in (
                ("entity FP", a.entity_false_positives),
                ("entity FN", a.entity_false_negatives),
                ("relation FP", a.relation_false_positives),
                ("relation FN", a.relation_false_negatives),
            )
            for item in items
        ]
        if not rows:
            clean += 1
            continue
        say(f"\n{a.path}")
        for row in rows:
            say(row)
    say(f"\n{clean} of {len(report.per_article)} article(s) without errors")


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def extract_cmd(
    paths: Annotated[list[Path], typer.Argument(help=PATHS_HELP, show_default=False)],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Output JSON Lines file (written atomically).")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON summary on stdout, not a table.")
    ] = False,
    max_mb: Annotated[float, typer.Option("--max-mb", min=0.001, help=MAX_MB_HELP)] = DEFAULT_MAX_MB,
    article_timeout: ArticleTimeout = DEFAULT_TIMEOUT,
    fields: Fields = None,
    extractor: lo.Extractor = "rules",
    concurrency: lo.Concurrency = 4,
    llm_base_url: lo.BaseUrl = None,
    llm_model: lo.Model = None,
    llm_timeout: lo.Timeout = None,
    llm_retries: lo.Retries = None,
    llm_cache: lo.CacheDir = None,
    spark: Annotated[
        str | None,
        typer.Option(
            "--spark",
            metavar="MASTER",
            help="Extract on Spark (local[2], spark://host:7077, yarn; needs the spark extra and Java 17): -o is then a new "
            "directory of JSON Lines part files for `kg build --from-extractions`.",
        ),
    ] = None,
    table: Annotated[
        str | None,
        typer.Option(
            "--table",
            metavar="FORMAT",
            help="With --spark: PATHS are parquet or json tables (text, title, date, url columns).",
        ),
    ] = None,
) -> None:
    """Extract entities and relations from articles into a JSON Lines file (one article per line)."""
    from kg.ingest.pipeline import BatchExtractor, extract_to_jsonl
    from kg.ingest.records import parse_field_map

    if spark or table:
        if article_timeout != DEFAULT_TIMEOUT:
            raise fail("--article-timeout does not apply to --spark (Spark's task retries are the guard)")
        if extractor != "rules":
            raise fail("--extractor does not apply to --spark (the executors run kg's rules)")
        _extract_on_spark(paths, output, spark, table, parse_field_map(fields), max_mb, as_json)
        return
    failures = FailureReport()
    with library_errors():
        field_map = parse_field_map(fields)
        flags = (llm_base_url, llm_model, llm_timeout, llm_retries, llm_cache)
        with (
            lo.session(
                extractor, paths, flags, concurrency=concurrency, max_mb=max_mb, fields=field_map
            ) as session,
            _progress("Extracting") as on_progress,
        ):
            summary = extract_to_jsonl(
                paths,
                output,
                max_mb=max_mb,
                on_warning=print_warning,
                on_progress=on_progress,
                extractor=BatchExtractor(session.function, article_timeout, failures),
                fields=field_map,
            )
    llm = session.stats.to_dict() if extractor != "rules" else None
    if as_json:
        print_json(
            {
                "articles": summary.articles,
                "failed": [f.model_dump() for f in summary.failed],
                "per_article": [a.model_dump() for a in summary.per_article],
                **({"llm": llm} if llm else {}),
            }
        )
    else:
        if summary.per_article:
            print_table(
                ["article", "entities", "relations"],
                [[a.path, str(a.entities), str(a.relations)] for a in summary.per_article],
                right=frozenset({"entities", "relations"}),
            )
        say(
            f"Extracted {summary.articles} article(s): {summary.entities} entities, {summary.relations} "
            f"relations -> {summary.output}"
        )
        if llm:
            lo.print_llm_summary(llm)
    failures.finish(summary.failed)


def _extract_on_spark(
    paths: list[Path],
    output: Path,
    master: str | None,
    table: str | None,
    fields,
    max_mb: float,
    as_json: bool,
) -> None:
    """`kg extract --spark`: kg.spark.extract_on_spark, with `kg extract`'s messages."""
    from kg.spark import extract_on_spark

    if not master:
        raise fail("--table needs --spark MASTER")
    failures = FailureReport()
    with library_errors():
        summary = extract_on_spark(
            paths,
            output,
            master=master,
            table=table,
            fields=fields or None,
            max_mb=max_mb,
            on_warning=print_warning,
            on_failure=failures,
        )
    if as_json:
        print_json({"articles": summary.articles, "failed": [f.model_dump() for f in summary.failed]})
    else:
        say(
            f"Extracted {summary.articles} article(s): {summary.entities} entities, {summary.relations} "
            f"relations -> {summary.output}"
        )
    failures.finish(summary.failed)


def eval_cmd(
    paths: Annotated[list[Path], typer.Argument(help=EVAL_PATHS_HELP, show_default=False)],
    gold: Annotated[
        Path, typer.Option("--gold", help="Directory of gold files NAME.json for articles NAME.*")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON on stdout.")] = False,
    details: Annotated[
        bool, typer.Option("--details", help="List false positives/negatives per article.")
    ] = False,
    max_mb: Annotated[float, typer.Option("--max-mb", min=0.001, help=MAX_MB_HELP)] = DEFAULT_MAX_MB,
    article_timeout: ArticleTimeout = DEFAULT_TIMEOUT,
    fields: Fields = None,
    extractor: lo.Extractor = "rules",
    concurrency: lo.Concurrency = 4,
    llm_base_url: lo.BaseUrl = None,
    llm_model: lo.Model = None,
    llm_timeout: lo.Timeout = None,
    llm_retries: lo.Retries = None,
    llm_cache: lo.CacheDir = None,
) -> None:
    """Score extractions against gold annotations: entity and relation precision, recall, F1."""
    from kg.evaluate import evaluate_paths, is_extraction_file
    from kg.ingest.pipeline import BatchExtractor
    from kg.ingest.records import parse_field_map

    failures = FailureReport()
    with library_errors():
        field_map = parse_field_map(fields)
        flags = (llm_base_url, llm_model, llm_timeout, llm_retries, llm_cache)
        articles = [p for p in paths if not is_extraction_file(p)]  # those extracted now
        with (
            lo.session(
                extractor, articles, flags, concurrency=concurrency, max_mb=max_mb, fields=field_map
            ) as session,
            _progress("Evaluating") as on_progress,
        ):
            report = evaluate_paths(
                gold,
                paths,
                max_mb=max_mb,
                on_warning=print_warning,
                on_progress=on_progress,
                extractor=BatchExtractor(session.function, article_timeout, failures),
                fields=field_map,
            )
    llm = session.stats.to_dict() if extractor != "rules" else None
    if as_json:
        data = report.model_dump(mode="json")
        if llm:
            data["llm"] = llm
        if not details:
            for a in data["per_article"]:
                for k in (
                    "entity_false_positives",
                    "entity_false_negatives",
                    "relation_false_positives",
                    "relation_false_negatives",
                ):
                    a.pop(k)
        print_json(data)
    else:
        cols = ["scope", "tp", "fp", "fn", "P %", "R %", "F1 %"]
        rows: list[list[str]] = []

        def row(name: str, s) -> None:
            rows.append(
                [name, str(s.tp), str(s.fp), str(s.fn), _pct(s.precision), _pct(s.recall), _pct(s.f1)]
            )

        row("entities", report.entities)
        for t, s in report.entities_by_type.items():
            row(f"  {t}", s)
        row("relations", report.relations)
        for t, s in report.relations_by_type.items():
            row(f"  {t}", s)
        print_table(
            cols,
            rows,
            title=f"kg eval: {report.articles} article(s) against {report.gold_dir}",
            right=frozenset(cols[1:]),
        )
        ev = report.evidence
        share = "n/a" if ev.share is None else f"{_pct(ev.share)}%"
        say(f"Evidence exact: {ev.exact}/{ev.total} ({share})")
        if details:
            _print_details(report)
        if llm:
            lo.print_llm_summary(llm)
    for path in report.missing_gold:
        print_warning(f"{path}: no gold file in {report.gold_dir}")
    failures.finish(report.failed)


def schemas_cmd(
    out: Annotated[Path, typer.Option("--out", help="Directory to write the *.schema.json files to.")] = Path(
        "schemas"
    ),
) -> None:
    """Write JSON Schemas of the article, extraction line, graph and gold file formats."""
    from kg.schemas import write_schemas

    with library_errors():
        written = write_schemas(out)
    for p in written:
        say(f"wrote {p}")


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    app.command("extract")(extract_cmd)
    app.command("eval")(eval_cmd)
    app.command("schemas")(schemas_cmd)


__all__ = ["register"]
