"""The `kg` command line: thin wrappers over the library.

Each command module (kg/commands/*.py) exposes `register(app, export_app)` and owns its commands;
every command calls one public library function and turns a KgError into one line and exit code 1.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="kg",
    help="Build knowledge graphs of corporate partnerships from Chinese financial news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Export the embedded store (json, graphml, csv, html).", no_args_is_help=True)
app.add_typer(export_app, name="export")

# Command modules, in help order; each registers its own commands.
COMMAND_MODULES = (
    "kg.commands.extract_cmds",  # extract, eval, schemas
    "kg.commands.store_cmds",  # build, forget, stats, entities, show, explain, export json|graphml|csv
    "kg.commands.neo4j_cmds",  # load, query
    "kg.commands.view_cmds",  # view, export html
    "kg.commands.resolve_cmds",  # eval-resolution, duplicates
)

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app, export_app)


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
