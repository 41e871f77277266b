"""Bonds issued across the border as one frame per article: the issuer and the banks that underwrite it.

A panda bond (a foreign issuer borrowing yuan in China), an offshore or dollar bond (a Chinese issuer
borrowing abroad) or foreign debt raised through notes is cross-border financing: the issuer is the
borrower and each underwriter (主承销商, 联席承销商, 簿记管理人) is a channel that brought the funds, so each
gets CROSS_BORDER_FINANCING from the issuer (FORMAT.md: borrower -> bank or channel).
"""

from __future__ import annotations

import re

from kg.extract.entities import ORG_TYPES
from kg.extract.normalize import find_date, parse_amount
from kg.extract.relations.base import Ctx, sentence_spans

_CROSS_BORDER_BOND_RE = re.compile(
    r"熊猫债|境外(?:发行)?(?:美元|欧元|人民币)?债|境外发债|美元债|欧元债|离岸人民币债|点心债|海外债|境外债券|"
    r"境外(?:发行)?(?:中期)?票据|外债"
)
_ISSUE_RE = re.compile(r"发行")
_UNDERWRITE_RE = re.compile(
    r"承销商|承销行|簿记管理人|簿记行|承销|全球协调人|协调人|牵头经办人|账簿管理人|簿记人"
)
_CLAUSE_END_RE = re.compile(r"[，。；]")
_UNDERWRITER_TYPES = frozenset({"Bank", "Company"})


def bond_pass(ctx: Ctx) -> None:
    text = ctx.text
    if not _CROSS_BORDER_BOND_RE.search(text) or not _UNDERWRITE_RE.search(text):
        return
    sents = list(sentence_spans(text))
    issuer = None
    amount = date = None
    for a, b in sents:
        im = _ISSUE_RE.search(text, a, b)
        if not im or not (_CROSS_BORDER_BOND_RE.search(text, a, b) or "债" in text[a:b]):
            continue
        before = [x for x in ctx.mentions(a, b) if x[1] <= im.start() and ctx.etype(x[2]) in ORG_TYPES]
        if before and issuer is None:
            issuer = before[-1][2]
            found = parse_amount(text[a:b])
            if found:
                amount = found
            date = find_date(text[a:b], ctx.date)
    if issuer is None:
        return
    props: dict = {"date": date}
    if amount:
        props.update(amount=amount[0], currency=amount[1], amount_text=amount[2])
    for a, b in sents:
        if not _UNDERWRITE_RE.search(text, a, b):
            continue
        for _s0, e0, i in ctx.mentions(a, b):
            if i == issuer or ctx.etype(i) not in _UNDERWRITER_TYPES:
                continue
            # X、Y担任联席承销商: an underwriting role follows the name within its clause
            clause_end = _CLAUSE_END_RE.search(text, e0, b)
            if _UNDERWRITE_RE.search(text, e0, clause_end.start() if clause_end else b):
                ctx.add("CROSS_BORDER_FINANCING", issuer, i, dict(props), (a, b))
