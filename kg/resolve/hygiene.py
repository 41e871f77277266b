"""Alias hygiene inside one article, before resolution.

Extractors sometimes give an entity an alias that, in the same article, names another entity (成都高新区
with alias 成都 next to 成都市) or that two entities both claim (上海 "两江" and 重庆两江新区 "重庆两江").
Such an alias cannot say which entity it belongs to, so it is dropped before it can join clusters across
the whole corpus. The rule only looks at one article's entities, so it is order independent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from kg.ontology import EntityType
from kg.resolve.rules import name_key, normalize_form


def _key(etype: EntityType, form: str) -> tuple[EntityType, str]:
    return (etype, name_key(etype, normalize_form(form)).core)


def clean_aliases(entities: Sequence[tuple[EntityType | str, str, Sequence[str]]]) -> list[list[str]]:
    """For each (type, name, aliases) of one article: the aliases that unambiguously belong to it."""
    typed = [(EntityType(t), name, list(aliases)) for t, name, aliases in entities]
    name_keys = Counter(_key(t, name) for t, name, _ in typed)
    claims: Counter = Counter()
    for t, name, aliases in typed:
        own = _key(t, name)
        claims.update({_key(t, a) for a in aliases} - {own})
    out = []
    for t, name, aliases in typed:
        own = _key(t, name)
        kept = []
        for a in aliases:
            k = _key(t, a)
            if k == own or (name_keys[k] == 0 and claims[k] == 1):
                kept.append(a)
        out.append(kept)
    return out
