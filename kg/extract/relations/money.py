"""Money: loans and credit lines, cross-border financing, investments, share transfers, acquisitions."""

from __future__ import annotations

import re
from bisect import bisect_left

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
    _orgs,
    _stake,
    _subject,
)
from kg.extract.relations.crossborder import _XB_RE
from kg.extract.relations.shares import find_lender_shares

# Cue patterns of the rules below, compiled once (re.* with a string pays a cache lookup per call).
# 该行 / 此行 / 该分行: the bank named before
_BANK_REF_RE = re.compile(r"该行|此行|该分行")
# 向工商银行申请贷款: 向 before the bank applied to
_TOWARDS_RE = re.compile(r"向")
# (向工商银行)杭州分行申请: 申请 later in the clause
_THEN_APPLIES_RE = re.compile(r"[^，,。]{0,20}?申请")
# 为 / 向 / 给予天山能源(提供贷款): the borrower follows
_TO_BORROWER_RE = re.compile(r"(?:向|为|给予)")
# (为X)提供 / 投放 / 发放 / 给予: the lending verb later in the clause
_THEN_PROVIDES_RE = re.compile(r"[^，,。]{0,36}?(?:提供|投放|发放|给予)")
# 为其 / 向其 / 给予其(提供授信): 其, the bank's counterpart
_TO_IT_RE = re.compile(
    r"(?:为|向|给予)其(?![\u4e00-\u9fff]{0,6}?(?:子公司|孙公司|下属企业))"
)  # (为其下属子公司X: X borrows)
# 借款人为 / 融资主体是 / 授信对象为X: the borrower follows
_BORROWER_IS_RE = re.compile(r"(?:借款人|借款主体|融资主体|授信对象)(?:为|是)")
# 获得 / 获 / 取得了(工商银行授信): the borrower comes before
_OBTAINS_RE = re.compile(r"(?:获得|获|取得)(?:了)?")
# 贷款 / 授信 / 融资
_LOAN_WORD_RE = re.compile(r"贷款|授信|融资")
# (获得)15亿元综合授信: a loan or credit line later in the clause
_THEN_LOAN_RE = re.compile(r"[^，,。]{0,12}?(?:贷款|授信)")
# 合资公司 / 标的公司 / 项目公司 / 新公司: the company invested in
_INVESTEE_REF_RE = re.compile(r"合资公司|标的公司|项目公司|新公司")
# 出资5000万元 / 出资人民币 (not 共同出资): a contribution of an amount
_CONTRIBUTES_AMOUNT_RE = re.compile(r"(?<!共同)出资(?=\d|人民币|[零一二两三四五六七八九十百千]+[万亿])")
# (间接)持有X 20%股份 (not 持有的): the holder before, the held after
_HOLDS_RE = re.compile(r"(?:直接|间接)?持有(?!的)")
# 仍 / 合计 / 目前(持有): adverbs between the holder and 持有
_HOLDING_ADVERB_RE = re.compile(r"[仍将已还共合计累计目前现]{1,4}")
# (持有)X公司20%股份: 股 later in the clause
_THEN_SHARES_RE = re.compile(r"[^，。]{0,40}?股")
# 向控股子公司X增资 / 向其注资: the investee between 向 and the verb
_INVESTS_INTO_RE = re.compile(r"向(其|[^，,。；;]{2,40}?)(?:投资|增资|注资)")
# 入股 / 参股 / 增资 / 认缴 / 战略投资 / 投资了
_INVEST_VERB_RE = re.compile(r"入股|参股了?|增资|认缴|战略投资|投资了?")
# 宁德时代以5亿元(入股) / 拟出资…: the means just before the verb
_WITH_AMOUNT_RE = re.compile(r"(?:以|拟?出资)[^，,。；;]{1,20}$")
# A、B / A和B / A及B: the joiners of a list of holders
_LIST_JOINER_RE = re.compile(r"、|和|及")
# (两名法人股东)间接控制公司 / 持有: the held company follows
_CONTROLS_OR_HOLDS_RE = re.compile(r"(?:控制|持有)")
# 向B(分别)转让其所持有的: the buyers between 向 and 转让
_TRANSFERS_TO_RE = re.compile(r"向((?:[^，,。转]{2,30}?))(?:分别)?转让其(?:所)?持有的")
# 将其(所)持有的C股份: the holding a seller transfers
_ITS_HOLDING_RE = re.compile(r"将其(?:所)?持有的")
# 转让予 / 转让给B: the buyer follows
_TRANSFERRED_TO_RE = re.compile(r"转让(?:予|给)")
# 收购 / 并购 / 取得X控制权: the acquirer before, the acquired after
# 入主 / 接手 (took over): an acquisition only with its taker named in the same clause
_ACQUIRES_RE = re.compile(r"收购|并购|取得(?=[^，,。]{0,20}控制权)|入主|接手")
# 公司 / 该公司(收购X): the article's company
_THE_COMPANY_RE = re.compile(r"(?:公司|该公司)")

