"""`kg query`: run one Cypher statement with parameters and format the records (table, json, csv)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import Neo4jError
from kg.neo4j.connection import Neo4jSettings, neo4j_errors, open_driver
from kg.neo4j.names import check_schema_names

FORMATS = ("table", "json", "csv")


@dataclass
class QueryResult:
    keys: list[str]
    rows: list[list[Any]]


def read_query_text(cypher: str | None, file: Path | None) -> str:
    """Exactly one of a statement or a file; the file's `//` header comments are harmless to Neo4j."""
    if (cypher is None) == (file is None):
        raise Neo4jError("give a Cypher statement or --file, not both and not neither")
    if file is not None:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise Neo4jError(f"{file}: cannot read query file ({exc.strerror or exc})") from None
        except UnicodeDecodeError:
            raise Neo4jError(f"{file}: query file is not UTF-8") from None
        if not text.strip():
            raise Neo4jError(f"{file}: query file is empty")
        return text
    assert cypher is not None
    if not cypher.strip():
        raise Neo4jError("the Cypher statement is empty")
    return cypher


def parse_params(items: list[str]) -> dict[str, Any]:
    """`k=v` passes v as a string; `k:=v` parses v as JSON (numbers, booleans, null, lists, maps)."""
    params: dict[str, Any] = {}
    for item in items:
        if "=" not in item:
            raise Neo4jError(f"--param {item!r}: expected key=value (string) or key:=json")
        key, raw = item.split("=", 1)
        value: Any = raw
        if key.endswith(":"):
            key = key[:-1]
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise Neo4jError(f"--param {key}: value is not JSON ({exc.msg}): {raw}") from None
        key = key.strip()
        if not key.isidentifier():
            raise Neo4jError(f"--param {item!r}: {key!r} is not a valid parameter name")
        params[key] = value
    return params


def _plain(value: Any) -> Any:
    """Nodes, relationships and paths as JSON-friendly values; temporal values as ISO strings."""
    from neo4j.graph import Node, Relationship
    from neo4j.graph import Path as GPath

    if isinstance(value, Node):
        return {"labels": sorted(value.labels), **{k: _plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"type": value.type, **{k: _plain(v) for k, v in value.items()}}
    if isinstance(value, GPath):
        return [_plain(n) for n in value.nodes]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def _read_all(tx: Any, query: str, params: dict[str, Any]) -> QueryResult:
    result = tx.run(query, params)
    keys = list(result.keys())
    rows = [[_plain(v) for v in record.values()] for record in result]
    return QueryResult(keys, rows)


def run_query(settings: Neo4jSettings, query: str, params: dict[str, Any]) -> QueryResult:
    """Run in a read transaction (kg query is for reading; write with `kg load`)."""
    driver = open_driver(settings)
    try:
        with neo4j_errors(settings), driver.session(database=settings.database) as session:
            return session.execute_read(_read_all, query, params)
    finally:
        driver.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)


def format_result(result: QueryResult, fmt: str) -> str:
    """Render records; json is a list of objects keyed by column, csv has a header row."""
    if fmt == "json":
        return json.dumps([dict(zip(result.keys, row)) for row in result.rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.keys)
        writer.writerows([[_cell(v) for v in row] for row in result.rows])
        return buf.getvalue().rstrip("\n")
    if fmt == "table":
        return _table(result)
    raise Neo4jError(f"unknown format {fmt!r} (choose one of {', '.join(FORMATS)})")


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(result: QueryResult) -> str:
    """A plain aligned table that counts CJK characters as two columns (no wrapping, greppable)."""
    if not result.keys:  # e.g. a statement without RETURN
        return f"({len(result.rows)} rows)"
    cells = [list(result.keys)] + [[_cell(v) for v in row] for row in result.rows]
    widths = [max(_width(r[i]) for r in cells) for i in range(len(result.keys))]

    def line(row: list[str]) -> str:
        return " | ".join(c + " " * (w - _width(c)) for c, w in zip(row, widths)).rstrip()

    out = [line(cells[0]), "-+-".join("-" * w for w in widths)]
    out += [line(r) for r in cells[1:]]
    out.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(out)


def query_neo4j(
    settings: Neo4jSettings, cypher: str | None, file: Path | None, params: list[str], fmt: str
) -> str:
    """`kg query`: validate the inputs (before connecting), run, format."""
    if fmt not in FORMATS:
        raise Neo4jError(f"unknown format {fmt!r} (choose one of {', '.join(FORMATS)})")
    text = read_query_text(cypher, file)
    check_schema_names(text)
    parsed = parse_params(params)
    return format_result(run_query(settings, text, parsed), fmt)
