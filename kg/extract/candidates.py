"""Entity candidates from the grammar of Chinese news text.

Organisations: a suffix (有限公司, 集团, 银行, 分行, 管委会, 控股 ...) and the name body before it, whose left
edge is the last boundary (punctuation, digits, cue words such as 与/旗下/通过/签署) in the run of name
characters. Places: zone/administrative suffixes and a small gazetteer. People: a chain of titles followed by
a 2-3 character name starting with a known surname, 女士/先生, and bare names inside lists of organisations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from kg.extract import gazetteer as gz
from kg.extract import lexical as lex
from kg.extract import lexicon as lx


def is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@dataclass
class Cand:
    """One candidate surface at one place; `kind` tells which grammar found it (for validation)."""

    start: int
    end: int
    text: str
    type: str
    kind: str = "suffix"


def _sorted_alt(words) -> str:
    return lx.word_alternation(words)


_ORG_SUFFIX_TYPE: dict[str, str] = {}
for _w in lx.STRONG_COMPANY_SUFFIXES + lx.WEAK_COMPANY_SUFFIXES:
    _ORG_SUFFIX_TYPE[_w] = "Company"
for _w in lx.FUND_SUFFIXES:
    _ORG_SUFFIX_TYPE[_w] = "Fund"
for _w in lx.GOV_SUFFIXES:
    _ORG_SUFFIX_TYPE[_w] = "GovernmentBody"
for _w in lx.BANK_SUFFIXES:
    _ORG_SUFFIX_TYPE[_w] = "Bank"
_WEAK = frozenset(lx.WEAK_COMPANY_SUFFIXES)

ORG_SUFFIX_RE = re.compile(
    r"(?P<paren>[(（](?:集团|控股|中国|香港|北京|上海)[)）](?:股份)?有限(?:责任)?公司|(?:合伙企业)?[(（]有限合伙[)）])|(?P<suf>"
    + _sorted_alt(_ORG_SUFFIX_TYPE)
    + ")"
)
# After a weak suffix these words make it an industry noun (新能源汽车产业), not a name.
_WEAK_NEXT = re.compile(
    r"入|建设|兴业|化|大|小|多|少|规模|额|金额|者|人|方|机构|主体|平台|协议|枢纽|需求|环境|力度|进度|子公司|孙公司|发展|合作|方面|产业|行业|领域|企业|产品|板块|市场|技术|赛道|服务|公司|业务|工厂|项目|集群|供应|能力|资源|园区|股东|报|网|类|等|相关|型"
)
_PLACE_THEN_BUILDS_RE = re.compile(
    r"[\u4e00-\u9fff]{2,10}?(?:省|市|区|县|镇|园区|新区|开发区|高新区)(?:投资)?(?:建设|打造|设立|成立|新建|组建)"
)
_PROJECT_AFTER_RE = re.compile(r"[\u4e00-\u9fff]{0,6}?项目")
_QUANT_RE = re.compile(r"[一二两三四五六七八九十几多数]+余?(?:[家个名位只项条笔年]|个?月)")
_DIGIT_OR_QUANT = re.compile(r"(?<![A-Za-z0-9])\d")  # a count or a date; G60 / 5G inside a name are no count

REGION_SUFFIX_RE = re.compile(_sorted_alt(lx.REGION_SUFFIXES))
REGION_SUFFIX_END_RE = re.compile("(?:" + _sorted_alt(lx.REGION_SUFFIXES) + ")$")
_MULTI_ZONE = frozenset(s for s in lx.REGION_SUFFIXES if len(s) >= 2)


_RUN_RE = re.compile(
    r"(?:[\u4e00-\u9fffA-Za-z]|[A-Za-z][0-9]{1,4}|[(（](?!以下|下称|简称)[\u4e00-\u9fff]{1,7}[)）])+$"
)


# _RUN_RE read right to left: matched on the reversed text at the name's end it finds the same run in one
# pass, where a forward `search(..., endpos)` retries from every start position in the window.
_REV_RUN_RE = re.compile(
    r"(?:[\u4e00-\u9fffA-Za-z]|[0-9]{1,4}[A-Za-z]|[)）][\u4e00-\u9fff]{1,7}(?<!下以|称下|称简)[(（])+"
)  # (G60 read backwards as 06G: a Latin letter with digits inside a name, 长三角G60科创走廊)
_memo: tuple[str, dict] = ("", {})


def article_memo(text: str) -> dict:
    """Scratch space for the article being processed (its reversed text, cut offsets of name runs already
    seen): built on the first call for a new text and dropped with it, so nothing leaks across articles.
    One tuple swap, so concurrent threads never pair a text with another text's memo."""
    global _memo
    memo = _memo
    if memo[0] is not text:
        memo = (text, {None: text[::-1]})
        _memo = memo
    return memo[1]


