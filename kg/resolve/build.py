"""`resolve_entities`: records in, clusters out (the passes over the records, the joins, the clusters).

Pass 1 collects the distinct names and their keys (and, per distinct record, its articles: interned ids);
pass 2 (only if some article has a bare branch name) collects what each such article names. Then, for the
forms that aliases join, the articles of their records are noted (the same-article guard). Then joins run in a fixed order: user aliases, in-article
aliases (guarded), persons sharing an organisation (guarded). See kg.resolve.cluster for the pieces.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable

from kg.ontology import EntityType
from kg.resolve.aliasfile import AliasConfig
from kg.resolve.assemble import assemble
from kg.resolve.cluster import (
    Cluster,
    EntityRecord,
    Forms,
    Merge,
    Node,
    Resolution,
    UnionFind,
    scope_of,
)
from kg.resolve.context import ArticleContext, context_key, is_bare_branch
from kg.resolve.guards import Traits, note_many
from kg.resolve.rules import normalize_form

USER, ALIAS, PERSON = 0, 1, 2  # join priorities


class Builder:
    def __init__(
        self,
        records: Iterable[EntityRecord],
        aliases: AliasConfig,
        context_records: Callable[[set[str]], Iterable[EntityRecord]] | None = None,
    ) -> None:
        self.records = records
        # every record of the given articles (bare branch names read their whole article); by default the
        # input's: a caller resolving part of the records (kg.resolve.locality) passes the whole articles
        self.context_records = context_records
        self.aliases = aliases
        self.forms = Forms()
        self.uf = UnionFind()
        self.name_counts: Counter = Counter()
        self.distinct: dict[tuple, list[str]] = {}  # (type, name, aliases, scope, orgs) -> its articles
        self._article_ids: dict[str, str] = {}  # interned article ids (one string per article)
        self._scoped_forms: dict[tuple[EntityType, str], set[str]] | None = None  # built for the alias file
        # forms of identifying / pinned nodes and who owns each (an article-scoped node is its one form)
        self.node_forms: dict[Node, set[str]] = defaultdict(set)
        self.form_owner: dict[tuple[Node, str], str] = {}
        self.name_node: dict[tuple, Node] = {}
        self.user_names: dict[Node, str] = {}
        self.applied: list[tuple[Node, Merge]] = []
        self.refused: list[tuple[Node, Node, Merge]] = []
        self.person_orgs: dict[Node, tuple[Node, ...]] = {}
        self._details: dict[str, str] = {}  # one string per distinct merge detail

    # ------------------------------------------------------------------ passes over the records

    def _pass_names(self) -> set[str]:
        bare_articles: set[str] = set()
        for rec in self.records:
            etype = EntityType(rec.type)
            name = normalize_form(rec.name)
            scope = scope_of(etype, name, rec.article_id)
            als = tuple(sorted({normalize_form(a) for a in rec.aliases} - {name, ""})) if rec.aliases else ()
            orgs = tuple(sorted({(t, normalize_form(n)) for t, n in rec.orgs})) if rec.orgs else ()
            if rec.articles:  # the same record in many articles (only for names not scoped to one)
                if scope is not None:
                    raise ValueError(f"{rec.name}: an article-scoped name cannot stand for several articles")
                self.distinct.setdefault((etype, name, als, None, orgs), []).extend(rec.articles)
                self.name_counts[(etype, name, None)] += len(rec.articles)
                continue
            article = self._article_ids.setdefault(rec.article_id, rec.article_id)
            self.distinct.setdefault((etype, name, als, scope, orgs), []).append(article)
            self.name_counts[(etype, name, scope)] += 1
            if etype == EntityType.Bank and is_bare_branch(name):
                bare_articles.add(rec.article_id)
        for etype, name, als, _, _ in self.distinct:
            self.forms.add(etype, name)
            for f in als:
                self.forms.add(etype, f)
        return bare_articles

    def _pass_context(self, bare_articles: set[str]) -> None:
        if not bare_articles:
            return
        contexts: dict[str, ArticleContext] = defaultdict(ArticleContext)
        bare: list[tuple[str, str]] = []
        source = self.context_records(bare_articles) if self.context_records else self.records
        for rec in source:
            for article in rec.articles or (rec.article_id,):
                if article in bare_articles:
                    for form in (rec.name, *rec.aliases):
                        contexts[article].add(EntityType(rec.type), form)
            if rec.article_id not in bare_articles:
                continue
            if EntityType(rec.type) == EntityType.Bank and is_bare_branch(rec.name):
                bare.append((normalize_form(rec.name), rec.article_id))
        for form, article in bare:
            found = context_key(form, contexts[article])
            if found is not None:
                self.forms.context[(EntityType.Bank, form, article)] = found

    def _note_articles(self, edge_nodes: set[Node]) -> None:
        """Which entities of which article each joined node holds (for the same-article guard)."""
        if not edge_nodes:
            return
        for (etype, name, als, scope, _), articles in self.distinct.items():
            owner = scope or name
            held = {self.forms.node(etype, f, owner) for f in (name, *als)} & edge_nodes
            for n in held:
                note_many(self.uf.traits_of(n), articles, name)

    # ------------------------------------------------------------------ nodes and joins

    def _node(self, etype: EntityType, form: str, owner: str, *, is_name: bool = False) -> Node:
        """The node of a form; its traits (kg.resolve.guards) grow with the forms it holds. A region's kind
        counts only for entity names: an alias (临港新区 for 上海临港新片区) is the article's word for it."""
        n = self.forms.node(etype, form, owner)
        self.uf.add(n)
        key = self.forms.key_of(etype, form, owner)
        if key is not None and (
            etype == EntityType.Bank or (etype == EntityType.Region and is_name) or key.legal
        ):
            traits = Traits.of_key(etype.value, key)
            if not is_name:
                traits.region_kinds.clear()
            self.uf.traits_of(n).absorb(traits)
        if n[0] != "w":
            self.node_forms[n].add(form)
            self.form_owner.setdefault((n, form), owner)
        return n

    def scoped_forms(self) -> dict[tuple[EntityType, str], set[str]]:
        """Article-scoped names -> the articles they occur in (what an alias-file name reaches)."""
        if self._scoped_forms is None:
            self._scoped_forms = defaultdict(set)
            for etype, name, _, scope, _ in self.distinct:
                if scope is not None:
                    self._scoped_forms[(etype, name)].add(scope)
        return self._scoped_forms

    def forms_of(self, n: Node) -> set[str]:
        return {n[2]} if n[0] == "w" else self.node_forms[n]

    def owner_of(self, n: Node, form: str) -> str:
        return n[3] if n[0] == "w" else self.form_owner[(n, form)]

    def _user_targets(self, etype: EntityType, alias: str) -> list[Node]:
        """Every node an alias-file name means: `name@article` that article's, else all its mentions."""
        form, at, article = alias.rpartition("@")
        if at and form:
            form = normalize_form(form)
            self.forms.add(etype, form)
            return [self._node(etype, form, scope_of(etype, form, article) or form)]
        form = normalize_form(alias)
        self.forms.add(etype, form)
        targets = [self._node(etype, form, form)] if scope_of(etype, form, "") is None else []
        targets += [self._node(etype, form, a) for a in sorted(self.scoped_forms().get((etype, form), ()))]
        return targets or [self._node(etype, form, form)]

    def _edges(self) -> list[tuple]:
        edges: list[tuple] = []  # (priority, form_a, form_b, rule, node_a, node_b)
        for e in self.aliases.entries:
            canon = normalize_form(e.name)
            heads = self._user_targets(e.type, e.name)
            for head in heads:
                self.user_names[head] = min(self.user_names.get(head, canon), canon)
                if head != heads[0]:
                    edges.append((USER, canon, canon, "user-alias", heads[0], head))
            for al in e.aliases:
                for target in self._user_targets(e.type, al):
                    edges.append(
                        (
                            USER,
                            canon,
                            normalize_form(al.rpartition("@")[0] or al),
                            "user-alias",
                            heads[0],
                            target,
                        )
                    )
        for etype, name, als, scope, _ in self.distinct:
            owner = scope or name
            a = self._node(etype, name, owner, is_name=True)
            self.name_node[(etype, name, scope)] = a
            for f in als:
                edges.append((ALIAS, name, f, "in-article-alias", a, self._node(etype, f, owner)))
        return edges

    def _forbidden(self) -> set[frozenset]:
        """Node pairs of the user's `not_same` list (both nodes exist: their forms are pinned)."""
        forbidden: set[frozenset] = set()
        for ns in self.aliases.not_same:
            for t in [ns.type] if ns.type else list(EntityType):
                fa, fb = normalize_form(ns.a), normalize_form(ns.b)
                pair = frozenset({self._node(t, fa, fa), self._node(t, fb, fb)})
                if len(pair) == 2:
                    forbidden.add(pair)
        return forbidden

    def _join(self, prio: int, fa: str, fb: str, rule: str, a: Node, b: Node, forbidden: set) -> None:
        uf = self.uf
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            return
        for pair in forbidden:
            x, y = tuple(pair)
            if {uf.find(x), uf.find(y)} == {ra, rb}:
                return
        reason = uf.union(a, b, guarded=prio > USER)
        if reason:
            self.refused.append((a, b, Merge(fa, fb, rule, f"refused: {reason}")))
        else:
            self.applied.append((a, Merge(fa, fb, rule)))

    def _link_persons(self, forbidden: set) -> list[tuple]:
        """Same name, and both articles make the person an executive of the same organisation."""
        joins: list[tuple] = []
        seen: dict[tuple[str, Node], Node] = {}
        for etype, name, _, scope, orgs in sorted(self.distinct, key=repr):
            if etype != EntityType.Person or not orgs:
                continue
            person = self.name_node[(etype, name, scope)]
            for otype, oname in orgs:
                ot = EntityType(otype)
                org = self.name_node.get((ot, oname, scope_of(ot, oname, scope or "")))
                if org is None:
                    continue
                root = self.uf.find(org)
                if root not in self.person_orgs.get(person, ()):
                    self.person_orgs[person] = (*self.person_orgs.get(person, ()), root)
                first = seen.setdefault((name, root), person)
                if first != person:
                    joins.append((PERSON, name, name, "same-person-same-organisation", first, person, oname))
        for prio, fa, fb, rule, a, b, oname in sorted(joins, key=repr):
            before = len(self.applied)
            self._join(prio, fa, fb, rule, a, b, forbidden)
            if len(self.applied) > before:
                detail = f"both executives of {oname}"
                self.applied[-1] = (a, Merge(fa, fb, rule, self._details.setdefault(detail, detail)))
        return joins

    # ------------------------------------------------------------------ run

    def prepare_forms(self) -> None:
        """The passes over the records: distinct names, their keys, bare branch names' contexts."""
        bare = self._pass_names()
        self._pass_context(bare)

    def resolve(self) -> Resolution:
        self.prepare_forms()
        for e in self.aliases.entries:
            for f in (e.name, *e.aliases):
                self.forms.add(e.type, normalize_form(f.rpartition("@")[0] or f))
        for ns in self.aliases.not_same:
            for t in [ns.type] if ns.type else list(EntityType):
                for f in (normalize_form(ns.a), normalize_form(ns.b)):
                    self.forms.add(t, f)
                    self.forms.pinned.add((t, f))
        self.forms.finalize()
        edges = self._edges()
        self._note_articles({n for e in edges if e[0] > USER for n in (e[4], e[5])})
        forbidden = self._forbidden()
        for prio, fa, fb, rule, a, b in sorted(
            edges, key=lambda e: (e[0], e[1], e[2], repr(e[4]), repr(e[5]))
        ):
            self._join(prio, fa, fb, rule, a, b, forbidden)
        self._link_persons(forbidden)
        return assemble(self)


def resolve_entities(records: Iterable[EntityRecord], aliases: AliasConfig | None = None) -> Resolution:
    """Cluster all extracted entities into canonical entities (deterministic, order independent).

    `records` is read up to three times (a list, or an object whose iteration restarts); memory grows with
    the distinct names, plus one entry per article for the names that aliases join.
    """
    if iter(records) is records:  # a one-shot iterator: keep it
        records = list(records)
    return Builder(records, aliases or AliasConfig()).resolve()


__all__ = ["Builder", "Cluster", "Merge", "resolve_entities"]
