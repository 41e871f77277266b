"""The pieces of cross-article entity resolution: records, nodes of forms, union-find with guards.

Every surface form becomes a node: forms with the same normalised key (kg.resolve.rules) share a node; an
extracted entity's name and aliases are joined ("in-article-alias"); the user alias file joins first and
its `not_same` pairs forbid joins. Guards (kg.resolve.guards) refuse joins that would lose facts. Some
names only mean something inside their article (管委会, a ceremony, 城投集团 without a city): they get an
article-scoped node, and two of them join only with evidence: a bare branch name (省分行) when its article
names exactly one bank and one province ("context-branch"), a person when both articles make them an
executive of the same organisation ("same-person-same-organisation").

kg.resolve.build puts them together. Edges are sorted before they are applied, and ids, names and reasons are computed from cluster *contents*,
so the result does not depend on the order of the input. An entity's id comes from the smallest key of
its cluster, never from its display name: renaming keeps the id, and when two clusters merge the survivor
keeps one of the two ids (the store keeps a redirect for the other).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from kg.ontology import EntityType
from kg.resolve.guards import Traits, conflict
from kg.resolve.rules import Key, is_generic, name_key, normalize_form

Node = tuple  # ("s", type, key) | ("w", type, form, article-or-owner) | ("u", type, form)
SCOPED = (EntityType.Event, EntityType.Person)


@dataclass(frozen=True)
class EntityRecord:
    """One extracted entity of one article (name + in-article aliases). `orgs` (persons only): the
    (type, name) of the organisations the article makes this person an executive of. `articles`, for a
    name that identifies its entity across articles (not article-scoped): the same record in each of these
    articles (one record instead of thousands when a store re-reads a frequent name)."""

    type: EntityType
    name: str
    aliases: tuple[str, ...]
    article_id: str
    orgs: tuple[tuple[str, str], ...] = ()
    articles: tuple[str, ...] = ()


@dataclass(frozen=True)
class Merge:
    form_a: str
    form_b: str
    rule: str
    detail: str = ""


@dataclass
class Cluster:
    id: str
    type: EntityType
    name: str
    key: str
    aliases: list[str]
    merges: list[Merge] = field(default_factory=list)
    refused: list[Merge] = field(default_factory=list)


@dataclass
class Resolution:
    clusters: list[Cluster]
    _by_name: dict[tuple, str]

    def entity_id(self, etype: EntityType | str, name: str, article_id: str) -> str:
        """The canonical id of an extracted entity (its type, name and article)."""
        etype = EntityType(etype)
        form = normalize_form(name)
        return self._by_name.get((etype, form, article_id)) or self._by_name[(etype, form, None)]


def entity_id_for(etype: EntityType, key: str) -> str:
    return f"ent_{etype.value.lower()}_{hashlib.sha1(f'{etype.value}|{key}'.encode()).hexdigest()[:12]}"


def scope_of(etype: EntityType, name: str, article_id: str) -> str | None:
    """The article a name is scoped to, or None when it identifies its entity across articles."""
    return article_id if _scoped(etype, name) else None


@lru_cache(maxsize=262144)
def _scoped(etype: EntityType, name: str) -> bool:
    return etype in SCOPED or is_generic(name) or name_key(etype, name).needs_place


class Forms:
    """Keys of all forms; per (type, core) the places and legal forms seen (ambiguity decides the node)."""

    def __init__(self) -> None:
        self.keys: dict[tuple[EntityType, str], Key] = {}
        self.places: dict[tuple[EntityType, str], set[str]] = defaultdict(set)
        self.classes: dict[tuple[EntityType, str], set[str]] = defaultdict(set)
        self.pinned: set[tuple[EntityType, str]] = set()  # forms in user `not_same` pairs: own node each
        self.context: dict[tuple[EntityType, str, str], tuple[Key, str]] = {}

    def add(self, etype: EntityType, form: str) -> None:
        if (etype, form) in self.keys:
            return
        key = name_key(etype, form)
        self.keys[(etype, form)] = key
        if key.place:
            self.places[(etype, key.core)].add(key.place)

    def finalize(self) -> None:
        """Legal forms per base key: 股份有限公司 and 集团有限公司 of one name are two companies."""
        for (etype, _), key in self.keys.items():
            cls = key.legal or key.hint
            if cls:
                self.classes[(etype, self._base(etype, key))].add(cls)

    def _base(self, etype: EntityType, key: Key) -> str:
        if key.place and len(self.places.get((etype, key.core), ())) > 1:
            return key.place + key.core
        return key.core

    def node(self, etype: EntityType, form: str, owner: str) -> Node:
        if etype in SCOPED:
            return ("w", etype, form, owner)
        ctx = self.context.get((etype, form, owner))
        if ctx is not None:
            return ("s", etype, ctx[0].core)
        if is_generic(form):
            return ("w", etype, form, owner)
        if (etype, form) in self.pinned:
            return ("u", etype, form)
        key = self.keys[(etype, form)]
        if key.needs_place:
            return ("w", etype, form, owner)
        base = self._base(etype, key)
        cls = key.legal or key.hint
        if cls and len(self.classes.get((etype, base), ())) > 1:
            base = f"{base}#{cls}"
        return ("s", etype, base)

    def key_of(self, etype: EntityType, form: str, owner: str) -> Key | None:
        ctx = self.context.get((etype, form, owner))
        return ctx[0] if ctx else self.keys.get((etype, form))

    def describe(self, etype: EntityType, form: str, owner: str) -> str:
        ctx = self.context.get((etype, form, owner))
        if ctx is not None:
            return f"context-branch ({ctx[1]})"
        key = self.keys[(etype, form)]
        return "+".join(key.rules) or "identity"


class UnionFind:
    """Union-find over nodes; each root's Traits (kg.resolve.guards) exist only once a guard has something
    to compare (most nodes never need any: memory stays with the names)."""

    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}
        self.traits: dict[Node, Traits] = {}
        self.size: dict[Node, int] = {}

    def add(self, n: Node) -> None:
        if n not in self.parent:
            self.parent[n] = n
            self.size[n] = 1

    def traits_of(self, n: Node) -> Traits:
        """The (mutable) traits of root `n`, created on first use."""
        t = self.traits.get(n)
        if t is None:
            t = self.traits[n] = Traits()
        return t

    def find(self, n: Node) -> Node:
        while self.parent[n] != n:
            self.parent[n] = self.parent[self.parent[n]]
            n = self.parent[n]
        return n

    def union(self, a: Node, b: Node, guarded: bool) -> str | None:
        """Join the clusters of a and b; with `guarded`, a guard may refuse (returns its reason)."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return None
        ta, tb = self.traits.get(ra), self.traits.get(rb)
        if guarded and ta is not None and tb is not None:
            reason = conflict(ta, tb)
            if reason:
                return reason
        if (ta.size() if ta else 0) < (tb.size() if tb else 0):
            ra, rb, ta, tb = rb, ra, tb, ta
        self.parent[rb] = ra
        self.size[ra] += self.size.pop(rb)
        if tb is not None:
            self.traits_of(ra).absorb(self.traits.pop(rb))
        return None
