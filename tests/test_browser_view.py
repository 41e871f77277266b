"""The generated page in real headless Chromium (Debian's /usr/bin/chromium), with the network cut off.

These tests fail (they are never skipped) when Chromium is missing: `make system-deps` installs it.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_view_sample import SCRIPT_EVIDENCE, XSS_NAME, sample_graph

from kg.view import ViewOptions, export_html, select_view
from kg.view.browser import chromium_path, launch_chromium, open_offline, wait_until_stable
from kg.view.synthetic import generate_graph

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture(scope="module")
def browser():
    if chromium_path() is None:
        pytest.fail(
            "headless Chromium not found at /usr/bin/chromium: run `make system-deps` "
            "(apt-get install chromium fonts-wqy-microhei) or set KG_CHROMIUM",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A page whose JavaScript errors and dialogs are recorded (a dialog would mean injected script ran)."""
    context = browser.new_context(viewport=VIEWPORT)
    pg = context.new_page()
    pg.errors, pg.dialogs = [], []
    pg.on("pageerror", lambda exc: pg.errors.append(str(exc)))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


def counts(pg) -> list[int]:
    return pg.evaluate(
        "() => [kgView.network.body.data.nodes.length, kgView.network.body.data.edges.length,"
        " kgView.nodeView.length, kgView.edgeView.length]"
    )


def dom_position(pg, node_ids: list[str]) -> dict:
    """Centre the view on the mean position of the nodes; returns that point in page coordinates."""
    return pg.evaluate(
        """(ids) => {
            const net = kgView.network, pos = net.getPositions(ids);
            const p = {x: 0, y: 0};
            ids.forEach(id => { p.x += pos[id].x / ids.length; p.y += pos[id].y / ids.length; });
            net.moveTo({position: p, scale: 1.0, animation: false});
            return net.canvasToDOM(p);
        }""",
        node_ids,
    )


def test_page_loads_with_every_request_blocked_and_shows_the_whole_graph(browser, tmp_path: Path) -> None:
    graph = generate_graph(300, seed=5)
    out = tmp_path / "g.html"
    export_html(graph, out, ViewOptions(show_isolated=True))
    # CSP bypassed here so that any URL the page referenced would reach the router and be counted
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    attempted = open_offline(pg, out)
    assert attempted == []
    assert errors == []
    assert counts(pg) == [len(graph.entities), len(graph.relations)] * 2
    assert pg.evaluate("() => kgView.network.physics.physicsEnabled") is False  # frozen after stabilising
    context.close()


def test_the_request_blocker_does_see_remote_requests(page, tmp_path: Path) -> None:
    """The zero above is meaningful: a page that references a remote image does get caught."""
    html = tmp_path / "remote.html"
    html.write_text('<html><body><img src="https://example.com/x.png"></body></html>', encoding="utf-8")
    assert open_offline(page, html, wait_stable=False) == ["https://example.com/x.png"]


def test_focused_view_in_the_page_matches_the_selection(page, tmp_path: Path) -> None:
    graph = generate_graph(300, seed=5)
    hub = max(graph.entities, key=lambda e: sum(e.id in (r.source, r.target) for r in graph.relations))
    options = ViewOptions(focus=hub.name, depth=1)
    expected = select_view(graph, options).graph
    out = tmp_path / "focus.html"
    export_html(graph, out, options)
    assert open_offline(page, out) == []
    assert counts(page) == [len(expected.entities), len(expected.relations)] * 2
    assert 1 < len(expected.entities) < len(graph.entities)
    assert page.errors == []


def test_clicking_an_edge_shows_its_evidence_and_source(page, tmp_path: Path, root: Path) -> None:
    out = tmp_path / "fin.html"
    export_html(sample_graph(), out, ViewOptions(relations=["融资"]))
    open_offline(page, out)
    assert counts(page) == [2, 1, 2, 1]
    point = dom_position(page, ["b1", "c2"])
    page.mouse.click(point["x"], point["y"])
    panel = page.locator("#kg-panel")
    panel.wait_for(state="visible", timeout=5000)
    assert panel.get_attribute("data-id") == "rel-fin"
    assert panel.locator("h3").inner_text() == "融资"
    assert panel.locator("blockquote").all_inner_texts() == [
        "工商银行上海新片区分行向平安直通咨询有限公司提供1亿美元贷款。"
    ]
    text = panel.inner_text()
    assert "1亿美元 (100,000,000 USD)" in text and "2022-01-07" in text
    assert "平安直通落户临港 · 2022-01-07" in text
    assert panel.locator("a").get_attribute("href") == "https://example.com/a1"
    # past the tooltip delay: the click's own hover must not pop up beside the panel
    page.wait_for_timeout(400)
    tip = page.locator("div.vis-tooltip")
    assert tip.count() == 1 and tip.is_hidden()  # vis did make the edge's tooltip; the page keeps it hidden
    (root / "out").mkdir(exist_ok=True)
    page.screenshot(path=str(root / "out" / "view-edge-panel.png"))
    assert page.errors == []


