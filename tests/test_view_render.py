"""The page itself: self-contained, escaped, and carrying the right styling data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pyvis.network import Network
from test_view_sample import SCRIPT_EVIDENCE, XSS_NAME, sample_graph

from kg.display import format_amount
from kg.errors import ViewError
from kg.ontology import RelationType
from kg.view import ViewOptions, export_html
from kg.view.render import (
    FONT_STACK,
    build_network,
    build_payload,
    edge_width,
    json_for_script,
    node_size,
    physics_options,
)
from kg.view.select import select_view


def page_data(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', html, re.DOTALL)
    assert match, "data block missing"
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("view") / "graph.html"
    export_html(sample_graph(), out)
    return out.read_text(encoding="utf-8")


def test_json_for_script_cannot_close_the_script_element() -> None:
    value = {"s": "</script><script>alert(1)</script><!-- & \u2028"}
    text = json_for_script(value)
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert "\\u003c/script\\u003e" in text
    assert json.loads(text) == value


def test_page_is_self_contained(page: str) -> None:
    # no element loads anything by URL: no src=, no <link href> other than the inline data: icon
    assert re.findall(r"<(?:script|img|iframe)[^>]*\ssrc\s*=", page, re.IGNORECASE) == []
    links = re.findall(r"<link[^>]*>", page, re.IGNORECASE)
    assert links == ['<link rel="icon" href="data:,">']
    css = "".join(re.findall(r"<style>(.*?)</style>", page, re.DOTALL))
    assert "background-image" in css  # vis-network's CSS is inlined ...
    assert not re.search(r"@import|url\(\s*(?!['\"]?data:)", css, re.IGNORECASE)  # ... with data: images only
    assert "sourceMappingURL" not in page
    assert "jsdelivr" not in page and "cdnjs" not in page  # what pyvis's own template links
    assert "default-src 'none'" in page  # and the browser is told so


def test_page_declares_utf8_and_the_cjk_font_stack(page: str) -> None:
    assert '<meta charset="utf-8">' in page
    assert FONT_STACK in page
    assert page_data(page)["fontStack"] == FONT_STACK
    assert "WenQuanYi Micro Hei" in FONT_STACK and "Noto Sans CJK SC" in FONT_STACK


def test_hostile_strings_are_data_not_markup(page: str) -> None:
    # exactly three script elements (data, vis-network, page code): the evidence cannot open or close one
    assert re.findall(r"^<script\b[^>]*>", page, re.MULTILINE) == [
        '<script type="application/json" id="kg-data">',
        "<script>",
        "<script>",
    ]
    assert len(re.findall(r"</script>", page)) == 3
    assert XSS_NAME not in page and "<b>粗体</b>" not in page and "<i>投资</i>" not in page
    data = page_data(page)
    names = {n["id"]: n["name"] for n in data["nodes"]}
    assert names["x1"] == XSS_NAME  # ... but the text arrives intact
    inv = next(e for e in data["edges"] if e["id"] == "rel-inv")
    assert inv["evidence"][0]["text"] == SCRIPT_EVIDENCE
    # the page code only ever uses textContent for graph strings
    js = page.split("<script>")[-1]
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js


def test_title_option_is_escaped(tmp_path: Path) -> None:
    out = tmp_path / "t.html"
    export_html(sample_graph(), out, ViewOptions(title="<script>x</script>平安"))
    html = out.read_text(encoding="utf-8")
    assert "<title>&lt;script&gt;x&lt;/script&gt;平安</title>" in html


def test_payload_styles_nodes_and_edges() -> None:
    graph = sample_graph()
    data = build_payload(select_view(graph, ViewOptions(show_isolated=True)), ViewOptions())
    nodes = {n["id"]: n for n in data["nodes"]}
    edges = {e["id"]: e for e in data["edges"]}
    assert (nodes["c2"]["degree"], nodes["c1"]["degree"], nodes["iso"]["degree"]) == (4, 3, 0)
    assert nodes["c2"]["size"] > nodes["c1"]["size"] > nodes["b1"]["size"] > nodes["iso"]["size"]
    assert nodes["b1"]["shape"] != nodes["c1"]["shape"] and nodes["b1"]["color"] != nodes["c1"]["color"]
    assert nodes["b1"]["typeLabel"] == "银行" and nodes["r1"]["aliases"] == ["临港新片区"]
    assert edges["rel-sub"]["label"] == "子公司" and edges["rel-fin"]["label"] == "融资"
    assert edges["rel-sp"]["isDirected"] is False and edges["rel-sub"]["isDirected"] is True
    assert (
        edges["rel-sp"]["arrows"]["to"]["enabled"] is False
        and edges["rel-sub"]["arrows"]["to"]["enabled"] is True
    )
    assert edges["rel-sub"]["width"] > edges["rel-fin"]["width"]  # two supporting articles vs one
    assert edges["rel-fin"]["props"] == [["日期", "2022-01-07"], ["金额", "1亿美元 (100,000,000 USD)"]]
    assert edges["rel-exec"]["props"] == [["职务", "董事长"]]
    assert [t["key"] for t in data["entityTypes"]] == [
        "Company",
        "Bank",
        "GovernmentBody",
        "Region",
        "Person",
    ]
    assert {t["key"]: t["count"] for t in data["relationTypes"]}["SUBSIDIARY_OF"] == 1
    assert data["meta"]["notice"] is None
    assert data["articles"]["a1"]["title"] == "平安直通落户临港"


def test_english_labels() -> None:
    options = ViewOptions(lang="en")
    data = build_payload(select_view(sample_graph(), options), options)
    edges = {e["id"]: e for e in data["edges"]}
    assert edges["rel-sub"]["label"] == "subsidiary of"
    assert edges["rel-fin"]["props"][1] == ["amount", "1亿美元 (100,000,000 USD)"]
    assert {n["id"]: n["typeLabel"] for n in data["nodes"]}["b1"] == "Bank"
    assert data["strings"]["search"] == "Search names or aliases…"


def test_parallel_edges_get_distinct_curves() -> None:
    graph = sample_graph()
    extra = graph.relations[0].model_copy(
        update={"id": "rel-exec2", "type": RelationType.SIGNED_AGREEMENT_WITH}
    )
    graph.relations.append(extra)
    data = build_payload(select_view(graph, ViewOptions()), ViewOptions())
    curves = {e["id"]: e["curve"] for e in data["edges"]}
    assert (curves["rel-exec"], curves["rel-exec2"]) == (0, 1)


def test_helpers() -> None:
    assert format_amount(17500000000, "CNY", "175亿元") == "175亿元 (17,500,000,000 CNY)"
    assert format_amount(1.5, None, None) == "1.50"
    assert [edge_width(n) for n in (1, 2, 3, 50)] == [1.0, 2.5, 4.0, 8.0]
    assert node_size(0) < node_size(1) < node_size(9) <= node_size(10_000) == 45.0
    small, large = physics_options(50, 100), physics_options(2000, 4000)
    assert small["physics"]["stabilization"]["iterations"] == 400
    assert 50 <= large["physics"]["stabilization"]["iterations"] < 100
    assert small["layout"]["improvedLayout"] is True and large["layout"]["improvedLayout"] is False


def test_truncated_page_says_what_was_left_out(tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    report = export_html(sample_graph(), out, ViewOptions(max_nodes=3, show_isolated=True))
    assert (report.entities, report.relations, report.omitted_entities, report.omitted_relations) == (
        3,
        2,
        5,
        4,
    )
    assert report.summary_lines() == [
        f"Wrote {out}: 3 entities, 2 relations from 2 articles",
        (
            "Left out 5 of 8 entities and 4 relations, the least connected (e.g. 临港新片区管委会, 卢跃, "
            "上海临港新片区, <img src=x onerror=alert(1)>, 孤立科技有限公司); raise --max-nodes (now 3) to include them"
        ),
    ]
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["meta"]["notice"] == (
        "图谱较大：仅显示连接最多的 3 / 8 个实体（上限 3），省略 5 个实体和 4 条关系。"
    )
    assert len(data["nodes"]) == 3 and len(data["edges"]) == 2


def test_export_html_errors(tmp_path: Path) -> None:
    with pytest.raises(ViewError) as exc:
        export_html(sample_graph(), tmp_path, ViewOptions())
    assert str(exc.value) == f"{tmp_path}: is a directory, expected an .html file path"
    with pytest.raises(ViewError) as exc:
        export_html(sample_graph(), tmp_path / "x.html", ViewOptions(lang="fr"))
    assert str(exc.value) == "--lang must be zh or en, got 'fr'"


def test_output_is_deterministic(tmp_path: Path) -> None:
    a, b = tmp_path / "a.html", tmp_path / "b.html"
    export_html(sample_graph(), a)
    export_html(sample_graph(), b)
    assert a.read_bytes() == b.read_bytes()


def test_the_network_is_built_with_pyvis_and_is_what_the_page_embeds(tmp_path: Path) -> None:
    graph, options = sample_graph(), ViewOptions(focus="中国平安集团", depth=1)
    selection = select_view(graph, options)
    net = build_network(selection, options)
    assert isinstance(net, Network)
    assert net.get_nodes() == [e.id for e in selection.graph.entities] == ["c1", "c2", "g1", "p1"]
    assert [(e["from"], e["to"], e["id"]) for e in net.get_edges()] == [
        (r.source, r.target, r.id) for r in selection.graph.relations
    ]
    assert net.get_node("c1")["borderWidth"] == 4 and net.get_node("c2")["borderWidth"] == 1  # the focus
    assert net.options == physics_options(4, 3)
    out = tmp_path / "focus.html"
    export_html(graph, out, options)
    data = page_data(out.read_text(encoding="utf-8"))
    assert (data["nodes"], data["edges"], data["options"]) == (net.nodes, net.edges, net.options)
    assert data["meta"]["focus"] == ["c1"]


def test_parallel_relations_survive_pyvis() -> None:
    """pyvis's undirected mode would drop the second edge between two entities; kg's network keeps both."""
    graph = sample_graph()
    sp = next(r for r in graph.relations if r.id == "rel-sp")
    graph.relations.append(sp.model_copy(update={"id": "rel-jv", "type": RelationType.JOINT_VENTURE_WITH}))
    net = build_network(select_view(graph, ViewOptions()), ViewOptions())
    pair = [e for e in net.edges if {e["from"], e["to"]} == {sp.source, sp.target}]
    assert [e["id"] for e in pair] == ["rel-sp", "rel-jv"]
    assert "smooth" not in pair[0] and pair[1]["smooth"]["type"] == "curvedCW"


def test_edge_cap_keeps_the_best_supported_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    report = export_html(
        sample_graph(), out, ViewOptions(max_nodes=3, max_edges=1, lang="en", show_isolated=True)
    )
    assert (report.entities, report.relations, report.capped_relations) == (3, 1, 1)
    assert report.summary_lines()[2] == (
        "Left out 1 of 2 relations among the shown entities, the least supported; "
        "raise --max-edges (now 1) to include them"
    )
    data = page_data(out.read_text(encoding="utf-8"))
    assert [e["id"] for e in data["edges"]] == ["rel-sub"]  # the one relation with two evidence sentences
    assert (len(data["nodes"]), len(data["edges"])) == (data["meta"]["entities"], data["meta"]["relations"])
    assert data["meta"]["cappedRelations"] == 1
    assert data["meta"]["notice"] == (
        "Large graph: showing the 3 most connected of 8 entities (limit 3); left out 5 entities and 4 relations. "
        "Many relations: showing the 1 best-supported of 2 (limit 1); left out 1."
    )


def test_edge_cap_alone_is_the_whole_notice(tmp_path: Path) -> None:
    out = tmp_path / "g.html"
    report = export_html(sample_graph(), out, ViewOptions(max_edges=5, show_isolated=True))
    assert (report.omitted_entities, report.capped_relations, report.relations) == (0, 1, 5)
    assert report.summary_lines()[1:] == [
        (
            "Left out 1 of 6 relations among the shown entities, the least supported; "
            "raise --max-edges (now 5) to include them"
        )
    ]
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["meta"]["notice"] == "关系较多：仅显示证据最多的 5 / 6 条关系（上限 5），省略 1 条。"


def test_page_lists_a_hubs_latest_articles_not_the_whole_corpus() -> None:
    """A node mentioned in many articles carries its count, but only NODE_ARTICLES ids, latest first."""
    from kg.models import Graph, GraphArticle, GraphEntity
    from kg.view.render import NODE_ARTICLES, latest_articles

    arts = [GraphArticle(id=f"a{i:03d}", title=f"t{i}", date=f"2020-01-{1 + i % 28:02d}") for i in range(60)]
    hub = GraphEntity(id="e1", name="工商银行", type="Bank", article_ids=[a.id for a in arts])
    graph = Graph(articles=arts, entities=[hub], relations=[])
    kept = latest_articles(graph)["e1"]
    assert len(kept) == NODE_ARTICLES
    dates = {a.id: a.date for a in arts}
    assert [dates[a] for a in kept] == sorted((dates[a] for a in kept), reverse=True)
    assert min(dates[a] for a in kept) >= max(dates[a] for a in hub.article_ids if a not in kept)
