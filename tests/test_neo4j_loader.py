"""The Neo4j loader: exact statements, exact parameter rows, round trips, re-load and retraction.

Runs against kg.neo4j.fakes.FakeDriver (records every managed transaction); real-server behaviour is in
test_neo4j_integration.py (NEO4J_URI).
"""

from __future__ import annotations

import math

import pytest

from kg.models import Graph, GraphArticle, GraphEntity, GraphEvidence, GraphRelation, RelationProperties
from kg.neo4j import cypher
from kg.neo4j.fakes import FakeDriver
from kg.neo4j.loader import DEFAULT_BATCH_SIZE, prepare_load, retraction_steps, write_graph
from kg.ontology import EntityType, RelationType

TRICKY = [
    'O\'Brien "Holdings" Ltd',
    "Back`tick` Corp",
    "Brace} ) MATCH (n) DETACH DELETE n //",
    "MERGE",
    "$rows",
]


def small_graph() -> Graph:
    """Two articles, five entities, three relations (one symmetric), one entity with a tricky name."""
    ev = lambda aid, text: GraphEvidence(article_id=aid, text=text, start=0, end=len(text))
    return Graph(
        articles=[
            GraphArticle(
                id="a1", title="平安入驻临港", date="2022-01-07", url="https://example.com/1", path="x/1.md"
            ),
            GraphArticle(id="a2", title="第二篇", date="2022-03-01", url=None, path="x/2.md"),
        ],
        entities=[
            GraphEntity(
                id="e_bank",
                name="工商银行上海新片区分行",
                type=EntityType.Bank,
                aliases=["工行新片区分行"],
                article_ids=["a1"],
            ),
            GraphEntity(
                id="e_lg", name="临港集团", type=EntityType.Company, aliases=[], article_ids=["a1", "a2"]
            ),
            GraphEntity(
                id="e_pa",
                name="中国平安集团",
                type=EntityType.Company,
                aliases=["平安集团", "中国平安"],
                article_ids=["a1"],
            ),
            GraphEntity(
                id="e_region",
                name="上海临港新片区",
                type=EntityType.Region,
                aliases=["临港新片区"],
                article_ids=["a1", "missing-article"],
            ),
            GraphEntity(
                id="e_tricky",
                name=TRICKY[2],
                type=EntityType.Company,
                aliases=[TRICKY[0], TRICKY[1]],
                article_ids=["a2"],
            ),
        ],
        relations=[
            GraphRelation(
                id="r_fin",
                type=RelationType.PROVIDED_FINANCING_TO,
                source="e_bank",
                target="e_lg",
                properties=RelationProperties(
                    amount=1e8, currency="USD", amount_text="1亿美元", date="2022-01"
                ),
                evidence=[
                    ev("a1", "工行向临港集团提供1亿美元贷款。"),
                    ev("a2", "工行向临港集团提供1亿美元贷款。"),
                ],
            ),
            GraphRelation(
                id="r_open",
                type=RelationType.OPENED_IN,
                source="e_pa",
                target="e_region",
                evidence=[ev("a1", "平安入驻临港新片区。")],
            ),
            GraphRelation(
                id="r_sign",
                type=RelationType.SIGNED_AGREEMENT_WITH,
                source="e_lg",
                target="e_tricky",
                properties=RelationProperties(agreement='"战略合作协议"', date="2022-03-01"),
                evidence=[ev("a2", "双方签署协议。")],
            ),
        ],
    )


def _hashless(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "hash"} for r in rows]


def test_plan_has_one_static_statement_per_type_in_dependency_order():
    plan = prepare_load(small_graph(), batch_size=10)
    kinds = [s.statement.kind for s in plan.upserts]
    assert kinds == [
        "articles",
        "entities:Company",
        "entities:Bank",
        "entities:Region",
        "mentions",
        "relations:SIGNED_AGREEMENT_WITH",
        "relations:PROVIDED_FINANCING_TO",
        "relations:OPENED_IN",
    ]
    assert [s.kind for s in plan.schema][:3] == ["schema"] * 3
    assert len(plan.schema) == 4 + len(RelationType)


