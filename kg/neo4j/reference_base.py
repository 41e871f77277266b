"""Shared pieces of the reference renditions of the cypher/ library (kg.neo4j.reference)."""

from __future__ import annotations

from typing import Any

from kg.models import Graph, GraphEntity, GraphRelation
from kg.ontology import RelationType

Rows = tuple[list[str], list[list[Any]]]

PARTNER_TYPES = (
    RelationType.SIGNED_AGREEMENT_WITH,
    RelationType.STRATEGIC_PARTNER_OF,
    RelationType.JOINT_VENTURE_WITH,
)
DEAL_TYPES = (
    *PARTNER_TYPES,
    RelationType.PROVIDED_FINANCING_TO,
    RelationType.CROSS_BORDER_FINANCING,
    RelationType.INVESTED_IN,
    RelationType.ACQUIRED,
)


def _key(*values: Any) -> tuple:
    """Neo4j ascending order: nulls last."""
    return tuple((v is None, v if v is not None else 0) for v in values)


def _evidence(r: GraphRelation) -> list[str]:
    return list(dict.fromkeys(ev.text for ev in r.evidence))


class _Index:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.entities = {e.id: e for e in graph.entities}
        self.articles = {a.id: a for a in graph.articles}

    def named(self, name: str, etype: str | None = None) -> list[GraphEntity]:
        return [
            e
            for e in self.graph.entities
            if (e.name == name or name in e.aliases) and (etype is None or e.type.value == etype)
        ]

    def incident(self, eid: str, types: tuple[RelationType, ...]) -> list[tuple[GraphRelation, str]]:
        """Undirected (relation, other end) pairs, as `(o)-[r:T]-(other)` matches them."""
        out = []
        for r in self.graph.relations:
            if r.type not in types:
                continue
            if r.source == eid:
                out.append((r, r.target))
            if r.target == eid:
                out.append((r, r.source))
        return out
