"""The embedded store: schema, read_graph ordering, merged properties, exports and networkx."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import networkx as nx
import pytest

from kg.errors import StoreError
from kg.graph import to_networkx
from kg.models import Extraction
from kg.neo4j.bulk import export_csv
from kg.store import SCHEMA_VERSION, connect, read_graph
from kg.store.derive import derive_graph
from kg.store.export import export_graphml, export_json
from kg.store.inspect import explain_entity, show_entity
from kg.store.query import find_entity, list_entities, store_stats
from kg.store.write import transaction, write_extraction


def extraction(
    aid: str, entities: list[tuple], relations: list[tuple], date: str = "2022-01-07"
) -> Extraction:
    """Hand-built extraction: entities (local id, name, type, aliases), relations (type, src, tgt, props, sentence)."""
    return Extraction.model_validate(
        {
            "article": {"id": aid, "path": f"/corpus/{aid}.md", "title": f"title {aid}", "date": date},
            "entities": [
                {
                    "id": i,
                    "name": n,
                    "type": t,
                    "aliases": list(a),
                    "mentions": [{"start": 0, "end": len(n), "text": n}],
                }
                for i, n, t, a in entities
            ],
            "relations": [
                {
                    "type": t,
                    "source": s,
                    "target": g,
                    "properties": p,
                    "evidence": {"text": sent, "start": 0, "end": len(sent)},
                }
                for t, s, g, p, sent in relations
            ],
        }
    )


ART_A = extraction(
    "a",
    [
        ("e1", "中国平安集团", "Company", ["平安"]),
        ("e2", "临港新片区管委会", "GovernmentBody", []),
        ("e3", "工商银行", "Bank", []),
        ("e4", "上海临港新片区", "Region", []),
    ],
    [
        (
            "SIGNED_AGREEMENT_WITH",
            "e2",
            "e1",
            {"date": "2020", "agreement": "战略合作框架协议"},
            "甲与乙签约。",
        ),
        (
            "PROVIDED_FINANCING_TO",
            "e3",
            "e1",
            {"amount": 1e8, "currency": "CNY", "amount_text": "1亿元"},
            "工行贷款1亿元。",
        ),
        ("OPENED_IN", "e1", "e4", {}, "平安入驻临港。"),
    ],
)
ART_B = extraction(
    "b",
    [
        ("x1", "中国平安保险(集团)股份有限公司", "Company", []),
        ("x2", "临港新片区管委会", "GovernmentBody", []),
        ("x3", "中国工商银行", "Bank", []),
        ("x4", "工商银行上海新片区分行", "Bank", []),
    ],
    [
        ("SIGNED_AGREEMENT_WITH", "x1", "x2", {"date": "2020-05"}, "乙与甲签署协议。"),
        ("PROVIDED_FINANCING_TO", "x3", "x1", {"amount": 2e8, "currency": "CNY"}, "工行再贷2亿元。"),
        ("SUBSIDIARY_OF", "x4", "x3", {}, "新片区分行隶属工行。"),
    ],
    date="2022-03-01",
)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    path = tmp_path / "kg.db"
    conn = connect(path, create=True)
    with transaction(conn):
        for ex in (ART_A, ART_B):
            write_extraction(conn, ex, f"hash-{ex.article.id}")
    derive_graph(conn)
    conn.close()
    return path


def test_store_settings_and_schema_version(db: Path) -> None:
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT version FROM schema_version").fetchone()[0] == SCHEMA_VERSION
    conn.execute("UPDATE schema_version SET version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(
        StoreError, match=rf"store schema version 99 is newer than this kg's \({SCHEMA_VERSION}\)"
    ):
        read_graph(db)
    conn = sqlite3.connect(db)
    conn.execute("UPDATE schema_version SET version = 1")
    conn.commit()
    conn.close()
    with pytest.raises(
        StoreError, match=rf"store schema version 1, this kg needs {SCHEMA_VERSION} \(delete it"
    ):
        read_graph(db)


def test_missing_and_foreign_files_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as err:
        read_graph(tmp_path / "nope.db")
    assert str(err.value) == f"{tmp_path / 'nope.db'}: no such store (run `kg build` first)"
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match=r"junk.db: not a kg store"):
        read_graph(junk)


def test_cross_article_resolution_and_relation_merging(db: Path) -> None:
    g = read_graph(db)
    assert [e.id for e in g.entities] == sorted(e.id for e in g.entities)
    assert [r.id for r in g.relations] == sorted(r.id for r in g.relations)
    by_name = {e.name: e for e in g.entities}
    pingan = by_name["中国平安保险(集团)股份有限公司"]  # tie on frequency: the longest full form wins
    assert pingan.aliases == ["中国平安集团", "平安"] and pingan.article_ids == ["a", "b"]
    assert "工商银行上海新片区分行" in by_name and len([e for e in g.entities if e.type.value == "Bank"]) == 2
    signed = [r for r in g.relations if r.type.value == "SIGNED_AGREEMENT_WITH"]
    assert len(signed) == 1 and len(signed[0].evidence) == 2  # one fact, two sentences
    assert signed[0].source < signed[0].target
    assert signed[0].properties.date == "2020-05" and signed[0].properties.agreement == "战略合作框架协议"
    loans = sorted(r.properties.amount for r in g.relations if r.type.value == "PROVIDED_FINANCING_TO")
    assert loans == [1e8, 2e8]  # different amounts: two deals


def test_to_networkx_attributes(db: Path) -> None:
    g = to_networkx(db)
    assert isinstance(g, nx.MultiDiGraph)
    node = next(d for _, d in g.nodes(data=True) if d["name"] == "中国工商银行")
    assert node["type"] == "Bank" and node["aliases"] == ["工商银行"]
    edges = [d for _, _, d in g.edges(data=True) if d["type"] == "PROVIDED_FINANCING_TO"]
    assert {e["properties"]["amount"] for e in edges} == {1e8, 2e8}
    assert all(e["evidence"][0]["text"] for e in edges)


def test_export_json_graphml_csv(db: Path, tmp_path: Path) -> None:
    export_json(db, tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    # 5 extracted relations + BRANCH_OF 工商银行上海新片区分行 -> 中国工商银行, derived from the names
    assert len(data["entities"]) == 5 and len(data["relations"]) == 6 and len(data["articles"]) == 2
    branch_of = [r["properties"] for r in data["relations"] if r["type"] == "BRANCH_OF"]
    assert branch_of == [{"rule": "branch-name"}]
    export_graphml(db, tmp_path / "g.graphml")
    back = nx.read_graphml(tmp_path / "g.graphml")
    assert back.number_of_nodes() == 5 and back.number_of_edges() == 6
    report = export_csv(db, tmp_path / "csv")
    assert report["files"] == ["articles.csv", "entities.csv", "mentions.csv", "relations.csv"]
    with open(tmp_path / "csv" / "entities.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["id:ID(Entity)", "name", "type", "aliases:string[]", "kg_hash", ":LABEL"]
    pingan = next(r for r in rows if r[1] == "中国平安保险(集团)股份有限公司")
    assert pingan[2:4] == ["Company", "中国平安集团\x1f平安"] and pingan[5] == "Entity\x1fCompany"
    assert len(pingan[4]) == 24  # the loader's kg_hash
    with open(tmp_path / "csv" / "relations.csv", encoding="utf-8", newline="") as fh:
        rels = list(csv.DictReader(fh))
    assert {r["amount:double"] for r in rels if r[":TYPE"] == "PROVIDED_FINANCING_TO"} == {
        "100000000.0",
        "200000000.0",
    }
    branch = next(r for r in rels if r[":TYPE"] == "BRANCH_OF")
    assert branch["rule"] == "branch-name" and branch["evidence:string[]"] == ""  # empty: the schema step
    with open(tmp_path / "csv" / "mentions.csv", encoding="utf-8", newline="") as fh:
        mentions = list(csv.reader(fh))
    assert mentions[0] == [":START_ID(Article)", ":END_ID(Entity)", ":TYPE", "kg_hash"]
    assert {m[2] for m in mentions[1:]} == {"MENTIONS"}


def test_queries(db: Path) -> None:
    stats = store_stats(db)
    assert stats["entities_by_type"] == {"Bank": 2, "Company": 1, "GovernmentBody": 1, "Region": 1}
    assert stats["relations_by_type"]["PROVIDED_FINANCING_TO"] == 2
    assert [e["name"] for e in list_entities(db, etype="Bank")] == ["中国工商银行", "工商银行上海新片区分行"]
    assert [e["name"] for e in list_entities(db, search="平安")] == ["中国平安保险(集团)股份有限公司"]
    shown = show_entity(db, "平安集团")  # not a stored form: found through the normalised key
    assert shown["name"] == "中国平安保险(集团)股份有限公司"
    assert sorted(shown["facts"]) == ["OPENED_IN", "PROVIDED_FINANCING_TO", "SIGNED_AGREEMENT_WITH"]
    ev = shown["facts"]["SIGNED_AGREEMENT_WITH"][0]["evidence"]
    assert [(e["title"], e["date"]) for e in ev] == [("title a", "2022-01-07"), ("title b", "2022-03-01")]
    why = explain_entity(db, "中国平安集团")
    assert {(m["a"], m["b"], m["rule"]) for m in why["merges"]} >= {
        ("中国平安保险(集团)股份有限公司", "中国平安集团", "same-key")
    }
    with pytest.raises(StoreError, match=r"no entity named '华为'"):
        show_entity(db, "华为")


def test_ambiguous_name_lists_candidates(db: Path) -> None:
    conn = connect(db)
    conn.execute(
        "INSERT INTO aliases(entity_id, alias, norm) SELECT id, '工商银行', '工商银行' FROM entities "
        "WHERE name = '工商银行上海新片区分行'"
    )
    with pytest.raises(StoreError) as err:
        find_entity(conn, "工商银行")
    assert str(err.value).startswith("'工商银行' is ambiguous: 中国工商银行 (Bank, ent_bank_")
    assert "工商银行上海新片区分行 (Bank, ent_bank_" in str(err.value)


def test_unknown_local_entity_is_rejected_before_writing(tmp_path: Path) -> None:
    bad = extraction("c", [("e1", "甲公司", "Company", [])], [("SUBSIDIARY_OF", "e1", "e9", {}, "x")])
    conn = connect(tmp_path / "kg.db", create=True)
    with (
        pytest.raises(StoreError, match=r"/corpus/c.md: relation 0 references unknown entity 'e9'"),
        transaction(conn),
    ):
        write_extraction(conn, bad, "h")
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0


def _store_of(path: Path, steps: list[list[Extraction]]) -> str:
    """Write the extractions step by step (deriving after each step); the final graph as JSON."""
    from kg.store.export import graph_json

    conn = connect(path, create=True)
    for step in steps:
        with transaction(conn):
            for ex in step:
                write_extraction(conn, ex, f"hash-{ex.article.id}-{len(ex.entities)}")
        derive_graph(conn)
    conn.close()
    return graph_json(read_graph(path))


def test_incremental_derivation_equals_full_when_clusters_merge(tmp_path: Path) -> None:
    a1 = extraction(
        "p1",
        [("e1", "北汽集团", "Company", []), ("e2", "宁德时代", "Company", [])],
        [("JOINT_VENTURE_WITH", "e1", "e2", {"date": "2022"}, "北汽集团与宁德时代合资。")],
    )
    a2 = extraction(
        "p2",
        [("e1", "北京汽车集团有限公司", "Company", []), ("e2", "小米汽车", "Company", [])],
        [
            (
                "INVESTED_IN",
                "e1",
                "e2",
                {"amount": 5e8, "currency": "CNY"},
                "北京汽车集团有限公司投资小米汽车。",
            )
        ],
    )
    # p3 links the two names: the clusters merge, so the facts of p1 and p2 must move to the merged entity
    a3 = extraction(
        "p3",
        [("e1", "北京汽车集团有限公司", "Company", ["北汽集团"]), ("e2", "宁德时代", "Company", [])],
        [("JOINT_VENTURE_WITH", "e2", "e1", {"date": "2022-05"}, "宁德时代与北汽合资。")],
    )
    full = _store_of(tmp_path / "full.db", [[a1, a2, a3]])
    stepwise = _store_of(tmp_path / "step.db", [[a1], [a2], [a3]])
    assert stepwise == full
    g = read_graph(tmp_path / "step.db")
    (jv,) = [r for r in g.relations if r.type.value == "JOINT_VENTURE_WITH"]
    assert len(jv.evidence) == 2 and jv.properties.date == "2022-05"
    # and back: replacing p3 without the alias splits the cluster again
    a3b = extraction(
        "p3",
        [("e1", "北京汽车集团有限公司", "Company", []), ("e2", "宁德时代", "Company", [])],
        [("JOINT_VENTURE_WITH", "e2", "e1", {"date": "2022-05"}, "宁德时代与北汽合资。")],
    )
    assert _store_of(tmp_path / "step.db", [[a3b]]) == _store_of(tmp_path / "full2.db", [[a1, a2, a3b]])


def test_sqlite_failures_are_one_line_store_errors(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A store another process holds locked: the error names the file instead of a traceback."""
    from kg.pipeline import forget_articles

    holder = sqlite3.connect(db)
    holder.execute("BEGIN EXCLUSIVE")
    original = sqlite3.connect
    # the store waits up to 30 s for a lock; the test does not
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: original(*a, **{**k, "timeout": 0}))
    try:
        with pytest.raises(StoreError) as err:
            forget_articles(["a"], db)
        assert str(err.value) == f"{db}: database is locked"
    finally:
        holder.rollback()
        holder.close()


def test_signings_in_different_years_stay_two_relations(tmp_path: Path) -> None:
    """A 2020 framework agreement and a 2023 follow-up between the same parties are two signings."""
    parties = [("p", "中国平安集团", "Company", []), ("g", "临港新片区管委会", "GovernmentBody", [])]
    first = extraction("y1", parties, [("SIGNED_AGREEMENT_WITH", "p", "g", {"date": "2020"}, "2020年签约。")])
    again = extraction(
        "y2", parties, [("SIGNED_AGREEMENT_WITH", "g", "p", {"date": "2020-06"}, "再述签约。")]
    )
    later = extraction(
        "y3", parties, [("SIGNED_AGREEMENT_WITH", "p", "g", {"date": "2023-03-28"}, "2023年再签。")]
    )
    path = tmp_path / "kg.db"
    conn = connect(path, create=True)
    with transaction(conn):
        for ex in (first, again, later):
            write_extraction(conn, ex, f"hash-{ex.article.id}")
    derive_graph(conn)
    conn.close()
    signed = [r for r in read_graph(path).relations if r.type.value == "SIGNED_AGREEMENT_WITH"]
    by_year = {r.properties.date[:4]: len(r.evidence) for r in signed}
    assert by_year == {"2020": 2, "2023": 1}
