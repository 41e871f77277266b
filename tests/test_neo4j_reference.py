"""kg.neo4j.reference: the Python answers of the cypher/ library (used by docs and the NEO4J_URI tests)."""

from __future__ import annotations

from kg.models import Graph, GraphArticle, GraphEntity, GraphEvidence, GraphRelation, RelationProperties
from kg.neo4j import reference as ref
from kg.neo4j.lint_schema import library_files
from kg.neo4j.reference_money import name_stem
from kg.ontology import EntityType as ET
from kg.ontology import RelationType as RT


def _rel(rid, rtype, s, t, aid="a1", text=None, **props):
    text = text or f"{s}-{rtype.value}-{t}"
    return GraphRelation(
        id=rid,
        type=rtype,
        source=s,
        target=t,
        properties=RelationProperties(**props),
        evidence=[GraphEvidence(article_id=aid, text=text, start=0, end=len(text))],
    )


def analyst_graph() -> Graph:
    ents = [
        ("g", "平安集团", ET.Company, ["中国平安"]),
        ("b", "平安银行", ET.Bank, []),
        ("c", "平安银行上海分行", ET.Bank, []),
        ("d", "平安资管", ET.Company, []),
        ("l", "临港集团", ET.Company, ["临港集团有限公司"]),
        ("l2", "临港", ET.Company, []),
        ("r", "上海临港新片区", ET.Region, ["临港新片区"]),
        ("p", "卢跃", ET.Person, []),
        ("x", "境外银行", ET.Bank, []),
        ("ev1", "签约仪式", ET.Event, []),
        ("ev2", "签约仪式", ET.Event, []),
    ]
    return Graph(
        articles=[
            GraphArticle(id="a1", title="一", date="2022-01-07"),
            GraphArticle(id="a2", title="二", date="2021-05-01", url="https://e.x/2"),
        ],
        entities=[GraphEntity(id=i, name=n, type=t, aliases=a) for i, n, t, a in ents],
        relations=[
            _rel("s1", RT.SUBSIDIARY_OF, "b", "g"),
            _rel("s2", RT.SUBSIDIARY_OF, "c", "b"),
            _rel("s3", RT.SUBSIDIARY_OF, "d", "g"),
            _rel(
                "p1", RT.SIGNED_AGREEMENT_WITH, "g", "l", aid="a2", date="2021-05", agreement="战略合作协议"
            ),
            _rel("p2", RT.STRATEGIC_PARTNER_OF, "g", "l"),
            _rel("f1", RT.PROVIDED_FINANCING_TO, "b", "l", amount=1e8, currency="CNY", amount_text="1亿元"),
            _rel("f2", RT.PROVIDED_FINANCING_TO, "b", "l", amount=2e8, currency="CNY", amount_text="2亿元"),
            _rel(
                "f3", RT.PROVIDED_FINANCING_TO, "b", "l", amount=5e6, currency="USD", amount_text="500万美元"
            ),
            _rel("x1", RT.CROSS_BORDER_FINANCING, "l", "x", amount=1e8, currency="USD", date="2022-01"),
            _rel("o1", RT.OPENED_IN, "c", "r", date="2022-01-07"),
            _rel("o2", RT.LOCATED_IN, "l", "r"),
            _rel("e1", RT.EXECUTIVE_OF, "p", "l", role="董事长"),
        ],
    )


def test_every_library_query_with_a_reference_has_a_file():
    names = {p.stem for p in library_files()}
    assert set(ref.LIBRARY) == names - {"search_entities"}  # Lucene scoring is not reproduced


def test_subsidiaries_any_depth_by_alias():
    keys, rows = ref.subsidiaries(analyst_graph(), "中国平安")
    assert keys == ["subsidiary", "type", "depth", "chain"]
    assert rows == [
        ["平安资管", "Company", 1, ["平安资管", "平安集团"]],
        ["平安银行", "Bank", 1, ["平安银行", "平安集团"]],
        ["平安银行上海分行", "Bank", 2, ["平安银行上海分行", "平安银行", "平安集团"]],
    ]
    assert ref.subsidiaries(analyst_graph(), "临港集团")[1] == []


def test_partners_either_direction():
    assert ref.partners(analyst_graph(), "临港集团")[1] == [
        [
            "平安集团",
            "Company",
            "SIGNED_AGREEMENT_WITH",
            "2021-05",
            "战略合作协议",
            ["g-SIGNED_AGREEMENT_WITH-l"],
        ],
        ["平安集团", "Company", "STRATEGIC_PARTNER_OF", None, None, ["g-STRATEGIC_PARTNER_OF-l"]],
    ]


def test_financing_sums_by_currency():
    assert ref.financing(analyst_graph())[1] == [
        ["平安银行", "临港集团", "CNY", 3e8, 2, 0, [], ["1亿元", "2亿元"]],
        ["平安银行", "临港集团", "USD", 5e6, 1, 0, [], ["500万美元"]],
    ]


