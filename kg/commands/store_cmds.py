"""Store commands: build, forget, stats, entities, show, explain, export json|graphml|csv."""

from __future__ import annotations

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
    print_warning,
    say,
)
from kg.ingest.decode import DEFAULT_MAX_MB

Opt = typer.Option
DB = Annotated[Path, Opt("--db", help="Embedded store (SQLite file).")]
JSON = Annotated[bool, Opt("--json", help="Machine-readable JSON on stdout.")]


def _out(line: str) -> None:
    say(line)


def _waiting(db: Path) -> None:
    say(f"Waiting for another kg build or kg forget on {db} to finish ...", err=True)


def build(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Article files or directories (every format kg extract reads, WARC and CSV too)."
        ),
    ],
    db: DB = Path("kg.db"),
    jobs: Annotated[int, Opt("--jobs", "-j", min=1, help="Worker processes for reading + extraction.")] = 1,
    aliases: Annotated[Path | None, Opt("--aliases", help="User alias file (aliases.yaml).")] = None,
    extractor: Annotated[str, Opt(help=lo.EXTRACTOR_HELP + " (Or a module:function of your own.)")] = "rules",
    batch: Annotated[int, Opt(min=1, help="Articles per store transaction.")] = 200,
    max_mb: Annotated[
        float,
        Opt("--max-mb", min=0.001, help="Reject input files larger than this many MB without reading them."),
    ] = DEFAULT_MAX_MB,
    article_timeout: ArticleTimeout = DEFAULT_TIMEOUT,
    as_json: JSON = False,
    fields: Fields = None,
    concurrency: lo.Concurrency = 4,
    llm_base_url: lo.BaseUrl = None,
    llm_model: lo.Model = None,
    llm_timeout: lo.Timeout = None,
    llm_retries: lo.Retries = None,
    llm_cache: lo.CacheDir = None,
    from_extractions: Annotated[
        bool,
        Opt(
            "--from-extractions",
            help="PATHS are extraction JSON Lines (kg extract output, Spark shards, directories of them): "
            "store them without extracting.",
        ),
    ] = False,
    full_resolve: Annotated[
        bool,
        Opt(
            "--full-resolve",
            help="Re-resolve every stored name (default: only the names the changed articles touch).",
        ),
    ] = False,
) -> None:
    """Read, extract, resolve and store articles (incremental: unchanged articles are skipped)."""
    from kg.ingest.records import parse_field_map
    from kg.llm.run import EXTRACTORS, unchanged_in_store
    from kg.pipeline import build_store
    from kg.shards import build_from_extractions

    named = extractor if extractor in EXTRACTORS else "rules"
    if from_extractions:
        _check_extracted_options(
            jobs=jobs != 1,
            extractor=extractor != "rules",
            max_mb=max_mb != DEFAULT_MAX_MB,
            article_timeout=article_timeout != DEFAULT_TIMEOUT,
            fields=fields is not None,
        )

    failures = FailureReport()
    progress = Progress(
        TextColumn("building"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=as_json or not err_console.is_terminal,
    )
    with library_errors():
        field_map = parse_field_map(fields)
        flags = (llm_base_url, llm_model, llm_timeout, llm_retries, llm_cache)
        session_cm = lo.session(
            named,
            paths,
            flags,
            concurrency=concurrency,
            max_mb=max_mb,
            fields=field_map,
            unchanged=unchanged_in_store(db),
        )
    with library_errors(), session_cm as session, progress:
        task = progress.add_task("build", total=None)
        if from_extractions:
            summary = build_from_extractions(
                paths,
                db,
                aliases=aliases,
                batch=batch,
                on_progress=lambda done, total: progress.update(task, completed=done, total=total),
                on_failure=failures,
                on_wait=lambda: _waiting(db),
                full_resolve=full_resolve,
            )
        else:
            summary = build_store(
                paths,
                db,
                jobs=jobs,
                aliases=aliases,
                extractor=session.spec if extractor in EXTRACTORS else extractor,
                batch=batch,
                max_mb=max_mb,
                article_timeout=article_timeout,
                on_progress=lambda done, total: progress.update(task, completed=done, total=total),
                on_failure=failures,
                on_warning=print_warning,
                on_wait=lambda: _waiting(db),
                fields=field_map,
                full_resolve=full_resolve,
            )
    llm = session.stats.to_dict() if named != "rules" else None
    if as_json:
        print_json({**summary.model_dump(mode="json"), **({"llm": llm} if llm else {})})
    else:
        ok = summary.new + summary.changed + summary.unchanged + summary.duplicate
        _out(f"Built {summary.db} from {summary.files} files in {summary.seconds:.2f} s")
        _out(
            f"articles: {summary.new} new, {summary.changed} changed, {summary.unchanged} unchanged, "
            f"{summary.duplicate} duplicate, {len(summary.failed)} failed ({ok} stored)"
        )
        _out(f"entities: {summary.entities}, relations: {summary.relations}, evidence: {summary.evidence}")
        for rtype, n in summary.relations_by_type.items():
            _out(f"  {rtype}: {n}")
        if llm:
            lo.print_llm_summary(llm)
    failures.finish(summary.failed)


def _check_extracted_options(**given: bool) -> None:
    """Options about reading and extracting mean nothing for lines already extracted: say so, not ignore."""
    for name, is_given in given.items():
        if is_given:
            option = "--" + name.replace("_", "-")
            raise fail(f"{option} does not apply to --from-extractions (the lines are already extracted)")


def forget(
    refs: Annotated[list[str], typer.Argument(help="Article path or id (as stored).")],
    db: DB = Path("kg.db"),
) -> None:
    """Retract articles: their facts disappear, shared facts lose only their evidence."""
    from kg.pipeline import forget_articles

    with library_errors():
        removed = forget_articles(refs, db, on_wait=lambda: _waiting(db))
    _out(f"Forgot {len(removed)} article(s): {', '.join(removed)}")


def stats(db: DB = Path("kg.db"), as_json: JSON = False) -> None:
    """Counts of articles, entities and relations (by type)."""
    from kg.store.query import store_stats

    with library_errors():
        s = store_stats(db)
    if as_json:
        print_json(s)
        return
    _out(
        f"{s['db']}: {s['articles']} articles, {s['entities']} entities, {s['relations']} relations, "
        f"{s['evidence']} evidence, {s['mentions']} mentions"
    )
    for label, key in (("entities", "entities_by_type"), ("relations", "relations_by_type")):
        _out(f"{label} by type:")
        for t, n in s[key].items():
            _out(f"  {t}: {n}")


def entities(
    db: DB = Path("kg.db"),
    etype: Annotated[str | None, Opt("--type", help="Only this entity type, e.g. Bank.")] = None,
    search: Annotated[str | None, Opt("--search", help="Substring of the name or an alias.")] = None,
    as_json: JSON = False,
) -> None:
    """List entities (sorted by type, then name)."""
    from kg.store.query import list_entities

    with library_errors():
        rows = list_entities(db, etype=etype, search=search)
    if as_json:
        print_json(rows)
        return
    for r in rows:
        als = f"  (= {', '.join(r['aliases'])})" if r["aliases"] else ""
        _out(
            f"{r['type']:<15} {r['name']}{als}  [{r['articles']} articles, {r['relations']} relations] {r['id']}"
        )
    _out(f"{len(rows)} entities")


def show(
    name: Annotated[str, typer.Argument(help="Entity name, alias or id (ent_...).")],
    db: DB = Path("kg.db"),
    with_branches: Annotated[
        bool, Opt("--with-branches", help="Roll a bank's branches (BRANCH_OF, any depth) up into its facts.")
    ] = False,
    as_json: JSON = False,
) -> None:
    """An entity's facts by relation type, with dates, amounts and evidence sentences."""
    from kg.commands.inspect_out import print_show
    from kg.store.inspect import show_entity

    with library_errors():
        d = show_entity(db, name, with_branches=with_branches)
    if as_json:
        print_json(d)
        return
    print_show(d, _out)


def explain(
    name: Annotated[str, typer.Argument(help="Entity name, alias or id (ent_...).")],
    db: DB = Path("kg.db"),
    as_json: JSON = False,
) -> None:
    """Why these names are one entity: the cluster, each merge with its rule, the source articles."""
    from kg.commands.inspect_out import print_explain
    from kg.store.inspect import explain_entity

    with library_errors():
        d = explain_entity(db, name)
    if as_json:
        print_json(d)
        return
    print_explain(d, _out)


def _export(fmt: str):
    def command(
        db: DB = Path("kg.db"),
        out: Annotated[Path, Opt("-o", "--out", help="Output file (csv: a directory).")] = Path(f"kg.{fmt}"),
    ) -> None:
        from kg.store import export

        with library_errors():
            report = getattr(export, f"export_{fmt}")(db, out)
        _out(
            f"Exported {report['entities']} entities and {report['relations']} relations to {report['output']}"
        )

    command.__doc__ = {
        "json": "All entities, relations and evidence as sorted JSON (byte-comparable).",
        "graphml": "GraphML via networkx (list attributes as JSON text).",
    }[fmt]
    return command


def export_csv(
    db: DB = Path("kg.db"),
    out: Annotated[Path, Opt("-o", "--out", help="Output directory.")] = Path("csv"),
    database: Annotated[
        str, Opt("--database", help="The database named in the printed neo4j-admin command.")
    ] = "neo4j",
    as_json: Annotated[bool, Opt("--json", help="Machine-readable output.")] = False,
) -> None:
    """CSV for `neo4j-admin database import full`: the graph `kg load` writes; prints the import and next step."""
    from kg.neo4j.bulk import export_csv as export

    with library_errors():
        report = export(db, out, database)
    if as_json:
        print_json(report)
        return
    _out(
        f"Exported {report['articles']} articles, {report['entities']} entities, {report['mentions']} mentions "
        f"and {report['relations']} relations to {report['output']}"
    )
    _out("Import them (Neo4j 5, the database stopped or not yet created):")
    _out(f"  {report['import_command']}")
    _out(
        "Then create the constraints and indexes (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD in the environment):"
    )
    _out(f"  {report['next_step']}")


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    app.command("build")(build)
    app.command("forget")(forget)
    app.command("stats")(stats)
    app.command("entities")(entities)
    app.command("show")(show)
    app.command("explain")(explain)
    for fmt in ("json", "graphml"):
        export_app.command(fmt)(_export(fmt))
    export_app.command("csv")(export_csv)
