"""The LLM extractor's parts on real inputs: windows, answer parsing, grounding, the client against the
local stub server (retries, Retry-After, timeouts, format fallback, repair, redaction), hybrid merging."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from llm_stub import Reply, StubServer, answer, answer_from_gold, fenced

from kg.errors import LlmError
from kg.ingest.reader import read_file
from kg.llm.client import ChatClient, LlmStats
from kg.llm.config import LlmConfig, redact
from kg.llm.grounding import GroundStats, ground_answers
from kg.llm.hybrid import merge_extractions
from kg.llm.run import ask_window
from kg.llm.schema import AnswerError, LlmAnswer, parse_answer
from kg.llm.windows import estimate_tokens, split_windows
from kg.models import Article

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TEXT = (
    "1月7日，中国平安集团旗下的平安直通咨询有限公司（以下简称“平安直通”）在上海临港新片区举行开业仪式。\n\n"
    "工商银行上海分行向平安直通提供了3亿元授信，期限三年。\n\n"
    "平安直通总经理张伟表示，将深耕临港。"
)
ART = Article(id="a1", path="a.md", title="平安直通落户临港", date="2022-01-08", text=TEXT)
ENTITIES = [
    {"name": "中国平安集团", "aliases": [], "type": "Company"},
    {"name": "平安直通咨询有限公司", "aliases": ["平安直通"], "type": "Company"},
    {"name": "上海临港新片区", "aliases": [], "type": "Region"},
    {"name": "工商银行上海分行", "aliases": [], "type": "Bank"},
    {"name": "张伟", "aliases": [], "type": "Person"},
]


def rel(source: str, rtype: str, target: str, evidence: str, **props: str) -> dict:
    return {"source": source, "type": rtype, "target": target, "evidence": evidence, "properties": props}


def ground(data: dict, stats: GroundStats | None = None):
    return ground_answers(ART, [parse_answer(json.dumps(data, ensure_ascii=False)).answer], stats)


# --------------------------------------------------------------------------- windows


def test_windows_keep_paragraphs_whole_under_the_budget_with_overlap() -> None:
    paras = [f"第{i}段。" + "银行向企业提供贷款。" * 30 for i in range(6)]
    text = "\n\n".join(paras)
    windows = split_windows(text, budget=700)
    assert len(windows) > 1
    for w in windows:
        assert text[w.start : w.start + len(w.text)] == w.text
        assert estimate_tokens(w.text) <= 700
    starts = [text.index(p) for p in paras]
    assert all(w.start in starts for w in windows)  # windows begin at paragraph starts
    assert windows[1].start < windows[0].start + len(windows[0].text)  # overlap: a paragraph repeated
    covered = set()
    for w in windows:
        covered.update(range(w.start, w.start + len(w.text)))
    assert all(i in covered for i, ch in enumerate(text) if ch != "\n")


def test_a_paragraph_over_the_budget_is_cut_at_sentence_ends() -> None:
    text = "甲公司与乙公司签署协议。" * 100
    windows = split_windows(text, budget=250)
    assert len(windows) > 4 and all(w.text.endswith("。") for w in windows)
    assert split_windows("短文。", 3000)[0].text == "短文。"


# --------------------------------------------------------------------------- parsing


def test_a_fenced_json_block_is_accepted_and_schema_invalid_items_are_counted() -> None:
    data = {
        "entities": [ENTITIES[0], {"name": "某机构", "type": "Organisation"}],
        "relations": [{"type": "X"}],
    }
    parsed = parse_answer(fenced(data).content)
    assert [e.name for e in parsed.answer.entities] == ["中国平安集团"]
    assert parsed.invalid == 2


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"entities": [', "not valid JSON"),
        ("[1, 2]", "JSON list, not an object"),
        ('{"entities": {}}', "'entities' is not a list"),
        ('{"answer": "none"}', "neither 'entities' nor 'relations'"),
        ("", "empty answer"),
    ],
)
def test_unusable_answers_are_answer_errors(content: str, problem: str) -> None:
    with pytest.raises(AnswerError, match=problem):
        parse_answer(content)


# --------------------------------------------------------------------------- grounding


def test_kg_computes_every_offset_and_drops_entities_not_in_the_text() -> None:
    stats = GroundStats()
    ex = ground({"entities": [*ENTITIES, {"name": "招商银行", "aliases": [], "type": "Bank"}]}, stats)
    assert stats.entities_dropped == 1 and "招商银行" not in [e.name for e in ex.entities]
    for e in ex.entities:
        assert e.mentions and all(TEXT[m.start : m.end] == m.text for m in e.mentions)
    pingan = next(e for e in ex.entities if e.name == "平安直通咨询有限公司")
    assert pingan.aliases == ["平安直通"] and len(pingan.mentions) == 4
    # the longer name wins where names overlap: 中国平安集团 is not also a mention of another entity
    assert [e.id for e in ex.entities] == [f"e{i}" for i in range(1, 6)]


def test_evidence_is_found_exactly_width_folded_or_fuzzily_else_dropped() -> None:
    stats = GroundStats()
    quote_exact = "工商银行上海分行向平安直通提供了3亿元授信"
    quote_folded = (
        "1月7日,中国平安集团旗下的平安直通咨询有限公司 (以下简称“平安直通”)在上海临港新片区举行开业仪式。"
    )
    quote_fuzzy = "平安直通总经理张伟表示将深耕临港"  # the comma left out
    ex = ground(
        {
            "entities": ENTITIES,
            "relations": [
                rel("工商银行上海分行", "PROVIDED_FINANCING_TO", "平安直通", quote_exact),
                rel("平安直通咨询有限公司", "SUBSIDIARY_OF", "中国平安集团", quote_folded),
                rel("张伟", "EXECUTIVE_OF", "平安直通", quote_fuzzy, role="总经理"),
                rel(
                    "平安直通", "OPENED_IN", "上海临港新片区", "平安直通于2021年入驻临港新片区并设立研发中心"
                ),
            ],
        },
        stats,
    )
    assert stats.relations_ungrounded == 1 and stats.relations_fuzzy == 1
    by_type = {r.type.value: r for r in ex.relations}
    assert set(by_type) == {"PROVIDED_FINANCING_TO", "SUBSIDIARY_OF", "EXECUTIVE_OF"}
    for r in ex.relations:
        assert TEXT[r.evidence.start : r.evidence.end] == r.evidence.text
    assert by_type["PROVIDED_FINANCING_TO"].evidence.text == quote_exact
    assert by_type["SUBSIDIARY_OF"].evidence.text.startswith("1月7日，中国平安集团")
    fuzzy = by_type["EXECUTIVE_OF"]
    assert "张伟表示" in fuzzy.evidence.text and "\n" not in fuzzy.evidence.text
    assert fuzzy.confidence < 1 and fuzzy.properties.role == "总经理"


def test_types_and_directions_are_checked_against_the_signatures() -> None:
    stats = GroundStats()
    ex = ground(
        {
            "entities": ENTITIES,
            "relations": [
                rel("上海临港新片区", "OPENED_IN", "平安直通", "在上海临港新片区举行开业仪式"),  # reversed
                rel(
                    "张伟", "SUBSIDIARY_OF", "中国平安集团", "平安直通总经理张伟表示"
                ),  # a person is no subsidiary
                rel(
                    "平安直通",
                    "SUBSIDIARY_OF",
                    "平安直通咨询有限公司",
                    "中国平安集团旗下的平安直通咨询有限公司",
                ),
                rel("平安直通", "OPENED_IN", "临港", "在上海临港新片区举行开业仪式"),  # unknown entity
                rel("平安直通", "OPENED_IN", "上海临港新片区", "在上海临港新片区举行开业仪式"),
            ],
        },
        stats,
    )
    assert stats.relations_off_ontology == 3 and stats.relations_unknown_entity == 1
    assert [(r.type.value, r.source, r.target) for r in ex.relations] == [("OPENED_IN", "e2", "e3")]


def test_amounts_and_dates_come_from_kg_normaliser_not_from_the_model() -> None:
    ex = ground(
        {
            "entities": ENTITIES,
            "relations": [
                rel(
                    "工商银行上海分行",
                    "PROVIDED_FINANCING_TO",
                    "平安直通",
                    "工商银行上海分行向平安直通提供了3亿元授信",
                    amount_text="30亿元",
                    date="2030-01-01",
                ),
                rel("平安直通", "OPENED_IN", "上海临港新片区", TEXT.split("\n")[0], date="2021-01-07"),
            ],
        }
    )
    loan, opening = ex.relations[1], ex.relations[0]
    assert (loan.properties.amount, loan.properties.currency, loan.properties.amount_text) == (
        3e8,
        "CNY",
        "3亿元",
    )
    assert loan.properties.date is None  # the evidence has no date; the model's is not taken
    assert opening.properties.date == "2022-01-07"  # 1月7日 resolved against the article date
    assert {r.properties.extractor for r in ex.relations} == {"llm"}


def test_grounding_is_deterministic_whatever_the_order_of_the_answer() -> None:
    relations = [
        rel(
            "工商银行上海分行",
            "PROVIDED_FINANCING_TO",
            "平安直通",
            "工商银行上海分行向平安直通提供了3亿元授信",
        ),
        rel("平安直通", "OPENED_IN", "上海临港新片区", "在上海临港新片区举行开业仪式"),
        rel("张伟", "EXECUTIVE_OF", "平安直通咨询有限公司", "平安直通总经理张伟表示"),
    ]
    one = ground({"entities": ENTITIES, "relations": relations})
    two = ground({"entities": ENTITIES[::-1], "relations": relations[::-1]})
    assert one == two
    assert [r.evidence.start for r in one.relations] == sorted(r.evidence.start for r in one.relations)


def test_entities_are_merged_across_windows_and_repeated_facts_kept_once() -> None:
    w1 = LlmAnswer.model_validate({"entities": ENTITIES[:2], "relations": []})
    w2 = LlmAnswer.model_validate(
        {
            "entities": [
                {"name": "平安直通", "aliases": ["平安直通咨询有限公司"], "type": "Company"},
                ENTITIES[0],
            ],
            "relations": [
                rel("平安直通", "SUBSIDIARY_OF", "中国平安集团", "中国平安集团旗下的平安直通咨询有限公司")
            ],
        }
    )
    ex = ground_answers(ART, [w1, w2, w2])
    assert [e.name for e in ex.entities] == ["中国平安集团", "平安直通咨询有限公司"]
    assert len(ex.relations) == 1


def test_gold_answers_ground_to_the_gold_itself() -> None:
    article = next(iter(read_file(EXAMPLES / "articles" / "yunfan_lingang_subsidiary.md")))
    gold = json.loads((EXAMPLES / "gold" / "yunfan_lingang_subsidiary.json").read_text(encoding="utf-8"))
    stats = GroundStats()
    ex = ground_answers(article, [parse_answer(answer(answer_from_gold(gold)).content).answer], stats)
    assert stats.as_counts() == GroundStats().as_counts()  # nothing dropped
    assert len(ex.relations) == len([r for r in gold["relations"] if r["type"] != "OTHER"])


# --------------------------------------------------------------------------- client and stub


def config(stub: StubServer, **kw) -> LlmConfig:
    return LlmConfig(base_url=stub.base_url, model="stub-model", api_key="sk-test-SECRET-42", **kw)


def test_429_honours_retry_after_and_5xx_backs_off() -> None:
    waits: list[float] = []
    with StubServer() as stub:
        stub.add(
            TEXT,
            Reply(status=429, headers={"Retry-After": "7"}),
            Reply(status=503),
            answer({"entities": ENTITIES}),
        )
        client = ChatClient(config(stub), sleep=waits.append)
        got = ask_window(client, ART, TEXT)
    assert len(got.entities) == 5
    assert waits == [7.0, 2.0]  # Retry-After as given; then the second backoff step
    assert client.stats.requests == 3 and client.stats.retries == 2


def test_a_timeout_is_retried_then_fails_with_one_line_naming_it() -> None:
    with StubServer() as stub:
        stub.add(TEXT, Reply(delay=1.5, content="{}"))
        client = ChatClient(config(stub, timeout=0.3, retries=1), sleep=lambda s: None)
        with pytest.raises(LlmError) as err:
            ask_window(client, ART, TEXT)
    assert str(err.value) == f"{stub.base_url}: no answer within 0.3 s; gave up after 2 attempt(s)"


def test_the_api_key_is_redacted_even_when_a_server_echoes_it() -> None:
    with StubServer() as stub:
        stub.add(TEXT, Reply(status=401))
        cfg = config(stub)
        with pytest.raises(LlmError) as err:
            ask_window(ChatClient(cfg, sleep=lambda s: None), ART, TEXT)
    assert "HTTP 401" in str(err.value) and "SECRET" not in str(err.value) and "***" in str(err.value)
    assert "SECRET" not in repr(cfg)
    assert redact("user:pw@ in http://user:pw@host/v1", LlmConfig(base_url="http://user:pw@host/v1")) == (
        "***@ in http://***@host/v1"
    )


def test_a_server_without_structured_output_gets_json_mode() -> None:
    with StubServer(reject_schema=True) as stub:
        stub.add(TEXT, answer({"entities": ENTITIES}))
        client = ChatClient(config(stub))
        ask_window(client, ART, TEXT)
        ask_window(client, ART, TEXT)
    formats = [(r.get("response_format") or {}).get("type") for r in stub.requests]
    assert formats == ["json_schema", "json_object", "json_object"]  # learnt once per client


def test_one_repair_round_for_an_unusable_answer() -> None:
    with StubServer() as stub:
        stub.add(TEXT, Reply(content='{"entities": [ {"name": '), answer({"entities": ENTITIES}))
        client = ChatClient(config(stub))
        assert len(ask_window(client, ART, TEXT).entities) == 5
        assert client.stats.repairs == 1
        repair = stub.requests[1]["messages"]
        assert repair[-2]["role"] == "assistant" and "not valid JSON" in repair[-1]["content"]
    with StubServer() as stub:
        stub.add(TEXT, Reply(content="对不起，我无法回答。"))
        with pytest.raises(
            LlmError, match="unusable answer after one repair round: answer is not valid JSON"
        ):
            ask_window(ChatClient(config(stub)), ART, TEXT)
        assert stub.count() == 2


def test_missing_settings_are_one_line_errors() -> None:
    with pytest.raises(LlmError, match="^KG_LLM_BASE_URL is not set"):
        ChatClient(LlmConfig(model="m"), LlmStats())
    with pytest.raises(LlmError, match="^KG_LLM_MODEL is not set"):
        ChatClient(LlmConfig(base_url="http://127.0.0.1:9/v1"), LlmStats())
    with pytest.raises(LlmError, match="response format 'xml'"):
        LlmConfig.from_env({"KG_LLM_RESPONSE_FORMAT": "xml"})
    cfg = LlmConfig.from_env({"KG_LLM_MODEL": "a", "KG_LLM_API_KEY": "k"}, model="b", timeout=5.0)
    assert (cfg.model, cfg.timeout, cfg.api_key) == ("b", 5.0, "k")
    assert "KG_LLM_API_KEY" not in cfg.to_env() and cfg.to_env()["KG_LLM_MODEL"] == "b"


# --------------------------------------------------------------------------- hybrid and the rules path


def test_hybrid_marks_each_relation_with_who_found_it() -> None:
    from kg.extract import extract_article

    rules = extract_article(ART)
    assert any(r.type.value == "SUBSIDIARY_OF" for r in rules.relations)
    llm = ground(
        {
            "entities": ENTITIES,
            "relations": [
                rel("平安直通", "SUBSIDIARY_OF", "中国平安集团", "中国平安集团旗下的平安直通咨询有限公司"),
                rel("张伟", "EXECUTIVE_OF", "平安直通", "平安直通总经理张伟表示", role="总经理"),
            ],
        }
    )
    merged = merge_extractions(rules, llm)
    marks = {(r.type.value, r.properties.extractor) for r in merged.relations}
    assert ("SUBSIDIARY_OF", "both") in marks
    assert len([r for r in merged.relations if r.type.value == "SUBSIDIARY_OF"]) == 1
    assert {m for _t, m in marks} <= {"rules", "llm", "both"}
    ids = {e.id for e in merged.entities}
    assert len(ids) == len(merged.entities) and all(
        r.source in ids and r.target in ids for r in merged.relations
    )
    names = [e.name for e in merged.entities]
    assert len(names) == len(set(names))


def test_the_rules_path_never_imports_openai() -> None:
    code = (
        "import sys\n"
        "from kg.cli import main\n"
        "from kg.extract import extract_article\n"
        "from kg.ingest.reader import read_file\n"
        f"a = next(iter(read_file({str(EXAMPLES / 'articles' / 'yunfan_lingang_subsidiary.md')!r})))\n"
        "extract_article(a)\n"
        "import kg.llm\n"
        "print('openai' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_new_model_or_prompt_changes_the_extractor_tag(monkeypatch: pytest.MonkeyPatch) -> None:
    from kg.pipeline import extractor_tag

    monkeypatch.setenv("KG_LLM_MODEL", "qwen2.5:7b-instruct")
    a = extractor_tag("kg.llm:extract_article")
    h = extractor_tag("kg.llm.hybrid:extract_article")
    monkeypatch.setenv("KG_LLM_MODEL", "qwen2.5:14b-instruct")
    assert (
        extractor_tag("kg.llm:extract_article") != a and extractor_tag("kg.llm.hybrid:extract_article") != h
    )
    assert "qwen2.5:14b-instruct" in extractor_tag("kg.llm:extract_article")
    assert extractor_tag("kg.extract:extract_article").endswith("@10")


def test_the_extractor_mark_reaches_the_view_and_the_one_line_display() -> None:
    from kg.display import properties_line
    from kg.models import GraphRelation, RelationProperties
    from kg.view.render import relation_properties

    r = GraphRelation(
        id="r1", type="SUBSIDIARY_OF", source="a", target="b", properties=RelationProperties(extractor="both")
    )
    assert relation_properties(r, "en") == [["extracted by", "both"]]
    assert relation_properties(r, "zh") == [["抽取方式", "both"]]
    assert properties_line({"date": "2022-01", "extractor": "llm"}) == "date=2022-01, extractor=llm"


def test_retry_after_forms() -> None:
    from kg.llm.client import retry_after

    assert retry_after({"retry-after": "3"}) == 3.0
    assert retry_after({"retry-after-ms": "250", "retry-after": "3"}) == 0.25
    assert retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) is None
    assert retry_after({}) is None and retry_after(None) is None


def test_the_prompt_states_the_ontology_conventions_and_an_example_in_chinese() -> None:
    from kg.llm.prompt import messages
    from kg.llm.schema import answer_schema
    from kg.ontology import EXTRACTED, EntityType

    system, user = messages("标题", "2022-01-08", "正文")
    text = system["content"]
    assert all(t.value in text for t in EXTRACTED) and "BRANCH_OF" not in text
    assert all(t.value in text for t in EntityType)
    assert "逐字" in text and "标注规范" in text
    assert "云帆智能（上海）有限公司" in text  # the worked example from examples/
    assert "<<<\n正文\n>>>" in user["content"] and "2022-01-08" in user["content"]
    schema = json.dumps(answer_schema(), ensure_ascii=False)
    assert all(t.value in schema for t in EXTRACTED) and "BRANCH_OF" not in schema


def test_the_cache_survives_corruption_and_clears_failure_notes(tmp_path: Path) -> None:
    from kg.llm.cache import AnswerCache, cache_key
    from kg.llm.run import fetch_answers

    cache = AnswerCache(tmp_path)
    cfg = LlmConfig(base_url="http://127.0.0.1:9/v1", model="m", cache_dir=str(tmp_path))
    key = cache_key(ART, "m", cfg.window_tokens)
    cache.note_failure(key, "server error (HTTP 500)")
    stats = LlmStats()
    with pytest.raises(LlmError, match=r"^server error \(HTTP 500\)$"):
        fetch_answers(ART, cfg, cache, None, stats)  # cache only: the note is the error
    with StubServer() as stub:
        stub.add(TEXT, answer({"entities": ENTITIES}))
        client = ChatClient(config(stub))
        got = fetch_answers(ART, cfg, cache, lambda: client, stats)
        assert len(got[0].entities) == 5 and cache.failure(key) is None
        assert fetch_answers(ART, cfg, cache, lambda: client, stats) == got and stats.cache_hits == 1
        next(tmp_path.glob("*/*.json")).write_text("{not json", encoding="utf-8")
        assert fetch_answers(ART, cfg, cache, lambda: client, stats) == got
        assert stub.count() == 2  # the corrupt entry was a miss, asked again


def test_a_relation_stated_in_several_articles_merges_the_extractor_marks() -> None:
    from kg.store.derive import _merge_properties

    # each distinct properties object with the number of evidence rows carrying it
    assert _merge_properties([({"extractor": "llm"}, 2)]) == {"extractor": "llm"}
    assert _merge_properties([({"extractor": "llm"}, 1), ({"extractor": "rules"}, 3)]) == {
        "extractor": "both"
    }
    assert _merge_properties([({"extractor": "llm", "date": "2022"}, 1), ({"date": "2022"}, 1)]) == {
        "date": "2022",
        "extractor": "both",
    }  # an unmarked article's relation came from the rules
    assert _merge_properties([({"date": "2022"}, 2)]) == {"date": "2022"}


def test_an_answer_cut_off_at_the_output_limit_says_so_without_a_repair_round() -> None:
    cut = json.dumps({"entities": ENTITIES}, ensure_ascii=False)[:60]
    with StubServer() as stub:
        stub.add(TEXT, Reply(content=cut, finish_reason="length"))
        with pytest.raises(
            LlmError, match="^answer cut off at the server's output limit .*KG_LLM_WINDOW_TOKENS"
        ):
            ask_window(ChatClient(config(stub)), ART, TEXT)
        assert stub.count() == 1


def test_the_prompt_examples_survive_grounding_whole() -> None:
    """The worked examples teach the model the format: each must pass kg's own checks untouched."""
    from kg.llm.prompt import _examples

    for n, example in enumerate(_examples()):
        article = Article(id=f"x{n}", path=f"x{n}", title="", date="2023-05-20", text=example["text"])
        stats = GroundStats()
        ex = ground_answers(article, [LlmAnswer.model_validate(example["answer"])], stats)
        assert stats.as_counts() == GroundStats().as_counts(), example["source"]
        assert len(ex.entities) == len(example["answer"]["entities"])
        assert len(ex.relations) == len(example["answer"]["relations"])


@pytest.mark.parametrize("corpus", ["dev", "dev-wide"])
def test_gold_of_the_real_corpora_survives_grounding(dev_corpus: Path, corpus: str) -> None:
    """Real pages (ASCII punctuation, cut bodies, missing dates): the gold as a model's answer, grounded by
    kg, scores F1 1.00 against itself with nothing dropped."""
    from kg.evaluate import evaluate, gold_path_for
    from kg.ingest.reader import collect_files

    base = dev_corpus.parent / corpus
    items = []
    stats = GroundStats()
    for f in collect_files([base / "articles"]):
        for a in read_file(f):
            gold = gold_path_for(base / "gold", a.path)
            data = answer_from_gold(json.loads(gold.read_text(encoding="utf-8")))
            items.append((ground_answers(a, [LlmAnswer.model_validate(data)], stats), a.text))
    report = evaluate(base / "gold", items)
    assert report.articles == len(items) >= 6
    assert (report.entities.f1, report.relations.f1, report.evidence.share) == (1.0, 1.0, 1.0)
    assert stats.as_counts() == GroundStats().as_counts()
