"""Scoring one extraction against its gold file, exactly as FORMAT.md "Scoring" describes.

Entities and relations are matched one-to-one (maximum bipartite matching), so duplicates in a
prediction cost precision instead of being counted twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from kg.evaluate.gold import UNSCORED_ENTITY_TYPES, UNSCORED_RELATION_TYPES, GoldFile, normalize_surface
from kg.models import Extraction
from kg.ontology import SYMMETRIC, RelationType

SYMMETRIC_NAMES = frozenset(t.value for t in SYMMETRIC)


def surfaces(forms: Iterable[str]) -> frozenset[str]:
    return frozenset(n for n in (normalize_surface(f) for f in forms) if n)


class Counts(BaseModel):
    """True/false positives and negatives with the derived scores."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn


class Scores(BaseModel):
    tp: int
    fp: int
    fn: int
    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, c: Counts) -> Scores:
        return cls(
            tp=c.tp,
            fp=c.fp,
            fn=c.fn,
            precision=round(c.precision, 4),
            recall=round(c.recall, 4),
            f1=round(c.f1, 4),
        )


class ArticleScore(BaseModel):
    """One article's result, with readable false positives/negatives for `--details`."""

    path: str
    gold: str
    entities: Scores
    relations: Scores
    evidence_exact: int
    evidence_total: int
    entity_false_positives: list[str] = Field(default_factory=list)
    entity_false_negatives: list[str] = Field(default_factory=list)
    relation_false_positives: list[str] = Field(default_factory=list)
    relation_false_negatives: list[str] = Field(default_factory=list)


def max_matching(n_left: int, edges: dict[int, list[int]]) -> dict[int, int]:
    """Maximum bipartite matching (augmenting paths); returns left -> right. Inputs are small."""
    match_right: dict[int, int] = {}

    def augment(u: int, seen: set[int]) -> bool:
        for v in edges.get(u, ()):
            if v in seen:
                continue
            seen.add(v)
            if v not in match_right or augment(match_right[v], seen):
                match_right[v] = u
                return True
        return False

    for u in range(n_left):
        augment(u, set())
    return {u: v for v, u in match_right.items()}


@dataclass
class ArticleCounts:
    entities: Counts = field(default_factory=Counts)
    entities_by_type: dict[str, Counts] = field(default_factory=dict)
    relations: Counts = field(default_factory=Counts)
    relations_by_type: dict[str, Counts] = field(default_factory=dict)
    evidence_exact: int = 0
    evidence_total: int = 0
    entity_fp: list[str] = field(default_factory=list)
    entity_fn: list[str] = field(default_factory=list)
    relation_fp: list[str] = field(default_factory=list)
    relation_fn: list[str] = field(default_factory=list)

    def bump(self, table: dict[str, Counts], key: str, what: str) -> None:
        c = table.setdefault(key, Counts())
        setattr(c, what, getattr(c, what) + 1)


def _evidence_ok(ev_text: str, start: int, end: int, text: str) -> bool:
    return bool(ev_text) and text[start:end] == ev_text and ev_text in text


