"""More name grammars: names identified by what follows them rather than by a suffix.

- a stock code in brackets: 旭升集团(603305.SH), 某某股份（000001.SZ）, 某某控股（0700.HK）, 某某股份(证券代码：600000);
- the investors of a financing round: 由A领投，B、C跟投 / A参投 (a list before 领投/跟投/参投);
- Latin-script organisation names: BlackRock, Temasek, ABB集团, SK海力士, LG新能源 (a Latin word that is
  the subject or object of a deal, or a Latin head with a Chinese suffix).
"""

from __future__ import annotations

import re

from kg.extract import lexicon as lx
from kg.extract.candidates import Cand, left_edge

_CODE_RE = re.compile(
    r"[(（](?:(?:证券|股票|A股|港股)?代码[：:]?\s*)?(?:\d{6}(?:\.(?:SH|SZ|BJ|sh|sz))?|\d{4,5}\.(?:HK|hk))[)）]"
)
_ROUND_RE = re.compile(r"(?:继续|也|亦|再次|均|则|共同|联合)?(?:领投|跟投|参投)")
_ROUND_CONTEXT_RE = re.compile(r"轮融资|轮投资|融资|募资|投资")
_LATIN_RE = re.compile(r"(?<![A-Za-z0-9.])[A-Z][A-Za-z&]*(?:[ -][A-Z][A-Za-z&]*){0,3}(?![A-Za-z0-9])")
# a Latin head glued to a Chinese name part: ABB集团, SK海力士, LG新能源 (needs a company noun after)
_LATIN_HEAD_RE = re.compile(
    r"(?<![A-Za-z0-9])([A-Z][A-Za-z&]{1,11})((?:[\u4e00-\u9fff]{2,4}?)?(?:集团|公司|控股|股份|银行|资本|基金))"
)
# a Latin head and a short Chinese name before a verb or a boundary: SK海力士与…, LG新能源宣布…
_LATIN_MIXED_RE = re.compile(
    r"(?<![A-Za-z0-9])([A-Z]{2,4})([\u4e00-\u9fff]{2,4}?)(?=与|和|、|及|签署|签约|宣布|共同|表示|投资|出资)"
)
_COMMON_NOUN_RE = re.compile(
    r"(?:能力|产品|技术|标准|认证|项目|业务|芯片|平台|系统|模式|服务|市场|领域|产能|设备)$"
)
_LATIN_VERB_RE = re.compile(r"^(?:与|和|、|及|共同|联合|领投|跟投|参投|投资|宣布|表示|签署|出资|增持|入股)")
_LATIN_BEFORE_RE = re.compile(r"(?:与|和|、|及|由|获得?|引入|联合)$")
_NOT_LATIN = frozenset(
    {"GDP", "CPI", "PPI", "IPO", "CEO", "CFO", "COO", "CTO", "AI", "IT", "PE", "VC", "ESG", "REITs", "REIT",
     "App", "APP", "PMI", "LPR", "M", "B", "A", "FDI", "QFLP", "QDLP", "FT", "EPC", "PPP", "BOT", "ETF",
     "LP", "GP", "The", "In", "On", "Of", "And", "For", "With"}
)  # fmt: skip


def _name_before(text: str, pos: int, limit: int = 14) -> tuple[int, int] | None:
    start = left_edge(text, pos, limit)
    body = text[start:pos]
    if (
        len(body) < 2
        or any(c in lx.STOP_CHARS for c in body)
        or not re.search(r"[\u4e00-\u9fffA-Za-z]{2}", body)
    ):
        return None
    return start, pos


def find_code_candidates(text: str) -> list[Cand]:
    """旭升集团(603305.SH): the name right before a stock code is a listed company."""
    out = []
    for m in _CODE_RE.finditer(text):
        span = _name_before(text, m.start())
        if span:
            name = text[span[0] : span[1]]
            etype = "Bank" if name.endswith("银行") else "Company"
            out.append(Cand(span[0], span[1], name, etype, "coded"))
    return out


def find_round_candidates(text: str) -> list[Cand]:
    """由红杉中国领投，高瓴资本、深创投跟投: the investors named before 领投 / 跟投 / 参投 in a financing context."""
    out = []
    for m in _ROUND_RE.finditer(text):
        ctx = text[max(0, m.start() - 80) : m.end() + 40]
        if not _ROUND_CONTEXT_RE.search(ctx):
            continue
        end = m.start()
        while True:
            start = left_edge(text, end, 14)
            if start > 0 and text[start - 1] == "由" and start < end:
                pass
            body = text[start:end]
            if (
                2 <= len(body) <= 12
                and not any(c in lx.STOP_CHARS for c in body)
                and not lx.TITLE_CHAIN_RE.search(body)
            ):
                etype = "Fund" if body.endswith("基金") else ("Bank" if body.endswith("银行") else "Company")
                out.append(Cand(start, end, body, etype, "round"))
            if start > 0 and text[start - 1] in "、和及":
                end = start - 1
                continue
            break
    return out


def find_latin_candidates(text: str) -> list[Cand]:
    """BlackRock与Temasek…, ABB集团, SK海力士: organisation names written in Latin letters."""
    out = []
    for m in _LATIN_HEAD_RE.finditer(text):
        if m.group(1) not in _NOT_LATIN:
            etype = (
                "Bank"
                if m.group(2).endswith("银行")
                else ("Fund" if m.group(2).endswith("基金") else "Company")
            )
            out.append(Cand(m.start(), m.end(), m.group(0), etype, "latin"))
    for m in _LATIN_MIXED_RE.finditer(text):
        part = m.group(2)
        if (
            m.group(1) not in _NOT_LATIN
            and not _LATIN_VERB_RE.match(part)
            and not _COMMON_NOUN_RE.search(part)
            and not any(c in lx.STOP_CHARS for c in part)
        ):
            out.append(Cand(m.start(), m.end(), m.group(0), "Company", "latin"))
    for m in _LATIN_RE.finditer(text):
        word = m.group(0)
        if word in _NOT_LATIN or len(word) < 3 or word.isupper() and len(word) < 3:
            continue
        after = text[m.end() : m.end() + 4]
        before = text[max(0, m.start() - 2) : m.start()]
        if re.match(r"[\u4e00-\u9fff]", after) and not _LATIN_VERB_RE.match(after):
            continue  # a Latin word glued to Chinese text that follows is part of another name
        if _LATIN_VERB_RE.match(after) or _LATIN_BEFORE_RE.search(before):
            out.append(Cand(m.start(), m.end(), word, "Company", "latin"))
    return out