_FIN_RE = re.compile(r"贷款|授信|信贷|银团|融资支持|投放|发放|提供[^，,。；;]{0,24}融资")


def rule_financing(ctx: Ctx, s: int, e: int, ms) -> None:
    sent = ctx.text[s:e]
    if not _FIN_RE.search(sent) or _XB_RE.search(sent) or _NEGATED_RE.search(sent):
        return
    banks = [i for ms_, me_, i in ms if ctx.etype(i) == "Bank" and not _is_modifier(ctx, me_, e)]
    if not banks and _BANK_REF_RE.search(sent) and ctx.last_bank is not None:
        banks = [ctx.last_bank]
    if not banks:
        # 华润融资租赁为江西赣能提供2亿元融资租赁服务: a non-bank lender is the subject of 为/向…提供…融资
        vm = _LENDS_RE.search(sent)
        if vm:
            k = _last_before(ctx, ms, s + vm.start(), 6, _LENDER_TYPES)
            if k is not None:
                banks = [ms[k][2]]
    borrower = None
    am = _TOWARDS_RE.search(sent)
    if am:
        kb = _first_after(ctx, ms, s + am.end(), 0, {"Bank"})
        if kb is not None and _THEN_APPLIES_RE.match(ctx.text[ms[kb][1] : e]):
            # 海岳医药拟向工商银行杭州分行申请并购贷款: the applicant borrows from the bank
            kbor = _last_before(ctx, ms, s + am.start(), 4)
            if kbor is not None:
                borrower, banks = ms[kbor][2], [ms[kb][2]]
    if borrower is None and banks and _TO_IT_RE.search(sent):
        # 与芯驰半导体签订授信协议，为其江宁基地项目提供授信: 其 is the bank's counterpart, not the project
        others = [i for i in _orgs(ctx, ms) if ctx.etype(i) in _BORROWER_TYPES]
        borrower = others[0] if others else None
    bm = _TO_BORROWER_RE.search(sent)
    k_list = None
    for m in _TO_BORROWER_RE.finditer(sent):
        if borrower is not None:
            break
        k = _first_after(ctx, ms, s + m.end(), 2, ORG_TYPES | {"Event", "Region"})
        if k is None and _DESCRIBED_RE.match(sent, m.end()):
            # 为风机整机制造商X核定授信: a descriptive noun (…商/…企业) before the name
            k = _first_after(ctx, ms, s + m.end() + len(_DESCRIBED_RE.match(sent, m.end()).group(0)), 0)
        while (
            k is not None
            and k + 1 < len(ms)
            and ctx.etype(ms[k + 1][2]) != "Region"  # 为X的遂宁至南充段工程: a place is no subsidiary
            and _is_modifier(ctx, ms[k][1], e)
        ):
            k += 1  # 为天山能源下属控股子公司X提供贷款: the qualifier is not the borrower

        if k is not None and ctx.etype(ms[k][2]) != "Bank":
            rest = ctx.text[ms[k][1] : e]
            if _THEN_PROVIDES_RE.match(rest) or re.search(r"贷款|授信|信贷", rest[:50]):
                borrower = ms[k][2]
                k_list = k
                break
    del bm
    if borrower is None and banks and _TO_IT_RE.search(sent):
        # 与南京地铁签署协议，将为其提供…融资支持: 其 is the bank's counterpart in the sentence
        others = [i for i in _orgs(ctx, ms) if ctx.etype(i) in _BORROWER_TYPES]
        borrower = others[0] if others else None
    if borrower is None:
        km = _BORROWER_IS_RE.search(sent)
        if km:
            k = _first_after(ctx, ms, s + km.end(), 1)
            borrower = ms[k][2] if k is not None else None
    if borrower is None:
        for gm in _OBTAINS_RE.finditer(sent):
            kb = _last_before(ctx, ms, s + gm.start(), 4)
            kl = _first_after(ctx, ms, s + gm.end(), 1, {"Bank"})
            if kb is not None and kl is not None and _LOAN_WORD_RE.search(ctx.text[ms[kl][1] : e][:60]):
                borrower = ms[kb][2]
                banks = [x[2] for x in _list_from(ctx, ms, kl) if ctx.etype(x[2]) == "Bank"]
                break
            if kl is None and banks and _THEN_LOAN_RE.match(ctx.text[s + gm.end() : e]):
                # 东海港务与平安银行宁波分行签订协议，获得15亿元综合授信
                subj = [  # 园区国资委下属的元禾控股…获得授信: the qualifier is not the borrower
                    i
                    for ms_, me_, i in ms
                    if ctx.etype(i) in _BORROWER_TYPES and not _is_modifier(ctx, me_, e)
                ]
                if subj:
                    borrower = subj[0]
                    break
    projects = [
        i for _s, _e, i in ms if ctx.etype(i) == "Event" and ctx.table.entities[i].name.endswith("项目")
    ]
    syndicated = "银团" in sent
    if syndicated and borrower is None:
        amt0 = parse_amount(sent)
        if amt0:
            ctx.pending_amount = amt0
    if borrower is None and syndicated:
        # 航丰集团（简称…）城市快速路工程81.4亿元银团贷款: the organisation owning the financed works borrows
        pos = s + sent.index("银团")
        cs = _clause_start(ctx.text, s, pos)
        owners = [i for ms_, me_, i in ms if ms_ >= cs and me_ <= pos and ctx.etype(i) in _BORROWER_TYPES]
        if owners:
            borrower = owners[0]
        for pj in projects if borrower is None else ():
            # 嘉宏化工污水处理厂提标改造项目: the project's name opens with its owner's name
            name = ctx.table.entities[pj].name
            heads = [
                i
                for surf, i in ctx.table.by_surface.items()
                if name.startswith(surf) and len(surf) < len(name) and ctx.etype(i) in _BORROWER_TYPES
            ]
            if heads:
                borrower = heads[0]
                break
    if borrower is None and projects:
        borrower = projects[0]
    if borrower is None and syndicated and ctx.last_fin and not _OWN_BORROWER_SLOT_RE.search(sent):
        borrower = ctx.last_fin[
            "borrower"
        ]  # (not when the sentence names a borrower of its own: 为港铁公司安排)
    if borrower is None and syndicated and len(banks) >= 2:
        ctx.pending_banks = list(dict.fromkeys(banks))  # 由A牵头、B、C参与的…银团: the borrower comes later
    if borrower is not None and not banks and syndicated and ctx.pending_banks:
        banks, ctx.pending_banks = ctx.pending_banks, None  # 本次银团贷款…借款人为X
    if borrower is None or not banks:
        return
    amt = parse_amount(sent)
    props: dict = {}
    if amt:
        props = {"amount": amt[0], "currency": amt[1], "amount_text": amt[2]}
    elif syndicated and ctx.last_fin and ctx.last_fin["borrower"] == borrower:
        props = dict(ctx.last_fin["props"])
    elif syndicated and ctx.pending_amount:
        a = ctx.pending_amount
        props = {"amount": a[0], "currency": a[1], "amount_text": a[2]}
    lead = None
    lm = re.search(
        r"由([^，,。]{2,50}?)(?:(?:作为|担任)(?:本次|该笔)?(?:银团)?(?:贷款)?牵头行|牵头(?:组建|筹组)?银团)",
        sent,
    )
    if lm:
        k = _first_after(ctx, ms, s + lm.start(1), 0, {"Bank"})
        lead = ms[k][2] if k is not None else None
    date = find_date(sent, ctx.date)
    shares = find_lender_shares(ctx, s, e, ms, list(dict.fromkeys(banks)))
    borrowers = [borrower]
    if k_list is not None:
        # 为A、B、C提供意向性授信共计300亿元: each listed company borrows; one total is no one's amount
        borrowers = [
            x[2] for x in _list_from(ctx, ms, k_list) if ctx.etype(x[2]) in _BORROWER_TYPES
        ] or borrowers
        if len(borrowers) > 1:
            props = {}
    for bor in borrowers:
        for b in dict.fromkeys(banks):
            role = "牵头行" if b == lead else ("银团成员" if syndicated else None)
            own = props
            if b in shares:
                a = shares[b]
                own = {**props, "amount": a[0], "currency": a[1], "amount_text": a[2]}
            ctx.add("PROVIDED_FINANCING_TO", b, bor, {**own, "role": role, "date": date}, (s, e))
    ctx.last_fin = {"borrower": borrower, "props": props}


