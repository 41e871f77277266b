"""Stakes taken without a 出资 table: 对X的投资, 领投/跟投, 出资…设立, 受让…股权, 成为…股东."""

from __future__ import annotations

import re

from kg.extract.entities import ORG_TYPES
from kg.extract.normalize import find_date, parse_amount
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
    _subject,
)
from kg.extract.relations.money import _HELD_RE

_HOLDER_TYPES = ORG_TYPES | {"Person"}
_DUI_RE = re.compile(r"对")
# 以自有资金全额出资设立X: the means and 全额 stand between the founder and 出资
_FOUNDS_RE = re.compile(
    r"(?:以(?:自有|自筹)?(?:资金|现金)|全额|独家|单独)*(?<!共同)出资[^，,。；;]{0,16}?(?:设立|成立|组建)(?:了)?"
)
_NEW_CHILD_RE = re.compile(r"(?:一家|一个)?(?:全资|控股|独资)?(?:子公司|孙公司)?")
_TAKES_RE = re.compile(r"受让了?")
_HELD_OF_RE = re.compile(r"(?:所)?持有的")
_BECOMES_RE = re.compile(r"成为|(?<![成作认称视])(?:为|系|是)(?=[^，,。；;]{2,60}?股东(?:[，,。；;]|$))")
_CLAUSE_END_RE = re.compile(r"[，,。；;]|$")
# B的控股股东为A / 公司控股股东系A: the holder after the copula
_HOLDER_IS_RE = re.compile(r"的?控股股东(?:为|系|是)")


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


_LEADS_RE = re.compile(r"(?:领投|跟投|参投|联合领投|独家投资|独家领投)")


_GETS_RE = re.compile(r"获得了?|完成了?|获(?!批)")
_ROUND_OF_RE = re.compile(
    r"(?:完成|参与|领投|投资)?对(?=[^，,。；;]{2,40}?的[^，,。；;]{0,12}?(?:融资|投资))"
)
_RAISES_RE = re.compile(r"(?:宣布)?(?:已|正式|成功)?(?:完成|获得|获)[^，,。；;]{0,14}?融资")


def rule_round_investors(ctx: Ctx, s: int, e: int, ms) -> None:
    """智谱华章完成B轮融资，由君联资本领投，深创投跟投: each named investor invests in the company raising."""
    text = ctx.text
    if not _LEADS_RE.search(text, s, e) or "融资" not in text[s:e]:
        return
    target = _subject(ctx, s, e, ms)
    investors = []
    for m in _LEADS_RE.finditer(text, s, e):
        cs = _clause_start(text, s, m.start())
        for vm in _GETS_RE.finditer(text, cs, m.start()):
            cs = vm.end()  # 远驰物流获得中信产业基金领投的…融资: the investors come after 获得
        investors += [
            x[2] for x in ms if x[0] >= cs and x[1] <= m.start() and ctx.etype(x[2]) in _HOLDER_TYPES
        ]
    if target is None or target in investors:
        # A领投，B跟投，完成对X的B轮融资: the company after 对 raises
        for om in _ROUND_OF_RE.finditer(text, s, e):
            k = _first_after(ctx, ms, om.end(), 0)
            if k is not None and text.startswith("的", ms[k][1]) and ms[k][2] not in investors:
                target = ms[k][2]
                break
    if target is None or target in investors:
        # 由A领投，B跟投 opening the sentence: the company raising is the one that 完成/获得…融资 before
        raised = [rm for rm in _RAISES_RE.finditer(text, 0, e)]
        target = None
        for rm in reversed(raised):
            before = [x[2] for x in ctx.table.mention_list if x[1] <= rm.start() and rm.start() - x[1] <= 8]
            if before and before[-1] not in investors and ctx.etype(before[-1]) in ORG_TYPES:
                target = before[-1]
                break
    for inv in dict.fromkeys(investors):
        if inv != target:
            ctx.add("INVESTED_IN", inv, target, {"date": find_date(text[s:e], ctx.date)}, (s, e))


def rule_founds(ctx: Ctx, s: int, e: int, ms) -> None:
    """中国石化集团资本出资2亿元设立上海石化创新投资: a single founder invests in the company it sets up."""
    text = ctx.text
    if "出资" not in text[s:e]:
        return
    for m in _FOUNDS_RE.finditer(text[s:e]):
        k = _last_before(ctx, ms, s + m.start(), 2, _HOLDER_TYPES)
        # 出资2亿元设立全资子公司X: the kind of company stands between the verb and the name
        k2 = _first_after(ctx, ms, _NEW_CHILD_RE.match(text, s + m.end()).end(), 4)
        if k is None or k2 is None:
            continue
        amt = parse_amount(m.group(0))
        props = {"date": find_date(text[s:e], ctx.date)}
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add("INVESTED_IN", ms[k][2], ms[k2][2], props, (s, e))
        ctx.last_established, ctx.established_at = ms[k2][2], s


