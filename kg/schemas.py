"""JSON Schemas of the file formats, generated from the pydantic models (the single source of truth).

`kg schemas --out schemas/` writes them; tests/test_schemas.py fails when the committed copies drift.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from kg.errors import KgError
from kg.evaluate.gold import GoldFile
from kg.models import Article, Extraction, Graph

SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "article.schema.json": Article,
    "extraction.schema.json": Extraction,
    "graph.schema.json": Graph,
    "gold.schema.json": GoldFile,
}
DIALECT = "https://json-schema.org/draft/2020-12/schema"


def schema_documents() -> dict[str, str]:
    """File name -> schema text (stable: same models, same bytes)."""
    docs = {}
    for name, model in SCHEMA_MODELS.items():
        schema = {"$schema": DIALECT, **model.model_json_schema(mode="validation")}
        docs[name] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return docs


def write_schemas(out_dir: str | Path) -> list[Path]:
    """Write every schema into `out_dir` (created if needed); returns the written paths."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name, text in schema_documents().items():
            (out / name).write_text(text, encoding="utf-8")
            written.append(out / name)
    except OSError as exc:
        raise KgError(f"{out}: cannot write schemas: {exc.strerror or exc}") from None
    return written