def test_exact_entity_statement_and_rows():
    plan = prepare_load(small_graph(), batch_size=10)
    step = next(s for s in plan.upserts if s.statement.kind == "entities:Company")
    assert step.statement.cypher == (
        "UNWIND $rows AS row\n"
        "MERGE (n:Entity {id: row.id})\n"
        "WITH n, row WHERE n.kg_hash IS NULL OR n.kg_hash <> row.hash\n"
        "SET n:Company, n.name = row.name, n.type = row.type, n.aliases = row.aliases, n.kg_hash = row.hash\n"
        "REMOVE n:Bank:GovernmentBody:Region:Person:Fund:Event\n"
        "RETURN count(n) AS changed"
    )
    assert _hashless(step.rows) == [
        {"id": "e_lg", "name": "临港集团", "type": "Company", "aliases": []},
        {"id": "e_pa", "name": "中国平安集团", "type": "Company", "aliases": ["平安集团", "中国平安"]},
        {"id": "e_tricky", "name": TRICKY[2], "type": "Company", "aliases": [TRICKY[0], TRICKY[1]]},
    ]
    assert all(len(r["hash"]) == 24 for r in step.rows)


def test_exact_relation_statement_and_rows():
    plan = prepare_load(small_graph(), batch_size=10)
    step = next(s for s in plan.upserts if s.statement.kind == "relations:PROVIDED_FINANCING_TO")
    assert step.statement.cypher == (
        "UNWIND $rows AS row\n"
        "MATCH (s:Entity) WHERE s.id = row.source\n"
        "MATCH (t:Entity) WHERE t.id = row.target\n"
        "MERGE (s)-[r:PROVIDED_FINANCING_TO {id: row.id}]->(t)\n"
        "WITH r, row WHERE r.kg_hash IS NULL OR r.kg_hash <> row.hash\n"
        "SET r.date = row.date, r.amount = row.amount, r.currency = row.currency, "
        "r.amount_text = row.amount_text, r.role = row.role, r.stake = row.stake, r.agreement = row.agreement, "
        "r.syndicate = row.syndicate, r.amount_scope = row.amount_scope, r.rule = row.rule, "
        "r.extractor = row.extractor, r.article_ids = row.article_ids, r.evidence = row.evidence, r.kg_hash = row.hash\n"
        "RETURN count(r) AS changed"
    )
    assert _hashless(step.rows) == [
        {
            "id": "r_fin",
            "source": "e_bank",
            "target": "e_lg",
            "date": "2022-01",
            "amount": 1e8,
            "currency": "USD",
            "amount_text": "1亿美元",
            "role": None,
            "stake": None,
            "agreement": None,
            "syndicate": None,
            "amount_scope": None,
            "rule": None,
            "extractor": None,
            "article_ids": ["a1", "a2"],
            "evidence": ["工行向临港集团提供1亿美元贷款。"],
        }
    ]


def test_article_and_mention_rows_skip_unknown_articles():
    plan = prepare_load(small_graph(), batch_size=10)
    by_kind = {s.statement.kind: s for s in plan.upserts}
    assert _hashless(by_kind["articles"].rows) == [
        {"id": "a1", "title": "平安入驻临港", "date": "2022-01-07", "url": "https://example.com/1"},
        {"id": "a2", "title": "第二篇", "date": "2022-03-01", "url": None},
    ]
    assert [(r["article"], r["entity"]) for r in by_kind["mentions"].rows] == [
        ("a1", "e_bank"),
        ("a1", "e_lg"),
        ("a2", "e_lg"),
        ("a1", "e_pa"),
        ("a1", "e_region"),
        ("a2", "e_tricky"),
    ]


@pytest.mark.parametrize("name", TRICKY)
def test_hostile_names_stay_in_parameters(name):
    g = small_graph()
    g.entities[1] = g.entities[1].model_copy(update={"name": name, "aliases": [name + "别名"]})
    g.relations[2] = g.relations[2].model_copy(
        update={"properties": RelationProperties(agreement=name, role=name)}
    )
    plan = prepare_load(g, batch_size=10)
    rows = [r for s in plan.upserts for r in s.rows]
    assert any(r.get("name") == name for r in rows)
    assert any(r.get("agreement") == name for r in rows)
    statements = [s.cypher for s in plan.schema] + [s.statement.cypher for s in plan.upserts]
    # Statements are data-free: identical to those of the plain graph.
    plain = prepare_load(small_graph(), batch_size=10)
    assert statements == [s.cypher for s in plain.schema] + [s.statement.cypher for s in plain.upserts]
    for text in statements:
        assert name not in text or name in ("MERGE", "$rows")  # keywords/params appear only as themselves


