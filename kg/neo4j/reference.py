"""What each cypher/ library query returns, computed in Python (networkx) from a kg Graph.

Why: Neo4j cannot run here, so the documented outputs are derived from the store with these functions,
and the integration tests (NEO4J_URI set) check that Neo4j returns the same rows. Each function mirrors
one file in cypher/ (same columns, same ORDER BY; Neo4j sorts nulls last).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import networkx as nx

from kg.models import Graph
from kg.neo4j.reference_base import DEAL_TYPES, PARTNER_TYPES, Rows, _evidence, _Index, _key
from kg.neo4j.reference_money import (
    bank_deals,
    branches,
    financing,
    financing_by_bank,
    financing_received,
    possible_duplicates,
    syndicates,
)
from kg.ontology import SYMMETRIC, RelationType

NON_ORGANISATIONS = ("Person", "Region", "Event")


def subsidiaries(graph: Graph, name: str) -> Rows:
    idx = _Index(graph)
    parents = nx.DiGraph()
    for r in graph.relations:
        if r.type is RelationType.SUBSIDIARY_OF:
            parents.add_edge(r.source, r.target)
    best: dict[str, tuple[int, list[str]]] = {}
    for g in idx.named(name):
        if g.id not in parents:
            continue
        dist = nx.single_source_shortest_path_length(parents.reverse(copy=False), g.id)
        for s, d in dist.items():
            if s == g.id or d == 0:
                continue
            chain = [s]
            while chain[-1] != g.id:  # lexicographically smallest ids among shortest paths
                nxt = min(n for n in parents.successors(chain[-1]) if dist.get(n) == dist[chain[-1]] - 1)
                chain.append(nxt)
            cand = (d, chain)
            if s not in best or cand < best[s]:
                best[s] = cand
    rows = [
        [idx.entities[s].name, idx.entities[s].type.value, d, [idx.entities[c].name for c in chain]]
        for s, (d, chain) in best.items()
    ]
    rows.sort(key=lambda r: _key(r[2], r[0]))
    return ["subsidiary", "type", "depth", "chain"], rows


def partners(graph: Graph, name: str) -> Rows:
    idx = _Index(graph)
    rows = []
    for o in idx.named(name):
        for r, other in idx.incident(o.id, PARTNER_TYPES):
            p = idx.entities[other]
            rows.append(
                [p.name, p.type.value, r.type.value, r.properties.date, r.properties.agreement, _evidence(r)]
            )
    rows.sort(key=lambda r: _key(r[0], r[2], r[3]))
    return ["partner", "partner_type", "relation", "date", "agreement", "evidence"], rows


def cross_border(graph: Graph) -> Rows:
    idx = _Index(graph)
    rows = [
        [
            idx.entities[r.source].name,
            idx.entities[r.target].name,
            r.properties.amount,
            r.properties.currency,
            r.properties.amount_text,
            r.properties.date,
            _evidence(r),
        ]
        for r in graph.relations
        if r.type is RelationType.CROSS_BORDER_FINANCING
    ]
    rows.sort(key=lambda r: _key(r[0], r[1], r[5]))
    return ["borrower", "channel", "amount", "currency", "amount_text", "date", "evidence"], rows


def executives(graph: Graph, name: str) -> Rows:
    idx = _Index(graph)
    targets = {o.id for o in idx.named(name)}
    rows = [
        [idx.entities[r.source].name, r.properties.role, _evidence(r)]
        for r in graph.relations
        if r.type is RelationType.EXECUTIVE_OF
        and r.target in targets
        and idx.entities[r.source].type.value == "Person"
    ]
    rows.sort(key=lambda r: _key(r[0], r[1]))
    return ["person", "role", "evidence"], rows


def person_organisations(graph: Graph, person: str) -> Rows:
    idx = _Index(graph)
    people = {p.id for p in idx.named(person, "Person")}
    rows = [
        [idx.entities[r.target].name, idx.entities[r.target].type.value, r.properties.role, _evidence(r)]
        for r in graph.relations
        if r.type is RelationType.EXECUTIVE_OF and r.source in people
    ]
    rows.sort(key=lambda r: _key(r[0], r[2]))
    return ["organisation", "type", "role", "evidence"], rows


def shortest_connection(graph: Graph, source: str, target: str) -> Rows:
    """One shortest path per (source, target) match; Neo4j may pick another path of the same length."""
    idx = _Index(graph)
    g = nx.Graph()
    g.add_edges_from((r.source, r.target, {"type": r.type.value}) for r in graph.relations)
    rows = []
    for a in idx.named(source):
        for b in idx.named(target):
            if a.id == b.id or a.id not in g or b.id not in g:
                continue
            try:
                path = nx.shortest_path(g, a.id, b.id)
            except nx.NetworkXNoPath:
                continue
            if len(path) - 1 > 6:
                continue
            rels = [g.edges[u, v]["type"] for u, v in itertools.pairwise(path)]
            rows.append([len(path) - 1, [idx.entities[n].name for n in path], rels])
    return ["hops", "names", "relations"], rows


def region_activity(graph: Graph, region: str) -> Rows:
    idx = _Index(graph)
    regions = {g.id for g in idx.named(region, "Region")}
    rows = [
        [
            idx.entities[r.source].name,
            idx.entities[r.source].type.value,
            r.type.value,
            r.properties.date,
            _evidence(r),
        ]
        for r in graph.relations
        if r.type in (RelationType.OPENED_IN, RelationType.LOCATED_IN) and r.target in regions
    ]
    rows.sort(key=lambda r: _key(r[0], r[2]))
    return ["organisation", "type", "relation", "date", "evidence"], rows


def deal_timeline(graph: Graph, name: str) -> Rows:
    idx = _Index(graph)
    rows = []
    for o in idx.named(name):
        for r, other in idx.incident(o.id, DEAL_TYPES):
            arts = sorted(
                (idx.articles[a] for a in r.article_ids if a in idx.articles),
                key=lambda a: _key(a.date, a.id),
            )
            dates = [a.date for a in arts if a.date is not None]
            date = r.properties.date if r.properties.date is not None else (min(dates) if dates else None)
            rows.append(
                [
                    date,
                    r.type.value,
                    "out" if r.source == o.id else "in",
                    idx.entities[other].name,
                    r.properties.amount,
                    r.properties.currency,
                    r.properties.agreement,
                    [a.title for a in arts],
                ]
            )
    rows.sort(key=lambda r: _key(r[0], r[1], r[3]))
    return ["date", "deal", "direction", "counterparty", "amount", "currency", "agreement", "articles"], rows


def most_connected(graph: Graph, limit: int = 10) -> Rows:
    idx = _Index(graph)
    neighbours: dict[str, set[str]] = {}
    relations: dict[str, set[str]] = {}
    for r in graph.relations:
        if r.type is RelationType.BRANCH_OF:
            continue
        for end, other in ((r.source, r.target), (r.target, r.source)):
            neighbours.setdefault(end, set()).add(other)
            relations.setdefault(end, set()).add(r.id)
    rows = [
        [idx.entities[e].name, idx.entities[e].type.value, len(neighbours[e]), len(relations[e])]
        for e in neighbours
        if idx.entities[e].type.value not in NON_ORGANISATIONS
    ]
    rows.sort(key=lambda r: (-r[2], -r[3], r[0]))
    return ["organisation", "type", "neighbours", "relations"], rows[:limit]


def supporting_articles(graph: Graph, source: str, type: str, target: str) -> Rows:
    idx = _Index(graph)
    sources = {e.id for e in idx.named(source)}
    targets = {e.id for e in idx.named(target)}
    rows = []
    for r in graph.relations:
        if r.type.value != type:
            continue
        forward = r.source in sources and r.target in targets
        backward = (
            r.type in SYMMETRIC and r.target in sources and r.source in targets and r.source != r.target
        )
        for _ in range(int(forward) + int(backward)):
            for aid in r.article_ids:
                a = idx.articles.get(aid)
                if a is not None:
                    rows.append([r.id, a.id, a.title, a.date, a.url, _evidence(r)])
    rows.sort(key=lambda r: _key(r[3], r[1]))
    return ["relation", "article", "title", "date", "url", "evidence"], rows


# file stem -> (function, parameters it takes from the query's $parameters)
LIBRARY: dict[str, tuple[Callable[..., Rows], tuple[str, ...]]] = {
    "subsidiaries": (subsidiaries, ("name",)),
    "partners": (partners, ("name",)),
    "financing": (financing, ()),
    "cross_border": (cross_border, ()),
    "executives": (executives, ("name",)),
    "person_organisations": (person_organisations, ("person",)),
    "shortest_connection": (shortest_connection, ("source", "target")),
    "region_activity": (region_activity, ("region",)),
    "deal_timeline": (deal_timeline, ("name",)),
    "most_connected": (most_connected, ("limit",)),
    "supporting_articles": (supporting_articles, ("source", "type", "target")),
    "possible_duplicates": (possible_duplicates, ("limit",)),
    "financing_received": (financing_received, ()),
    "syndicates": (syndicates, ()),
    "financing_by_bank": (financing_by_bank, ()),
    "branches": (branches, ("name",)),
    "bank_deals": (bank_deals, ("name",)),
}
