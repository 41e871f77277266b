"""Cross-border financing: the borrower, the bank or channel that brought the funds (通过/借助X), and the
foreign source that lends (资金由X提供 / 借入境外关联公司X提供的…)."""

from __future__ import annotations

import re

from kg.extract.normalize import find_date, parse_amount
from kg.extract.relations.base import Ctx, _first_after, _last_before, _list_from, _orgs
from kg.extract.relations.shares import find_lender_shares

# 通过 / 借助 / 经由工商银行: the channel the funds come through
_VIA_RE = re.compile(r"通过|借助|经由")
# 从其德国母公司: the parent that lends to its subsidiary
_FROM_PARENT_RE = re.compile(r"从其?([^，,。；;]{0,8}?)母公司")
_NEGATED_RE = re.compile(r"并未|未参与|没有参与|未能|尚未参与|不参与")

_XB_RE = re.compile(
    r"境外(?:银团)?融资|跨境融资|跨境[^，,。；;]{0,8}?资金池|外债|境外资金|跨境(?:人民币)?贷款|境外(?:银团)?贷款"
    r"|跨境(?:股东)?借款|内保外贷|境外[^，,。；;]{0,6}?债券"
)
# 资金由招商银行香港分行提供 / 资金来自X / 借入境外关联公司X提供的…: the foreign source lends
_XB_SOURCE_RE = re.compile(r"(?:资金|款项)(?:由|来自|来源于)|借入(?:境外)?(?:关联公司|关联方|母公司|股东)?")


_XB_LENDS_RE = re.compile(
    r"(?:共同|联合)?(?:为|向)[^，,。；;]{2,40}?(?:提供|发放|投放)[^，,。；;]{0,20}?(?:贷款|银团)"
)


_SERVES_RE = re.compile(
    r"为(?=[^，。；]{2,40}?(?:办理|实现|完成|搭建)[^，。；]{0,12}?(?:境外|跨境|外债|内保外贷))"
)
# 在建设银行上海分行的协助下，X成功发行…境外债券: the bank that helped is the channel
_HELPED_BY_RE = re.compile(r"在(?=[^，。；]{2,30}?的(?:协助|帮助|支持|牵头)下)")


def _bank_before(ctx: Ctx, ms, pos: int) -> int | None:
    banks = [x[2] for x in ms if x[1] <= pos and ctx.etype(x[2]) == "Bank"]
    return banks[-1] if banks else None


def rule_cross_border(ctx: Ctx, s: int, e: int, ms) -> None:
    sent = ctx.text[s:e]
    xm = _XB_RE.search(sent)
    if not xm or _NEGATED_RE.search(sent):
        return
    via = _VIA_RE.search(sent)
    borrower, channels = None, []
    hm = _HELPED_BY_RE.search(sent)
    if hm and not via:
        k = _first_after(ctx, ms, s + hm.end(), 0)
        kb = _first_after(ctx, ms, s + sent.index("下", hm.end()) + 1, 2)
        if (
            k is not None
            and kb is not None
            and ctx.etype(ms[k][2]) == "Bank"
            and ctx.etype(ms[kb][2]) != "Bank"
        ):
            props = {"date": find_date(sent, ctx.date)}
            amt = parse_amount(sent)
            if amt:
                props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
            ctx.add("CROSS_BORDER_FINANCING", ms[kb][2], ms[k][2], props, (s, e))
            return
    served = _SERVES_RE.search(sent)
    if via:
        k = _last_before(ctx, ms, s + via.start(), 6)
        borrower = ms[k][2] if k is not None else None
        k2 = _first_after(ctx, ms, s + via.end(), 1)
        if k2 is not None:
            channels = [m[2] for m in _list_from(ctx, ms, k2)]
    if served and (borrower is None or ctx.etype(borrower) == "Bank"):
        # 兴业银行福州分行通过FT账户为X办理境外融资: the bank is the channel, X the borrower
        bank = borrower if borrower is not None else _bank_before(ctx, ms, s + served.start())
        kx = _first_after(ctx, ms, s + served.end(), 0)
        if bank is not None and kx is not None and ctx.etype(ms[kx][2]) != "Bank":
            borrower, channels = ms[kx][2], [bank]
    elif not via or borrower is None or not channels:
        # no 通过, or a 通过 that names no borrower and bank around it (通过该资金池): read the whole sentence
        orgs = _orgs(ctx, ms)
        non_banks = [o for o in orgs if ctx.etype(o) != "Bank"]
        borrower = non_banks[0] if non_banks else None
        channels = [o for o in orgs if ctx.etype(o) == "Bank"]
        lm = _XB_LENDS_RE.search(sent)
        if lm and borrower is not None:
            # A、B、C为X提供境外银团贷款: the banks lend themselves (each with its own share)
            lenders = [i for _s, me_, i in ms if me_ <= s + lm.start() and ctx.etype(i) == "Bank"]
            if lenders:
                amt = parse_amount(sent)
                base = {"date": find_date(sent, ctx.date), "role": "银团成员" if "银团" in sent else None}
                if amt:
                    base.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
                shares = find_lender_shares(ctx, s, e, ms, lenders)
                for b in dict.fromkeys(lenders):
                    own = dict(base)
                    if b in shares:
                        own.update(amount=shares[b][0], currency=shares[b][1], amount_text=shares[b][2])
                    ctx.add("PROVIDED_FINANCING_TO", b, borrower, own, (s, e))
                channels = [c for c in channels if c not in lenders]
    amt = parse_amount(sent)
    props = {"date": find_date(sent, ctx.date)}
    if amt:
        props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
    for sm in _XB_SOURCE_RE.finditer(sent):
        k = _first_after(ctx, ms, s + sm.end(), 0)
        if k is not None and ms[k][2] != borrower:
            source = ms[k][2]
            channels = [c for c in channels if c != source]
            ctx.add("PROVIDED_FINANCING_TO", source, borrower, dict(props), (s, e))
    for c in channels:
        ctx.add("CROSS_BORDER_FINANCING", borrower, c, props, (s, e))
    # 从其德国母公司德赛尔控股股份公司取得2000万欧元的跨境股东借款: the parent lends to its subsidiary
    pm = _FROM_PARENT_RE.search(sent)
    if pm and borrower is not None:
        k = _first_after(ctx, ms, s + pm.end(), 0)
        if k is not None:
            ctx.add("SUBSIDIARY_OF", borrower, ms[k][2], {}, (s, e))
            ctx.add("PROVIDED_FINANCING_TO", ms[k][2], borrower, {k2: v for k2, v in props.items()}, (s, e))