_BORROWER_TYPES = ORG_TYPES - {"Bank"}
_OWN_BORROWER_SLOT_RE = re.compile(r"(?:为|向)[\u4e00-\u9fffA-Za-z]{2,12}(?:安排|提供|发放|筹组)")
_HOLDER_TYPES = ORG_TYPES | {"Person"}
_LENDER_TYPES = frozenset({"Company", "Fund"})
_LENDS_RE = re.compile(r"(?:为|向)[^，,。；;]{2,40}?提供[^，,。；;]{0,24}?(?:融资租赁|贷款|授信|融资|资金)")
# a financial company (leasing, finance, trust, factoring) is a lender by trade: 以融资租赁方式为X提供资金
_FINANCIER_RE = re.compile(r"租赁|金融|信托|保理|财务|小额贷款")
_LEND_TO_RE = re.compile(
    r"(?:为|向)(?P<who>其|[^，,。；;]{2,40}?)提供[^，,。；;]{0,24}?(?:融资租赁|贷款|授信|融资|资金)(?!需求|缺口|压力)"
)


def rule_financier_lends(ctx: Ctx, s: int, e: int, ms) -> None:
    """远东宏信融资租赁将以融资租赁方式为远驰物流提供约8亿元资金: each financial company that is the subject of
    为/向X…提供…资金/融资 lends to X; 为其 is the company named last before (the counterpart of the deal)."""
    text = ctx.text
    sent = text[s:e]
    if "提供" not in sent or _XB_RE.search(sent) or _NEGATED_RE.search(sent):
        return
    for m in _LEND_TO_RE.finditer(sent):
        pos = s + m.start()
        cs = _clause_start(text, s, pos)
        before = [x for x in ms if x[1] <= pos and x[0] >= s]
        lenders = [
            x[2]
            for x in before
            if ctx.etype(x[2]) in _LENDER_TYPES and _FINANCIER_RE.search(ctx.table.entities[x[2]].name)
        ]
        if not lenders:
            continue
        lender = lenders[-1]
        if m.group("who") == "其":
            cands = [
                x[2]
                for x in before
                if x[0] >= cs - 80 and x[2] != lender and ctx.etype(x[2]) in _BORROWER_TYPES
            ]
            borrower = cands[-1] if cands else None
        else:
            k = _first_after(ctx, ms, pos + 1, 0)
            borrower = ms[k][2] if k is not None else None
        if borrower is None:
            continue
        seg = text[pos : s + m.end()]
        amt = parse_amount(seg)
        props = {"date": find_date(sent, ctx.date)}
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add("PROVIDED_FINANCING_TO", lender, borrower, props, (s, e))


