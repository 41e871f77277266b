"""Reference renditions of the money, bank and duplicate queries of cypher/ (see kg.neo4j.reference).

Financing totals count a syndicate's stated total once per syndicate, never once per lender; bank queries
follow BRANCH_OF (derived by kg from the names) to roll branches up to their head office.
"""

from __future__ import annotations

import itertools
from decimal import ROUND_HALF_UP, Decimal

import networkx as nx

from kg.models import Graph, GraphEntity, GraphRelation
from kg.neo4j.reference_base import DEAL_TYPES, Rows, _Index, _key
from kg.ontology import RelationType

STEM_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司", "股份")


def _own(r: GraphRelation) -> float:
    """A lender's own amount: 0 for a syndicate's total (counted once per syndicate elsewhere) or none."""
    p = r.properties
    return 0 if p.amount_scope == "syndicate" else (p.amount if p.amount is not None else 0)


def financing(graph: Graph) -> Rows:
    idx = _Index(graph)
    groups: dict[tuple, list[GraphRelation]] = {}
    for r in sorted(graph.relations, key=lambda r: r.id):
        if r.type is RelationType.PROVIDED_FINANCING_TO:
            groups.setdefault((r.source, r.target, r.properties.currency), []).append(r)
    rows = []
    for (src, tgt, cur), rels in groups.items():
        texts = [r.properties.amount_text for r in rels if r.properties.amount_text is not None]
        roles = list(dict.fromkeys(r.properties.role for r in rels if r.properties.role is not None))
        syndicates = {r.properties.syndicate for r in rels if r.properties.syndicate is not None}
        own = sum(_own(r) for r in rels)
        rows.append(
            [
                idx.entities[src].name,
                idx.entities[tgt].name,
                cur,
                own,
                len(rels),
                len(syndicates),
                roles,
                texts,
            ]
        )
    rows.sort(key=lambda r: _key(r[0], r[1], r[2]))
    return [
        "lender",
        "borrower",
        "currency",
        "own_amount",
        "deals",
        "syndicated_loans",
        "roles",
        "amounts_as_written",
    ], rows


def financing_received(graph: Graph) -> Rows:
    idx = _Index(graph)
    loans: dict[tuple, list[GraphRelation]] = {}
    for r in graph.relations:
        if r.type is RelationType.PROVIDED_FINANCING_TO:
            p = r.properties
            loans.setdefault((r.target, p.currency, p.syndicate or r.id, p.syndicate is not None), []).append(
                r
            )
    totals: dict[tuple, list] = {}
    for (tgt, cur, _, syndicated), rels in loans.items():
        stated = [
            r.properties.amount
            for r in rels
            if r.properties.amount_scope == "syndicate" and r.properties.amount is not None
        ]
        amount = max(stated) if stated else sum(_own(r) for r in rels)
        acc = totals.setdefault((tgt, cur), [0, 0, 0])
        acc[0] += amount
        acc[1] += 1
        acc[2] += int(syndicated)
    rows = [[idx.entities[t].name, cur, total, n, s] for (t, cur), (total, n, s) in totals.items()]
    rows.sort(key=lambda r: _key(r[0], r[1]))
    return ["borrower", "currency", "total", "loans", "syndicated_loans"], rows


def syndicates(graph: Graph) -> Rows:
    idx = _Index(graph)
    members: dict[str, list[GraphRelation]] = {}
    for r in graph.relations:
        if r.type is RelationType.PROVIDED_FINANCING_TO and r.properties.syndicate is not None:
            members.setdefault(r.properties.syndicate, []).append(r)
    rows = []
    for sid, rels in members.items():
        rels = sorted(rels, key=lambda r: _key(idx.entities[r.source].name, idx.entities[r.target].name))
        borrowers = list(dict.fromkeys(idx.entities[r.target].name for r in rels))
        totals = [r for r in rels if r.properties.amount_scope == "syndicate"]
        amounts = [r.properties.amount for r in totals if r.properties.amount is not None]
        currencies = sorted(r.properties.currency for r in totals if r.properties.currency is not None)
        lenders = [[idx.entities[r.source].name, r.properties.role] for r in rels]
        rows.append(
            [
                sid,
                borrowers,
                max(amounts) if amounts else None,
                currencies[-1] if currencies else None,
                len(lenders),
                lenders,
            ]
        )
    rows.sort(key=lambda r: r[0])
    return ["syndicate", "borrowers", "total", "currency", "lender_count", "lenders"], rows


LEAD_ROLES = ("牵头行", "主牵头行", "联合牵头行")


def _parents(graph: Graph) -> dict[str, str]:
    return {r.source: r.target for r in graph.relations if r.type is RelationType.BRANCH_OF}


def _top(parents: dict[str, str], eid: str) -> str:
    seen = {eid}
    while eid in parents and parents[eid] not in seen:
        eid = parents[eid]
        seen.add(eid)
    return eid


def financing_by_bank(graph: Graph) -> Rows:
    idx = _Index(graph)
    parents = _parents(graph)
    groups: dict[tuple, list[GraphRelation]] = {}
    for r in graph.relations:
        if r.type is RelationType.PROVIDED_FINANCING_TO and idx.entities[r.source].type.value == "Bank":
            groups.setdefault((_top(parents, r.source), r.properties.currency), []).append(r)
    rows = []
    for (bank, cur), rels in groups.items():
        synd = {r.properties.syndicate for r in rels if r.properties.syndicate is not None}
        led = {
            r.properties.syndicate
            for r in rels
            if r.properties.syndicate is not None and r.properties.role in LEAD_ROLES
        }
        rows.append(
            [
                idx.entities[bank].name,
                cur,
                sum(_own(r) for r in rels),
                len(rels),
                len(synd),
                len(led),
                len({r.source for r in rels}),
            ]
        )
    rows.sort(key=lambda r: _key(r[0], r[1]))
    return [
        "bank",
        "currency",
        "own_amount",
        "deals",
        "syndicated_loans",
        "led_syndicates",
        "lending_units",
    ], rows


