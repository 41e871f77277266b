"""The ontology of ../shared/FORMAT.md: the only source of labels and relationship types.

Everything that reaches Cypher as a label or a relationship type comes from these enums, never from text.
"""

from __future__ import annotations

from enum import Enum


class EntityType(str, Enum):
    Company = "Company"
    Bank = "Bank"
    GovernmentBody = "GovernmentBody"
    Region = "Region"
    Person = "Person"
    Fund = "Fund"
    Event = "Event"


class RelationType(str, Enum):
    SUBSIDIARY_OF = "SUBSIDIARY_OF"
    SIGNED_AGREEMENT_WITH = "SIGNED_AGREEMENT_WITH"
    STRATEGIC_PARTNER_OF = "STRATEGIC_PARTNER_OF"
    PROVIDED_FINANCING_TO = "PROVIDED_FINANCING_TO"
    CROSS_BORDER_FINANCING = "CROSS_BORDER_FINANCING"
    INVESTED_IN = "INVESTED_IN"
    ACQUIRED = "ACQUIRED"
    JOINT_VENTURE_WITH = "JOINT_VENTURE_WITH"
    OPENED_IN = "OPENED_IN"
    LOCATED_IN = "LOCATED_IN"
    EXECUTIVE_OF = "EXECUTIVE_OF"
    ATTENDED = "ATTENDED"
    BRANCH_OF = "BRANCH_OF"  # derived by kg from names (bank branch -> its head office), never extracted


# Symmetric relations: stored with source/target in a canonical order (smaller id first).
SYMMETRIC: frozenset[RelationType] = frozenset(
    {
        RelationType.SIGNED_AGREEMENT_WITH,
        RelationType.STRATEGIC_PARTNER_OF,
        RelationType.JOINT_VENTURE_WITH,
    }
)

# Relations kg derives itself (not extracted, not scored); each carries the `rule` that made it.
DERIVED: frozenset[RelationType] = frozenset({RelationType.BRANCH_OF})
EXTRACTED: tuple[RelationType, ...] = tuple(t for t in RelationType if t not in DERIVED)

ORGANISATIONS: frozenset[EntityType] = frozenset(
    {EntityType.Company, EntityType.Bank, EntityType.GovernmentBody, EntityType.Fund}
)

# Which entity types may stand at each end of a relation (source types, target types).
SIGNATURES: dict[RelationType, tuple[frozenset[EntityType], frozenset[EntityType]]] = {
    RelationType.SUBSIDIARY_OF: (ORGANISATIONS, ORGANISATIONS),
    RelationType.SIGNED_AGREEMENT_WITH: (
        ORGANISATIONS | {EntityType.Person, EntityType.Region},
        ORGANISATIONS | {EntityType.Person, EntityType.Region},
    ),
    RelationType.STRATEGIC_PARTNER_OF: (ORGANISATIONS, ORGANISATIONS),
    # a credit line to a city (给予徐州市…授信) finances the place itself
    RelationType.PROVIDED_FINANCING_TO: (
        ORGANISATIONS,
        ORGANISATIONS | {EntityType.Event, EntityType.Region},
    ),
    RelationType.CROSS_BORDER_FINANCING: (ORGANISATIONS, ORGANISATIONS),
    RelationType.INVESTED_IN: (ORGANISATIONS | {EntityType.Person}, ORGANISATIONS),
    RelationType.ACQUIRED: (ORGANISATIONS | {EntityType.Person}, ORGANISATIONS),
    RelationType.JOINT_VENTURE_WITH: (ORGANISATIONS, ORGANISATIONS),
    RelationType.OPENED_IN: (ORGANISATIONS, frozenset({EntityType.Region})),
    RelationType.LOCATED_IN: (ORGANISATIONS, frozenset({EntityType.Region})),
    # officials serve a place when the article names no body of it (成都市委书记李春城 -> 成都市)
    RelationType.EXECUTIVE_OF: (frozenset({EntityType.Person}), ORGANISATIONS | {EntityType.Region}),
    RelationType.ATTENDED: (frozenset({EntityType.Person}), frozenset({EntityType.Event})),
    RelationType.BRANCH_OF: (frozenset({EntityType.Bank}), frozenset({EntityType.Bank})),
}

# Relation property keys (the only ones written anywhere, Neo4j included).
RELATION_PROPERTY_KEYS: tuple[str, ...] = (
    "date",
    "amount",
    "currency",
    "amount_text",
    "role",
    "stake",
    "agreement",
    "syndicate",
    "amount_scope",
    "rule",
    "extractor",
)

# Chinese display names for views and tables.
ENTITY_TYPE_ZH: dict[EntityType, str] = {
    EntityType.Company: "企业",
    EntityType.Bank: "银行",
    EntityType.GovernmentBody: "政府机构",
    EntityType.Region: "地区",
    EntityType.Person: "人物",
    EntityType.Fund: "基金",
    EntityType.Event: "活动",
}

RELATION_TYPE_ZH: dict[RelationType, str] = {
    RelationType.SUBSIDIARY_OF: "子公司",
    RelationType.SIGNED_AGREEMENT_WITH: "签约",
    RelationType.STRATEGIC_PARTNER_OF: "战略合作",
    RelationType.PROVIDED_FINANCING_TO: "融资",
    RelationType.CROSS_BORDER_FINANCING: "跨境融资",
    RelationType.INVESTED_IN: "投资",
    RelationType.ACQUIRED: "收购",
    RelationType.JOINT_VENTURE_WITH: "合资",
    RelationType.OPENED_IN: "入驻",
    RelationType.LOCATED_IN: "位于",
    RelationType.EXECUTIVE_OF: "任职",
    RelationType.ATTENDED: "出席",
    RelationType.BRANCH_OF: "分支机构",
}
