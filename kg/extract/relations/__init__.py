"""Relations from cue-word grammars over sentences whose entity mentions are known.

Each rule reads one sentence: the cue (旗下, 签署…协议, 向X投放贷款, 通过X引入境外融资, 共同出资设立, 出资…占比,
转让…股权, 在R落户, 位于R, title chains, 出席…仪式) fixes the roles, the mentions around it fill them.
Coordinated lists yield one relation per member; 双方 / 此公司 / 该合资公司 / 公司 refer back to the parties,
the last company founded, or the article's first company.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import pairwise

from kg.extract.entities import ORG_TYPES, EntityTable
from kg.extract.relations.agreements import (
    rule_controlling_apposition,
    rule_controlling_holder,
    rule_joint_venture,
    rule_mother_company,
    rule_signed,
    rule_signing_ceremony,
    rule_strategic,
    rule_subsidiary,
)
from kg.extract.relations.base import Ctx, Rel, sentence_spans
from kg.extract.relations.bonds import bond_pass
from kg.extract.relations.crossborder import rule_cross_border
from kg.extract.relations.holders import (
    rule_named_holders,
    rule_round_joins,
    rule_sponsors,
    rule_subscribes,
)
from kg.extract.relations.holdings import (
    rule_each_holds,
    rule_holds_after_acquisition,
    rule_ranked_holder,
    rule_stake_purchase,
    rule_stake_sale,
)
from kg.extract.relations.money import (
    rule_acquired,
    rule_financier_lends,
    rule_financing,
    rule_invested,
    rule_shareholders,
    rule_transfer,
)
from kg.extract.relations.officials import implied
from kg.extract.relations.owners import retarget_project_loans
from kg.extract.relations.people_places import (
    rule_attended,
    rule_branch_opened,
    rule_executive,
    rule_located,
    rule_located_lists,
    rule_opened,
    rule_project_investor,
    rule_unit_opened,
)
from kg.extract.relations.purpose import rule_purpose_financing
from kg.extract.relations.stakes import (
    rule_control_change,
    rule_counterparties,
    rule_founded_by,
    rule_founds,
    rule_holdings,
    rule_invested_towards,
    rule_joint_investors,
    rule_minority_stake,
    rule_round_investors,
    rule_strategic_investor,
    rule_takes_stake,
)
from kg.extract.relations.syndicates import syndicate_pass
from kg.ontology import SYMMETRIC, RelationType

__all__ = ["Rel", "extract_relations"]


RULES = (
    rule_holds_after_acquisition,
    rule_purpose_financing,
    rule_ranked_holder,
    rule_stake_purchase,
    rule_stake_sale,
    rule_each_holds,
    rule_executive,
    rule_attended,
    rule_subsidiary,
    rule_mother_company,
    rule_controlling_holder,
    rule_controlling_apposition,
    rule_signed,
    rule_signing_ceremony,
    rule_strategic,
    rule_financing,
    rule_financier_lends,
    rule_cross_border,
    rule_joint_venture,
    rule_invested,
    rule_invested_towards,
    rule_round_investors,
    rule_round_joins,
    rule_strategic_investor,
    rule_joint_investors,
    rule_holdings,
    rule_founds,
    rule_founded_by,
    rule_sponsors,
    rule_named_holders,
    rule_subscribes,
    rule_transfer,
    rule_takes_stake,
    rule_control_change,
    rule_counterparties,
    rule_minority_stake,
    rule_shareholders,
    rule_acquired,
    rule_opened,
    rule_branch_opened,
    rule_project_investor,
    rule_unit_opened,
    rule_located,
    rule_located_lists,
)


def extract_relations(text: str, table: EntityTable, article_date: str | None) -> list[Rel]:
    ctx = Ctx(text, table, article_date)
    companies = [m[2] for m in table.mention_list if table.entities[m[2]].type == "Company"]
    ctx.focal = companies[0] if companies else None
    sources = [m.span() for m in _SOURCE_RE.finditer(text)]
    for s, e in sentence_spans(text):
        while s < e and text[s] in " \u3000\t":
            s += 1
        while e > s and text[e - 1] in " \u3000\t":
            e -= 1
        if e - s < 4:
            continue
        ms = _with_anaphors(ctx, s, e, ctx.mentions(s, e), sources)
        # 记者从中国工商银行上海市分行获悉: an information source is not a party to anything
        for sm in _SOURCE_RE.finditer(text, s, e):
            ms = [m for m in ms if not (sm.start() <= m[0] and m[1] <= sm.end())]
        for rule in RULES:
            rule(ctx, s, e, ms)
        _note_pair(ctx, ms)
        banks = [m[2] for m in ms if ctx.etype(m[2]) == "Bank"]
        if banks:
            ctx.last_bank = banks[0]
    ctx.rels[:] = retarget_project_loans(ctx, ctx.rels)
    syndicate_pass(ctx)
    bond_pass(ctx)
    return _dedupe(_refine_signings(ctx.rels))


# 该行 / 该分行 / 该公司 and a bare 公司 / 分行 opening a clause stand for an organisation named before
_ANAPHOR_RE = re.compile(
    r"该(?:分行|支行|行|公司|集团)|(?:(?<![\u4e00-\u9fff])|(?<=[向与对给]))(?:本?公司|分行)"
    r"(?![\u4e00-\u9fff]{0,2}(?:名称|章程|债券|股票))|(?<=为)公司(?=提供|办理|发放|安排)"
    r"|(?:我|本|该)(?:市|省|区|县|州)(?![长委民级属内外直])"
)


def _with_anaphors(ctx: Ctx, s: int, e: int, ms: list, sources: list) -> list:
    """Resolve anaphors to the nearest compatible antecedent (该行 -> the last bank, 该公司 -> the last company)
    and add them as mentions, so that every rule sees the party; a bare 公司 in an announcement is the
    announcing company (the article's first). Information sources (从X获悉) are never antecedents."""
    text = ctx.text
    if not _ANAPHOR_RE.search(text, s, e):
        return ms
    ml = ctx.table.mention_list
    out = list(ms)
    for m in _ANAPHOR_RE.finditer(text, s, e):
        a0, a1 = m.span()
        if any(x[0] < a1 and a0 < x[1] for x in ms):
            continue
        word = m.group(0)
        if word[-1] in "市省区县州":
            # 郑州银行将为我市提供…融资支持: the article's own city (province, district …)
            place = implied(ctx, word[-1])
            if place is not None:
                out.append((a0, a1, place))
            continue
        want = {"Bank"} if word.endswith("行") else {"Company"}
        if word in ("公司", "本公司"):
            ref = ctx.focal
        else:
            hi = bisect_left(ml, (a0, -1, -1))
            ref = next(
                (
                    x[2]
                    for x in reversed(ml[:hi])
                    if ctx.etype(x[2]) in want and not any(a <= x[0] < b for a, b in sources)
                ),
                None,
            )  # 记者从X获悉，该行…: an information source is no antecedent
        if ref is not None:
            out.append((a0, a1, ref))
    out.sort()
    return out


_SOURCE_RE = re.compile(r"从[^，,。；;]{2,40}?(?:获悉|了解到|得知|获知)")


def _note_pair(ctx: Ctx, ms) -> None:
    """恒川锂电与华储能源…: a later 双方 refers to this pair."""
    for a, b in pairwise(ms):
        joined = ctx.text[a[1] : b[0]] in ("与", "和", "同")
        if joined and a[2] != b[2] and ctx.etype(a[2]) in ORG_TYPES and ctx.etype(b[2]) in ORG_TYPES:
            ctx.last_pair = [a[2], b[2]]
            return


def _refine_signings(rels: list[Rel]) -> list[Rel]:
    """A list of parties signing one deal (A、B、C、D签署…协议) pairs buyers with sellers once the article says
    who transfers to whom (C拟向A转让…): pairs inside one side are dropped."""
    buyers = {r.src for r in rels if r.transfer}
    if not buyers:
        return rels
    out = []
    for r in rels:
        one_side = (r.src in buyers) == (r.tgt in buyers)
        if r.type == "SIGNED_AGREEMENT_WITH" and r.group and r.group & buyers and one_side:
            continue
        out.append(r)
    return out


def _dedupe(rels: list[Rel]) -> list[Rel]:
    seen: dict[tuple, Rel] = {}
    for r in rels:
        a, b = r.src, r.tgt
        if RelationType(r.type) in SYMMETRIC and b < a:
            a, b = b, a
        key = (r.type, a, b)
        if key in seen:
            old = seen[key]
            for k, v in r.props.items():
                old.props.setdefault(k, v)
            old.conf = max(old.conf, r.conf)
        else:
            r.src, r.tgt = a, b
            seen[key] = r
    return list(seen.values())
