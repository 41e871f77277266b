"""A small hand-made Graph shared by the view tests (imported as `test_view_sample`), and checks that it and
the generated benchmark graphs are valid graphs (ends exist, ontology signatures hold)."""

from __future__ import annotations

import pytest

from kg.models import Graph, GraphArticle, GraphEntity, GraphEvidence, GraphRelation, RelationProperties
from kg.ontology import SIGNATURES, SYMMETRIC, EntityType, RelationType
from kg.view.synthetic import generate_graph

XSS_NAME = "<img src=x onerror=alert(1)>"
SCRIPT_EVIDENCE = "投资方</script><script>alert(2)</script>出资入股。"


def ev(article: str, text: str) -> GraphEvidence:
    return GraphEvidence(article_id=article, text=text, start=0, end=len(text))


def sample_graph() -> Graph:
    """Degrees: c2=4, c1=3, b1=g1=p1=r1=x1=1, iso=0. Dates span 2020..2022; one relation undated."""
    entities = [
        GraphEntity(
            id="b1",
            name="工商银行上海新片区分行",
            type=EntityType.Bank,
            aliases=["工行新片区分行"],
            article_ids=["a1"],
        ),
        GraphEntity(
            id="c1",
            name="中国平安集团",
            type=EntityType.Company,
            aliases=["平安集团"],
            article_ids=["a1", "a2"],
        ),
        GraphEntity(id="c2", name="平安直通咨询有限公司", type=EntityType.Company, article_ids=["a1"]),
        GraphEntity(id="g1", name="临港新片区管委会", type=EntityType.GovernmentBody, article_ids=["a2"]),
        GraphEntity(id="iso", name="孤立科技有限公司", type=EntityType.Company, article_ids=["a3"]),
        GraphEntity(id="p1", name="卢跃", type=EntityType.Person, article_ids=["a2"]),
        GraphEntity(
            id="r1", name="上海临港新片区", type=EntityType.Region, aliases=["临港新片区"], article_ids=["a1"]
        ),
        GraphEntity(
            id="x1", name=XSS_NAME, type=EntityType.Company, aliases=["<b>粗体</b>"], article_ids=["a3"]
        ),
    ]
    relations = [
        GraphRelation(
            id="rel-exec",
            type=RelationType.EXECUTIVE_OF,
            source="p1",
            target="c1",
            properties=RelationProperties(role="董事长"),
            evidence=[ev("a2", "卢跃担任中国平安集团董事长。")],
        ),
        GraphRelation(
            id="rel-fin",
            type=RelationType.PROVIDED_FINANCING_TO,
            source="b1",
            target="c2",
            properties=RelationProperties(
                date="2022-01-07", amount=100000000, currency="USD", amount_text="1亿美元"
            ),
            evidence=[ev("a1", "工商银行上海新片区分行向平安直通咨询有限公司提供1亿美元贷款。")],
        ),
        GraphRelation(
            id="rel-inv",
            type=RelationType.INVESTED_IN,
            source="x1",
            target="c2",
            properties=RelationProperties(date="2020"),
            evidence=[ev("a3", SCRIPT_EVIDENCE)],
        ),
        GraphRelation(
            id="rel-open",
            type=RelationType.OPENED_IN,
            source="c2",
            target="r1",
            properties=RelationProperties(date="2022-01"),
            evidence=[ev("a1", "平安直通咨询有限公司入驻临港新片区。")],
        ),
        GraphRelation(
            id="rel-sp",
            type=RelationType.STRATEGIC_PARTNER_OF,
            source="c1",
            target="g1",
            properties=RelationProperties(date="2022-03"),
            evidence=[ev("a2", "中国平安集团与临港新片区管委会签署战略合作协议。")],
        ),
        GraphRelation(
            id="rel-sub",
            type=RelationType.SUBSIDIARY_OF,
            source="c2",
            target="c1",
            properties=RelationProperties(date="2021-08"),
            evidence=[
                ev("a1", "平安直通咨询有限公司是中国平安集团旗下子公司。"),
                ev("a2", "中国平安集团旗下的平安直通咨询有限公司。"),
            ],
        ),
    ]
    articles = [
        GraphArticle(id="a1", title="平安直通落户临港", date="2022-01-07", url="https://example.com/a1"),
        GraphArticle(id="a2", title="平安与临港战略合作", date="2022-03-01", url="https://example.com/a2"),
        GraphArticle(id="a3", title="<i>投资</i>快讯", date="2020-05-01", url="javascript:alert(3)"),
    ]
    return Graph(articles=articles, entities=entities, relations=sorted(relations, key=lambda r: r.id))


def check_graph(graph: Graph) -> None:
    ids = {e.id: e for e in graph.entities}
    assert [e.id for e in graph.entities] == sorted(ids)
    assert [r.id for r in graph.relations] == sorted(r.id for r in graph.relations)
    article_ids = {a.id for a in graph.articles}
    for r in graph.relations:
        src, dst = ids[r.source], ids[r.target]
        allowed_src, allowed_dst = SIGNATURES[r.type]
        if r.type in SYMMETRIC:
            assert r.source < r.target
            assert {src.type, dst.type} <= allowed_src | allowed_dst
        else:
            assert src.type in allowed_src and dst.type in allowed_dst, r.id
        assert r.evidence and {e.article_id for e in r.evidence} <= article_ids


def test_sample_graph_is_valid() -> None:
    check_graph(sample_graph())


@pytest.mark.parametrize("n", [50, 400])
def test_generated_graphs_are_valid_and_deterministic(n: int) -> None:
    graph = generate_graph(n, seed=3)
    check_graph(graph)
    assert len(graph.entities) == n
    assert len(graph.relations) == 2 * n
    assert graph == generate_graph(n, seed=3)
    assert graph != generate_graph(n, seed=4)
