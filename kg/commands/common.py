"""Shared CLI plumbing: one-line errors, JSON output, the rich console."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from kg.errors import KgError

console = Console(stderr=False)
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one line `Error: message` to stderr and return an Exit to raise."""
    err_console.print(f"Error: {message}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(code)


@contextmanager
def library_errors() -> Iterator[None]:
    """Turn any KgError raised inside into one clear line and exit code 1."""
    try:
        yield
    except KgError as exc:
        raise fail(str(exc)) from None


def print_json(data: Any) -> None:
    """Machine output: compact-ish JSON on stdout, UTF-8, no markup."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n")
    sys.stdout.flush()


def print_table(
    columns: list[str],
    rows: list[list[str]],
    *,
    title: str | None = None,
    right: frozenset[str] = frozenset(),
) -> None:
    """A table that never truncates: rich (long cells folded) on a terminal, plain aligned lines otherwise.

    Piped to a file or a log, a rich table would cut cells to an assumed 80 columns and hide file names;
    plain lines keep every cell whole whatever the width or the checkout path.
    """
    if console.is_terminal:
        table = Table(title=title)
        for col in columns:
            table.add_column(col, justify="right" if col in right else "left", overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
        return
    widths = [max([len(c)] + [len(r[k]) for r in rows]) for k, c in enumerate(columns)]

    def line(cells: list[str]) -> str:
        out = [
            cell.rjust(w) if col in right else cell.ljust(w)
            for cell, w, col in zip(cells, widths, columns, strict=True)
        ]
        return "  ".join(out).rstrip()

    if title:
        sys.stdout.write(title + "\n")
    sys.stdout.write(line(columns) + "\n")
    for row in rows:
        sys.stdout.write(line(row) + "\n")
    sys.stdout.flush()
