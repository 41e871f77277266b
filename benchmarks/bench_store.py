"""Store and build throughput: store writes vs. plain SQLite executemany, build vs. extraction only.

Run: .venv/bin/python benchmarks/bench_store.py [--articles N] [--jobs 2]
Prints figures and ratios only (no pass/fail). Targets: the store is not the bottleneck (end-to-end
build >= 60% of extraction-only throughput) and a second build over the same corpus does no work.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kg.extract import extract_article
from kg.ingest import read_articles
from kg.pipeline import build_store
from kg.store.derive import derive_graph
from kg.store.schema import connect
from kg.store.write import content_hash, extraction_rows, transaction, write_rows


def fact_rows(prepared: list) -> dict[str, list[tuple]]:
    """The store's per-article fact rows (FactRows), regrouped by table for the executemany baseline."""
    return {
        "articles": [p.article for p in prepared],
        "entities": [r for p in prepared for r in p.entities],
        "mentions": [r for p in prepared for r in p.mentions],
        "relations": [r for p in prepared for r in p.relations],
    }


def plain_executemany(path: Path, rows: dict[str, list[tuple]]) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    widths = {k: len(v[0]) for k, v in rows.items() if v}
    for table, width in widths.items():
        conn.execute(f"CREATE TABLE {table} ({', '.join(f'c{i}' for i in range(width))})")
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    for table, width in widths.items():
        conn.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * width)})", rows[table])
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    conn.close()
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    from make_corpus import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_corpus(args.articles, root / "corpus", seed=args.seed)
        articles_dir = root / "corpus" / "articles"

        t0 = time.perf_counter()
        extractions = []
        for art in read_articles([articles_dir]):
            extractions.append((extract_article(art), content_hash(art)))
        t_extract = time.perf_counter() - t0
        n = len(extractions)
        print(
            f"extraction only (read + extract, 1 process): {n} articles in {t_extract:.2f} s "
            f"= {n / t_extract:.0f} articles/s"
        )

        t0 = time.perf_counter()
        prepared = [extraction_rows(ex, chash) for ex, chash in extractions]
        t_prepare = time.perf_counter() - t0
        rows = fact_rows(prepared)
        n_rows = sum(len(v) for v in rows.values())
        conn = connect(root / "store.db", create=True)
        t0 = time.perf_counter()
        for start in range(0, n, 200):
            with transaction(conn):
                for fact in prepared[start : start + 200]:
                    write_rows(conn, fact, replace=False)
        t_store = time.perf_counter() - t0
        t0 = time.perf_counter()
        counts = derive_graph(conn)
        t_derive = time.perf_counter() - t0
        conn.close()
        t_plain = plain_executemany(root / "plain.db", rows)
        print(f"fact rows prepared (validation, alias hygiene; done in the workers): {t_prepare:.3f} s")
        print(f"store write of facts: {n_rows} rows in {t_store:.3f} s = {n_rows / t_store:,.0f} rows/s")
        print(f"plain executemany, same rows, no indexes: {t_plain:.3f} s = {n_rows / t_plain:,.0f} rows/s")
        print(f"  ratio store/plain rows/s: {t_plain / t_store:.2f}")
        print(
            f"derive graph (resolve + relations): {t_derive:.3f} s -> {counts['entities']} entities, "
            f"{counts['relations']} relations, {counts['evidence']} evidence"
        )
        print(f"  store + derive share of extraction time: {(t_store + t_derive) / t_extract:.1%}")

        for jobs in sorted({1, args.jobs}):
            db = root / f"build{jobs}.db"
            t0 = time.perf_counter()
            summary = build_store([articles_dir], db, jobs=jobs)
            t_build = time.perf_counter() - t0
            print(
                f"kg build --jobs {jobs}: {summary.new} articles in {t_build:.2f} s = {n / t_build:.0f} articles/s"
                f"; build/extraction-only throughput = {t_extract / t_build:.0%}"
            )
        t0 = time.perf_counter()
        again = build_store([articles_dir], root / "build1.db", jobs=1)
        t_again = time.perf_counter() - t0
        print(
            f"second build (unchanged corpus): {again.unchanged} unchanged, derived={again.derived}, "
            f"{t_again:.2f} s ({t_again / t_extract:.0%} of extraction time)"
        )
        files = sorted(articles_dir.rglob("*.md"))
        files[len(files) // 2].write_text(
            files[len(files) // 2].read_text(encoding="utf-8") + "\n<p>更正。</p>\n", encoding="utf-8"
        )
        t0 = time.perf_counter()
        changed = build_store([articles_dir], root / "build1.db", jobs=1)
        print(
            f"build after changing one article: {changed.changed} changed, {time.perf_counter() - t0:.2f} s"
        )

        # Peak memory of a whole build in a fresh process, for a quarter of the corpus and for all of it.
        for label, paths in (("1/4 corpus", files[: len(files) // 4]), ("full corpus", [articles_dir])):
            db = root / f"mem_{len(paths)}.db"
            code = (
                "import resource, sys; from kg.pipeline import build_store; "
                "build_store(sys.argv[2:], sys.argv[1]); "
                "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
            )
            out = subprocess.run(
                [sys.executable, "-c", code, str(db), *map(str, paths)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            print(f"peak RSS of kg build ({label}): {int(out.split()[-1]) / 1024:.0f} MB")


if __name__ == "__main__":
    main()
