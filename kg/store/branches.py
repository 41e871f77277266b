"""BRANCH_OF: a bank branch -> its head office (or the branch its name places it under), from the names.

Derived by kg, not extracted: the resolver's keys already say which branch a name denotes
(工行北京市分行 -> 工商银行/北京分行) and whose it is, so every Bank entity whose key is a branch is linked to
the entity that is its parent, when the store has one: the branch its name nests it in (招商银行福州分行平潭支行
-> 招商银行福州分行, rule `sub-branch-name`), else the head office (-> 招商银行, rule `branch-name`). Each
relation carries its rule; `kg explain` shows it, roll-up queries follow BRANCH_OF at any depth.
"""

from __future__ import annotations

from kg.ontology import EntityType
from kg.resolve import Cluster, is_generic, name_key
from kg.resolve.rules import parent_branch

BRANCH_NAME = "branch-name"
SUB_BRANCH_NAME = "sub-branch-name"


def branch_links(clusters: list[Cluster]) -> list[tuple[str, str, str]]:
    """(branch id, parent id, rule) for every Bank entity whose parent the store has, sorted."""
    heads: dict[str, str] = {}
    branches: dict[str, str] = {}
    banks = [c for c in clusters if c.type == EntityType.Bank]
    for c in banks:
        if "/" in c.key and "@" not in c.key:
            branches.setdefault(c.key, c.id)
            continue
        for form in (c.name, *c.aliases):
            if is_generic(form):
                continue
            key = name_key(EntityType.Bank, form)
            if not key.branch:
                heads.setdefault(key.core, c.id)
                heads.setdefault(key.full, c.id)
    links = []
    for c in banks:
        if c.key not in branches or branches[c.key] != c.id:
            continue
        mids = sorted({m for m in (parent_branch(f) for f in (c.name, *c.aliases)) if m in branches})
        mids = [m for m in mids if branches[m] != c.id]
        if mids:
            links.append((c.id, branches[mids[0]], SUB_BRANCH_NAME))
        elif c.key.split("/", 1)[0] in heads:
            links.append((c.id, heads[c.key.split("/", 1)[0]], BRANCH_NAME))
    return sorted(links)


def explain_link(branch: str, parent: str, rule: str) -> str:
    """The sentence `kg explain` prints for one BRANCH_OF."""
    if rule == SUB_BRANCH_NAME:
        return f"{branch} is a sub-branch of {parent}: its name places it under that branch"
    return f"{branch} is a branch of {parent}: its name is the bank's name followed by a branch name"
