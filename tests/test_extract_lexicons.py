"""The extractor's knowledge files (kg/extract/data), each checked on its own: they load, hold what they say,
and the derived ones match the packages they come from."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from kg.extract import gazetteer as gz
from kg.extract import lexical as lex
from kg.extract import lexicon as lx
from kg.extract.textview import recognition_view

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"^[\u4e00-\u9fff]+$")


@pytest.mark.parametrize(
    "words",
    [lx.TITLES, lx.TITLE_PREFIXES, lx.AFTER_NAME, lx.BANK_SUFFIXES, lx.GOV_SUFFIXES, lx.FUND_SUFFIXES,
     lx.STRONG_COMPANY_SUFFIXES, lx.WEAK_COMPANY_SUFFIXES, lx.REGION_SUFFIXES, lx.AREA_HEADS, lx.SYNDICATE_ROLES],
    ids=["titles", "title_prefixes", "after_name", "bank", "government", "fund", "company_strong",
         "company_weak", "region_suffixes", "area_heads", "syndicate_roles"],
)  # fmt: skip
def test_word_lists_are_clean(words: tuple[str, ...]) -> None:
    assert words, "an empty list"
    assert all(CJK.match(w) or w in ("CEO", "CFO", "COO", "CTO", "、") for w in words), words
    # a suffix list without duplicates (a duplicate is a sign of a merge gone wrong)
    if words is not lx.TITLES and words is not lx.AREA_HEADS:
        assert len(set(words)) == len(words), [w for w in words if words.count(w) > 1]


def test_surnames_are_single_characters_and_double_ones_two() -> None:
    assert all(len(s) == 1 for s in lx.SURNAMES_1) and len(lx.SURNAMES_1) > 400
    assert all(len(s) == 2 for s in lx.SURNAMES_2) and "欧阳" in lx.SURNAMES_2
    assert {"傅", "字", "阙"} <= lx.SURNAMES_1


def test_titles_chain_as_written() -> None:
    for chain in (
        "党委书记、董事长",
        "常务副市长",
        "市委常委、副市长",
        "副行长兼首席财务官",
        "二级巡视员",
        "行长助理",
    ):
        m = lx.TITLE_CHAIN_RE.fullmatch(chain)
        assert m, chain


def test_the_word_lexicon_is_derived_from_the_installed_jieba() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_lexicon
    finally:
        sys.path.pop(0)
    if importlib.util.find_spec("jieba") is None:
        pytest.fail("jieba is a dependency of kg and must be installed")
    rows = make_lexicon.derive(make_lexicon.jieba_dict())
    shipped = [
        line
        for line in (ROOT / "kg/extract/data/words.tsv").read_text(encoding="utf-8").splitlines()
        if line[:1] != "#"
    ]
    assert shipped == rows, "kg/extract/data/words.tsv is stale: run python scripts/make_lexicon.py"


def test_parts_of_speech_and_segmentation() -> None:
    assert lex.word_tag("与") == "p" and lex.word_tag("期盼") == "v" and lex.word_tag("陕西省") == "ns"
    assert lex.word_tag("无此词汇组合") is None
    assert "跟进" in lex.segment("公共财政事务跟进")  # one word: its 跟 is no preposition
    assert lex.segment("用国家开发银行")[0] == "用"
    assert "".join(lex.segment("据新华社电国家开发银行陕西省")) == "据新华社电国家开发银行陕西省"


def test_the_gazetteer_knows_levels_and_parents() -> None:
    places = (ROOT / "kg/extract/data/places.tsv").read_text(encoding="utf-8").splitlines()
    levels = [line.split("\t")[0] for line in places if line[:1] != "#"]
    assert levels.count("province") == 34 and 300 < levels.count("prefecture") < 400
    assert 2500 < levels.count("county") < 3500 and levels.count("town") > 30000
    ruian = [p for p in gz.lookup("瑞安") if p.name == "瑞安市"]
    assert ruian and ruian[0].province == "浙江省" and ruian[0].prefecture == "温州市"
    assert any(p.name == "大理白族自治州" for p in gz.lookup("大理"))
    assert gz.lookup("黄阁镇") and not gz.lookup("和平")  # a short form that is a common word stays out


def test_gazetteer_matches_leftmost_longest() -> None:
    text = "瑞安市国投集团；西攀(西昌-攀枝花)高速公路，南沙区黄阁镇"
    assert [h[2] for h in gz.find_places(text)] == ["瑞安市", "西昌", "攀枝花", "南沙区", "黄阁镇"]


def test_recognition_view_keeps_every_offset() -> None:
    text = '6月21日,交行(江苏)省分行: 1,000万元 10:30 "协议" http://x.cn ，１２３％ 千金药业丨公告'
    view = recognition_view(text)
    assert len(view) == len(text)
    assert view.startswith("6月21日，交行（江苏）省分行：") and "1,000万元 10:30" in view
    assert "“协议”" in view and "http://x.cn" in view and "123%" in view and "千金药业｜公告" in view


def test_known_names_are_data_with_a_type_each() -> None:
    assert lx.KNOWN_ORGS["证监会"] == "GovernmentBody" and lx.KNOWN_ORGS["工行"] == "Bank"
    assert set(lx.KNOWN_ORGS.values()) <= {"GovernmentBody", "Bank", "Company"}
    assert all(CJK.match(n) for n in lx.KNOWN_ORGS)
