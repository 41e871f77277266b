"""Agreements, strategic partnerships, joint ventures and subsidiaries."""

from __future__ import annotations

import re
from itertools import pairwise

from kg.extract import lexicon as lx
from kg.extract.entities import ORG_TYPES
from kg.extract.normalize import find_date, parse_amount
from kg.extract.relations.base import (
    Ctx,
    _clause_end,
    _clause_start,
    _first_after,
    _is_modifier,
    _list_from,
    _mention_before,
    _stake,
    _subject,
)

# Cue patterns of the rules below, compiled once (re.* with a string pays a cache lookup per call).
# A与B / A同B / A和B / A跟B: the word joining two parties
_PARTY_JOINER_RE = re.compile(r"与|同|和|跟")
# 签署 / 签订 / 签约 (not 签约仪式) / 达成…协议: the verb of a signed agreement
_SIGNING_VERB_RE = re.compile(
    r"签订|签署|签约(?!仪式|现场|活动|会|大会|嘉宾|代表|项目|企业|单位|客商|金额|总额|额)|签下|签定|达成(?=[^，,。；;]{0,16}?协议)"
)
# 建立战略合作关系 / 达成全面战略合作: a strategic partnership
_STRATEGIC_PARTNERSHIP_RE = re.compile(r"战略合作(?:关系|伙伴|框架)|达成(?:全面|深度)?战略合作")
# 签订 / 签署 / 签约 (签约仪式 too): a signing, the sentence is left to the signing rules
_SIGNING_WORD_RE = re.compile(r"签订|签署|签约")
# 公司的控股股东为X: a clause opening with the bare 公司 (the article's company)
_BARE_COMPANY_RE = re.compile(r"公司")
# 康瑞生物将成为公司(控股子公司): 是/成为/系/为 and the parent up to the cue
_COPULA_PARENT_RE = re.compile(r"(?:是|成为|系|为)([^，,。；;]{0,60}?)$")
# 新公司 / 该公司 / 此公司 / 合资公司: the company just founded
_NEW_COMPANY_REF_RE = re.compile(r"(?:新公司|该公司|此公司|合资公司)")
# 合资公司将由宁德时代控股: 由 before the controlling holder
_BY_RE = re.compile(r"由")
# (由Y)控股 / 绝对控股 / 相对控股: the holder controls it
_CONTROLS_RE = re.compile(r"(?:绝对|相对)?控股")

_AGREEMENT_RE = re.compile(
    r"(?:了|的)?(?:正式)?(?P<amount>\d+(?:\.\d+)?[万亿]*(?:元|美元|欧元|港元|日元)(?:人民币)?(?:的)?)?"
    r"(?P<a>《[^》]{1,80}》|(?:[\u4e00-\u9fffA-Za-z0-9]|[“”\"][\u4e00-\u9fff]{1,8}[“”\"]){0,14}?"
    r"(?:框架协议|合作协议|协议书|协议|备忘录|意向书|合同|协定))"
)
# a loan agreement signed by a bank is the financing itself (dev-wide conventions): 贷款协议 / 借款合同
_LOAN_AGREEMENT_RE = re.compile(r"贷款|借款")


_JOINT_AGREEMENT_RE = re.compile(r"合资|联营|出资|发起|股东")
_NOT_SIGNED_RE = re.compile(r"(?:尚未|未|没有|不再|拟不|无法)$")
_WITNESSES_RE = re.compile(r"(?:、[\u4e00-\u9fff]{2,3})*(?:共同|一同|一起)?(?:见证|出席|主持)")
_SYNDICATE_AFTER_RE = re.compile(r"(?:了|的)?(?:一个|一家)?(?:[\u4e00-\u9fff]{0,6}?)?银团")
_OWNER_OF_RE = re.compile(r"的(?:创始|原|现|第一|第二|主要|单一)?(?:大股东|控股股东|股东|母公司)")
_REPRESENTS_RE = re.compile(r"代表(?:[\u4e00-\u9fff]{2,3}[和、与及])*$")
_ALL_PARTIES_RE = re.compile(r"双方|各方|[三四五六七八]方")
_SHORT_AGREEMENT_RE = re.compile(r"[(（](?:以下|下)?简称[“\"]?(《[^》]+》)[”\"]?[)）]")


