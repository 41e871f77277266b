"""Is one surface a short form of another organisation name? How Chinese news shortens names: drop a leading
place (中国进出口银行 -> 进出口银行), keep the brand and drop industry words and the legal tail (旭升集团), or keep
the first characters of each word (浙江省能源集团 -> 浙能集团: a skipping subsequence)."""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract import lexicon as lx

_PLACE_PREFIX_RE = re.compile("(?:" + lx._first_char_trie(list(lx.NAME_PREFIXES)) + ")")
_INDUSTRY = lx._first_char_trie(sorted(lx.INDUSTRY_WORDS, key=len, reverse=True))
_TAIL_RE = re.compile(
    r"(?P<ind>(?:" + _INDUSTRY + r")*)(?P<grp>[(（]集团[)）]|集团)?(?:[(（][\u4e00-\u9fff]{2,4}[)）])?"
    r"(?:股份有限公司|有限责任公司|有限公司|股份公司|控股|公司)?"
)
_SHORT_TAIL_RE = re.compile(r"(集团|控股|公司|股份)$")
_LOCAL_BANK_RE = re.compile(r"^([\u4e00-\u9fff]{2,4})银行[（(](中国|香港|澳门)[）)]有限公司$")

_LEGAL_END_RE = re.compile(
    r"(?:[(（][\u4e00-\u9fff]{2,6}[)）])?(?:股份有限公司|有限责任公司|有限公司|股份公司)$"
)


@lru_cache(maxsize=4096)
def _strip_places(name: str, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The name and its forms without a leading place or country (中国进出口银行 -> 进出口银行)."""
    forms = [name]
    m = _PLACE_PREFIX_RE.match(name)
    if m and len(name) - m.end() >= 2:
        forms.append(name[m.end() :])
    for p in extra:
        if name.startswith(p) and len(name) - len(p) >= 2:
            forms.append(name[len(p) :])
    if len(forms) == 1 and len(name) >= 6:
        # an unknown 2-character place in front (宁海鼎盛集团股份有限公司 -> 鼎盛集团股份有限公司)
        forms.append(name[2:])
    return tuple(forms)


@lru_cache(maxsize=8192)
def _full_profile(full: str) -> tuple[str | None, str | None, tuple[tuple[str, str], ...], str | None]:
    """What `is_short_org` needs to know about the long name, computed once per name (the check runs for
    every pair of surfaces of an article): its 政府 form, its bank brand form (汇丰中国), the bank
    abbreviations whose full word it contains, and the group name of a regional arm."""
    gov = full.replace("人民政府", "政府") if "人民政府" in full else None
    fm = _LOCAL_BANK_RE.match(full)
    bank = fm.group(1) + fm.group(2) if fm else None
    abbrs = tuple((a, w) for a, w in lx.BANK_ABBREVIATIONS.items() if w in full)
    rm = _REGIONAL_ARM_RE.match(full)
    return gov, bank, abbrs, rm.group(1) if rm else None


def is_short_org(short: str, full: str, extra: tuple[str, ...] = ()) -> bool:
    """Is `short` how the article abbreviates the organisation `full`? (`extra`: the article's places)"""
    if short == full or len(short) < 2 or short[0] not in full:
        # every way of shortening keeps the first character somewhere in the full name (bank abbreviations
        # too: each abbreviation's first character is in its full word)
        return False
    if _group_short(short, full):
        return True
    gov_short, bank_short, abbrs, arm = _full_profile(full)
    if short == gov_short or short == bank_short:
        return True
    for abbr, whole in abbrs:
        if abbr in short:
            if whole in short:
                continue
            short = short.replace(abbr, whole)  # 建行江西省分行 -> 建设银行江西省分行
            if short == full:
                return True  # 中行苏州分行 -> 中国银行苏州分行
            break
    if short == arm:
        return False  # 华锐精密 is the group; 华锐精密（香港）有限公司 is its regional arm
    tail0 = _SHORT_TAIL_RE.search(short)
    if (short[: tail0.start()] if tail0 else short) not in full:
        return _skip_abbreviates(short, full, extra)
    for f in _strip_places(full, extra):
        if short == f:
            return True
        tail = _SHORT_TAIL_RE.search(short)
        core = short[: tail.start()] if tail else short
        if len(core) < 2 or not f.startswith(core):
            continue
        rest = f[len(core) :]
        if not rest:
            continue
        m = _TAIL_RE.fullmatch(rest)
        if not m or not m.group(0):
            continue
        if tail and tail.group(1) == "股份" and "股份" not in rest:
            continue  # 华信股份 is a joint-stock company: not 广州华信物流有限公司
        if tail and tail.group(1) == "集团":
            grp = m.group("grp")
            # 广州工控集团 is not 广州工控汽车零部件集团: industry words before a bare 集团 name another group
            if not grp or (m.group("ind") and grp == "集团"):
                continue
        return True
    return False


_REGIONAL_ARM_RE = re.compile(
    r"^([\u4e00-\u9fff]{2,8})[（(](?:"
    + lx._first_char_trie(list(lx.NAME_PREFIXES))
    + r")[)）](?:有限公司|有限责任公司|股份有限公司)$"
)
_PARTNERSHIP_END_RE = re.compile(r"[(（]有限合伙[)）]$")


def _group_short(short: str, full: str) -> bool:
    """江西省高速集团 / 江西省高速公路投资集团有限责任公司: a group's words shortened in order, 集团 kept."""
    if not short.endswith("集团") or len(short) < 5 or "银行" in full:
        return False
    lm = _LEGAL_END_RE.search(full)
    body = full[: lm.start()] if lm else full
    if not body.endswith("集团") or len(body) <= len(short) or short[:2] != body[:2] or short in body:
        return False
    it = iter(body[:-2])
    return all(ch in it for ch in short[:-2])


def _skip_abbreviates(short: str, full: str, extra: tuple[str, ...]) -> bool:
    """浙能集团 / 浙江省能源集团有限公司, 中远海运集团 / 中国远洋海运集团有限公司, 交投 for 交通投资: a company short
    name keeps the first characters of each word of the registered name, in order (a skipping subsequence);
    banks are left to their own abbreviation table (中国银行 is a subsequence of 中国农业银行)."""
    if len(short) < 4 or short[0] not in full or "银行" in full or _LEGAL_END_RE.search(short):
        return False
    lm = _LEGAL_END_RE.search(full) or _PARTNERSHIP_END_RE.search(full)
    if not lm or lm.group(0)[0] in "(（" and "合伙" not in lm.group(0):
        return False  # 海川新能源（鄂尔多斯）有限公司: a regional subsidiary, not the group 海川能源
    for f in _strip_places(full[: lm.start()], extra):
        if len(f) > len(short) and f[0] == short[0] and short not in f:
            it = iter(f)
            if all(ch in it for ch in short):
                return True
    return False
