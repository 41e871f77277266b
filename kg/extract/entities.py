"""From candidates to article entities: overlap resolution, short-form/alias linking, every mention.

Linking follows how Chinese news shortens names: drop a leading place (中国进出口银行广西分行 ->
进出口银行广西分行), or keep the brand and drop industry words and the legal tail (平安直通咨询有限公司 ->
平安直通, 宁波旭升集团股份有限公司 -> 旭升集团). Explicit aliases (下称X, 以下简称"X") and role nouns in
apposition (设立合资公司X) link directly. Mentions are then every occurrence of every surface, longest first.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

import ahocorasick

from kg.extract import candidates as cd
from kg.extract import lexical as lex
from kg.extract import lexicon as lx
from kg.extract import lists as ls
from kg.extract import named as nm
from kg.extract import persons as pc
from kg.extract import regions as rg
from kg.extract import subjects as sj
from kg.extract.shortnames import (
    _INDUSTRY,
    _LEGAL_END_RE,
    _LOCAL_BANK_RE,
    _PLACE_PREFIX_RE,
    is_short_org,
)
from kg.extract.tails import add_tail_regions, inside_longer_word, is_tail_short

ORG_TYPES = frozenset({"Company", "Bank", "GovernmentBody", "Fund"})
_TYPE_RANK = {
    "coded": 0,
    "latin": 1,
    "round": 2,
    "short": 3,
    "subject": 2,
    "suffix": 0,
    "paren": 0,
    "title": 0,
    "honorific": 1,
    "known": 1,
    "announce": 2,
    "list": 2,
    "gazetteer": 3,
    "event": 0,
    "project": 0,
    "alias": 0,
}

_PLACE_SET = frozenset(lx.PLACES)
_MULTI_ZONES = frozenset(z for z in lx.REGION_SUFFIXES if len(z) >= 2)
_ZONE_RE = re.compile("(?:" + lx._first_char_trie(sorted(lx.REGION_SUFFIXES, key=len, reverse=True)) + ")$")


_GOV_REGION_RE = re.compile(
    r"^([\u4e00-\u9fff]{2,10}?(?:新片区|自贸区|开发区|高新区|新区|自治区|区|市|省|县))"
    r"(?:人民政府|政府|管委会|管理委员会|党工委|委员会)$"
)
# Source lines and datelines carry no facts: （文章来源：上海证券报） / 中国经济网北京12月23日讯
_EXCLUDED_RE = re.compile(
    r"[（(]?(?:文章)?来源[:：][^\n）)]*[）)]?|^[^\n，。]{0,20}?\d{1,2}月\d{1,2}日(?:讯|电)"
    r"|(?:据)?(?:新华社|中新社|中通社|人民网|新华网|央视网|中新网|路透社|彭博社|法新社)(?:[\u4e00-\u9fff]{2,4})?"
    r"(?:\d{1,2}月\d{1,2}日)?(?:电|讯)",
    re.MULTILINE,
)


_INTERNAL_COMMITTEE_RE = re.compile(
    r"(?:投资决策|投决|审计|薪酬与考核|薪酬|考核|提名|战略|风险管理|风险控制|风控|估值|合规|顾问|咨询|专家)委员会$"
)
_TITLE_RE = re.compile(r"《[^《》\n]{1,80}》")
_DEPARTMENT_RE = re.compile(
    r"(管理局|管委会|委员会|人民政府|政府|局|厅|银行|分行|支行|集团|公司)[\u4e00-\u9fff]{2,6}(?:处|科|室|(?<!总)部|办公室|中心|组)$"
)
# …镇亭角村 / …街道翠竹社区: the village or community at the end of a place chain (after its town)
_VILLAGE_END_RE = re.compile(r"((?:(?![镇乡区市县道])[\u4e00-\u9fff]){2,4}(?:村|社区))$")
# a political title that opens with its level (镇党委书记, 乡长, 县委副书记): what stands before it is a place
_PLACE_TITLE_RE = re.compile(r"[镇乡县区市省州旗](?:党委|党工委|委|长|人大|政协|人民政府|政府)")
_PLACE_END_RE = re.compile("(?:" + lx._first_char_trie(list(lx.PLACES)) + ")$")
_PARTY_OF_RE = re.compile(r"^([\u4e00-\u9fff]{2,20}(?:管理委员会|管委会|人民政府|政府))(?:党工委|党委|党组)$")
_BODY_END = r"(?:管理委员会|管委会)$"
_BARE_BODIES = {
    "管委会": re.compile(_BODY_END),
    "管理委员会": re.compile(_BODY_END),
    "市政府": re.compile(r"市(?:人民)?政府$"),
    "区政府": re.compile(r"区(?:人民)?政府$"),
    "县政府": re.compile(r"县(?:人民)?政府$"),
    "州政府": re.compile(r"州(?:人民)?政府$"),
    "省政府": re.compile(r"省(?:人民)?政府$"),
    "市人民政府": re.compile(r"市人民政府$"),
    "州人民政府": re.compile(r"州人民政府$"),
}
# bare governments that stand for themselves when the article names no fuller form (州政府与国家开发银行…)
_BARE_ALONE = frozenset({"市政府", "区政府", "县政府", "州政府", "省政府", "市人民政府", "州人民政府"})
_TITLE_ONLY_RE = re.compile(
    r"(?:[省市区县州镇乡旗]委|党委|党工委|党组|人大常委会|人大|政协)$|^[省市区县州](?:人民)?政府$"
)
_TITLE_AFTER_RE = re.compile(lx.TITLE_CHAIN)
# 州政府与… / 分别与市政府签订: a bare government after punctuation or a preposition, not inside 广州市政府
_BARE_BODY_RE = re.compile(
    r"(?:(?<![\u4e00-\u9fff、])|(?<=[与和同向及对由为])|(?<=代表))(?:[省市州区县](?:人民)?政府)"
)
_BARE_AFTER_BODY_RE = re.compile(r"(?:委|政府|管委会)[、和及与]$")


def _title_only_body(text: str, c: cd.Cand) -> bool:
    """Is the candidate a party committee or congress written directly before a title (成都市委|书记)?
    A committee of a management committee (…管委会党工委书记) is left to the 管委会 rules."""
    if c.type not in ("GovernmentBody", "Company") or not _TITLE_ONLY_RE.search(c.text):
        return False
    if "管委会" in c.text or "管理委员会" in c.text:
        return False
    return _TITLE_AFTER_RE.match(text, c.end) is not None


def find_committee_candidates(text: str, places: list[cd.Cand]) -> list[cd.Cand]:
    """广州市委 / 南沙区委 said as a body (代表广州市委、市政府): a place followed by its party committee."""
    out = []
    for c in places:
        m = _COMMITTEE_AFTER_PLACE_RE.match(text, c.end)
        if m:
            out.append(cd.Cand(c.start, m.end(), text[c.start : m.end()], "GovernmentBody", "suffix"))
    return out


_COMMITTEE_AFTER_PLACE_RE = re.compile(r"[省市区县州]?委(?![员托会办局])")


def find_bare_bodies(text: str) -> list[cd.Cand]:
    """州政府 / 市政府 standing alone (州政府与国家开发银行…签订): a body of the article's place; not after
    another body of the same place (广州市委、市政府 is the city's government, named by its party's name)."""
    out = []
    for m in _BARE_BODY_RE.finditer(text):
        if _BARE_AFTER_BODY_RE.search(text, max(0, m.start() - 4), m.start()):
            continue
        out.append(cd.Cand(m.start(), m.end(), m.group(0), "GovernmentBody", "suffix"))
    return out


_GOV_WORD = "(?:[省市区县](?:人民)?(?:政府)?)?(?:" + cd._sorted_alt(lx.GOV_SUFFIXES) + ")"
# 市政府金融办、财政局、国土资源局、交通运输局: offices of the article's place listed by their bare names
_BARE_OFFICE_LIST_RE = re.compile(rf"(?<![\u4e00-\u9fff]){_GOV_WORD}(?:、{_GOV_WORD})+(?![\u4e00-\u9fff])")
_BARE_OFFICE_RE = re.compile(_GOV_WORD)


def find_bare_office_lists(text: str) -> list[cd.Cand]:
    """Each office of a list of two or more bare government offices (财政局、国土资源局) is a GovernmentBody."""
    out = []
    for m in _BARE_OFFICE_LIST_RE.finditer(text):
        pos = m.start()
        for item in m.group(0).split("、"):
            if _BARE_OFFICE_RE.fullmatch(item) and item not in ("政府", "委员会", "办公室", "服务中心"):
                out.append(cd.Cand(pos, pos + len(item), item, "GovernmentBody", "list"))
            pos += len(item) + 1
    return out


_SHORT_BRANCH_RE = re.compile(
    "(?:" + lx._first_char_trie(list(lx.PLACES)) + r")(?:省|市|区)?(?:分行|支行|省分行|市分行)"
)


@dataclass
class Entity:
    type: str
    name: str
    surfaces: set[str] = field(default_factory=set)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    person_groups: list = field(default_factory=list)


_ZONE_ANY_RE = re.compile(
    "|".join(sorted((z for z in lx.REGION_SUFFIXES if len(z) >= 2), key=len, reverse=True))
)


_INDUSTRY_END_RE = re.compile("(?:" + _INDUSTRY + ")$")
# 现代服务业集聚区 / 生物医药产业园: a zone named by its industry has no distinctive core to abbreviate it
_INDUSTRY_RUN_RE = re.compile("(?:" + _INDUSTRY + "|现代|服务业|智能|国际)+")


def _brand_core(name: str) -> str:
    """平安直通咨询有限公司 -> 平安直通: the name without legal tail and trailing industry words."""
    m = _LEGAL_END_RE.search(name)
    if not m:
        return ""
    core = cd._strip_place(name[: m.start()]) or name[: m.start()]
    for _ in range(3):
        im = _INDUSTRY_END_RE.search(core)
        if not im or len(core) - len(im.group(0)) < 3:
            break
        core = core[: im.start()]
    return core


@functools.lru_cache(maxsize=1 << 16)
def _region_core(name: str) -> str:
    """The distinctive part of a place name: 上海自贸区临港新片区 -> 临港 (places and zone words removed).
    Cached: clustering compares every surface with every entity (a list of thousands of zones repeats it)."""
    core = _ZONE_ANY_RE.sub("", _PLACE_PREFIX_RE.sub("", name))
    if len(core) < 2:
        core = _PLACE_PREFIX_RE.sub("", name, count=1)
        if len(core) < 2:
            return name  # a bare place (深圳) is its own core
        z = _ZONE_RE.search(core)
        if z and len(core) - len(z.group(0)) >= 2:
            core = core[: z.start()]
    return core


def abbreviates(short: str, full: str) -> bool:
    """深圳高新区 / 深圳高新技术产业开发区, 沈阳综保区管委会 / 沈阳综合保税区管理委员会: a Chinese abbreviation keeps
    the place and the head word and drops characters in between (an in-order subsequence, not a substring)."""
    if full.endswith("委员会") and short.endswith("委") and not short.endswith("委员会"):
        full = full[:-2]  # 国有资产监督管理委员会 -> 国资委: 委员会 is shortened to 委
    if len(short) < 4 or len(short) >= len(full) or short[:2] != full[:2] or short[-1] != full[-1]:
        return False
    if short in full:
        return False  # a contiguous part (上海自贸区 in 上海自贸区临港新片区) names something else
    if short.endswith("委") and sum(map(short.count, "省市县区")) != sum(map(full.count, "省市县区")):
        return False  # 合肥市委 is the city's party committee, not 合肥市包河区委
    it = iter(full)
    return all(ch in it for ch in short)


@functools.lru_cache(maxsize=1 << 16)
def _place_prefix(name: str) -> str:
    """The place a name starts with ('' when none)."""
    m = _PLACE_PREFIX_RE.match(name)
    return m.group(0) if m else ""


def is_short_region(short: str, full: str) -> bool:
    if short == full:
        return False
    if short in _PLACE_SET and _ZONE_ANY_RE.search(full):
        return False  # 南昌 is a city, not a short name of 南昌高新技术产业开发区
    if short in _MULTI_ZONES:
        return full.endswith(short) and len(full) > len(short)
    ps, pf = _place_prefix(short), _place_prefix(full)
    if ps and pf and ps != pf:
        return False  # 大连科学城 is not 北京科学城
    if _region_core(short) == _region_core(full):
        return True
    z = _ZONE_RE.search(full)
    return bool(z) and full[: z.start()] == short and len(short) >= 2


def _resolve_overlaps(cands: list[cd.Cand]) -> list[cd.Cand]:
    """Keep the longest of overlapping candidates (ties: better grammar)."""
    cands = sorted(cands, key=lambda c: (-(c.end - c.start), _TYPE_RANK.get(c.kind, 5), c.start))
    size = max((c.end for c in cands), default=0)
    occupied = bytearray(size)
    kept = []
    for c in cands:
        if 1 in occupied[c.start : c.end]:
            continue
        occupied[c.start : c.end] = b"\x01" * (c.end - c.start)
        kept.append(c)
    return sorted(kept, key=lambda c: c.start)


def _rebind_role_nouns(text: str, mentions: list, appositions: list, by_surface: dict) -> list:
    """合资公司 means the joint venture founded last: the noun right before a name is no mention of its own
    (设立合资公司X), and a later bare 合资公司 refers to the latest X introduced that way."""
    out = []
    for s0, e0, i in mentions:
        noun = text[s0:e0]
        if noun in lx.APPOSITION_NOUNS:
            last = None
            for pos, n, target in appositions:
                if pos > s0:
                    break
                if n == noun:
                    last = (pos, target)
            if last is not None:
                if last[0] == s0:
                    continue
                i = by_surface.get(last[1], i)
        out.append((s0, e0, i))
    return out


def _rebind_bare_bodies(text: str, mentions: list, entities: list, by_surface: dict) -> list:
    """…管理委员会党工委副书记、管委会主任: a bare 管委会 is the nearest such body named before it (the body of a
    party committee counts), else the article's first."""
    if not any(text[s0:e0] in _BARE_BODIES for s0, e0, _i in mentions):
        return mentions
    out = []
    last: dict[str, int] = {}
    for s0, e0, i in mentions:
        word = text[s0:e0]
        if word in _BARE_BODIES:
            i = last.get(word, i)
        elif entities[i].type == "GovernmentBody":
            name = entities[i].name
            pm = _PARTY_OF_RE.match(name)
            body = by_surface.get(pm.group(1)) if pm else i
            if body is not None:
                for bare, rx in _BARE_BODIES.items():
                    if rx.search(entities[body].name):
                        last[bare] = body
        out.append((s0, e0, i))
    return out


