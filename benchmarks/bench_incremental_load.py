"""Incremental `kg load`: rows and round trips sent, and the local CPU the diff costs, with the counting fake.

No Neo4j server runs here. What kg sends is exact (the counting FakeDriver answers every statement as
Neo4j would for kg's MERGE-on-id + kg_hash model); what a real server spends on it is not measured.

    .venv/bin/python benchmarks/bench_incremental_load.py --store /tmp/kgb3/v3_10k_j2.db --work /tmp/loadlog_bench

Steps, on a copy of the store (the original is opened read-only and never modified):
1. first load into an empty database (full: no marker);
2. reload unchanged (incremental: marker read; the store's change generation is the one the first load
   recorded, so the local diff is skipped);
3. reload unchanged with --full (what every `kg load` did before: every row sent, server compares);
0. the copy is derived again by this kg (a store built by an older kg may resolve differently);
4. add 10 new articles (`benchmarks/make_corpus.py` articles N..N+9, same seed), `kg build`, reload
   (incremental: the generation moved, so the elements the change log names are compared), reload again
   unchanged (skipped), then
   the same update loaded with --full for comparison.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import neo4j

from kg.neo4j.connection import Neo4jSettings
from kg.neo4j.fakes import FakeDriver, FakeState
from kg.neo4j.loader import load_store

SETTINGS = Neo4jSettings(uri="neo4j://bench.invalid:7687")


def copy_store(src: Path, dst: Path) -> None:
    """sqlite3's backup from a read-only (immutable) connection: the original file is never written."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    for extra in ("", "-wal", "-shm"):
        Path(f"{dst}{extra}").unlink(missing_ok=True)
    source = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    target = sqlite3.connect(dst)
    source.backup(target)
    source.close()
    target.close()


def measured_load(db: Path, state: FakeState, full: bool = False) -> dict[str, Any]:
    driver = FakeDriver(state, record=False)
    neo4j.GraphDatabase.driver = lambda *a, **k: driver  # type: ignore[method-assign]
    wall, cpu = time.perf_counter(), time.process_time()
    summary = load_store(str(db), SETTINGS, full=full)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  ({summary.mode}: {summary.rows_sent:,} rows sent, {wall:.1f} s)", file=sys.stderr, flush=True)
    writes = sum(1 for c in driver.calls if c.mode == "write")
    return {
        "mode": summary.mode,
        "rows_sent": summary.rows_sent,
        "rows_unchanged": summary.rows_unchanged,
        "round_trips": summary.round_trips,
        "write_round_trips": writes,
        "deleted": sum(
            getattr(summary, k).deleted for k in ("articles", "entities", "mentions", "relations")
        ),
        "wall_s": wall,
        "cpu_s": cpu,
    }


def add_articles(db: Path, work: Path, n_existing: int, count: int) -> float:
    from make_corpus import generate_article

    from kg.pipeline import build_store

    folder = work / "update" / "articles"
    shutil.rmtree(folder.parent, ignore_errors=True)
    folder.mkdir(parents=True)
    for i in range(n_existing, n_existing + count):
        name, text, _gold = generate_article(i, 0)
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    t0 = time.perf_counter()
    build_store([folder], db)
    return time.perf_counter() - t0


def line(label: str, r: dict[str, Any]) -> str:
    return (
        f"{label:<34} {r['mode']:<11} {r['rows_sent']:>9,} {r['rows_unchanged']:>9,} {r['deleted']:>7,} "
        f"{r['round_trips']:>6,} {r['write_round_trips']:>6,} {r['cpu_s']:>7.2f} {r['wall_s']:>7.2f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", type=Path, required=True, help="a built store (copied, never modified)")
    ap.add_argument("--work", type=Path, required=True, help="folder for the copy and the new articles")
    ap.add_argument("--articles", type=int, default=10, help="articles added by the update")
    args = ap.parse_args()
    db = args.work / "kg.db"
    copy_store(args.store, db)
    from kg.store.derive import derive_graph
    from kg.store.schema import connect

    conn = connect(db)
    n_articles = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    t0 = time.perf_counter()
    derive_graph(conn)  # the copy's graph as this kg derives it, so the update changes only what it touches
    derive_s = time.perf_counter() - t0
    conn.close()
    state = FakeState()
    results = {}
    results["first load"] = measured_load(db, state)
    results["reload unchanged (1st incremental)"] = measured_load(db, state)
    results["reload unchanged"] = measured_load(db, state)
    build_s = add_articles(db, args.work, n_articles, args.articles)
    results[f"+{args.articles} articles"] = measured_load(db, state)
    results["reload unchanged after the update"] = measured_load(db, state)
    results["reload, --full (every row)"] = measured_load(db, state, full=True)

    print(f"store: {args.store} ({n_articles:,} articles), copied to {db}")
    print(f"derivation of the copy by this kg first: {derive_s:.1f} s")
    print(f"kg build of the {args.articles} new articles into the copy: {build_s:.1f} s")
    print("counting fake driver (no server): rows = upsert parameter rows sent; cpu/wall = kg's side, in s")
    print(
        f"{'load':<34} {'mode':<11} {'rows sent':>9} {'unchanged':>9} {'deleted':>7} {'trips':>6} {'writes':>6} "
        f"{'cpu':>7} {'wall':>7}"
    )
    for label, r in results.items():
        print(line(label, r))
    full = upd_full = results["reload, --full (every row)"]
    same = results["reload unchanged"]
    upd = results[f"+{args.articles} articles"]
    print()
    print(
        f"unchanged reload: rows sent {same['rows_sent']} vs {full['rows_sent']:,} (--full); round trips "
        f"{same['round_trips']} vs {full['round_trips']:,} ({full['round_trips'] / same['round_trips']:.0f}x fewer)"
    )
    print(
        f"{args.articles}-article update: rows sent {upd['rows_sent']:,} vs {upd_full['rows_sent']:,} "
        f"({upd_full['rows_sent'] / max(upd['rows_sent'], 1):,.0f}x fewer, "
        f"{100 * upd['rows_sent'] / upd_full['rows_sent']:.2f} %), round trips {upd['round_trips']} vs "
        f"{upd_full['round_trips']:,}"
    )
    after = results["reload unchanged after the update"]
    print(
        f"local CPU: {same['cpu_s']:.2f} s unchanged (store generation unchanged: no diff), "
        f"{after['cpu_s']:.2f} s unchanged after the update; {upd['cpu_s']:.2f} s for the update "
        f"(only the logged elements compared, wall {upd['wall_s']:.2f} s)"
    )


if __name__ == "__main__":
    main()
