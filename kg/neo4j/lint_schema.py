"""The dbSchema for Neo4j's offline Cypher linter, generated from kg.ontology, and a runner for lint.mjs.

`tools/cypher-lint/lint.mjs` feeds it to `lintCypherQuery` of @neo4j-cypher/language-support (pinned),
so an unknown label, relationship type, property key or parameter, a pattern the ontology's SIGNATURES
do not allow, or an APOC/GDS function shows up as a diagnostic without any Neo4j server.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from kg.errors import KgError
from kg.neo4j import cypher
from kg.ontology import SIGNATURES, EntityType, RelationType

ROOT = Path(__file__).resolve().parents[2]
LINT_DIR = ROOT / "tools" / "cypher-lint"
CYPHER_DIR = ROOT / "cypher"

# Parameters the loader sends and the cypher/ library documents (example values; only the names matter).
LOADER_PARAMETERS: dict[str, Any] = {"rows": [], "ids": [], "marker": {}}
LIBRARY_PARAMETERS: dict[str, Any] = {
    "name": "中国平安集团",
    "person": "卢跃",
    "region": "上海临港新片区",
    "source": "中国平安集团",
    "target": "临港集团",
    "type": "SIGNED_AGREEMENT_WITH",
    "limit": 10,
    "text": "平安",
}


class LintUnavailable(KgError):
    """node or the pinned npm package is missing (run `make node-deps`)."""


def property_keys() -> list[str]:
    keys = {
        *cypher.ENTITY_PROPERTIES,
        *cypher.ARTICLE_PROPERTIES,
        *cypher.RELATION_PROPERTIES,
        *cypher.MENTION_PROPERTIES,
        *cypher.MARKER_PROPERTIES,
    }
    return sorted(keys)


def graph_schema() -> list[dict[str, str]]:
    """from/to label pairs per relationship type, from SIGNATURES (Entity allowed wherever a type is)."""
    pairs: set[tuple[str, str, str]] = set()
    for rtype, (sources, targets) in SIGNATURES.items():
        froms = {t.value for t in sources} | {cypher.ENTITY_LABEL}
        tos = {t.value for t in targets} | {cypher.ENTITY_LABEL}
        for f in froms:
            for t in tos:
                pairs.add((f, t, rtype.value))
    for t in [*(e.value for e in EntityType), cypher.ENTITY_LABEL]:
        pairs.add((cypher.ARTICLE_LABEL, t, cypher.MENTIONS))
    return [{"from": f, "to": t, "relType": r} for f, t, r in sorted(pairs)]


def build_db_schema() -> dict[str, Any]:
    """The DbSchema object of language-support (see its dbSchema.d.ts)."""
    return {
        "labels": sorted(
            [cypher.ENTITY_LABEL, cypher.ARTICLE_LABEL, cypher.MARKER_LABEL, *(t.value for t in EntityType)]
        ),
        "relationshipTypes": sorted([*(t.value for t in RelationType), cypher.MENTIONS]),
        "propertyKeys": property_keys(),
        "parameters": {**LOADER_PARAMETERS, **LIBRARY_PARAMETERS},
        "defaultLanguage": "CYPHER 5",
        "graphSchema": graph_schema(),
    }


def lint_available() -> str | None:
    """None when linting can run, else the reason it cannot."""
    if shutil.which("node") is None:
        return "node is not installed"
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        return f"{LINT_DIR}/node_modules missing (run `make node-deps`)"
    return None


def lint_queries(queries: dict[str, str], db_schema: dict[str, Any] | None = None) -> dict[str, list[dict]]:
    """Diagnostics per query name: [{severity, message, line, column, offset}] (empty list = clean)."""
    reason = lint_available()
    if reason:
        raise LintUnavailable(reason)
    payload = {
        "dbSchema": build_db_schema() if db_schema is None else db_schema,
        "builtins": True,
        "queries": [{"name": k, "query": v} for k, v in queries.items()],
    }
    proc = subprocess.run(
        ["node", str(LINT_DIR / "lint.mjs")],
        input=json.dumps(payload, ensure_ascii=False),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=LINT_DIR,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise LintUnavailable(f"lint.mjs failed ({proc.returncode}): {proc.stderr.strip()}")
    return {r["name"]: r["diagnostics"] for r in json.loads(proc.stdout)["results"]}


def library_files() -> list[Path]:
    return sorted(CYPHER_DIR.glob("*.cypher"))


def loader_queries() -> dict[str, str]:
    return {f"loader:{s.kind}:{i}": s.cypher for i, s in enumerate(cypher.all_loader_statements())}