_LEADING_TAGS = frozenset({"v", "vd", "vi", "p", "c", "d", "r", "ad", "t"})


def _shrink_verb_led(cands: list[cd.Cand]) -> list[cd.Cand]:
    """彰显新开发银行 where the article also names 新开发银行: a verb glued to the left of a name found on its
    own elsewhere is cut off (the dictionary says the cut-off words are a verb, an adverb, …)."""
    names = {c.text for c in cands if c.type in ORG_TYPES and len(c.text) >= 3}
    out = []
    for c in cands:
        if c.type in ORG_TYPES:
            for k in range(1, min(6, len(c.text) - 2)):
                rest = c.text[k:]
                if rest in names:
                    words = lex.segment(c.text[:k])
                    if words and lex.word_tag(words[0]) in _LEADING_TAGS and words[0] not in cd.NAME_SAFE:
                        c = cd.Cand(c.start + k, c.end, rest, c.type, c.kind)
                    break
        out.append(c)
    return out


def _merge_area_suffix(entities: list[Entity], by_surface: dict[str, int]) -> None:
    """徐州地区 is 徐州: a place + 地区 joins the entity of the place when the article names it too (the
    entity keeps its name; its mentions are gathered later from all surfaces)."""
    for i, ent in enumerate(entities):
        if ent.type != "Region" or not ent.name.endswith("地区") or len(ent.name) < 4:
            continue
        base = ent.name[:-2]
        j = by_surface.get(base)
        if j is None:
            j = next((by_surface[base + c] for c in "市省" if base + c in by_surface), None)
        if j is None or j == i or entities[j].type != "Region":
            continue
        for surf in ent.surfaces:
            by_surface[surf] = j
            entities[j].surfaces.add(surf)
        ent.surfaces = set()  # emptied: never mentioned, dropped with the unmentioned


