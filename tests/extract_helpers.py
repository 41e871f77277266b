"""What the sentence-level extraction tests share: extract a sentence with every offset checked, and read the
result as names, (source, type, target) triples and one relation's properties."""

from __future__ import annotations

from kg.extract import extract_article
from kg.models import Article, Extraction


def extract_checked(text: str, date: str | None) -> Extraction:
    """extract_article on one text; every mention and evidence offset must index the text exactly."""
    ex = extract_article(Article(id="t", path="t.md", title="", date=date, text=text))
    for e in ex.entities:
        for m in e.mentions:
            assert text[m.start : m.end] == m.text
    for r in ex.relations:
        assert text[r.evidence.start : r.evidence.end] == r.evidence.text
    return ex


def ents(ex: Extraction) -> dict[str, str]:
    return {e.name: e.type.value for e in ex.entities}


def rels(ex: Extraction, skip_attended: bool = True) -> set[tuple[str, str, str]]:
    by_id = {e.id: e.name for e in ex.entities}
    return {
        (by_id[r.source], r.type.value, by_id[r.target])
        for r in ex.relations
        if not (skip_attended and r.type.value == "ATTENDED")
    }


def props(ex: Extraction, src: str, rtype: str, tgt: str) -> dict:
    by_id = {e.id: e.name for e in ex.entities}
    for r in ex.relations:
        if (by_id[r.source], r.type.value, by_id[r.target]) == (src, rtype, tgt):
            return r.properties.model_dump(exclude_none=True)
    raise AssertionError(f"no {src} -{rtype}-> {tgt} in {rels(ex)}")
