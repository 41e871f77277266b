"""Name normalisation rules for Chinese organisation, bank, region and people names.

`name_key(type, form)` turns one surface form into a `Key`: the part that identifies the entity (`core`),
an optional place prefix that was split off (`place`, decided over the whole name set by `kg.resolve.cluster`,
because 上海城投 and 北京城投 must not merge through 城投), and the names of the rules that fired (for
`kg explain`). The functions here are pure, so resolution is order independent by construction.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from kg.ontology import EntityType

# --------------------------------------------------------------------------- vocabularies

# National prefix: 中国平安 = 平安 (unless the rest is generic: 中国银行 is not 银行).
NATIONAL = ("中华人民共和国", "中国")
# Provinces, municipalities and big cities that prefix organisation names (longest first when matching).
PLACES = tuple(
    sorted(
        [
            "北京",
            "上海",
            "天津",
            "重庆",
            "河北",
            "山西",
            "辽宁",
            "吉林",
            "黑龙江",
            "江苏",
            "浙江",
            "安徽",
            "福建",
            "江西",
            "山东",
            "河南",
            "湖北",
            "湖南",
            "广东",
            "海南",
            "四川",
            "贵州",
            "云南",
            "陕西",
            "甘肃",
            "青海",
            "台湾",
            "内蒙古",
            "广西",
            "西藏",
            "宁夏",
            "新疆",
            "香港",
            "澳门",
            "广州",
            "深圳",
            "南京",
            "杭州",
            "宁波",
            "苏州",
            "无锡",
            "厦门",
            "青岛",
            "大连",
            "武汉",
            "成都",
            "西安",
            "长沙",
            "郑州",
            "济南",
            "沈阳",
            "哈尔滨",
            "长春",
            "合肥",
            "南昌",
            "福州",
            "昆明",
            "贵阳",
            "南宁",
            "海口",
            "石家庄",
            "太原",
            "兰州",
            "西宁",
            "银川",
            "乌鲁木齐",
            "拉萨",
            "呼和浩特",
            "珠海",
            "东莞",
            "佛山",
            "温州",
            "绍兴",
            "嘉兴",
            "常州",
            "南通",
            "宿迁",
            "徐州",
        ],
        key=len,
        reverse=True,
    )
)
# Legal-form suffixes, longest first.
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
# Free-trade-zone qualifiers inside region names: 上海自贸区临港新片区 -> 临港新片区.
ZONE_QUALIFIERS = ("中国(上海)自由贸易试验区", "自由贸易试验区", "自贸试验区", "自贸区")
REGION_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "省", "市", "县")
# Words that never identify an entity on their own; a generic alias only links inside its article.
GENERIC = frozenset(
    [
        "银行",
        "商业银行",
        "农商银行",
        "农村商业银行",
        "村镇银行",
        "公司",
        "集团",
        "企业",
        "政府",
        "人民政府",
        "市政府",
        "区政府",
        "县政府",
        "省政府",
        "管委会",
        "新片区",
        "片区",
        "新区",
        "园区",
        "开发区",
        "高新区",
        "经开区",
        "自贸区",
        "保税区",
        "合作区",
        "国际",
        "发展",
        "建设",
        "实业",
        "科技",
        "金融",
        "资本",
        "控股",
        "合资公司",
        "平台公司",
        "子公司",
        "母公司",
        "控股股东",
        "项目公司",
        "基金",
        "投资",
        "证券",
        "保险",
        "信托",
        "本行",
        "该行",
        "该公司",
        "本公司",
        "双方",
        "三方",
        "各方",
        "总部",
        "中心",
        "市",
        "区",
        "省",
        "县",
        "国家",
    ]
)
GENERIC_PREFIXES = ("该", "本", "此", "其", "上述")

# Well-known bank abbreviations -> one canonical core.
BANK_ALIASES: dict[str, str] = {}
for _canon, _forms in {
    "工商银行": "工行 工商银行 中国工商银行 ICBC",
    "农业银行": "农行 农业银行 中国农业银行 ABC",
    "建设银行": "建行 建设银行 中国建设银行 CCB",
    "交通银行": "交行 交通银行 中国交通银行",
    "中国银行": "中行 中国银行 BOC",
    "招商银行": "招行 招商银行",
    "国家开发银行": "国开行 国家开发银行 开发银行 国开银行",
    "进出口银行": "进出口银行 中国进出口银行 口行 进出口行",
    "邮储银行": "邮储银行 邮政储蓄银行 中国邮政储蓄银行",
    "浦发银行": "浦发银行 上海浦东发展银行",
    "民生银行": "民生银行 中国民生银行",
    "光大银行": "光大银行 中国光大银行",
    "中信银行": "中信银行 中国中信银行",
    "农业发展银行": "农发行 农业发展银行 中国农业发展银行",
}.items():
    for _f in _forms.split():
        BANK_ALIASES[_f] = _canon
_BANK_ABBREVS = sorted((f for f in BANK_ALIASES if not f.endswith("银行")), key=len, reverse=True)
_BRANCH_RE = re.compile(
    r"^(?P<parent>.+?(?:银行|农商行|" + "|".join(map(re.escape, _BANK_ABBREVS)) + r"))"
    r"(?P<branch>.+?(?:分行|支行|营业部|分理处))$"
)
BRANCH_WORDS = ("分行", "支行", "营业部", "分理处")
LEGAL_FORMS_IN_PARENS = ("有限合伙", "普通合伙", "特殊普通合伙")
_PAREN_RE = re.compile(r"\(([^()]*)\)")
_SPACE_RE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": "", "”": "", '"': "", "《": "", "》": "", "「": "", "」": "", "'": ""})

ORG_TYPES = frozenset({EntityType.Company, EntityType.Fund, EntityType.GovernmentBody, EntityType.Bank})


@dataclass(frozen=True)
class Key:
    """The identifying part of a name; `place` is a split-off place prefix (None if none)."""

    core: str
    place: str | None
    rules: tuple[str, ...]
    branch: bool = False  # a bank branch: never merges with its parent or a sibling


@lru_cache(maxsize=131072)
def normalize_form(form: str) -> str:
    """Width (NFKC), spaces, bracket and quote normalisation: the display form of a surface name."""
    text = unicodedata.normalize("NFKC", form).translate(_QUOTES)
    text = text.replace("【", "(").replace("】", ")").replace("〔", "(").replace("〕", ")")
    return _SPACE_RE.sub("", text)


@lru_cache(maxsize=65536)
def is_generic(form: str) -> bool:
    """A form that cannot identify an entity across articles (管委会, 合资公司, 该行, 市金融工作局, 四川省分行,
    国际集团)."""
    text = normalize_form(form)
    if len(text) < 2 or text in GENERIC or text[0] in "市区省县":
        return True
    if text.endswith(BRANCH_WORDS) and not _BRANCH_RE.match(text):
        return True
    if any(text.endswith(s) and text[: -len(s)] in GENERIC for s in LEGAL_SUFFIXES + GROUP_SUFFIXES):
        return True  # 国际集团, 投资有限公司
    return any(
        text.startswith(p) and text[len(p) :] in GENERIC | {""} or text.startswith(p + "公司")
        for p in GENERIC_PREFIXES
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
    for p in PLACES:
        if text.startswith(p):
            rest = text[len(p) :]
            if rest[:1] in ("市", "省"):
                rest = rest[1:]
            if len(rest) >= 2 and rest not in GENERIC and rest[0] not in "省区县(" and not is_generic(rest):
                return p, rest
            return None, text
    return None, text


def _distinctive(rest: str) -> bool:
    """What is left after dropping a word must still name something: not a bare place, not generic."""
    bare = rest[:-1] if rest.endswith(("市", "省")) else rest
    return len(rest) >= 2 and not is_generic(rest) and bare not in PLACES and bare not in NATIONAL


def _drop_parens(text: str, rules: list[str]) -> tuple[str, bool]:
    """Drop (集团), (有限合伙) and other asides; keep a place in brackets: 云帆智能(上海) is a subsidiary."""
    group_marker = False

    def repl(m: re.Match) -> str:
        nonlocal group_marker
        inner = m.group(1)
        if inner in PLACES or inner in NATIONAL:
            return m.group(0)
        group_marker = group_marker or "集团" in inner
        return ""

    stripped = _PAREN_RE.sub(repl, text)
    if stripped != text and len(stripped) >= 2:
        rules.append("parenthesised-part")
        return stripped, group_marker
    return text, False


def _org_key(text: str, rules: list[str]) -> str:
    text, group_marker = _drop_parens(text, rules)
    text, legal = _strip_suffix(text, LEGAL_SUFFIXES)
    if legal:
        rules.append("legal-suffix")
        group_marker = group_marker or legal.startswith("集团")
    rest, group = _strip_suffix(text, GROUP_SUFFIXES)
    if group and _distinctive(rest):
        text = rest
        rules.append("group-suffix")
        group_marker = True
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
    return _strip_national(text, rules)


def _bank_core(text: str, rules: list[str]) -> str:
    text = text.replace("农村商业银行", "农商银行").replace("农商行", "农商银行")
    text, legal = _strip_suffix(text, LEGAL_SUFFIXES)
    if legal:
        rules.append("legal-suffix")
    if text in BANK_ALIASES:
        if BANK_ALIASES[text] != text:
            rules.append("bank-abbreviation")
        return BANK_ALIASES[text]
    return _strip_national(text, rules)


def _region_key(text: str, rules: list[str]) -> str:
    for q in ZONE_QUALIFIERS:
        if q in text and not text.endswith(q):
            text = text.replace(q, "")
            rules.append("zone-qualifier")
            break
    text, s = _strip_suffix(text, REGION_SUFFIXES)
    if s:
        rules.append("admin-suffix")
    if (
        text.endswith("区")
        and not text.endswith(
            ("新区", "片区", "园区", "开发区", "景区", "城区", "合作区", "功能区", "保税区", "自贸区")
        )
        and len(text) >= 3
    ):
        text = text[:-1]
        rules.append("admin-suffix")
    return _strip_national(text, rules)


@lru_cache(maxsize=65536)
def name_key(etype: EntityType, form: str) -> Key:
    """The normalised identity of one surface form of an entity of type `etype`."""
    text = normalize_form(form)
    rules: list[str] = []
    etype = EntityType(etype)
    if etype == EntityType.Bank:
        m = _BRANCH_RE.match(text)
        if m:
            parent = _bank_core(m.group("parent"), rules)
            branch = _PAREN_RE.sub("", m.group("branch"))
            for legal in LEGAL_SUFFIXES:
                if branch.startswith(legal):
                    branch = branch[len(legal) :]
                    break
            branch = re.sub(r"(?<=.)[省市](?=分行|支行)", "", branch)
            return Key(core=f"{parent}/{branch}", place=None, rules=tuple(rules) + ("branch",), branch=True)
        core = _bank_core(text, rules)
        place, rest = _split_place(core)
        if place:
            rules.append("place-prefix")
        return Key(core=rest, place=place, rules=tuple(rules))
    if etype in (EntityType.Company, EntityType.Fund):
        core = _org_key(text, rules)
    elif etype == EntityType.GovernmentBody:
        core = text.replace("人民政府", "政府")
        if core != text:
            rules.append("government-short-form")
    elif etype == EntityType.Region:
        core = _region_key(text, rules)
    else:  # Person, Event: the normalised form itself
        return Key(core=text, place=None, rules=tuple(rules))
    place, rest = _split_place(core)
    if place:
        rules.append("place-prefix")
        return Key(core=rest, place=place, rules=tuple(rules))
    return Key(core=core, place=None, rules=tuple(rules))