_SUO_VERB_RE = re.compile(r"持有|持|属|辖|在")


def left_edge(text: str, pos: int, limit: int = 22) -> int:
    """Start of the name ending at `pos`: back over name characters, then after the last cue word."""
    n = len(text)
    memo = article_memo(text)
    m = _REV_RUN_RE.match(memo[None], n - pos, n - max(0, pos - limit))
    if not m:
        return pos
    i = n - m.end()
    # 2022年1月7日中国… / 7家参团银行: a date word or a measure word after a digit is a boundary, not a name
    if i < pos and i > 0 and text[i] in "年月日号家个位名项只笔期" and text[i - 1].isdigit():
        i += 1
    if i < pos and i > 0 and text[i] == "讯" and text[i - 1] in "日电报网":
        i += 1  # 12月1日讯中国银行…: the dateline's 讯
    run = text[i:pos]
    cut = memo.get(run)
    if cut is None:
        cut = memo[run] = _run_cut(run)
    start = i + cut
    if start < pos and text[start] == "所":
        start += 1
    if 0 < start < pos and text[start - 1] == "所":
        # 所持中融基金 / 所属…: 所 makes the verb after it a noun phrase; the name starts after the verb
        v = _SUO_VERB_RE.match(text, start, pos)
        if v and pos - v.end() >= 2:
            start = v.end()
    return start


_INDUSTRY_CUES = frozenset(lx.INDUSTRY_WORDS)


@lru_cache(maxsize=65536)
def _run_cut(run: str) -> int:
    """Offset in a run of name characters after its last boundary word (与/旗下/签署 …, 三家)."""
    cut = 0
    if (
        len(run) >= 3
        and run[0] in "经据"
        and (lx.PLACE_RE.match(run, 1) or run.startswith(("中国", "国家"), 1))
    ):
        cut = 1  # 经江苏省政府…批准 / 据上海市… / 经中国人民银行批准: a preposition before a place-led name
    pm = lx.PLACE_RE.match(run)
    if pm and run.startswith("企业", pm.end()) and len(run) - pm.end() >= 4:
        cut = pm.end() + 2  # 苏州企业恒辉智能科技有限公司: the place describes the company, not its name
    bounds = _word_bounds(run)
    dl = run.find("讯")
    if dl > 0 and run[dl - 1] in "日电报网":
        cut = max(cut, dl + 1)  # 12月1日讯中国银行… / 本报讯: a dateline's 讯 ends it (科大讯飞 keeps its 讯)
    for m in lx.LEFT_CUE_RE.finditer(run):
        if len(m.group(0)) == 1 and (
            m.end() not in bounds or (m.start() not in bounds and _name_word_at(run, m.start()))
        ):
            continue  # 跟进 / 华为 are one word each: their 跟 / 为 is no preposition
        if len(m.group(0)) >= 2 and _cue_overlaps_protected(run, m.start(), m.end()):
            continue  # 华融资产: a cue (融资) whose last character opens a name word (资产) is no cue
        if not lx.is_kept_cue(m.group(0)):
            if m.group(0) == "和" and _he_in_name(run, cut, m.start()):
                continue
            if m.end() == len(run) and m.group(0) in _INDUSTRY_CUES and m.start() - cut >= 2:
                continue  # 华星数据服务|有限公司: a cue word right before the suffix is the name's last word
            cut = max(cut, m.end())
    for m in _QUANT_RE.finditer(run):
        cut = max(cut, m.end())
    cut = max(cut, _word_cut(run, cut))
    if (
        cut + 3 <= len(run)
        and run[cut] in "经据"
        and (lx.PLACE_RE.match(run, cut + 1) or run.startswith(("中国", "国家"), cut + 1))
    ):
        cut += 1  # 并经江苏省政府…批准: the preposition after a cut word
    return cut


