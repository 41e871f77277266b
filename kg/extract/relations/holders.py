"""Holders named outside a 出资 table: fund sponsors (由A、B共同发起), holders listed with their company (T的股东A、
自然人股东B), sellers of a bought stake, subscribers of new shares, and investors joining a round (A领投了T的B轮融资,
T获A战略投资, 投资方包括A和B)."""

from __future__ import annotations

import re

from kg.extract.entities import ORG_TYPES
from kg.extract.normalize import AMOUNT_RE, find_date, parse_amount
from kg.extract.relations.base import (
    _SEPS,
    Ctx,
    _clause_end,
    _clause_start,
    _first_after,
    _is_modifier,
    _last_before,
    _list_from,
    _stake,
)
from kg.extract.relations.stakes import _HELD_OF_RE, _HOLDER_TYPES, _HOLDS_RE, _RAISES_RE

# X由A、B、C共同发起(设立)，分别认缴出资… : each sponsor invests in X (the fund or company before 由)
_SPONSORED_BY_RE = re.compile(r"由(?=[^，,。；;]{2,120}?共同(?:发起|出资发起|认缴))")
# A、B共同发起设立X / A与B合作设立的X: the sponsors before the cue invest in the fund named after it
_SPONSORS_RE = re.compile(r"(?:共同|联合|合作)(?:出资)?发起(?:设立|成立|组建)?了?|合作(?:出资)?设立的?")
_SPONSOR_END_RE = re.compile(r"共同(?:出资发起|发起|认缴)")


_EACH_SUBSCRIBES_RE = re.compile(r"[，,]?分别(?:认缴出资|认缴|出资)(?:了)?")
_AMOUNT_SEP_RE = re.compile(r"^\s*(?:、|和|及|，|,)?\s*$")


def _add_sponsors(ctx: Ctx, sponsors: list[int], fund: int, date, pos: int, s: int, e: int) -> None:
    """Each sponsor INVESTED_IN the fund; 分别认缴出资30亿元和20亿元 right after gives each its own amount."""
    amounts: list = []
    em = _EACH_SUBSCRIBES_RE.search(ctx.text, pos, e)
    if em and len(sponsors) >= 2 and not _CLAUSE_STOP_RE.search(ctx.text, pos, em.start()):
        at = em.end()
        for am in AMOUNT_RE.finditer(ctx.text, at, e):
            if not _AMOUNT_SEP_RE.match(ctx.text[at : am.start()]):
                break
            amounts.append(parse_amount(am.group(0)))
            at = am.end()
    own = amounts if len(amounts) == len(sponsors) and all(amounts) else [None] * len(sponsors)
    for sp, amt in zip(sponsors, own, strict=True):
        props = {"date": date}
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add("INVESTED_IN", sp, fund, props, (s, e))


_CLAUSE_STOP_RE = re.compile(r"[。；;]")


def rule_sponsors(ctx: Ctx, s: int, e: int, ms) -> None:
    """Fund sponsors: 母基金由A、B共同发起 / A与B共同发起设立X基金 / A与B合作设立的X基金. Each sponsor is an
    investor of the fund (FORMAT.md: LP -> fund); the sponsors are not joint-venture partners of each other.
    A manager named 基金管理人 / 普通合伙人 is not a sponsor by that role alone."""
    text = ctx.text
    if "发起" not in text[s:e] and "合作设立" not in text[s:e] and "合作出资设立" not in text[s:e]:
        return
    date = find_date(text[s:e], ctx.date)
    for m in _SPONSORED_BY_RE.finditer(text, s, e):
        end = _SPONSOR_END_RE.search(text, m.end(), e)
        cs = _clause_start(text, s, m.start())
        subj = [x[2] for x in ms if x[0] >= s and x[1] <= m.start() and ctx.etype(x[2]) in ORG_TYPES]
        if not subj or end is None:
            continue
        new = subj[0] if cs == s else subj[-1]
        k = _first_after(ctx, ms, m.end(), 0, _HOLDER_TYPES)
        if k is None:
            continue
        sponsors = [
            x[2] for x in _list_from(ctx, ms, k) if x[1] <= end.start() and ctx.etype(x[2]) in _HOLDER_TYPES
        ]
        _add_sponsors(ctx, sponsors, new, date, end.end(), s, e)
    for m in _SPONSORS_RE.finditer(text, s, e):
        k2 = _first_after(ctx, ms, m.end(), 1)
        if k2 is None or ctx.etype(ms[k2][2]) != "Fund":
            continue  # a company founded jointly is a joint venture (rule_joint_venture)
        k = _last_before(ctx, ms, m.start(), 0, _HOLDER_TYPES)
        if k is None:
            continue
        while (
            k > 0 and _SEPS.match(text[ms[k - 1][1] : ms[k][0]]) and ctx.etype(ms[k - 1][2]) in _HOLDER_TYPES
        ):
            k -= 1
        if ms[k][0] < s:
            continue
        sponsors = [x[2] for x in _list_from(ctx, ms, k) if x[1] <= m.start()]
        _add_sponsors(ctx, sponsors, ms[k2][2], date, ms[k2][1], s, e)