def score_article(extraction: Extraction, text: str | None, gold: GoldFile) -> ArticleCounts:
    """Counts for one article. `text` is the article text (None: evidence cannot be checked)."""
    out = ArticleCounts()
    g_surf = [surfaces([e.name, *e.aliases]) for e in gold.entities]
    g_scored = [i for i, e in enumerate(gold.entities) if e.type.value not in UNSCORED_ENTITY_TYPES]
    pred = extraction.entities
    p_surf = {e.id: surfaces([e.name, *e.aliases, *(m.text for m in e.mentions)]) for e in pred}
    p_index = {e.id: e for e in pred}

    # ---- entities
    p_scored = [e for e in pred if e.type.value not in UNSCORED_ENTITY_TYPES]
    edges = {
        i: [j for j, gi in enumerate(g_scored) if p_surf[e.id] & g_surf[gi]] for i, e in enumerate(p_scored)
    }
    matching = max_matching(len(p_scored), edges)
    matched_gold = {g_scored[j] for j in matching.values()}
    for i, e in enumerate(p_scored):
        if i in matching:
            gtype = gold.entities[g_scored[matching[i]]].type.value
            out.entities.tp += 1
            out.bump(out.entities_by_type, gtype, "tp")
        elif edges[i] or not any(p_surf[e.id] & g_surf[k] for k in range(len(gold.entities))):
            out.entities.fp += 1  # a duplicate of a matched entity, or matches nothing in the gold
            out.bump(out.entities_by_type, e.type.value, "fp")
            out.entity_fp.append(f"{e.name} [{e.type.value}]")
        # else: matches only a gold Other/Event entity -> not counted either way
    for gi in g_scored:
        if gi not in matched_gold:
            e = gold.entities[gi]
            out.entities.fn += 1
            out.bump(out.entities_by_type, e.type.value, "fn")
            out.entity_fn.append(f"{e.name} [{e.type.value}]")

    # ---- relations (deduplicated by type and endpoints)
    def key(rtype: str, s: object, t: object) -> tuple:
        if rtype in SYMMETRIC_NAMES:
            s, t = sorted((s, t), key=str)
        return (rtype, s, t)

    gold_rel: dict[tuple, tuple[str, int, int]] = {}
    other_pairs: set[tuple[int, int]] = set()
    for r in gold.relations:
        s, t = gold.entity_index(r.source), gold.entity_index(r.target)
        assert s is not None and t is not None  # load_gold checked endpoints
        if r.type.value == "OTHER":
            other_pairs.add((s, t))
        elif r.type.value not in UNSCORED_RELATION_TYPES:
            gold_rel.setdefault(key(r.type.value, s, t), (r.type.value, s, t))
    pred_rel: dict[tuple, tuple[str, str, str]] = {}
    for r in extraction.relations:
        if text is not None:
            out.evidence_total += 1
            out.evidence_exact += _evidence_ok(r.evidence.text, r.evidence.start, r.evidence.end, text)
        if r.type.value in UNSCORED_RELATION_TYPES:
            continue
        if r.source not in p_index or r.target not in p_index:
            out.relations.fp += 1  # dangling endpoint: a prediction that cannot match anything
            out.bump(out.relations_by_type, r.type.value, "fp")
            out.relation_fp.append(f"{r.source} -{r.type.value}-> {r.target} (unknown entity id)")
            continue
        pred_rel.setdefault(key(r.type.value, r.source, r.target), (r.type.value, r.source, r.target))

    def ends_match(ps: str, pt: str, gs: int, gt: int) -> bool:
        return bool(p_surf[ps] & g_surf[gs]) and bool(p_surf[pt] & g_surf[gt])

    golds = list(gold_rel.values())
    preds = list(pred_rel.values())
    r_edges = {
        i: [
            j
            for j, (gtype, gs, gt) in enumerate(golds)
            if gtype == ptype
            and (ends_match(ps, pt, gs, gt) or (ptype in SYMMETRIC_NAMES and ends_match(ps, pt, gt, gs)))
        ]
        for i, (ptype, ps, pt) in enumerate(preds)
    }
    r_matching = max_matching(len(preds), r_edges)
    matched = set(r_matching.values())
    for i, (ptype, ps, pt) in enumerate(preds):
        if i in r_matching:
            out.relations.tp += 1
            out.bump(out.relations_by_type, ptype, "tp")
            continue
        if any(ends_match(ps, pt, a, b) or ends_match(ps, pt, b, a) for a, b in other_pairs):
            continue  # matches a gold OTHER relation's endpoints: ignored
        out.relations.fp += 1
        out.bump(out.relations_by_type, ptype, "fp")
        out.relation_fp.append(f"{p_index[ps].name} -{ptype}-> {p_index[pt].name}")
    for j, (gtype, gs, gt) in enumerate(golds):
        if j not in matched:
            out.relations.fn += 1
            out.bump(out.relations_by_type, gtype, "fn")
            out.relation_fn.append(f"{gold.entities[gs].name} -{gtype}-> {gold.entities[gt].name}")
    return out


RELATION_TYPE_ORDER = [t.value for t in RelationType]
