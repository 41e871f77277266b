"""The held-out set (tests/data/heldout): gold well-formedness, then the real extractor's honest score.

These 14 articles were written for this project and never used to tune the extractor (see
tests/data/heldout/README.md). The floors below are the project's acceptance bar; do not lower them
to get green, and do not tune the extractor on these files.
"""

from __future__ import annotations

import functools
import json
import re
from itertools import combinations
from pathlib import Path

import pytest

from kg.evaluate import EvalReport, Scores, evaluate, evaluate_paths, load_gold
from kg.evaluate.gold import extraction_from_gold
from kg.ingest import read_article
from kg.ontology import RELATION_PROPERTY_KEYS, SIGNATURES, SYMMETRIC, EntityType, RelationType

HELDOUT = Path(__file__).resolve().parent / "data" / "heldout"
ARTICLES = HELDOUT / "articles"
GOLD = HELDOUT / "gold"

ENTITY_F1_FLOOR = 0.80
RELATION_F1_FLOOR = 0.60

ENTITY_TYPES = {t.value for t in EntityType} | {"Other"}
RELATION_TYPES = {t.value for t in RelationType} | {"OTHER"}
SYMMETRIC_NAMES = {t.value for t in SYMMETRIC}
CURRENCIES = {"CNY", "USD", "EUR", "HKD"}
ISO_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
FRONT_MATTER = re.compile(
    r"^---\nlayout: post\ntitle: \"[^\"\n]+\"\ndate: \d{4}-\d{2}-\d{2}[^\n]*\n"
    r"categories: [^\n]+\ntags: [^\n]+\n---\n(<p>.+</p>)\n$",
    re.DOTALL,
)
# a byline: reporter, correspondent, editor (names follow) or photographer (name precedes 摄)
BYLINE_BEFORE = re.compile(r"(?:记者|通讯员|编辑|责任编辑|作者|审核|审校)[：:\s]*$")
BYLINE_AFTER = re.compile(r"^\s*摄")

NAMES = sorted(p.stem for p in ARTICLES.glob("*.md"))


def raw_gold(name: str) -> dict:
    return json.loads((GOLD / f"{name}.json").read_text(encoding="utf-8"))


def article_text(name: str) -> str:
    return read_article(ARTICLES / f"{name}.md").text


def test_fourteen_articles_each_with_exactly_one_gold_file() -> None:
    assert len(NAMES) == 14
    assert NAMES == sorted(p.stem for p in GOLD.glob("*.json"))


@pytest.mark.parametrize("name", NAMES)
def test_article_is_in_the_seed_format(name: str) -> None:
    """Jekyll front matter (title/date/categories/tags) and a one-line body of <p> paragraphs."""
    raw = (ARTICLES / f"{name}.md").read_text(encoding="utf-8")
    m = FRONT_MATTER.match(raw)
    assert m, f"{name}: not in the seed's front matter + one-line <p> body format"
    assert "\n" not in m.group(1)
    article = read_article(ARTICLES / f"{name}.md")
    assert article.title and ISO_PREFIX.match(article.date or "")
    assert 600 <= len(article.text) <= 3000, f"{name}: {len(article.text)} characters of plain text"


@pytest.mark.parametrize("name", NAMES)
def test_gold_is_well_formed(name: str) -> None:
    gold = load_gold(GOLD / f"{name}.json")  # pydantic shape, endpoints resolvable
    raw = raw_gold(name)
    text = article_text(name)
    date = read_article(ARTICLES / f"{name}.md").date
    types: dict[str, str] = {}
    for e in raw["entities"]:
        assert e["type"] in ENTITY_TYPES, f"{name}: entity type {e['type']}"
        for form in (e["name"], *e["aliases"]):
            assert form in text, f"{name}: surface form {form!r} is not in the article text"
            assert form not in types, f"{name}: surface form {form!r} names two gold entities"
            types[form] = e["type"]
    seen_symmetric: set[tuple[str, frozenset[str]]] = set()
    for i, r in enumerate(raw["relations"]):
        where = f"{name}: relations.{i} {r['source']} -{r['type']}-> {r['target']}"
        assert r["type"] in RELATION_TYPES, where
        assert r["source"] in types and r["target"] in types, f"{where}: endpoint is not a gold name/alias"
        assert r["evidence"] and r["evidence"] in text, f"{where}: evidence is not a substring of the text"
        assert set(r["properties"]) <= set(RELATION_PROPERTY_KEYS), f"{where}: {sorted(r['properties'])}"
        props = r["properties"]
        if "amount" in props:
            assert isinstance(props["amount"], int) and props["amount"] > 0, where
            assert props["currency"] in CURRENCIES and props["amount_text"] in text, where
        if "date" in props:
            assert ISO_PREFIX.match(props["date"]) and props["date"] <= date, f"{where}: date {props['date']}"
        if r["type"] in ("OTHER", "ATTENDED"):
            continue
        src_types, dst_types = SIGNATURES[RelationType(r["type"])]
        assert types[r["source"]] in {t.value for t in src_types}, (
            f"{where}: source type {types[r['source']]}"
        )
        assert types[r["target"]] in {t.value for t in dst_types}, (
            f"{where}: target type {types[r['target']]}"
        )
        if r["type"] in SYMMETRIC_NAMES:
            ends = frozenset(gold.entities[gold.entity_index(x)].name for x in (r["source"], r["target"]))
            assert (r["type"], ends) not in seen_symmetric, f"{where}: symmetric pair annotated twice"
            seen_symmetric.add((r["type"], ends))


