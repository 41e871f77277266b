"""Turning a selected Graph into one self-contained, offline HTML page.

The nodes, edges and physics options are built with pyvis (`build_network`), and pyvis's
`Network.generate_html()` renders the page, but from kg's own Jinja template: pyvis 0.3.2's template
links Bootstrap (and, in some modes, vis-network and tom-select) from CDNs even with
`cdn_resources="in_line"`, and embeds node JSON unescaped. kg's template inlines vis-network's JS and CSS
from the copy pyvis bundles and carries the data as one escaped JSON block that the page's script turns
into vis DataSets; every string from the graph reaches the DOM through `textContent` (or the canvas).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import TemplateError
from pyvis.network import Network

from kg.display import property_rows
from kg.errors import ViewError
from kg.models import Graph, GraphRelation
from kg.ontology import ENTITY_TYPE_ZH, RELATION_TYPE_ZH, SYMMETRIC, EntityType, RelationType
from kg.view.select import Selection, ViewOptions
from kg.view.template import PAGE_CSS, PAGE_JS, TEMPLATE_DIR, TEMPLATE_NAME, UI_STRINGS

VIS_VERSION = "9.1.2"
BACKGROUND = "#fafafa"
FONT_STACK = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif'

# Colour-blind-friendly Tableau 10 colours; each type also has its own shape, so colour is not the only cue.
ENTITY_STYLE: dict[EntityType, tuple[str, str, str]] = {  # colour, vis shape, legend glyph
    EntityType.Company: ("#4e79a7", "dot", "●"),
    EntityType.Bank: ("#f28e2b", "diamond", "◆"),
    EntityType.GovernmentBody: ("#e15759", "square", "■"),
    EntityType.Region: ("#59a14f", "triangle", "▲"),
    EntityType.Person: ("#b07aa1", "star", "★"),
    EntityType.Fund: ("#edc948", "hexagon", "⬢"),
    EntityType.Event: ("#9c755f", "triangleDown", "▼"),
}
RELATION_COLOR: dict[RelationType, str] = {
    RelationType.SUBSIDIARY_OF: "#4e79a7",
    RelationType.SIGNED_AGREEMENT_WITH: "#f28e2b",
    RelationType.STRATEGIC_PARTNER_OF: "#e15759",
    RelationType.PROVIDED_FINANCING_TO: "#76b7b2",
    RelationType.CROSS_BORDER_FINANCING: "#17becf",
    RelationType.INVESTED_IN: "#59a14f",
    RelationType.ACQUIRED: "#8c564b",
    RelationType.JOINT_VENTURE_WITH: "#edc948",
    RelationType.OPENED_IN: "#b07aa1",
    RelationType.LOCATED_IN: "#bab0ac",
    RelationType.EXECUTIVE_OF: "#ff9da7",
    RelationType.ATTENDED: "#9c755f",
    RelationType.BRANCH_OF: "#79706e",
}


def entity_type_label(t: EntityType, lang: str) -> str:
    return ENTITY_TYPE_ZH[t] if lang == "zh" else t.value


def relation_type_label(t: RelationType, lang: str) -> str:
    return RELATION_TYPE_ZH[t] if lang == "zh" else t.value.lower().replace("_", " ")


def relation_properties(rel: GraphRelation, lang: str) -> list[list[str]]:
    """Display rows [label, value] for the properties a relation has (kg.display: amounts readable, a
    syndicate's total marked, a derived relation's rule)."""
    props = rel.properties.model_dump(exclude_none=True)
    return [[label, value] for label, value in property_rows(props, lang, rel.type.value)]


NODE_ARTICLES = 20  # articles listed in a node's panel (latest first); the count covers all of them


def latest_articles(graph: Graph) -> dict[str, list[str]]:
    """Each entity's latest NODE_ARTICLES article ids (by date, then id): a hub mentioned in 10,000 articles
    must not put 10,000 article records into the page."""
    dates = {a.id: a.date or "" for a in graph.articles}
    return {
        e.id: sorted(e.article_ids, key=lambda a: (dates.get(a, ""), a), reverse=True)[:NODE_ARTICLES]
        for e in graph.entities
    }


def edge_width(article_count: int) -> float:
    """Wider for relations stated in more articles, capped so hubs stay readable."""
    return round(min(1.0 + 1.5 * max(article_count - 1, 0), 8.0), 2)


def node_size(degree: int) -> float:
    return round(min(10.0 + 5.0 * math.sqrt(degree), 45.0), 2)


def physics_options(node_count: int, edge_count: int = 0) -> dict[str, Any]:
    """Stabilise off screen with a capped iteration budget, then the page freezes physics.

    One forceAtlas2 iteration costs about 6 microseconds per node+edge in headless Chromium on two
    busy cores, so the budget (50-400 iterations) keeps 2,000 nodes under ~3 s of layout
    (benchmarks/bench_view.py measures it); Kamada-Kawai seeding only pays off on small graphs.
    """
    iterations = max(50, min(400, 500_000 // max(1, node_count + edge_count)))
    return {
        "layout": {"randomSeed": 7, "improvedLayout": node_count <= 150},
        "physics": {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -60,
                "centralGravity": 0.01,
                "springLength": 110,
                "springConstant": 0.08,
                "damping": 0.5,
                "avoidOverlap": 0.2,
            },
            "minVelocity": 1.0,
            "timestep": 0.5,
            # vis's own fit makes the first frame cheap (at a big graph's small scale no label is drawn); the
            # page then refits from the drawn bounding boxes, clear of the legend and the notice
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25, "fit": True},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 120,
            "hideEdgesOnDrag": node_count > 500,
            "navigationButtons": False,
            "multiselect": False,
        },
        "edges": {
            "font": {"face": FONT_STACK, "size": 11, "align": "middle", "strokeWidth": 3},
            "smooth": False,
            "selectionWidth": 2,
        },
        "nodes": {"font": {"face": FONT_STACK, "size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"}},
    }


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


FOCUS_BORDER = "#222222"
TOP_LABEL_SIZE = 30  # the most connected entities keep readable labels when the whole graph is in view


def most_connected(degree: Counter, n: int) -> set[str]:
    """The ids of the `n` most connected entities (degree, then id), those with at least one relation."""
    ranked = sorted((i for i, d in degree.items() if d > 0), key=lambda i: (-degree[i], i))
    return set(ranked[:n])


def build_network(selection: Selection, options: ViewOptions) -> Network:
    """The view as a pyvis Network: one add_node per entity, one add_edge per relation, physics options.

    Each node/edge carries the vis-network attributes it is drawn with plus the plain data the page
    script needs for tooltips, the side panel and search (names, aliases, evidence...): no markup anywhere,
    tooltips are built as DOM elements by the page. `directed=True` because pyvis's undirected mode drops
    a second edge between the same two entities (and checks every edge against all others); arrows are
    set per edge from the ontology instead.
    """
    graph, lang = selection.graph, options.lang
    net = Network(directed=True, heading=options.title or UI_STRINGS[lang]["title"], bgcolor=BACKGROUND)
    degree: Counter[str] = Counter()
    for r in graph.relations:
        degree[r.source] += 1
        degree[r.target] += 1
    focus = set(selection.focus_ids)
    node_articles = latest_articles(graph)
    top = most_connected(degree, options.label_top)
    for e in graph.entities:
        color, shape, _ = ENTITY_STYLE[e.type]
        extra_node: dict[str, Any] = (
            {"font": {"size": TOP_LABEL_SIZE, "strokeWidth": 5}} if e.id in top else {}
        )
        net.add_node(
            e.id,
            label=_short(e.name),
            shape=shape,
            color={"background": color, "border": FOCUS_BORDER if e.id in focus else color},
            size=node_size(degree[e.id]),
            borderWidth=4 if e.id in focus else 1,
            name=e.name,
            type=e.type.value,
            typeLabel=entity_type_label(e.type, lang),
            aliases=list(e.aliases),
            articles=node_articles[e.id],
            articleCount=len(e.article_ids),
            degree=degree[e.id],
            focus=e.id in focus,
            top=e.id in top,
            **extra_node,
        )
    pair_count: dict[tuple[str, str], int] = defaultdict(int)
    for r in graph.relations:
        pair = (min(r.source, r.target), max(r.source, r.target))
        nth = pair_count[pair]  # parallel edges between one pair get growing curvature
        pair_count[pair] += 1
        color = RELATION_COLOR[r.type]
        extra: dict[str, Any] = {}
        if nth:
            extra["smooth"] = {
                "enabled": True,
                "type": "curvedCW" if nth % 2 else "curvedCCW",
                "roundness": round(0.15 * math.ceil(nth / 2), 2),
            }
        net.add_edge(
            r.source,
            r.target,
            id=r.id,
            label=relation_type_label(r.type, lang),
            width=edge_width(len(r.article_ids)),
            color={"color": color, "highlight": color, "hover": color, "opacity": 0.85},
            arrows={"to": {"enabled": r.type not in SYMMETRIC, "scaleFactor": 0.6}},
            **extra,
            type=r.type.value,
            isDirected=r.type not in SYMMETRIC,  # `directed` is a pyvis Edge parameter
            curve=nth,
            articleCount=len(r.article_ids),
            props=relation_properties(r, lang),
            evidence=[{"text": ev.text, "article": ev.article_id} for ev in r.evidence],
        )
    # a dict, not set_options(): pyvis's set_options strips every space, which breaks the font names
    net.options = physics_options(len(graph.entities), len(graph.relations))
    return net


def page_data(selection: Selection, options: ViewOptions) -> dict[str, Any]:
    """What the page needs besides the network: title, notice, UI strings, legend rows, articles."""
    graph, lang = selection.graph, options.lang
    type_counts = Counter(e.type for e in graph.entities)
    rel_counts = Counter(r.type for r in graph.relations)
    strings = UI_STRINGS[lang]
    # Only articles the page can show: evidence sources and each node's latest articles (not whole corpora).
    referenced = {ev.article_id for r in graph.relations for ev in r.evidence}
    referenced.update(a for ids in latest_articles(graph).values() for a in ids)
    notices = []
    if selection.truncated:
        notices.append(
            strings["truncated"].format(
                shown=len(graph.entities),
                total=selection.matched_entities,
                omitted=selection.omitted_entities,
                omitted_rel=selection.omitted_relations,
                limit=options.max_nodes,
            )
        )
    if selection.hidden_isolated:
        notices.append(strings["isolatedHidden"].format(n=selection.hidden_isolated))
    if selection.edges_capped:
        notices.append(
            strings["edgesCapped"].format(
                shown=len(graph.relations),
                total=len(graph.relations) + selection.capped_relations,
                omitted=selection.capped_relations,
                limit=options.max_edges,
            )
        )
    notice = " ".join(notices) or None
    return {
        "meta": {
            "title": options.title or strings["title"],
            "lang": lang,
            "notice": notice,
            "entities": len(graph.entities),
            "relations": len(graph.relations),
            "articles": len(graph.articles),
            "omittedEntities": selection.omitted_entities,
            "omittedRelations": selection.omitted_relations,
            "cappedRelations": selection.capped_relations,
            "focus": selection.focus_ids,
        },
        "strings": strings,
        "fontStack": FONT_STACK,
        "entityTypes": [
            {
                "key": t.value,
                "label": entity_type_label(t, lang),
                "color": ENTITY_STYLE[t][0],
                "glyph": ENTITY_STYLE[t][2],
                "count": type_counts[t],
            }
            for t in EntityType
            if type_counts[t]
        ],
        "relationTypes": [
            {
                "key": t.value,
                "label": relation_type_label(t, lang),
                "color": RELATION_COLOR[t],
                "directed": t not in SYMMETRIC,
                "count": rel_counts[t],
            }
            for t in RelationType
            if rel_counts[t]
        ],
        "articles": {
            a.id: {"title": a.title, "date": a.date, "url": a.url, "path": a.path}
            for a in graph.articles
            if a.id in referenced
        },
    }


def build_payload(selection: Selection, options: ViewOptions) -> dict[str, Any]:
    """The page's whole data block as one dict: the pyvis network's nodes, edges, options + page_data."""
    net = build_network(selection, options)
    return {"nodes": net.nodes, "edges": net.edges, "options": net.options, **page_data(selection, options)}


def json_for_script(data: Any) -> str:
    """JSON that cannot end its <script> element or open a comment: `<`, `>` and `&` become \\u escapes."""
    return escape_json_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")))


def escape_json_text(text: str) -> str:
    """The same escaping for JSON that is already text (pyvis hands the template its options as a string)."""
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS from the copy bundled inside the installed pyvis package."""
    try:
        import pyvis
    except ImportError as exc:  # pragma: no cover - pyvis is a hard dependency
        raise ViewError("pyvis is not installed; it provides the bundled vis-network library") from exc
    base = Path(pyvis.__file__).parent / "templates" / "lib" / f"vis-{VIS_VERSION}"
    try:
        js = (base / "vis-network.min.js").read_text(encoding="utf-8")
        css = (base / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise ViewError(
            f"{base}: vis-network {VIS_VERSION} files missing from pyvis ({exc.strerror})"
        ) from exc
    # Inline code must not be able to close its own element, nor point tools at a missing source map.
    js = re.sub(r"^//# sourceMappingURL=.*$", "", js, flags=re.MULTILINE)
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)
    css = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    return js, css


def render_html(selection: Selection, options: ViewOptions) -> str:
    """The complete page: pyvis's Network.generate_html() rendering kg's own template (kg_page.html).

    pyvis's template would link Bootstrap and vis from CDNs and put raw `{{nodes|safe}}` JSON in a script;
    kg's template inlines vis-network from pyvis's bundled copy and embeds the data through kg_json.
    """
    net = build_network(selection, options)
    vis_js, vis_css = vis_assets()
    net.set_template_dir(str(TEMPLATE_DIR), TEMPLATE_NAME)
    env = net.templateEnv
    env.filters["kg_json"] = json_for_script
    env.filters["kg_json_text"] = escape_json_text
    env.globals["kg"] = {
        "lang": "zh-CN" if options.lang == "zh" else "en",
        "vis_css": vis_css,
        "page_css": PAGE_CSS.replace("{{font_stack}}", FONT_STACK),
        "vis_js": vis_js,
        "page_js": PAGE_JS,
        "data": page_data(selection, options),
    }
    try:
        return net.generate_html()
    except TemplateError as exc:  # pragma: no cover - the template ships with kg
        raise ViewError(f"{TEMPLATE_DIR / TEMPLATE_NAME}: {exc}") from exc
