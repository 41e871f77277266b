"""The embedded SQLite store: per-article facts in, a deterministic resolved graph out."""

from kg.store.read import open_store, read_graph
from kg.store.schema import SCHEMA_VERSION, connect

__all__ = ["SCHEMA_VERSION", "connect", "open_store", "read_graph"]