# 恒拓传动的股东A、自然人股东B / T的法人股东A和B: each named holder invests in T
_HOLDERS_OF_RE = re.compile(r"的(?:法人|机构|自然人|原|现有|全体)?股东(?:为|系|是|包括)?")
_HOLDER_SEP_RE = re.compile(r"^(?:、|和|及|以及|与)(?:法人|机构|自然人)?(?:股东)?$")
# 受让A(所)持有的T 30%股权: the seller held a stake in T
_SELLERS_ARE_RE = re.compile(r"交易对方(?:为|系|是|包括)(?:法人|自然人)?")
_BOUGHT_STAKE_RE = re.compile(r"(?:[（(][^）)]{0,30}[）)])?(?:\d+(?:\.\d+)?%|全部|部分)?(?:的)?股权")
_SELLER_HELD_RE = re.compile(r"(?:受让|收购|购买)(?=[^，,。；;]{2,40}?(?:所)?持有的)")


def _holder_list(ctx: Ctx, ms, k: int) -> list[tuple[int, int, int]]:
    """A、自然人股东B和C: the holders listed from mention k on (a 自然人 / 股东 label may precede each)."""
    out = [ms[k]]
    while k + 1 < len(ms) and _HOLDER_SEP_RE.match(ctx.text[ms[k][1] : ms[k + 1][0]]):
        k += 1
        if ctx.etype(ms[k][2]) not in _HOLDER_TYPES:
            break
        out.append(ms[k])
    return out


def rule_named_holders(ctx: Ctx, s: int, e: int, ms) -> None:
    """Holders named with their company (T的股东A、自然人股东B) and sellers whose stake is bought (受让A持有的T
    30%股权): a holder of shares is an investor of the company (FORMAT.md INVESTED_IN)."""
    text = ctx.text
    if "股东" in text[s:e]:
        for m in _HOLDERS_OF_RE.finditer(text, s, e):
            k0 = _last_before(ctx, ms, m.start(), 0)
            k = _first_after(ctx, ms, m.end(), 0, _HOLDER_TYPES)
            if k0 is None or k is None or ctx.etype(ms[k0][2]) != "Company":
                continue
            date = find_date(text[s:e], ctx.date)
            for h in _holder_list(ctx, ms, k):
                hm = _HOLDS_RE.match(text, h[1])  # 自然人股东潘德明持股30%
                props = {"date": date, "stake": hm.group(1) if hm else None}
                ctx.add("INVESTED_IN", h[2], ms[k0][2], props, (s, e))
    if "交易对方" in text[s:e]:
        # 收购T 70%股权，交易对方为A和自然人B: the sellers held the stake in T that is bought
        for m in _SELLERS_ARE_RE.finditer(text, s, e):
            bought = [x for x in ms if x[1] <= m.start() and _BOUGHT_STAKE_RE.match(text, x[1])]
            k = _first_after(ctx, ms, m.end(), 0, _HOLDER_TYPES)
            if not bought or k is None or ctx.etype(bought[-1][2]) != "Company":
                continue
            for h in _holder_list(ctx, ms, k):
                ctx.add("INVESTED_IN", h[2], bought[-1][2], {"date": find_date(text[s:e], ctx.date)}, (s, e))
    if "持有的" in text[s:e]:
        for m in _SELLER_HELD_RE.finditer(text, s, e):
            k = _first_after(ctx, ms, m.end(), 0, _HOLDER_TYPES)
            if k is None:
                continue
            hm = _HELD_OF_RE.match(text, ms[k][1])
            k2 = _first_after(ctx, ms, hm.end(), 0) if hm else None
            if k2 is None or ctx.etype(ms[k2][2]) != "Company":
                continue
            seg = text[ms[k2][1] : _clause_end(text, ms[k2][1], e)]
            if "股权" in seg or "股份" in seg:
                props = {"stake": _stake(seg), "date": find_date(text[s:e], ctx.date)}
                ctx.add("INVESTED_IN", ms[k][2], ms[k2][2], props, (s, e))


_SUBSCRIBES_RE = re.compile(r"(?:全额|拟|将|已)?认购了?")
_ISSUE_WORDS_RE = re.compile(r"(?<!可转换)(?:定增|增发|新股|股份|股票|新增注册资本|增资)")
# T本次定增由A认购 / T非公开发行股票获A全额认购: the subscribers after 由/获 invest in T
_PLACEMENT_BY_RE = re.compile(
    r"(?:定增|定向增发|非公开发行|向特定对象发行)(?:股票|A股|股份)?(?:的?股份)?(?:将|拟)?(?:由|获)(?=[^，,。；;]{2,80}?认购)"
)


