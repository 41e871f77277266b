"""The project's own example articles and their gold: well-formed, consistent with the ontology, and every
evidence an exact substring of the plain text the reader produces (so extraction can be scored on them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.ingest import read_article, read_articles
from kg.models import Article
from kg.ontology import RELATION_PROPERTY_KEYS, SIGNATURES, SYMMETRIC, EntityType, RelationType

ARTICLES = Path(__file__).resolve().parent.parent / "examples" / "articles"
GOLD = ARTICLES.parent / "gold"
GOLD_ARTICLES = sorted(p for p in ARTICLES.iterdir() if p.suffix in {".md", ".html"})
ENTITY_TYPES = {t.value for t in EntityType} | {"Other"}
RELATION_TYPES = {t.value for t in RelationType} | {"OTHER"}
ISO_PREFIX = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def _gold(article: Path) -> dict:
    return json.loads((GOLD / f"{article.stem}.json").read_text(encoding="utf-8"))


def _surfaces(gold: dict) -> dict[str, dict]:
    """Every name and alias -> its entity."""
    out: dict[str, dict] = {}
    for e in gold["entities"]:
        for s in [e["name"], *e["aliases"]]:
            out[s] = e
    return out


@pytest.fixture(scope="module")
def articles() -> dict[str, Article]:
    return {p.stem: read_article(p) for p in GOLD_ARTICLES}


def test_every_article_has_gold_and_every_gold_an_article():
    assert len(GOLD_ARTICLES) >= 10
    assert {p.stem for p in GOLD_ARTICLES} == {p.stem for p in GOLD.glob("*.json")}


@pytest.mark.parametrize("path", GOLD_ARTICLES, ids=lambda p: p.name)
def test_article_reads_with_date_title_and_size(path: Path, articles: dict[str, Article]):
    a = articles[path.stem]
    assert a.title and a.date and ISO_PREFIX.match(a.date[:10])
    assert 800 <= len(path.read_text(encoding="utf-8")) <= 4000
    assert "<" not in a.text and "&nbsp;" not in a.text and "&amp;" not in a.text


@pytest.mark.parametrize("path", GOLD_ARTICLES, ids=lambda p: p.name)
def test_gold_shape_and_types(path: Path):
    gold = _gold(path)
    assert set(gold) == {"entities", "relations"}
    for e in gold["entities"]:
        assert set(e) == {"name", "aliases", "type"}, e
        assert e["type"] in ENTITY_TYPES, e
        assert e["name"] not in e["aliases"] and len(set(e["aliases"])) == len(e["aliases"]), e
    for r in gold["relations"]:
        assert set(r) == {"source", "type", "target", "evidence", "properties"}, r
        assert r["type"] in RELATION_TYPES, r
        assert set(r["properties"]) <= set(RELATION_PROPERTY_KEYS), r


@pytest.mark.parametrize("path", GOLD_ARTICLES, ids=lambda p: p.name)
def test_surface_forms_are_unambiguous_and_present(path: Path, articles: dict[str, Article]):
    gold, text = _gold(path), articles[path.stem].text
    seen: dict[str, str] = {}
    for e in gold["entities"]:
        for s in [e["name"], *e["aliases"]]:
            assert seen.setdefault(s, e["name"]) == e["name"], f"{s!r} names two entities"
            assert s in text, f"{path.name}: {s!r} does not occur in the text"


@pytest.mark.parametrize("path", GOLD_ARTICLES, ids=lambda p: p.name)
def test_relations_name_gold_entities_and_fit_signatures(path: Path):
    gold = _gold(path)
    surfaces = _surfaces(gold)
    for r in gold["relations"]:
        src, tgt = surfaces.get(r["source"]), surfaces.get(r["target"])
        assert src is not None and tgt is not None, f"{path.name}: unknown endpoint in {r}"
        assert src is not tgt, r
        if r["type"] == "OTHER" or "Other" in (src["type"], tgt["type"]):
            continue
        allowed_src, allowed_tgt = SIGNATURES[RelationType(r["type"])]
        assert EntityType(src["type"]) in allowed_src and EntityType(tgt["type"]) in allowed_tgt, r


@pytest.mark.parametrize("path", GOLD_ARTICLES, ids=lambda p: p.name)
def test_evidence_is_exact_substring_of_one_paragraph(path: Path, articles: dict[str, Article]):
    text = articles[path.stem].text
    for r in _gold(path)["relations"]:
        ev = r["evidence"]
        assert ev and ev in text, f"{path.name}: evidence not in plain text: {ev[:40]}"
        assert "\n" not in ev, ev


@pytest.mark.parametrize("path", GOLD_ARTICLES, ids=lambda p: p.name)
def test_properties_are_normalised(path: Path, articles: dict[str, Article]):
    article_date = articles[path.stem].date[:10]
    for r in _gold(path)["relations"]:
        p = r["properties"]
        if "date" in p:
            assert ISO_PREFIX.match(p["date"]), r
            # relative dates (去年8月, 上月) are resolved against the article date: never after it
            assert p["date"] <= article_date, r
        if "amount" in p:
            assert isinstance(p["amount"], int) and p["amount"] > 0, r
            assert p["currency"] in {"CNY", "USD", "HKD", "EUR"} and p["amount_text"] in r["evidence"], r
        if "stake" in p:
            assert p["stake"].endswith("%"), r
        if "agreement" in p:
            assert p["agreement"] in r["evidence"], r
        if "role" in p:
            # an executive's title as written; a lender's role in a syndicate is one of two labels
            assert (
                p["role"] in r["evidence"]
                if r["type"] == "EXECUTIVE_OF"
                else p["role"] in {"牵头行", "成员行"}
            ), r


@pytest.mark.parametrize("path", GOLD_ARTICLES, ids=lambda p: p.name)
def test_symmetric_relations_once_per_pair(path: Path):
    seen = set()
    surfaces = _surfaces(_gold(path))
    for r in _gold(path)["relations"]:
        if r["type"] == "OTHER":
            continue
        a, b = surfaces[r["source"]]["name"], surfaces[r["target"]]["name"]
        key = (r["type"], frozenset((a, b))) if RelationType(r["type"]) in SYMMETRIC else (r["type"], a, b)
        assert key not in seen, f"{path.name}: duplicate {r['type']} {a} / {b}"
        seen.add(key)


def test_demo_centre_pingan_subsidiary_and_lingang_agreement():
    """`kg show 中国平安` must find a subsidiary and the agreement with the Lingang committee."""
    gold = _gold(ARTICLES / "pingan_lingang_opening.md")
    surfaces = _surfaces(gold)
    assert surfaces["中国平安"]["name"] == "中国平安集团"
    facts = {
        (surfaces[r["source"]]["name"], r["type"], surfaces[r["target"]]["name"]) for r in gold["relations"]
    }
    assert ("平安直通咨询有限公司", "SUBSIDIARY_OF", "中国平安集团") in facts
    assert ("临港新片区管委会", "SIGNED_AGREEMENT_WITH", "中国平安集团") in facts
    # the tricky negative: 平安银行 is its own entity, never an alias of 中国平安
    assert surfaces["平安银行"]["name"] != "中国平安集团"


def test_organisations_appear_under_several_names_across_articles():
    names_of_pingan = set()
    names_of_lingang = set()
    for path in GOLD_ARTICLES:
        for e in _gold(path)["entities"]:
            forms = {e["name"], *e["aliases"]}
            if "中国平安" in forms:
                names_of_pingan.add(e["name"])
            if "临港新片区" in forms:
                names_of_lingang.add(e["name"])
    assert names_of_pingan == {"中国平安集团", "中国平安保险(集团)股份有限公司"}
    assert names_of_lingang == {"上海临港新片区", "上海自贸区临港新片区"}


def test_bylines_are_not_people():
    gold = _gold(ARTICLES / "boc_sichuan_chengdu_agreement.md")
    people = {e["name"] for e in gold["entities"] if e["type"] == "Person"}
    assert "刘文斌" in people and not people & {"赵敏", "孙悦", "黄涛"}


def test_wire_jsonl_holds_two_articles():
    got = list(read_articles([ARTICLES / "wire.jsonl"]))
    assert all(isinstance(a, Article) for a in got), got
    assert [a.date for a in got] == ["2024-03-08", "2024-03-11"]
    assert all(a.url and a.url.startswith("https://wire.example.com/") for a in got)