# Parts of speech that never open or continue a name: prepositions, conjunctions, pronouns, particles,
# adverbs, time words, interjections (jieba's tags).
_BOUNDARY_TAGS = frozenset(
    [
        "p",
        "c",
        "r",
        "rr",
        "rz",
        "u",
        "uj",
        "ul",
        "uz",
        "ud",
        "ug",
        "uv",
        "d",
        "df",
        "dg",
        "ad",
        "y",
        "e",
        "o",
        "t",
        "tg",
    ]
)
_VERB_TAGS = frozenset({"v", "vd", "vi"})
_OPENING_TAGS = frozenset({"ns", "nt", "j", "nz"})
_BRANDS = frozenset(lx.KNOWN_ORGS) | frozenset(lx.BANK_ABBREVIATIONS) | frozenset(lx.BANK_BRANDS)
NAME_SAFE = _NAME_SAFE = (
    frozenset(lx.INDUSTRY_WORDS)
    | frozenset(lx.PROTECTED)
    | _BRANDS
    | frozenset(_ORG_SUFFIX_TYPE)
    | frozenset(lx.REGION_SUFFIXES)
    | frozenset({"现代", "服务业", "未来", "时代", "世纪", "国际", "高新", "高新技术"})
)


def _opens_name(run: str, at: int, word: str | None) -> bool:
    """Does a name plausibly start at run[at:] (a place, an organisation or brand word, 中国/国家)?"""
    if word is None:
        return False
    return (
        lex.word_tag(word) in _OPENING_TAGS
        or word in _BRANDS
        or lx.PLACE_RE.match(run, at) is not None
        or run.startswith(("中国", "国家"), at)
        or bool(gz.lookup(word))
    )


_TITLE_WORDS = frozenset(lx.TITLES)


def _cue_overlaps_protected(run: str, start: int, end: int) -> bool:
    pm = _PROTECTED_RE.match(run, end - 1)
    return pm is not None and pm.end() > end and end - 1 > start


def _name_word_at(run: str, pos: int) -> bool:
    """Is the dictionary word covering run[pos] a name or brand (华为), not a common word (内向)?"""
    start = 0
    for w in lex.segment(run):
        if start <= pos < start + len(w):
            return w in _BRANDS or lex.word_tag(w) in _NAME_TAGS or lex.word_tag(w) is None
        start += len(w)
    return False


def _word_bounds(run: str) -> frozenset[int]:
    """Offsets in `run` where one dictionary word ends and the next begins."""
    out = {0}
    pos = 0
    for w in lex.segment(run):
        pos += len(w)
        out.add(pos)
    return frozenset(out)


def _word_cut(run: str, cut: int) -> int:
    """Offset after the last whole word of `run[cut:]` that cannot belong to a name: a preposition, pronoun,
    adverb or time word (用国家开发银行, 自…, 近日…), or a verb whose object the name is (期盼国家开发银行)."""
    words = lex.segment(run[cut:])
    pos = cut
    best = cut
    for k, w in enumerate(words):
        end = pos + len(w)
        if w in _TITLE_WORDS and end < len(run):
            # 顾生行长、姚桢副行长代表交行江苏省分行: a title ends the words before a name (总经理兼…: with 兼)
            best = end + (run[end] == "兼")
        elif w not in _NAME_SAFE and end < len(run):
            tag = lex.word_tag(w)
            nxt = words[k + 1] if k + 1 < len(words) else None
            if tag in _BOUNDARY_TAGS and not (w == "和" and _he_in_name(run, best, pos)):
                # a one-character word is a boundary only before a word that opens a name (用|国家开发银行);
                # otherwise it is likely part of a word the dictionary does not know (自|贸区, 维他|奶); and
                # no boundary follows a place (杭州|高新: the place opens the name)
                after_place = k > 0 and lex.word_tag(words[k - 1]) == "ns"
                if after_place and len(w) == 1:
                    pass  # 北京|普|莱德: one character after a place is the brand's first, not a boundary
                elif (len(w) >= 2 and not after_place) or _opens_name(run, end, nxt):
                    best = end
            elif tag in _VERB_TAGS and len(w) >= 2 and _opens_name(run, end, nxt):
                best = end
        pos = end
    return best


