"""Pydantic models: the contract between the stages (read -> extract -> resolve -> store -> load/view).

The extraction models serialise to exactly the extraction format of ../shared/FORMAT.md.
The graph models (Graph*) are what the embedded store hands to the Neo4j loader and the HTML view.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kg.ontology import DERIVED, EntityType, RelationType


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


# --------------------------------------------------------------------------- reading


class Article(_Model):
    """One article as the reader produces it. `text` is the plain body; all offsets index it."""

    id: str = Field(description="Stable id derived from the content (title, date, text)")
    path: str = Field(description="Input path (for JSON Lines: file.jsonl:LINE)")
    title: str = ""
    date: str | None = Field(default=None, description="ISO date or datetime prefix, e.g. 2022-01-07")
    url: str | None = None
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    text: str = Field(description="Plain text, paragraphs separated by a blank line")


# --------------------------------------------------------------------------- extraction


class Span(_Model):
    """A span of the article text: text[start:end] == text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Mention(Span):
    pass


class Evidence(Span):
    pass


class RelationProperties(_Model):
    """Relation properties of the ontology; absent ones are omitted on output."""

    date: str | None = Field(default=None, description="ISO prefix as precise as the text allows")
    amount: float | None = Field(default=None, description="Base units (yuan, dollars)")
    currency: str | None = Field(default=None, description="ISO 4217 code, e.g. CNY, USD")
    amount_text: str | None = Field(default=None, description="The amount as written")
    role: str | None = Field(default=None, description="Title or role as written")
    stake: str | None = Field(default=None, description="Share as written, e.g. 51%")
    agreement: str | None = Field(default=None, description="Agreement title as written")
    syndicate: str | None = Field(
        default=None,
        description="Shared by the lenders of one syndicated loan (article-local in an extraction, e.g. s1)",
    )
    amount_scope: str | None = Field(
        default=None,
        description="'syndicate' when amount is the whole syndicate's total, not this lender's share",
    )
    rule: str | None = Field(
        default=None, description="Derived relations only (BRANCH_OF): the rule of kg that made it"
    )
    extractor: str | None = Field(
        default=None,
        description="Which extractor found it: rules, llm or both (set by --extractor llm|hybrid only)",
    )


class ExtractedEntity(_Model):
    id: str = Field(description="Article-local id, e.g. e1")
    name: str = Field(description="Canonical (fullest) name in the article")
    type: EntityType
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)


class ExtractedRelation(_Model):
    type: RelationType
    source: str = Field(description="Article-local entity id")
    target: str = Field(description="Article-local entity id")
    properties: RelationProperties = Field(default_factory=RelationProperties)
    evidence: Evidence
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)

    @field_validator("type")
    @classmethod
    def _not_derived(cls, value: RelationType) -> RelationType:
        if value in DERIVED:
            raise ValueError(f"{value.value} is derived by kg from names, never extracted")
        return value


class ArticleRef(_Model):
    id: str
    path: str
    title: str = ""
    date: str | None = None
    url: str | None = None
    content_hash: str | None = Field(
        default=None,
        description="kg's hash of what the extractor saw plus the extractor tag (`kg build` compares it to "
        "skip unchanged articles; `kg build --from-extractions` stores it)",
    )
    extractor: str | None = Field(
        default=None, description="The extractor that made the line, as module:function@version"
    )


class Extraction(_Model):
    """One line of `kg extract` output."""

    article: ArticleRef
    entities: list[ExtractedEntity] = Field(default_factory=list)
    relations: list[ExtractedRelation] = Field(default_factory=list)

    def to_json_dict(self) -> dict:
        """The FORMAT.md shape: None-valued properties dropped."""
        return self.model_dump(mode="json", exclude_none=True)


# --------------------------------------------------------------------------- graph (store -> loader/view)


class GraphArticle(_Model):
    id: str
    title: str = ""
    date: str | None = None
    url: str | None = None
    path: str = ""


class GraphEntity(_Model):
    id: str = Field(description="Deterministic canonical id")
    name: str
    type: EntityType
    aliases: list[str] = Field(default_factory=list, description="Sorted, without the name itself")
    article_ids: list[str] = Field(default_factory=list, description="Sorted ids of articles mentioning it")


class GraphEvidence(_Model):
    article_id: str
    text: str = Field(description="The supporting sentence")
    start: int
    end: int


class GraphRelation(_Model):
    id: str = Field(description="Deterministic id from type, endpoints and distinguishing properties")
    type: RelationType
    source: str = Field(description="Entity id (for symmetric types the smaller id)")
    target: str
    properties: RelationProperties = Field(default_factory=RelationProperties)
    evidence: list[GraphEvidence] = Field(default_factory=list)

    @property
    def article_ids(self) -> list[str]:
        return sorted({e.article_id for e in self.evidence})


class Graph(_Model):
    """A whole graph (or a view of it), sorted by id everywhere so it compares byte for byte."""

    articles: list[GraphArticle] = Field(default_factory=list)
    entities: list[GraphEntity] = Field(default_factory=list)
    relations: list[GraphRelation] = Field(default_factory=list)
