"""Locality of resolution: which stored names a change can affect, as *tokens* kept per entity.

Incremental derivation (kg.store.incremental) re-resolves only part of the names. That is exact because
`resolve_entities` never looks past what a name shares with others through the few things it joins on.
Reading kg.resolve.build / cluster / assemble, a record's result depends on other records only through:

1. **Its nodes.** A form's node is ("s", type, base[#class]) for identifying forms, where base is the key's
   core, or place+core when `Forms.places[(type, core)]` holds more than one place, and #class is added
   when `Forms.classes[(type, base)]` holds more than one legal form; ("w", type, form, owner) for names
   only their article (or their entity's name) resolves (persons, events, generic and industry-only
   names); ("u", type, form) for forms pinned by `not_same`; ("s", Bank, core) for a bare branch name its
   article's context resolves (kg.resolve.context: that article's records only).
2. **The places and classes tables.** Every form adds its place under (type, core) and its legal form or
   hint under (type, base), so a form with a place or a class influences the nodes of every identifying
   form with that core / base, generic or not.
3. **Joins.** In-article aliases join a record's own nodes; the guards compare traits of the joined
   nodes, and the same-article traits note every record holding a joined node (all records of a node).
   The user alias file joins the nodes of its forms: bare names reach every article's scoped mention.
4. **Persons.** Namesakes join when both articles make them executives of one organisation, found by the
   organisation's *name* node and compared by its cluster root; a person's key uses that cluster's key.
5. **Display names and merge reasons** are counted over the records of a cluster's own nodes.

So each record gets tokens (strings) that over-approximate what it shares: per form, "c" tokens for the
core and place+core of an identifying form (the node is one of them, and places/classes are keyed by
them), a "w" token for a node only its owner resolves (plus "c" tokens when that form carries a place or a
legal class: point 2), a "g" token for forms the alias file names (point 3). Persons with organisations
also get a "p" token for their name (point 4: namesakes) and *dependency* tokens "o": the tokens of their
organisations' names. Records sharing a token are in one *component*; running the resolver on any union
of whole components (plus, for persons, the components of their organisations, whose result does not
depend on persons) gives those components exactly the clusters, ids, names, aliases, merges and refused
joins the full run gives them: union-find inside a component sees the same edges in the same relative
order, and nothing outside it reaches in. The alias file's own forms form one extra component.

A cluster's tokens are the union of its records' tokens, so the store can keep them per entity
(`entity_tokens`) and find a change's components by a search over tokens (kg.store.incremental).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from kg.ontology import EntityType
from kg.resolve.aliasfile import AliasConfig
from kg.resolve.build import Builder
from kg.resolve.cluster import SCOPED, EntityRecord, Forms, Resolution, scope_of
from kg.resolve.rules import Key, is_generic, name_key, normalize_form

SEP = "\x1f"
DEPENDS = "o"  # prefix of a dependency token: "o" + SEP + a token of an organisation the person serves


def _tok(*parts: str) -> str:
    return SEP.join(parts)


class Tokens:
    """Tokens of forms, over one Forms table (keys computed once) and one alias configuration."""

    def __init__(self, forms: Forms, config: AliasConfig) -> None:
        self.forms = forms
        self.config_forms = config_forms(config)
        self._cache: dict[tuple[EntityType, str], tuple[str, ...]] = {}

    def _key(self, etype: EntityType, form: str) -> Key:
        key = self.forms.keys.get((etype, form))
        return key if key is not None else name_key(etype, form)

    def _influence(self, etype: EntityType, key: Key) -> list[str]:
        out = []
        if key.place or key.legal or key.hint:
            out.append(_tok("c", etype.value, key.core))
        if key.place and (key.legal or key.hint):
            out.append(_tok("c", etype.value, key.place + key.core))
        return out

    def form(self, etype: EntityType, form: str, owner: str) -> tuple[str, ...]:
        """The tokens of one form of a record whose forms are owned by `owner` (its scope or its name)."""
        ctx = self.forms.context.get((etype, form, owner))
        if ctx is not None:
            return (_tok("c", etype.value, ctx[0].core), *self._influence(etype, self._key(etype, form)))
        cached = self._cache.get((etype, form))
        if cached is None:
            cached = self._cache[(etype, form)] = self._shared(etype, form)
        if cached and cached[0] == "":  # a node only its owner resolves
            return (_tok("w", etype.value, form, owner), *cached[1:])
        return cached

    def _shared(self, etype: EntityType, form: str) -> tuple[str, ...]:
        if etype in SCOPED:
            out = [""]
        else:
            key = self._key(etype, form)
            if is_generic(form) or key.needs_place:
                out = ["", *self._influence(etype, key)]
            else:
                out = [_tok("c", etype.value, key.core)]
                if key.place:
                    out.append(_tok("c", etype.value, key.place + key.core))
        if (etype, form) in self.config_forms:
            out.append(_tok("g", etype.value, form))
        return tuple(out)

    def record(self, etype: EntityType, name: str, als: tuple, scope: str | None, orgs: tuple) -> set[str]:
        """Tokens of one distinct record (normalised name and aliases, scope, organisations)."""
        owner = scope or name
        out: set[str] = set()
        for f in (name, *als):
            out.update(self.form(etype, f, owner))
        if etype == EntityType.Person and orgs:
            out.add(_tok("p", name))
            for otype, oname in orgs:
                ot = EntityType(otype)
                for t in self.form(ot, oname, scope_of(ot, oname, scope or "") or oname):
                    out.add(_tok(DEPENDS, t))
        return out

    def of_config(self, config: AliasConfig) -> set[str]:
        """Tokens of the alias file's forms (one component: the file is applied as a whole)."""
        out: set[str] = set()
        for e in config.entries:
            for f in (e.name, *e.aliases):
                form, at, article = f.rpartition("@")
                if at and form:
                    form = normalize_form(form)
                    out.update(self.form(e.type, form, scope_of(e.type, form, article) or form))
                else:
                    form = normalize_form(f)
                    out.update(self.form(e.type, form, form))
        for ns in config.not_same:
            for t in [ns.type] if ns.type else list(EntityType):
                for f in (normalize_form(ns.a), normalize_form(ns.b)):
                    out.update(self.form(t, f, f))
        return out