_GENERIC_NOUN_RE = re.compile(
    r"企业|机构|平台|单位|主体|(?:共同)?(?:投资|入股|增资|收购|并购|参股|引进|引入)(?=[^有控股])"
)
_TITLE_IN_BODY_RE = re.compile(r"(?:总经理|董事长|副总裁|总裁|负责人|主任|书记|行长|理事长|秘书长)兼")
_PROTECTED_RE = re.compile(lx._first_char_trie(sorted(lx.PROTECTED, key=len, reverse=True)))
_STOP_RE = re.compile("[" + "".join(sorted(lx.STOP_CHARS)) + "]")


_PAREN_RE = re.compile(r"[(（][^()（）]*[)）]")
_SUFFIX_END_RE = re.compile("(?:" + _sorted_alt(_ORG_SUFFIX_TYPE) + ")$")
_NAME_TAIL_RE = re.compile(
    "(?:" + _sorted_alt(lx.INDUSTRY_WORDS) + "|股份有限公司|有限责任公司|有限公司|公司|集团|股份|控股)+$"
)


def _he_in_name(run: str, last: int, j: int) -> bool:
    """Is the 和 at run[j] part of a name? Not a conjunction when no name fits after it (诚和集团), none before
    it (和海集团) or only a bare place before it (山东和天集团)."""
    left = run[last:j]
    if _SUFFIX_END_RE.search(left):
        return False  # 浦发银行云南省分行和交通银行: a complete name before it
    if not left or lx.PLACE_RE.fullmatch(left):
        return True
    raw = _PAREN_RE.sub("", run[j + 1 :])
    if len(_NAME_TAIL_RE.sub("", raw)) >= 2:
        return False  # a name of its own follows (宁波银行和杭州银行)
    if raw:
        return True  # only industry words follow (丰和储能, 正和半导体): no second name
    place = lx.PLACE_RE.match(left)  # 深圳诚和集团: a place-led name before it; 险资和银行 is a conjunction
    return place is not None and place.end() < len(left)


_STOP_BRANDS = sorted((b for b in lx.KNOWN_ORGS if any(c in lx.STOP_CHARS for c in b)), key=len, reverse=True)
_STOP_BRAND_RE = re.compile("|".join(map(re.escape, _STOP_BRANDS))) if _STOP_BRANDS else None


def _mask(body: str) -> str:
    """Hide characters that look like stops but belong to the name: 发展和改革 keeps its 和, and so do 诚和集团
    (nothing after 和 to be a second name), 和海集团 (nothing before it) and 山东和天集团 (only a place before)."""
    masked = _PROTECTED_RE.sub(lambda pm: "〇" * len(pm.group(0)), body)
    if _STOP_BRAND_RE is not None:
        masked = _STOP_BRAND_RE.sub(lambda pm: "〇" * len(pm.group(0)), masked)  # 华为: a brand keeps its 为
    if any(c in lx.STOP_CHARS for c in masked):
        # 埃及政府 / 中国埃及商会: a country's name keeps its 及
        masked = lx.FOREIGN_PLACE_RE.sub(lambda pm: "〇" * len(pm.group(0)), masked)
    if "和" not in masked:
        return masked
    out = list(masked)
    last = 0
    for j, ch in enumerate(masked):
        if ch == "和" and _he_in_name(body, last, j):
            out[j] = "〇"
            continue
        if ch in lx.STOP_CHARS:
            last = j + 1
    return "".join(out)


def _inner_cut(body: str) -> int:
    """Offset where the name really starts inside a run: after a stop character (江苏省属国有…), or after a
    generic noun when a place name follows (国有能源企业江苏省国信 -> 江苏省国信)."""
    cut = 0
    masked = _mask(body)
    for sm in _STOP_RE.finditer(masked):
        cut = sm.end()
    for m in _GENERIC_NOUN_RE.finditer(body, cut):
        if lx.PLACE_RE.match(body, m.end()) and len(body) - m.end() >= 3:
            cut = m.end()
    for m in _TITLE_IN_BODY_RE.finditer(body, cut):
        cut = m.end()  # 公司总经理兼产业基金: a title ends the words before the name
    return cut


