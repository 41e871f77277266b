"""The store side of issue 11 on hand-written extraction lines: stable ids and redirects, aliases.yaml on
article-scoped names, BRANCH_OF from names, syndicates, and what `kg show` / `kg explain` print."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from test_store import extraction
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import StoreError
from kg.models import Extraction
from kg.ontology import EntityType
from kg.resolve import AliasConfig, AliasEntry
from kg.store.derive import derive_graph, store_alias_config
from kg.store.inspect import explain_entity, show_entity
from kg.store.read import read_graph
from kg.store.schema import connect
from kg.store.write import forget_article, transaction, write_extraction


def build(db: Path, *extractions: Extraction, aliases: AliasConfig | None = None) -> None:
    conn = connect(db, create=True)
    try:
        with transaction(conn):
            for x in extractions:
                write_extraction(conn, x, x.article.id)
        if aliases is not None:
            store_alias_config(conn, aliases)
        derive_graph(conn)
    finally:
        conn.close()


def entity_id(db: Path, name: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT id FROM entities WHERE name = ?", (name,)).fetchone()[0]
    finally:
        conn.close()


BAIC_A = extraction("a", [("e1", "北汽集团", "Company", [])], [])
BAIC_B = extraction("b", [("e1", "北京汽车集团有限公司", "Company", [])], [])
BAIC = AliasConfig((AliasEntry("北京汽车集团", EntityType.Company, ("北汽集团", "北京汽车集团有限公司")),))


# ---------------------------------------------------------------- identity


def test_a_merged_away_id_still_resolves_and_comes_back_on_split(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    build(db, BAIC_A, BAIC_B)
    a, b = entity_id(db, "北汽集团"), entity_id(db, "北京汽车集团有限公司")
    assert a != b
    build(db, aliases=BAIC)
    survivor = entity_id(db, "北京汽车集团")
    assert survivor in (a, b)
    gone = b if survivor == a else a
    for lookup in (show_entity, explain_entity):
        d = lookup(db, gone)
        assert (d["id"], d["redirected_from"]) == (survivor, gone)
    assert explain_entity(db, survivor)["earlier_ids"] == [gone]
    build(db, aliases=AliasConfig())  # the alias entry goes away: both ids are back, no redirect left
    assert {entity_id(db, "北汽集团"), entity_id(db, "北京汽车集团有限公司")} == {a, b}
    with pytest.raises(StoreError, match="no entity named"):
        show_entity(db, "ent_company_000000000000")
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM redirects").fetchone()[0] == 0


def test_an_id_survives_a_change_of_display_name(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    build(db, extraction("a", [("e1", "平安集团", "Company", [])], []))
    before = entity_id(db, "平安集团")
    build(
        db,
        *[
            extraction(f"b{i}", [("e1", "中国平安保险(集团)股份有限公司", "Company", [])], [])
            for i in range(2)
        ],
    )
    assert entity_id(db, "中国平安保险(集团)股份有限公司") == before


def test_alias_file_moves_article_scoped_names(tmp_path: Path) -> None:
    """管委会 alone is scoped to its article; the alias file reaches it, plain or as `name@article`."""
    db = tmp_path / "kg.db"
    x = extraction("x", [("e1", "管委会", "GovernmentBody", [])], [])
    y = extraction("y", [("e1", "管委会", "GovernmentBody", [])], [])
    z = extraction("z", [("e1", "宿迁经开区管委会", "GovernmentBody", [])], [])
    build(db, x, y, z)
    assert len({e.id for e in read_graph(db).entities}) == 3
    scoped = AliasConfig((AliasEntry("宿迁经开区管委会", EntityType.GovernmentBody, ("管委会@x",)),))
    build(db, aliases=scoped)
    names = sorted(e.name for e in read_graph(db).entities)
    assert names == ["宿迁经开区管委会", "管委会"]
    everywhere = AliasConfig((AliasEntry("宿迁经开区管委会", EntityType.GovernmentBody, ("管委会",)),))
    build(db, aliases=everywhere)
    (only,) = read_graph(db).entities
    assert only.name == "宿迁经开区管委会" and only.article_ids == ["x", "y", "z"]


def test_ambiguous_name_lists_ids_and_show_by_id_works(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    build(db, extraction("a", [("e1", "华夏", "Company", []), ("e2", "华夏", "Region", [])], []))
    result = CliRunner().invoke(app, ["show", "华夏", "--db", str(db)])
    assert result.exit_code == 1
    ids = sorted(e.id for e in read_graph(db).entities)
    assert result.stderr == (
        f"Error: '华夏' is ambiguous: 华夏 (Company, {ids[0]}); 华夏 (Region, {ids[1]}) (name one by its id)\n"
    )
    by_id = CliRunner().invoke(app, ["show", ids[1], "--db", str(db)])
    assert by_id.exit_code == 0 and by_id.stdout.startswith(f"华夏 [Region] {ids[1]}")


# ---------------------------------------------------------------- branches

BANKS = extraction(
    "banks",
    [
        ("b1", "中国银行", "Bank", ["中行"]),
        ("b2", "中行湖北省分行", "Bank", []),
        ("b3", "湖北省政府", "GovernmentBody", []),
        ("b4", "招商银行福州分行", "Bank", []),
        ("b5", "招商银行福州分行平潭支行", "Bank", []),
        ("b6", "招商银行", "Bank", []),
        ("b7", "平潭综合实验区", "Region", []),
    ],
    [
        (
            "PROVIDED_FINANCING_TO",
            "b2",
            "b3",
            {"amount": 3e11, "currency": "CNY", "amount_text": "3000亿元"},
            "授信。",
        ),
        ("OPENED_IN", "b5", "b7", {}, "平潭支行开业。"),
    ],
)
MORE = extraction(
    "more",
    [("m1", "中国银行湖北分行", "Bank", []), ("m2", "武钢集团", "Company", [])],
    [("SIGNED_AGREEMENT_WITH", "m1", "m2", {"date": "2011"}, "签署银企合作协议。")],
)


def test_branch_of_is_derived_from_names_with_its_rule(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    build(db, BANKS, MORE)
    graph = read_graph(db)
    name = {e.id: e.name for e in graph.entities}
    links = sorted(
        (name[r.source], name[r.target], r.properties.rule, r.evidence)
        for r in graph.relations
        if r.type.value == "BRANCH_OF"
    )
    assert links == [
        ("中国银行湖北分行", "中国银行", "branch-name", []),  # = 中行湖北省分行 of the other article
        ("招商银行福州分行", "招商银行", "branch-name", []),
        ("招商银行福州分行平潭支行", "招商银行福州分行", "sub-branch-name", []),
    ]
    why = explain_entity(db, "招商银行福州分行平潭支行")
    assert [(p["name"], p["rule"]) for p in why["branch_of"]] == [("招商银行福州分行", "sub-branch-name")]
    out = CliRunner().invoke(app, ["explain", "中行湖北省分行", "--db", str(db)]).stdout
    assert (
        "BRANCH_OF 中国银行 by branch-name: 中国银行湖北分行 is a branch of 中国银行: its name is the bank's name "
        "followed by a branch name"
    ) in out.splitlines()


def test_show_with_branches_rolls_the_branches_facts_up(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    build(db, BANKS, MORE)
    plain = show_entity(db, "中国银行")
    assert plain["facts"] == {} and [b["name"] for b in plain["branches"]] == ["中国银行湖北分行"]
    rolled = show_entity(db, "中国银行", with_branches=True)
    assert sorted(rolled["facts"]) == ["PROVIDED_FINANCING_TO", "SIGNED_AGREEMENT_WITH"]
    fin = rolled["facts"]["PROVIDED_FINANCING_TO"][0]
    assert (fin["source"], fin["through"], fin["display"]) == (
        "中国银行湖北分行",
        "中国银行湖北分行",
        "amount=3000亿元 (300,000,000,000 CNY)",
    )
    cms = show_entity(db, "招商银行", with_branches=True)
    assert [(b["name"], b["depth"]) for b in cms["branches"]] == [
        ("招商银行福州分行", 1),
        ("招商银行福州分行平潭支行", 2),
    ]
    assert cms["facts"]["OPENED_IN"][0]["through"] == "招商银行福州分行平潭支行"
    out = (
        CliRunner().invoke(app, ["show", "中国银行", "--with-branches", "--db", str(db)]).stdout.splitlines()
    )
    assert out[1] == "branches (1): 中国银行湖北分行 (their facts are rolled up below)"
    assert (
        "  中国银行湖北分行 -> 湖北省政府  [amount=3000亿元 (300,000,000,000 CNY)]  (through 中国银行湖北分行)"
        in out
    )


# ---------------------------------------------------------------- syndicates


def syndicated(
    aid: str, total: float, members: list[tuple[str, str]], share: dict | None = None
) -> Extraction:
    ents = [("b", "江西省高速公路投资集团有限责任公司", "Company", ["江西省高速集团"])]
    ents += [(f"l{i}", name, "Bank", []) for i, (name, _) in enumerate(members)]
    rels = [
        (
            "PROVIDED_FINANCING_TO",
            f"l{i}",
            "b",
            {
                "amount": total,
                "currency": "CNY",
                "amount_scope": "syndicate",
                "syndicate": "s1",
                "role": role,
                **((share or {}).get(name, {})),
            },
            "银团贷款。",
        )
        for i, (name, role) in enumerate(members)
    ]
    rels.append(
        ("SIGNED_AGREEMENT_WITH", "l0", "l1", {}, "银团成员签署银团协议。")
    )  # co-members: never an edge
    rels.append(("SIGNED_AGREEMENT_WITH", "l0", "b", {}, "借款人与银团签署贷款合同。"))
    return extraction(aid, ents, rels)


def test_syndicate_ids_roles_totals_and_no_member_agreements(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    members = [("星展银行", "牵头行"), ("大新银行", "联合牵头行"), ("彰化商业银行", "参贷行")]
    build(db, syndicated("one", 2e9, members), syndicated("two", 2e9, members[:2]))
    graph = read_graph(db)
    name = {e.id: e.name for e in graph.entities}
    fin = [r for r in graph.relations if r.type.value == "PROVIDED_FINANCING_TO"]
    assert {r.properties.syndicate for r in fin} == {"one/s1"}  # one loan, told twice: one syndicate id
    assert sorted((name[r.source], r.properties.role) for r in fin) == sorted(members)
    agreements = [
        (name[r.source], name[r.target]) for r in graph.relations if r.type.value == "SIGNED_AGREEMENT_WITH"
    ]
    assert agreements == [("星展银行", "江西省高速公路投资集团有限责任公司")] or agreements == [
        ("江西省高速公路投资集团有限责任公司", "星展银行")
    ]
    d = show_entity(db, "江西省高速集团")
    (s,) = d["syndicates"]
    assert s["label"] == "s1@one" and s["total"] == "20亿元 (2,000,000,000 CNY, syndicate total)"
    assert [(m["lender"], m["role"]) for m in s["lenders"]] == sorted(members)
    out = CliRunner().invoke(app, ["show", "江西省高速集团", "--db", str(db)]).stdout.splitlines()
    assert (
        "  s1@one: 江西省高速公路投资集团有限责任公司 borrowed 20亿元 (2,000,000,000 CNY, syndicate total) from 3 lenders"
        in out
    )
    assert "    星展银行 (牵头行)" in out


def test_show_prints_urls_and_articles_that_merely_mention(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    stated = extraction(
        "s",
        [("e1", "宁波银行", "Bank", []), ("e2", "北仑区政府", "GovernmentBody", [])],
        [("PROVIDED_FINANCING_TO", "e1", "e2", {"amount": 3e10, "currency": "CNY"}, "三年提供300亿元。")],
    )
    stated.article.url = "https://news.example.com/1"
    passing = extraction("p", [("e1", "宁波银行", "Bank", [])], [], date="2024-03-01")
    build(db, stated, passing)
    out = CliRunner().invoke(app, ["show", "宁波银行", "--db", str(db)]).stdout.splitlines()
    assert out == [
        "宁波银行 [Bank] " + entity_id(db, "宁波银行"),
        "PROVIDED_FINANCING_TO (1)",
        "  宁波银行 -> 北仑区政府  [amount=300亿元 (30,000,000,000 CNY)]",
        "    「三年提供300亿元。」 — title s (2022-01-07) https://news.example.com/1",
        "also mentioned in 1 article(s) that state no fact about it:",
        "  title p (2024-03-01)",
    ]


def test_forgetting_every_article_of_an_entity_leaves_no_redirect(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    build(db, BAIC_A, BAIC_B, aliases=BAIC)
    conn = connect(db)
    with transaction(conn):
        forget_article(conn, "a")
        forget_article(conn, "b")
    derive_graph(conn)
    assert conn.execute("SELECT count(*) FROM redirects").fetchone()[0] == 0
    assert json.loads(json.dumps(read_graph(db).model_dump()))["entities"] == []


def test_branch_of_is_never_extracted_and_scoring_leaves_it_alone(examples_dir: Path) -> None:
    from pydantic import ValidationError

    from kg.evaluate import evaluate_paths

    with pytest.raises(ValidationError, match="BRANCH_OF is derived by kg from names, never extracted"):
        extraction(
            "x",
            [("a", "中国银行湖北省分行", "Bank", []), ("b", "中国银行", "Bank", [])],
            [("BRANCH_OF", "a", "b", {}, "中国银行湖北省分行")],
        )
    report = evaluate_paths(examples_dir / "gold", [examples_dir / "articles"])
    assert report.articles == 11 and "BRANCH_OF" not in report.relations_by_type


def test_view_with_branches_draws_the_bank_its_branches_and_their_deals(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    build(db, BANKS, MORE)
    out = tmp_path / "g.html"
    result = CliRunner().invoke(
        app, ["view", "--db", str(db), "-o", str(out), "--focus", "中行", "--depth", "1", "--with-branches"]
    )
    assert result.exit_code == 0, result.output
    import re

    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', out.read_text("utf-8"), re.DOTALL).group(1))
    assert sorted(n["name"] for n in data["nodes"]) == [
        "中国银行",
        "中国银行湖北分行",
        "武钢集团",
        "湖北省政府",
    ]
    assert sorted(e["label"] for e in data["edges"]) == ["分支机构", "签约", "融资"]
    branch_edge = next(e for e in data["edges"] if e["type"] == "BRANCH_OF")
    assert branch_edge["props"] == [["推导规则", "branch-name"]] and branch_edge["evidence"] == []
    plain = CliRunner().invoke(app, ["view", "--db", str(db), "-o", str(out), "--with-branches"])
    assert plain.exit_code == 1
    assert (
        plain.stderr
        == "Error: --with-branches rolls a bank's branches into its --focus view: add --focus NAME\n"
    )


def test_kg_load_sends_branch_of_and_syndicates_as_parameters(tmp_path: Path) -> None:
    """The exact statement and rows for BRANCH_OF, and syndicate properties on financing rows (fake driver)."""
    from kg.neo4j.fakes import FakeDriver
    from kg.neo4j.loader import write_graph

    db = tmp_path / "kg.db"
    build(db, BANKS, MORE, syndicated("one", 2e9, [("星展银行", "牵头行"), ("大新银行", "参贷行")]))
    graph = read_graph(db)
    driver = FakeDriver()
    summary = write_graph(driver, graph)
    branch = [c for c in driver.calls if c.kind == "relations:BRANCH_OF"]
    assert len(branch) == 1
    assert branch[0].query.startswith(
        "UNWIND $rows AS row\nMATCH (s:Entity) WHERE s.id = row.source\nMATCH (t:Entity) WHERE t.id = row.target\n"
        "MERGE (s)-[r:BRANCH_OF {id: row.id}]->(t)\n"
    )
    rows = branch[0].parameters["rows"]
    assert sorted((r["rule"], r["article_ids"], r["evidence"]) for r in rows) == [
        ("branch-name", [], []),
        ("branch-name", [], []),
        ("sub-branch-name", [], []),
    ]
    fin = next(c for c in driver.calls if c.kind == "relations:PROVIDED_FINANCING_TO")
    synd = sorted(
        (r["role"], r["syndicate"], r["amount_scope"], r["amount"])
        for r in fin.parameters["rows"]
        if r["syndicate"]
    )
    assert synd == [("参贷行", "one/s1", "syndicate", 2e9), ("牵头行", "one/s1", "syndicate", 2e9)]
    again = write_graph(driver, graph)
    assert again.properties_set == 0 and summary.relations.created == len(graph.relations)
