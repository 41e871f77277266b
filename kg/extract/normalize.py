"""Amounts and dates as the ontology wants them: base units + ISO currency, ISO date prefixes.

Relative dates resolve against the article date: 去年8月 in a 2022 article -> 2021-08. 今日/昨日/昨晚/当日
resolve to the article day (or the day before); 近日/日前/近期 are deliberately left undated (they do not
name a day, and guessing the article date would invent precision the text does not have).
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万亿": 10**12, "亿": 10**8, "千万": 10**7, "百万": 10**6, "万": 10**4, "千": 10**3}
CURRENCIES = {
    "美元": "USD",
    "人民币": "CNY",
    "元": "CNY",
    "港元": "HKD",
    "港币": "HKD",
    "欧元": "EUR",
    "日元": "JPY",
    "英镑": "GBP",
    "新加坡元": "SGD",
    "澳元": "AUD",
}

_NUM = r"(?:\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
AMOUNT_RE = re.compile(
    r"(?:共计|合计|总计|总额|累计)?(?P<pre>超过|超|逾|近|约|达|不低于|不超过)?(?P<cny>人民币)?(?P<num>"
    + _NUM
    + r")"
    r"(?P<unit>万亿|千万|百万|亿|万)?(?P<cur>新加坡元|港元|港币|美元|欧元|日元|英镑|澳元|元)"
)


def parse_cn_number(s: str) -> float | None:
    """Arabic (with thousands commas) or simple Chinese numerals: 3.95, 28,900,000, 百, 三千五百."""
    s = s.replace(",", "")
    try:
        return float(s)
    except ValueError:
        pass
    total, cur = 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            cur = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            total += (cur or 1) * _CN_UNITS[ch]
            cur = 0
        else:
            return None
    return float(total + cur)


def parse_amount(text: str) -> tuple[float, str, str] | None:
    """First money amount in `text` -> (amount in base units, ISO currency, text as written)."""
    for m in AMOUNT_RE.finditer(text):
        num = parse_cn_number(m.group("num"))
        if num is None:
            continue
        mult = _BIG_UNITS.get(m.group("unit") or "", 1)
        cur = CURRENCIES[m.group("cur")]
        value = round(num * mult, 2)  # 2.55亿 must be 255000000, not 254999999.99999997
        return (
            value,
            cur,
            text[
                m.start("pre")
                if m.group("pre")
                else m.start("cny")
                if m.group("cny")
                else m.start("num") : m.end()
            ],
        )
    return None


_FULL = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]")
_YM = re.compile(r"(\d{4})年(\d{1,2})月")
_REL_YM = re.compile(r"(去年|今年|明年|前年)(?:(\d{1,2})月(?:(\d{1,2})[日号])?)?")
_MD = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})[日号]")
_Y = re.compile(r"(?<!\d)(\d{4})年(?!\d{1,2}月)")
_REL_MD = re.compile(r"(上月|本月|当月)(\d{1,2})[日号]")
_REL_DAY = re.compile(r"今日|今天|当日|当天|昨日|昨天|昨晚|上月|本月|当月")
DATE_RE = re.compile("|".join(p.pattern for p in (_FULL, _YM, _REL_YM, _REL_MD, _MD, _Y, _REL_DAY)))


def _article_date(article_date: str | None) -> date | None:
    if not article_date:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", article_date)
    return date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def resolve_date(expr: str, article_date: str | None) -> str | None:
    """One date expression -> ISO prefix, resolved against the article date when relative."""
    ad = _article_date(article_date)
    if m := _FULL.fullmatch(expr):
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
    if m := _YM.fullmatch(expr):
        return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    if m := _REL_YM.fullmatch(expr):
        if ad is None:
            return None
        year = ad.year + {"去年": -1, "今年": 0, "明年": 1, "前年": -2}[m.group(1)]
        if m.group(3):
            return f"{year:04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
        if m.group(2):
            return f"{year:04d}-{int(m.group(2)):02d}"
        return f"{year:04d}"
    if m := _REL_MD.fullmatch(expr):
        if ad is None:
            return None
        first = ad.replace(day=1)
        month = (first - timedelta(days=1)) if m.group(1) == "上月" else first
        return f"{month.year:04d}-{month.month:02d}-{int(m.group(2)):02d}"
    if m := _MD.fullmatch(expr):
        if ad is None:
            return None
        month = int(m.group(1))
        # News reports the recent past: 12月28日 in a January article is last December, not next.
        year = ad.year - 1 if month > ad.month + 2 else ad.year
        return f"{year:04d}-{month:02d}-{int(m.group(2)):02d}"
    if m := _Y.fullmatch(expr):
        return m.group(1)
    if ad is None:
        return None
    if expr in ("今日", "今天", "当日", "当天"):
        return ad.isoformat()
    if expr in ("昨日", "昨天", "昨晚"):
        return (ad - timedelta(days=1)).isoformat()
    if expr in ("本月", "当月"):
        return f"{ad.year:04d}-{ad.month:02d}"
    if expr == "上月":
        first = ad.replace(day=1) - timedelta(days=1)
        return f"{first.year:04d}-{first.month:02d}"
    return None


def find_date(text: str, article_date: str | None) -> str | None:
    """The first resolvable date expression in a sentence, or None."""
    for m in DATE_RE.finditer(text):
        iso = resolve_date(m.group(0), article_date)
        if iso:
            return iso
    return None
