"""Labels and relationship types a Cypher text names, checked against the ontology before it is sent.

Why: Neo4j answers a query about a label or type it has never seen with 0 rows, so a typo (`:Compnay`,
`[:INVESTED]`) looks like "no data". kg knows every label and type its loader writes (kg.ontology plus
Entity, Article, MENTIONS), so `kg query` refuses a name outside them with one clear line. The scan drops
comments, string literals and map literals first ({id: row.id} is not a label), then reads `:Name`
after a variable in a node pattern or a label expression, and `:TYPE|TYPE2` inside a relationship pattern.
"""

from __future__ import annotations

import re

from kg.errors import Neo4jError
from kg.neo4j.cypher import ARTICLE_LABEL, ENTITY_LABEL, MARKER_LABEL, MENTIONS
from kg.ontology import EntityType, RelationType

LABELS = frozenset([ENTITY_LABEL, ARTICLE_LABEL, MARKER_LABEL, *(t.value for t in EntityType)])
TYPES = frozenset([MENTIONS, *(t.value for t in RelationType)])

_COMMENT = re.compile(r"//[^\n]*|/\*.*?\*/", re.DOTALL)
_STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_INNER_BRACES = re.compile(r"\{[^{}]*\}")
_MAP_START = re.compile(r"^\{\s*(?:[A-Za-z_]\w*|`[^`]*`)\s*:|^\{\s*\}$")
_NAME = r"(?:`[^`]+`|[A-Za-z_]\w*)"
_REL = re.compile(
    r"\[\s*(?:[A-Za-z_]\w*)?\s*:\s*(!?" + _NAME + r"(?:\s*(?:[|&]\s*:?|:)\s*!?" + _NAME + r")*)"
)
_LABELS = re.compile(
    r"(?:\(\s*(?:[A-Za-z_]\w*)?|\b[A-Za-z_]\w*)\s*((?::\s*!?"
    + _NAME
    + r"\s*(?:[|&]\s*!?"
    + _NAME
    + r"\s*)*)+)"
)


def _strip(text: str) -> str:
    """Comments and strings out, map literals blanked, subquery braces kept as plain text."""
    text = _STRING.sub("''", _COMMENT.sub(" ", text))
    while True:
        m = _INNER_BRACES.search(text)
        if m is None:
            return text
        inner = m.group(0)
        keep = " " if _MAP_START.match(inner) else " " + inner[1:-1] + " "
        text = text[: m.start()] + keep + text[m.end() :]


def _names(group: str) -> list[str]:
    return [n.strip("`") for n in re.findall(_NAME, group)]


def schema_names(text: str) -> tuple[list[str], list[str]]:
    """(labels, relationship types) the Cypher text names, in order of appearance."""
    body = _strip(text)
    types: list[str] = []
    for m in _REL.finditer(body):
        types += _names(m.group(1))
    without_rels = _REL.sub("[", body)
    labels: list[str] = []
    for m in _LABELS.finditer(without_rels):
        labels += _names(m.group(1))
    return labels, types


def check_schema_names(text: str) -> None:
    """Neo4jError (one line) for a label or relationship type the ontology does not have."""
    labels, types = schema_names(text)
    for label in labels:
        if label not in LABELS:
            raise Neo4jError(
                f"unknown label :{label} (kg writes only {', '.join(sorted(LABELS))}); the query would return nothing"
            )
    for rtype in types:
        if rtype not in TYPES:
            raise Neo4jError(
                f"unknown relationship type :{rtype} (kg writes only {', '.join(sorted(TYPES))}); "
                "the query would return nothing"
            )
