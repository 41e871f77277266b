"""Who a financed project belongs to: a loan "for project P" goes to P's borrower once the article names it.

FORMAT.md: PROVIDED_FINANCING_TO is lender -> borrower. News often names the project first (为X项目投放贷款3亿元)
and its owner later (该项目由Y负责建设 / 项目业主为Y / 借款人为Y); the project is the target only when no
owner is named anywhere for it.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from kg.extract.entities import ORG_TYPES
from kg.extract.relations.base import Ctx, Rel, sentence_spans

_OWNER_TYPES = ORG_TYPES - {"Bank"}
# 借款人为Y / 项目业主是Y / 实施主体为Y: the owner right after the copula
_ROLE_RE = re.compile(
    r"(?:借款人|借款主体|融资主体|项目业主|业主单位|业主|建设单位|建设主体|实施主体|实施单位|项目法人|承贷主体|项目公司)"
    r"(?:为|是|系)"
)
# 由Y负责建设 / 由Y投资建设 / 由Y建设运营: the owner right after 由
_BUILT_BY_RE = re.compile(r"由(?=[^，,。；;]{2,40}?(?:负责)?(?:投资|出资)?(?:建设|实施|开发|运营))")


def _is_project(ctx: Ctx, i: int) -> bool:
    ent = ctx.table.entities[i]
    return ent.type == "Event" and ent.name.endswith("项目")


def find_project_owners(ctx: Ctx) -> dict[int, int]:
    """Project entity -> owner entity, from every owner statement of the article. A statement binds to the
    project named in its sentence, else (该项目 / 项目) to the project named last before it."""
    text, ml = ctx.text, ctx.table.mention_list
    owners: dict[int, int] = {}
    projects = [m for m in ml if _is_project(ctx, m[2])]
    for s, e in sentence_spans(text):
        if "项目" not in text[s:e] and "借款" not in text[s:e]:
            continue
        for cue in (*_ROLE_RE.finditer(text, s, e), *_BUILT_BY_RE.finditer(text, s, e)):
            pos = cue.end()
            lo = bisect_left(ml, (pos, -1, -1))
            owner = next(
                (m[2] for m in ml[lo : lo + 3] if pos <= m[0] <= pos + 1 and ctx.etype(m[2]) in _OWNER_TYPES),
                None,
            )
            if owner is None:
                continue
            # the project named last before the cue: in this sentence, else earlier (projects are few)
            before = [m for m in projects if m[1] <= cue.start()]
            in_sent = [m[2] for m in before if s <= m[0]]
            project = in_sent[-1] if in_sent else (before[-1][2] if before else None)
            if project is not None and project not in owners:
                owners[project] = owner
    return owners


def retarget_project_loans(ctx: Ctx, rels: list[Rel]) -> list[Rel]:
    """Loans whose target is a project go to the project's named owner (the borrower)."""
    if not any(r.type == "PROVIDED_FINANCING_TO" and _is_project(ctx, r.tgt) for r in rels):
        return rels
    owners = find_project_owners(ctx)
    for r in rels:
        if r.type == "PROVIDED_FINANCING_TO" and _is_project(ctx, r.tgt) and r.tgt not in owners:
            # 为宁德时代四川基地项目提供贷款: a project whose name opens with its owner's name
            name = ctx.table.entities[r.tgt].name
            heads = [
                i
                for surf, i in ctx.table.by_surface.items()
                if name.startswith(surf) and len(surf) < len(name) - 2 and ctx.etype(i) in _OWNER_TYPES
            ]
            if heads:
                owners[r.tgt] = heads[0]
        if r.type == "PROVIDED_FINANCING_TO" and r.tgt in owners and owners[r.tgt] != r.src:
            r.tgt = owners[r.tgt]
    return rels
