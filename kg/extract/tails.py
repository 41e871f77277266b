"""Later short forms of names said in full earlier: a district without its city (包河区 for 合肥市包河区), a local
office without its parent body, a zone by core and head; and where a 2-character short name is no mention."""

from __future__ import annotations

import re

from kg.extract import candidates as cd
from kg.extract import lexicon as lx
from kg.extract.shortnames import _PLACE_PREFIX_RE

_ZONE_ANY_RE = re.compile(
    "|".join(sorted((z for z in lx.REGION_SUFFIXES if len(z) >= 2), key=len, reverse=True))
)


def is_tail_short(short: str, full: str, etype: str, bare_bodies=()) -> bool:
    """包河区 / 合肥市包河区, 深圳监管局 / 国家金融监督管理总局深圳监管局: a place or body named again without the
    larger unit in front; 南沙片区 / 中国(广东)自由贸易试验区广州南沙新区片区: a zone keeps its core and head."""
    if len(short) < 3 or len(full) < len(short) + 2 or short in bare_bodies or _ZONE_ANY_RE.match(short):
        return False
    if full.endswith(short):
        return True
    if etype != "Region" or short[-2:] != full[-2:] or short[:2] not in full or short in full:
        return False
    it = iter(full)
    return all(ch in it for ch in short)


_CITY_PREFIX_RE = re.compile(r"[\u4e00-\u9fff]{2,4}?[省市](?=[\u4e00-\u9fff]{2,5}[区县市]$)")


def add_tail_regions(text: str, entities: list, by_surface: dict, surf_type: dict) -> None:
    """合肥市包河区 …… 包河区: a district named once with its city, then alone, is the same Region."""
    for i, ent in enumerate(entities):
        m = _CITY_PREFIX_RE.match(ent.name) if ent.type == "Region" else None
        if not m or not _PLACE_PREFIX_RE.match(ent.name):
            continue
        tail = ent.name[m.end() :]
        if tail not in by_surface and text.count(tail) > text.count(ent.name):
            ent.surfaces.add(tail)
            by_surface[tail], surf_type[tail] = i, "Region"


# what may follow a short company name (京东将 / 京东宣布 / 京东、): function words, common verbs, punctuation
_AFTER_SHORT = frozenset(lx.STOP_CHARS) | frozenset(
    "也已还再于获近正今此表宣称拟曾均同旗作签达推发成携向等共联参持入落下"
    "一二三四五六七八九十两双多各董总副首主提计全是预认决开收出投实引建打布进设组"
)


_BANKING_WORDS = ("间", "业", "卡", "账户", "系统")


def inside_longer_word(text: str, surface: str, end: int, etype: str, name: str) -> bool:
    """京东 (short for 京东集团) inside 京东方: a 2-character short company name followed by a name character
    is part of another word, not a mention."""
    if etype == "Bank" and surface.endswith("银行") and text.startswith(_BANKING_WORDS, end):
        return True  # 中国银行间债券市场 / 银行业: the interbank market, the industry, not the bank
    if etype != "Company" or surface == name or len(surface) != 2 or end >= len(text):
        return False
    c = text[end]
    return cd.is_cjk(c) and c not in _AFTER_SHORT
