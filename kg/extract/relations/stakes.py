"""Stakes taken without a 出资 table: 对X的投资, 领投/跟投, 出资…设立, 受让…股权, 成为…股东."""

from __future__ import annotations

import re

from kg.extract.entities import ORG_TYPES
from kg.extract.normalize import find_date, parse_amount
from kg.extract.relations.base import (
    Ctx,
    _clause_end,
    _clause_start,
    _first_after,
    _last_before,
    _stake,
    _subject,
)
from kg.extract.relations.money import _HELD_RE

_HOLDER_TYPES = ORG_TYPES | {"Person"}
_DUI_RE = re.compile(r"对")
_FOUNDS_RE = re.compile(r"(?<!共同)出资[^，,。；;]{0,16}?(?:设立|成立|组建)(?:了)?")
_TAKES_RE = re.compile(r"受让了?")
_HELD_OF_RE = re.compile(r"(?:所)?持有的")
_BECOMES_RE = re.compile(r"成为")


_TOWARDS_RE = re.compile(
    r"(?:[（(][^）)]{0,30}[）)])?[”\"]?(?:的(?:战略|股权|天使轮|[A-E]轮|首轮)?|(?:进行|实施|追加)?)(?:投资|注资|增资)(?!价值|回报|收益|机会|逻辑|者|人|方|额度)"
)


def rule_invested_towards(ctx: Ctx, s: int, e: int, ms) -> None:
    """基金已完成对瑞通智能（简称…）的投资，投资金额1.1亿元，持股约8%: investor before 对, investee after."""
    text = ctx.text
    for m in _DUI_RE.finditer(text[s:e]):
        pos = s + m.start()
        k2 = _first_after(ctx, ms, pos + 1, 0)
        if k2 is None or not _TOWARDS_RE.match(text, ms[k2][1]):
            continue
        cs = _clause_start(text, s, pos)
        inside = [
            x[2] for x in ms if x[0] >= cs and x[1] <= pos and ctx.etype(x[2]) in ORG_TYPES | {"Person"}
        ]
        investor = inside[-1] if inside else None
        if investor is None:
            continue
        rest = text[ms[k2][1] : e]
        amt = parse_amount(rest)
        held = _HELD_RE.search(rest)
        props = {"stake": held.group(1) if held else None, "date": find_date(text[s:e], ctx.date)}
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add("INVESTED_IN", investor, ms[k2][2], props, (s, e))


_LEADS_RE = re.compile(r"(?:领投|跟投|参投|联合领投)")


def rule_round_investors(ctx: Ctx, s: int, e: int, ms) -> None:
    """智谱华章完成B轮融资，由君联资本领投，深创投跟投: each named investor invests in the company raising."""
    text = ctx.text
    if not _LEADS_RE.search(text, s, e) or "融资" not in text[s:e]:
        return
    target = _subject(ctx, s, e, ms)
    for m in _LEADS_RE.finditer(text, s, e):
        cs = _clause_start(text, s, m.start())
        for x in ms:
            if x[0] >= cs and x[1] <= m.start() and ctx.etype(x[2]) in _HOLDER_TYPES and x[2] != target:
                ctx.add("INVESTED_IN", x[2], target, {"date": find_date(text[s:e], ctx.date)}, (s, e))


def rule_founds(ctx: Ctx, s: int, e: int, ms) -> None:
    """中国石化集团资本出资2亿元设立上海石化创新投资: a single founder invests in the company it sets up."""
    text = ctx.text
    if "出资" not in text[s:e]:
        return
    for m in _FOUNDS_RE.finditer(text[s:e]):
        k = _last_before(ctx, ms, s + m.start(), 2, _HOLDER_TYPES)
        k2 = _first_after(ctx, ms, s + m.end(), 4)
        if k is None or k2 is None:
            continue
        amt = parse_amount(m.group(0))
        props = {"date": find_date(text[s:e], ctx.date)}
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add("INVESTED_IN", ms[k][2], ms[k2][2], props, (s, e))
        ctx.last_established, ctx.established_at = ms[k2][2], s


def rule_takes_stake(ctx: Ctx, s: int, e: int, ms) -> None:
    """A受让(B持有的)C 20%股权 -> A ACQUIRED C (股份: INVESTED_IN, as for 转让); A成为C(的)股东 -> A INVESTED_IN C,
    A成为C的控股股东 -> C SUBSIDIARY_OF A."""
    text = ctx.text
    sent = text[s:e]
    if "受让" not in sent and "股东" not in sent:
        return
    for m in _TAKES_RE.finditer(sent):
        pos = s + m.start()
        cs = _clause_start(text, s, pos)
        before = [x[2] for x in ms if x[0] >= cs and x[1] <= pos and ctx.etype(x[2]) in _HOLDER_TYPES]
        k = _first_after(ctx, ms, s + m.end(), 2, _HOLDER_TYPES)
        if not before or k is None:
            continue
        ce = _clause_end(text, s + m.end(), e)
        hm = _HELD_OF_RE.search(text[ms[k][1] : ce])
        if hm:  # 受让B持有的C…: B sells, C is the company
            k = _first_after(ctx, ms, ms[k][1] + hm.end(), 0)
            if k is None:
                continue
        seg = text[ms[k][1] : ce]
        if "股权" not in seg and "股份" not in seg:
            continue
        kind = "ACQUIRED" if "股权" in seg else "INVESTED_IN"
        props = {"stake": _stake(seg), "date": find_date(text[s:e], ctx.date)}
        amt = parse_amount(text[s:e])
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add(kind, before[-1], ms[k][2], props, (s, e), transfer=True)
    for m in _BECOMES_RE.finditer(sent) if "股东" in sent else ():
        pos = s + m.start()
        k = _first_after(ctx, ms, s + m.end(), 0)
        if k is None:
            continue
        hm = _BECOMES_HOLDER_RE.match(text, ms[k][1])
        if not hm:
            continue
        cs = _clause_start(text, s, pos)
        before = [x[2] for x in ms if x[0] >= cs and x[1] <= pos and ctx.etype(x[2]) in _HOLDER_TYPES]
        if not before:
            continue
        stake = _stake(text[s:e])
        if hm.group(1):
            ctx.add("SUBSIDIARY_OF", ms[k][2], before[-1], {"stake": stake}, (s, e))
        else:
            ctx.add(
                "INVESTED_IN",
                before[-1],
                ms[k][2],
                {"stake": stake, "date": find_date(text[s:e], ctx.date)},
                (s, e),
            )


_BECOMES_HOLDER_RE = re.compile(r"[”\"）)]*的?(控股)?(?:第一大|第二大|第三大|主要|重要|战略|新|单一)?股东")


_STAKE_HELD_RE = re.compile(r"的?参股(?:公司|企业)")


def rule_minority_stake(ctx: Ctx, s: int, e: int, ms) -> None:
    """天晟环保参股公司常州清源膜科技有限公司: A holds a minority stake in the company named right after."""
    text = ctx.text
    if "参股" not in text[s:e]:
        return
    for m in _STAKE_HELD_RE.finditer(text, s, e):
        holder = _last_before(ctx, ms, m.start(), 0, _HOLDER_TYPES)
        k = _first_after(ctx, ms, m.end(), 0)
        if holder is not None and k is not None:
            ctx.add("INVESTED_IN", ms[holder][2], ms[k][2], {}, (s, e))
