"""Names introduced by the list they stand in: members of a list beside a known organisation (A、B与C), and
lists closed by their kind (平安、民生等商业银行; 中远海运、招商局等央企). Split from candidates.py, whose
boundary and validity rules they use."""

from __future__ import annotations

import re
from bisect import bisect_left

from kg.extract import lexical as lex
from kg.extract import lexicon as lx
from kg.extract.candidates import (
    _ORG_SUFFIX_TYPE,
    _SUFFIX_END_RE,
    REGION_SUFFIX_END_RE,
    Cand,
    _generic,
    _name_like,
    _sorted_alt,
    is_cjk,
    left_edge,
)

_LIST_SEP = re.compile(r"、")
_RIGHT_CUE_RE = re.compile(
    r"领投|跟投|参投|继续|共同|分别|签署|签订|签约|等|两|三|四|五|六|七|八|九|十|\d|出资|联合|作为|组成|参与|发起|合计|均|各|在|于|将|拟|也|都|已|为|是|的|向|对|通过|持有|间接|直接|关于|之|合作|共享"
)


def find_list_candidates(
    text: str,
    known: list[tuple[int, int]],
    blocked: list[tuple[int, int]],
    known_types: dict[tuple[int, int], str] | None = None,
) -> list[Cand]:
    """Members of 、-lists next to a known organisation: unknown orgs (北京海纳川) and bare names (徐旭东); in a
    list of banks an unknown member is a bank (中信、浦发银行在岚分支机构)."""
    known_types = known_types or {}
    out: list[Cand] = []
    known_set = sorted(known)
    starts = {s for s, _ in known_set}
    ends = {e for _, e in known_set}
    size = len(text) + 1
    org_mark = bytearray(size)  # 1 where a known organisation starts
    for ks, _ke in known_set:
        org_mark[ks] = 1
    blocked_mark = bytearray(size)
    for bs, be in blocked:
        blocked_mark[bs:be] = b"\x01" * (be - bs)

    known_starts = [ks for ks, _ke in known_set]

    def inside(s: int, e: int) -> list[tuple[int, int]]:
        """Known spans starting in [s, e) (bisect: the scan stays linear in the article)."""
        return known_set[bisect_left(known_starts, s) : bisect_left(known_starts, e)]

    def contains_org(s: int, e: int) -> bool:
        if 1 not in org_mark[s:e]:
            return False
        return any(ke <= e for _ks, ke in inside(s, e))

    longest = max((ke - ks for ks, ke in known_set), default=0)

    def covered(s: int, e: int) -> bool:
        return any(e <= ke for _ks, ke in inside(max(0, s - longest), s + 1))

    for clause in re.finditer(r"[^，,。；;：:！？!?\n（）()“”\"《》]+", text):
        cs, ce = clause.start(), clause.end()
        seg = clause.group(0)
        if "、" not in seg:
            continue
        bounds = [cs] + [cs + m.start() for m in _LIST_SEP.finditer(seg)] + [ce]
        items = []
        for k in range(len(bounds) - 1):
            s = bounds[k] + (1 if k > 0 else 0)
            e = bounds[k + 1]
            if k == 0:
                s = left_edge(text, e, limit=e - s)
            if k == len(bounds) - 2:
                piece = text[s:e]
                # split a final 和/及 member, cut at the first right cue
                parts = re.split(r"以及|[和及与]", piece)
                if len(parts) > 1:
                    items.append((s, s + len(parts[0])))
                    s = s + len(piece) - len(parts[-1])
                rm = _RIGHT_CUE_RE.search(text, s, e)
                e = rm.start() if rm else e
            items.append((s, e))
        has_org = [contains_org(s, e) for s, e in items]
        if sum(has_org) * 2 < len(items):
            continue
        for idx, (s, e) in enumerate(items):
            if e - s < 2 or covered(s, e) or has_org[idx]:
                continue
            neighbour = (idx > 0 and has_org[idx - 1]) or (idx + 1 < len(items) and has_org[idx + 1])
            if not neighbour:
                continue
            item = text[s:e]
            if lx.TITLE_CHAIN_RE.search(item) or 1 in blocked_mark[s:e]:
                continue
            if not all(is_cjk(c) for c in item) or any(c in lx.STOP_CHARS for c in item):
                continue
            kinds = {
                known_types[(ks, ke)]
                for ks, ke in inside(items[0][0], items[-1][1])
                if (ks, ke) in known_types and ke <= items[-1][1]
            }
            if kinds == {"Bank"} and 2 <= len(item) <= 6 and not _generic(item):
                if item in lx.BANK_BRANDS or _name_like(item):
                    out.append(Cand(s, e, item, "Bank", "list"))
            elif (
                2 <= len(item) <= 3
                and (item[0] in lx.SURNAMES_1 or item[:2] in lx.SURNAMES_2)
                and lex.word_tag(item) in (None, "nr", "nrt", "nrfg")
                and not REGION_SUFFIX_END_RE.search(item)
            ):
                out.append(Cand(s, e, item, "Person", "list"))
            elif 2 <= len(item) <= 10 and not _generic(item) and s not in starts and e not in ends:
                sm = _SUFFIX_END_RE.search(item)
                etype = _ORG_SUFFIX_TYPE[sm.group(0)] if sm else "Company"
                out.append(Cand(s, e, item, etype, "list"))
    return out


# X、Y和Z等(N家)?商业银行 / 等企业 / 等N家机构: the closing noun says what the listed names are
_CLOSED_TYPES = {noun: etype for etype, block in lx.LIST_KINDS.items() for noun in block.split()}
_CLOSED_LIST_RE = re.compile(
    r"((?:[\u4e00-\u9fffA-Za-z]{2,12}、)+[\u4e00-\u9fffA-Za-z]{2,12}?)(?:(?:和|及|以及)([\u4e00-\u9fffA-Za-z]{2,12}?))?"
    r"等(?:[\d一二两三四五六七八九十几多]+[家个所])?(?:[\u4e00-\u9fff]{0,4}?)"
    r"(?P<noun>" + _sorted_alt(_CLOSED_TYPES) + ")"
)


def find_closed_list_candidates(text: str, blocked: list[tuple[int, int]]) -> list[Cand]:
    """Names introduced by the list they stand in: 平安、民生等商业银行 (banks), 宁德时代、比亚迪等企业
    (companies). Each member must look like a name (no function character, not a generic word)."""
    out: list[Cand] = []
    blocked_at = bytearray(len(text) + 1)
    for a, b in blocked:
        blocked_at[a:b] = b"\x01" * (b - a)
    for m in _CLOSED_LIST_RE.finditer(text):
        etype = _CLOSED_TYPES[m.group("noun")]
        body_start = left_edge(text, m.start(1) + m.group(1).find("、"), limit=12)
        spans = []
        pos = body_start
        for part in text[body_start : m.end(1)].split("、"):
            spans.append((pos, pos + len(part)))
            pos += len(part) + 1
        if m.group(2):
            spans.append((m.start(2), m.end(2)))
        for s0, e0 in spans:
            item = text[s0:e0]
            if not 2 <= len(item) <= 12 or any(c in lx.STOP_CHARS for c in item) or _generic(item):
                continue
            if blocked_at[s0] or blocked_at[e0 - 1]:
                continue  # a name already found (浦发银行): kept as it is
            if lx.PLACE_RE.fullmatch(item):
                continue  # 北京、上海等城市: places
            if not ((etype == "Bank" and item in lx.BANK_BRANDS) or _name_like(item)):
                continue  # 保险资管、国有大行等机构: descriptions made of common words
            out.append(Cand(s0, e0, item, etype, "list"))
    return out
