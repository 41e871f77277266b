"""`kg view` and `kg export html`: one self-contained interactive HTML page from the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.commands.common import library_errors, say
from kg.view import DEFAULT_MAX_EDGES, DEFAULT_MAX_NODES, ViewOptions, export_store_html
from kg.view.select import DEFAULT_LABEL_TOP

Opt = typer.Option


def _command(
    db: Annotated[Path, Opt("--db", help="Embedded store written by `kg build`.")] = Path("kg.db"),
    out: Annotated[Path, Opt("-o", "--out", help="HTML file to write.")] = Path("graph.html"),
    focus: Annotated[str | None, Opt(help="Ego network around this entity (name or alias).")] = None,
    depth: Annotated[int | None, Opt(help="Hops around --focus (default 1); needs --focus.")] = None,
    types: Annotated[
        list[str] | None, Opt("--type", help="Entity type to keep (repeatable): Company, 银行…")
    ] = None,
    relations: Annotated[
        list[str] | None, Opt("--relation", help="Relation type to keep (repeatable): INVESTED_IN, 融资…")
    ] = None,
    since: Annotated[str | None, Opt(help="Relations dated on or after YYYY[-MM[-DD]].")] = None,
    until: Annotated[str | None, Opt(help="Relations dated on or before YYYY[-MM[-DD]].")] = None,
    min_evidence: Annotated[int, Opt(help="Relations with at least K evidence sentences.")] = 0,
    max_nodes: Annotated[int, Opt(help="Keep only the N most connected entities.")] = DEFAULT_MAX_NODES,
    max_edges: Annotated[
        int, Opt(help="Keep only the M best-supported relations among the kept entities.")
    ] = DEFAULT_MAX_EDGES,
    with_branches: Annotated[
        bool, Opt("--with-branches", help="With --focus on a bank: its branches (any depth) are focus too.")
    ] = False,
    show_isolated: Annotated[
        bool, Opt("--show-isolated", help="Whole-graph view: also draw entities without any relation.")
    ] = False,
    label_top: Annotated[
        int, Opt(help="Large labels for the N most connected entities.")
    ] = DEFAULT_LABEL_TOP,
    lang: Annotated[str, Opt(help="Labels in zh (Chinese) or en.")] = "zh",
    title: Annotated[str | None, Opt(help="Page title.")] = None,
) -> None:
    """Draw the graph as one interactive, offline HTML page (vis-network, bundled by pyvis)."""
    options = ViewOptions(
        focus=focus,
        depth=depth,
        types=types or [],
        relations=relations or [],
        since=since,
        until=until,
        min_evidence=min_evidence,
        max_nodes=max_nodes,
        max_edges=max_edges,
        lang=lang,
        title=title,
        with_branches=with_branches,
        show_isolated=show_isolated,
        label_top=label_top,
    )
    with library_errors():
        report = export_store_html(db, out, options)
    for line in report.summary_lines():
        say(line)


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    app.command("view")(_command)
    export_app.command("html")(_command)
