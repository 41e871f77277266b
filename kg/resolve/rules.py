"""Name normalisation rules for Chinese organisation, bank, region and people names.

`name_key(type, form)` turns one surface form into a `Key`: the part that identifies the entity (`core`),
an optional place prefix that was split off (`place`, decided over the whole name set by `kg.resolve.cluster`,
because 上海城投 and 北京城投 must not merge through 城投), the names of the rules that fired (for
`kg explain`), and what the name says about the kind of thing it names (a bank branch and its head office,
a registered legal form, a zone or a plain place), which the guards of `kg.resolve.cluster` compare. The
vocabularies are data (kg/resolve/data/*.yaml, see kg.resolve.lexicon). The functions here are pure, so
resolution is order independent by construction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kg.ontology import EntityType
from kg.resolve.lexicon import lexicon

LEX = lexicon()
# National prefix: 中国平安 = 平安 (unless the rest is generic: 中国银行 is not 银行).
NATIONAL = ("中华人民共和国", "中国")
PLACES = LEX.places
PLACE_SET = frozenset(PLACES)
_PLACE_RE = re.compile("|".join(map(re.escape, PLACES)))  # longest first: the first alternative that fits
# Legal-form suffixes, longest first, and the legal class each one states.
LEGAL_SUFFIXES = (
    "集团股份有限公司",
    "集团有限责任公司",
    "集团有限公司",
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "股份公司",
    "总公司",
)
GROUP_SUFFIXES = ("集团公司", "集团")
# Industry words dropped from a registered name when the rest stays distinctive (平安直通咨询有限公司).
DESCRIPTORS = ("咨询", "科技", "投资", "实业", "控股", "发展", "建设", "管理", "服务", "贸易", "保险")
# Descriptors dropped after a group marker: 中国平安保险(集团)股份有限公司 -> 中国平安.
GROUP_DESCRIPTORS = ("保险", "控股", "实业", "投资")
BRANCH_WORDS = ("分行", "支行", "营业部", "分理处")
_PAREN_RE = re.compile(r"\(([^()]*)\)")
_SPACE_RE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": "", "”": "", '"': "", "《": "", "》": "", "「": "", "」": "", "'": ""})
_BANK_PARENT_RE = re.compile(r"^(.+?(?:银行|农商行))((?:股份有限公司|有限责任公司|有限公司)?)(.+)$")
_LEVEL_RE = re.compile(r".*?(?:分行|支行|营业部|分理处)")
_ADMIN_BEFORE_BRANCH = re.compile(r"(?<=.)[省市](?=分行|支行)")

ORG_TYPES = frozenset({EntityType.Company, EntityType.Fund, EntityType.GovernmentBody, EntityType.Bank})


@dataclass(frozen=True)
class Key:
    """The identifying part of a name; `place` is a split-off place prefix (None if none)."""

    core: str
    place: str | None
    rules: tuple[str, ...]
    branch: bool = False  # a bank branch: never merges with its parent or a sibling
    parent: str | None = None  # a branch's head office (its core, e.g. 工商银行)
    legal: str | None = (
        None  # registered legal form: "stock" (股份有限公司), "group" (集团有限公司), "company"
    )
    hint: str | None = None  # a short form's hint at the legal form: XX集团 -> "group", XX股份 -> "stock"
    kind: str | None = None  # regions: "place", "zone", "subzone", "area" (None: a bare name)
    needs_place: bool = False  # an industry-only core (城投, 高速): identifies nothing without its place

    @property
    def full(self) -> str:
        return (self.place or "") + self.core


@lru_cache(maxsize=131072)
def normalize_form(form: str) -> str:
    """Width (NFKC), spaces, bracket and quote normalisation: the display form of a surface name."""
    text = unicodedata.normalize("NFKC", form).translate(_QUOTES)
    text = text.replace("【", "(").replace("】", ")").replace("〔", "(").replace("〕", ")")
    return _SPACE_RE.sub("", text)


_GOVERNMENT_OF = re.compile(r"(?<=[市省区县州])政府(?=..)")


def _government_short(text: str) -> str:
    """Long words to short ones, and a government's own word before its body dropped:
    南京市人民政府国有资产监督管理委员会 -> 南京市国资委."""
    text = LEX.government_names.get(text, text)
    for long, short in LEX.government_contractions:
        text = text.replace(long, short)
    return _GOVERNMENT_OF.sub("", text)


@lru_cache(maxsize=65536)
def is_generic(form: str) -> bool:
    """A form that cannot identify an entity across articles (管委会, 合资公司, 该行, 市金融工作局, 四川省分行,
    国际集团, 新片区管委会)."""
    text = normalize_form(form)
    generic = LEX.generic_names
    if len(text) < 2 or text in generic or text[0] in "市区省县州":
        return True
    if text.endswith(BRANCH_WORDS) and split_branch(text) is None:
        return True
    if any(text.endswith(s) and text[: -len(s)] in generic for s in LEGAL_SUFFIXES + GROUP_SUFFIXES):
        return True  # 国际集团, 投资有限公司
    short = _government_short(text)
    for head in LEX.government_heads:
        if short.endswith(head):
            rest = short[: -len(head)]
            if not rest or rest in generic or len(rest) == 1:
                return True  # 市政府, 新片区管委会, 区委
            break
    return any(
        text.startswith(p) and text[len(p) :] in generic | {""} or text.startswith(p + "公司")
        for p in LEX.generic_prefixes
    )


def _strip_suffix(text: str, suffixes: tuple[str, ...], min_rest: int = 2) -> tuple[str, str | None]:
    for s in suffixes:
        if text.endswith(s) and len(text) - len(s) >= min_rest:
            return text[: -len(s)], s
    return text, None


def _strip_national(text: str, rules: list[str]) -> str:
    for p in NATIONAL:
        rest = text[len(p) :]
        if (
            text.startswith(p)
            and len(rest) >= 2
            and not is_generic(rest)
            and rest[0] != "("
            and not rest.startswith("银行")
        ):
            rules.append("national-prefix")
            return rest
    return text


def _split_place(text: str) -> tuple[str | None, str]:
    """上海城投 -> (上海, 城投); not when the rest is generic or an admin suffix follows (上海市政府)."""
    m = _PLACE_RE.match(text)
    if m is None:
        return None, text
    p = m.group(0)
    rest = text[len(p) :]
    if rest[:1] in ("市", "省"):
        rest = rest[1:]
    if len(rest) >= 2 and rest[0] not in "省区县(" and not is_generic(rest):
        return p, rest
    return None, text


def _distinctive(rest: str) -> bool:
    """What is left after dropping a word must still name something: not a bare place, not generic."""
    bare = rest[:-1] if rest.endswith(("市", "省")) else rest
    return len(rest) >= 2 and not is_generic(rest) and bare not in PLACE_SET and bare not in NATIONAL


def _drop_parens(text: str, rules: list[str]) -> tuple[str, bool]:
    """Drop (集团), (有限合伙) and other asides; keep a place in brackets: 云帆智能(上海) is a subsidiary."""
    group_marker = False

    def repl(m: re.Match) -> str:
        nonlocal group_marker
        inner = m.group(1)
        if inner in PLACE_SET or inner in NATIONAL:
            return m.group(0)
        group_marker = group_marker or "集团" in inner
        return ""

    stripped = _PAREN_RE.sub(repl, text)
    if stripped != text and len(stripped) >= 2:
        rules.append("parenthesised-part")
        return stripped, group_marker
    return text, False


def _contract(text: str, rules: list[str]) -> str:
    """高速公路投资 -> 高速, 交通投资 -> 交投 (names.yaml company_contractions)."""
    out = text
    for long, short in LEX.company_contractions:
        if long in out and len(out) > len(long):
            out = out.replace(long, short)
    if out != text:
        rules.append("short-industry-word")
    return out


def _org_key(text: str, rules: list[str]) -> tuple[str, str | None, str | None]:
    """(core, legal class, short-form hint) of a company or fund name."""
    text, paren_group = _drop_parens(text, rules)
    text, legal = _strip_suffix(text, LEGAL_SUFFIXES)
    group_marker = paren_group
    legal_class = hint = None
    if legal:
        rules.append("legal-suffix")
        group_marker = group_marker or legal.startswith("集团")
        stock = "股份" in legal
        legal_class = (
            None if stock and group_marker else "stock" if stock else "group" if group_marker else None
        )
    rest, group = _strip_suffix(text, GROUP_SUFFIXES)
    if group and _distinctive(rest):
        text = rest
        rules.append("group-suffix")
        group_marker = True
        hint = "group"
    elif not legal:
        rest, stock_word = _strip_suffix(text, ("股份",))
        if stock_word and _distinctive(rest):
            text, hint = rest, "stock"
            rules.append("stock-suffix")
    text = _contract(text, rules)
    if group_marker:
        rest, d = _strip_suffix(text, GROUP_DESCRIPTORS)
        if d and _distinctive(rest):
            text = rest
            rules.append("group-descriptor")
    elif legal:
        rest, d = _strip_suffix(text, DESCRIPTORS, min_rest=3)
        if d and _distinctive(rest):
            text = rest
            rules.append("industry-descriptor")
            legal_class = legal_class or "company"
    return _strip_national(text, rules), legal_class, hint


def _bank_core(text: str, rules: list[str], *, brands: bool) -> str:
    text = text.replace("农村商业银行", "农商银行").replace("农商行", "农商银行")
    text, legal = _strip_suffix(text, LEGAL_SUFFIXES)
    if legal:
        rules.append("legal-suffix")
    canon = LEX.bank_forms.get(text) or (LEX.bank_brands.get(text) if brands else None)
    if canon:
        if canon != text:
            rules.append("bank-brand" if text in LEX.bank_brands else "bank-abbreviation")
        return canon
    return _strip_national(text, rules)


def _branch_level(level: str) -> str:
    """One level of a branch name without the 省/市 of its place: 湖北省分行 -> 湖北分行."""
    for full, short in LEX.province_full.items():
        if level.startswith(full) and len(level) > len(full):
            return short + level[len(full) :]
    return _ADMIN_BEFORE_BRANCH.sub("", level)


@lru_cache(maxsize=65536)
def split_branch(text: str) -> tuple[str, str] | None:
    """工行北京市分行 -> (工行, 北京市分行); None when the name does not start with a bank."""
    if not text.endswith(BRANCH_WORDS):
        return None
    m = _BANK_PARENT_RE.match(text)
    if m and m.group(3) not in BRANCH_WORDS:
        return m.group(1), m.group(3)
    for prefix in LEX.bank_prefixes:
        rest = text[len(prefix) :]
        if text.startswith(prefix) and len(rest) > 2 and rest not in BRANCH_WORDS:
            return prefix, rest
    return None


def branch_part(raw: str) -> str:
    """The identifying part of a branch: parentheses and legal words out, 省/市 optional, and of several
    levels (福州分行平潭支行) the last one, unless it has no place of its own (上海分行营业部)."""
    text = _PAREN_RE.sub("", raw)
    for legal in LEGAL_SUFFIXES:
        if text.startswith(legal):
            text = text[len(legal) :]
            break
    levels = _LEVEL_RE.findall(text) or [text]
    keep = levels[-1:] if len(levels) == 1 or levels[-1] not in BRANCH_WORDS else levels[-2:]
    return "".join(_branch_level(level) for level in keep)


def parent_branch(form: str) -> str | None:
    """The key of the branch a sub-branch belongs to, when its name says so: 招商银行福州分行平潭支行 ->
    招商银行/福州分行 (None for a one-level name)."""
    parts = split_branch(normalize_form(form))
    if parts is None:
        return None
    text = _PAREN_RE.sub("", parts[1])
    levels = [level for level in _LEVEL_RE.findall(text) if level not in BRANCH_WORDS]
    if len(levels) < 2:
        return None
    return f"{_bank_core(parts[0], [], brands=True)}/{_branch_level(levels[-2])}"


def region_kind(text: str) -> str | None:
    """What a region name denotes by its last word (names.yaml region_kinds); a known place is a place."""
    for suffix, kind in LEX.region_kinds:
        if text.endswith(suffix) and len(text) > len(suffix):
            return kind
    bare = text[2:] if text.startswith(NATIONAL[1]) and len(text) > 3 else text
    return "place" if bare in PLACE_SET else None


def _drop_zone_qualifier(text: str, rules: list[str]) -> str:
    """上海自贸区临港新片区(管委会) -> 上海临港新片区(管委会): only when a zone's own name follows the qualifier,
    so 上海自贸区 and its 管委会 keep theirs."""
    for q in LEX.zone_qualifiers:
        at = text.find(q)
        if at < 0:
            continue
        after = text[at + len(q) :]
        for head in LEX.government_heads:
            after = after.removesuffix(head)
        if len(after) >= 2:
            rules.append("zone-qualifier")
            return text[:at] + text[at + len(q) :]
        return text
    return text


def _region_key(text: str, rules: list[str]) -> str:
    text = _drop_zone_qualifier(text, rules)
    short = LEX.province_full.get(text)
    if short:
        rules.append("admin-suffix")
        return short
    for s in (
        "特别行政区",
        "自治区",
        "地区",
        "区域",
        "省",
        "市",
        "县",
    ):  # 长三角区域 = 长三角, 新疆地区 = 新疆
        rest, found = _strip_suffix(text, (s,))
        if found:
            text = rest
            rules.append("admin-suffix")
            break
    if text.endswith("区") and region_kind(text) == "place" and len(text) >= 3:
        text = text[:-1]
        rules.append("admin-suffix")
    return _strip_national(text, rules)


def _bank_key(text: str, rules: list[str]) -> Key:
    parts = split_branch(text)
    if parts:
        parent = _bank_core(parts[0], rules, brands=True)
        branch = branch_part(parts[1])
        return Key(
            core=f"{parent}/{branch}", place=None, rules=(*rules, "branch"), branch=True, parent=parent
        )
    core = _bank_core(text, rules, brands=True)
    place, rest = _split_place(core)
    if place:
        rules.append("place-prefix")
    return Key(core=rest, place=place, rules=tuple(rules))


@lru_cache(maxsize=65536)
def name_key(etype: EntityType, form: str) -> Key:
    """The normalised identity of one surface form of an entity of type `etype`."""
    text = normalize_form(form)
    rules: list[str] = []
    etype = EntityType(etype)
    legal = hint = kind = None
    if etype == EntityType.Bank:
        return _bank_key(text, rules)
    if etype in (EntityType.Company, EntityType.Fund):
        core, legal, hint = _org_key(text, rules)
    elif etype == EntityType.GovernmentBody:
        core = _government_short(text)
        if core != text:
            rules.append("government-short-form")
        core = _drop_zone_qualifier(core, rules)
    elif etype == EntityType.Region:
        kind = region_kind(text)
        core = _region_key(text, rules)
    else:  # Person, Event: the normalised form itself
        return Key(core=text, place=None, rules=tuple(rules))
    place, rest = _split_place(core)
    if place:
        rules.append("place-prefix")
        core = rest
    needs = place is None and core in LEX.industry_cores
    return Key(core, place, tuple(rules), legal=legal, hint=hint, kind=kind, needs_place=needs)
