"""Place candidates: a zone or administrative suffix after a place-led body (临港新片区, 溧阳市), the gazetteer
of provinces and cities, and places abroad (新加坡, 迪拜, 香港特别行政区)."""

from __future__ import annotations

import re

from kg.extract import lexicon as lx
from kg.extract.candidates import (
    _DIGIT_OR_QUANT,
    _MULTI_ZONE,
    _NAME_TAIL_RE,
    REGION_SUFFIX_RE,
    Cand,
    _generic,
    _inner_cut,
    left_edge,
)

_PROVINCE_RE = re.compile("(?:" + lx._first_char_trie(list(lx.PROVINCES)) + ")(?:省|市|自治区)?")
_CITY_RE = re.compile("(?:" + lx._first_char_trie(list(lx.CITIES)) + ")市?")
# 县 / 镇 / 乡 after a 2-character body: a place when a locative verb or a list boundary precedes it
_COUNTY_SUFFIXES = frozenset("县镇乡")
# 贫困县 / 重点镇 / 特色小镇: adjectives, not names
_NOT_COUNTY = frozenset(
    [
        "贫困",
        "重点",
        "特色",
        "示范",
        "试点",
        "百强",
        "强县",
        "边境",
        "沿海",
        "山区",
        "产粮",
        "先进",
        "全国",
        "各个",
        "所在",
        "周边",
        "相关",
        "乡村",
        "城乡",
    ]
)
_COUNTY_BEFORE = frozenset('在于到赴、，,与和及（(“"')


# 中国（江苏）自由贸易试验区南京片区 / 中国(广东)自由贸易试验区广州南沙新区片区: the bracketed province is inside
_FTZ_RE = re.compile(
    r"中国[（(][\u4e00-\u9fff]{2,3}[）)]自由贸易(?:试验区|港)(?:[\u4e00-\u9fff]{2,10}?片区)?"
)
_ZONE_BODY_RE = re.compile(r"管委会|管理委员会|管理局")
_FOREIGN_MODIFIER_RE = re.compile(r"(?:母公司|子公司|公司|股东|籍|企业|客户|银行|分行)")


def find_region_candidates(text: str) -> list[Cand]:
    out: list[Cand] = []
    for m in REGION_SUFFIX_RE.finditer(text):
        suf = m.group(0)
        if (
            suf in ("区", "市", "省", "县")
            and m.end() < len(text)
            and text[m.end()] in "场域级内外属委长"
            and not lx.GOV_SUFFIX_AFTER_RE.match(text, m.end())
        ):
            continue  # 市场 / 区域 / 市级: not a place
        start = left_edge(text, m.start(), limit=12)
        body = text[start : m.start()]
        start += _inner_cut(body)
        body = text[start : m.start()]
        if len(body) < 2 or any(c in lx.STOP_CHARS for c in body) or _DIGIT_OR_QUANT.search(body):
            continue
        place = lx.PLACE_RE.match(body)
        if suf == "园" and not (place and len(body) > place.end() + 1):
            continue  # 福州智造园: a park only after a place name (幼儿园 / 家园 are no places)
        if suf in _MULTI_ZONE or suf == "园":
            inner = lx.PLACE_RE.search(body)
            if inner and inner.start() > 0:
                start += inner.start()
                body = body[inner.start() :]
                place = inner
            ethnic = suf.startswith("自治") and body.endswith("族")  # 恩施土家族苗族自治州
            if not (place or len(body) <= 3 or ethnic) or _generic(body):
                continue
        else:
            # 北京市 / 青浦区人民政府: a gazetteer place, or a 2-char body governed by a government word
            gov_after = lx.GOV_SUFFIX_AFTER_RE.match(text, m.end())
            pm = _PROVINCE_RE.match(body) or _CITY_RE.match(body)
            if pm and len(body) - pm.end() == 2:
                # 江苏省溧阳市: a county-level place right after its province is named alone; a district
                # right after its city (常州市武进区, 海口美兰区) is written as one compound place
                if not (suf in ("区", "县") and _PROVINCE_RE.match(body) is None):
                    start += pm.end()
                    body = body[pm.end() :]
                out.append(Cand(start, m.end(), text[start : m.end()], "Region", "suffix"))
                continue
            county = (
                suf in _COUNTY_SUFFIXES
                and len(body) == 2
                and (start == 0 or text[start - 1] in _COUNTY_BEFORE)
                and body not in _NOT_COUNTY
                and not _NAME_TAIL_RE.fullmatch(body)
            )
            if not ((place and place.end() == len(body)) or (len(body) == 2 and gov_after) or county):
                continue
        out.append(Cand(start, m.end(), text[start : m.end()], "Region", "suffix"))
    for m in _FTZ_RE.finditer(text):
        end = m.end()
        if any(c in lx.STOP_CHARS for c in text[m.start() : end]):
            end = text.index("区", m.start() + 9) + 1  # …自由贸易试验区与X片区: the zone alone
        out.append(Cand(m.start(), end, text[m.start() : end], "Region", "suffix"))
        gm = _ZONE_BODY_RE.match(text, end)
        if gm:  # 中国（广东）自由贸易试验区…片区管委会: the zone's administration, named in full
            out.append(Cand(m.start(), gm.end(), text[m.start() : gm.end()], "GovernmentBody", "suffix"))
    for m in lx.PLACE_RE.finditer(text):
        if lx.DATELINE_RE.match(text, m.end()):
            continue
        out.append(Cand(m.start(), m.end(), m.group(0), "Region", "gazetteer"))
    for m in lx.FOREIGN_PLACE_RE.finditer(text):
        if _FOREIGN_MODIFIER_RE.match(text, m.end()):
            continue  # 其德国母公司: the place qualifies the company, it is not named as a place
        out.append(Cand(m.start(), m.end(), m.group(0), "Region", "gazetteer"))
    return out
