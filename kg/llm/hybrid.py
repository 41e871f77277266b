"""Hybrid extraction: the union of the rules' and the LLM's facts, de-duplicated, each relation marked
with who found it (`extractor`: rules, llm or both).

An LLM entity sharing a surface form (after width/space folding) with a rules entity is that entity (the
rules' type and id win, the names and mentions are joined); a relation both found (same type, same
endpoints, either direction for symmetric types) keeps the rules' evidence and properties and is marked
`both`. Order is deterministic: rules entities and relations first, then those only the LLM found.
"""

from __future__ import annotations

from kg.llm.grounding import fold
from kg.models import Article, ExtractedEntity, ExtractedRelation, Extraction, Mention
from kg.ontology import SYMMETRIC

__all__ = ["EXTRACTOR_VERSION", "extract_article", "extractor_version", "merge_extractions"]

EXTRACTOR_VERSION = "1"


def extractor_version() -> str:
    from kg.extract import EXTRACTOR_VERSION as RULES
    from kg.llm import extractor_version as llm_version

    return f"{EXTRACTOR_VERSION}/rules{RULES}/llm{llm_version()}"


def _key(rel: ExtractedRelation, ids: dict[str, str]) -> tuple:
    ends = (ids[rel.source], ids[rel.target])
    return (rel.type, tuple(sorted(ends)) if rel.type in SYMMETRIC else ends)


def merge_extractions(rules: Extraction, llm: Extraction) -> Extraction:
    """The union of two extractions of one article (see the module docstring)."""
    entities = [e.model_copy(deep=True) for e in rules.entities]
    by_form: dict[str, int] = {}
    for i, e in enumerate(entities):
        for f in (e.name, *e.aliases):
            by_form.setdefault(fold(f), i)
    llm_to: dict[str, int] = {}
    for e in llm.entities:
        hit = next((by_form[fold(f)] for f in (e.name, *e.aliases) if fold(f) in by_form), None)
        if hit is None:
            hit = len(entities)
            entities.append(e.model_copy(deep=True))
            for f in (e.name, *e.aliases):
                by_form.setdefault(fold(f), hit)
        else:
            target = entities[hit]
            target.aliases = sorted((set(target.aliases) | {e.name, *e.aliases}) - {target.name})
            spans = {(m.start, m.end): m for m in [*target.mentions, *e.mentions]}
            target.mentions = [Mention(start=s, end=t, text=spans[(s, t)].text) for s, t in sorted(spans)]
        llm_to[e.id] = hit
    renamed = [f"e{i + 1}" for i in range(len(entities))]
    rules_ids = {e.id: renamed[i] for i, e in enumerate(rules.entities)}
    llm_ids = {k: renamed[v] for k, v in llm_to.items()}
    out_entities = [
        ExtractedEntity(id=renamed[i], name=e.name, type=e.type, aliases=e.aliases, mentions=e.mentions)
        for i, e in enumerate(entities)
    ]
    llm_keys = {_key(r, llm_ids) for r in llm.relations}
    relations: list[ExtractedRelation] = []
    seen: set[tuple] = set()
    for r in rules.relations:
        key = _key(r, rules_ids)
        props = r.properties.model_copy(update={"extractor": "both" if key in llm_keys else "rules"})
        relations.append(
            r.model_copy(
                update={"source": rules_ids[r.source], "target": rules_ids[r.target], "properties": props}
            )
        )
        seen.add(key)
    for r in llm.relations:
        key = _key(r, llm_ids)
        if key in seen:
            continue
        seen.add(key)
        props = r.properties.model_copy(update={"extractor": "llm"})
        relations.append(
            r.model_copy(
                update={"source": llm_ids[r.source], "target": llm_ids[r.target], "properties": props}
            )
        )
    return Extraction(article=rules.article, entities=out_entities, relations=relations)


def extract_article(article: Article) -> Extraction:
    """The rules and the configured model on one article, merged."""
    from kg.extract import extract_article as extract_rules
    from kg.llm import extract_article as extract_llm

    return merge_extractions(extract_rules(article), extract_llm(article))
