"""Shared test fixtures: paths to the repository, the examples and ../shared (when present)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared")).resolve()
DEV_CORPUS = SHARED / "corpus" / "dev"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def dev_corpus() -> Path:
    """The shared dev corpus; tests that need it are skipped, with the reason shown, when absent."""
    if not (DEV_CORPUS / "articles").is_dir():
        pytest.skip(f"shared dev corpus not found at {DEV_CORPUS} (set KG_SHARED)")
    return DEV_CORPUS


@pytest.fixture(scope="session")
def seed_article() -> Path:
    path = SHARED / "seeds" / "000_69d28448673022ca.txt"
    if not path.is_file():
        pytest.skip(f"seed article not found at {path} (set KG_SHARED)")
    return path
