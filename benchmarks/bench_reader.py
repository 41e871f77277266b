"""Reader throughput: articles/s and MB/s on copies of the shared dev corpus, vs. a plain bytes read.

Run: .venv/bin/python benchmarks/bench_reader.py [--copies N]
Prints figures and ratios only; no pass/fail (goals are judged by people, not timed unit tests).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from kg.errors import ReadError
from kg.ingest import read_articles

SHARED = Path(os.environ.get("KG_SHARED", Path(__file__).resolve().parent.parent.parent / "shared"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--copies", type=int, default=300, help="copies of each dev article")
    args = ap.parse_args()
    sources = sorted((SHARED / "corpus" / "dev" / "articles").glob("*.md"))
    if not sources:
        raise SystemExit(f"dev corpus not found under {SHARED} (set KG_SHARED)")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for src in sources:
            raw = src.read_bytes()
            for i in range(args.copies):
                (root / f"{src.stem}_{i:05d}.md").write_bytes(raw + f"<p>copy {i}</p>\n".encode())
        total_bytes = sum(p.stat().st_size for p in root.iterdir())
        n_files = len(list(root.iterdir()))

        t0 = time.perf_counter()
        for p in sorted(root.iterdir()):
            p.read_bytes().decode("utf-8")
        t_raw = time.perf_counter() - t0

        t0 = time.perf_counter()
        results = list(read_articles([root]))
        t_read = time.perf_counter() - t0
        errors = sum(isinstance(r, ReadError) for r in results)

        big = root / "huge.txt"
        with open(big, "wb") as fh:
            fh.truncate(50 * 1024 * 1024)
        t0 = time.perf_counter()
        rejected = list(read_articles([big]))
        t_reject = time.perf_counter() - t0

    mb = total_bytes / 1024 / 1024
    print(f"files                 {n_files} ({mb:.1f} MB), read errors: {errors}")
    print(f"read_articles         {t_read:.3f} s  {n_files / t_read:,.0f} articles/s  {mb / t_read:.1f} MB/s")
    print(f"bytes+utf-8 only      {t_raw:.3f} s  {mb / t_raw:.1f} MB/s")
    print(f"ratio parse/raw       {t_read / t_raw:.1f}x")
    print(f"50 MB file rejected   {t_reject * 1000:.2f} ms  ({rejected[0]})")


if __name__ == "__main__":
    main()