def test_cross_border_executives_region():
    g = analyst_graph()
    assert ref.cross_border(g)[1] == [
        ["临港集团", "境外银行", 1e8, "USD", None, "2022-01", ["l-CROSS_BORDER_FINANCING-x"]]
    ]
    assert ref.executives(g, "临港集团有限公司")[1] == [["卢跃", "董事长", ["p-EXECUTIVE_OF-l"]]]
    assert ref.person_organisations(g, "卢跃")[1] == [["临港集团", "Company", "董事长", ["p-EXECUTIVE_OF-l"]]]
    assert ref.region_activity(g, "临港新片区")[1] == [
        ["临港集团", "Company", "LOCATED_IN", None, ["l-LOCATED_IN-r"]],
        ["平安银行上海分行", "Bank", "OPENED_IN", "2022-01-07", ["c-OPENED_IN-r"]],
    ]


def test_shortest_connection():
    rows = ref.shortest_connection(analyst_graph(), "平安银行上海分行", "卢跃")[1]
    assert rows == [
        [
            3,
            ["平安银行上海分行", "平安银行", "临港集团", "卢跃"],
            ["SUBSIDIARY_OF", "PROVIDED_FINANCING_TO", "EXECUTIVE_OF"],
        ]
    ]
    assert ref.shortest_connection(analyst_graph(), "卢跃", "卢跃")[1] == []


def test_deal_timeline_falls_back_to_article_date():
    rows = ref.deal_timeline(analyst_graph(), "平安集团")[1]
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        ("2021-05", "SIGNED_AGREEMENT_WITH", "out", "临港集团"),
        ("2022-01-07", "STRATEGIC_PARTNER_OF", "out", "临港集团"),
    ]
    rows = ref.deal_timeline(analyst_graph(), "临港集团")[1]
    assert [(r[0], r[1], r[2], r[3]) for r in rows][:2] == [
        ("2021-05", "SIGNED_AGREEMENT_WITH", "in", "平安集团"),
        ("2022-01", "CROSS_BORDER_FINANCING", "out", "境外银行"),
    ]


def test_most_connected_excludes_people_and_regions():
    rows = ref.most_connected(analyst_graph(), 3)[1]
    assert rows == [["临港集团", "Company", 5, 8], ["平安银行", "Bank", 3, 5], ["平安集团", "Company", 3, 4]]


def test_supporting_articles_respects_direction_for_directed_types():
    g = analyst_graph()
    assert ref.supporting_articles(g, "临港集团", "SIGNED_AGREEMENT_WITH", "平安集团")[1] == [
        ["p1", "a2", "二", "2021-05-01", "https://e.x/2", ["g-SIGNED_AGREEMENT_WITH-l"]]
    ]
    assert ref.supporting_articles(g, "临港集团", "PROVIDED_FINANCING_TO", "平安银行")[1] == []
    assert len(ref.supporting_articles(g, "平安银行", "PROVIDED_FINANCING_TO", "临港集团")[1]) == 3


def test_possible_duplicates_by_stem_containment_and_shared_neighbours():
    assert name_stem("临港集团有限公司") == "临港"  # suffixes are cut in turn
    assert name_stem("中国平安保险(集团)股份有限公司") == "平安保险(集团)"
    assert name_stem("集团") == "集团"
    keys, rows = ref.possible_duplicates(analyst_graph(), 10)
    assert keys[:2] == ["name_a", "name_b"]
    # 临港 / 临港集团: same stem, 3 shared neighbours; 平安银行上海分行 / 平安银行 is a branch: not proposed
    assert rows == [["临港集团", "临港", "Company", "Company", "l", "l2", 1.0, 1.0, 0]]
    g = bank_graph()
    rows = ref.possible_duplicates(g, 10)[1]
    assert [(r[0], r[1], r[6], r[8]) for r in rows] == [("国家开发银行", "自国家开发银行", 1.607, 3)]


def bank_graph() -> Graph:
    """A bank with a branch and a sub-branch, a syndicated loan told with roles and a total, a loan by the
    branch, and a broken-span duplicate of the bank: what the roll-up and money queries must get right."""
    ents = [
        ("boc", "中国银行", ET.Bank, ["中行"]),
        ("boc_hb", "中国银行湖北省分行", ET.Bank, []),
        ("boc_wh", "中国银行湖北省分行武汉支行", ET.Bank, []),
        ("cdb", "国家开发银行", ET.Bank, []),
        ("cdb2", "自国家开发银行", ET.Bank, []),
        ("icbc", "工商银行", ET.Bank, []),
        ("jx", "江西省高速公路投资集团有限责任公司", ET.Company, ["江西省高速集团"]),
        ("hb", "湖北省政府", ET.GovernmentBody, []),
        ("wg", "武钢集团", ET.Company, []),
    ]
    synd = {"amount": 2e9, "currency": "CNY", "amount_scope": "syndicate", "syndicate": "art1/s1"}
    rels = [
        _rel("b1", RT.BRANCH_OF, "boc_hb", "boc", rule="branch-name"),
        _rel("b2", RT.BRANCH_OF, "boc_wh", "boc_hb", rule="sub-branch-name"),
        _rel("s1", RT.PROVIDED_FINANCING_TO, "cdb", "jx", role="牵头行", **synd),
        _rel("s2", RT.PROVIDED_FINANCING_TO, "boc_hb", "jx", role="联合牵头行", **synd),
        _rel("s3", RT.PROVIDED_FINANCING_TO, "icbc", "jx", role="参贷行", **synd),
        _rel("f1", RT.PROVIDED_FINANCING_TO, "boc_wh", "wg", amount=5e8, currency="CNY", amount_text="5亿元"),
        _rel("f2", RT.PROVIDED_FINANCING_TO, "cdb2", "jx", amount=1e8, currency="CNY"),
        _rel("a1", RT.SIGNED_AGREEMENT_WITH, "boc_hb", "hb", date="2011"),
        _rel("a2", RT.SIGNED_AGREEMENT_WITH, "cdb", "hb"),
        _rel("a3", RT.SIGNED_AGREEMENT_WITH, "cdb2", "hb"),
        _rel("a4", RT.SIGNED_AGREEMENT_WITH, "cdb", "wg"),
        _rel("a5", RT.SIGNED_AGREEMENT_WITH, "cdb2", "wg"),
    ]
    return Graph(
        articles=[GraphArticle(id="a1", title="一", date="2022-01-07")],
        entities=[GraphEntity(id=i, name=n, type=t, aliases=a) for i, n, t, a in ents],
        relations=rels,
    )


