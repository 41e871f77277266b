"""Scoring as FORMAT.md "Scoring" describes, on the dev corpus and on small hand-made cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import GoldError
from kg.evaluate import evaluate, gold_path_for, load_gold, normalize_surface
from kg.evaluate.gold import extraction_from_gold
from kg.ingest import read_articles
from kg.models import ArticleRef, Evidence, ExtractedEntity, ExtractedRelation, Extraction, Mention

TEXT = "甲公司与乙银行签署协议。丙集团收购丁公司。戊某出席仪式。甲公司董事长戊某。"


def dev_oracle(dev_corpus: Path) -> list[tuple[Extraction, str]]:
    items = []
    for a in read_articles([dev_corpus / "articles"]):
        gold = load_gold(gold_path_for(dev_corpus / "gold", a.path))
        items.append((extraction_from_gold(a, gold, label=a.path), a.text))
    return items


def test_gold_derived_extraction_scores_perfectly(dev_corpus: Path) -> None:
    items = dev_oracle(dev_corpus)
    report = evaluate(dev_corpus / "gold", items)
    golds = [load_gold(p) for p in sorted((dev_corpus / "gold").glob("*.json"))]
    scored_entities = sum(1 for g in golds for e in g.entities if e.type.value not in ("Other", "Event"))
    assert report.articles == len(golds)
    assert (report.entities.tp, report.entities.fp, report.entities.fn) == (scored_entities, 0, 0)
    assert report.relations.fp == report.relations.fn == 0
    assert report.relations.f1 == report.entities.f1 == 1.0
    assert report.evidence.share == 1.0
    assert "ATTENDED" not in report.relations_by_type and "OTHER" not in report.relations_by_type


def test_dropping_a_relation_costs_exactly_one_false_negative(dev_corpus: Path) -> None:
    items = dev_oracle(dev_corpus)
    full = evaluate(dev_corpus / "gold", items)
    extraction, text = items[0]
    dropped = next(r for r in extraction.relations if r.type.value != "ATTENDED")
    items[0] = (
        extraction.model_copy(update={"relations": [r for r in extraction.relations if r is not dropped]}),
        text,
    )
    report = evaluate(dev_corpus / "gold", items)
    assert report.relations.tp == full.relations.tp - 1
    assert report.relations.fn == 1 and report.relations.fp == 0
    assert report.relations_by_type[dropped.type.value].fn == 1
    assert (
        report.per_article[0].relation_false_negatives
        and report.per_article[1].relation_false_negatives == []
    )


# --------------------------------------------------------------------------- hand-made cases


def gold_dir(tmp_path: Path, gold: dict, name: str = "a") -> Path:
    d = tmp_path / "gold"
    d.mkdir(exist_ok=True)
    (d / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return d


def ent(
    id_: str, name: str, type_: str = "Company", aliases: tuple[str, ...] = (), mentions: tuple[str, ...] = ()
):
    ms = [Mention(start=TEXT.find(m), end=TEXT.find(m) + len(m), text=m) for m in mentions]
    return ExtractedEntity(id=id_, name=name, type=type_, aliases=list(aliases), mentions=ms)


def rel(type_: str, s: str, t: str, evidence: str = "甲公司与乙银行签署协议。", start: int | None = None):
    start = TEXT.find(evidence) if start is None else start
    return ExtractedRelation(
        type=type_,
        source=s,
        target=t,
        evidence=Evidence(text=evidence, start=start, end=start + len(evidence)),
    )


def extraction(entities, relations=(), path: str = "in/a.md") -> Extraction:
    return Extraction(
        article=ArticleRef(id="x", path=path), entities=list(entities), relations=list(relations)
    )


GOLD = {
    "entities": [
        {"name": "甲公司", "aliases": ["甲"], "type": "Company"},
        {"name": "乙银行", "aliases": [], "type": "Bank"},
        {"name": "丙集团", "aliases": [], "type": "Company"},
        {"name": "丁公司", "aliases": [], "type": "Company"},
        {"name": "戊某", "aliases": [], "type": "Person"},
        {"name": "仪式", "aliases": [], "type": "Other"},
    ],
    "relations": [
        {
            "source": "甲",
            "type": "SIGNED_AGREEMENT_WITH",
            "target": "乙银行",
            "evidence": "甲公司与乙银行签署协议。",
        },
        {"source": "丙集团", "type": "ACQUIRED", "target": "丁公司", "evidence": "丙集团收购丁公司。"},
        {"source": "戊某", "type": "ATTENDED", "target": "仪式", "evidence": "戊某出席仪式。"},
        {"source": "戊某", "type": "OTHER", "target": "丙集团", "evidence": "戊某出席仪式。"},
    ],
}


def test_symmetric_relations_match_in_either_direction_others_do_not(tmp_path: Path) -> None:
    ents = [ent("e1", "甲公司"), ent("e2", "乙银行", "Bank"), ent("e3", "丙集团"), ent("e4", "丁公司")]
    pred = extraction(
        ents, [rel("SIGNED_AGREEMENT_WITH", "e2", "e1"), rel("ACQUIRED", "e4", "e3", "丙集团收购丁公司。")]
    )
    report = evaluate(gold_dir(tmp_path, GOLD), [(pred, TEXT)])
    assert report.relations_by_type["SIGNED_AGREEMENT_WITH"].tp == 1
    acq = report.relations_by_type["ACQUIRED"]
    assert (acq.tp, acq.fp, acq.fn) == (0, 1, 1)
    assert report.per_article[0].relation_false_positives == ["丁公司 -ACQUIRED-> 丙集团"]
    assert report.per_article[0].relation_false_negatives == ["丙集团 -ACQUIRED-> 丁公司"]


def test_surface_forms_match_after_width_and_space_normalisation(tmp_path: Path) -> None:
    gold = {
        "entities": [
            {"name": "平安直通（上海）", "aliases": [], "type": "Company"},
            {"name": "ＡＢＣ 银行", "aliases": [], "type": "Bank"},
        ],
        "relations": [],
    }
    pred = extraction([ent("e1", "平安直通(上海)"), ent("e2", "x", "Bank", aliases=("ABC银行",))])
    report = evaluate(gold_dir(tmp_path, gold), [(pred, TEXT)])
    assert (report.entities.tp, report.entities.fp, report.entities.fn) == (2, 0, 0)
    assert normalize_surface("ＡＢＣ 银行") == normalize_surface("ABC银行") == "ABC银行"


def test_mentions_count_as_surface_forms_and_matching_is_one_to_one(tmp_path: Path) -> None:
    ents = [ent("e1", "甲集团", mentions=("甲公司",)), ent("e2", "甲公司"), ent("e3", "乙银行", "Bank")]
    report = evaluate(gold_dir(tmp_path, GOLD), [(extraction(ents), TEXT)])
    # e1 matches through its mention; e2 is a duplicate of the same gold entity -> a false positive
    assert (report.entities.tp, report.entities.fp, report.entities.fn) == (2, 1, 3)
    assert report.entities_by_type["Company"].fn == 2 and report.entities_by_type["Person"].fn == 1
    assert report.entities_by_type["Bank"].tp == 1


def test_other_and_event_entities_are_not_scored(tmp_path: Path) -> None:
    ents = [ent("e1", "仪式", "Company"), ent("e2", "庆典", "Event"), ent("e3", "无关公司")]
    report = evaluate(gold_dir(tmp_path, GOLD), [(extraction(ents), TEXT)])
    # 仪式 matches only a gold Other (ignored); Event predictions are never scored; 无关公司 is a FP
    assert (report.entities.tp, report.entities.fp) == (0, 1)
    assert report.per_article[0].entity_false_positives == ["无关公司 [Company]"]


def test_unscored_relations_and_duplicates(tmp_path: Path) -> None:
    ents = [
        ent("e1", "甲公司"),
        ent("e2", "乙银行", "Bank"),
        ent("e3", "丙集团"),
        ent("e5", "戊某", "Person"),
        ent("e6", "仪式", "Event"),
    ]
    rels = [
        rel("SIGNED_AGREEMENT_WITH", "e1", "e2"),
        rel("SIGNED_AGREEMENT_WITH", "e2", "e1"),  # same symmetric pair: deduplicated
        rel("ATTENDED", "e5", "e6", "戊某出席仪式。"),  # ATTENDED is not scored
        rel("EXECUTIVE_OF", "e5", "e3", "戊某出席仪式。"),  # endpoints of a gold OTHER relation: ignored
        rel("EXECUTIVE_OF", "e5", "e1", "甲公司董事长戊某。"),  # not in the gold: a false positive
    ]
    report = evaluate(gold_dir(tmp_path, GOLD), [(extraction(ents, rels), TEXT)])
    assert (report.relations.tp, report.relations.fp, report.relations.fn) == (1, 1, 1)
    assert report.relations.precision == 0.5 and report.relations.recall == 0.5
    assert report.evidence.exact == report.evidence.total == 5


def test_evidence_exactness(tmp_path: Path) -> None:
    ents = [ent("e1", "甲公司"), ent("e2", "乙银行", "Bank")]
    rels = [
        rel("SIGNED_AGREEMENT_WITH", "e1", "e2"),
        rel("SIGNED_AGREEMENT_WITH", "e1", "e2", start=1),  # offsets do not point at the text
        rel("SIGNED_AGREEMENT_WITH", "e1", "e2", "甲乙签署协议", start=0),  # not in the article at all
    ]
    report = evaluate(gold_dir(tmp_path, GOLD), [(extraction(ents, rels), TEXT)])
    assert (report.evidence.exact, report.evidence.total, report.evidence.share) == (1, 3, 0.3333)
    unchecked = evaluate(gold_dir(tmp_path, GOLD), [(extraction(ents, rels), None)])
    assert unchecked.evidence.total == 0 and unchecked.evidence.share is None


def test_articles_without_gold_are_listed_not_scored(tmp_path: Path) -> None:
    report = evaluate(gold_dir(tmp_path, GOLD), [(extraction([], path="in/zzz.md"), TEXT)])
    assert report.articles == 0 and report.missing_gold == ["in/zzz.md"]


def test_gold_path_for_jsonl_and_files() -> None:
    assert gold_path_for("g", "corpus/dev/articles/000_seed.md") == Path("g/000_seed.json")
    assert gold_path_for("g", "batch.jsonl:12") == Path("g/batch.json")


# --------------------------------------------------------------------------- malformed gold


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{", "invalid JSON: Expecting property name enclosed in double quotes, line 1 column 2"),
        (
            '{"entities": [{"name": "甲", "type": "Animal"}]}',
            (
                "invalid gold file at entities.0.type: Input should be 'Company', 'Bank', 'GovernmentBody', 'Region', "
                "'Person', 'Fund', 'Event' or 'Other'"
            ),
        ),
        (
            '{"entities": [], "relations": [], "extra": 1}',
            "invalid gold file at extra: Extra inputs are not permitted",
        ),
        (
            (
                '{"entities": [{"name": "甲", "type": "Company"}], "relations": [{"source": "甲", "type": "ACQUIRED", '
                '"target": "乙", "evidence": "x"}]}'
            ),
            "relations.0.target '乙' is not a gold entity name or alias",
        ),
    ],
)
def test_malformed_gold_is_a_gold_error_naming_the_file(tmp_path: Path, content: str, problem: str) -> None:
    (tmp_path / "gold").mkdir()
    path = tmp_path / "gold" / "a.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GoldError) as info:
        evaluate(tmp_path / "gold", [(extraction([]), TEXT)])
    assert str(info.value) == f"{path}: {problem}"


def test_missing_gold_directory(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match="gold directory not found"):
        evaluate(tmp_path / "nope", [])


def test_gold_endpoints_resolve_by_name_alias_then_normalised_form(tmp_path: Path) -> None:
    gold = {
        "entities": [
            {"name": "平安直通（上海）", "aliases": ["平安直通"], "type": "Company"},
            {"name": "临港", "aliases": [], "type": "Region"},
        ],
        "relations": [
            {"source": "平安直通(上海)", "type": "OPENED_IN", "target": "临港", "evidence": "x"},
            {"source": "平安直通", "type": "LOCATED_IN", "target": "临港", "evidence": "x"},
        ],
    }
    path = tmp_path / "g.json"
    path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    loaded = load_gold(path)
    assert [loaded.entity_index(r.source) for r in loaded.relations] == [0, 0]
