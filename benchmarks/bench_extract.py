"""Throughput of the offline extractor on one core, against a plain `jieba.lcut` pass over the same texts.

Usage: .venv/bin/python benchmarks/bench_extract.py [--rounds N]
Texts: the shared seed + dev articles and the examples (read with kg.ingest), each repeated; falls back to
generated seed-sized text when no article is found. Prints articles/s, chars/s and the ratio to jieba.
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

from kg.extract import extract_article
from kg.models import Article


def load_articles() -> list[Article]:
    from kg.ingest import read_article

    shared = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
    paths = sorted((shared / "corpus" / "dev" / "articles").glob("*.md")) + sorted(
        (ROOT / "examples" / "articles").glob("*.md")
    )
    arts = [read_article(p) for p in paths]
    if not arts:
        body = "2022年1月7日，星河集团旗下星河直通咨询有限公司正式在上海临港新片区落户开业。" * 80
        arts = [Article(id="g", path="generated", date="2022-01-07", text=body)]
    return arts


def best_of(fn, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def workloads(base: list[Article], repeat: int) -> dict[str, list[Article]]:
    """seed: the seed article repeated; corpus: every dev/example article; merged: corpus texts joined into
    seed-sized (>= 1800 characters, ~6 KB) articles."""
    out: dict[str, list[Article]] = {}
    seed = [a for a in base if "seed" in a.path]
    if seed:
        out[f"seed x{20 * repeat}"] = seed * (20 * repeat)
    out[f"corpus x{repeat}"] = base * repeat
    # all corpus paragraphs, regrouped into articles of the seed's size (1800-2100 characters)
    paragraphs = [p for a in base for p in a.text.split("\n\n") if p.strip()]
    merged, buf = [], []
    for p in paragraphs * 4:
        buf.append(p[:2100])
        if sum(len(x) + 2 for x in buf) >= 1800:
            text = "\n\n".join(buf)[:2100]
            merged.append(Article(id=str(len(merged)), path="merged", date="2022-01-07", text=text))
            buf = []
    out[f"seed-sized x{repeat}"] = merged * repeat
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument(
        "--repeat", type=int, default=5, help="how many times each workload is repeated per round"
    )
    args = ap.parse_args()
    try:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    except (AttributeError, OSError):
        pass
    base = load_articles()
    extract_article(base[0])  # warm-up: compiled patterns

    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()
    print(f"best of {args.rounds} rounds, one core (target: >= 200 seed-sized articles/s)")
    print(
        f"{'workload':<18}{'articles':>9}{'mean chars':>11}{'extract art/s':>15}{'extract chars/s':>17}"
        f"{'jieba art/s':>13}{'extract/jieba time':>20}"
    )
    for name, arts in workloads(base, args.repeat).items():
        n, chars = len(arts), sum(len(a.text) for a in arts)
        t_ex = best_of(lambda arts=arts: [extract_article(a) for a in arts], args.rounds)
        t_jb = best_of(lambda arts=arts: [jieba.lcut(a.text) for a in arts], args.rounds)
        print(
            f"{name:<18}{n:>9}{statistics.mean(len(a.text) for a in arts):>11.0f}{n / t_ex:>15.1f}"
            f"{chars / t_ex:>17.0f}{n / t_jb:>13.1f}{t_ex / t_jb:>19.2f}x"
        )


if __name__ == "__main__":
    main()