def test_hash_changes_only_for_the_changed_row():
    before = prepare_load(small_graph(), batch_size=10)
    g = small_graph()
    g.entities[2] = g.entities[2].model_copy(update={"aliases": ["平安集团"]})
    after = prepare_load(g, batch_size=10)
    old = {r["id"]: r["hash"] for s in before.upserts for r in s.rows if "id" in r}
    new = {r["id"]: r["hash"] for s in after.upserts for r in s.rows if "id" in r}
    assert [k for k in old if old[k] != new[k]] == ["e_pa"]


def test_type_change_moves_the_row_to_the_other_label_statement():
    g = small_graph()
    g.entities[0] = g.entities[0].model_copy(update={"type": EntityType.Company})
    plan = prepare_load(g, batch_size=10)
    kinds = {s.statement.kind: [r.get("id") for r in s.rows] for s in plan.upserts}
    assert "entities:Bank" not in kinds and kinds["entities:Company"][0] == "e_bank"


def test_first_load_sends_schema_first_and_counts_creations():
    driver = FakeDriver()
    summary = write_graph(driver, small_graph(), database="kgtest", batch_size=2)
    assert driver.sessions == ["kgtest"]
    assert [c.kind for c in driver.calls[: len(cypher.schema_statements())]] == ["schema"] * 17
    assert summary.entities.as_dict() == {"created": 5, "updated": 0, "deleted": 0}
    assert summary.articles.as_dict() == {"created": 2, "updated": 0, "deleted": 0}
    assert summary.mentions.as_dict() == {"created": 6, "updated": 0, "deleted": 0}
    assert summary.relations.as_dict() == {"created": 3, "updated": 0, "deleted": 0}
    # batches of 2: articles 1, Company 2, Bank 1, Region 1, mentions 3, three relation types 1 each
    assert summary.round_trips == 17 + 1 + (1 + 2 + 1 + 1 + 3 + 3) + 4  # + the load marker
    assert summary.round_trips == len(driver.calls)
    assert all(c.mode == "write" for c in driver.calls if not c.kind.startswith("read:"))


def test_reload_is_a_no_op():
    driver = FakeDriver()
    write_graph(driver, small_graph())
    driver.calls.clear()
    summary = write_graph(driver, small_graph())
    d = summary.as_dict()
    assert d["properties_set"] == 0 and d["labels_added"] == 0
    assert all(
        d[k] == {"created": 0, "updated": 0, "deleted": 0}
        for k in ("articles", "entities", "mentions", "relations")
    )
    assert not any(c.kind.startswith("delete:") for c in driver.calls)


def test_incremental_load_applies_changes_and_retractions():
    driver = FakeDriver()
    write_graph(driver, small_graph())
    g = small_graph()
    g.articles = [a for a in g.articles if a.id != "a2"]  # article forgotten
    g.entities = [
        e.model_copy(update={"article_ids": [i for i in e.article_ids if i != "a2"]})
        for e in g.entities
        if e.id != "e_tricky"
    ]
    g.relations = [r for r in g.relations if r.id != "r_sign"]
    g.relations[0] = g.relations[0].model_copy(
        update={"evidence": g.relations[0].evidence[:1]}
    )  # only a1 supports it now
    driver.calls.clear()
    summary = write_graph(driver, g)
    deletes = {c.kind: c.parameters for c in driver.calls if c.kind.startswith("delete:")}
    assert deletes == {
        "delete:SIGNED_AGREEMENT_WITH": {"ids": ["r_sign"]},
        "delete:mentions": {
            "rows": [{"article": "a2", "entity": "e_lg"}, {"article": "a2", "entity": "e_tricky"}]
        },
        "delete:entities": {"ids": ["e_tricky"]},
        "delete:articles": {"ids": ["a2"]},
    }
    assert summary.relations.as_dict() == {"created": 0, "updated": 1, "deleted": 1}
    assert summary.entities.as_dict() == {"created": 0, "updated": 0, "deleted": 1}
    assert summary.articles.deleted == 1 and summary.mentions.deleted == 2
    assert set(driver.state.entities) == {"e_bank", "e_lg", "e_pa", "e_region"}
    assert set(driver.state.relations) == {"r_fin", "r_open"}


def test_elements_without_kg_marker_are_never_deleted():
    driver = FakeDriver()
    driver.state.articles["foreign"] = None  # a node someone else created (no kg_hash)
    write_graph(driver, small_graph())
    assert "foreign" in driver.state.articles
    assert not any(c.kind.startswith("delete:") for c in driver.calls)