_DESCRIBED_RE = re.compile(
    r"[\u4e00-\u9fff]{1,10}?(?:制造商|供应商|运营商|服务商|开发商|企业|厂商)|其(?:下属|旗下)?的?(?:全资|控股)?(?:子公司|孙公司)"
)
_NEGATED_RE = re.compile(r"并未|未参与|没有参与|未能|尚未参与|不参与")


def _investee_ref(ctx: Ctx, s: int, pos: int, ms, investors: frozenset = frozenset()) -> int | None:
    """The company a contribution goes to: a 合资公司-like mention earlier in the sentence, else the last founded.
    Never one of the investors themselves: a fund listed among a fund's limited partners is not the fund."""
    for ms_, me_, mi in reversed(ms):
        if me_ <= pos and mi not in investors and _INVESTEE_REF_RE.search(ctx.text[ms_:me_]):
            return mi
    # 认缴出资 into the fund the article is about (the last fund named before), unless a company was founded
    # after that fund was named
    last_fund = None
    funds = ctx.fund_mentions()
    for k in range(bisect_left(funds, (pos, -1, -1)) - 1, -1, -1):  # the funds named before pos, last first
        m = funds[k]
        if m[1] <= pos and m[2] not in investors and not _CONTRIBUTES_AFTER_RE.match(ctx.text, m[1]):
            last_fund = (
                m  # (其中，A基金出资30亿元，B出资40亿元: a fund that contributes itself is no investee)
            )
            break
    if ctx.last_established is not None and (last_fund is None or ctx.established_at > last_fund[0]):
        return ctx.last_established
    return last_fund[2] if last_fund else None


