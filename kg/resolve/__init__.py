"""Cross-article entity resolution: deterministic canonical ids for Chinese organisation names."""

from kg.resolve.aliasfile import AliasConfig, AliasEntry, NotSame, read_aliases
from kg.resolve.build import resolve_entities
from kg.resolve.cluster import Cluster, EntityRecord, Merge, Resolution, entity_id_for, scope_of
from kg.resolve.hygiene import clean_aliases
from kg.resolve.rules import Key, is_generic, name_key, normalize_form

__all__ = [
    "AliasConfig",
    "AliasEntry",
    "Cluster",
    "EntityRecord",
    "Key",
    "Merge",
    "NotSame",
    "Resolution",
    "clean_aliases",
    "entity_id_for",
    "is_generic",
    "name_key",
    "normalize_form",
    "read_aliases",
    "resolve_entities",
    "scope_of",
]
