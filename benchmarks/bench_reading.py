"""Reading news as analysts have it (issue 14): main text of saved pages, web archives, Traditional script,
and the clean path's speed.

Run: .venv/bin/python benchmarks/bench_reading.py [--baseline DIR] [--rounds N]
  --baseline DIR: a checkout of kg before issue 14 (e.g. `git archive main | tar -x -C DIR`); the clean-input
  timings then run on both, interleaved, each in a fresh process.
Figures only, no pass/fail: per saved-page fixture the share of the article's sentences kept and of the chrome
pieces dropped (truth/NAME.json), for the saved-page reader and, for contrast, the clean-HTML reader; WARC
records read and skipped; facts of the Traditional and Simplified fixtures compared; clean-input reading and
extraction throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "reading"
SHARED = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))


def main_text() -> None:
    from kg.ingest import read_article
    from kg.ingest.decode import decode_html
    from kg.ingest.webpage import read_clean_page

    print("Main text of saved pages (sentences kept / chrome pieces dropped)")
    print(f"{'page':26} {'reader':12} {'sentences kept':>15} {'chrome dropped':>15}")
    totals: dict[str, list[int]] = {}
    for page in sorted((DATA / "pages").glob("*.html")):
        truth = json.loads((DATA / "truth" / f"{page.stem}.json").read_text(encoding="utf-8"))
        saved = read_article(page).text
        clean = read_clean_page(str(page), decode_html(page.read_bytes(), str(page), lambda _m: None)).text
        for reader, text in (("saved-page", saved), ("clean-HTML", clean)):
            kept = sum(s in text for s in truth["sentences"])
            dropped = sum(c not in text for c in truth["chrome"])
            n_s, n_c = len(truth["sentences"]), len(truth["chrome"])
            t = totals.setdefault(reader, [0, 0, 0, 0])
            t[0] += kept
            t[1] += n_s
            t[2] += dropped
            t[3] += n_c
            print(
                f"{page.stem:26} {reader:12} {kept:>6}/{n_s:<3} {kept / n_s:5.0%} "
                f"{dropped:>6}/{n_c:<3} {dropped / n_c:5.0%}"
            )
    for reader, (k, n_s, d, n_c) in totals.items():
        print(f"{'all':26} {reader:12} {k:>6}/{n_s:<3} {k / n_s:5.0%} {d:>6}/{n_c:<3} {d / n_c:5.0%}")


def archives() -> None:
    from kg.ingest.warc import WarcCounts, read_warc

    print("\nWeb archives")
    for name in ("crawl.warc.gz", "crawl.warc"):
        counts = WarcCounts()
        list(read_warc(DATA / "warc" / name, max_mb=20, on_warning=lambda _m: None, counts=counts))
        print(f"{name:14} {counts.summary()}")


def traditional() -> None:
    from kg.extract import extract_article
    from kg.ingest import read_article

    print("\nTraditional vs Simplified (same article): facts compared")
    for hant, hans in (("hkex_pingan_hant", "hkex_pingan_hans"), ("tsmc_hant", "tsmc_hans")):
        exs = [extract_article(read_article(DATA / "traditional" / f"{n}.md")) for n in (hant, hans)]
        facts = []
        for ex in exs:
            name = {e.id: e.name for e in ex.entities}
            facts.append(
                (
                    sorted((e.name, e.type.value) for e in ex.entities),
                    sorted((r.type.value, name[r.source], name[r.target]) for r in ex.relations),
                )
            )
        same = "identical" if facts[0] == facts[1] else "DIFFERENT"
        print(f"{hant:18} {len(facts[0][0])} entities, {len(facts[0][1])} relations; {hans}: {same}")


_TIMING = r"""
import sys, time, json
from pathlib import Path
from kg.ingest import read_article
from kg.extract import extract_article
paths = [Path(p) for p in json.loads(sys.argv[1])]
rounds = int(sys.argv[2])
arts = [read_article(p) for p in paths]
for a in arts: extract_article(a)  # warm-up (lexicons, lazy tables)
html = [p for p in paths if p.suffix == ".html"] * 50
best_read = best_extract = best_html = float("inf")
for _ in range(rounds):
    t = time.perf_counter()
    for p in paths: read_article(p)
    best_read = min(best_read, time.perf_counter() - t)
    t = time.perf_counter()
    for p in html: read_article(p)
    best_html = min(best_html, time.perf_counter() - t)
    t = time.perf_counter()
    for a in arts: extract_article(a)
    best_extract = min(best_extract, time.perf_counter() - t)
print(json.dumps({"read": len(paths) / best_read, "read_html": len(html) / best_html,
                  "extract": len(arts) / best_extract,
                  "trafilatura": "trafilatura" in sys.modules}))
"""


def clean_speed(baseline: Path | None, rounds: int, repeat: int) -> None:
    paths = sorted((SHARED / "corpus" / "dev" / "articles").glob("*.md")) + sorted(
        (ROOT / "examples" / "articles").glob("*.*")
    )
    paths = [p for p in paths if p.suffix in (".md", ".html")]
    print(
        f"\nClean input: {len(paths)} articles (dev corpus + examples, .md and .html), best of {rounds} rounds"
    )
    code_dirs = [("now", ROOT)] + ([("before", baseline)] if baseline else [])
    results: dict[str, list[dict]] = {label: [] for label, _ in code_dirs}
    for _ in range(repeat):
        for label, src in code_dirs:
            out = subprocess.run(
                [sys.executable, "-c", _TIMING, json.dumps([str(p) for p in paths]), str(rounds)],
                env={**os.environ, "PYTHONPATH": str(src)},
                cwd=src,
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            results[label].append(json.loads(out))
    for label, runs in results.items():
        read = max(r["read"] for r in runs)
        read_html = max(r["read_html"] for r in runs)
        extract = max(r["extract"] for r in runs)
        print(
            f"{label:7} read {read:8,.0f} articles/s   clean .html {read_html:6,.0f} pages/s   "
            f"extract {extract:6,.0f} articles/s   trafilatura imported: {runs[0]['trafilatura']}"
        )
    if baseline:
        now, before = results["now"], results["before"]
        for key in ("read", "read_html", "extract"):
            ratio = max(r[key] for r in now) / max(r[key] for r in before)
            print(f"ratio now/before {key:8} {ratio:.3f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", type=Path, help="a checkout of kg before issue 14")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=3, help="fresh processes per code version")
    args = ap.parse_args()
    main_text()
    archives()
    traditional()
    clean_speed(args.baseline, args.rounds, args.repeat)


if __name__ == "__main__":
    main()