def _parties_before(ctx: Ctx, s: int, vpos: int, ms) -> list[int]:
    cs = _clause_start(ctx.text, s, vpos)
    out: list[int] = []
    for ms_, me_, mi in ms:
        if ms_ < cs or me_ > vpos:
            continue
        if _is_modifier(ctx, me_, vpos):
            continue
        t = ctx.etype(mi)
        if t == "Person" and ctx.table.person_groups.get((ms_, me_)):
            # an official signing for an organisation: the organisation is the party (…与徐州市邹徐文常务副市长
            # 签订: the city's government, which rule_executive found for him)
            for r in ctx.executive_at.get((mi, s), ()):
                if r.tgt not in out:
                    out.append(r.tgt)
                    ctx.proxies[r.tgt] = (ms_, me_)  # the body stands where its official is named
            continue
        if t == "Person" and _REPRESENTS_RE.search(ctx.text, max(cs, ms_ - 12), ms_):
            continue  # 双方代表王小明和李大伟签署: signatories sign for their organisations, not as parties
        if t == "Person" and _WITNESSES_RE.match(ctx.text, me_):
            continue  # 王建国见证了A与B的签约: a witness is no party
        if (t in ORG_TYPES or t == "Person") and mi not in out:
            out.append(mi)
        elif (
            t == "Region"
            and mi not in out
            and _coordinated(ctx.text, ms_, me_)
            and _ZONE_END_RE.search(ctx.table.entities[mi].name)
        ):
            out.append(mi)  # 平潭综合实验区与重庆农村商业银行签署…协议: a zone (not a city) signs as a party
    pm = _ALL_PARTIES_RE.search(ctx.text[cs:vpos]) if len(out) < 2 else None
    if pm:
        return _parties_referred(ctx, s, cs, ms, pm.group(0))
    return out


_ZONE_END_RE = re.compile(
    "(?:"
    + lx.word_alternation(
        z for z in lx.REGION_SUFFIXES if len(z) >= 2 and z not in ("自治区", "自治州", "自治县")
    )
    + ")$"
)


def _coordinated(text: str, s: int, e: int) -> bool:
    """Is a mention one side of 与/和/同 (R与X / X与R)?"""
    return text.startswith(("与", "同"), e) or text.endswith(("与", "同"), 0, s)


def _parties_referred(ctx: Ctx, s: int, cs: int, ms, word: str) -> list[int]:
    """双方 / 各方 / 三方: the pair joined by 与 earlier in the same sentence, else the parties named last;
    双方 is two parties, never a list of three."""
    for a, b in pairwise(ms):
        joined = b[1] <= cs and ctx.text[a[1] : b[0]] in ("与", "和", "同") and a[2] != b[2]
        if joined and ctx.etype(a[2]) in ORG_TYPES and ctx.etype(b[2]) in ORG_TYPES:
            return [a[2], b[2]]
    if not ctx.last_pair or (word == "双方" and len(ctx.last_pair) != 2):
        return []
    return list(ctx.last_pair)


def _sides(ctx: Ctx, s: int, vpos: int, ms, parties: list[int]) -> list[tuple[int, int]]:
    """Pairs of signing parties: across 与/和/同 when the clause has two sides (A、B与C -> A-C, B-C), else all."""
    cs = _clause_start(ctx.text, s, vpos)
    seg = ctx.text[cs:vpos]
    placed = list(ms) + [(a, b, i) for i, (a, b) in ctx.proxies.items() if i in parties]
    for wm in _PARTY_JOINER_RE.finditer(seg):
        pos = cs + wm.start()
        left = [i for ms_, me_, i in placed if cs <= ms_ and me_ <= pos and i in parties]
        right = [i for ms_, me_, i in placed if ms_ >= pos + 1 and me_ <= vpos and i in parties]
        left, right = list(dict.fromkeys(left)), [i for i in dict.fromkeys(right) if i not in left]
        if left and right and ctx.text[pos - 1] != "、":
            between = ctx.text[max(cs, pos - 1) : pos + 2]
            del between
            return [(a, b) for a in left for b in right if a != b]
        if left and not right:
            return []
    return [(parties[a], parties[b]) for a in range(len(parties)) for b in range(a + 1, len(parties))]


