"""Syndicated loans as one frame per article: a borrower, member banks with their roles, one total.

Reports of a syndicate spread it over several sentences: the borrower 获得 a loan, a list says which banks
take part (包括A、B、C / 另一方由A、B…等7家银行组成), another names the lead (由A牵头, 主要牵头行、…的A). Sentence
rules see pieces; this pass collects the article's syndicate sentences and gives every member bank one
PROVIDED_FINANCING_TO the borrower with its role as written, the syndicate's total marked as a total
(amount_scope=syndicate) and one syndicate id shared by all members. Agreements among members of the lending
side, and the loan contract itself, are not SIGNED_AGREEMENT_WITH (FORMAT.md conventions).
"""

from __future__ import annotations

import re

from kg.extract import lexicon as lx
from kg.extract.normalize import find_date, parse_amount
from kg.extract.relations.base import Ctx, Rel, sentence_spans
from kg.extract.relations.shares import find_lender_shares

_SYNDICATE_RE = re.compile(r"银团|参团|参贷|牵头行|成员行|代理行")
_ROLES = lx.SYNDICATE_ROLES
_ROLE_RE = re.compile(lx.word_alternation(_ROLES))
_ROLE_AFTER_RE = re.compile(
    r"(?:担任|作为|为|是)(?:本次|此次|该笔)?(?:银团)?(?:贷款)?的?(" + _ROLE_RE.pattern + ")"
)
_CLAUSE_MARK_RE = re.compile(r"[，。；：]")
_MEMBER_LIST_RE = re.compile(r"包括|组成|参与|参加|联合|共同|分别")
_BORROWER_CUES = (
    re.compile(r"(?:获得|取得|获)(?:了)?[^，。；]{0,30}?银团"),  # X获得…银团贷款
    re.compile(
        r"与[^，。；]{0,12}?(?:家)?(?:参团|参贷)?银行[^，。；]{0,20}?签(?:订|署|约)"
    ),  # X与7家参团银行…签订
)
_SIGNS_WITH_BORROWER_RE = re.compile(r"与(?=[^，。；]{2,40}?签(?:订|署)[^，。；]{0,20}?(?:银团|贷款|借款))")
_FOR_BORROWER_RE = re.compile(r"(?:为|向)(?=[^，。；]{2,40}?(?:提供|发放)[^，。；]{0,20}?银团)")
_LOAN_AGREEMENT_RE = re.compile(r"银团|贷款|借款|授信")
_LED_BY_RE = re.compile(r"由$")
_LEADS_AFTER_RE = re.compile(r"^(?:牵头|作为牵头|担任牵头)")
_LEADS_FORMING_RE = re.compile(r"^(?:牵头)(?:组建|筹组|组织)")
_LOAN_GAP_RE = re.compile(r"(?:[（(][^）)]{0,16}[）)])?(?:[\d.]+[亿万]?元|的)?")
_TOTAL_RE = re.compile(r"(?:总额|总计|合计|总规模|规模|额度)")


def _sentences(text: str) -> list[tuple[int, int]]:
    return list(sentence_spans(text))


def _role_of(ctx: Ctx, s: int, e: int) -> str | None:
    """The role written next to a bank mention: X担任牵头行 / 主要牵头行、总部位于上海的X / 由X牵头."""
    text = ctx.text
    after = text[e : e + 16]
    m = _ROLE_AFTER_RE.match(after)
    if m:
        return m.group(1)
    before = text[max(0, s - 24) : s]
    last = None
    for m in _ROLE_RE.finditer(before):
        last = m
    if last is not None:
        gap = before[last.end() :]
        if not gap or gap == "、" or (gap.endswith("的") and not _CLAUSE_MARK_RE.search(gap)):
            return last.group(0)
    if _LED_BY_RE.search(text, max(0, s - 1), s) and _LEADS_AFTER_RE.match(after):
        return "牵头行"
    if _LEADS_FORMING_RE.match(after):
        return "牵头行"  # 中国农业银行江苏省分行牵头组建的12家银行银团: the bank that forms it leads
    return None


def _borrower(ctx: Ctx, sents: list[tuple[int, int]], banks: set[int]) -> int | None:
    """The non-bank party of the loan: whoever 获得 it, is lent to (为X提供…银团贷款), signs with the banks,
    or already borrows in a financing relation of these sentences."""
    votes: dict[int, int] = {}
    starts = {a for a, _b in sents}
    for r in ctx.rels:
        if r.type == "PROVIDED_FINANCING_TO" and r.ev[0] in starts and r.tgt not in banks:
            votes[r.tgt] = votes.get(r.tgt, 0) + 2
    for a, b in sents:
        ms = ctx.mentions(a, b)
        for cue in _BORROWER_CUES:
            for m in cue.finditer(ctx.text, a, b):
                cands = [
                    x for x in ms if x[1] <= m.start() and ctx.etype(x[2]) not in ("Bank", "Person", "Region")
                ]
                if cands:
                    votes[cands[-1][2]] = votes.get(cands[-1][2], 0) + 3
        for m in _SIGNS_WITH_BORROWER_RE.finditer(ctx.text, a, b):
            # …等6家银行组成的银团，与X签订…银团贷款合同: the party the banks sign the loan with
            after = [x for x in ms if x[0] == m.end() and ctx.etype(x[2]) not in ("Bank", "Person", "Region")]
            if after:
                votes[after[0][2]] = votes.get(after[0][2], 0) + 3
        for m in _FOR_BORROWER_RE.finditer(ctx.text, a, b):
            after = [x for x in ms if x[0] >= m.end() and ctx.etype(x[2]) not in ("Bank", "Person")]
            if after and after[0][0] - m.end() <= 2:
                votes[after[0][2]] = votes.get(after[0][2], 0) + 3
    if not votes:
        # 常州至溧阳高速公路（以下简称常溧高速公路）银团贷款: the works or firm named right before the loan
        for a, b in sents:
            for m in re.finditer("银团", ctx.text[a:b]):
                pos = a + m.start()
                before = [x for x in ctx.mentions(a, b) if x[1] <= pos and pos - x[1] <= 14]
                before = [x for x in before if ctx.etype(x[2]) in ("Event", "Company", "GovernmentBody")]
                if before and _LOAN_GAP_RE.fullmatch(ctx.text[before[-1][1] : pos]):
                    votes[before[-1][2]] = votes.get(before[-1][2], 0) + 1
    if not votes:
        return None
    named = {i: v for i, v in votes.items() if ctx.etype(i) != "Event"}
    if named:
        votes = (
            named  # 与X签订杭绍甬高速公路项目银团贷款合同: the company borrows, the project is the purpose
        )
    return max(votes, key=lambda i: (votes[i], -i))


