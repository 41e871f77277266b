"""Traditional Chinese: extracted on a Simplified rendering, offsets and text from the original (issue 14)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.extract import extract_article
from kg.extract.hanzi import _char_table, is_traditional, to_simplified
from kg.ingest import read_article
from kg.models import Extraction

DATA = Path(__file__).parent / "data" / "reading" / "traditional"
PAIRS = [("hkex_pingan_hant.md", "hkex_pingan_hans.md"), ("tsmc_hant.md", "tsmc_hans.md")]
runner = CliRunner()
ORGS = {"Company", "Bank", "Region", "GovernmentBody", "Fund"}  # resolved across articles by name


def facts(ex: Extraction) -> tuple[list, list]:
    """What an analyst reads off an extraction: typed names, and relations between names with properties."""
    name = {e.id: e.name for e in ex.entities}
    entities = sorted((e.name, e.type.value) for e in ex.entities)
    relations = sorted(
        (r.type.value, name[r.source], name[r.target], r.properties.model_dump_json(exclude_none=True))
        for r in ex.relations
    )
    return entities, relations


@pytest.mark.parametrize(("hant", "hans"), PAIRS)
def test_detection(hant: str, hans: str) -> None:
    assert is_traditional(read_article(DATA / hant).text)
    assert not is_traditional(read_article(DATA / hans).text)


def test_simplified_articles_with_a_few_traditional_names_stay_simplified(examples_dir: Path) -> None:
    for path in sorted((examples_dir / "articles").glob("*.md")):
        assert not is_traditional(read_article(path).text), path.name
    assert not is_traditional("香港上市公司滙豐控股今日公布业绩，汇丰银行表示将继续扩大在内地的业务。")


@pytest.mark.parametrize(("hant", "hans"), PAIRS)
def test_same_article_in_both_scripts_yields_the_same_facts(hant: str, hans: str) -> None:
    trad, simp = read_article(DATA / hant), read_article(DATA / hans)
    assert to_simplified(trad.text) == simp.text  # the fixtures are one article in two scripts
    ft, fs = facts(extract_article(trad)), facts(extract_article(simp))
    assert ft == fs
    assert len(ft[0]) >= 5 and len(ft[1]) >= 3  # real facts, not two empty lists


@pytest.mark.parametrize("hant", [h for h, _ in PAIRS])
def test_mentions_and_evidence_index_and_quote_the_original(hant: str) -> None:
    article = read_article(DATA / hant)
    ex = extract_article(article)
    text = article.text
    spans = [m for e in ex.entities for m in e.mentions] + [r.evidence for r in ex.relations]
    assert spans
    for span in spans:
        assert text[span.start : span.end] == span.text  # the round trip on the original article
    quoted = "".join(s.text for s in spans)
    assert "滙豐" in quoted or "積體電路" in quoted  # Traditional characters, as the article writes them
    by_name = {e.name: e for e in ex.entities}
    if "香港上海汇丰银行有限公司" in by_name:  # the Simplified name, the original spelling an alias
        assert "香港上海滙豐銀行有限公司" in by_name["香港上海汇丰银行有限公司"].aliases


def test_untouched_without_traditional_script(seed_article: Path) -> None:
    """Simplified articles go through the same code as before: mention texts are the view's own."""
    article = read_article(seed_article)
    ex = extract_article(article)
    assert all(article.text[m.start : m.end] == m.text for e in ex.entities for m in e.mentions)


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(sorted(_char_table())[:400] + list("，。、（）“”  \n的公司銀行集團有限")),
        max_size=80,
    )
)
def test_rendering_keeps_the_length(text: str) -> None:
    out = to_simplified(text)
    assert len(out) == len(text)
    for a, b in zip(text, out, strict=True):
        assert (a == b) or (a in _char_table())  # only Traditional characters change


def test_kg_build_merges_both_scripts_into_one_graph(tmp_path: Path) -> None:
    hant, hans = PAIRS[0]
    only_simplified, both = tmp_path / "s", tmp_path / "b"
    only_simplified.mkdir()
    both.mkdir()
    shutil.copy(DATA / hans, only_simplified)
    shutil.copy(DATA / hans, both)
    shutil.copy(DATA / hant, both)
    graphs = []
    for src in (only_simplified, both):
        db = tmp_path / f"{src.name}.db"
        result = runner.invoke(app, ["build", str(src), "--db", str(db), "--json"])
        assert result.exit_code == 0, result.stderr
        rows = json.loads(runner.invoke(app, ["entities", "--db", str(db), "--json"]).stdout)
        graphs.append({(r["name"], r["type"]): r for r in rows if r["type"] in ORGS})
    simplified, merged = graphs
    assert len(simplified) >= 4
    assert set(merged) == set(simplified)  # the Traditional article adds no organisation node ...
    assert all(r["articles"] == 2 for r in merged.values())  # ... it supports every one of them
    assert [r["relations"] for r in merged.values()] == [r["relations"] for r in simplified.values()]
    out = tmp_path / "t.jsonl"
    result = runner.invoke(app, ["extract", str(DATA / hant), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert "中国平安保险（集团）股份有限公司" in {e["name"] for e in line["entities"]}
