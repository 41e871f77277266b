"""`kg load` and `kg query`: thin wrappers over kg.neo4j (loader, query)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.commands.common import err_console, fail, library_errors, print_json, say

URI_HELP = "Neo4j URI (env NEO4J_URI, else neo4j://localhost:7687)."
USER_HELP = "Neo4j user (env NEO4J_USERNAME, else neo4j). The password comes only from env NEO4J_PASSWORD."
DATABASE_HELP = "Neo4j database (env NEO4J_DATABASE, else the server's default)."

Uri = Annotated[str | None, typer.Option("--uri", help=URI_HELP, show_default=False)]
User = Annotated[str | None, typer.Option("--user", help=USER_HELP, show_default=False)]
Database = Annotated[str | None, typer.Option("--database", help=DATABASE_HELP, show_default=False)]


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    app.command("load")(load)
    app.command("query")(query)


def load(
    db: Annotated[Path, typer.Option("--db", help="The embedded store to load.")] = Path("kg.db"),
    uri: Uri = None,
    user: User = None,
    database: Database = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per transaction.")] = 2000,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the statements and row counts; do not connect.")
    ] = False,
    schema_only: Annotated[
        bool,
        typer.Option(
            "--schema-only",
            help="Only create the constraints and indexes (and the empty lists neo4j-admin cannot import): "
            "the step after `neo4j-admin database import` of `kg export csv`.",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Send every row and compare all of the database with the store, even when the database's "
            "load marker says only the changes since the last load are needed.",
        ),
    ] = False,
) -> None:
    """Load the store into Neo4j: only what changed since its last load there (MERGE on ids, removed items
    deleted); a first load, or one into a database the store has no record of, sends everything."""
    from kg.neo4j import bulk, loader
    from kg.neo4j.connection import read_settings

    with library_errors():
        if schema_only and dry_run:
            raise fail("--schema-only and --dry-run cannot be combined")
        if schema_only:
            settings = read_settings(uri, user, database)
            step = bulk.schema_step_store(str(db), settings, batch_size=batch_size)
            if as_json:
                print_json({"uri": settings.safe_uri, **step})
                return
            done = step["completed"]
            say(f"Schema ready in {settings.safe_uri}: {step['schema_statements']} constraints and indexes")
            say(
                f"  empty lists written: {done['entities']} entities, {done['relations']} relations "
                f"(properties set {step['properties_set']}, round trips {step['round_trips']})"
            )
            return
        if dry_run:
            data = loader.dry_run_store(str(db), batch_size)
            if as_json:
                print_json(data)
            else:
                _print_plan(data)
            return
        settings = read_settings(uri, user, database)
        if as_json:
            summary = loader.load_store(str(db), settings, batch_size=batch_size, full=full)
            print_json({"uri": settings.safe_uri, **summary.as_dict()})
            return
        from rich.progress import Progress

        bar = Progress(console=err_console, transient=True, disable=not err_console.is_terminal)
        task = bar.add_task("loading", total=None)

        def started(total: int) -> None:
            bar.update(task, total=total)
            bar.start()

        try:
            summary = loader.load_store(
                str(db),
                settings,
                batch_size=batch_size,
                full=full,
                on_connected=started,
                progress=lambda kind, n: bar.update(task, advance=n, description=kind),
            )
        finally:
            bar.stop()
        _print_summary(settings.safe_uri, summary.as_dict())


def _print_plan(data: dict) -> None:
    for s in data["statements"]:
        if s["kind"] == "schema":
            say("// schema (idempotent, before any write)")
        else:
            say(f"// {s['kind']}: {s['rows']} rows in {s['batches']} batch(es)")
        say(s["cypher"] + ";")
    for s in data["retraction_reads"]:
        say(f"// {s['kind']}: then deletes what the store no longer has, in batches")
        say(s["cypher"] + ";")
    say(
        f"// batch size {data['batch_size']}; round trips without retractions: "
        f"{data['round_trips_without_retractions']}"
    )


def _print_summary(uri: str, s: dict) -> None:
    say(f"Loaded into {uri}")
    for kind in ("articles", "entities", "mentions", "relations"):
        k = s[kind]
        say(f"  {kind:<10} created {k['created']:>6}  updated {k['updated']:>6}  deleted {k['deleted']:>6}")
    say(
        f"  properties set {s['properties_set']}, labels added {s['labels_added']}, "
        f"removed {s['labels_removed']}, round trips {s['round_trips']}"
    )
    if s["mode"] == "incremental":
        say(
            f"  incremental: {s['rows_sent']} rows sent, {s['rows_unchanged']} unchanged since the last load (not sent)"
        )
    else:
        say(f"  full load ({s['reason']}): {s['rows_sent']} rows sent")
    for note in s["notes"]:
        say(f"  note: {note}")


def query(
    cypher: Annotated[str | None, typer.Argument(help="A Cypher statement (or use --file).")] = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the statement from a file.")] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="k=v (a string) or k:=json; repeatable.")
    ] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv.")] = "table",
    uri: Uri = None,
    user: User = None,
    database: Database = None,
) -> None:
    """Run a read-only Cypher query against Neo4j and print the records."""
    from kg.neo4j.connection import read_settings
    from kg.neo4j.query import query_neo4j

    with library_errors():
        out = query_neo4j(read_settings(uri, user, database), cypher, file, param or [], fmt)
        say(out)
