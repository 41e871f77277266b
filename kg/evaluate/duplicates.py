"""Duplicate finding measured on real data: how many real splits `kg duplicates` and
`cypher/possible_duplicates.cypher` (its Python rendition, on the same graph) find, with how many false alarms.

The corpora are extracted, stored and resolved as `kg eval-resolution` does (kg.evaluate.resolution). Each
store node gets the identities of the gold entities aligned to its extracted entities: by shared surface
form, and, for an extracted entity that matched nothing, the longest gold name (of the same type, not a
generic word) its own name ends with: a span broken at its left edge, 自国家开发银行, is still about
国家开发银行, while 雄安新区中关村科技园 is not about 雄安新区. A real split is a pair of nodes sharing an identity.
A proposed pair is a hit when its nodes share one, a false alarm when both have identities and none is
shared, unknown otherwise (a node extraction invented).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from kg.evaluate.resolution import UNSCORED, Extractor, Prepared, prepared, truth_of
from kg.neo4j.reference_money import possible_duplicates
from kg.resolve.rules import is_generic, normalize_form
from kg.store.duplicates import find_duplicates
from kg.store.read import read_graph


class FinderScore(BaseModel):
    proposed: int
    hits: int
    false_alarms: int
    unknown: int
    recall: float = Field(description="Real splits found, of all real splits")
    precision: float = Field(description="Hits among the proposals whose two nodes are both known")
    false_alarm_examples: list[tuple[str, str]] = Field(default_factory=list)
    missed_examples: list[tuple[str, str]] = Field(default_factory=list)


class DuplicatesReport(BaseModel):
    articles: int
    nodes_with_identity: int
    real_splits: int
    kg_duplicates: FinderScore
    possible_duplicates_cypher: FinderScore


def node_identities(p: Prepared) -> dict[str, set[str]]:
    """Store node id -> the truth clusters of the gold entities it carries (exact, then containment)."""
    out: dict[str, set[str]] = defaultdict(set)
    for ref, (node, _) in p.found.items():
        out[node].add(truth_of(p.labels, ref))
    aligned = {node for node, _ in p.found.values()}
    for stem, extraction, gold in p.items:
        golds = [g for g in gold.entities if g.type.value not in UNSCORED]
        for e in extraction.entities:
            node = p.node_of[(extraction.article.id, e.id)]
            if node in aligned or e.type.value in UNSCORED:
                continue
            name = normalize_form(e.name)
            inside = [
                (len(f), normalize_form(g.name))
                for g in golds
                if g.type.value == e.type.value
                for f in (normalize_form(x) for x in (g.name, *g.aliases))
                if len(f) >= 3 and not is_generic(f) and name.endswith(f) and f != name
            ]
            if inside:
                out[node].add(truth_of(p.labels, (stem, max(inside)[1])))
    return out


def _judge(
    pairs: list[tuple[str, str, str, str]], ident: dict[str, set[str]], splits: set[frozenset]
) -> FinderScore:
    hits, alarms, unknown = set(), [], 0
    for a, b, na, nb in pairs:
        if ident.get(a) and ident.get(b):
            if ident[a] & ident[b]:
                hits.add(frozenset((a, b)))
            else:
                alarms.append((na, nb))
        else:
            unknown += 1
    judged = len(hits) + len(alarms)
    return FinderScore(
        proposed=len(pairs),
        hits=len(hits),
        false_alarms=len(alarms),
        unknown=unknown,
        recall=round(len(hits & splits) / len(splits), 4) if splits else 1.0,
        precision=round(len(hits) / judged, 4) if judged else 1.0,
        false_alarm_examples=alarms[:20],
    )


def score_duplicates(
    corpora: Iterable[str | Path],
    label_files: Iterable[str | Path] = (),
    *,
    extractor: Extractor | str | None = None,
    aliases: str | Path | None = None,
) -> DuplicatesReport:
    """Real splits left after resolution on the corpora, and what both duplicate finders make of them."""
    with prepared(corpora, label_files, extractor=extractor, aliases=aliases) as p:
        ident = node_identities(p)
        by_label: dict[str, list[str]] = defaultdict(list)
        for node, labels in ident.items():
            for label in labels:
                by_label[label].append(node)
        splits = {
            frozenset((a, b))
            for nodes in by_label.values()
            for i, a in enumerate(sorted(nodes))
            for b in sorted(nodes)[i + 1 :]
        }
        found = find_duplicates(p.db, limit=None)
        ours = _judge([(c.a, c.b, c.a_name, c.b_name) for c in found], ident, splits)
        graph = read_graph(p.db)
        _, rows = possible_duplicates(graph, limit=len(graph.entities) ** 2 or 1)
        cypher = _judge([(r[4], r[5], r[0], r[1]) for r in rows], ident, splits)
        names = {e.id: e.name for e in graph.entities}
        proposed = {frozenset((c.a, c.b)) for c in found}
        ours.missed_examples = sorted(tuple(sorted(names[n] for n in s)) for s in splits - proposed)[:20]
        return DuplicatesReport(
            articles=len(p.items),
            nodes_with_identity=len(ident),
            real_splits=len(splits),
            kg_duplicates=ours,
            possible_duplicates_cypher=cypher,
        )
