"""Interactive, self-contained HTML views of the graph (`kg view`, `kg export html`).

`export_html(graph, out_path, options)` is the one entry point: it selects what to show
(kg.view.select), renders one offline page (kg.view.render) and reports what it wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import ViewError
from kg.models import Graph
from kg.view.render import render_html
from kg.view.select import DEFAULT_MAX_EDGES, DEFAULT_MAX_NODES, Selection, ViewOptions, select_view

__all__ = [
    "DEFAULT_MAX_EDGES",
    "DEFAULT_MAX_NODES",
    "Selection",
    "ViewOptions",
    "ViewReport",
    "export_html",
    "export_store_html",
    "select_view",
]


@dataclass
class ViewReport:
    """What a view holds, for the CLI summary and for tests."""

    out_path: Path
    entities: int
    relations: int
    articles: int
    bytes: int
    omitted_entities: int = 0
    omitted_relations: int = 0
    omitted_examples: list[str] = field(default_factory=list)
    max_nodes: int = DEFAULT_MAX_NODES
    capped_relations: int = 0
    max_edges: int = DEFAULT_MAX_EDGES
    hidden_isolated: int = 0

    @property
    def truncated(self) -> bool:
        return self.omitted_entities > 0

    def summary_lines(self) -> list[str]:
        lines = [
            (
                f"Wrote {self.out_path}: {_count(self.entities, 'entity', 'entities')}, "
                f"{_count(self.relations, 'relation')} from {_count(self.articles, 'article')}"
            )
        ]
        if self.truncated:
            examples = f" (e.g. {', '.join(self.omitted_examples)})" if self.omitted_examples else ""
            lines.append(
                f"Left out {self.omitted_entities} of {self.entities + self.omitted_entities} entities and "
                f"{_count(self.omitted_relations, 'relation')}, the least connected{examples}; "
                f"raise --max-nodes (now {self.max_nodes}) to include them"
            )
        if self.hidden_isolated:
            lines.append(
                f"Hid {_count(self.hidden_isolated, 'entity', 'entities')} without any relation "
                f"(--show-isolated shows them)"
            )
        if self.capped_relations:
            lines.append(
                f"Left out {self.capped_relations} of {self.relations + self.capped_relations} relations "
                f"among the shown entities, the least supported; "
                f"raise --max-edges (now {self.max_edges}) to include them"
            )
        return lines


def _count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def export_html(graph: Graph, out_path: str | Path, options: ViewOptions | None = None) -> ViewReport:
    """Write one self-contained HTML page for the part of `graph` that `options` selects."""
    options = options or ViewOptions()
    _check_lang(options)
    return write_view(select_view(graph, options), out_path, options)


def export_store_html(
    db_path: str | Path, out_path: str | Path, options: ViewOptions | None = None
) -> ViewReport:
    """`kg view`: select in SQL, read only what is shown (a missing or foreign file is a StoreError)."""
    from kg.view.store_select import select_store_view

    options = options or ViewOptions()
    _check_lang(options)
    return write_view(select_store_view(db_path, options), out_path, options)


def _check_lang(options: ViewOptions) -> None:
    if options.lang not in ("zh", "en"):
        raise ViewError(f"--lang must be zh or en, got {options.lang!r}")


def write_view(selection: Selection, out_path: str | Path, options: ViewOptions) -> ViewReport:
    """Render a selection to one page and report what it holds."""
    page = render_html(selection, options)
    out = Path(out_path)
    if out.is_dir():
        raise ViewError(f"{out}: is a directory, expected an .html file path")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise ViewError(f"{out}: cannot write ({exc.strerror or exc})") from exc
    return ViewReport(
        out_path=out,
        entities=len(selection.graph.entities),
        relations=len(selection.graph.relations),
        articles=len(selection.graph.articles),
        bytes=len(page.encode("utf-8")),
        omitted_entities=selection.omitted_entities,
        omitted_relations=selection.omitted_relations,
        omitted_examples=selection.omitted_examples,
        max_nodes=options.max_nodes,
        capped_relations=selection.capped_relations,
        max_edges=options.max_edges,
        hidden_isolated=selection.hidden_isolated,
    )
