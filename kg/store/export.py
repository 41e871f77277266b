"""Exports of the store: JSON (byte-comparable) and GraphML, streamed (neo4j-admin CSV: kg.neo4j.bulk).

Why streamed: holding the whole graph (models, a networkx graph, a JSON tree) took 1.5 GB at 10k
articles. Each export now reads the store a chunk of rows at a time (in the order of the output) and
writes as it goes, so memory stays flat whatever the store's size. The bytes are exactly what the
in-memory versions wrote (`graph_json`, networkx's GraphML writer), which
tests/test_export_stream.py checks on generated stores. Every file is written to a temporary name and
renamed at the end: an interrupted export leaves no half file.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element, SubElement, tostring

from kg.errors import StoreError
from kg.models import Graph, GraphEntity, GraphRelation
from kg.store import read as store_read
from kg.store.schema import store_errors

CHUNK = 1000  # rows read (and models held) at a time


# --------------------------------------------------------------------------- reading, in output order


@contextmanager
def reading_store(db_path: str | Path) -> Iterator[sqlite3.Connection]:
    """The store, read-only (a build left unfinished is derived first), SQLite errors as StoreError."""
    conn = store_read.open_store_readonly(db_path)
    try:
        with store_errors(db_path):
            yield conn
    finally:
        conn.close()


def _chunks(conn: sqlite3.Connection, query: str) -> Iterator[list[tuple]]:
    cur = conn.execute(query)
    while rows := cur.fetchmany(CHUNK):
        yield rows


def _articles(conn: sqlite3.Connection) -> Iterator[Any]:
    for part in store_read.iter_articles(conn, CHUNK):
        yield from part


def _entities(conn: sqlite3.Connection) -> Iterator[GraphEntity]:
    """All entities in id order (one scan and sort: faster than walking the id index)."""
    for rows in _chunks(conn, "SELECT id, name, type FROM entities NOT INDEXED ORDER BY id"):
        yield from store_read.entity_models(conn, rows)


def _relations(conn: sqlite3.Connection, order: str = "id") -> Iterator[GraphRelation]:
    query = f"SELECT id, type, source, target, properties FROM relations NOT INDEXED ORDER BY {order}"
    if order == "graphml":  # networkx's edge order: by source, then by target in order of first edge, then id
        query = (
            "SELECT id, type, source, target, properties FROM (SELECT id, type, source, target, properties, "
            "MIN(id) OVER (PARTITION BY source, target) AS first FROM relations) ORDER BY source, first, id"
        )
    for rows in _chunks(conn, query):
        yield from store_read.relation_models(conn, rows)


# --------------------------------------------------------------------------- writing


@contextmanager
def atomic_file(path: Path, newline: str | None = "\n") -> Iterator[IO[str]]:
    """A text file written under a temporary name and renamed into place when complete."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise StoreError(f"{path}: cannot write ({exc.strerror or exc})") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as fh:
            yield fh
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise StoreError(f"{path}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def graph_json(graph: Graph) -> str:
    """Everything, sorted by id everywhere, absent properties omitted: two stores compare byte for byte.
    (The in-memory form of `export_json`, for a Graph at hand.)"""
    return json.dumps(graph.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=1) + "\n"


def _json_list(fh: IO[str], key: str, items: Iterator[Any], first: bool) -> int:
    """One top-level list of graph_json's layout (indent 1), a chunk of items per json.dumps call."""
    fh.write(("{\n" if first else ",\n") + f" {json.dumps(key)}: [")
    n = 0
    for chunk in _batches(items, CHUNK):
        dumped = [item.model_dump(mode="json", exclude_none=True) for item in chunk]
        text = json.dumps(dumped, ensure_ascii=False, indent=1)  # "[\n {...},\n {...}\n]"
        # one level deeper inside the graph's object (JSON strings hold no raw newline)
        fh.write(("\n " if n == 0 else ",\n ") + text[2:-2].replace("\n", "\n "))
        n += len(chunk)
    fh.write("\n ]" if n else "]")
    return n


def _batches(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def export_json(db_path: str | Path, out: str | Path) -> dict:
    """The store as graph_json would write its Graph, streamed."""
    with reading_store(db_path) as conn, atomic_file(Path(out)) as fh:
        _json_list(fh, "articles", _articles(conn), first=True)
        n_ent = _json_list(fh, "entities", _entities(conn), first=False)
        n_rel = _json_list(fh, "relations", _relations(conn), first=False)
        fh.write("\n}\n")
    return {"format": "json", "output": str(out), "entities": n_ent, "relations": n_rel}


# --------------------------------------------------------------------------- GraphML

GRAPHML_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)


def _node_data(e: GraphEntity) -> list[tuple[str, Any]]:
    """What kg.graph.graph_to_networkx puts on a node, flattened to text (GraphML has no lists)."""
    return [
        ("name", e.name),
        ("type", e.type.value),
        ("aliases", json.dumps(list(e.aliases), ensure_ascii=False)),
        ("article_ids", json.dumps(list(e.article_ids))),
    ]


def _edge_data(r: GraphRelation) -> list[tuple[str, Any]]:
    evidence = [ev.model_dump() for ev in r.evidence]
    data: list[tuple[str, Any]] = [
        ("type", r.type.value),
        ("evidence", json.dumps(evidence, ensure_ascii=False)),
    ]
    data += [(f"p_{k}", v) for k, v in r.properties.model_dump(exclude_none=True).items()]
    return data


def _xml_type(value: Any) -> str:
    return "double" if isinstance(value, float) else "long" if isinstance(value, int) else "string"


class _Keys(dict):
    """GraphML key ids as networkx assigns them: d0, d1, ... in order of first use (nodes, then edges)."""

    def id(self, name: str, value: Any, scope: str) -> str:
        return self.setdefault((name, _xml_type(value), scope), f"d{len(self)}")


def _indent(elem: Element, level: int) -> None:
    """networkx's pretty printing (two spaces a level) inside one element; its own tail is the caller's."""
    i = "\n" + level * "  "
    if len(elem):
        elem.text = i + "  "
        for child in elem:
            _indent(child, level + 1)
            child.tail = i + "  "
        child.tail = i


def _graphml_chunk(elements: list[tuple[str, dict[str, str], list[tuple[str, Any]]]], keys: _Keys) -> str:
    """Nodes or edges (tag, attributes, data) serialised by ElementTree as networkx lays them out inside
    <graph>, a chunk per call: "\n    <node ...>\n      <data ...>...</data>\n    </node>" each."""
    holder = Element("graph")
    for tag, attrs, data in elements:
        elem = SubElement(holder, tag, attrs)
        for name, value in data:
            SubElement(elem, "data", key=keys.id(name, value, tag)).text = str(value)
    _indent(holder, 1)
    text = tostring(holder, encoding="unicode")
    return text[len("<graph>") : -len("\n  </graph>")]


def export_graphml(db_path: str | Path, out: str | Path) -> dict:
    """GraphML as networkx's writer makes it from kg.graph.graph_to_networkx (list and dict attributes as
    JSON text), streamed: nodes in id order, then edges in networkx's order.

    The key declarations come first in the file but are known only at the end (networkx numbers them in
    order of first use), so the body goes to a temporary file first and is appended after them."""
    n_ent = n_rel = 0
    keys = _Keys()
    out = Path(out)
    body_path = out.with_name(f".{out.name}.body")
    with reading_store(db_path) as conn, atomic_file(body_path) as body:
        for part in _batches(_entities(conn), CHUNK):
            body.write(_graphml_chunk([("node", {"id": e.id}, _node_data(e)) for e in part], keys))
            n_ent += len(part)
        for part in _batches(_relations(conn, "graphml"), CHUNK):
            edges = [
                ("edge", {"source": r.source, "target": r.target, "id": r.id}, _edge_data(r)) for r in part
            ]
            body.write(_graphml_chunk(edges, keys))
            n_rel += len(part)
    try:
        with atomic_file(out) as fh:
            fh.write(GRAPHML_HEAD)
            for (name, xml_type, scope), kid in reversed(keys.items()):  # networkx inserts each key first
                key = Element("key", {"id": kid, "for": scope, "attr.name": name, "attr.type": xml_type})
                fh.write("\n  " + tostring(key, encoding="unicode"))
            if not n_ent and not n_rel:
                fh.write('\n  <graph edgedefault="directed" />\n</graphml>\n')
            else:
                fh.write('\n  <graph edgedefault="directed">')
                with open(body_path, encoding="utf-8", newline="") as src:
                    shutil.copyfileobj(src, fh, 1 << 20)
                fh.write("\n  </graph>\n</graphml>\n")
    finally:
        body_path.unlink(missing_ok=True)
    return {"format": "graphml", "output": str(out), "entities": n_ent, "relations": n_rel}
