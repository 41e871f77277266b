"""Gold annotation files (corpus/*/gold/NAME.json): models, loading, and the gold JSON Schema source."""

from __future__ import annotations

import json
import unicodedata
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kg.errors import GoldError
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
from kg.ontology import RELATION_PROPERTY_KEYS, EntityType, RelationType

GoldEntityType = Enum(  # type: ignore[misc]
    "GoldEntityType", {**{t.name: t.value for t in EntityType}, "Other": "Other"}, type=str
)
GoldEntityType.__doc__ = "Entity types of the ontology, plus `Other` (annotated for context, not scored)."
GoldRelationType = Enum(  # type: ignore[misc]
    "GoldRelationType", {**{t.name: t.value for t in RelationType}, "OTHER": "OTHER"}, type=str
)
GoldRelationType.__doc__ = "Relation types of the ontology, plus `OTHER` (annotated for context, not scored)."


def normalize_surface(s: str) -> str:
    """Width folding (NFKC) and no whitespace: 平安直通（上海） == 平安直通(上海)."""
    return "".join(unicodedata.normalize("NFKC", s).split())


UNSCORED_ENTITY_TYPES = frozenset({"Event", "Other"})
UNSCORED_RELATION_TYPES = frozenset(
    {"ATTENDED", "OTHER", "BRANCH_OF"}
)  # BRANCH_OF: derived by kg, never extracted


class _Gold(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GoldEntity(_Gold):
    name: str = Field(min_length=1, description="Fullest form in the article")
    aliases: list[str] = Field(default_factory=list, description="Other surface forms")
    type: GoldEntityType  # type: ignore[valid-type]


class GoldRelation(_Gold):
    source: str = Field(min_length=1, description="Gold entity name or alias")
    type: GoldRelationType  # type: ignore[valid-type]
    target: str = Field(min_length=1, description="Gold entity name or alias")
    evidence: str = Field(description="Exact substring of the article text")
    properties: dict[str, Any] = Field(default_factory=dict)


class GoldFile(_Gold):
    """One gold file: the entities and relations an article states."""

    entities: list[GoldEntity] = Field(default_factory=list)
    relations: list[GoldRelation] = Field(default_factory=list)

    def entity_index(self, name: str) -> int | None:
        """Resolve a relation endpoint: exact name first, then alias, then normalised forms."""
        for i, e in enumerate(self.entities):
            if e.name == name:
                return i
        for i, e in enumerate(self.entities):
            if name in e.aliases:
                return i
        wanted = normalize_surface(name)  # last resort: the same name in other widths/spacing
        for i, e in enumerate(self.entities):
            if wanted in {normalize_surface(f) for f in (e.name, *e.aliases)}:
                return i
        return None


def load_gold(path: str | Path) -> GoldFile:
    """Parse and check one gold file; every problem is a GoldError naming the file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise GoldError(f"{path}: no such gold file") from None
    except UnicodeDecodeError:
        raise GoldError(f"{path}: not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise GoldError(f"{path}: invalid JSON: {exc.msg}, line {exc.lineno} column {exc.colno}") from None
    try:
        gold = GoldFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "top level"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise GoldError(f"{path}: invalid gold file at {where}: {err['msg']}{more}") from None
    for i, r in enumerate(gold.relations):
        for end in ("source", "target"):
            name = getattr(r, end)
            if gold.entity_index(name) is None:
                raise GoldError(f"{path}: relations.{i}.{end} {name!r} is not a gold entity name or alias")
    return gold


def extraction_from_gold(article: Article, gold: GoldFile, label: str = "gold") -> Extraction:
    """The extraction a perfect extractor would produce: checks a gold file against its article.

    Mentions are every occurrence of the name/aliases; evidence must be found in the article text
    (otherwise the gold file is wrong: GoldError). Scoring this against the same gold gives 100%.
    """
    ids = {}
    entities = []
    # an `Other` entity that ends a scored relation (e.g. a financed project) is predicted as an Event
    endpoints = {
        gold.entity_index(name)
        for r in gold.relations
        if r.type.value not in UNSCORED_RELATION_TYPES
        for name in (r.source, r.target)
    }
    for i, e in enumerate(gold.entities):
        if e.type.value == "Other" and i not in endpoints:
            continue
        ids[i] = f"g{i + 1}"
        mentions = []
        for form in dict.fromkeys([e.name, *e.aliases]):
            start = article.text.find(form)
            while start >= 0:
                mentions.append(Mention(start=start, end=start + len(form), text=form))
                start = article.text.find(form, start + len(form))
        entities.append(
            ExtractedEntity(
                id=ids[i],
                name=e.name,
                type=EntityType.Event if e.type.value == "Other" else EntityType(e.type.value),
                aliases=e.aliases,
                mentions=sorted(mentions, key=lambda m: (m.start, m.end)),
            )
        )
    relations = []
    for n, r in enumerate(gold.relations):
        s, t = gold.entity_index(r.source), gold.entity_index(r.target)
        if r.type.value == "OTHER" or s not in ids or t not in ids:
            continue
        start = article.text.find(r.evidence)
        if not r.evidence or start < 0:
            raise GoldError(f"{label}: relations.{n}.evidence is not a substring of the article text")
        props = {k: v for k, v in r.properties.items() if k in RELATION_PROPERTY_KEYS}
        try:
            properties = RelationProperties.model_validate(props)
        except ValidationError:
            properties = RelationProperties()
        relations.append(
            ExtractedRelation(
                type=RelationType(r.type.value),
                source=ids[s],
                target=ids[t],
                properties=properties,
                evidence=Evidence(start=start, end=start + len(r.evidence), text=r.evidence),
            )
        )
    ref = ArticleRef(
        id=article.id, path=article.path, title=article.title, date=article.date, url=article.url
    )
    return Extraction(article=ref, entities=entities, relations=relations)
