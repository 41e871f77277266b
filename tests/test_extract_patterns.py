"""The relation rules' cue patterns, each on its own: what it matches and the near-miss it must leave alone."""

from __future__ import annotations

from kg.extract.relations.agreements import _SIGNING_VERB_RE, _STRATEGIC_PARTNERSHIP_RE
from kg.extract.relations.base import _LEAD_IN_RE, _PERCENT_RE
from kg.extract.relations.crossborder import _FROM_PARENT_RE
from kg.extract.relations.money import (
    _ACQUIRES_RE,
    _CONTRIBUTES_AMOUNT_RE,
    _HOLDS_RE,
    _TRANSFERS_TO_RE,
)
from kg.extract.relations.people_places import _AT_OR_SETTLES_IN_RE


def test_signing_verb_is_the_act_not_the_ceremony() -> None:
    for text, verb in [("双方签署了协议", "签署"), ("与宁波银行签订", "签订"), ("两家公司正式签约", "签约")]:
        m = _SIGNING_VERB_RE.search(text)
        assert m is not None and m.group(0) == verb
    assert _SIGNING_VERB_RE.search("双方达成战略合作协议").group(0) == "达成"
    assert _SIGNING_VERB_RE.search("出席签约仪式") is None
    assert _SIGNING_VERB_RE.search("本次签约金额达5亿元") is None
    assert _SIGNING_VERB_RE.search("双方达成共识") is None  # 达成 without an agreement


def test_strategic_partnership_needs_the_relation_not_the_document() -> None:
    assert _STRATEGIC_PARTNERSHIP_RE.search("双方建立战略合作关系")
    assert _STRATEGIC_PARTNERSHIP_RE.search("两家公司达成全面战略合作")
    assert _STRATEGIC_PARTNERSHIP_RE.search("签署战略合作协议") is None
    assert _STRATEGIC_PARTNERSHIP_RE.search("深化合作") is None


def test_percent_is_the_stake_figure() -> None:
    assert _PERCENT_RE.search("持股51.5%的控股子公司").group(1) == "51.5%"
    assert _PERCENT_RE.search("持有其20%股权").group(1) == "20%"
    assert _PERCENT_RE.search("持股过半") is None


def test_lead_in_is_dropped_before_the_subject() -> None:
    assert _LEAD_IN_RE.sub("", "据悉，平安银行将提供授信") == "平安银行将提供授信"
    assert _LEAD_IN_RE.sub("", "此外该基金还投资了X") == "该基金还投资了X"
    assert _LEAD_IN_RE.sub("", "据说平安银行") == "据说平安银行"
    assert _LEAD_IN_RE.sub("", "平安银行此外还") == "平安银行此外还"  # only at the start


def test_from_parent_names_the_parent() -> None:
    m = _FROM_PARENT_RE.search("公司从其德国母公司德赛尔控股取得借款")
    assert m is not None and m.group(1) == "德国"
    assert _FROM_PARENT_RE.search("从母公司借入").group(1) == ""
    assert _FROM_PARENT_RE.search("从境外银行取得借款") is None


def test_contributes_amount_needs_an_amount_and_a_single_investor() -> None:
    assert _CONTRIBUTES_AMOUNT_RE.search("宁德时代出资5000万元")
    assert _CONTRIBUTES_AMOUNT_RE.search("公司出资人民币3亿元")
    assert _CONTRIBUTES_AMOUNT_RE.search("公司出资三千万元")
    assert _CONTRIBUTES_AMOUNT_RE.search("双方共同出资5000万元") is None
    assert _CONTRIBUTES_AMOUNT_RE.search("公司出资设立子公司") is None


def test_holds_is_the_verb_not_the_attribute() -> None:
    assert _HOLDS_RE.search("间接持有公司20%股份").group(0) == "间接持有"
    assert _HOLDS_RE.search("A持有B 30%股权").group(0) == "持有"
    assert _HOLDS_RE.search("转让其持有的股份") is None


def test_transfers_to_captures_the_buyer() -> None:
    m = _TRANSFERS_TO_RE.search("拟向宁德时代转让其所持有的赣锋锂业20%股权")
    assert m is not None and m.group(1) == "宁德时代"
    assert _TRANSFERS_TO_RE.search("向A、B分别转让其持有的").group(1) == "A、B"
    assert _TRANSFERS_TO_RE.search("向宁德时代转让了部分股权") is None


def test_acquires_takes_control_not_anything_obtained() -> None:
    assert _ACQUIRES_RE.search("公司拟收购X").group(0) == "收购"
    assert _ACQUIRES_RE.search("取得X公司的控制权").group(0) == "取得"
    assert _ACQUIRES_RE.search("取得工商银行贷款") is None


def test_at_or_settles_in_stands_right_before_the_place() -> None:
    for before in ("项目在", "于", "正式落户", "入驻", "在正式"):
        assert _AT_OR_SETTLES_IN_RE.search(before), before
    assert _AT_OR_SETTLES_IN_RE.search("在武汉") is None  # 在 is not right before the place
    assert _AT_OR_SETTLES_IN_RE.search("总部") is None
