"""The offline Chinese extractor: Article -> Extraction (entities with mentions, relations with evidence).

Rule-based and deterministic: grammars of Chinese news text (organisation suffixes, title chains, cue words),
not a lexicon of known names. Pure and process-safe; compiled patterns are module-level constants.
"""

from __future__ import annotations

from kg.errors import ExtractError
from kg.extract.entities import build_entities
from kg.extract.hanzi import is_traditional, to_simplified
from kg.extract.relations import extract_relations
from kg.extract.textview import recognition_view
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
from kg.ontology import EntityType, RelationType

__all__ = ["EXTRACTOR_VERSION", "extract_article"]

# Bump whenever a change alters what is extracted: `kg build` re-extracts stored articles whose facts were
# produced by another version, so a store never mixes the output of two extractors silently.
EXTRACTOR_VERSION = "10"


def _as_written(view: str, text: str, surface: str) -> str:
    """A surface found in the recognition view, spelled as the article writes it (ASCII brackets stay)."""
    k = view.find(surface)
    return text[k : k + len(surface)] if k >= 0 else surface


def extract_article(article: Article) -> Extraction:
    """Extract the typed entities and relations of one article; every offset indexes `article.text`.

    A Traditional-Chinese article is extracted on its Simplified rendering (same length, kg.extract.hanzi):
    names and properties come out in Simplified characters, so one organisation is one node whichever
    script a source uses; mentions and evidence carry the original's text at the same offsets, and each
    entity's spellings in the original are among its aliases.
    """
    if is_traditional(article.text):
        simplified = article.model_copy(update={"text": to_simplified(article.text)})
        return _as_original(_extract(simplified), article.text)
    return _extract(article)


def _as_original(extraction: Extraction, text: str) -> Extraction:
    """Mentions and evidence of an extraction made on a same-length rendering, in the original's text."""
    for ent in extraction.entities:
        for m in ent.mentions:
            m.text = text[m.start : m.end]
        written = {m.text for m in ent.mentions}
        ent.aliases = sorted((set(ent.aliases) | written) - {ent.name})
    for rel in extraction.relations:
        rel.evidence.text = text[rel.evidence.start : rel.evidence.end]
    return extraction


def _extract(article: Article) -> Extraction:
    text = article.text
    view = recognition_view(text)  # same length: offsets found in the view index `text`
    try:
        table = build_entities(view)
        rels = extract_relations(view, table, article.date)
    except Exception as exc:  # a bug on odd input must name the article, not crash a batch silently
        raise ExtractError(f"{article.path}: extraction failed: {type(exc).__name__}: {exc}") from exc

    # every entity named is kept, a place said once in passing too (the gold conventions annotate them)
    order = sorted(range(len(table.entities)), key=lambda i: table.entities[i].mentions[0])
    ids = {old: f"e{n + 1}" for n, old in enumerate(order)}
    entities = []
    for old in order:
        ent = table.entities[old]
        name = _as_written(view, text, ent.name)
        entities.append(
            ExtractedEntity(
                id=ids[old],
                name=name,
                type=EntityType(ent.type),
                aliases=sorted({_as_written(view, text, a) for a in ent.surfaces} - {name}),
                # our own offsets into `text`: constructed without re-validation (the hot path of a batch)
                mentions=[Mention.model_construct(start=s, end=e, text=text[s:e]) for s, e in ent.mentions],
            )
        )
    relations = []
    for r in sorted(rels, key=lambda r: (r.ev[0], r.type, ids[r.src], ids[r.tgt])):
        src, tgt = ids[r.src], ids[r.tgt]
        if r.type in ("SIGNED_AGREEMENT_WITH", "STRATEGIC_PARTNER_OF", "JOINT_VENTURE_WITH") and int(
            tgt[1:]
        ) < int(src[1:]):
            src, tgt = tgt, src  # symmetric: smaller id first
        s, e = r.ev
        relations.append(
            ExtractedRelation(
                type=RelationType(r.type),
                source=src,
                target=tgt,
                properties=RelationProperties(**r.props),
                evidence=Evidence.model_construct(start=s, end=e, text=text[s:e]),
                confidence=r.conf,
            )
        )
    ref = ArticleRef(
        id=article.id, path=article.path, title=article.title, date=article.date, url=article.url
    )
    return Extraction(article=ref, entities=entities, relations=relations)
