"""China's administrative places (kg/extract/data/places.tsv, derived from jionlp's gazetteer).

Provinces, prefectures and counties are recognised by their full names (瑞安市, 大理白族自治州) and their
short forms (瑞安, 大理); towns (黄阁镇) by their full names only. A short form that the dictionary knows as
another kind of word (和平, 东方) is not used on its own. Each place knows its province and prefecture, so
that 省委 in an article about 成都 is Sichuan's.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from kg.extract import lexical as lex


@dataclass(frozen=True)
class Place:
    level: str  # province, prefecture, county, town
    name: str  # full name: 瑞安市
    short: str  # 瑞安 (may be empty)
    province: str  # 浙江省 (empty for a province)
    prefecture: str  # 温州市 (empty above county level)


# short forms that are also ordinary words or parts of names far more often than places
_NOT_ALONE = frozenset(
    {
        "城区",
        "郊区",
        "新区",
        "开发",
        "市中",
        "市辖",
        "高新",
        "经开",
        "矿区",
        "林区",
        "中山",
        "来宾",
        "白银",
        "日照",
        "大同",
    }
)


@lru_cache(maxsize=1)
def places() -> dict[str, tuple[Place, ...]]:
    """Every usable surface (full name or short form) -> the places it may name."""
    out: dict[str, list[Place]] = {}
    text = resources.files("kg.extract").joinpath("data/places.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line[0] == "#":
            continue
        level, name, short, province, prefecture = line.split("\t")
        p = Place(level, name, short, province, prefecture)
        out.setdefault(name, []).append(p)
        if short and len(short) >= 2 and level != "town" and short not in _NOT_ALONE:
            tag = lex.word_tag(short)
            # prefectures are known by their short names (合肥, 大理, though the dictionary tags them as
            # nouns); a county's short form stands alone only if the dictionary has no other use for it
            if level in ("province", "prefecture") or tag is None or tag == "ns":
                out.setdefault(short, []).append(p)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, tuple[int, ...]], frozenset[str]]:
    """First two characters -> the lengths of the surfaces that start with them (longest first)."""
    lengths: dict[str, set[int]] = {}
    for surface in places():
        lengths.setdefault(surface[:2], set()).add(len(surface))
    return {k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()}, frozenset(places())


def find_places(text: str) -> list[tuple[int, int, str]]:
    """(start, end, surface) of the gazetteer places in the text: leftmost-longest, not overlapping
    (瑞安市 over 瑞安). A dictionary of two-character openings keeps this a few lookups per character."""
    heads, surfaces = _index()
    out: list[tuple[int, int, str]] = []
    i, n = 0, len(text)
    while i < n - 1:
        for length in heads.get(text[i : i + 2], ()):
            if text[i : i + length] in surfaces:
                out.append((i, i + length, text[i : i + length]))
                i += length - 1
                break
        i += 1
    return out


def lookup(surface: str) -> tuple[Place, ...]:
    return places().get(surface, ())