_CONTRIBUTES_AFTER_RE = re.compile(r"(?:认缴|实缴)?出资|认缴")
_HELD_RE = re.compile(r"持股(?:比例)?(?:为|约|达)?约?(\d+(?:\.\d+)?%)")


_EACH_INVESTS_RE = re.compile(r"分别(?:认缴|实缴)?出资(?:额)?(?:为)?")


def _each_invests(ctx: Ctx, s: int, e: int, ms) -> bool:
    """A、B作为有限合伙人分别认缴出资3亿元、2亿元: every listed holder invests its own amount, in order."""
    text = ctx.text
    m = _EACH_INVESTS_RE.search(text, s, e)
    if not m:
        return False
    cs = _clause_start(text, s, m.start())
    inside = [
        j for j, x in enumerate(ms) if x[0] >= cs and x[1] <= m.start() and ctx.etype(x[2]) in _HOLDER_TYPES
    ]
    if not inside:
        return False
    k = inside[-1]
    investors = [ms[k][2]]
    while k > 0 and _SEPS.match(text[ms[k - 1][1] : ms[k][0]]) and ctx.etype(ms[k - 1][2]) in _HOLDER_TYPES:
        k -= 1
        investors.insert(0, ms[k][2])
    target = _investee_ref(ctx, s, m.start(), ms, frozenset(investors))
    amounts, pos = [], m.end()
    for am in AMOUNT_RE.finditer(text, pos, e):
        if text[pos : am.start()] not in ("", "、", "和", "，"):
            break
        amounts.append(parse_amount(am.group(0)))
        pos = am.end()
    if len(amounts) != len(investors) or not all(amounts):
        amounts = [None] * len(investors)
    for inv, a in zip(investors, amounts, strict=True):
        props = {"amount": a[0], "currency": a[1], "amount_text": a[2]} if a else {}
        ctx.add("INVESTED_IN", inv, target, props, (s, e))
    return True