def branches(graph: Graph, name: str) -> Rows:
    idx = _Index(graph)
    down = nx.DiGraph()
    rules = {}
    for r in graph.relations:
        if r.type is RelationType.BRANCH_OF:
            down.add_edge(r.source, r.target)
            rules[(r.source, r.target)] = r.properties.rule
    best: dict[str, tuple[int, list[str]]] = {}
    for b in idx.named(name, "Bank"):
        if b.id not in down:
            continue
        dist = nx.single_source_shortest_path_length(down.reverse(copy=False), b.id)
        for s, d in dist.items():
            if d == 0:
                continue
            chain = [s]
            while chain[-1] != b.id:
                chain.append(min(n for n in down.successors(chain[-1]) if dist.get(n) == dist[chain[-1]] - 1))
            if s not in best or (d, chain) < best[s]:
                best[s] = (d, chain)
    rows = [
        [
            idx.entities[s].name,
            d,
            [idx.entities[c].name for c in chain],
            [rules[(x, y)] for x, y in itertools.pairwise(chain)],
        ]
        for s, (d, chain) in best.items()
        if idx.entities[s].type.value == "Bank"
    ]
    rows.sort(key=lambda r: _key(r[1], r[0]))
    return ["branch", "depth", "chain", "rules"], rows


def bank_deals(graph: Graph, name: str) -> Rows:
    idx = _Index(graph)
    parents = _parents(graph)
    rows = []
    for b in idx.named(name, "Bank"):
        units = {e.id for e in graph.entities if e.type.value == "Bank" and _reaches(parents, e.id, b.id)}
        for u in sorted(units):
            for r, other in idx.incident(u, DEAL_TYPES):
                if _reaches(parents, other, b.id):
                    continue
                p = r.properties
                rows.append(
                    [
                        idx.entities[u].name,
                        r.type.value,
                        "out" if r.source == u else "in",
                        idx.entities[other].name,
                        p.date,
                        p.amount,
                        p.currency,
                        p.amount_scope,
                        p.role,
                        p.syndicate,
                    ]
                )
    rows.sort(key=lambda r: _key(r[4], r[1], r[3], r[0]))
    return [
        "through",
        "deal",
        "direction",
        "counterparty",
        "date",
        "amount",
        "currency",
        "amount_scope",
        "role",
        "syndicate",
    ], rows


def _reaches(parents: dict[str, str], eid: str, target: str) -> bool:
    """eid -[:BRANCH_OF*0..]-> target."""
    seen = set()
    while eid not in seen:
        if eid == target:
            return True
        seen.add(eid)
        if eid not in parents:
            return False
        eid = parents[eid]
    return False


def name_stem(form: str) -> str:
    s = form.strip()
    for suffix in STEM_SUFFIXES:
        if len(s) > len(suffix) and s.endswith(suffix):
            s = s[: len(s) - len(suffix)]
    return s[2:] if s.startswith("中国") and len(s) > 4 and not s[2:].startswith("银行") else s


ORGANISATION_TYPES = ("Company", "Bank", "Fund")
MIN_DUPLICATE_SCORE = 0.8


def _round3(x: float) -> float:
    """Neo4j's round(x, 3) rounds halves up (Python's round() would round them to even)."""
    return float(Decimal(repr(x)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def possible_duplicates(graph: Graph, limit: int = 20) -> Rows:
    ents = sorted((e for e in graph.entities if e.type.value not in ("Event", "Person")), key=lambda e: e.id)
    blocks: dict[str, list[tuple[GraphEntity, str]]] = {}
    for e in ents:
        stem = name_stem(e.name)
        if len(stem) < 2:
            continue
        for block in (stem[:2], stem[-2:]):
            blocks.setdefault(block, []).append((e, stem))
    branch_pairs = {
        frozenset((r.source, r.target)) for r in graph.relations if r.type is RelationType.BRANCH_OF
    }
    neighbours: dict[str, set[str]] = {}
    for r in graph.relations:
        if r.type is not RelationType.BRANCH_OF and r.source != r.target:
            neighbours.setdefault(r.source, set()).add(r.target)
            neighbours.setdefault(r.target, set()).add(r.source)
    pairs: dict[tuple[str, str], tuple] = {}
    for members in blocks.values():
        for i, (a, sa) in enumerate(members):
            for b, sb in members[i + 1 :]:
                types = (a.type.value, b.type.value)
                compatible = types[0] == types[1] or all(t in ORGANISATION_TYPES for t in types)
                if (
                    a.id < b.id
                    and compatible
                    and (sb in sa or sa in sb)
                    and frozenset((a.id, b.id)) not in branch_pairs
                ):
                    pairs[(a.id, b.id)] = (a, b, sa, sb)
    rows = []
    for a, b, sa, sb in pairs.values():
        shared = len(neighbours.get(a.id, set()) & neighbours.get(b.id, set()))
        name_score = min(len(sa), len(sb)) / max(len(sa), len(sb))
        score = _round3(name_score + 0.25 * min(shared, 4))
        if score < MIN_DUPLICATE_SCORE:
            continue
        rows.append(
            [a.name, b.name, a.type.value, b.type.value, a.id, b.id, score, _round3(name_score), shared]
        )
    rows.sort(key=lambda r: (-r[6], r[0], r[1]))
    keys = [
        "name_a",
        "name_b",
        "type_a",
        "type_b",
        "id_a",
        "id_b",
        "score",
        "name_score",
        "shared_neighbours",
    ]
    return keys, rows[:limit]
