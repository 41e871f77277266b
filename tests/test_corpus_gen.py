"""The synthetic corpus generator (benchmarks/make_corpus.py): reproducible, sharded, and its gold exact
against the plain text the reader produces."""

from __future__ import annotations

import collections
import hashlib
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kg.ingest import read_article
from kg.ontology import DERIVED, RELATION_PROPERTY_KEYS, SIGNATURES, SYMMETRIC, EntityType, RelationType

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "make_corpus.py"
ISO_PREFIX = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")


def _load():
    spec = importlib.util.spec_from_file_location("make_corpus", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


mc = _load()


def _run(*args: str, hashseed: str = "0") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    cmd = [sys.executable, str(SCRIPT), *args]
    return subprocess.run(cmd, check=False, capture_output=True, text=True, env=env)


def _tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> list[tuple[str, object, dict]]:
    """300 generated articles read back through the real reader: (name, Article, gold)."""
    d = tmp_path_factory.mktemp("gen")
    out = []
    for name, text, gold in mc.generate_articles(300, 11):
        p = d / f"{name}.md"
        p.write_text(text, encoding="utf-8")
        out.append((name, read_article(p), gold))
    return out


def test_cli_writes_shards_and_is_byte_identical_across_runs(tmp_path: Path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    r = _run("25", str(a), "--seed", "3", "--shard-size", "10", hashseed="1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"wrote 25 articles in 3 shard(s) to {a}: ")
    assert _run("25", str(b), "--seed", "3", "--shard-size", "10", hashseed="2").returncode == 0
    assert _run("25", str(c), "--seed", "4", "--shard-size", "10").returncode == 0
    digest = _tree_digest(a)
    assert digest == _tree_digest(b)
    assert digest != _tree_digest(c)
    articles = sorted(p.relative_to(a / "articles") for p in (a / "articles").rglob("*.md"))
    golds = sorted(p.relative_to(a / "gold") for p in (a / "gold").rglob("*.json"))
    assert len(articles) == 25 and [p.with_suffix(".json") for p in articles] == golds
    assert collections.Counter(p.parent.name for p in articles) == {"000": 10, "001": 10, "002": 5}


def test_cli_rejects_bad_counts(tmp_path: Path):
    r = _run("0", str(tmp_path / "x"))
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[-1].endswith("error: N and --shard-size must be positive")
    f = tmp_path / "file"
    f.write_text("x")
    r = _run("3", str(f))
    assert r.returncode == 2 and r.stderr.strip().endswith(f"error: {f}: exists and is not a directory")


def test_generator_is_reproducible_and_prefix_stable():
    first = list(mc.generate_articles(12, 5))
    assert first == list(mc.generate_articles(12, 5))
    assert first[:4] == list(mc.generate_articles(4, 5))
    assert first != list(mc.generate_articles(12, 6))
    assert len({name for name, _, _ in first}) == 12


def test_articles_are_seed_format_with_title_and_date(sample):
    for name, article, _ in sample:
        assert article.title and ISO_PREFIX.match(article.date[:10]), name
        assert "<" not in article.text and "&nbsp;" not in article.text and "&amp;" not in article.text
    sizes = [len(a.text.encode("utf-8")) for _, a, _ in sample]
    assert 2500 <= sum(sizes) / len(sizes) <= 6000  # seed-sized on average
    assert min(sizes) < 2500 and max(sizes) > 5000  # and varied


def test_gold_shape_types_and_signatures(sample):
    entity_types = {t.value for t in EntityType}
    for name, _, gold in sample:
        surfaces: dict[str, dict] = {}
        for e in gold["entities"]:
            assert set(e) == {"name", "aliases", "type"} and e["type"] in entity_types, (name, e)
            for s in [e["name"], *e["aliases"]]:
                assert surfaces.setdefault(s, e) is e, f"{name}: {s!r} names two entities"
        for r in gold["relations"]:
            assert set(r) == {"source", "type", "target", "evidence", "properties"}, (name, r)
            assert set(r["properties"]) <= set(RELATION_PROPERTY_KEYS), (name, r)
            src, tgt = surfaces[r["source"]], surfaces[r["target"]]
            assert r["source"] == src["name"] and r["target"] == tgt["name"] and src is not tgt
            allowed_src, allowed_tgt = SIGNATURES[RelationType(r["type"])]
            assert EntityType(src["type"]) in allowed_src and EntityType(tgt["type"]) in allowed_tgt, (
                name,
                r,
            )


def test_gold_is_exact_against_the_reader(sample):
    for name, article, gold in sample:
        text = article.text
        for e in gold["entities"]:
            for s in [e["name"], *e["aliases"]]:
                assert s in text, f"{name}: {s!r} not in text"
        for r in gold["relations"]:
            assert r["evidence"] in text and "\n" not in r["evidence"], (name, r["evidence"])
            p = r["properties"]
            if "date" in p:
                assert ISO_PREFIX.match(p["date"]) and p["date"] <= article.date[:10], (name, r)
            if "amount" in p:
                assert isinstance(p["amount"], int) and p["amount"] > 0 and p["amount_text"] in r["evidence"]
            for key in ("stake", "agreement"):
                if key in p and p[key] != "100%":  # 全资 states 100% without the figure
                    assert p[key].lstrip("约") in r["evidence"], (name, r)


def test_symmetric_relations_once_per_pair(sample):
    for name, _, gold in sample:
        keys = [
            (r["type"], frozenset((r["source"], r["target"])))
            if RelationType(r["type"]) in SYMMETRIC
            else (r["type"], r["source"], r["target"])
            for r in gold["relations"]
        ]
        assert len(keys) == len(set(keys)), name


def test_every_relation_type_and_currency_occurs(sample):
    types = collections.Counter(r["type"] for _, _, g in sample for r in g["relations"])
    assert set(types) == {t.value for t in RelationType if t not in DERIVED}
    currencies = {r["properties"].get("currency") for _, _, g in sample for r in g["relations"]}
    assert {"CNY", "USD", "HKD", "EUR"} <= currencies
    relative = {"去年", "今年", "上月"}
    assert all(any(w in r["evidence"] for _, _, g in sample for r in g["relations"]) for w in relative)


def test_entities_recur_across_articles(sample):
    counts = collections.Counter(
        e["name"] for _, _, g in sample for e in g["entities"] if e["type"] != "Event"
    )
    assert counts.most_common(1)[0][1] >= 10
    assert sum(1 for c in counts.values() if c >= 2) >= 100
    # one organisation under several full names across articles
    assert {"中国平安保险(集团)股份有限公司", "中国平安集团"} <= set(counts)


def test_noise_and_bylines_are_not_annotated(sample):
    noisy = [(a, g) for _, a, g in sample if "责任编辑：" in a.text]
    assert len(noisy) >= 30
    for article, gold in noisy:
        people = {e["name"] for e in gold["entities"] if e["type"] == "Person"}
        editor = re.search(r"责任编辑：(\S+)", article.text).group(1)
        assert editor not in people
    assert any("," in a.text and "，" in a.text for _, a, _ in sample)  # mixed punctuation


@pytest.mark.parametrize(
    ("wan", "text"),
    [(25500, "2.55亿元"), (9000, "9000万元"), (10000, "1亿元"), (12300, "1.23亿元"), (10050, "10050万元")],
)
def test_amount_text(wan: int, text: str):
    assert mc.wan_text(wan) == text