def rule_subscribes(ctx: Ctx, s: int, e: int, ms) -> None:
    """A以现金认购T非公开发行的股份 / T本次定增由A认购: a subscriber of new shares invests in the issuer."""
    text = ctx.text
    if "认购" not in text[s:e]:
        return
    date = find_date(text[s:e], ctx.date)
    for m in _SUBSCRIBES_RE.finditer(text, s, e):
        k2 = _first_after(ctx, ms, m.end(), 0)
        if k2 is None or ctx.etype(ms[k2][2]) != "Company":
            continue
        seg = text[ms[k2][1] : _clause_end(text, ms[k2][1], e)]
        if not _ISSUE_WORDS_RE.search(seg[:20]):
            continue
        cs = _clause_start(text, s, m.start())
        inv = [x for x in ms if x[0] >= cs and x[1] <= m.start() and ctx.etype(x[2]) in _HOLDER_TYPES]
        if not inv or _is_modifier(ctx, inv[-1][1], m.start()):
            continue
        props = {"date": date}
        amt = parse_amount(seg)
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add("INVESTED_IN", inv[-1][2], ms[k2][2], props, (s, e))
    for m in _PLACEMENT_BY_RE.finditer(text, s, e):
        cs = _clause_start(text, s, m.start())
        issuer = [x[2] for x in ms if x[0] >= cs and x[1] <= m.start() and ctx.etype(x[2]) == "Company"]
        k = _first_after(ctx, ms, m.end(), 0, _HOLDER_TYPES)
        if not issuer or k is None:
            continue
        for x in _list_from(ctx, ms, k):
            if ctx.etype(x[2]) in _HOLDER_TYPES:
                ctx.add("INVESTED_IN", x[2], issuer[-1], {"date": date}, (s, e))


# A领投了T的B轮融资 / A参与了T 5亿元B轮融资 / A再度加码T: the investor before the verb, the company after it
_JOINS_ROUND_RE = re.compile(r"(?:领投|跟投|参投|参与|独家投资|(?:再度|再次|继续)?加码)了?(?:对)?")
_ROUND_AFTER_RE = re.compile(r"[^，,。；;]{0,16}?(?:轮|融资|增资)")
# T获A战略投资 / T获得A的增资: the investor between 获 and the investment word
_GETS_INVESTMENT_RE = re.compile(
    r"获(?:得)?(?=[^，,。；;]{2,40}?(?:的)?(?:战略投资|战略入股|增资|注资|投资)(?![者人方机]))"
)
_INVESTMENT_WORD_RE = re.compile(r"(?:的)?(?:[A-E]\+?轮|天使轮|首轮)?(?:战略投资|战略入股|增资|注资|投资)")
# 投资方包括A和B / 投资机构为A: the investors of the round the sentence's company raised
_ROUND_CUES_RE = re.compile(r"投|参与|加码|增资|注资|入股")
_INVESTORS_ARE_RE = re.compile(r"(?:投资方|投资机构|投资人|参投方)(?:包括|为|有|是)")


def rule_round_joins(ctx: Ctx, s: int, e: int, ms) -> None:
    """Investors joining a company's round, named before the company (A领投了T的B轮融资, A再度加码T), after 获
    (T获A战略投资) or in a list of the round's investors (T完成B轮融资，投资方包括A和B)."""
    text = ctx.text
    sent = text[s:e]
    if not _ROUND_CUES_RE.search(sent):
        return
    date = find_date(sent, ctx.date)
    for m in _JOINS_ROUND_RE.finditer(text, s, e):
        k2 = _first_after(ctx, ms, m.end(), 0)
        if k2 is None or ctx.etype(ms[k2][2]) != "Company":
            continue
        if "加码" not in m.group(0) and not _ROUND_AFTER_RE.match(text, ms[k2][1]):
            continue  # 参与了X的项目建设: no round of X
        cs = _clause_start(text, s, m.start())
        inv = [x for x in ms if x[0] >= cs and x[1] <= m.start() and ctx.etype(x[2]) in _HOLDER_TYPES]
        if inv and not _is_modifier(ctx, inv[-1][1], m.start()):
            ctx.add("INVESTED_IN", inv[-1][2], ms[k2][2], {"date": date}, (s, e))
    if "获" in sent:
        for m in _GETS_INVESTMENT_RE.finditer(text, s, e):
            k = _first_after(ctx, ms, m.end(), 0, _HOLDER_TYPES)
            if k is None:
                continue
            lst = _holder_list(ctx, ms, k)
            if not _INVESTMENT_WORD_RE.match(text, lst[-1][1]):
                continue
            cs = _clause_start(text, s, m.start())
            tgt = [x for x in ms if x[0] >= cs and x[1] <= m.start() and ctx.etype(x[2]) == "Company"]
            if tgt:
                for h in lst:
                    ctx.add("INVESTED_IN", h[2], tgt[-1][2], {"date": date}, (s, e))
    if "融资" in sent:
        for m in _INVESTORS_ARE_RE.finditer(text, s, e):
            raised = [rm for rm in _RAISES_RE.finditer(text, s, m.start())]
            k = _first_after(ctx, ms, m.end(), 0, _HOLDER_TYPES)
            if not raised or k is None:
                continue
            before = [x for x in ms if x[1] <= raised[-1].start() and raised[-1].start() - x[1] <= 8]
            if before and ctx.etype(before[-1][2]) == "Company":
                for h in _holder_list(ctx, ms, k):
                    ctx.add("INVESTED_IN", h[2], before[-1][2], {"date": date}, (s, e))
