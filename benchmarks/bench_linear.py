"""Extraction cost against article length: a 4x longer article must cost at most 5.5x the time.

Usage: .venv/bin/python benchmarks/bench_linear.py [--base-kb 1300] [--factor 4]
Two kinds of long text, each at a base size and `factor` times it:
  paragraphs  real news paragraphs (every article of ../shared/corpus dev and dev-wide, repeated in order)
  sentence    one sentence repeated without a full stop (the page that used to stall a batch)
Prints seconds, characters per second and the time ratio; also articles/s on the real articles themselves.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.extract import extract_article
from kg.ingest import read_article
from kg.models import Article

SENTENCE = "中国平安与临港新片区管委会签署战略合作协议，"


def real_articles() -> list[Article]:
    shared = Path(os.environ.get("KG_SHARED", ROOT.parent / "shared"))
    paths = sorted((shared / "corpus").glob("*/articles/*.md"))
    if not paths:
        sys.exit(f"no articles under {shared}/corpus (set KG_SHARED)")
    return [read_article(p) for p in paths]


def timed(text: str) -> float:
    t0 = time.perf_counter()
    extract_article(Article(id="bench", path="bench", date="2024-01-01", text=text))
    return time.perf_counter() - t0


def sized(unit: str, chars: int) -> str:
    return (unit * (chars // len(unit) + 1))[:chars]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-kb", type=int, default=1300, help="base size in thousands of characters")
    ap.add_argument("--factor", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=5, help="rounds for the articles/s figure")
    args = ap.parse_args()
    arts = real_articles()
    extract_article(arts[0])  # lexicons loaded before anything is timed
    best = min(_round(arts) for _ in range(args.rounds))
    chars = sum(len(a.text) for a in arts)
    print(
        f"real articles: {len(arts)} ({chars / len(arts):.0f} chars each): {len(arts) / best:.0f} articles/s, "
        f"{chars / best / 1e3:.0f} kchar/s on one core"
    )
    paragraphs = "\n\n".join(p for a in arts for p in a.text.split("\n\n") if p.strip()) + "\n\n"
    base = args.base_kb * 1000
    print(f"{'text':12}{'chars':>12}{'seconds':>10}{'kchar/s':>10}")
    for name, unit in (("paragraphs", paragraphs), ("sentence", SENTENCE)):
        t1 = timed(sized(unit, base))
        t2 = timed(sized(unit, base * args.factor))
        print(f"{name:12}{base:>12}{t1:>10.2f}{base / t1 / 1e3:>10.0f}")
        print(f"{name:12}{base * args.factor:>12}{t2:>10.2f}{base * args.factor / t2 / 1e3:>10.0f}")
        print(f"  {name}: {args.factor}x longer costs {t2 / t1:.2f}x the time (goal <= 5.5x)")


def _round(arts: list[Article]) -> float:
    t0 = time.perf_counter()
    for a in arts:
        extract_article(a)
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