def test_financing_counts_a_syndicate_total_once():
    g = bank_graph()
    assert ref.financing_received(g)[1] == [
        ["武钢集团", "CNY", 5e8, 1, 0],
        ["江西省高速公路投资集团有限责任公司", "CNY", 2e9 + 1e8, 2, 1],  # not 3 x 2e9
    ]
    rows = {(r[0], r[1]): r for r in ref.financing(g)[1]}
    assert rows[("国家开发银行", "江西省高速公路投资集团有限责任公司")][3:7] == [0, 1, 1, ["牵头行"]]
    assert ref.syndicates(g)[1] == [
        [
            "art1/s1",
            ["江西省高速公路投资集团有限责任公司"],
            2e9,
            "CNY",
            3,
            [["中国银行湖北省分行", "联合牵头行"], ["国家开发银行", "牵头行"], ["工商银行", "参贷行"]],
        ]
    ]


def test_branches_roll_up_to_the_head_office():
    g = bank_graph()
    assert ref.branches(g, "中行")[1] == [
        ["中国银行湖北省分行", 1, ["中国银行湖北省分行", "中国银行"], ["branch-name"]],
        [
            "中国银行湖北省分行武汉支行",
            2,
            ["中国银行湖北省分行武汉支行", "中国银行湖北省分行", "中国银行"],
            ["sub-branch-name", "branch-name"],
        ],
    ]
    by_bank = {r[0]: r[1:] for r in ref.financing_by_bank(g)[1]}
    assert by_bank["中国银行"] == [
        "CNY",
        5e8,
        2,
        1,
        1,
        2,
    ]  # the branch's syndicate share and the sub-branch's loan
    deals = ref.bank_deals(g, "中国银行")[1]
    assert [(r[0], r[1], r[3]) for r in deals] == [
        ("中国银行湖北省分行", "SIGNED_AGREEMENT_WITH", "湖北省政府"),
        ("中国银行湖北省分行武汉支行", "PROVIDED_FINANCING_TO", "武钢集团"),
        ("中国银行湖北省分行", "PROVIDED_FINANCING_TO", "江西省高速公路投资集团有限责任公司"),
    ]
    connected = {r[0]: r[2] for r in ref.most_connected(g, 10)[1]}
    # BRANCH_OF is not a neighbour
    assert "中国银行" not in connected and connected["中国银行湖北省分行"] == 2


def _return_columns(text: str) -> list[str]:
    """Column names of a query's final RETURN (aliases, or bare variables), split at top-level commas."""
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))
    tail = body[body.rindex("RETURN") + len("RETURN") :]
    for stop in ("\nORDER BY", "\nLIMIT"):
        tail = tail.split(stop)[0]
    items, depth, cur = [], 0, ""
    for ch in tail:
        depth += ch in "([{"
        depth -= ch in ")]}"
        if ch == "," and depth == 0:
            items.append(cur)
            cur = ""
        else:
            cur += ch
    items.append(cur)
    return [item.split(" AS ")[-1].strip() for item in items]


def test_reference_columns_match_each_query_file():
    files = {p.stem: p for p in library_files()}
    g = analyst_graph()
    args = {
        "name": "临港集团",
        "person": "卢跃",
        "region": "临港新片区",
        "source": "平安集团",
        "target": "临港集团",
        "type": "SIGNED_AGREEMENT_WITH",
        "limit": 3,
    }
    for stem, (fn, names) in ref.LIBRARY.items():
        keys, _ = fn(g, *[args[n] for n in names])
        assert _return_columns(files[stem].read_text(encoding="utf-8")) == keys, stem
        keys, _ = fn(bank_graph(), *[args[n] for n in names])
        assert _return_columns(files[stem].read_text(encoding="utf-8")) == keys, stem
