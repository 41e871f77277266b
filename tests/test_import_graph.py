"""No import cycles in the kg package: every `import` (at module level or inside a function, which only
postpones the cycle to run time) is an edge of a graph that must have no cycle."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

KG = Path(__file__).resolve().parent.parent / "kg"


def module_names() -> dict[str, Path]:
    out = {}
    for path in KG.rglob("*.py"):
        parts = list(path.relative_to(KG.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def import_graph() -> dict[str, set[str]]:
    """module -> the kg modules it imports (`from kg.a import b` counts as kg.a.b when b is a module)."""
    modules = module_names()

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str | None] = []
            if isinstance(node, ast.Import):
                targets = [known(a.name) for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                targets = [
                    f"{base}.{a.name}" if f"{base}.{a.name}" in modules else known(base) for a in node.names
                ]
            graph[name].update(t for t in targets if t and t != name and t.split(".")[0] == "kg")
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path [a, b, ..., a], or None (depth-first search, colouring)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_kg_package_has_no_import_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 50 and "kg.neo4j.rows" in graph["kg.neo4j.stream"]
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_cycle_finder_finds_function_level_cycles() -> None:
    """The check can fail: the loader <-> stream cycle it replaced (a lazy import one way) is found."""
    graph = import_graph()
    graph["kg.neo4j.rows"] = graph["kg.neo4j.rows"] | {"kg.neo4j.loader"}
    cycle = find_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1] == "kg.neo4j.loader" and "kg.neo4j.rows" in cycle
    assert all(b in graph[a] for a, b in itertools.pairwise(cycle))  # each step is an import
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
