"""Each lender's own share of a loan: 分别承贷X亿元、Y亿元 (amounts in the order of the lenders), or an
amount right after one lender (其中A承贷30亿元 / B提供5亿元)."""

from __future__ import annotations

import re

from kg.extract.normalize import AMOUNT_RE, parse_amount
from kg.extract.relations.base import Ctx

_EACH_RE = re.compile(r"分别(?:承贷|提供|发放|投放|出资|认购|贷款|给予)?(?:了)?")
_OWN_RE = re.compile(
    r"(?:则|也|共|合计)?(?:承贷|提供|发放|投放|出资|贷款|给予)(?:了|贷款|资金)?(?=(?:人民币)?\d|约|超)"
)
_SEP_RE = re.compile(r"^\s*(?:、|和|及|，|,)?\s*$")


def find_lender_shares(ctx: Ctx, s: int, e: int, ms, lenders: list[int]) -> dict[int, tuple]:
    """Lender entity -> (amount, currency, text) of its own share, when the sentence states one."""
    text = ctx.text
    out: dict[int, tuple] = {}
    em = _EACH_RE.search(text, s, e)
    if em and len(lenders) >= 2:
        amounts = []
        pos = em.end()
        for am in AMOUNT_RE.finditer(text, pos, e):
            if not _SEP_RE.match(text[pos : am.start()]):
                break
            amounts.append(parse_amount(am.group(0)))
            pos = am.end()
        order = []
        for _ms, me_, i in ms:
            if i in lenders and i not in order and me_ <= em.start():
                order.append(i)
        if len(amounts) == len(order) >= 2 and all(amounts):
            return dict(zip(order, amounts))
    for _ms, me_, i in ms:
        if i in lenders and i not in out:
            om = _OWN_RE.match(text, me_, e)
            if om:
                amt = parse_amount(text[om.end() : min(e, om.end() + 20)])
                if amt:
                    out[i] = amt
    return out