def test_hostile_names_and_evidence_render_as_text(page, tmp_path: Path) -> None:
    out = tmp_path / "xss.html"
    export_html(sample_graph(), out, ViewOptions(relations=["INVESTED_IN"]))
    open_offline(page, out)
    node = page.evaluate("() => kgView.network.canvasToDOM(kgView.network.getPositions(['x1']).x1)")
    page.mouse.move(node["x"], node["y"])
    tip = page.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5000)
    assert XSS_NAME in tip.inner_text()
    assert "<b>粗体</b>" in tip.inner_text()  # the alias, literally
    # hover the edge: its evidence holds </script><script>alert(2)</script>
    page.mouse.move(5, 5)
    point = dom_position(page, ["x1", "c2"])
    page.mouse.move(point["x"], point["y"])
    page.wait_for_timeout(400)
    tip.wait_for(state="visible", timeout=5000)
    assert SCRIPT_EVIDENCE in tip.inner_text()
    page.mouse.click(point["x"], point["y"])
    panel = page.locator("#kg-panel")
    panel.wait_for(state="visible", timeout=5000)
    assert panel.locator("blockquote").inner_text() == SCRIPT_EVIDENCE
    assert "<i>投资</i>快讯" in panel.inner_text()
    assert panel.locator("a").count() == 0  # a javascript: URL is never turned into a link
    assert page.evaluate("() => document.querySelectorAll('img, b, i').length") == 0
    assert page.dialogs == [] and page.errors == []


def test_search_box_and_type_filters_narrow_the_view(page, tmp_path: Path) -> None:
    out = tmp_path / "all.html"
    export_html(sample_graph(), out, ViewOptions(show_isolated=True))
    open_offline(page, out)
    assert counts(page)[2:] == [8, 6]
    page.fill("#kg-search", "临港")  # g1 and r1 (by alias) plus their neighbours c1, c2
    wait_for_counts(page, [4, 3])
    assert page.locator("#kg-status").inner_text() == "显示 4 个实体、3 条关系"
    page.locator("#kg-types input[value=Company]").uncheck()
    wait_for_counts(page, [2, 0])
    page.fill("#kg-search", "")
    wait_for_counts(page, [4, 0])  # b1, g1, p1, r1: every relation touches a company
    assert page.errors == []


def wait_for_counts(pg, expected: list[int], timeout_s: float = 5.0) -> None:
    """Poll (the page's CSP forbids the string eval behind wait_for_function)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        got = counts(pg)[2:]
        if got == expected:
            return
        time.sleep(0.05)
    assert counts(pg)[2:] == expected


def test_chinese_page_screenshot(page, tmp_path: Path, root: Path) -> None:
    out = tmp_path / "zh.html"
    export_html(generate_graph(60, seed=1), out, ViewOptions(show_isolated=True))
    open_offline(page, out)
    wait_until_stable(page)
    (root / "out").mkdir(exist_ok=True)
    shot = root / "out" / "view-browser.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    # the CJK font is really available to the page (otherwise labels draw as boxes)
    assert page.evaluate("() => document.fonts.check('14px \"WenQuanYi Micro Hei\"', '企业')") is True


def test_truncated_page_tells_the_reader_what_was_left_out(page, tmp_path: Path) -> None:
    out = tmp_path / "top.html"
    export_html(sample_graph(), out, ViewOptions(max_nodes=3, lang="en", show_isolated=True))
    open_offline(page, out)
    assert counts(page)[2:] == [3, 2]
    assert page.locator("#kg-notice").inner_text() == (
        "Large graph: showing the 3 most connected of 8 entities (limit 3); left out 5 entities and 4 relations."
    )
    assert page.locator("#kg-status").inner_text() == "Showing 3 entities, 2 relations"


def test_an_empty_view_says_so(page, tmp_path: Path) -> None:
    out = tmp_path / "empty.html"
    export_html(sample_graph(), out, ViewOptions(relations=["ACQUIRED"]))
    open_offline(page, out)
    assert counts(page) == [0, 0, 0, 0]
    assert page.locator("#kg-empty").inner_text() == "没有符合条件的实体。"
    assert page.errors == []


def node_boxes(pg) -> list[dict]:
    """Every visible node's drawn box (shape and label) in page coordinates."""
    return pg.evaluate(
        """() => kgView.nodeView.getIds().map(id => {
            const b = kgView.network.getBoundingBox(id);
            const a = kgView.network.canvasToDOM({x: b.left, y: b.top});
            const z = kgView.network.canvasToDOM({x: b.right, y: b.bottom});
            return {id: id, left: a.x, top: a.y, right: z.x, bottom: z.y};
        })"""
    )


