"""Entity resolution: labelled merge pairs over real gold names, hard pairs, guards, order independence."""

from __future__ import annotations

import itertools
import json
import random
from pathlib import Path

import pytest

from kg.errors import ResolveError
from kg.resolve import EntityRecord, name_key, normalize_form, read_aliases, resolve_entities

# Manual truth labels for cross-article identity where the names differ (the rest: same type + same name).
SAME_ENTITY = [
    ("Company", ["中国平安集团", "中国平安保险(集团)股份有限公司", "中国平安", "平安集团"]),
    ("Company", ["上海临港经济发展(集团)有限公司", "临港集团"]),
    ("Region", ["上海临港新片区", "上海自贸区临港新片区", "临港新片区"]),
    ("Bank", ["平安银行", "平安银行股份有限公司"]),
    ("Bank", ["工商银行", "中国工商银行", "工行"]),
    ("Bank", ["农业银行", "中国农业银行", "农行"]),
    ("Bank", ["建设银行", "中国建设银行", "建行"]),
    ("Bank", ["交通银行", "交行"]),
    ("Bank", ["中国银行", "中行"]),
    ("Bank", ["中国进出口银行", "进出口银行"]),
    ("Bank", ["国家开发银行", "国开行"]),
    ("Bank", ["中国银行四川省分行", "中国银行四川分行"]),
    ("Region", ["江苏省", "江苏"]),
]
# Hard pairs of our own, each name in its own pseudo-article: (type, name, in-article aliases).
HARD_RECORDS = [
    ("Company", "中国平安", ()),
    ("Company", "平安集团", ()),
    ("Company", "中国平安集团", ()),
    ("Company", "中国平安保险(集团)股份有限公司", ()),
    ("Company", "平安银行", ()),
    ("Region", "临港新片区", ()),
    ("Region", "上海临港新片区", ()),
    ("Region", "上海自贸区临港新片区", ()),
    ("Bank", "工行", ()),
    ("Bank", "工商银行", ()),
    ("Bank", "中国工商银行", ()),
    ("Bank", "农行", ()),
    ("Bank", "中国农业银行", ()),
    ("Bank", "建行", ()),
    ("Bank", "中国建设银行", ()),
    ("Bank", "交行", ()),
    ("Bank", "交通银行", ()),
    ("Bank", "中行", ()),
    ("Bank", "中国银行", ()),
    ("Bank", "进出口银行", ()),
    ("Bank", "中国进出口银行", ()),
    ("Bank", "国开行", ()),
    ("Bank", "国家开发银行", ()),
    ("Bank", "工商银行上海新片区分行", ("工行",)),  # a sloppy alias must not merge a branch with its parent
    ("Bank", "中国银行四川省分行", ()),
    ("Bank", "中国银行四川分行", ()),
    ("Bank", "中国银行江苏省分行", ()),
    ("Bank", "平安银行", ()),
    ("Bank", "平安银行上海分行", ()),
    ("Company", "上海城投集团", ()),
    ("Company", "北京城投集团", ()),
    ("Company", "城投集团", ()),
    ("GovernmentBody", "宿迁经开区管委会", ("管委会",)),
    ("GovernmentBody", "临港新片区管委会", ("管委会",)),
    ("Region", "江苏", ()),
]


def _truth(etype: str, name: str, article: str) -> tuple:
    form = normalize_form(name)
    if etype == "Event":
        return (etype, form, article)  # a ceremony is an event of its article
    for t, names in SAME_ENTITY:
        if t == etype and form in {normalize_form(n) for n in names}:
            return (etype, normalize_form(names[0]))
    return (etype, form)


def _gold_records(dirs: list[Path]) -> list[EntityRecord]:
    records = []
    for d in dirs:
        for f in sorted(d.glob("*.json")):
            for e in json.loads(f.read_text(encoding="utf-8"))["entities"]:
                if e["type"] != "Other":
                    records.append(
                        EntityRecord(e["type"], e["name"], tuple(e.get("aliases", [])), f"{d}/{f.stem}")
                    )
    return records


def _pair_scores(records: list[EntityRecord]) -> tuple[float, float, list, list]:
    res = resolve_entities(records)
    pred = [res.entity_id(r.type, r.name, r.article_id) for r in records]
    true = [_truth(r.type, r.name, r.article_id) for r in records]
    tp = fp = fn = 0
    false_merges, missed = [], []
    for i, j in itertools.combinations(range(len(records)), 2):
        if records[i].article_id == records[j].article_id and true[i] == true[j]:
            continue  # duplicate record inside one article: not a resolution decision
        same_pred, same_true = pred[i] == pred[j], true[i] == true[j]
        tp += same_pred and same_true
        if same_pred and not same_true:
            fp += 1
            false_merges.append((records[i].name, records[j].name))
        if same_true and not same_pred:
            fn += 1
            missed.append((records[i].name, records[j].name))
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, false_merges, missed


