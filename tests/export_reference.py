"""The in-memory exports as they were before streaming (no tests here): the whole Graph read with
read_graph, GraphML through networkx. tests/test_export_stream.py checks the streamed exports give these
exact bytes. GraphML uses networkx's plain-XML writer by name (`write_graphml` would pick lxml's,
with other whitespace, wherever lxml happens to be installed)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from kg.ontology import RELATION_PROPERTY_KEYS
from kg.store.export import _arr, graph_json
from kg.store.read import read_graph


def export_json_in_memory(db_path: Path, out: Path) -> None:
    out.write_text(graph_json(read_graph(db_path)), encoding="utf-8", newline="\n")


def export_graphml_in_memory(db_path: Path, out: Path) -> None:
    import networkx as nx

    from kg.graph import graph_to_networkx

    g = graph_to_networkx(read_graph(db_path))
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
    nx.write_graphml_xml(flat, str(out), encoding="utf-8")


PROPERTY_HEADERS = {"amount": "amount:float"}


def export_csv_in_memory(db_path: Path, out: Path) -> None:
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