def _coordinated_buyers(ctx: Ctx, ms, cs: int, pos: int) -> list[int]:
    """The holder right before the verb and those joined to it (A、B联合受让: both buy)."""
    bl = [x for x in ms if x[0] >= cs and x[1] <= pos and ctx.etype(x[2]) in _HOLDER_TYPES]
    out = [bl[-1][2]]
    for prev, cur in zip(reversed(bl[:-1]), reversed(bl[1:])):
        if ctx.text[prev[1] : cur[0]] not in ("、", "和", "与", "及", "以及"):
            break
        out.append(prev[2])
    return out


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
        for buyer in _coordinated_buyers(ctx, ms, cs, pos):
            ctx.add(kind, buyer, ms[k][2], dict(props), (s, e), transfer=True)
    for m in _BECOMES_RE.finditer(sent) if "股东" in sent else ():
        pos = s + m.start()
        k = _first_after(ctx, ms, s + m.end(), 0)
        if k is None:
            continue
        hm = _BECOMES_HOLDER_RE.match(text, ms[k][1])
        if not hm:
            continue
        if m.group(0) != "成为" and not _CLAUSE_END_RE.match(text, hm.end()):
            continue  # A为B的控股股东。 states a holding; 为B的股东提供 does not
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

    for m in _HOLDER_IS_RE.finditer(text, s, e) if "控股股东" in sent else ():
        child = _last_before(ctx, ms, m.start(), 0, _HOLDER_TYPES)
        parent = _first_after(ctx, ms, m.end(), 0, _HOLDER_TYPES)
        if child is not None and parent is not None and ms[child][2] != ms[parent][2]:
            ctx.add("SUBSIDIARY_OF", ms[child][2], ms[parent][2], {"stake": _stake(sent)}, (s, e))


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


_STRATEGIC_INVESTOR_RE = re.compile(
    r"(?:作为|以)[^，,。；;]{0,6}?战略投资者(?:的)?(?:身份)?(?:正式|成功)?(?:入股|投资|增资|参股|认购)(?:了)?"
)


def rule_strategic_investor(ctx: Ctx, s: int, e: int, ms) -> None:
    """X作为战略投资者入股Y / X以战略投资者身份增资Y: X invests in Y."""
    text = ctx.text
    if "战略投资者" not in text[s:e]:
        return
    for m in _STRATEGIC_INVESTOR_RE.finditer(text, s, e):
        cs = _clause_start(text, s, m.start())
        before = [x[2] for x in ms if x[0] >= cs and x[1] <= m.start() and ctx.etype(x[2]) in _HOLDER_TYPES]
        k2 = _first_after(ctx, ms, m.end(), 1)
        if not before or k2 is None:
            continue
        rest = text[m.end() : _clause_end(text, m.end(), e)]
        amt = parse_amount(rest)
        props = {"date": find_date(text[s:e], ctx.date)}
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add("INVESTED_IN", before[-1], ms[k2][2], props, (s, e))


_JOINT_INVEST_RE = re.compile(r"共同(?:投资|出资|入股|增资|注资)了?(?!设立|成立|组建|新设|建设)")
_HOLDS_RE = re.compile(r"(?:持股|持有其?|占股|出资占比|股权占比)(?:比例)?(?:为|达)?(\d+(?:\.\d+)?%)")


def rule_joint_investors(ctx: Ctx, s: int, e: int, ms) -> None:
    """A与B共同投资C: every member of the list before 共同 invests in C."""
    text = ctx.text
    if "共同" not in text[s:e]:
        return
    for m in _JOINT_INVEST_RE.finditer(text, s, e):
        k = _last_before(ctx, ms, m.start(), 0, _HOLDER_TYPES)
        k2 = _first_after(ctx, ms, m.end(), 1)
        if k is None or k2 is None:
            continue
        investors = [ms[k][2]]
        while (
            k > 0 and _SEPS.match(text[ms[k - 1][1] : ms[k][0]]) and ctx.etype(ms[k - 1][2]) in _HOLDER_TYPES
        ):
            k -= 1
            investors.append(ms[k][2])
        rest = text[ms[k2][1] : _clause_end(text, ms[k2][1], e)]
        amt = parse_amount(rest)
        props = {"date": find_date(text[s:e], ctx.date)}
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        for inv in investors:
            ctx.add("INVESTED_IN", inv, ms[k2][2], dict(props), (s, e))


def rule_holdings(ctx: Ctx, s: int, e: int, ms) -> None:
    """X公司注册资本1亿元，其中A持股60%，B持股40%: each holder invests in the company the sentence is about
    (its first organisation that holds nothing), else in the company founded just before."""
    text = ctx.text
    if "%" not in text[s:e]:
        return
    holders = []
    for k, (_ms, me_, i) in enumerate(ms):
        hm = _HOLDS_RE.match(text, me_)
        if hm and ctx.etype(i) in _HOLDER_TYPES:
            holders.append((k, i, hm.group(1)))
    if not holders:
        return
    first = holders[0][0]
    holder_ids = {h[1] for h in holders}
    if ctx.last_established is not None and ctx.established_at == s:
        held = ctx.last_established  # 共同出资设立X，其中A持股51%，B持股49%: the company just founded
    else:
        held = next(
            (
                x[2]
                for x in ms[:first]
                if ctx.etype(x[2]) == "Company" and x[2] not in holder_ids and not _is_modifier(ctx, x[1], e)
            ),
            None,
        )
    if held is None:
        held = ctx.last_established
    for _k, holder, stake in holders:
        ctx.add("INVESTED_IN", holder, held, {"stake": stake, "date": find_date(text[s:e], ctx.date)}, (s, e))


