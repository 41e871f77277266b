"""Officials: which body or place an official's title serves (FORMAT.md conventions of shared/corpus).

A title names its level and its kind of body: 省委书记 (the province's party committee), 副市长 (the city's
government), 市政协主席 / 省人大常委会主任 (the city's or province's congress bodies). The official serves
that body when the article names it (广州市委, 四川省政府, a bare 州政府); when the body appears only as
part of the title, the official serves the place itself (成都市委书记李春城 -> 成都市). The place is the one
written before the title (成都, 南沙区, 南沙开发区), else the article's place of that level.
"""

from __future__ import annotations

import re
from collections import Counter

from kg.extract import gazetteer as gz

_LEVEL_CHARS = "省市州区县镇乡旗盟"
# one title of a chain, read for its level and kind of body
_PARTY_RE = re.compile(rf"^(?P<lvl>[{_LEVEL_CHARS}])?(?:委|党委|党工委|党组)(?:常委|副书记|书记|委员)")
_GOV_RE = re.compile(rf"^(?:常务)?副?(?P<lvl>[{_LEVEL_CHARS}])长$")
_CONGRESS_RE = re.compile(rf"^(?P<lvl>[{_LEVEL_CHARS}])?(?:人大(?:常委会)?|政协)")
_CONGRESS_END_RE = re.compile(rf"(?P<lvl>[{_LEVEL_CHARS}])?(?:人大(?:常委会)?|政协)$")
_PARTY_END_RE = re.compile(rf"(?P<lvl>[{_LEVEL_CHARS}])?(?:委|党委|党工委|党组)$")
_PARTY_HEADS_RE = re.compile(r"^(?:常委|副书记|书记|委员)$")
_GOV_END_RE = re.compile(rf"(?P<lvl>[{_LEVEL_CHARS}])?(?:人民)?政府$")
_BODY_IN_CHUNK_RE = re.compile(r"(?:人大(?:常委会)?|政协|[省市州区县镇乡]?委|党工委|党委|人民政府|政府)$")
_SPLIT_RE = re.compile(r"[、兼及和]")
_LEVEL_OF_GAZ = {
    "省": ("province",),
    "市": ("prefecture", "county"),
    "州": ("prefecture",),
    "区": ("county",),
    "县": ("county",),
    "镇": ("town",),
    "乡": ("town",),
    "旗": ("county",),
    "盟": ("prefecture",),
}


def parse_title(chunk: str, title: str) -> tuple[str, str | None] | None:
    """(kind, level) of one political title: kind is party, government or congress, level a letter of
    省市州区县…; None for any other title (董事长, 行长, 秘书长 of a named body)."""
    m = _CONGRESS_RE.match(title)
    if m:
        return "congress", m.group("lvl")
    m = _CONGRESS_END_RE.search(chunk)
    if m:
        return "congress", m.group("lvl")
    m = _PARTY_RE.match(title)
    if m:
        return "party", m.group("lvl")
    m = _PARTY_END_RE.search(chunk)
    if m and _PARTY_HEADS_RE.match(title):
        return "party", m.group("lvl")  # 东湖新区党工委 + 副书记
    m = _GOV_RE.match(title)
    if m:
        return "government", m.group("lvl")
    m = _GOV_END_RE.search(chunk)
    if m:
        return "government", m.group("lvl")  # 市政府秘书长: a post in the government of the place
    return None


def split_roles(role: str) -> list[str]:
    return [r for r in _SPLIT_RE.split(role) if r]


def place_level(name: str) -> str | None:
    """Which level letter a place name is at: 四川省 -> 省, 成都 / 广州 -> 市, 南沙区 -> 区, 大理 -> 州."""
    for p in gz.lookup(name):
        if p.level == "province":
            return "省"
        if p.level == "prefecture":
            return "州" if p.name.endswith("州") and "自治州" in p.name else "市"
        if p.level == "county":
            return p.name[-1] if p.name[-1] in "市区县旗" else "区"
    if name.endswith("自治州"):
        return "州"
    if name and name[-1] in "省市区县镇乡旗":
        return name[-1]
    return None


def implied_place(regions: list[tuple[str, int]], level: str) -> int | None:
    """The article's place of a level (省委 in an article about 四川 -> 四川省): the most mentioned one."""
    want = _LEVEL_OF_GAZ.get(level, ())
    votes: Counter[int] = Counter()
    for name, idx in regions:
        lv = place_level(name)
        if lv == level or (lv is None and any(p.level in want for p in gz.lookup(name))):
            votes[idx] += 1
    if not votes:
        return None
    return votes.most_common(1)[0][0]


def body_suffix(chunk: str) -> str:
    """The body word a title's chunk ends with (东湖新区党工委 -> 党工委), or ''."""
    m = _PARTY_END_RE.search(chunk) or _CONGRESS_END_RE.search(chunk) or _GOV_END_RE.search(chunk)
    if not m:
        return ""
    return m.group(0)[1:] if m.group("lvl") else m.group(0)
