"""How long `kg view` takes to write a page, and Chromium to reach a stable (frozen) picture.

Usage: .venv/bin/python benchmarks/bench_view.py [--sizes 200,1000,2000] [--repeat 2] [--out out/bench_view]

Graphs are generated (kg.view.synthetic: preferential attachment, two relations per entity). "Stable" is
when the page has drawn its frozen layout (physics switched off at stabilizationIterationsDone) and fitted
it clear of the legend; "to picture" is wall time from navigation to that moment, as a user would wait.
The goal: under 5 s to a stable picture at 2,000 nodes. Timings move with machine load (printed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.view import ViewOptions, export_html
from kg.view.browser import launch_chromium, open_offline, wait_until_stable
from kg.view.render import physics_options
from kg.view.synthetic import generate_graph

TARGET_S = 5.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,1000,2000")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "bench_view")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    args.out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        for n in sizes:
            graph = generate_graph(n, seed=1)
            path = args.out / f"graph-{n}.html"
            gen, load, page_ms = [], [], []
            for _ in range(args.repeat):
                t = time.perf_counter()
                report = export_html(graph, path, ViewOptions())
                gen.append(time.perf_counter() - t)
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                t = time.perf_counter()
                attempted = open_offline(page, path, wait_stable=False)
                page_ms.append(wait_until_stable(page, timeout_ms=60_000))
                load.append(time.perf_counter() - t)
                assert attempted == [], attempted
                shown = page.evaluate("() => [kgView.nodeView.length, kgView.edgeView.length]")
                assert shown == [report.entities, report.relations], shown
                page.screenshot(path=str(args.out / f"graph-{n}.png"))
                page.close()
            iterations = physics_options(report.entities, report.relations)["physics"]["stabilization"][
                "iterations"
            ]
            rows.append(
                (
                    n,
                    report.relations,
                    report.bytes,
                    iterations,
                    min(gen),
                    statistics.median(load),
                    statistics.median(page_ms) / 1000,
                )
            )
        browser.close()

    load = os.getloadavg()[0]
    print(f"1-minute load average at the end: {load:.1f} on {os.cpu_count()} cores (timings are wall clock)")
    print(
        f"{'nodes':>6} {'edges':>6} {'page MB':>8} {'iters':>6} {'generate s':>11} {'to picture s':>13} "
        f"{'in-page s':>10} {'vs 5 s goal':>12}"
    )
    for n, edges, size, iters, gen_s, load_s, page_s in rows:
        print(
            f"{n:>6} {edges:>6} {size / 1e6:>8.2f} {iters:>6} {gen_s:>11.3f} {load_s:>13.2f} {page_s:>10.2f} "
            f"{load_s / TARGET_S:>11.0%}"
        )
    worst = max(r[5] for r in rows if r[0] == max(sizes))
    print(
        f"largest graph: {worst:.2f} s to a stable picture ({'meets' if worst < TARGET_S else 'MISSES'} "
        f"the {TARGET_S:.0f} s goal); screenshots in {args.out}"
    )
    return 0 if worst < TARGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