def rule_invested(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    for m in _CONTRIBUTES_AMOUNT_RE.finditer(text[s:e]) if not _each_invests(ctx, s, e, ms) else ():
        pos = s + m.start()
        k = _last_before(ctx, ms, pos, 0, ORG_TYPES | {"Person"})
        if k is None:
            cs = _clause_start(text, s, pos)
            inside = [
                j
                for j, x in enumerate(ms)
                if x[0] >= cs and x[1] <= pos and ctx.etype(x[2]) in ORG_TYPES | {"Person"}
            ]
            k = inside[-1] if inside else None
        if k is None:
            continue
        ce = _clause_end(text, s + m.end(), e)
        seg_end = min(e, text.find("；", pos) if text.find("；", pos) != -1 else e)
        amt = AMOUNT_RE.match(text, s + m.end())
        props = {"stake": _stake(text[s + m.end() : seg_end])}
        if amt:
            a = parse_amount(amt.group(0))
            if a:
                props.update(amount=a[0], currency=a[1], amount_text=a[2])
        del ce
        target = _investee_ref(ctx, s, pos, ms, frozenset({ms[k][2]}))
        ctx.add("INVESTED_IN", ms[k][2], target, props, (ms[k][0], seg_end))
    for m in _HOLDS_RE.finditer(text[s:e]):
        pos = s + m.start()
        k = _last_before(ctx, ms, pos, 0, ORG_TYPES | {"Person"})
        if k is None:
            k = _last_before(ctx, ms, pos, 4, ORG_TYPES | {"Person"})
            if k is not None and not _HOLDING_ADVERB_RE.fullmatch(text[ms[k][1] : pos]):
                k = None
        if k is None:
            continue
        after = text[s + m.end() : e]
        if not _THEN_SHARES_RE.match(after):
            continue
        k2 = _first_after(ctx, ms, s + m.end(), 0)
        target = ms[k2][2] if k2 is not None else (ctx.focal if after.startswith("公司") else None)
        ce = _clause_end(text, s + m.end(), e)
        stake = _stake(text[s + m.end() : ce + 40 if ce < e else e])
        ctx.add("INVESTED_IN", ms[k][2], target, {"stake": stake}, (s, e))
    for m in _INVESTS_INTO_RE.finditer(text[s:e]):
        # 向(控股子公司)X增资: the name ending right before the verb; 向其增资: 其 is the company named before
        k2 = next((j for j, x in enumerate(ms) if x[1] == s + m.end(1) and x[0] >= s + m.start(1)), None)
        subj = _subject(ctx, s, e, ms)
        if k2 is None and m.group(1) == "其":
            prev = [
                j
                for j, x in enumerate(ms)
                if x[1] <= s + m.start() and ctx.etype(x[2]) in _BORROWER_TYPES and x[2] != subj
            ]
            k2 = prev[-1] if prev else None
        if k2 is None:
            continue
        ce = _clause_end(text, s + m.end(), e)
        amt = parse_amount(text[s + m.end() : ce])
        held = _HELD_RE.search(text, s + m.end(), e)
        stake = _stake(text[s + m.end() : ce]) or (held.group(1) if held else None)
        props = {"stake": stake, "date": find_date(text[s:e], ctx.date)}
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add("INVESTED_IN", subj, ms[k2][2], props, (s, e))
    for m in _INVEST_VERB_RE.finditer(text[s:e]):
        pos = s + m.start()
        k = _last_before(ctx, ms, pos, 2, ORG_TYPES | {"Person"})
        if k is None and m.group(0) in ("入股", "增资") and _WITH_AMOUNT_RE.search(text[s:pos]):
            # 宁德时代以5亿元入股赣锋锂业: the subject before 以<amount>
            k = _last_before(ctx, ms, s + _WITH_AMOUNT_RE.search(text[s:pos]).start(), 2, _HOLDER_TYPES)
        if k is None and m.group(0).startswith("参股"):
            cs = _clause_start(text, s, pos)
            inside = [
                j for j, x in enumerate(ms) if x[0] >= cs and x[1] <= pos and ctx.etype(x[2]) in ORG_TYPES
            ]
            k = inside[0] if inside else None
        k2 = _first_after(ctx, ms, s + m.end(), 0)
        if k is None or k2 is None:
            continue
        ce = _clause_end(text, s + m.end(), e)
        amt = parse_amount(text[s:ce])
        sm = _HELD_RE.search(text, s + m.end(), e)
        stake = _stake(text[s + m.end() : ce]) or (sm.group(1) if sm else None)
        props = {"stake": stake, "date": find_date(text[s:e], ctx.date)}
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add("INVESTED_IN", ms[k][2], ms[k2][2], props, (s, e))


_HOLDERS_RE = re.compile(r"(?:[两三四五六七八九十\d]+名|等)(?:法人|机构)?股东")


def rule_shareholders(ctx: Ctx, s: int, e: int, ms) -> None:
    """控制旭晟控股、旭日实业两名法人股东间接控制公司…股份: each listed shareholder holds the company."""
    text = ctx.text
    for m in _HOLDERS_RE.finditer(text, s, e):
        k_last = _last_before(ctx, ms, m.start(), 0)
        if k_last is None:
            continue
        k0 = k_last
        while k0 > 0 and _LIST_JOINER_RE.fullmatch(text[ms[k0 - 1][1] : ms[k0][0]]):
            k0 -= 1
        holders = [x[2] for x in ms[k0 : k_last + 1]]
        after = text[m.end() : _clause_end(text, m.end(), e)]
        tm = _CONTROLS_OR_HOLDS_RE.search(after)
        if not tm:
            continue
        k2 = _first_after(ctx, ms, m.end() + tm.end(), 0)
        target = (
            ms[k2][2] if k2 is not None else (ctx.focal if after[tm.end() :].startswith("公司") else None)
        )
        for h in holders:
            ctx.add("INVESTED_IN", h, target, {}, (s, e))


def rule_transfer(ctx: Ctx, s: int, e: int, ms) -> None:
    """A向B转让其持有的C X%股权 -> B ACQUIRED C; A将其持有的C股份转让予B -> B INVESTED_IN C."""
    text = ctx.text
    for m in _TRANSFERS_TO_RE.finditer(text[s:e]):
        buyers_start = s + m.start(1)
        k = _first_after(ctx, ms, buyers_start, 0)
        if k is None:
            continue
        buyers = [x[2] for x in _list_from(ctx, ms, k) if x[1] <= s + m.end(1)]
        k2 = _first_after(ctx, ms, s + m.end(), 0)
        if k2 is None:
            continue
        target = ms[k2][2]
        ce = _clause_end(text, ms[k2][1], e)
        seg = text[ms[k2][1] : ce]
        stakes = re.findall(r"(\d+(?:\.\d+)?%)股权", seg)
        kind = "ACQUIRED" if "股权" in seg else "INVESTED_IN"
        for n, b in enumerate(buyers):
            stake = stakes[n] if len(stakes) == len(buyers) else (stakes[0] if stakes else None)
            ctx.add(
                kind,
                b,
                target,
                {"stake": stake, "date": find_date(text[s:e], ctx.date)},
                (s, e),
                transfer=True,
            )
    for m in _ITS_HOLDING_RE.finditer(text[s:e]):
        k2 = _first_after(ctx, ms, s + m.end(), 0)
        after = text[s + m.end() : e]
        target = ms[k2][2] if k2 is not None else (ctx.focal if after.startswith("公司") else None)
        tm = _TRANSFERRED_TO_RE.search(after)
        if target is None or not tm:
            continue
        k3 = _first_after(ctx, ms, s + m.end() + tm.end(), 0)
        if k3 is None:
            continue
        seg = after[: tm.start()]
        kind = "ACQUIRED" if "股权" in seg else "INVESTED_IN"
        ctx.add(kind, ms[k3][2], target, {"stake": _stake(seg)}, (s, e), transfer=True)


def rule_acquired(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    for m in _ACQUIRES_RE.finditer(text[s:e]):
        pos = s + m.start()
        k2 = _first_after(ctx, ms, s + m.end(), 1)
        if k2 is None:
            continue
        cs = _clause_start(text, s, pos)
        before = [x for x in ms if x[0] >= cs and x[1] <= pos and ctx.etype(x[2]) in ORG_TYPES | {"Person"}]
        # 大恒科技从时任股东的X接手诺安基金20%股权: X after 从 sold (it held the stake), the subject bought
        sellers = [x for i, x in enumerate(before) if "从" in text[(before[i - 1][1] if i else cs) : x[0]]]
        before = [x for x in before if x not in sellers]
        if not before and m.group(0) in ("入主", "接手"):
            continue
        if not before:
            acq = None
            if _THE_COMPANY_RE.match(text[cs:pos].lstrip()):
                acq = ctx.focal
            else:
                subj = [x for x in ms if x[1] <= pos and ctx.etype(x[2]) in ORG_TYPES]
                acq = subj[0][2] if subj else None
            if acq is None or acq == ms[k2][2]:
                continue
            before = [(0, 0, acq)]
        ce = _clause_end(text, ms[k2][1], e)
        amt = parse_amount(text[cs:ce])
        props = {"stake": _stake(text[ms[k2][1] : ce]), "date": find_date(text[s:e], ctx.date)}
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add("ACQUIRED", before[-1][2], ms[k2][2], props, (s, e))
        for x in sellers:
            if props.get("stake"):
                ctx.add("INVESTED_IN", x[2], ms[k2][2], {}, (s, e))