@lru_cache(maxsize=8192)
def _generic(body: str) -> bool:
    """True when the body is made only of generic words (金融服务, 国内第二大 ...)."""
    if body in lx.GENERIC_BODIES:
        return True
    n = len(body)
    ok = [False] * (n + 1)
    ok[0] = True
    for k in range(n):
        if not ok[k]:
            continue
        for L in range(1, min(5, n - k) + 1):
            if body[k : k + L] in lx.GENERIC_BODIES:
                ok[k + L] = True
    return ok[n]


def _two_char_brand(body: str) -> bool:
    """大新银行 / 华夏银行: two generic characters that the dictionary does not know as a word are a brand."""
    return len(body) == 2 and body not in lx.GENERIC_BODIES and lex.word_tag(body) is None


_NAME_PREFIX_RE = re.compile(_sorted_alt(lx.NAME_PREFIXES))


_ADMIN_PREFIX_RE = re.compile(r"[\u4e00-\u9fff]{2,3}?[省市区县]")


def _strip_place(body: str) -> str:
    m = _NAME_PREFIX_RE.match(body)
    if m:
        return body[m.end() :]
    m = _ADMIN_PREFIX_RE.match(body)
    return body[m.end() :] if m and len(body) - m.end() >= 2 else body


def valid_org_body(body: str, weak: bool, bank: bool = False) -> bool:
    masked = _mask(body)
    if len(body) < 2 or _STOP_RE.search(masked) or _DIGIT_OR_QUANT.search(body):
        return False
    if lex.word_tag(body) in _TIME_OR_PRONOUN_TAGS:
        return False  # 年内基金公司 / 各地银行: a time word or pronoun before the head word names nothing
    brand = bank and (body in lx.BANK_BRANDS or _two_char_brand(body))
    if _generic(body) and not brand:
        return False  # 建设银行 / 交通银行 are names although 建设 / 交通 are common words; 合作银行 is not
    if weak:
        if len(body) > 6:
            return False
        rest = _strip_place(body)
        if rest and (_generic(rest) or _NAME_TAIL_RE.fullmatch(rest)):
            return False  # 环保科技 / 北京新能源: industry words, no name
        if rest and any(len(w) >= 2 and lex.word_tag(w) in _NEVER_IN_BRAND_TAGS for w in lex.segment(rest)):
            return False  # 国内较早布局新能源 / 受下游新能源: an adverb or locative before an industry word
    return True


_KNOWN_RE = re.compile(_sorted_alt(lx.KNOWN_ORGS))
_NEVER_IN_BRAND_TAGS = frozenset({"d", "r", "f", "s", "b", "zg", "p", "c", "u", "uj", "t"})


def _foreign_brand(body: str) -> bool:
    """A foreign brand (沃尔沃, 丰田 …): 2-5 characters spelled with transliteration characters, or one word the
    dictionary knows as a foreign name (nrt/nz/nt) or not at all; nothing generic."""
    if not 2 <= len(body) <= 5 or _generic(body) or _STOP_RE.search(body):
        return False
    if lx.FOREIGN_PLACE_RE.fullmatch(body) or lx.PLACE_RE.fullmatch(body):
        return False  # 巴西公司 / 德国公司: a company of a country, unnamed
    if sum(c in lx.TRANSLITERATION_CHARS for c in body) >= len(body) - (len(body) > 3):
        return True  # 沃尔沃 / 霍尼韦尔: spelled with the characters of foreign names
    words = lex.segment(body)
    return len(words) == 1 and lex.word_tag(words[0]) in (None, "nrt", "nz", "nt")


def _on_word_bounds(text: str, start: int, end: int) -> bool:
    """Do start and end fall between words when the text around them is segmented (a known name read inside
    美的 of 完美的 does not)?"""
    a = max(0, start - 4)
    b = min(len(text), end + 4)
    bounds = {a}
    pos = a
    for w in lex.segment(text[a:b]):
        pos += len(w)
        bounds.add(pos)
    return start in bounds and end in bounds


_COMPANY_AFTER_RE = re.compile(r"集团|(?:股份)?有限(?:责任)?公司|控股|股份")
_TIME_OR_PRONOUN_TAGS = frozenset({"t", "tg", "r", "rr", "rz", "m", "f", "b"})