def _pairs(ctx: Ctx, rtype: str, parties: list[int], props: dict, ev, conf=0.9) -> None:
    for a in range(len(parties)):
        for b in range(a + 1, len(parties)):
            ctx.add(rtype, parties[a], parties[b], props, ev, conf)


def rule_signed(ctx: Ctx, s: int, e: int, ms) -> None:
    sent = ctx.text[s:e]
    for m in _SIGNING_VERB_RE.finditer(sent):
        vpos = s + m.start()
        am = _AGREEMENT_RE.match(ctx.text, s + m.end())
        agreement = None
        if am:
            agreement = am.group("a")
            sm = _SHORT_AGREEMENT_RE.match(ctx.text, am.end())
            if sm:
                agreement = sm.group(1)
        if not agreement and m.group(0) != "签约":
            continue
        if _NOT_SIGNED_RE.search(ctx.text, max(s, vpos - 4), vpos):
            continue  # 投资各方尚未签署合资协议: not signed
        parties = _parties_before(ctx, s, vpos, ms)
        if len(parties) < 2:
            continue
        date = find_date(ctx.text[s:vpos], ctx.date)
        sides = _sides(ctx, s, vpos, ms, parties)
        if len(parties) >= 3 and agreement and _JOINT_AGREEMENT_RE.search(agreement):
            # 公司与A、B签署《合资协议书》: every party of a joint agreement with every other
            sides = [
                (parties[i], parties[j]) for i in range(len(parties)) for j in range(i + 1, len(parties))
            ]
        strategic = (agreement and "战略合作" in agreement) or "战略合作" in ctx.text[vpos - 10 : vpos]
        group = (
            frozenset(parties)
            if len(parties) >= 3 and len(sides) == len(parties) * (len(parties) - 1) // 2
            else None
        )
        if (
            agreement
            and _LOAN_AGREEMENT_RE.search(agreement)
            and "战略" not in agreement
            and len(parties) == 2
        ):
            banks = [p for p in parties if ctx.etype(p) == "Bank"]
            if len(banks) == 1:
                # 国家开发银行与巴基斯坦财政部签署100亿元人民币贷款协议: the bank lends to the other party
                other = parties[1] if parties[0] == banks[0] else parties[0]
                props = {"date": date}
                amt = parse_amount(ctx.text[s:e])
                if amt:
                    props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
                ctx.add("PROVIDED_FINANCING_TO", banks[0], other, props, (s, e))
                ctx.last_pair = parties
                continue
        for a, b in sides:
            ctx.add(
                "SIGNED_AGREEMENT_WITH", a, b, {"date": date, "agreement": agreement}, (s, e), group=group
            )
            if strategic and ctx.etype(a) in ORG_TYPES and ctx.etype(b) in ORG_TYPES:
                ctx.add("STRATEGIC_PARTNER_OF", a, b, {"date": date}, (s, e))
        if sides:
            ctx.last_pair = parties


# 开封市政府与郑州银行战略合作协议签约仪式举行: the ceremony of an agreement between the two named before it
_CEREMONY_RE = re.compile(r"(?:协议|备忘录|合同|协议书|战略合作|合作)(?:签约|签字|签署)(?:仪式|活动)")


