"""Cross-article entity resolution over the whole set of names (union-find with guards).

Every surface form becomes a node: forms with the same normalised key (kg.resolve.rules) share a node; an
extracted entity's name and aliases are joined ("in-article-alias"); the user alias file joins first and
its `not_same` pairs forbid joins. Guards refuse joins that would put a bank branch together with its
parent or a sibling. Edges are sorted before they are applied, and ids, names and reasons are computed from
cluster *contents*, so the result does not depend on the order of the input.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.ontology import EntityType
from kg.resolve.aliasfile import AliasConfig
from kg.resolve.rules import Key, is_generic, name_key, normalize_form

Node = tuple  # ("s", type, core) for identifying forms, ("w", type, form, owner) for generic ones


@dataclass(frozen=True)
class EntityRecord:
    """One extracted entity of one article (name + in-article aliases)."""

    type: EntityType
    name: str
    aliases: tuple[str, ...]
    article_id: str


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


class _Forms:
    """First pass: keys of all forms and, per (type, core), the places seen (for place-prefix ambiguity)."""

    def __init__(self) -> None:
        self.keys: dict[tuple[EntityType, str], Key] = {}
        self.places: dict[tuple[EntityType, str], set[str]] = defaultdict(set)
        self.pinned: set[tuple[EntityType, str]] = set()  # forms in user `not_same` pairs: own node each

    def add(self, etype: EntityType, form: str) -> None:
        if (etype, form) in self.keys:
            return
        key = name_key(etype, form)
        self.keys[(etype, form)] = key
        if key.place:
            self.places[(etype, key.core)].add(key.place)

    def node(self, etype: EntityType, form: str, owner: str) -> Node:
        if is_generic(form) or etype == EntityType.Event:
            return ("w", etype, form, owner)
        if (etype, form) in self.pinned:
            return ("u", etype, form)
        key = self.keys[(etype, form)]
        if len(self.places.get((etype, key.core), ())) > 1 and key.place:
            return ("s", etype, key.place + key.core)
        return ("s", etype, key.core)

    def describe(self, etype: EntityType, form: str) -> str:
        key = self.keys[(etype, form)]
        return "+".join(key.rules) or "identity"


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Node, Node] = {}
        self.members: dict[Node, set[Node]] = {}

    def add(self, n: Node) -> None:
        if n not in self.parent:
            self.parent[n] = n
            self.members[n] = {n}

    def find(self, n: Node) -> Node:
        while self.parent[n] != n:
            self.parent[n] = self.parent[self.parent[n]]
            n = self.parent[n]
        return n

    def union(self, a: Node, b: Node) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)


def _branch_conflict(a: set[Node], b: set[Node], keys: dict[Node, Key]) -> str | None:
    """A branch never joins its parent bank or a sibling branch."""
    ba = {keys[n].core for n in a if n in keys and keys[n].branch}
    bb = {keys[n].core for n in b if n in keys and keys[n].branch}
    banks_a = any(n in keys and not keys[n].branch and n[1] == EntityType.Bank for n in a)
    banks_b = any(n in keys and not keys[n].branch and n[1] == EntityType.Bank for n in b)
    if ba and bb and ba != bb:
        return "sibling-branches"
    if (ba and banks_b) or (bb and banks_a):
        return "branch-vs-parent"
    return None


def resolve_entities(records: Iterable[EntityRecord], aliases: AliasConfig | None = None) -> Resolution:
    """Cluster all extracted entities into canonical entities (deterministic, order independent)."""
    aliases = aliases or AliasConfig()
    forms = _Forms()
    # Aggregate: distinct records and how many articles use each name (memory grows with names only).
    name_counts: Counter = Counter()
    distinct: set[tuple] = set()
    for rec in records:
        etype = EntityType(rec.type)
        name = normalize_form(rec.name)
        # Generic names (管委会) and events (签约仪式) only ever denote something inside their article.
        scope = rec.article_id if is_generic(name) or etype == EntityType.Event else None
        als = tuple(sorted({normalize_form(a) for a in rec.aliases} - {name, ""}))
        distinct.add((etype, name, als, scope))
        name_counts[(etype, name, scope)] += 1
    for etype, name, als, _ in distinct:
        for f in (name, *als):
            forms.add(etype, f)
    for e in aliases.entries:
        for f in (e.name, *e.aliases):
            forms.add(e.type, normalize_form(f))
    for ns in aliases.not_same:
        for t in [ns.type] if ns.type else list(EntityType):
            for f in (normalize_form(ns.a), normalize_form(ns.b)):
                forms.add(t, f)
                forms.pinned.add((t, f))

    uf = _UnionFind()
    node_forms: dict[Node, set[str]] = defaultdict(set)
    node_keys: dict[Node, Key] = {}
    name_node: dict[tuple, Node] = {}

    def node_of(etype: EntityType, form: str, owner: str) -> Node:
        n = forms.node(etype, form, owner)
        uf.add(n)
        node_forms[n].add(form)
        if n[0] in ("s", "u"):
            node_keys[n] = forms.keys[(etype, form)]
        return n

    edges: list[tuple] = []  # (priority, form_a, form_b, rule, node_a, node_b)
    user_names: dict[Node, str] = {}
    for e in aliases.entries:
        canon = normalize_form(e.name)
        a = node_of(e.type, canon, canon)
        user_names[a] = min(user_names.get(a, canon), canon)
        for al in e.aliases:
            f = normalize_form(al)
            edges.append((0, canon, f, "user-alias", a, node_of(e.type, f, canon)))
    for etype, name, als, scope in distinct:
        owner = scope or name
        a = node_of(etype, name, owner)
        name_node[(etype, name, scope)] = a
        for f in als:
            edges.append((1, name, f, "in-article-alias", a, node_of(etype, f, owner)))

    forbidden: set[frozenset] = set()
    for ns in aliases.not_same:
        types = [ns.type] if ns.type else list(EntityType)
        for t in types:
            fa, fb = normalize_form(ns.a), normalize_form(ns.b)
            forbidden.add(frozenset({forms.node(t, fa, fa), forms.node(t, fb, fb)}))

    applied: list[tuple[Node, Merge]] = []
    for prio, fa, fb, rule, a, b in sorted(edges, key=lambda e: (e[0], e[1], e[2], repr(e[4]), repr(e[5]))):
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        ma, mb = uf.members[ra], uf.members[rb]
        if any(frozenset({x, y}) in forbidden for x in ma for y in mb):
            continue
        if prio > 0 and _branch_conflict(ma, mb, node_keys):
            continue
        uf.union(a, b)
        applied.append((a, Merge(fa, fb, rule)))

    # Build clusters from contents only.
    groups: dict[Node, list[Node]] = defaultdict(list)
    for n in uf.parent:
        groups[uf.find(n)].append(n)
    cluster_of: dict[Node, Cluster] = {}
    clusters: list[Cluster] = []
    named = set(name_node.values())
    node_names: dict[Node, Counter] = defaultdict(Counter)
    for (t, f, scope), n in name_node.items():
        node_names[n][f] += name_counts[(t, f, scope)]
    for members in groups.values():
        if not named.intersection(members):
            continue  # only user-alias forms that no article mentions: no entity
        etype = members[0][1]
        all_forms = sorted({f for n in members for f in node_forms[n]})
        names: Counter = Counter()
        for n in members:
            names.update(node_names.get(n, {}))
        candidates = [(c, f) for f, c in names.items() if not is_generic(f) and etype != EntityType.Event]
        candidates = candidates or [(c, f) for f, c in names.items()]
        users = sorted(user_names[n] for n in members if n in user_names)
        if users:
            name = users[0]
        else:
            name = min(candidates, key=lambda cf: (-cf[0], -len(cf[1]), cf[1]))[1]
        canon_node = next(n for n in sorted(members, key=repr) if name in node_forms[n])
        kind = canon_node[0]
        key = (
            canon_node[2]
            if kind == "s"
            else f"={canon_node[2]}"
            if kind == "u"
            else f"{canon_node[2]}@{canon_node[3]}"
        )
        cluster = Cluster(entity_id_for(etype, key), etype, name, key, [f for f in all_forms if f != name])
        for n in members:
            fs = sorted(node_forms[n])
            if len(fs) > 1:
                rep = name if name in fs else fs[0]
                for f in fs:
                    if f != rep:
                        detail = f"key {n[2]}: {forms.describe(etype, rep)} / {forms.describe(etype, f)}"
                        cluster.merges.append(Merge(rep, f, "same-key", detail))
            cluster_of[n] = cluster
        clusters.append(cluster)
    for node, merge in applied:
        if node in cluster_of:
            cluster_of[node].merges.append(merge)
    for c in clusters:
        c.merges.sort(key=lambda m: (m.rule, m.form_a, m.form_b))
    clusters.sort(key=lambda c: c.id)
    ids = [c.id for c in clusters]
    if len(ids) != len(set(ids)):  # pragma: no cover - would need a sha1 collision or a key clash
        raise AssertionError("duplicate entity ids in resolution")
    by_name = {k: cluster_of[n].id for k, n in name_node.items()}
    return Resolution(clusters, by_name)
