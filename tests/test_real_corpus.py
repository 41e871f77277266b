"""The extractor on the real articles of ../shared/corpus, per set, against fixed floors.

The sets: `dev` (6 articles), `dev-wide` (20 articles from 20 sites) and the two fixed halves of both
(tests/data/real_halves.json) used by the generalisation protocol (README "Extraction quality"): the
extractor was developed on half A with half B unread, B was then measured (first contact), and the roles
swapped. The floors sit below today's figures; never lower a floor (raise it when the extractor improves).
"""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path

import pytest

from kg.evaluate import EvalReport, evaluate
from kg.extract import extract_article
from kg.ingest import read_article

ROOT = Path(__file__).resolve().parent.parent
HALVES = json.loads((ROOT / "tests" / "data" / "real_halves.json").read_text(encoding="utf-8"))

# (entity F1, relation F1) floors; measured with extractor version 9: dev 0.938/0.946, dev-wide 0.952/0.915,
# A 0.963/0.914, B 0.932/0.933
FLOORS = {
    "dev": (0.92, 0.92),
    "dev-wide": (0.93, 0.89),
    "A": (0.94, 0.89),
    "B": (0.91, 0.91),
}


def _members(corpus: Path, name: str) -> list[str]:
    if name in HALVES:
        return HALVES[name]
    return sorted(f"{name}/{p.stem}" for p in (corpus / name / "articles").glob("*.md"))


@cache
def _report(corpus_dir: str, name: str, tmp: str) -> EvalReport:
    corpus = Path(corpus_dir)
    gold_dir = Path(tmp) / name
    gold_dir.mkdir(parents=True, exist_ok=True)
    items = []
    for member in _members(corpus, name):
        sub, stem = member.split("/")
        shutil.copy(corpus / sub / "gold" / f"{stem}.json", gold_dir / f"{stem}.json")
        article = read_article(corpus / sub / "articles" / f"{stem}.md")
        items.append((extract_article(article), article.text))
    return evaluate(gold_dir, items)


@pytest.fixture(scope="module")
def corpus(dev_corpus: Path) -> Path:
    wide = dev_corpus.parent / "dev-wide"
    if not (wide / "gold").is_dir():
        pytest.skip(f"shared dev-wide corpus not found at {wide}")
    return dev_corpus.parent


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_real_set_meets_its_floors(
    name: str, corpus: Path, tmp_path_factory: pytest.TempPathFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _report(str(corpus), name, str(tmp_path_factory.getbasetemp() / "real-gold"))
    ent_floor, rel_floor = FLOORS[name]
    with capsys.disabled():
        print(
            f"\n{name}: entity F1 {report.entities.f1:.3f} (floor {ent_floor}), "
            f"relation F1 {report.relations.f1:.3f} (floor {rel_floor}), "
            f"evidence {report.evidence.exact}/{report.evidence.total}"
        )
    assert report.articles == len(_members(corpus, name))
    assert report.entities.f1 >= ent_floor, report.entities
    assert report.relations.f1 >= rel_floor, report.relations
    assert report.evidence.total > 0 and report.evidence.exact == report.evidence.total


def test_the_halves_split_the_real_articles_once(corpus: Path) -> None:
    every = set(_members(corpus, "dev")) | set(_members(corpus, "dev-wide"))
    a, b = set(HALVES["A"]), set(HALVES["B"])
    assert a | b == every and not a & b and abs(len(a) - len(b)) <= 1
