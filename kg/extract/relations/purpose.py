"""Financing named by its purpose: a bank lends, and the sentence says whom the money supports.

国家开发银行承诺…提供116亿元开发性金融借款…支持陕西煤业集团…开发建设新煤矿 / 已向陕西煤炭企业发放贷款21.3亿元，
用于韩城矿务局桑树坪煤矿…等项目建设: the organisations after 支持 / 用于 (the owners of the financed works)
are the borrowers, the bank that provides is the lender.
"""

from __future__ import annotations

import re

from kg.extract.entities import ORG_TYPES
from kg.extract.normalize import find_date, parse_amount
from kg.extract.relations.base import Ctx

_LOAN_RE = re.compile(r"(?:提供|发放|投放|给予|安排)[^。；]{0,30}?(?:贷款|借款|授信|融资|资金支持)")
_PURPOSE_RE = re.compile(r"(?:支持|用于|助力|服务于)")
_BORROWERS = ORG_TYPES - {"Bank"}


def rule_purpose_financing(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    lm = _LOAN_RE.search(text, s, e)
    if not lm:
        return
    lenders = [x for x in ms if x[1] <= lm.start() and ctx.etype(x[2]) == "Bank"]
    if not lenders:
        return
    lender = lenders[-1][2]
    pm = _PURPOSE_RE.search(text, lm.end(), e)
    if not pm:
        return
    # 向成都轨道交通集团有限公司发放贷款…，支持成都地铁建设: the borrower is named; the place is the purpose
    direct = any(lenders[-1][1] <= x[0] and x[1] <= lm.start() and ctx.etype(x[2]) in _BORROWERS for x in ms)
    borrowers = []
    for x in ms:
        if x[0] >= pm.end() and ctx.etype(x[2]) in _BORROWERS and x[2] not in borrowers:
            borrowers.append(x[2])
        elif (
            x[0] == pm.end()
            and ctx.etype(x[2]) == "Region"
            and not borrowers
            and not direct
            and pm.group(0) != "用于"
        ):
            borrowers.append(x[2])  # 提供3000亿元综合授信，支持湖北省交通…: the place is financed
    if not borrowers:
        return
    amt = parse_amount(text[lm.start() : lm.end() + 20])
    props: dict = {"date": find_date(text[s:e], ctx.date)}
    if amt:
        props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
    for b in borrowers:
        ctx.add("PROVIDED_FINANCING_TO", lender, b, props, (s, e))