def syndicate_pass(ctx: Ctx) -> None:
    """Rewrite the article's syndicated-loan relations as one syndicate (see the module docstring)."""
    text = ctx.text
    if "银团" not in text:
        return
    sents = _sentences(text)
    synd = [(a, b) for a, b in sents if _SYNDICATE_RE.search(text, a, b)]
    if not synd:
        return
    member_sents = list(synd)
    synd_set = set(synd)  # a set: a long article has thousands of sentences and hundreds of loan sentences
    for a, b in sents:
        if (a, b) in synd_set:
            continue
        banks_here = [x for x in ctx.mentions(a, b) if ctx.etype(x[2]) == "Bank"]
        if len({x[2] for x in banks_here}) >= 3 or (
            len({x[2] for x in banks_here}) >= 2 and _MEMBER_LIST_RE.search(text, a, b)
        ):
            member_sents.append((a, b))  # 另一方由A、B、C等7家银行组成: the list of the lending side
    members: dict[int, str | None] = {}
    first_ev: dict[int, tuple[int, int]] = {}
    for a, b in sorted(member_sents):
        for s, e, i in ctx.mentions(a, b):
            if ctx.etype(i) != "Bank":
                continue
            role = _role_of(ctx, s, e)
            if i not in members or (members[i] is None and role):
                members[i] = role
            first_ev.setdefault(i, (a, b))
    if len(members) < 2 and not any(members.values()):
        return  # one bank and no role: an ordinary loan, left to the sentence rules
    borrower = _borrower(ctx, synd, set(members))
    if borrower is None:
        return
    amount = None
    for a, b in synd:
        sent = text[a:b]
        found = parse_amount(sent)
        if found and (_TOTAL_RE.search(sent) or "银团" in sent):
            amount = found
            break
    date = next((d for d in (find_date(text[a:b], ctx.date) for a, b in synd) if d), None)
    # the syndicate replaces what the sentence rules said about these loans and their contract
    bank_ids = set(members)
    kept: list[Rel] = []
    member_starts = {a for a, _b in member_sents}
    for r in ctx.rels:
        inside = r.ev[0] in member_starts  # evidence is a whole sentence, starting where it starts
        if r.type == "PROVIDED_FINANCING_TO" and r.src in bank_ids and r.tgt == borrower:
            continue
        if r.type == "PROVIDED_FINANCING_TO" and r.src in bank_ids and inside and ctx.etype(r.tgt) == "Event":
            continue  # the project the syndicate finances is its purpose; the loan goes to the borrower
        if (
            r.type in ("SIGNED_AGREEMENT_WITH", "STRATEGIC_PARTNER_OF")
            and r.src in bank_ids
            and r.tgt in bank_ids
        ):
            continue  # members of one lending side sign no agreement with each other
        if (
            r.type == "SIGNED_AGREEMENT_WITH"
            and inside
            and {r.src, r.tgt} & bank_ids
            and borrower in (r.src, r.tgt)
            and _LOAN_AGREEMENT_RE.search(text, *first_ev.get(r.src if r.src in bank_ids else r.tgt, r.ev))
        ):
            continue  # a signed loan or syndication agreement is the financing itself
        kept.append(r)
    ctx.rels[:] = kept
    props_base: dict = {"syndicate": "s1", "date": date}
    if amount:
        props_base.update(
            amount=amount[0], currency=amount[1], amount_text=amount[2], amount_scope="syndicate"
        )
    shares: dict[int, tuple] = {}
    for a, b in member_sents:
        shares.update(find_lender_shares(ctx, a, b, ctx.mentions(a, b), list(members)))
    for a, b in sents:
        if (a, b) not in synd_set and "其中" in text[a:b] and "承贷" in text[a:b]:
            # …贷款总额280亿元。其中，国家开发银行浙江省分行承贷120亿元: a member's share stated next
            shares.update(find_lender_shares(ctx, a, b, ctx.mentions(a, b), list(members)))
    for bank, role in members.items():
        if bank == borrower:
            continue
        props = {**props_base, "role": role or lx.SYNDICATE_DEFAULT_ROLE}
        if bank in shares:  # 其中A承贷12亿元: the bank's own share, not the total
            a = shares[bank]
            props.update(amount=a[0], currency=a[1], amount_text=a[2])
            props.pop("amount_scope", None)
        ctx.add("PROVIDED_FINANCING_TO", bank, borrower, props, first_ev[bank])