_FUND_WORD_RE = re.compile(r"产业|投资|引导|创投|创业|发展|成长|专项|母|子|天使|并购|纾困|双创|科创|股权")
_FUND_PHASE_RE = re.compile(r"[一二三四五六七八九十]期(?![\u4e00-\u9fff]{0,2}(?:项目|工程|基金))")
_FUND_BODY_RE = re.compile(r"基金(?:[一二三四五六七八九十]期)?$")
_BODY_END_RE = re.compile(r"(?:管理委员会|管委会|人民政府|政府)$")


def find_org_candidates(text: str) -> list[Cand]:
    out: list[Cand] = []
    for m in ORG_SUFFIX_RE.finditer(text):
        suf = m.group("suf")
        if m.group("paren"):
            etype, weak = "Company", False
        else:
            etype, weak = _ORG_SUFFIX_TYPE[suf], suf in _WEAK
        with_gongsi = False
        if weak and text.startswith("公司", m.end()):
            # 丰田汽车公司 / 沃尔沃汽车公司: a known or foreign brand before the industry word makes 公司 its form
            b0 = left_edge(text, m.start(), limit=8)
            brand = _strip_place(text[b0 : m.start()])
            with_gongsi = brand in lx.KNOWN_ORGS or _foreign_brand(brand)
        if weak and not with_gongsi and _WEAK_NEXT.match(text, m.end()):
            continue
        if weak and _PROJECT_AFTER_RE.match(text, m.end()):
            continue  # 比亚迪新能源汽车零部件项目: an industry word inside a project's name, no company
        if etype == "GovernmentBody" and _COMPANY_AFTER_RE.match(text, m.end()):
            continue  # 招商局集团 / 港务局有限公司: the bureau word is part of a company's name
        if suf == "产投" and text.startswith("资", m.end()):
            continue  # 固定资产投资: 资产|投资 read across, no company named …产投
        if suf == "银行" and text.startswith(("间", "业", "卡", "账户"), m.end()):
            continue  # 银行间债券市场 / 银行业: not a bank's name
        if suf == "控股" and text.startswith("的", m.end()):
            continue  # 渤海银行控股的天津渤海金控: "controlled by", not a company named 渤海银行控股
        start = left_edge(text, m.start())
        body = text[start : m.start()]
        start += _inner_cut(body)
        body = text[start : m.start()]
        if start > 0 and text[start - 1] == "在":
            vm = _PLACE_THEN_BUILDS_RE.match(body)
            if vm and vm.end() < len(body):
                start += (
                    vm.end()
                )  # 在合肥高新区建设|人工智能研究院: the place and the verb are no part of the name
                body = text[start : m.start()]
        if suf in ("支行", "分行") and body.endswith("分"):
            body = body[:-1]  # 分支行 is the generic word "branches": judge the body before it
        if m.group("paren") and "有限合伙" in m.group("paren"):
            etype = "Fund" if "基金" in body else "Company"
        elif etype == "Company" and body.endswith("银行"):
            etype = "Bank"  # 中国银行（香港）有限公司 / 宁波银行股份有限公司
        elif etype == "Company" and _FUND_BODY_RE.search(body):
            etype = "Fund"  # 国家集成电路产业投资基金二期股份有限公司: a fund in company form
        if not valid_org_body(body, weak, bank=suf == "银行"):
            continue
        legal = m.group("paren") or suf in ("股份有限公司", "有限责任公司", "有限公司", "股份公司")
        if etype == "Fund" and not legal and not _name_like(body, brand_chars=True):
            continue  # 公募基金 / 年内基金 / 一些中小基金: kinds of fund, no names (a legal form names one)
        no_place = _strip_place(body) == body
        if suf == "基金" and 2 <= len(body) <= 4 and no_place and not _FUND_WORD_RE.search(body):
            etype = "Company"  # 诺安基金 / 中融基金: a fund manager known by its brand
        if etype == "Fund" and body.endswith("子") and (len(body) <= 3 or body[-2] in "批支只个家"):
            continue  # 4支子基金 / 首批子基金: sub-funds counted, not named
        if suf == "党工委" and _BODY_END_RE.search(body):
            continue  # 科学城管理委员会党工委书记: the committee's party secretary serves the committee itself
        if weak and start > 0 and text[start - 1] == "由":
            continue  # 由华储能源控股: "controlled by", not a company named …控股
        if weak and not _strip_place(body) and start > 0 and text[start - 1] in "在于到赴向从来":
            continue  # 在北京投资 is a verb phrase, 北京投资 after a boundary is a name
        end = m.end() + (2 if with_gongsi else 0)
        if etype == "Fund" and _FUND_PHASE_RE.match(text, end):
            end += 2  # 国家中小企业发展基金一期: the phase is part of the fund's name
        out.append(Cand(start, end, text[start:end], etype, "suffix"))
    # known short names (support list only)
    for km in _KNOWN_RE.finditer(text):
        if not _on_word_bounds(text, km.start(), km.end()):
            continue  # 完美的 / 施工行业 / 中国建筑业: the known name is part of another word
        out.append(Cand(km.start(), km.end(), km.group(0), lx.KNOWN_ORGS[km.group(0)], "known"))
    return out


