"""The cost of a small update to a large store: 10 new, 10 changed, 10 forgotten articles, end to end.

Run: .venv/bin/python benchmarks/bench_update.py --store STORE.db --work DIR [--n 10] [--seed 99]

STORE is copied to DIR/base.db (never modified). If its token index is missing (a store derived before
incremental resolution, or by another resolver version), one full derivation prepares the copy (timed and
printed). Then, on a copy DIR/update.db: `kg build` of N new synthetic articles (benchmarks/make_corpus.py,
another seed: only those are extracted), `kg build` after the same N files changed, `kg forget` of them,
each as a subprocess, timed end to end. After each update a copy is derived in full (`derive_graph(full=
True)`, timed: the ratio is what incremental resolution saves) and every derived table of the copy is
compared with the incremental result (entities, aliases, merges, relations, evidence, redirects, resolved
ids, tokens): they must be identical. Prints figures and ratios only.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg.cli"]
TABLES = {
    "entities": "SELECT id, type, name, key FROM {db}.entities",
    "aliases": "SELECT entity_id, alias, norm FROM {db}.aliases",
    "merges": "SELECT entity_id, form_a, form_b, rule, detail FROM {db}.merges",
    "relations": "SELECT id, type, source, target, properties FROM {db}.relations",
    "evidence": 'SELECT relation_id, article_id, sentence, start, "end", properties FROM {db}.evidence',
    "redirects": "SELECT old_id, new_id, reason FROM {db}.redirects",
    "article_entities": "SELECT article_id, local_id, entity_id FROM {db}.article_entities",
    "entity_tokens": "SELECT token, entity_id FROM {db}.entity_tokens",
}


def make_corpus():
    spec = importlib.util.spec_from_file_location("make_corpus", ROOT / "benchmarks" / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def copy_store(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    if Path(f"{src}-wal").exists():
        shutil.copyfile(f"{src}-wal", f"{dst}-wal")


def full_derive(db: Path) -> float:
    from kg.store.derive import derive_graph
    from kg.store.schema import connect

    conn = connect(db)
    try:
        t0 = time.perf_counter()
        derive_graph(conn, full=True)
        return time.perf_counter() - t0
    finally:
        conn.close()


def differing_tables(a: Path, b: Path) -> list[str]:
    """Tables whose rows differ between the two stores (as multisets of rows, via EXCEPT both ways)."""
    conn = sqlite3.connect(a)
    try:
        conn.execute("ATTACH DATABASE ? AS other", (str(b),))
        out = []
        for name, sql in TABLES.items():
            x, y = sql.format(db="main"), sql.format(db="other")
            n = conn.execute(f"SELECT count(*) FROM ({x} EXCEPT {y})").fetchone()[0]
            n += conn.execute(f"SELECT count(*) FROM ({y} EXCEPT {x})").fetchone()[0]
            if n:
                out.append(f"{name} ({n} rows)")
        return out
    finally:
        conn.close()


def kg(*args: str) -> tuple[float, dict]:
    t0 = time.perf_counter()
    proc = subprocess.run([*KG, *args, "--json"], capture_output=True, text=True, check=False)
    secs = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"kg {' '.join(args)} failed: {proc.stderr.strip()}")
    try:
        return secs, json.loads(proc.stdout)
    except json.JSONDecodeError:
        return secs, {}


def verify(db: Path, work: Path, label: str) -> float:
    oracle = work / "oracle.db"
    copy_store(db, oracle)
    secs = full_derive(oracle)
    diff = differing_tables(db, oracle)
    print(f"  full derivation of the same store: {secs:.2f} s; tables equal: {'yes' if not diff else diff}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{oracle}{suffix}").unlink(missing_ok=True)
    return secs


def counts(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        one = lambda t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        return (
            f"{one('articles')} articles, {one('article_entities')} extracted names, {one('entities')} entities, "
            f"{one('relations')} relations"
        )
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--n", type=int, default=10)
    ap.add_argument("--seed", type=int, default=99)
    ap.add_argument("--no-verify", action="store_true", help="skip the full derivations (the oracle)")
    args = ap.parse_args(argv)
    from kg.store.incremental import ensure_index_tables, index_ready
    from kg.store.schema import connect
    from kg.store.write import transaction

    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    base = work / "base.db"
    if not base.exists():
        copy_store(args.store, base)
    conn = connect(base)
    ready = index_ready(conn)
    t0 = time.perf_counter()
    with transaction(conn):
        ensure_index_tables(conn)  # no-op when present
    conn.close()
    print(f"index tables ensured on {base}: {time.perf_counter() - t0:.2f} s")
    if not ready:
        print(f"preparing {base} (no token index): full derivation {full_derive(base):.2f} s")
    print(f"store: {counts(base)}")

    mc = make_corpus()
    new = work / "new"
    shutil.rmtree(new, ignore_errors=True)
    new.mkdir()
    docs = list(mc.generate_articles(2 * args.n, args.seed))
    files = [new / f"{name}.md" for name, _, _ in docs[: args.n]]
    for f, (_, text, _) in zip(files, docs[: args.n], strict=True):
        f.write_text(text, encoding="utf-8")
    db = work / "update.db"
    copy_store(base, db)
    results = {}

    secs, out = kg("build", str(new), "--db", str(db))
    print(f"kg build of {args.n} new articles: {secs:.2f} s end to end (new={out.get('new')})")
    results["add"] = (secs, verify(db, work, "add") if not args.no_verify else None)

    for f, (_, text, _) in zip(files, docs[args.n :], strict=True):
        f.write_text(text, encoding="utf-8")
    secs, out = kg("build", str(new), "--db", str(db))
    print(f"kg build after {args.n} articles changed: {secs:.2f} s end to end (changed={out.get('changed')})")
    results["change"] = (secs, verify(db, work, "change") if not args.no_verify else None)

    t0 = time.perf_counter()
    subprocess.run([*KG, "forget", *map(str, files), "--db", str(db)], check=True, capture_output=True)
    secs = time.perf_counter() - t0
    print(f"kg forget of {args.n} articles: {secs:.2f} s end to end")
    results["forget"] = (secs, verify(db, work, "forget") if not args.no_verify else None)

    for step, (secs, full) in results.items():
        ratio = f"; full derivation alone / whole update = {full / secs:.1f}x" if full else ""
        print(f"{step}: {secs:.2f} s{ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
