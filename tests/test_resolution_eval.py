"""Resolution measured on real data: pairwise merge precision/recall over the gold entities found.

The scorer extracts with the *current* extractor at run time (its output changes as the extractor
improves), so the floors are modest; the gold-extraction run measures resolution alone and must be right.
Labels: shared/corpus/resolution.json plus kg's own tests/data/resolution_extra.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import GoldError
from kg.evaluate.resolution import Labels, _score, read_labels, score_resolution

ROOT = Path(__file__).resolve().parent.parent
PROJECT_SETS = [
    ROOT / "examples",
    ROOT / "tests/data/heldout",
    ROOT / "tests/data/blind",
    ROOT / "tests/data/blind2",
]
EXTRA = ROOT / "tests/data/resolution_extra.json"
GOLD = "test_build_helpers:gold_extract"


@pytest.fixture(scope="module")
def corpora(dev_corpus: Path) -> list[Path]:
    return [dev_corpus, dev_corpus.parent / "dev-wide", *PROJECT_SETS]


@pytest.fixture(scope="module")
def labels(dev_corpus: Path) -> list[Path]:
    return [dev_corpus.parent / "resolution.json", EXTRA]


def test_resolution_with_the_current_extractor(corpora: list[Path], labels: list[Path]) -> None:
    report = score_resolution(corpora, labels)
    print(
        f"\nresolution, current extractor: precision {report.precision}, recall {report.recall} "
        f"({report.found} of {report.gold_entities} gold entities found, {report.true_pairs} true pairs)"
    )
    assert report.articles == 75 and report.true_pairs >= 150
    assert report.precision >= 0.97 and report.recall >= 0.96
    assert report.negatives_apart == report.negatives_found


def test_resolution_alone_on_gold_names_is_right(corpora: list[Path], labels: list[Path]) -> None:
    report = score_resolution(corpora, labels, extractor=GOLD)
    assert report.found == report.gold_entities
    assert (report.precision, report.recall) == (1.0, 1.0), (report.false_merges, report.missed_merges)
    assert all(c.right for c in report.clusters)
    assert report.negatives_apart == report.negatives_found == 41


def test_the_shared_clusters_are_all_right(dev_corpus: Path) -> None:
    shared = dev_corpus.parent / "resolution.json"
    for extractor in (None, GOLD):
        report = score_resolution([dev_corpus, dev_corpus.parent / "dev-wide"], [shared], extractor=extractor)
        assert len(report.clusters) == 6 or extractor is None  # a cluster extraction misses is not scored
        assert all(c.right for c in report.clusters), report.clusters
        assert report.precision == 1.0


def test_pairwise_counts_on_a_small_case() -> None:
    """Truth {A1,A2,A3} and {B}; predicted {A1,A2}, {A3,B}: 1 of 2 predicted pairs right, 1 of 3 found."""
    found = {
        ("a", "甲"): ("n1", "Company"),
        ("b", "甲"): ("n1", "Company"),
        ("c", "甲"): ("n2", "Company"),
        ("c", "乙"): ("n2", "Company"),
    }
    labels = Labels({("a", "甲"): "A", ("b", "甲"): "A", ("c", "甲"): "A"}, [(("c", "甲"), ("c", "乙"))])
    r = _score(found, labels, gold_total=5, articles=3, max_listed=10)
    assert (r.true_pairs, r.predicted_pairs, r.correct_pairs) == (3, 2, 1)
    assert (r.precision, r.recall) == (0.5, 0.3333)
    assert [(p.a, p.b) for p in r.false_merges] == [(("c", "乙"), ("c", "甲"))]
    assert len(r.missed_merges) == 2
    assert (r.negatives_found, r.negatives_apart) == (1, 0)
    (cluster,) = r.clusters
    assert (cluster.found, cluster.nodes, cluster.intruders) == (3, 2, [("c", "乙")])


def test_label_files_join_clusters_and_fail_on_one_line(tmp_path: Path) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({"clusters": [{"label": "x", "members": [["s1", "甲"], ["s2", "甲"]]}]}), "utf-8")
    b.write_text(json.dumps({"clusters": [{"label": "y", "members": [["s2", "甲"], ["s3", "甲"]]}]}), "utf-8")
    got = read_labels([a, b])
    assert len(set(got.cluster_of.values())) == 1 and len(got.cluster_of) == 3
    bad = tmp_path / "bad.json"
    bad.write_text('{"clusters": [{"members": [["s1"]]}]}', "utf-8")
    with pytest.raises(GoldError) as err:
        read_labels([bad])
    assert str(err.value) == f"{bad}: clusters[1]: members must be a list of [article stem, gold name]"


def test_a_label_naming_no_gold_entity_is_an_error(dev_corpus: Path, tmp_path: Path) -> None:
    f = tmp_path / "labels.json"
    f.write_text(
        json.dumps(
            {"clusters": [{"members": [["000_seed", "不存在"], ["001_qingpu_shanghai_bank", "上海银行"]]}]}
        )
    )
    with pytest.raises(GoldError) as err:
        score_resolution([dev_corpus], [f], extractor=GOLD)
    assert str(err.value) == "label [000_seed, 不存在]: no gold entity of that name in 000_seed"


def test_cli_prints_the_figures_and_details(dev_corpus: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "eval-resolution",
            str(dev_corpus),
            str(dev_corpus.parent / "dev-wide"),
            "--labels",
            str(dev_corpus.parent / "resolution.json"),
            "--extractor",
            GOLD,
            "--details",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "resolution over 26 articles: 325 of 325 gold entities found by extraction",
        (
            "pairwise merge precision 1.0000, recall 1.0000, F1 1.0000 (10 of 10 predicted pairs right, "
            "10 of 10 true pairs found)"
        ),
        "labelled clusters right: 6 of 6; look-alikes kept apart: 0 of 0",
    ]
    bad = CliRunner().invoke(app, ["eval-resolution", str(dev_corpus / "articles")])
    assert bad.exit_code == 1
    assert (
        bad.stderr
        == f"Error: {dev_corpus / 'articles'}: expected a corpus directory with articles/ and gold/\n"
    )
