"""Exports of the store: JSON (byte-comparable), GraphML (networkx) and neo4j-admin import CSV."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path

from kg.errors import StoreError
from kg.models import Graph
from kg.ontology import RELATION_PROPERTY_KEYS
from kg.store.read import read_graph

ARRAY_DELIMITER = ";"


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def graph_json(graph: Graph) -> str:
    """Everything, sorted by id, absent properties omitted: two stores compare byte for byte."""
    return json.dumps(graph.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=1) + "\n"


def export_json(db_path: str | Path, out: str | Path) -> dict:
    graph = read_graph(db_path)
    _atomic_write(Path(out), graph_json(graph))
    return {
        "format": "json",
        "output": str(out),
        "entities": len(graph.entities),
        "relations": len(graph.relations),
    }


def export_graphml(db_path: str | Path, out: str | Path) -> dict:
    """GraphML via networkx; list and dict attributes are written as JSON text (GraphML has no arrays)."""
    import networkx as nx

    from kg.graph import graph_to_networkx

    graph = read_graph(db_path)
    g = graph_to_networkx(graph)
    flat = nx.MultiDiGraph()
    for n, data in g.nodes(data=True):
        flat.add_node(
            n,
            name=data["name"],
            type=data["type"],
            aliases=json.dumps(data["aliases"], ensure_ascii=False),
            article_ids=json.dumps(data["article_ids"]),
        )
    for u, v, k, data in g.edges(keys=True, data=True):
        attrs = {"type": data["type"], "evidence": json.dumps(data["evidence"], ensure_ascii=False)}
        attrs.update({f"p_{key}": val for key, val in data["properties"].items()})
        flat.add_edge(u, v, key=k, **attrs)
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(flat, str(out), encoding="utf-8")
    return {
        "format": "graphml",
        "output": str(out),
        "entities": len(graph.entities),
        "relations": len(graph.relations),
    }


def _arr(values: list[str]) -> str:
    return ARRAY_DELIMITER.join(v.replace(ARRAY_DELIMITER, "；") for v in values)


PROPERTY_HEADERS = {"amount": "amount:float"}


def export_csv(db_path: str | Path, out_dir: str | Path) -> dict:
    """A directory for `neo4j-admin database import full --nodes=... --relationships=...` (array delimiter ;)."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise StoreError(f"{out}: exists and is not a directory")
    out.mkdir(parents=True, exist_ok=True)
    graph = read_graph(db_path)
    files = {
        "entities.csv": (
            ["id:ID(Entity)", "name", "aliases:string[]", "article_ids:string[]", ":LABEL"],
            [
                [e.id, e.name, _arr(e.aliases), _arr(e.article_ids), f"Entity;{e.type.value}"]
                for e in graph.entities
            ],
        ),
        "articles.csv": (
            ["id:ID(Article)", "title", "date", "url", "path", ":LABEL"],
            [[a.id, a.title, a.date or "", a.url or "", a.path, "Article"] for a in graph.articles],
        ),
        "relations.csv": (
            [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE", "id"]
            + [PROPERTY_HEADERS.get(k, k) for k in RELATION_PROPERTY_KEYS]
            + ["evidence:string[]", "article_ids:string[]", "evidence_count:int"],
            [
                [r.source, r.target, r.type.value, r.id]
                + [
                    "" if (v := getattr(r.properties, k)) is None else (repr(v) if k == "amount" else v)
                    for k in RELATION_PROPERTY_KEYS
                ]
                + [_arr([e.text for e in r.evidence]), _arr(r.article_ids), len(r.evidence)]
                for r in graph.relations
            ],
        ),
        "mentioned_in.csv": (
            [":START_ID(Entity)", ":END_ID(Article)", ":TYPE"],
            [[e.id, a, "MENTIONED_IN"] for e in graph.entities for a in e.article_ids],
        ),
    }
    for name, (header, rows) in files.items():
        with open(out / name, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
    return {
        "format": "csv",
        "output": str(out),
        "files": sorted(files),
        "entities": len(graph.entities),
        "relations": len(graph.relations),
    }
