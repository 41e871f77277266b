"""Grounding, never trust: the model's names and quotes are checked against the article, offsets are kg's.

An entity none of whose names occurs in the text is dropped. A relation needs both endpoints among the
grounded entities, a type whose signature (kg.ontology.SIGNATURES) admits the endpoint types in that
direction, and an evidence quote found in the article: exactly, after width and whitespace folding, or
else fuzzily inside one sentence (then the evidence is the matched stretch of that sentence). Amounts and
dates come from kg's own normaliser run on the evidence; role, stake and agreement are kept only as the
article writes them. Everything dropped is counted.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from kg.evaluate.gold import normalize_surface
from kg.llm.schema import LlmAnswer, LlmRelation
from kg.models import (
    Article,
    ArticleRef,
    Evidence,
    ExtractedEntity,
    ExtractedRelation,
    Extraction,
    Mention,
    RelationProperties,
)
from kg.ontology import SIGNATURES, SYMMETRIC, EntityType, RelationType

FUZZY_MIN = 0.85  # share of the quote's characters that must match inside one sentence
MONEY = frozenset(
    {
        RelationType.PROVIDED_FINANCING_TO,
        RelationType.CROSS_BORDER_FINANCING,
        RelationType.INVESTED_IN,
        RelationType.ACQUIRED,
    }
)
UNDATED = frozenset({RelationType.SUBSIDIARY_OF, RelationType.LOCATED_IN, RelationType.EXECUTIVE_OF})
_SENTENCE_END = frozenset("。!?;")  # after NFKC (！？； fold to ASCII)


fold = normalize_surface  # the scorer's normalisation: what kg eval matches is what grounding finds


@dataclass
class GroundStats:
    invalid_items: int = 0
    entities_dropped: int = 0
    relations_ungrounded: int = 0
    relations_fuzzy: int = 0
    relations_off_ontology: int = 0
    relations_unknown_entity: int = 0

    def as_counts(self) -> dict[str, int]:
        return dict(self.__dict__)


class FoldedText:
    """The article text folded, with a map from folded positions back to text offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        chars: list[str] = []
        back: list[int] = []
        for i, ch in enumerate(text):
            for c in "".join(unicodedata.normalize("NFKC", ch).split()):
                chars.append(c)
                back.append(i)
        self.folded = "".join(chars)
        self.back = back
        self._sentences: list[tuple[int, int]] | None = None

    def span(self, a: int, b: int) -> tuple[int, int]:
        """Folded [a, b) -> text [start, end)."""
        return self.back[a], self.back[b - 1] + 1

    def occurrences(self, form: str) -> list[tuple[int, int]]:
        """Every place `form` is written (exact first; else width/space-folded)."""
        out: list[tuple[int, int]] = []
        if form:
            k = self.text.find(form)
            while k >= 0:
                out.append((k, k + len(form)))
                k = self.text.find(form, k + len(form))
        if out:
            return out
        f = fold(form)
        if not f:
            return []
        k = self.folded.find(f)
        while k >= 0:
            out.append(self.span(k, k + len(f)))
            k = self.folded.find(f, k + len(f))
        return out

    def sentences(self) -> list[tuple[int, int]]:
        if self._sentences is None:
            spans, start = [], 0
            for i, c in enumerate(self.folded):
                if c in _SENTENCE_END or (i + 1 < len(self.folded) and self.back[i + 1] - self.back[i] > 1):
                    spans.append((start, i + 1))
                    start = i + 1
            if start < len(self.folded):
                spans.append((start, len(self.folded)))
            self._sentences = spans
        return self._sentences

    def find_quote(self, quote: str) -> tuple[tuple[int, int] | None, bool]:
        """(text span, fuzzy?) of an evidence quote, or (None, False)."""
        found = self.occurrences(quote.strip())
        if found:
            return found[0], False
        q = fold(quote)
        if len(q) < 4:
            return None, False
        best: tuple[float, int, int] | None = None
        grams = {q[i : i + 2] for i in range(len(q) - 1)}
        for s, e in self.sentences():
            if e - s < len(q) * FUZZY_MIN:
                continue
            sentence = self.folded[s:e]
            if sum(g in sentence for g in grams) < len(grams) * FUZZY_MIN / 2:
                continue  # cheap filter: too few of the quote's character pairs to match well
            sm = SequenceMatcher(None, q, sentence, autojunk=False)
            blocks = [b for b in sm.get_matching_blocks() if b.size]
            share = sum(b.size for b in blocks) / len(q)
            if share >= FUZZY_MIN and (best is None or share > best[0]):
                first, last = blocks[0], blocks[-1]
                best = (share, s + first.b, s + last.b + last.size)
        if best is None:
            return None, False
        return self.span(best[1], best[2]), True


@dataclass
class _Entity:
    forms: list[str]  # model's forms, name first
    types: Counter = field(default_factory=Counter)
    found: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # written form -> spans


