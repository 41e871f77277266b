"""Test helpers: the graph that neo4j-admin would build from CSV files, and the graph kg's loader statements
build from the rows they are sent. No tests here.

`admin_graph` reads the files named by a `neo4j-admin database import full` command line (as `kg export csv`
prints it) with neo4j-admin's rules: `,` between fields, `"` quoting with `""` inside, a newline inside quotes
only with `--multiline-fields=true`; header columns `name:type`, `:ID(space)` (stored as property `name`
when named), `:LABEL` (split on the array delimiter), `:START_ID(space)`, `:END_ID(space)`, `:TYPE`; an empty
unquoted field is no property, a quoted empty string is "" (`--ignore-empty-strings=false`), an empty array is
no property (neo4j-admin stores none); `float` and `double` are doubles (`--normalize-types=true`).

`loader_graph` replays the calls a FakeDriver recorded through the Cypher of each statement: the MERGE key,
the MATCHed endpoints and every `x.prop = row.key` of its SET, so a property the loader writes and the CSV
lacks (or the reverse) shows up as a difference.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NodeKey = tuple[str, str]  # (ID space or label, id)
RelKey = tuple[str, NodeKey, NodeKey, Any]  # (type, start, end, relationship id or None)


@dataclass
class PropertyGraph:
    nodes: dict[NodeKey, tuple[frozenset[str], dict[str, Any]]] = field(default_factory=dict)
    rels: dict[RelKey, dict[str, Any]] = field(default_factory=dict)

    def typed(self) -> tuple[dict, dict]:
        """Both maps with every value tagged with its Python type (1 and 1.0 differ, so do "1" and 1)."""

        def tag(v: Any) -> Any:
            return ("list", tuple(tag(x) for x in v)) if isinstance(v, list) else (type(v).__name__, v)

        nodes = {
            k: (labels, {p: tag(v) for p, v in props.items()}) for k, (labels, props) in self.nodes.items()
        }
        rels = {k: {p: tag(v) for p, v in props.items()} for k, props in self.rels.items()}
        return nodes, rels


# --------------------------------------------------------------------------- neo4j-admin's side


@dataclass
class ImportCommand:
    nodes: list[Path]
    relationships: list[Path]
    array_delimiter: str
    multiline: bool
    database: str


def parse_command(command: str) -> ImportCommand:
    args = shlex.split(command)
    assert args[:4] == ["neo4j-admin", "database", "import", "full"], command
    nodes, rels, delimiter, multiline, positional = [], [], ";", False, []
    for arg in args[4:]:
        if arg.startswith("--nodes="):
            nodes.append(Path(arg.split("=", 1)[1]))
        elif arg.startswith("--relationships="):
            rels.append(Path(arg.split("=", 1)[1]))
        elif arg.startswith("--array-delimiter="):
            value = arg.split("=", 1)[1]
            delimiter = (
                chr(int(value.removeprefix("U+"), base=16))
                if value.startswith("U+")
                else "\t"
                if value == "TAB"
                else value
            )
        elif arg.startswith("--multiline-fields="):
            multiline = arg.split("=", 1)[1] == "true"
        elif arg.startswith("--"):
            raise AssertionError(f"option not modelled here: {arg}")
        else:
            positional.append(arg)
    assert len(positional) == 1, command
    return ImportCommand(nodes, rels, delimiter, multiline, positional[0])


def read_records(text: str, multiline: bool, where: str) -> list[list[tuple[str, bool]]]:
    """Records of (field text, was quoted)."""
    records: list[list[tuple[str, bool]]] = []
    i, n = 0, len(text)
    while i < n:
        record: list[tuple[str, bool]] = []
        while True:
            if i < n and text[i] == '"':
                j, buf = i + 1, []
                while True:
                    if j >= n:
                        raise AssertionError(f"{where}: unterminated quote")
                    if text[j] == '"':
                        if j + 1 < n and text[j + 1] == '"':
                            buf.append('"')
                            j += 2
                            continue
                        break
                    if text[j] in "\r\n" and not multiline:
                        raise AssertionError(f"{where}: a newline in a field needs --multiline-fields=true")
                    buf.append(text[j])
                    j += 1
                record.append(("".join(buf), True))
                i = j + 1
            else:
                j = i
                while j < n and text[j] not in ",\n":
                    if text[j] == '"':
                        raise AssertionError(f"{where}: a quote inside an unquoted field")
                    j += 1
                record.append((text[i:j], False))
                i = j
            if i >= n or text[i] == "\n":
                i += 1
                break
            assert text[i] == ",", where
            i += 1
        records.append(record)
    return records


COLUMN = re.compile(r"^(?P<name>[^:]*)(?::(?P<type>[A-Za-z_]+(?:\[\])?)(?:\((?P<space>[^)]*)\))?)?$")
SCALARS = {"string": str, "double": float, "float": float, "int": int, "long": int}


def _value(text: str, quoted: bool, ctype: str, delimiter: str) -> Any:
    """A property value as neo4j-admin stores it; None: no property."""
    if ctype.endswith("[]"):
        if not text:
            return None  # neo4j-admin stores no empty array
        return [SCALARS[ctype[:-2]](x) for x in text.split(delimiter)]
    if not text and not quoted:
        return None
    if ctype == "boolean":
        return text.lower() == "true"
    return SCALARS[ctype](text)


def admin_graph(command: str) -> PropertyGraph:
    """The graph `neo4j-admin database import full` builds from the files of `command`."""
    cmd = parse_command(command)
    graph = PropertyGraph()
    for path, is_node in [(p, True) for p in cmd.nodes] + [(p, False) for p in cmd.relationships]:
        records = read_records(path.read_text(encoding="utf-8"), cmd.multiline, str(path))
        header = [COLUMN.match(name) for name, _ in records[0]]
        assert all(header), f"{path}: bad header {records[0]}"
        for lineno, record in enumerate(records[1:], 2):
            assert len(record) == len(header), f"{path}:{lineno}: {len(record)} fields"
            labels: set[str] = set()
            props: dict[str, Any] = {}
            node_id = start = end = rtype = None
            for m, (text, quoted) in zip(header, record, strict=True):
                name, ctype, space = m["name"], m["type"] or "string", m["space"] or ""
                if ctype == "ID":
                    node_id = (space, text)
                    if name:
                        props[name] = text
                elif ctype == "LABEL":
                    labels.update(x for x in text.split(cmd.array_delimiter) if x)
                elif ctype in ("START_ID", "END_ID"):
                    key = (space, text)
                    assert key in graph.nodes, f"{path}:{lineno}: no node {key}"
                    start, end = (key, end) if ctype == "START_ID" else (start, key)
                elif ctype == "TYPE":
                    rtype = text
                else:
                    value = _value(text, quoted, ctype, cmd.array_delimiter)
                    if value is not None:
                        props[name] = value
            if is_node:
                assert node_id is not None and node_id not in graph.nodes, f"{path}:{lineno}: id {node_id}"
                graph.nodes[node_id] = (frozenset(labels), props)
            else:
                key = (rtype, start, end, props.get("id"))
                assert key not in graph.rels, f"{path}:{lineno}: duplicate {key}"
                graph.rels[key] = props
    return graph


# --------------------------------------------------------------------------- the loader's side

MATCH = re.compile(r"MATCH \((\w+):(\w+)\) WHERE \1\.id = row\.(\w+)")
MERGE_NODE = re.compile(r"MERGE \((\w+):(\w+) \{id: row\.(\w+)\}\)")
MERGE_REL = re.compile(r"MERGE \((\w+)\)-\[(\w+):(\w+)(?: \{id: row\.(\w+)\})?\]->\((\w+)\)")
SET_PROP = re.compile(r"^(\w+)\.(\w+) = row\.(\w+)$")
SET_LABEL = re.compile(r"^(\w+):(\w+)$")
COMPLETE = re.compile(r"(\w+)\.(\w+) = (?:coalesce\(\1\.\2, )?row\.(\w+)")


def _set_items(query: str) -> list[str]:
    line = next(x for x in query.splitlines() if x.startswith("SET "))
    return [x.strip() for x in line[4:].split(",")]


def loader_graph(calls: list[Any]) -> PropertyGraph:
    """The graph the recorded upsert calls write on an empty database (Cypher semantics: SET x = null
    leaves no property)."""
    graph = PropertyGraph()
    for call in calls:
        if call.kind.partition(":")[0] not in ("articles", "entities", "mentions", "relations"):
            continue
        q = call.query
        for row in call.parameters["rows"]:
            bound = {v: (label, row[key]) for v, label, key in MATCH.findall(q)}
            props: dict[str, Any] = {}
            labels: set[str] = set()
            for item in _set_items(q):
                if m := SET_PROP.match(item):
                    if row[m[3]] is not None:
                        props[m[2]] = row[m[3]]
                elif m := SET_LABEL.match(item):
                    labels.add(m[2])
                else:
                    raise AssertionError(f"SET item not modelled: {item}")
            if m := MERGE_NODE.search(q):
                _, label, key = m.groups()
                props["id"] = row[key]
                graph.nodes[(label, row[key])] = (frozenset(labels | {label}), props)
            else:
                m = MERGE_REL.search(q)
                assert m, q
                start_var, _, rtype, id_key, end_var = m.groups()
                if id_key:
                    props["id"] = row[id_key]
                key = (rtype, bound[start_var], bound[end_var], props.get("id"))
                assert all(k in graph.nodes for k in key[1:3]), key
                graph.rels[key] = props
    return graph


def apply_completion(graph: PropertyGraph, calls: list[Any]) -> int:
    """Replay the schema step's `complete:*` calls on `graph`; returns the properties set."""
    n = 0
    for call in calls:
        base, _, sub = call.kind.partition(":")
        if base != "complete":
            continue
        targets = COMPLETE.findall(call.query)
        for row in call.parameters["rows"]:
            if sub == "entities":
                props = graph.nodes.get(("Entity", row["id"]), (None, None))[1]
            else:
                props = next((p for k, p in graph.rels.items() if k[0] == sub and k[3] == row["id"]), None)
            if props is None or props.get("kg_hash") != row["hash"]:
                continue
            for _, prop, key in targets:
                if prop not in props:
                    props[prop] = row[key]
                    n += 1
    return n