def test_pairwise_merge_precision_and_recall(dev_corpus: Path, examples_dir: Path) -> None:
    dirs = [dev_corpus / "gold"] + ([examples_dir / "gold"] if (examples_dir / "gold").is_dir() else [])
    records = _gold_records(dirs)
    records += [EntityRecord(t, n, a, f"hard/{i}") for i, (t, n, a) in enumerate(HARD_RECORDS)]
    precision, recall, false_merges, missed = _pair_scores(records)
    print(
        f"\nresolution over {len(records)} records: pairwise precision {precision:.3f}, recall {recall:.3f}"
    )
    assert false_merges == []
    assert precision == 1.0
    assert recall >= 0.95, missed


@pytest.mark.parametrize(
    ("etype", "forms"),
    [
        (
            "Company",
            [
                "中国平安",
                "平安集团",
                "中国平安集团",
                "中国平安保险(集团)股份有限公司",
                "中国平安保险（集团）股份有限公司",
            ],
        ),
        ("Region", ["临港新片区", "上海临港新片区", "上海自贸区临港新片区"]),
        ("Bank", ["工行", "工商银行", "中国工商银行"]),
        ("Bank", ["进出口银行", "中国进出口银行"]),
        ("Bank", ["中国进出口银行广西分行", "进出口银行广西分行"]),
    ],
)
def test_required_merges(etype: str, forms: list[str]) -> None:
    res = resolve_entities([EntityRecord(etype, f, (), f"a{i}") for i, f in enumerate(forms)])
    assert len(res.clusters) == 1
    assert sorted([res.clusters[0].name, *res.clusters[0].aliases]) == sorted(
        {normalize_form(f) for f in forms}
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Bank", "平安银行"), ("Company", "中国平安")),
        (("Company", "平安银行"), ("Company", "平安集团")),
        (("Bank", "工商银行"), ("Bank", "工商银行上海新片区分行")),
        (("Bank", "中国银行"), ("Bank", "中国银行四川省分行")),
        (("Bank", "中国银行四川省分行"), ("Bank", "中国银行江苏省分行")),
        (("Bank", "中国银行"), ("Bank", "中国银行(香港)有限公司")),
        (("Company", "云帆智能(上海)有限公司"), ("Company", "深圳市云帆智能科技股份有限公司")),
        (("Company", "平安科技有限公司"), ("Company", "中国平安")),
        (("Company", "上海城投集团"), ("Company", "城投兴港集团")),
        (("Region", "临港"), ("Company", "临港集团")),
    ],
)
def test_false_merge_guards(a: tuple[str, str], b: tuple[str, str]) -> None:
    res = resolve_entities([EntityRecord(a[0], a[1], (), "x"), EntityRecord(b[0], b[1], (), "y")])
    assert res.entity_id(*a, "x") != res.entity_id(*b, "y")


def test_branch_alias_never_joins_parent_or_sibling() -> None:
    recs = [
        EntityRecord("Bank", "工商银行上海新片区分行", ("工行",), "a1"),
        EntityRecord("Bank", "工行", (), "a2"),
        EntityRecord("Bank", "中国银行四川省分行", ("中国银行江苏省分行",), "a3"),
    ]
    res = resolve_entities(recs)
    ids = {res.entity_id(r.type, r.name, r.article_id) for r in recs}
    assert len(ids) == 3


def test_place_prefix_only_when_unambiguous() -> None:
    one = resolve_entities(
        [
            EntityRecord("Company", "上海城投兴港集团", (), "a"),
            EntityRecord("Company", "城投兴港集团", (), "b"),
        ]
    )
    assert len(one.clusters) == 1
    two = resolve_entities(
        [
            EntityRecord("Company", "上海城投兴港集团", (), "a"),
            EntityRecord("Company", "城投兴港集团", (), "b"),
            EntityRecord("Company", "北京城投兴港集团", (), "c"),
        ]
    )
    assert len(two.clusters) == 3


def test_industry_only_names_need_their_place() -> None:
    """城投集团 / 高速集团 alone say what kind of company, not which: they stay in their article."""
    recs = [
        EntityRecord("Company", "上海城投集团", (), "a"),
        EntityRecord("Company", "城投集团", (), "b"),
        EntityRecord("Company", "城投集团", (), "c"),
        EntityRecord("Company", "江西省高速集团", (), "d"),
        EntityRecord("Company", "江西省高速公路投资集团有限责任公司", (), "e"),
    ]
    res = resolve_entities(recs)
    ids = [res.entity_id(r.type, r.name, r.article_id) for r in recs]
    assert len(set(ids[:3])) == 3
    assert ids[3] == ids[4]


