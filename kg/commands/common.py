"""Shared CLI plumbing: one-line errors, JSON output, the rich console."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kg.errors import KgError
from kg.workers import DEFAULT_ARTICLE_TIMEOUT

console = Console(stderr=False)
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print one line `Error: message` to stderr and return an Exit to raise."""
    print_error(message)
    return typer.Exit(code)


@contextmanager
def library_errors() -> Iterator[None]:
    """Turn any KgError raised inside into one clear line and exit code 1."""
    try:
        yield
    except KgError as exc:
        raise fail(str(exc)) from None


ARTICLE_TIMEOUT_HELP = (
    "Seconds one article may take (reading and extraction); an article over budget is abandoned, "
    "named as failed and stored nowhere, and the batch goes on. 0: no limit."
)
ArticleTimeout = Annotated[
    float, typer.Option("--article-timeout", min=0.0, metavar="SECONDS", help=ARTICLE_TIMEOUT_HELP)
]
DEFAULT_TIMEOUT = DEFAULT_ARTICLE_TIMEOUT

FIELDS_HELP = (
    "Field names of a vendor's JSON Lines or CSV export, as ARTICLE=RECORD pairs: "
    "text=content,title=headline,date=pub_time,url=link (also categories, tags; a dotted name reaches "
    "into nested JSON)."
)
Fields = Annotated[str | None, typer.Option("--fields", metavar="MAP", help=FIELDS_HELP)]


def say(line: str, *, err: bool = False) -> None:
    """One line exactly as given, on stdout (or stderr): no markup, emoji codes or highlighting read into
    it, never wrapped or cropped, whatever the terminal's width (a path stays whole and greppable)."""
    (err_console if err else console).print(line, markup=False, highlight=False, emoji=False, soft_wrap=True)


def print_error(message: str) -> None:
    say(f"Error: {message}", err=True)


def print_warning(message: str) -> None:
    say(f"Warning: {message}", err=True)


class FailureReport:
    """Prints each failed input's one line as it happens; `finish` prints any not yet seen (failures a
    library function only returns) and the count, and exits 1 if anything failed."""

    def __init__(self) -> None:
        self.printed: set[tuple[str, str]] = set()

    def __call__(self, failure: Any) -> None:
        print_error(f"{failure.path}: {failure.error}" if failure.path else failure.error)
        self.printed.add((failure.path, failure.error))

    def finish(self, failed: list[Any]) -> None:
        for f in failed:
            if (f.path, f.error) not in self.printed:
                self(f)
        if failed:
            say(f"{len(failed)} input(s) failed", err=True)
            raise typer.Exit(1)


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
