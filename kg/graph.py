"""The store as a networkx MultiDiGraph, for analysis in Python and for the GraphML export."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.models import Graph


def graph_to_networkx(graph: Graph) -> nx.MultiDiGraph:
    """Nodes: entity ids (name, type, aliases); edges keyed by relation id (type, properties, evidence)."""
    g = nx.MultiDiGraph()
    for e in graph.entities:
        g.add_node(
            e.id, name=e.name, type=e.type.value, aliases=list(e.aliases), article_ids=list(e.article_ids)
        )
    for r in graph.relations:
        g.add_edge(
            r.source,
            r.target,
            key=r.id,
            type=r.type.value,
            properties=r.properties.model_dump(exclude_none=True),
            evidence=[ev.model_dump() for ev in r.evidence],
        )
    return g


def to_networkx(db_path: str | Path) -> nx.MultiDiGraph:
    """Read the store at `db_path` into a MultiDiGraph."""
    from kg.store import read_graph

    return graph_to_networkx(read_graph(db_path))
