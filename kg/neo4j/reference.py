"""What each cypher/ library query returns, computed in Python (networkx) from a kg Graph.

Why: Neo4j cannot run here, so the documented outputs are derived from the store with these functions,
and the integration tests (NEO4J_URI set) check that Neo4j returns the same rows. Each function mirrors
one file in cypher/ (same columns, same ORDER BY; Neo4j sorts nulls last).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import networkx as nx

from kg.models import Graph, GraphEntity, GraphRelation
from kg.ontology import SYMMETRIC, RelationType

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
NON_ORGANISATIONS = ("Person", "Region", "Event")
STEM_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司", "股份")


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


def financing(graph: Graph) -> Rows:
    idx = _Index(graph)
    groups: dict[tuple, list[GraphRelation]] = {}
    for r in sorted(graph.relations, key=lambda r: r.id):
        if r.type is RelationType.PROVIDED_FINANCING_TO:
            groups.setdefault((r.source, r.target, r.properties.currency), []).append(r)
    rows = []
    for (src, tgt, cur), rels in groups.items():
        amounts = [r.properties.amount for r in rels if r.properties.amount is not None]
        total: Any = sum(amounts) if amounts else 0
        texts = [r.properties.amount_text for r in rels if r.properties.amount_text is not None]
        rows.append([idx.entities[src].name, idx.entities[tgt].name, cur, total, len(rels), texts])
    rows.sort(key=lambda r: _key(r[0], r[1], r[2]))
    return ["lender", "borrower", "currency", "total", "deals", "amounts_as_written"], rows


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
            dates = [
                idx.articles[a].date
                for a in r.article_ids
                if a in idx.articles and idx.articles[a].date is not None
            ]
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
                    r.article_ids,
                ]
            )
    rows.sort(key=lambda r: _key(r[0], r[1], r[3]))
    return ["date", "deal", "direction", "counterparty", "amount", "currency", "agreement", "articles"], rows


def most_connected(graph: Graph, limit: int = 10) -> Rows:
    idx = _Index(graph)
    neighbours: dict[str, set[str]] = {}
    relations: dict[str, set[str]] = {}
    for r in graph.relations:
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


def name_stem(form: str) -> str:
    s = form.strip()
    for suffix in STEM_SUFFIXES:
        if len(s) > len(suffix) and s.endswith(suffix):
            s = s[: len(s) - len(suffix)]
    return s


def possible_duplicates(graph: Graph) -> Rows:
    groups: dict[str, list[GraphEntity]] = {}
    for e in sorted(graph.entities, key=lambda e: e.id):
        if e.type.value == "Event":
            continue
        for form in [e.name, *e.aliases]:
            members = groups.setdefault(name_stem(form), [])
            if e not in members:
                members.append(e)
    rows = [
        [stem, [e.id for e in es], [e.name for e in es], [e.type.value for e in es]]
        for stem, es in groups.items()
        if len(es) > 1
    ]
    rows.sort(key=lambda r: r[0])
    return ["stem", "ids", "names", "types"], rows


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
    "possible_duplicates": (possible_duplicates, ()),
}