def _merge_entities(answers: list[LlmAnswer], doc: FoldedText, stats: GroundStats) -> list[_Entity]:
    """Entities of all windows, joined when they share a (folded) form; those not in the text dropped."""
    groups: list[_Entity] = []
    by_form: dict[str, int] = {}
    for answer in answers:
        for ent in answer.entities:
            forms = [f.strip() for f in [ent.name, *ent.aliases] if f and f.strip()]
            hit = next((by_form[fold(f)] for f in forms if fold(f) in by_form), None)
            if hit is None:
                hit = len(groups)
                groups.append(_Entity([]))
            g = groups[hit]
            g.types[ent.type] += 1
            for f in forms:
                if fold(f) not in {fold(x) for x in g.forms}:
                    g.forms.append(f)
                by_form.setdefault(fold(f), hit)
    kept = []
    for g in groups:
        for f in g.forms:
            spans = doc.occurrences(f)
            if spans:
                written = doc.text[spans[0][0] : spans[0][1]]
                g.found.setdefault(written, spans)
        if g.found:
            kept.append(g)
        else:
            stats.entities_dropped += 1
    return kept


def _mentions(groups: list[_Entity]) -> list[list[tuple[int, int]]]:
    """Mentions per entity: longer names win where names overlap (中国银行四川省分行 over 中国银行); an
    entity only ever written inside a longer name keeps those occurrences."""
    spans = sorted(
        ((s, e, i) for i, g in enumerate(groups) for found in g.found.values() for s, e in found),
        key=lambda x: (x[0] - x[1], x[0], x[2]),
    )
    taken: list[tuple[int, int]] = []
    out: list[list[tuple[int, int]]] = [[] for _ in groups]
    for s, e, i in spans:
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        out[i].append((s, e))
    for i, g in enumerate(groups):
        if not out[i]:
            out[i] = sorted({sp for found in g.found.values() for sp in found})
    return [sorted(set(m)) for m in out]


def _properties(rel: LlmRelation, rtype: RelationType, evidence: str, doc: FoldedText, date: str | None):
    from kg.extract.normalize import find_date, parse_amount  # kg's normaliser, loaded only here

    props = RelationProperties(extractor="llm")
    if rtype in MONEY:
        given = rel.properties.amount_text
        parsed = parse_amount(given) if given and fold(given) in fold(evidence) else None
        parsed = parsed or parse_amount(evidence)
        if parsed:
            props.amount, props.currency, props.amount_text = parsed
    if rtype not in UNDATED:
        props.date = find_date(evidence, date)
    for key in ("role", "stake", "agreement"):
        value = getattr(rel.properties, key)
        if value and (found := doc.occurrences(value.strip())):
            setattr(props, key, doc.text[found[0][0] : found[0][1]])
    return props


def ground_answers(
    article: Article, answers: list[LlmAnswer], stats: GroundStats | None = None
) -> Extraction:
    """The model's answers for the windows of `article` -> an Extraction with kg's own offsets."""
    stats = stats if stats is not None else GroundStats()
    doc = FoldedText(article.text)
    groups = _merge_entities(answers, doc, stats)
    mentions = _mentions(groups)
    order = sorted(
        range(len(groups)), key=lambda i: (mentions[i][0] if mentions[i] else (0, 0), groups[i].forms[0])
    )
    local = {i: f"e{n + 1}" for n, i in enumerate(order)}
    entities: list[ExtractedEntity] = []
    form_index: dict[str, int] = {}
    types: dict[int, EntityType] = {}
    for i in order:
        g = groups[i]
        written = sorted(g.found, key=lambda f: (-len(f), f))
        name = next((f for f in g.forms if f in g.found), written[0])
        etype = max(g.types.items(), key=lambda kv: (kv[1], -list(g.types).index(kv[0])))[0]
        types[i] = etype
        for f in g.forms:
            form_index.setdefault(fold(f), i)
        entities.append(
            ExtractedEntity(
                id=local[i],
                name=name,
                type=etype,
                aliases=sorted(set(written) - {name}),
                mentions=[Mention(start=s, end=e, text=article.text[s:e]) for s, e in mentions[i]],
            )
        )
    relations: dict[tuple, ExtractedRelation] = {}
    for answer in answers:
        for rel in answer.relations:
            src, tgt = form_index.get(fold(rel.source)), form_index.get(fold(rel.target))
            if src is None or tgt is None:
                stats.relations_unknown_entity += 1
                continue
            rtype = RelationType(rel.type.value)
            allowed_src, allowed_tgt = SIGNATURES[rtype]
            if src == tgt or types[src] not in allowed_src or types[tgt] not in allowed_tgt:
                stats.relations_off_ontology += 1
                continue
            span, fuzzy = doc.find_quote(rel.evidence)
            if span is None:
                stats.relations_ungrounded += 1
                continue
            stats.relations_fuzzy += fuzzy
            text = article.text[span[0] : span[1]]
            props = _properties(rel, rtype, text, doc, article.date)
            ends = (local[src], local[tgt])
            key_ends = tuple(sorted(ends)) if rtype in SYMMETRIC else ends
            key = (rtype, key_ends, props.amount, props.currency, (props.date or "")[:4])
            if key in relations:
                continue  # the same fact from an overlapping window
            relations[key] = ExtractedRelation(
                type=rtype,
                source=ends[0],
                target=ends[1],
                properties=props,
                evidence=Evidence(start=span[0], end=span[1], text=text),
                confidence=0.9 if fuzzy else 1.0,
            )
    ordered = sorted(
        relations.values(),
        key=lambda r: (r.evidence.start, r.evidence.end, r.type.value, int(r.source[1:]), int(r.target[1:])),
    )
    ref = ArticleRef(
        id=article.id, path=article.path, title=article.title, date=article.date, url=article.url
    )
    return Extraction(article=ref, entities=entities, relations=ordered)
