"""Shared CLI plumbing: one-line errors, JSON output, the rich console."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console

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