def test_retraction_steps_ignore_unknown_relation_types_and_sort_ids():
    plan = prepare_load(small_graph())
    steps = retraction_steps(
        plan,
        {
            "relations": [
                ["ACQUIRED", "r_z"],
                ["ACQUIRED", "r_a"],
                ["NOT_OURS", "r_x"],
                ["OPENED_IN", "r_open"],
            ],
            "entities": ["e_lg", "e_gone"],
            "articles": [],
            "mentions": [],
        },
    )
    assert [(s.statement.kind, s.rows) for s in steps] == [
        ("delete:ACQUIRED", [{"id": "r_a"}, {"id": "r_z"}]),
        ("delete:entities", [{"id": "e_gone"}]),
    ]


def _company_graph(n: int, n_rel: int) -> Graph:
    entities = [GraphEntity(id=f"e{i:06d}", name=f"公司{i}", type=EntityType.Company) for i in range(n)]
    relations = [
        GraphRelation(
            id=f"r{i:06d}", type=RelationType.SUBSIDIARY_OF, source=f"e{i:06d}", target=f"e{(i + 1) % n:06d}"
        )
        for i in range(n_rel)
    ]
    return Graph(entities=entities, relations=relations)


@pytest.mark.parametrize(
    ("n", "n_rel", "batch"), [(2500, 1200, 1000), (1000, 0, 1000), (7, 3, 2), (1, 1, 5000)]
)
def test_round_trips_are_ceil_rows_over_batch_plus_constant(n, n_rel, batch):
    driver = FakeDriver()
    summary = write_graph(driver, _company_graph(n, n_rel), batch_size=batch)
    constant = len(cypher.schema_statements()) + 1 + len(cypher.read_statements())  # 1: the load marker
    assert (
        summary.round_trips == len(driver.calls) == math.ceil(n / batch) + math.ceil(n_rel / batch) + constant
    )
    sizes = [len(c.parameters["rows"]) for c in driver.calls if c.kind == "entities:Company"]
    assert sizes == [min(batch, n - i) for i in range(0, n, batch)]


def test_retraction_round_trips_are_ceil_deleted_over_batch():
    driver = FakeDriver()
    write_graph(driver, _company_graph(2500, 0), batch_size=1000)
    driver.calls.clear()
    write_graph(driver, _company_graph(100, 0), batch_size=1000)  # 2400 entities gone
    deletes = [c for c in driver.calls if c.kind == "delete:entities"]
    assert [len(c.parameters["ids"]) for c in deletes] == [1000, 1000, 400]


def test_batch_size_must_be_positive():
    with pytest.raises(ValueError, match="batch size must be at least 1"):
        prepare_load(small_graph(), batch_size=0)
    assert 1000 <= DEFAULT_BATCH_SIZE <= 10000


def test_unknown_label_is_refused_by_the_builders():
    with pytest.raises(ValueError, match="not an ontology label or type"):
        cypher._check_name("Company`) DETACH DELETE n //")


def test_driver_receives_exactly_the_planned_batches():
    driver = FakeDriver()
    write_graph(driver, small_graph(), batch_size=2)
    sent = [
        (c.kind, [r.get("id") or (r["article"], r["entity"]) for r in c.parameters["rows"]])
        for c in driver.calls
        if c.mode == "write" and c.kind not in ("schema", "marker:write")
    ]
    assert sent == [
        ("articles", ["a1", "a2"]),
        ("entities:Company", ["e_lg", "e_pa"]),
        ("entities:Company", ["e_tricky"]),
        ("entities:Bank", ["e_bank"]),
        ("entities:Region", ["e_region"]),
        ("mentions", [("a1", "e_bank"), ("a1", "e_lg")]),
        ("mentions", [("a2", "e_lg"), ("a1", "e_pa")]),
        ("mentions", [("a1", "e_region"), ("a2", "e_tricky")]),
        ("relations:SIGNED_AGREEMENT_WITH", ["r_sign"]),
        ("relations:PROVIDED_FINANCING_TO", ["r_fin"]),
        ("relations:OPENED_IN", ["r_open"]),
    ]
    assert [c.kind for c in driver.calls if c.mode == "read"] == [
        "read:relations",
        "read:mentions",
        "read:entities",
        "read:articles",
    ]
    assert all(c.parameters == {} for c in driver.calls if c.kind == "schema")
