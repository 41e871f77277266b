"""Place candidates: a zone or administrative suffix after a place-led body (临港新片区, 溧阳市), the gazetteer
of provinces and cities, and places abroad (新加坡, 迪拜, 香港特别行政区)."""

from __future__ import annotations

import re

from kg.extract import gazetteer as gz
from kg.extract import lexical as lex
from kg.extract import lexicon as lx
from kg.extract.candidates import (
    _DIGIT_OR_QUANT,
    _MULTI_ZONE,
    _NAME_TAIL_RE,
    REGION_SUFFIX_END_RE,
    REGION_SUFFIX_RE,
    Cand,
    _generic,
    _inner_cut,
    is_cjk,
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
_PLACE_CONTINUES = frozenset("路街道巷桥站港湾线")
_COUNTY_BEFORE = frozenset('在于到赴、，,与和及（(“"')


# 中国（江苏）自由贸易试验区南京片区 / 中国(广东)自由贸易试验区广州南沙新区片区: the bracketed province is inside
_FTZ_RE = re.compile(
    r"中国[（(][\u4e00-\u9fff]{2,3}[）)]自由贸易(?:试验区|港)(?:[\u4e00-\u9fff]{2,10}?片区)?"
)
_ZONE_BODY_RE = re.compile(r"管委会|管理委员会|管理局")
_FOREIGN_MODIFIER_RE = re.compile(r"(?:母公司|子公司|公司|股东|籍|企业|客户|银行|分行)")
# A place inside a place named just before it, with a suffix the zone list does not hold: a banner (准格尔旗),
# a port (果园港), an island (六横岛), a zone's start-up / core / function area (雄安新区启动区).
_SUB_PLACE_RE = re.compile(
    r"(?:[\u4e00-\u9fff]{0,4}?(?:启动区|核心区|功能区)|[\u4e00-\u9fff]{2,3}?[旗岛]|[\u4e00-\u9fff]{1,3}?港)"
    r"(?!(?:集团|股份|公司|有限|控股|务|口|元|币|股|资|澳|区|湾|城|企|人|民|片|商|航|下|舰|帜))"
)


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
        if (
            suf in ("区", "市", "省", "县")
            and text[m.start() - 1 : m.start()] == suf
            and text.startswith(("长", "委"), m.end())
        ):
            continue  # 浦东新区|区长 / 南京市|市委: the level character opens the title, the place ends before it
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
            # 虹桥国际中央商务区 / 长三角生态绿色一体化发展示范区: a place word (jieba ns) opens a longer body
            # (not a zone's part: 江北新区核心区 describes an area of a zone already named)
            opens = (
                len(body) <= 14
                and lex.word_tag(lex.segment(body)[0]) == "ns"
                and not REGION_SUFFIX_END_RE.search(body)
            )
            if not (place or len(body) <= 3 or ethnic or opens) or _generic(body):
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
    out += _gazetteer_places(text)
    for m in lx.FOREIGN_PLACE_RE.finditer(text):
        if _FOREIGN_MODIFIER_RE.match(text, m.end()):
            continue  # 其德国母公司: the place qualifies the company, it is not named as a place
        out.append(Cand(m.start(), m.end(), m.group(0), "Region", "gazetteer"))
    out += _areas(text, out)
    return out + _sub_places(text, out)


# 苏南地区 / 长三角区域 / 中部地区 / 哈密地区: an area named after a place or a part of the country; the bare
# mega-regions (长三角, 京津冀) on their own. 成渝地区双城经济圈 is a policy name, not an area.
_AREA_HEAD_RE = re.compile("(?:" + lx.word_alternation(lx.AREA_HEADS) + ")")
_AREA_WORD_RE = re.compile("(?:" + lx.word_alternation(lx.AREA_WORDS) + ")")
_MEGA = ("长三角", "珠三角", "京津冀", "粤港澳大湾区", "长江经济带", "环渤海", "北部湾")


def _areas(text: str, places: list[Cand]) -> list[Cand]:
    out: list[Cand] = []
    ends = {c.end: c.start for c in places}
    for m in _AREA_WORD_RE.finditer(text):
        start = ends.get(m.start())
        if start is None:
            hm = _AREA_HEAD_RE.search(text, max(0, m.start() - 7), m.start())
            while hm and hm.end() != m.start():
                hm = _AREA_HEAD_RE.search(text, hm.start() + 1, m.start())
            if hm is None:
                continue
            start = hm.start()
        if text.startswith("双城", m.end()):
            continue
        out.append(Cand(start, m.end(), text[start : m.end()], "Region", "suffix"))
    for head in _MEGA:
        for m in re.finditer(head, text):
            out.append(Cand(m.start(), m.end(), head, "Region", "gazetteer"))
    return out


_AREA_SUFFIXES = ("启动区", "核心区", "功能区")
_LOCATIVE_BEFORE_RE = re.compile(r"(?:在|于|落户|入驻|位于|设在|进驻)$")


def _sub_places(text: str, places: list[Cand]) -> list[Cand]:
    """鄂尔多斯市准格尔旗 / 两江新区果园港: a known place run followed by a banner, port, island or zone area is
    one compound place; the inner name (准格尔旗, 果园港) said on its own later is the same place."""
    out: list[Cand] = []
    tails: set[str] = set()
    by_end: dict[int, int] = {}
    for o in places:
        if o.start < by_end.get(o.end, o.end):
            by_end[o.end] = o.start
    for c in places:
        pos = c.end + (text[c.end : c.end + 1] in ("市", "省") and c.kind == "gazetteer")
        m = _SUB_PLACE_RE.match(text, pos)
        if m is None or any(ch in lx.STOP_CHARS for ch in m.group(0)) or lx.PLACE_RE.match(m.group(0)):
            continue  # 宁波舟山港: a port named after two cities, not a place inside 宁波
        # 内蒙古 + 鄂尔多斯市 + 准格尔旗: the compound starts where the run of places starts
        start = min(c.start, by_end.get(c.start, c.start))
        if m.group(0).endswith(_AREA_SUFFIXES) and not _LOCATIVE_BEFORE_RE.search(
            text, max(0, start - 4), start
        ):
            continue  # 覆盖江北新区核心区约45平方公里: a part of the zone described, not where anyone settles
        out.append(Cand(start, m.end(), text[start : m.end()], "Region", "suffix"))
        if len(m.group(0)) >= 3:
            tails.add(m.group(0))
    for t in tails:
        for m in re.finditer(t, text):
            out.append(Cand(m.start(), m.end(), t, "Region", "suffix"))
    return out


_AFTER_PLACE = frozenset("的和与及在是将也已等首地境内外县市区等段")
_LOCATIVE_CUES = (
    "在",
    "于",
    "赴",
    "到",
    "至",
    "从",
    "落户",
    "入驻",
    "位于",
    "来自",
    "、",
    "（",
    "-",
    "—",
    "和",
    "及",
    "与",
)


def _gazetteer_places(text: str) -> list[Cand]:
    """Places of the gazetteer. A county's short form (瑞安, 西昌) stands alone only where it is clearly a
    place: its full name is also in the article, it follows its province or prefecture (温州瑞安), or a
    locative or a list of places leads to it (在瑞安, 西昌-攀枝花); otherwise it is too often part of a
    word (象山煤矿, 大新银行, 城关派出所)."""
    hits = gz.find_places(text)
    surfaces = {h[2] for h in hits}
    out: list[Cand] = []
    for s0, e0, surface in hits:
        if lx.DATELINE_RE.match(text, e0) or (e0 < len(text) and text[e0] in _PLACE_CONTINUES):
            continue  # 瑞安联络线 / 西昌路: a road, a line or a unit named after the place
        found = gz.lookup(surface)
        short_county = all(p.level in ("county", "town") and p.short == surface for p in found)
        if short_county:
            full = any(p.name in surfaces for p in found)
            parent = any(
                text.endswith(anc, 0, s0) or text.endswith(gz_short(anc), 0, s0)
                for p in found
                for anc in (p.province, p.prefecture)
                if anc
            )
            cued = text.endswith(_LOCATIVE_CUES, max(0, s0 - 2), s0)
            nxt = text[e0 : e0 + 1]
            alone = not nxt or not is_cjk(nxt) or nxt in _AFTER_PLACE
            if not ((full or parent or cued) and alone):
                continue
        elif len(found) == 1 and found[0].name == surface and lex.word_tag(surface) == "n":
            continue  # 矿区 is a county's whole name somewhere, and a common noun everywhere
        out.append(Cand(s0, e0, surface, "Region", "gazetteer"))
    return out


def gz_short(name: str) -> str:
    found = [p.short for p in gz.lookup(name) if p.name == name and p.short]
    return found[0] if found else name
