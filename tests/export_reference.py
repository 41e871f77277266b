"""The in-memory exports as they were before streaming (no tests here): the whole Graph read with
read_graph, GraphML through networkx, the neo4j-admin CSV from the in-memory loader's rows. tests/test_export_stream.py checks the streamed exports give these
exact bytes. GraphML uses networkx's plain-XML writer by name (`write_graphml` would pick lxml's,
with other whitespace, wherever lxml happens to be installed)."""

from __future__ import annotations

import json
from pathlib import Path

from kg.neo4j import bulk
from kg.neo4j.loader import prepare_load
from kg.ontology import RELATION_PROPERTY_KEYS
from kg.store.export import graph_json
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


def _field(value: object) -> str:
    """neo4j-admin's dialect as kg writes it: null and empty lists unquoted and empty, strings quoted."""
    if value is None or value == []:
        return ""
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list):
        value = bulk.ARRAY_DELIMITER.join(value)
    return '"' + str(value).replace('"', '""') + '"'


def export_csv_in_memory(db_path: Path, out: Path) -> None:
    """The loader's in-memory rows (prepare_load on the whole Graph), one line each."""
    out.mkdir(parents=True, exist_ok=True)
    plan = prepare_load(read_graph(db_path))
    lines: dict[str, list[list[object]]] = {"articles": [], "entities": [], "mentions": [], "relations": []}
    for step in plan.upserts:
        base, _, label = step.statement.kind.partition(":")
        for r in step.rows:
            if base == "articles":
                lines[base].append([r["id"], r["title"], r["date"], r["url"], r["hash"], "Article"])
            elif base == "entities":
                labels = f"Entity{bulk.ARRAY_DELIMITER}{label}"
                lines[base].append([r["id"], r["name"], r["type"], r["aliases"], r["hash"], labels])
            elif base == "mentions":
                lines[base].append([r["article"], r["entity"], "MENTIONS", r["hash"]])
            else:
                lines[base].append(
                    [r["source"], r["target"], label, r["id"]]
                    + [r[k] for k in RELATION_PROPERTY_KEYS]
                    + [r["article_ids"], r["evidence"], r["hash"]]
                )
    headers = {
        "articles": bulk.ARTICLE_HEADER,
        "entities": bulk.ENTITY_HEADER,
        "mentions": bulk.MENTION_HEADER,
        "relations": bulk.RELATION_HEADER,
    }
    for base, rows in lines.items():
        with open(out / f"{base}.csv", "w", encoding="utf-8", newline="") as fh:
            fh.write(",".join(headers[base]) + "\n")
            fh.writelines(",".join(_field(v) for v in row) + "\n" for row in rows)