def rule_signing_ceremony(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    for m in _CEREMONY_RE.finditer(text, s, e):
        cs = _clause_start(text, s, m.start())
        before = [x for x in ms if cs <= x[0] and x[1] <= m.start() and ctx.etype(x[2]) in ORG_TYPES]
        if len(before) < 2:
            continue
        a, b = before[-2], before[-1]
        if not _PARTY_JOINER_RE.fullmatch(text[a[1] : b[0]]) or a[2] == b[2]:
            continue
        agreement = text[b[1] : m.start() + text[m.start() : m.end()].index("签")]
        if len(agreement) > 24:
            continue
        date = find_date(text[s:e], ctx.date)
        ctx.add("SIGNED_AGREEMENT_WITH", a[2], b[2], {"date": date, "agreement": agreement}, (s, e))
        if "战略合作" in agreement:
            ctx.add("STRATEGIC_PARTNER_OF", a[2], b[2], {"date": date}, (s, e))


def rule_strategic(ctx: Ctx, s: int, e: int, ms) -> None:
    sent = ctx.text[s:e]
    m = _STRATEGIC_PARTNERSHIP_RE.search(sent)
    if not m or _SIGNING_WORD_RE.search(sent):
        return
    vpos = s + m.start()
    parties = [p for p in _parties_before(ctx, s, vpos, ms) if ctx.etype(p) in ORG_TYPES]
    conf = 0.9
    am = _ALL_PARTIES_RE.search(sent) if len(parties) < 2 else None
    if am:
        parties = [p for p in _parties_referred(ctx, s, vpos, ms, am.group(0)) if ctx.etype(p) in ORG_TYPES]
        conf = 0.7
    if len(parties) >= 2:
        _pairs(ctx, "STRATEGIC_PARTNER_OF", parties, {"date": find_date(sent, ctx.date)}, (s, e), conf)


_JV_RE = re.compile(
    r"(?:共同|联合|合资)(?:出资|投资)?(?:设立|成立|组建|创立)|合资(?:设立|成立)"
    r"|各(?:出资|持股)\d+(?:\.\d+)?%(?:的股比)?(?:设立|成立|组建)"  # A与B各出资50%成立C
)


def rule_joint_venture(ctx: Ctx, s: int, e: int, ms) -> None:
    m = _JV_RE.search(ctx.text, s, e)
    if not m:
        return
    if _SYNDICATE_AFTER_RE.match(ctx.text, m.end()):
        return  # 共同组建的银团: banks that form a syndicate lend together, they found no company
    cpos = m.start()
    cs = _clause_start(ctx.text, s, cpos)
    founders: list[int] = []
    k = _first_after(ctx, ms, m.end(), 6)
    new = ms[k][2] if k is not None else None
    by = ctx.text.rfind("由", cs, cpos)
    if by != -1 and new is None:
        # X系…，由A与B合资成立: X is what was founded, the founders follow 由
        subj = [x[2] for x in ms if x[1] <= by and ctx.etype(x[2]) in ORG_TYPES]
        new = subj[0] if subj else None
        cs = by
    else:
        subj0 = _subject(ctx, s, e, ms)
        if subj0 is not None and (
            any(x[2] == subj0 and x[0] >= cs for x in ms) or "子公司" not in ctx.text[cs:cpos]
        ):
            founders.append(subj0)  # 西部建设发布公告称，公司的全资子公司X与Y…: the parent is no founder
    for ms_, me_, mi in ms:
        if cs <= ms_ and me_ <= cpos and ctx.etype(mi) in ORG_TYPES and mi not in founders:
            founders.append(mi)
    founders = [f for f in founders if f != new]
    if len(founders) < 2 and _ALL_PARTIES_RE.search(ctx.text, max(cs, cpos - 3), cpos) and ctx.last_pair:
        founders = [f for f in ctx.last_pair if f != new]  # 并为三方联合组建的X揭牌
    if len(founders) >= 2:
        _pairs(ctx, "JOINT_VENTURE_WITH", founders, {"date": find_date(ctx.text[s:e], ctx.date)}, (s, e))
        ctx.last_pair = founders
    if new is not None:
        for f in founders:
            ctx.add("INVESTED_IN", f, new, {}, (s, e))
        ctx.last_established = new
        ctx.established_at = s


_SUB_RE = re.compile(
    r"(?:的)?(?:旗下|下属)的?(?:拥有|有|包括)?(?:全资|控股)?子公司|(?:的)?旗下(?:拥有|有|包括)|(?:的)?下属的?(?:区属|市属|省属)?(?:国有)?(?:独资)?(?:企业|国企)|隶属于|(?:全资|绝对|相对)?控股的(?=[\u4e00-\u9fff])|(?:的)?旗下(?:的)?|(?:的)?下属(?:的)?|(?:的)?(?:(?:持股|持有其?)(?P<st>\d+(?:\.\d+)?%)(?:的股权|股权|股份)?的?)?(?:全资|控股)(?:子|孙)公司|(?:的)?(?:子|孙)公司|下属的?(?:区属|市属|省属)?(?:国有)?(?:独资)?(?:企业|国企)"
)


_SUB_CUES = ("旗下", "下属", "子公司", "孙公司", "隶属于", "控股的")
_MOTHER_RE = re.compile(r"的?母公司")
_COPULA_RE = re.compile(r"(?:是|成为|系)[^，,。；;]{0,60}$")  # B系A的子公司: B is named before the copula


def rule_mother_company(ctx: Ctx, s: int, e: int, ms) -> None:
    """万和装备母公司万和控股集团: the company before 母公司 is the subsidiary of the one named right after."""
    text = ctx.text
    if "母公司" not in text[s:e]:
        return
    for m in _MOTHER_RE.finditer(text, s, e):
        child = _mention_before(ctx, ms, m.start(), 0)
        k = _first_after(ctx, ms, m.end(), 0)
        if child is not None and k is not None:
            ctx.add("SUBSIDIARY_OF", child, ms[k][2], {}, (s, e))


_HELD_RE = re.compile(r"持股(?:比例)?(?:为|约|达)?约?(\d+(?:\.\d+)?%)")
_CONTROLLING_RE = re.compile(
    r"(?:的)?(?:控股股东|母公司)(?:为|是)|(?:为|是)(?:其|公司|该公司)?(?:的)?(?:控股股东|母公司)"
)


def rule_controlling_holder(ctx: Ctx, s: int, e: int, ms) -> None:
    """A的控股股东为B / B为A的控股股东: A is B's subsidiary (persons are left to the signature check)."""
    text = ctx.text
    for m in _CONTROLLING_RE.finditer(text, s, e):
        held = _HELD_RE.search(text, m.end(), e)
        props = {"stake": held.group(1) if held else None}
        if m.group(0).endswith(("为", "是")):
            child = _mention_before(ctx, ms, m.start(), 1)
            if child is None and _BARE_COMPANY_RE.match(text[_clause_start(text, s, m.start()) : m.start()]):
                child = ctx.focal
            k = _first_after(ctx, ms, m.end(), 0)
            if k is not None:
                ctx.add("SUBSIDIARY_OF", child, ms[k][2], props, (s, e))
        else:
            holder = _mention_before(ctx, ms, m.start(), 1)
            k = _first_after(ctx, ms, m.start() + 1, 0)
            rest = text[m.start() : m.end()]
            child = ms[k][2] if k is not None and k < len(ms) and ms[k][1] <= m.end() else None
            if child is None and ("公司" in rest or "其" in rest):
                child = ctx.focal
            ctx.add("SUBSIDIARY_OF", child, holder, props, (s, e))


# 公司控股股东海南机场集团有限公司 / X的控股股东Y / 控股股东仍为Y: the holder named right after the word
_HOLDER_APPOSITION_RE = re.compile(r"(?:的)?控股股东(?:仍为|仍是)?")


def rule_controlling_apposition(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    if "控股股东" not in text[s:e]:
        return
    for m in _HOLDER_APPOSITION_RE.finditer(text, s, e):
        k = _first_after(ctx, ms, m.end(), 0, ORG_TYPES)
        if k is None or ms[k][0] != m.end():
            continue
        child = _mention_before(ctx, ms, m.start(), 0)
        if child is None and text[max(s, m.start() - 2) : m.start()] == "公司":
            child = ctx.focal  # 公司控股股东X: the announcing company
        if child is not None and child != ms[k][2]:
            ctx.add("SUBSIDIARY_OF", child, ms[k][2], {}, (s, e))


def _sub_stake(m: re.Match) -> str | None:
    """持股60%的控股子公司 -> 60%; 全资子公司 -> 100%."""
    if m.group("st"):
        return m.group("st")
    return "100%" if "全资" in m.group(0) else None


def rule_subsidiary(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    sent = text[s:e]
    cued = any(c in sent for c in _SUB_CUES)
    for m in _SUB_RE.finditer(text, s, e) if cued else ():
        if m.group(0) == "隶属于":  # 福瑞医药隶属于康尔集团: the child comes first
            k_parent = _first_after(ctx, ms, m.end(), 0)
            if k_parent is not None:
                child = _mention_before(ctx, ms, m.start(), 2)
                ctx.add("SUBSIDIARY_OF", child, ms[k_parent][2], {}, (s, e))
            continue
        parent = _mention_before(ctx, ms, m.start(), 0)
        k_child = _first_after(ctx, ms, m.end(), 0)
        if (
            parent is None
            and k_child is not None
            and (
                "子公司" in m.group(0)
                or (m.group(0).startswith("旗下") and text[m.start() - 1 : m.start()] == "，")
            )
            and not _COPULA_RE.search(text, s, m.start())
        ):
            # 华锐精密公告称，为满足全资子公司X…: the omitted owner is the sentence's subject (else the announcer)
            subj = [x[2] for x in ms if x[1] <= m.start() and ctx.etype(x[2]) in ORG_TYPES - {"Bank"}]
            parent = subj[0] if subj else ctx.focal
        if parent is not None and k_child is not None:
            om = _OWNER_OF_RE.match(text, ms[k_child][1])
            if om and k_child + 1 < len(ms) and ms[k_child + 1][0] == om.end():
                # 其子公司中融基金的创始大股东中融信托: the subsidiary is the holder named after 的…股东
                k_child += 1
            # 中国平安集团旗下平安直通咨询有限公司 / 云帆智能”）全资子公司云帆智能（上海）有限公司; 旗下拥有A、B等
            kids = _list_from(ctx, ms, k_child)
            for prev, x in zip([None, *kids], kids, strict=False):
                if prev is not None and text[prev[1] : x[0]] == "与":
                    break  # 全资子公司X与宁波银行签署协议: 与 joins the parties of the deal, not the subsidiaries
                ctx.add("SUBSIDIARY_OF", x[2], parent, {"stake": _sub_stake(m)}, (s, e))
            continue
        # B是/成为/系 A(下属)的(全资|控股)子公司
        head = text[s : m.start()]
        bm = _COPULA_PARENT_RE.search(head)
        if not bm:
            continue
        if parent is None and (bm.group(1).endswith("公司") or bm.group(1) == "其"):
            parent = -1  # 康瑞生物将成为公司/其控股子公司: the sentence's (or article's) company
        if parent is None:
            continue
        child = _mention_before(ctx, ms, s + bm.start(), 6)
        if parent == -1:
            others = [
                x[2] for x in ms if ctx.etype(x[2]) in ORG_TYPES and x[2] != child and x[1] <= s + bm.start()
            ]
            parent = others[0] if others else ctx.focal
        if child is None and _NEW_COMPANY_REF_RE.match(text[s : s + 5]):
            child = ctx.last_established
        held = _HELD_RE.search(text, m.end(), e)
        stake = (
            _sub_stake(m)
            or _stake(text[m.end() : _clause_end(text, m.end(), e)])
            or (held.group(1) if held else None)
        )
        ctx.add("SUBSIDIARY_OF", child, parent, {"stake": stake}, (s, e))
    # X(将)由Y控股: the joint venture becomes Y's subsidiary
    for m in _BY_RE.finditer(text[s:e]):
        pos = s + m.start()
        kp = _first_after(ctx, ms, pos + 1, 0)
        if kp is None or not _CONTROLS_RE.match(text[ms[kp][1] : ms[kp][1] + 4]):
            continue
        child = _mention_before(ctx, ms, pos, 3)
        ctx.add("SUBSIDIARY_OF", child, ms[kp][2], {}, (s, e))