def config_forms(config: AliasConfig) -> set[tuple[EntityType, str]]:
    """(type, normalised form) of every name the alias file mentions (a `name@article` as its name)."""
    out = set()
    for e in config.entries:
        for f in (e.name, *e.aliases):
            out.add((e.type, normalize_form(f.rpartition("@")[0] or f)))
    for ns in config.not_same:
        for t in [ns.type] if ns.type else list(EntityType):
            out.update({(t, normalize_form(ns.a)), (t, normalize_form(ns.b))})
    return out


def resolve_with_tokens(
    records: Iterable[EntityRecord],
    aliases: AliasConfig | None = None,
    context_records: Callable[[set[str]], Iterable[EntityRecord]] | None = None,
) -> tuple[Resolution, dict[str, set[str]], set[str]]:
    """`resolve_entities`, plus the tokens of each resulting entity (by id) and of the alias file.

    `context_records(articles)` gives every record of those articles (bare branch names are read in their
    whole article) when `records` is only part of the store."""
    if iter(records) is records:
        records = list(records)
    config = aliases or AliasConfig()
    b = Builder(records, config, context_records)
    resolution = b.resolve()
    tokens = Tokens(b.forms, config)
    out: dict[str, set[str]] = defaultdict(set)
    by_name = resolution._by_name
    for etype, name, als, scope, orgs in b.distinct:
        out[by_name[(etype, name, scope)]].update(tokens.record(etype, name, als, scope, orgs))
    return resolution, dict(out), tokens.of_config(config)


def record_tokens(
    records: list[EntityRecord],
    aliases: AliasConfig | None = None,
    context_records: Callable[[set[str]], Iterable[EntityRecord]] | None = None,
) -> set[str]:
    """All tokens of these records (dependency tokens included), without resolving them."""
    config = aliases or AliasConfig()
    b = Builder(records, config, context_records)
    b.prepare_forms()
    tokens = Tokens(b.forms, config)
    out: set[str] = set()
    for etype, name, als, scope, orgs in b.distinct:
        out |= tokens.record(etype, name, als, scope, orgs)
    return out


__all__ = ["DEPENDS", "SEP", "Tokens", "record_tokens", "resolve_with_tokens"]