@pytest.mark.parametrize("name", NAMES)
def test_bylines_are_not_annotated_as_persons(name: str) -> None:
    text = article_text(name)
    for e in raw_gold(name)["entities"]:
        if e["type"] != "Person":
            continue
        for m in re.finditer(re.escape(e["name"]), text):
            before, after = text[max(0, m.start() - 6) : m.start()], text[m.end() : m.end() + 3]
            assert not BYLINE_BEFORE.search(before) and not BYLINE_AFTER.match(after), (
                f"{name}: {e['name']} is a byline"
            )


def test_the_set_covers_every_scored_relation_type_and_source_style() -> None:
    counts: dict[str, int] = {}
    for name in NAMES:
        for r in raw_gold(name)["relations"]:
            counts[r["type"]] = counts.get(r["type"], 0) + 1
    scored = {t.value for t in RelationType} - {"ATTENDED", "BRANCH_OF"}  # BRANCH_OF is derived
    assert {t for t in scored if counts.get(t, 0) >= 2} == scored, counts
    with_byline = [n for n in NAMES if re.search(r"(记者|通讯员|编辑)[ ：:]", article_text(n))]
    assert len(with_byline) >= 5


def test_gold_derived_extraction_scores_perfectly() -> None:
    """The scorer and the gold agree: a perfect extractor would get 1.0 everywhere."""
    items = []
    for name in NAMES:
        article = read_article(ARTICLES / f"{name}.md")
        items.append((extraction_from_gold(article, load_gold(GOLD / f"{name}.json"), name), article.text))
    report = evaluate(GOLD, items)
    assert report.articles == 14
    assert report.entities.f1 == report.relations.f1 == 1.0
    assert report.evidence.share == 1.0


def _row(label: str, s: Scores) -> str:
    return f"{label:<26}{s.tp:>5}{s.fp:>5}{s.fn:>5}{s.precision:>8.1%}{s.recall:>8.1%}{s.f1:>8.1%}"


def format_report(report: EvalReport) -> str:
    lines = [
        f"held-out set: {report.articles} articles",
        f"{'scope':<26}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}",
        _row("entities", report.entities),
    ]
    lines += [_row(f"  {t}", s) for t, s in report.entities_by_type.items()]
    lines.append(_row("relations", report.relations))
    lines += [_row(f"  {t}", s) for t, s in report.relations_by_type.items()]
    lines.append(f"evidence exact: {report.evidence.exact}/{report.evidence.total}")
    return "\n".join(lines)


@functools.cache
def extractor_report() -> EvalReport:
    """The real extractor (kg's default) run on the held-out articles, scored once per session.

    A cached function rather than a fixture, so a failing floor shows one line, not the whole report.
    """
    report = evaluate_paths(GOLD, [ARTICLES])
    print("\n" + format_report(report))
    return report


def test_every_heldout_article_is_extracted_and_scored() -> None:
    report = extractor_report()
    assert report.failed == [] and report.missing_gold == []
    assert report.articles == 14


def test_entity_f1_meets_the_floor() -> None:
    f1 = extractor_report().entities.f1
    assert f1 >= ENTITY_F1_FLOOR, (
        f"held-out entity F1 {f1:.4f} is below the floor {ENTITY_F1_FLOOR}\n{format_report(extractor_report())}"
    )


def test_relation_f1_meets_the_floor() -> None:
    f1 = extractor_report().relations.f1
    assert f1 >= RELATION_F1_FLOOR, (
        f"held-out relation F1 {f1:.4f} is below the floor {RELATION_F1_FLOOR}\n{format_report(extractor_report())}"
    )


def test_every_evidence_is_exact() -> None:
    evidence = extractor_report().evidence
    assert evidence.total > 0
    assert evidence.share == 1.0, f"evidence exactness {evidence.exact}/{evidence.total} on the held-out set"


def test_symmetric_pairs_are_not_repeated_within_one_agreement() -> None:
    """A coordinated list of N parties gives N*(N-1)/2 symmetric relations, each pair once."""
    gold = raw_gold("h03_hydrogen_jv")
    jv = [r for r in gold["relations"] if r["type"] == "JOINT_VENTURE_WITH"]
    parties = {x for r in jv for x in (r["source"], r["target"])}
    assert len(parties) == 4
    assert {frozenset((r["source"], r["target"])) for r in jv} == {
        frozenset(p) for p in combinations(sorted(parties), 2)
    }