def test_generic_aliases_and_events_stay_in_their_article() -> None:
    recs = [
        EntityRecord("GovernmentBody", "临港新片区管委会", ("管委会",), "a1"),
        EntityRecord("GovernmentBody", "宿迁经开区管委会", ("管委会",), "a2"),
        EntityRecord("Event", "签约仪式", (), "a1"),
        EntityRecord("Event", "签约仪式", (), "a2"),
    ]
    res = resolve_entities(recs)
    assert len({res.entity_id(r.type, r.name, r.article_id) for r in recs}) == 4


def test_canonical_name_is_most_frequent_then_longest() -> None:
    recs = [EntityRecord("Company", "平安集团", (), f"a{i}") for i in range(3)]
    recs += [EntityRecord("Company", "中国平安保险(集团)股份有限公司", (), "b")]
    assert resolve_entities(recs).clusters[0].name == "平安集团"
    tie = [EntityRecord("Company", "平安集团", (), "a"), EntityRecord("Company", "中国平安集团", (), "b")]
    assert resolve_entities(tie).clusters[0].name == "中国平安集团"


def test_merge_reasons_name_rule_and_forms() -> None:
    res = resolve_entities(
        [
            EntityRecord("Company", "中国平安集团", ("平安",), "a"),
            EntityRecord("Company", "平安集团", (), "b"),
        ]
    )
    (cluster,) = res.clusters
    reasons = {(m.form_a, m.form_b, m.rule) for m in cluster.merges}
    assert ("中国平安集团", "平安集团", "same-key") in reasons
    assert ("中国平安集团", "平安", "in-article-alias") in reasons or (
        "中国平安集团",
        "平安",
        "same-key",
    ) in reasons


def test_order_independent_ids_names_and_reasons(dev_corpus: Path) -> None:
    records = _gold_records([dev_corpus / "gold"]) + [
        EntityRecord(t, n, a, f"h{i}") for i, (t, n, a) in enumerate(HARD_RECORDS)
    ]
    base = resolve_entities(records).clusters
    for seed in range(5):
        shuffled = records[:]
        random.Random(seed).shuffle(shuffled)
        assert resolve_entities(shuffled).clusters == base


def test_user_aliases_override_rules(tmp_path: Path) -> None:
    f = tmp_path / "aliases.yaml"
    f.write_text(
        "entities:\n  - {name: 北汽集团, type: Company, aliases: [北京汽车集团有限公司, BAIC]}\n"
        "not_same:\n  - {type: Company, names: [中国平安, 平安集团]}\n",
        encoding="utf-8",
    )
    config = read_aliases(f)
    recs = [
        EntityRecord("Company", n, (), f"a{i}")
        for i, n in enumerate(["北京汽车集团有限公司", "BAIC", "中国平安", "平安集团"])
    ]
    res = resolve_entities(recs, config)
    assert res.entity_id("Company", "BAIC", "a1") == res.entity_id("Company", "北京汽车集团有限公司", "a0")
    assert res.entity_id("Company", "中国平安", "a2") != res.entity_id("Company", "平安集团", "a3")
    baic = next(c for c in res.clusters if "BAIC" in c.aliases)
    assert baic.name == "北汽集团"
    assert {m.rule for m in baic.merges} == {"user-alias"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("entities: [{name: X}]\n", "entities[1] (X): needs a 'type'"),
        ("entities: [{name: X, type: Shop}]\n", "entities[1]: unknown type 'Shop'"),
        ("not_same: [[a, b, c]]\n", "not_same[1]: expected exactly two names"),
        ("entities: [\n", "invalid YAML at line 2"),
        ("- 1\n", "expected a mapping with keys 'entities' and/or 'not_same'"),
    ],
)
def test_bad_alias_file_is_one_line_naming_the_file(tmp_path: Path, text: str, message: str) -> None:
    f = tmp_path / "aliases.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ResolveError) as err:
        read_aliases(f)
    assert str(err.value).startswith(f"{f}: {message}")
    assert "\n" not in str(err.value)


def test_name_key_records_rules() -> None:
    key = name_key("Company", "中国平安保险（集团）股份有限公司")
    assert key.core == "平安"
    assert key.rules == ("parenthesised-part", "legal-suffix", "group-descriptor", "national-prefix")


def test_alias_hygiene_drops_aliases_that_name_other_entities_of_the_article() -> None:
    from kg.resolve import clean_aliases

    kept = clean_aliases(
        [
            ("Region", "成都高新区", ["成都", "高新区"]),  # 成都 is 成都市, another entity of the article
            ("Region", "成都市", ["成都"]),  # its own short form: kept
            ("Region", "上海", ["两江"]),  # claimed twice (by key): dropped from both
            ("Region", "重庆两江新区", ["重庆两江"]),
            ("Company", "中国平安集团", ["中国平安", "平安"]),
        ]
    )
    assert kept == [["高新区"], ["成都"], [], [], ["中国平安", "平安"]]