_DEPT_END_RE = re.compile(r"(?:部|处|科|室|事业部|业务部)$")
_GOV_END_RE = re.compile("(?:" + lx.word_alternation(lx.GOV_SUFFIXES) + ")$")


_UNNAMED_JV_CUE_RE = re.compile(
    r"(?:共同|联合|合资)(?:出资|投资)?(?:设立|成立|组建)(?:一家)?(?:合资公司|项目公司|特殊目的公司)"
    # 分别持有合资公司50%股权 / 合资公司注册资本10亿元，其中A出资…: its holdings are stated
    r"|(?:持有|持股)(?:合资公司|项目公司)|(?:合资公司|项目公司)(?:的)?(?:注册资本|股权结构|股比)"
)
_PLACEHOLDER_NOUNS = ("合资公司", "项目公司", "特殊目的公司")


@dataclass
class EntityTable:
    text: str
    entities: list[Entity]
    by_surface: dict[str, int]
    mention_list: list[tuple[int, int, int]]  # (start, end, entity index), sorted
    person_groups: dict[tuple[int, int], list]  # person mention span -> title groups


def build_entities(text: str) -> EntityTable:
    orgs = (
        cd.find_org_candidates(text)
        + nm.find_code_candidates(text)
        + nm.find_round_candidates(text)
        + nm.find_latin_candidates(text)
    )
    persons = pc.find_person_candidates(text)
    regions = rg.find_region_candidates(text)
    events = sj.find_event_candidates(text) + sj.find_project_candidates(text)
    announcers = (
        sj.find_announcer_candidates(text)
        + sj.find_subject_person_candidates(text)
        + pc.find_signatory_candidates(text)
    )

    # organisations named only by the title chain in front of a person (平安金服党委书记 ...)
    title_orgs = []
    village_starts: list[tuple[int, int]] = []
    for p in persons:
        for gi, g in enumerate(p.groups):
            org = text[g.org_start : g.org_end]
            pm = _PARTY_OF_RE.match(org)
            if pm:
                # 南京科学城管理委员会党工委副书记: 党工委副书记 of the committee
                g.org_end = g.org_start + pm.end(1)
                g.role = org[pm.end(1) :] + g.role
                org = pm.group(1)
            dm = _DEPARTMENT_RE.search(org)
            if dm:
                # 前海管理局金融创新处处长: the person belongs to the body, not to its department
                g.org_end = g.org_start + dm.start(1) + len(dm.group(1))
                org = text[g.org_start : g.org_end]
            if _DEPT_END_RE.search(org) and not _GOV_END_RE.search(org):
                continue  # 星展中国企业及机构银行部主管: a department; the organisation is named before it
            if cd._TITLE_IN_BODY_RE.search(org):
                continue  # 公司总经理兼产业基金负责人: two roles, the words between them name no organisation
            if org.endswith(("事业部", "事业群", "部门")):
                continue  # 商用车事业部总经理: a division of the company named before, not an organisation
            if _PLACE_TITLE_RE.match(g.role) and text[g.org_end : g.org_end + 1] == g.role[:1]:
                continue  # 昆山市花桥|镇党委副书记: the title's level character ends a place, not a company
            vm = _VILLAGE_END_RE.search(org)
            if vm:
                # 南沙区黄阁镇亭角村党支部书记: a village (or community) is a place; it serves the village
                village_starts.append((g.org_start + vm.start(1), g.org_end))
                continue
            if 2 <= len(org) <= 20 and cd.valid_org_body(org, weak=False):
                etype = "Company"
                # the last head word decides (市政府金融办 is a government office, not a company)
                sm = None
                for sm in cd.ORG_SUFFIX_RE.finditer(org):
                    pass
                if sm and sm.end() == len(org) and sm.group("suf"):
                    etype = cd._ORG_SUFFIX_TYPE[sm.group("suf")]
                if re.search(r"区|市|省|县", org[-1:]) or cd.REGION_SUFFIX_RE.fullmatch(org):
                    continue
                title_orgs.append(cd.Cand(g.org_start, g.org_end, org, etype, "title_org"))

    orgs += cd.find_brand_company_candidates(text, orgs)
    regions += [cd.Cand(a, b, text[a:b], "Region", "suffix") for a, b in village_starts]
    base = orgs + title_orgs + announcers + [p.cand for p in persons] + events
    base += find_committee_candidates(text, regions) + find_bare_bodies(text) + find_bare_office_lists(text)
    # 成都市委书记李春城 / 省人大常委会主任: a party committee or congress named only as part of a title is no
    # entity of its own (the official serves the place; see officials.py); named elsewhere, it is one
    base = [c for c in base if not _title_only_body(text, c)]
    base_res = _resolve_overlaps(base)
    known = [(c.start, c.end) for c in base_res if c.type in ORG_TYPES]
    known_types = {(c.start, c.end): c.type for c in base_res if c.type in ORG_TYPES}
    spans = [(c.start, c.end) for c in base_res]
    lists = ls.find_list_candidates(text, known, spans, known_types) + ls.find_closed_list_candidates(
        text, spans
    )
    all_cands = _shrink_verb_led(_resolve_overlaps(base_res + lists + regions))

    # explicit aliases: 平安直通咨询有限公司(下称平安直通)
    alias_of: dict[str, str] = {}
    ends = {c.end: c for c in all_cands}
    for a_s, a_e, p_s, _p_e in sj.find_explicit_aliases(text):
        target = ends.get(p_s)
        if target is not None and target.type != "Event":
            alias_of[text[a_s:a_e]] = target.text
            all_cands.append(cd.Cand(a_s, a_e, text[a_s:a_e], target.type, "alias"))
    # 合肥市新能源汽车产业母基金 … 母基金与4家机构签约: a bare 母基金 is the article's one fund of that kind
    if "母基金" in text:
        mothers = {
            c.text for c in all_cands if c.type == "Fund" and c.text.endswith("母基金") and len(c.text) > 3
        }
        if len(mothers) == 1 and "母基金" not in alias_of:
            alias_of["母基金"] = next(iter(mothers))
            for m in re.finditer("母基金", text):
                all_cands.append(cd.Cand(m.start(), m.end(), "母基金", "Fund", "alias"))
    # role nouns in apposition: 设立合资公司北京时代新能源科技有限公司
    starts = {c.start: c for c in all_cands if c.type in ORG_TYPES}
    appositions: list[tuple[int, str, str]] = []  # (noun start, noun, the name it introduces)
    for noun in lx.APPOSITION_NOUNS:
        for m in re.finditer(noun, text):
            t = starts.get(m.end())
            if t is not None:
                appositions.append((m.start(), noun, t.text))
                alias_of.setdefault(noun, t.text)
    appositions.sort()
    # 共同出资成立合资公司，并以合资公司为主体…: a joint venture that is never named is the entity 合资公司
    if _UNNAMED_JV_CUE_RE.search(text):
        for noun in _PLACEHOLDER_NOUNS:
            if noun in text and noun not in alias_of:
                for m in re.finditer(noun, text):
                    all_cands.append(cd.Cand(m.start(), m.end(), noun, "Company", "placeholder"))

    # places named inside government names (青浦区人民政府 -> 青浦区), zone cores (上海临港新片区 -> 临港)
    for c in list(all_cands):
        if c.type == "GovernmentBody":
            m = _GOV_REGION_RE.match(c.text)
            if m and len(m.group(1)) >= 3:
                all_cands.append(cd.Cand(c.start, c.start + len(m.group(1)), m.group(1), "Region", "derived"))
        if c.type == "GovernmentBody":
            # 杭州高新区管理委员会党工委副书记、管委会主任: the body of the party committee is named too
            pm = _PARTY_OF_RE.match(c.text)
            if pm:
                all_cands.append(
                    cd.Cand(c.start, c.start + pm.end(1), pm.group(1), "GovernmentBody", "derived")
                )
    zone_cores = set()
    for c in all_cands:
        if c.type == "Region":
            core = _region_core(c.text)
            if (
                core != c.text
                and len(core) >= 2
                and len(core) <= 4
                and core not in _PLACE_SET
                and not _ZONE_ANY_RE.fullmatch(core)
                and not _INDUSTRY_RUN_RE.fullmatch(core)
                and all(cd.is_cjk(ch) for ch in core)  # 中国(上海)自由贸易试验区: no "()" core
            ):
                zone_cores.add(core)
    for core in zone_cores:
        for m in re.finditer(core, text):
            all_cands.append(cd.Cand(m.start(), m.end(), core, "Region", "derived"))
            pm = _PLACE_END_RE.search(text[max(0, m.start() - 4) : m.start()])
            if pm:
                s0 = m.start() - len(pm.group(0))
                all_cands.append(cd.Cand(s0, m.end(), text[s0 : m.end()], "Region", "derived"))
    # brand short forms used on their own (远景直通咨询有限公司 ... 远景直通注册地位于 ...)
    seen_short = {c.text for c in all_cands}
    for c in list(all_cands):
        if c.type in ORG_TYPES and c.kind == "suffix":
            short = _brand_core(c.text)
            if short and short not in seen_short and len(short) >= 3:
                seen_short.add(short)
                inside = [(x.start(), x.end()) for x in re.finditer(re.escape(c.text), text)]
                for m in re.finditer(re.escape(short), text):
                    if not any(a <= m.start() and m.end() <= b for a, b in inside):
                        # used on its own somewhere: a surface of the same organisation
                        all_cands.append(cd.Cand(m.start(), m.end(), short, c.type, "short"))
                        break
    # 汇丰银行（中国）有限公司 is written 汇丰中国: brand + the bracketed place
    for c in list(all_cands):
        fm = _LOCAL_BANK_RE.match(c.text) if c.type == "Bank" else None
        if fm:
            short = fm.group(1) + fm.group(2)
            k = text.find(short)
            if k != -1 and short not in seen_short:
                seen_short.add(short)
                all_cands.append(cd.Cand(k, k + len(short), short, "Bank", "short"))
    excluded = [(m.start(), m.end()) for m in _EXCLUDED_RE.finditer(text)]
    # a name first seen inside a title (《江宁智能网联汽车测试示范区…协议》) is part of the title, not a party
    titles = [(m.start(), m.end()) for m in _TITLE_RE.finditer(text)]
    if titles:
        in_title = bytearray(len(text) + 1)
        for a, b in titles:
            in_title[a + 1 : b] = b"\x01" * max(0, b - a - 1)
        all_cands = [c for c in all_cands if c.kind == "alias" or not in_title[c.start]]
    # 投资决策委员会 / 审计委员会: a company's or fund's internal committee is no organisation of the graph
    all_cands = [
        c for c in all_cands if not (c.type == "GovernmentBody" and _INTERNAL_COMMITTEE_RE.search(c.text))
    ]
    if excluded:
        in_excluded = bytearray(len(text) + 1)
        for a, b in excluded:
            in_excluded[a:b] = b"\x01" * (b - a)
        all_cands = [c for c in all_cands if not in_excluded[c.start]]
    places = tuple(
        sorted({c.text for c in all_cands if c.type == "Region"} | zone_cores, key=len, reverse=True)
    )

    # cluster surfaces: longest first, each shorter surface joins the entity it abbreviates
    surf_type: dict[str, str] = {}
    surf_rank: dict[str, int] = {}
    for c in all_cands:
        r = _TYPE_RANK.get(c.kind, 5)
        if c.text not in surf_type or r < surf_rank[c.text]:
            surf_type[c.text], surf_rank[c.text] = c.type, r
    entities: list[Entity] = []
    by_surface: dict[str, int] = {}
    for s in sorted(surf_type, key=lambda x: (-len(x), x)):
        if s in alias_of:
            continue
        t = surf_type[s]
        idx = None
        for i, e in enumerate(entities):
            if t in ORG_TYPES and e.type in ORG_TYPES and is_short_org(s, e.name, places):
                idx = i
                break
            if t == "Region" and e.type == "Region" and is_short_region(s, e.name):
                idx = i
                break
            if t == e.type and t in ("Region", "GovernmentBody") and abbreviates(s, e.name):
                idx = i
                break
            if (
                t == e.type
                and t in ("Region", "GovernmentBody")
                and is_tail_short(s, e.name, t, _BARE_BODIES)
            ):
                idx = i
                break
        if idx is None and t == "GovernmentBody" and s in _BARE_BODIES:
            # a bare 管委会 / 区政府 names the one such body of the article, or (州政府 with no full form) itself
            hits = [i for i, e in enumerate(entities) if e.type == t and _BARE_BODIES[s].search(e.name)]
            if hits:
                idx = hits[0]  # several: each mention is re-bound to the nearest (_rebind_bare_bodies)
            elif s not in _BARE_ALONE:
                continue
        if idx is None and t == "Bank" and _SHORT_BRANCH_RE.fullmatch(s):
            # 上海分行 alone names the one branch of that place the article mentions, or nothing
            hits = [i for i, e in enumerate(entities) if e.type == "Bank" and e.name.endswith(s)]
            if len(hits) != 1:
                continue
            idx = hits[0]
        if idx is None:
            entities.append(Entity(t, s, {s}))
            idx = len(entities) - 1
        else:
            entities[idx].surfaces.add(s)
        by_surface[s] = idx
    for a, target in alias_of.items():
        if target in by_surface:
            by_surface[a] = by_surface[target]
            entities[by_surface[target]].surfaces.add(a)

    add_tail_regions(text, entities, by_surface, surf_type)
    _merge_area_suffix(entities, by_surface)
    # mentions: every occurrence of every surface, longest match wins
    auto = ahocorasick.Automaton()
    for s, i in by_surface.items():
        auto.add_word(s, (len(s), s))
    mention_list: list[tuple[int, int, int]] = []
    if by_surface:
        auto.make_automaton()
        occ = []
        for end_idx, (n, s) in auto.iter(text):
            occ.append((end_idx - n + 1, end_idx + 1, s))
        occ.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        last_end = -1
        chosen = []
        for s0, e0, s in sorted(occ, key=lambda x: (-(x[1] - x[0]), x[0])):
            chosen.append((s0, e0, s))
        occupied = bytearray(len(text))
        excl = bytearray(len(text))
        for x, y in excluded:
            excl[x:y] = b"\x01" * (y - x)
        for s0, e0, s in chosen:
            if 1 in occupied[s0:e0]:
                continue
            t = surf_type.get(s)
            if excl[s0]:
                continue
            if t == "Region" and lx.DATELINE_RE.match(text, e0):
                continue
            if t == "Person" and pc._byline(text, s0, e0):
                continue
            if inside_longer_word(text, s, e0, t, entities[by_surface[s]].name):
                continue
            occupied[s0:e0] = b"\x01" * (e0 - s0)
            mention_list.append((s0, e0, by_surface[s]))
        del last_end
    mention_list.sort()
    if appositions:
        mention_list = _rebind_role_nouns(text, mention_list, appositions, by_surface)
    mention_list = _rebind_bare_bodies(text, mention_list, entities, by_surface)
    for s0, e0, i in mention_list:
        entities[i].mentions.append((s0, e0))
    # entities never mentioned on their own (a place only seen inside a name) are dropped
    keep = [i for i, e in enumerate(entities) if e.mentions]
    remap = {old: new for new, old in enumerate(keep)}
    entities = [entities[i] for i in keep]
    by_surface = {s: remap[i] for s, i in by_surface.items() if i in remap}
    mention_list = [(s0, e0, remap[i]) for s0, e0, i in mention_list]
    person_groups = {(p.cand.start, p.cand.end): p.groups for p in persons}
    return EntityTable(text, entities, by_surface, mention_list, person_groups)