_VERB_OR_FUNCTION_TAGS = frozenset({"v", "vn", "vd", "vi", "d", "p", "c", "u", "r", "m", "f", "t"})
_BARE_COMPANY_RE = re.compile(r"(?<![有限分总团金份合子])公司(?![法债章制])")


def find_brand_company_candidates(text: str, orgs: list[Cand]) -> list[Cand]:
    """X公司 with no legal form where the article names X's brand in a full name too (芜湖海螺公司 beside
    安徽海螺水泥股份有限公司: the brand, not a dictionary, says that X is a name), or X is spelled as a
    foreign name (霍尼韦尔公司)."""
    brands = set()
    for c in orgs:
        if c.type not in ("Company", "Bank") or c.kind not in ("suffix", "known"):
            continue
        core = _strip_place(c.text)
        core = _NAME_TAIL_RE.sub("", core) or core
        for n in range(2, min(4, len(core)) + 1):  # 海螺水泥 -> 海螺, 海螺水, 海螺水泥
            brand = core[:n]
            if (
                not _generic(brand)
                and not _STOP_RE.search(brand)
                and not lx.PLACE_RE.fullmatch(brand)
                and lex.word_tag(brand) not in _VERB_OR_FUNCTION_TAGS  # 上市 (北京上市公司协会) is no brand
            ):
                brands.add(brand)
    out: list[Cand] = []
    for m in _BARE_COMPANY_RE.finditer(text):
        start = left_edge(text, m.start(), limit=10)
        body = text[start : m.start()]
        km = _KNOWN_RE.search(body)
        if km and km.start() == 0 and lx.PLACE_RE.fullmatch(body[km.end() :]):
            out.append(Cand(start, m.end(), text[start : m.end()], "Company", "suffix"))  # 中国电信广东公司
            continue
        core = _strip_place(body)
        if core and _foreign_brand(core) and core not in lx.KNOWN_ORGS:
            out.append(Cand(start, m.end(), text[start : m.end()], "Company", "suffix"))  # 霍尼韦尔公司
            continue
        for brand in (body[-n:] for n in (4, 3, 2) if len(body) >= n):
            if brand in brands:
                head = body[: len(body) - len(brand)]
                if head and _strip_place(head + brand) != brand:
                    head = ""  # only a place may stand before the brand (芜湖|海螺)
                    start = m.start() - len(brand)
                out.append(Cand(start, m.end(), text[start : m.end()], "Company", "suffix"))
                break
    return out


_NAME_TAGS = frozenset({"ns", "nt", "nz", "j", "nr", "nrt", "nrfg"})


def _name_like(item: str, brand_chars: bool = False) -> bool:
    """Does a word sequence look like a name: a place, organisation or brand word in it, or a word the
    dictionary does not know (比亚迪)? Descriptions (绿色再制造, 资金运营中心) are made of common words."""
    words = lex.segment(item)
    if any(
        lex.word_tag(w) in _NAME_TAGS or lex.word_tag(w) is None or lx.PLACE_RE.fullmatch(w) for w in words
    ):
        return True
    # 启元智驾: characters the dictionary only knows one by one make a brand (used for funds' bodies)
    return brand_chars and any(len(a) == 1 and len(b) == 1 for a, b in pairwise(words))
