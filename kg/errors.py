"""One exception hierarchy: the CLI turns any KgError into one clear line and exit code 1."""

from __future__ import annotations

from pathlib import Path


class KgError(Exception):
    """Base of every error kg raises on purpose."""


class ReadError(KgError):
    """An input file cannot be read as an article. Always names the file."""

    def __init__(self, path: str | Path, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")

    def __reduce__(self) -> tuple:  # picklable: read errors travel between worker processes
        return (ReadError, (self.path, self.problem))


class ExtractError(KgError):
    """Extraction failed on one article."""


class GoldError(KgError):
    """A gold annotation file is malformed."""


class StoreError(KgError):
    """The embedded store is missing, corrupt or inconsistent."""


class ResolveError(KgError):
    """Entity resolution configuration (aliases.yaml) is invalid."""


class Neo4jError(KgError):
    """Talking to Neo4j failed (unreachable, auth, syntax). Never carries credentials."""


class ViewError(KgError):
    """The HTML view cannot be produced (e.g. unknown focus entity)."""


class LlmError(KgError):
    """The LLM endpoint failed or answered unusably for one article (never carries the API key)."""
