"""Joins resolution refuses, whatever an alias claims: the wrong merges that lose facts.

A cluster carries what its names say (`Traits`): the bank branches and head offices in it, the kinds of
region, the registered legal forms, and, per article, which of that article's entities it holds. Two
clusters are not joined when
- a branch would join its head office or a sibling branch (a branch is its own entity);
- an entity named as a zone would join one named as a plain place, or a sub-zone one named as a zone
  (南沙区 / 南沙新区 / 南沙片区; a city and a new town in it);
- a company registered as 股份有限公司 would join one registered as a 集团 (a listed company and its group);
- two entities that one article keeps apart would become one (a listed company and the group that is its
  joint-venture partner in the same article): the article is the best witness that they differ.
Traits merge small-to-large, so checking a join costs the size of the smaller cluster.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.resolve.rules import Key

BANK = "Bank"
REGION = "Region"


@dataclass
class Traits:
    branches: set[str] = field(default_factory=set)
    head_office: bool = False
    region_kinds: set[str] = field(default_factory=set)
    legal: set[str] = field(default_factory=set)
    # article -> name (or frozenset of names) of that article's entities in this cluster, tracked only where
    # joins happen; one name is kept as a plain string (the common case, and a tenth of the memory)
    articles: dict[str, str | frozenset[str]] = field(default_factory=dict)

    @classmethod
    def of_key(cls, etype: str, key: Key | None) -> Traits:
        t = cls()
        if key is None:
            return t
        if etype == BANK:
            if key.branch:
                t.branches.add(key.core)
            else:
                t.head_office = True
        if etype == REGION and key.kind in ("place", "zone", "subzone"):
            t.region_kinds.add(key.kind)
        if key.legal in ("stock", "group"):
            t.legal.add(key.legal)
        return t

    def size(self) -> int:
        return len(self.articles) + len(self.branches) + len(self.region_kinds) + len(self.legal)

    def absorb(self, other: Traits) -> None:
        self.branches |= other.branches
        self.head_office = self.head_office or other.head_office
        self.region_kinds |= other.region_kinds
        self.legal |= other.legal
        for article, names in other.articles.items():
            self.note(article, names)

    def note(self, article: str, names: str | frozenset[str]) -> None:
        """This cluster holds the entity (or entities) `names` of `article`."""
        mine = self.articles.get(article)
        if mine is None or mine == names:
            self.articles[article] = names
        else:
            self.articles[article] = _as_set(mine) | _as_set(names)


def note_many(traits: Traits, articles: list[str], name: str) -> None:
    """`traits.note(article, name)` for every article (one dict update for the articles not yet noted)."""
    mine = traits.articles
    fresh = dict.fromkeys(articles, name)
    for article in fresh.keys() & mine.keys():
        old = mine[article]
        fresh[article] = old if old == name else _as_set(old) | {name}
    mine.update(fresh)


def _as_set(names: str | frozenset[str]) -> frozenset[str]:
    return frozenset((names,)) if isinstance(names, str) else names


def conflict(a: Traits, b: Traits) -> str | None:
    """Why clusters with these traits must stay apart (None: they may join)."""
    if a.branches and b.branches and a.branches != b.branches:
        return "sibling-branches"
    if (a.branches and b.head_office) or (b.branches and a.head_office):
        return "branch-vs-head-office"
    if a.region_kinds and b.region_kinds and a.region_kinds != b.region_kinds:
        return "zone-vs-place"
    if a.legal and b.legal and a.legal != b.legal:
        return "different-legal-forms"
    small, large = (a, b) if len(a.articles) <= len(b.articles) else (b, a)
    witnesses = [
        article
        for article, names in small.articles.items()
        if (other := large.articles.get(article)) is not None and _as_set(other) != _as_set(names)
    ]
    if witnesses:  # the smallest: the reason must not depend on the order the names were read in
        return f"kept-apart-in-article:{min(witnesses)}"
    return None
