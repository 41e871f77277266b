"""`kg view` / `kg export html` through the real CLI and the real embedded store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.models import ArticleRef, Evidence, ExtractedEntity, ExtractedRelation, Extraction, Mention
from kg.ontology import EntityType, RelationType

runner = CliRunner()

TEXT = "平安直通咨询有限公司是中国平安集团旗下子公司。工商银行上海新片区分行向平安直通咨询有限公司提供贷款。"


def _span(text: str, part: str) -> dict:
    start = text.index(part)
    return {"start": start, "end": start + len(part), "text": part}


def _extraction() -> Extraction:
    ents = [
        ("e1", "平安直通咨询有限公司", EntityType.Company),
        ("e2", "中国平安集团", EntityType.Company),
        ("e3", "工商银行上海新片区分行", EntityType.Bank),
    ]
    sent1, sent2 = TEXT.split("。")[0] + "。", TEXT.split("。")[1] + "。"
    return Extraction(
        article=ArticleRef(
            id="art1", path="art1.md", title="平安直通落户", date="2022-01-07", url="https://example.com/1"
        ),
        entities=[
            ExtractedEntity(id=i, name=n, type=t, mentions=[Mention(**_span(TEXT, n))]) for i, n, t in ents
        ],
        relations=[
            ExtractedRelation(
                type=RelationType.SUBSIDIARY_OF,
                source="e1",
                target="e2",
                evidence=Evidence(**_span(TEXT, sent1)),
            ),
            ExtractedRelation(
                type=RelationType.PROVIDED_FINANCING_TO,
                source="e3",
                target="e1",
                properties={"date": "2022-01"},
                evidence=Evidence(**_span(TEXT, sent2)),
            ),
        ],
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    from kg.store.schema import connect
    from kg.store.write import transaction, write_extraction

    db = tmp_path_factory.mktemp("store") / "kg.db"
    conn = connect(db, create=True)
    with transaction(conn):
        write_extraction(conn, _extraction(), "hash-1")
    conn.close()
    return db


def _data(path: Path) -> dict:
    html = path.read_text(encoding="utf-8")
    return json.loads(re.search(r'id="kg-data">(.*?)</script>', html, re.DOTALL).group(1))


@pytest.mark.parametrize("command", [["view"], ["export", "html"]])
def test_view_writes_the_page_and_prints_path_and_counts(store: Path, tmp_path: Path, command) -> None:
    out = tmp_path / "sub" / "graph.html"
    result = runner.invoke(app, [*command, "--db", str(store), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {out}: 3 entities, 2 relations from 1 article\n"
    data = _data(out)
    assert sorted(n["name"] for n in data["nodes"]) == [
        "中国平安集团",
        "工商银行上海新片区分行",
        "平安直通咨询有限公司",
    ]
    assert sorted(e["label"] for e in data["edges"]) == ["子公司", "融资"]


def test_view_filters_from_the_command_line(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    result = runner.invoke(
        app,
        ["view", "--db", str(store), "-o", str(out), "--relation", "融资", "--since", "2022", "--lang", "en"],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {out}: 2 entities, 1 relation from 1 article\n"
    assert [e["label"] for e in _data(out)["edges"]] == ["provided financing to"]


def test_view_reports_truncation(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    result = runner.invoke(app, ["view", "--db", str(store), "-o", str(out), "--max-nodes", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Wrote {out}: 2 entities, 1 relation from 1 article",
        (
            "Left out 1 of 3 entities and 1 relation, the least connected (e.g. 中国平安集团); "
            "raise --max-nodes (now 2) to include them"
        ),
    ]


def test_view_caps_edges_and_says_so(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    result = runner.invoke(app, ["view", "--db", str(store), "-o", str(out), "--max-edges", "1"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"Wrote {out}: 3 entities, 1 relation from 1 article",
        (
            "Left out 1 of 2 relations among the shown entities, the least supported; "
            "raise --max-edges (now 1) to include them"
        ),
    ]
    data = _data(out)
    assert (len(data["nodes"]), len(data["edges"])) == (3, 1)
    assert data["meta"]["notice"] == "关系较多：仅显示证据最多的 1 / 2 条关系（上限 1），省略 1 条。"


def test_bad_max_edges_is_one_line(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    result = runner.invoke(app, ["view", "--db", str(store), "-o", str(out), "--max-edges", "0"])
    assert result.exit_code == 1
    assert result.stderr == "Error: --max-edges must be at least 1, got 0\n"
    assert not out.exists()


def test_unknown_focus_is_one_line_and_exit_1(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    result = runner.invoke(app, ["view", "--db", str(store), "-o", str(out), "--focus", "不存在"])
    assert result.exit_code == 1
    assert result.stderr == "Error: no entity named '不存在' (names and aliases were searched)\n"
    assert not out.exists()


def test_focus_by_name(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    result = runner.invoke(app, ["view", "--db", str(store), "-o", str(out), "--focus", "中国平安集团"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {out}: 2 entities, 1 relation from 1 article\n"


def test_missing_store_names_the_file(tmp_path: Path) -> None:
    db = tmp_path / "nope.db"
    result = runner.invoke(app, ["view", "--db", str(db), "-o", str(tmp_path / "g.html")])
    assert result.exit_code == 1
    assert result.stderr == f"Error: {db}: no such store (run `kg build` first)\n"


def test_bad_date_option(store: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["view", "--db", str(store), "-o", str(tmp_path / "g.html"), "--until", "昨天"]
    )
    assert result.exit_code == 1
    assert result.stderr == "Error: --until '昨天' is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)\n"


def test_depth_without_focus_is_an_error_not_ignored(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    result = runner.invoke(app, ["view", "--db", str(store), "-o", str(out), "--depth", "2"])
    assert result.exit_code == 1
    assert result.stderr == "Error: --depth counts hops around --focus: add --focus NAME or drop --depth\n"
    assert not out.exists()


def test_depth_with_focus_widens_the_ego_network(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    args = ["view", "--db", str(store), "-o", str(out), "--focus", "中国平安集团"]
    result = runner.invoke(app, [*args, "--depth", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {out}: 3 entities, 2 relations from 1 article\n"
    result = runner.invoke(app, [*args, "--depth", "0"])
    assert result.stdout == f"Wrote {out}: 1 entity, 0 relations from 1 article\n"