def overlaps(box: dict, rect: dict) -> bool:
    return not (
        box["right"] <= rect["left"]
        or box["left"] >= rect["right"]
        or box["bottom"] <= rect["top"]
        or box["top"] >= rect["bottom"]
    )


def test_fitted_graph_stays_clear_of_the_legend_and_inside_the_window(page, tmp_path: Path) -> None:
    out = tmp_path / "fit.html"
    export_html(generate_graph(120, seed=3), out, ViewOptions(show_isolated=True))
    open_offline(page, out)
    bar = page.evaluate("() => document.getElementById('kg-bar').getBoundingClientRect().toJSON()")
    boxes = node_boxes(page)
    assert len(boxes) == 120
    assert [b["id"] for b in boxes if overlaps(b, bar)] == []
    window = {"left": 0, "top": 0, "right": VIEWPORT["width"], "bottom": VIEWPORT["height"]}
    assert [b["id"] for b in boxes if not overlaps(b, window) or b["left"] < 0 or b["right"] > 1280] == []
    # and the graph is not shrunk to a dot: it spans most of the free width or height
    width = max(b["right"] for b in boxes) - min(b["left"] for b in boxes)
    height = max(b["bottom"] for b in boxes) - min(b["top"] for b in boxes)
    assert width > 0.8 * (VIEWPORT["width"] - bar["right"] - 32) or height > 0.8 * (VIEWPORT["height"] - 32)
    # the canvas, hidden until that fit so no unfitted frame flashes, is shown
    assert page.evaluate("() => getComputedStyle(document.querySelector('#kg-graph canvas')).visibility") == (
        "visible"
    )
    assert page.errors == []


def test_whole_graph_hides_isolated_entities_and_labels_the_most_connected(page, tmp_path: Path) -> None:
    graph = generate_graph(120, seed=3)
    related = {r.source for r in graph.relations} | {r.target for r in graph.relations}
    out = tmp_path / "default.html"
    report = export_html(graph, out, ViewOptions(label_top=5))
    assert report.hidden_isolated == len(graph.entities) - len(related) > 0
    open_offline(page, out)
    boxes = node_boxes(page)
    assert {b["id"] for b in boxes} == related
    notice = page.evaluate("() => document.getElementById('kg-notice').textContent")
    assert f"未显示 {report.hidden_isolated} 个没有任何关系的实体" in notice
    sizes = page.evaluate(
        "() => Object.values(kgView.network.body.nodes).filter(n => !n.isCluster).map(n => [n.id, n.options.font.size])"
    )
    big = sorted(i for i, size in sizes if size == 30)
    degree: dict[str, int] = {}
    for r in graph.relations:
        degree[r.source] = degree.get(r.source, 0) + 1
        degree[r.target] = degree.get(r.target, 0) + 1
    assert big == sorted(sorted(degree, key=lambda i: (-degree[i], i))[:5])
    assert page.errors == []


def test_fitted_graph_stays_clear_of_the_truncation_notice(page, tmp_path: Path) -> None:
    out = tmp_path / "notice.html"
    export_html(generate_graph(200, seed=4), out, ViewOptions(max_nodes=80))
    open_offline(page, out)
    rects = page.evaluate(
        "() => ['kg-bar', 'kg-notice'].map(id => document.getElementById(id).getBoundingClientRect().toJSON())"
    )
    assert rects[1]["height"] > 0  # the notice is shown
    boxes = node_boxes(page)
    assert len(boxes) == 80
    assert [b["id"] for b in boxes if overlaps(b, rects[0]) or overlaps(b, rects[1])] == []


def test_clicking_an_edge_hides_its_tooltip_until_the_pointer_moves_on(page, tmp_path: Path) -> None:
    out = tmp_path / "tip.html"
    export_html(sample_graph(), out, ViewOptions(relations=["融资"]))
    open_offline(page, out)
    point = dom_position(page, ["b1", "c2"])
    page.mouse.move(point["x"], point["y"])
    tip = page.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5000)
    assert "融资" in tip.inner_text()
    page.mouse.click(point["x"], point["y"])
    page.locator("#kg-panel").wait_for(state="visible", timeout=5000)
    tip.wait_for(state="hidden", timeout=5000)
    page.mouse.move(point["x"] + 2, point["y"] + 1)  # still on the edge: it does not come back
    page.wait_for_timeout(400)
    assert tip.is_hidden()
    # the pointer moves to a node: that node's tooltip shows as usual, next to the open panel
    node = page.evaluate("() => kgView.network.canvasToDOM(kgView.network.getPositions(['b1']).b1)")
    page.mouse.move(node["x"], node["y"])
    tip.wait_for(state="visible", timeout=5000)
    assert tip.inner_text().startswith("工商银行上海新片区分行")
    assert page.errors == []