# 公司控制权变更为A / 控股股东变更为A / 实际控制人将变更为A: A takes control of the company (FORMAT.md: 取得控制权)
_CONTROL_TO_RE = re.compile(r"(?:控制权|控股股东|实际控制人)(?:将|拟)?(?:变更为|变为|变更至)")
# A拟向B、C购买其持有的D 100%股权: A buys D from the holders named after 向
_BUYS_FROM_RE = re.compile(r"向[^，,。；;]{2,80}?(?:购买|收购|受让)其?(?:各自)?(?:所)?(?:合计)?持有的")


def rule_control_change(ctx: Ctx, s: int, e: int, ms) -> None:
    """A control transfer names the new controller after 变更为 and the company before the control word."""
    text = ctx.text
    sent = text[s:e]
    if "变" in sent:
        for m in _CONTROL_TO_RE.finditer(text, s, e):
            cs = _clause_start(text, s, m.start())
            before = [x[2] for x in ms if x[0] >= cs and x[1] <= m.start() and ctx.etype(x[2]) in ORG_TYPES]
            k = _first_after(ctx, ms, m.end(), 0, _HOLDER_TYPES)
            if before and k is not None:
                props = {"date": find_date(sent, ctx.date)}
                ctx.add("ACQUIRED", ms[k][2], before[-1], props, (s, e), transfer=True)
    if "持有的" not in sent:
        return
    for m in _BUYS_FROM_RE.finditer(text, s, e):
        cs = _clause_start(text, s, m.start())
        before = [x[2] for x in ms if x[0] >= cs and x[1] <= m.start() and ctx.etype(x[2]) in _HOLDER_TYPES]
        k = _first_after(ctx, ms, m.end(), 0)
        if not before or k is None:
            continue
        seg = text[ms[k][1] : _clause_end(text, ms[k][1], e)]
        if "股权" not in seg and "股份" not in seg:
            continue
        kind = "ACQUIRED" if "股权" in seg else "INVESTED_IN"
        props = {"stake": _stake(seg), "date": find_date(sent, ctx.date)}
        amt = parse_amount(sent)
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add(kind, before[-1], ms[k][2], props, (s, e), transfer=True)
        sellers = [
            x[2] for x in ms if m.start() < x[0] and x[1] <= m.end() and ctx.etype(x[2]) in _HOLDER_TYPES
        ]
        ctx.counterparties = sellers or None


_WITH_COUNTERPARTIES_RE = re.compile(r"与(?:上述|前述|全体)?(?:各)?交易对方(?:分别)?(?:共同)?(?:签署|签订)")


def rule_counterparties(ctx: Ctx, s: int, e: int, ms) -> None:
    """公司与上述交易对方签署《股权转让协议》: the counterparties are the sellers listed in the purchase before."""
    if not ctx.counterparties or "交易对方" not in ctx.text[s:e]:
        return
    for m in _WITH_COUNTERPARTIES_RE.finditer(ctx.text, s, e):
        cs = _clause_start(ctx.text, s, m.start())
        before = [x[2] for x in ms if x[0] >= cs and x[1] <= m.start() and ctx.etype(x[2]) in ORG_TYPES]
        if not before:
            continue
        for party in ctx.counterparties:
            ctx.add(
                "SIGNED_AGREEMENT_WITH",
                before[-1],
                party,
                {"date": find_date(ctx.text[s:e], ctx.date)},
                (s, e),
            )


# X由A全资设立 / 由A与B合资设立: passive founding, the founders after 由 invest in the subject before it
_FOUNDED_BY_RE = re.compile(r"由(?=[^，,。；;]{2,80}?(?:全资|独资|合资|共同出资|出资)(?:设立|成立|组建))")


def rule_founded_by(ctx: Ctx, s: int, e: int, ms) -> None:
    """深圳华辰（深圳）有限公司由华辰控股全资设立: each founder invests in the company named before 由."""
    text = ctx.text
    if "设立" not in text[s:e] and "成立" not in text[s:e] and "组建" not in text[s:e]:
        return
    for m in _FOUNDED_BY_RE.finditer(text, s, e):
        subj = [x[2] for x in ms if x[1] <= m.start() and ctx.etype(x[2]) == "Company"]
        k = _first_after(ctx, ms, m.end(), 0, _HOLDER_TYPES)
        if not subj or k is None:
            continue
        for x in _list_from(ctx, ms, k):
            if ctx.etype(x[2]) in _HOLDER_TYPES:
                ctx.add("INVESTED_IN", x[2], subj[0], {"date": find_date(text[s:e], ctx.date)}, (s, e))
