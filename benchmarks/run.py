"""The whole pipeline at corpus scale: figures with their same-run baselines, written to RESULTS.md.

For each size (default 1k, 10k, 100k generated articles, `benchmarks/make_corpus.py`, seeded):
- extraction articles/s and chars/s on one core, vs a plain `jieba.lcut` pass over the same texts;
- `kg build` end to end with --jobs 1 and --jobs 2 (fresh process each: wall time, peak RSS), its ratio to
  extraction-only throughput, and the incremental re-run over the unchanged corpus;
- store size; store writes vs SQLite `executemany` of the same rows (benchmarks/bench_store.py);
- `kg view` on the top 2,000 nodes; Neo4j statement-preparation rows/s (`prepare_load`).

    .venv/bin/python benchmarks/run.py [--sizes 1000,10000,100000] [--sample 3000] [--jobs-1-max 10000]

Extraction-only and the jieba baseline run on a sample of at most `--sample` articles of each corpus (the
rate does not depend on corpus size); builds run on the whole corpus. Numbers, not verdicts: targets are
listed beside the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from bench_store import fact_rows, plain_executemany
from make_corpus import write_corpus

from kg.extract import extract_article
from kg.ingest import read_articles
from kg.models import Article
from kg.store.schema import connect
from kg.store.write import content_hash, extraction_rows, transaction, write_rows

KG = [sys.executable, "-m", "kg.cli"]


def run_measured(cmd: list[str]) -> tuple[float, float, str]:
    """Run a command in a fresh process: (wall seconds, peak RSS MB of the process tree, stdout)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
    out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}")
    return wall, usage.ru_maxrss / 1024, out


def sample_articles(corpus: Path, limit: int) -> list[Article]:
    arts: list[Article] = []
    for item in read_articles([corpus]):
        if isinstance(item, Article):
            arts.append(item)
            if len(arts) >= limit:
                break
    return arts


def measure_extraction(arts: list[Article]) -> dict:
    """One core: extract_article over the texts, and jieba.lcut over the same texts, same run."""
    import jieba

    jieba.initialize()
    extract_article(arts[0])  # warm caches (automata) outside the timing
    chars = sum(len(a.text) for a in arts)
    t0 = time.perf_counter()
    extractions = [extract_article(a) for a in arts]
    t_ex = time.perf_counter() - t0
    t0 = time.perf_counter()
    for a in arts:
        jieba.lcut(a.text)
    t_jb = time.perf_counter() - t0
    return {
        "n": len(arts),
        "chars": chars,
        "extract_aps": len(arts) / t_ex,
        "extract_cps": chars / t_ex,
        "jieba_aps": len(arts) / t_jb,
        "ratio_vs_jieba": t_jb / t_ex,
        "extractions": extractions,
    }


def measure_store_writes(arts: list[Article], extractions: list, work: Path) -> dict:
    """The store's own fact writes vs a bare executemany of the very same rows into unindexed tables."""
    prepared = [extraction_rows(ex, content_hash(a)) for a, ex in zip(arts, extractions)]
    rows = fact_rows(prepared)
    n_rows = sum(len(v) for v in rows.values())
    db = work / "writes.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    conn = connect(db, create=True)
    t0 = time.perf_counter()
    for start in range(0, len(prepared), 200):
        with transaction(conn):
            for fact in prepared[start : start + 200]:
                write_rows(conn, fact, replace=False)
    t_store = time.perf_counter() - t0
    conn.close()
    plain = work / "plain.db"
    plain.unlink(missing_ok=True)
    t_plain = plain_executemany(plain, rows)
    return {
        "rows": n_rows,
        "store_rps": n_rows / t_store,
        "plain_rps": n_rows / t_plain,
        "ratio": t_plain / t_store,
    }


def measure_neo4j_prep(db: Path) -> dict:
    from kg.neo4j.loader import prepare_load
    from kg.store import read_graph

    graph = read_graph(db)
    t0 = time.perf_counter()
    plan = prepare_load(graph)
    secs = time.perf_counter() - t0
    n_rows = sum(len(s.rows) for s in plan.upserts)
    return {"rows": n_rows, "rps": n_rows / secs if secs else 0.0}


def store_size_mb(db: Path) -> float:
    return sum(Path(f"{db}{s}").stat().st_size for s in ("", "-wal") if Path(f"{db}{s}").exists()) / 2**20


def bench_size(n: int, args: argparse.Namespace, work: Path, previous: dict | None = None) -> dict:
    """All figures for one corpus size; with `previous` (--reuse) only the view and Neo4j prep are re-run."""
    if previous and all(Path(b["db"]).exists() for b in previous["builds"].values()):
        res = {k: previous[k] for k in ("n", "extract", "store_writes", "builds", "rebuild", "store_mb")}
        res["builds"] = {int(j): b for j, b in res["builds"].items()}
        return measure_store_readers(n, res, args, work)
    corpus = work / f"corpus_{n}"
    if not (corpus / "articles").is_dir():
        print(f"[{n}] generating corpus ...", flush=True)
        write_corpus(n, corpus, seed=0)
    articles = corpus / "articles"
    res: dict = {"n": n}

    arts = sample_articles(articles, min(n, args.sample))
    ex = measure_extraction(arts)
    res["extract"] = {k: v for k, v in ex.items() if k != "extractions"}
    print(
        f"[{n}] extraction {ex['extract_aps']:.0f} art/s ({ex['ratio_vs_jieba']:.2f}x jieba.lcut)", flush=True
    )
    res["store_writes"] = measure_store_writes(arts, ex["extractions"], work)

    builds = {}
    for jobs in (1, 2):
        if jobs == 1 and n > args.jobs_1_max:
            continue
        db = work / f"build_{n}_j{jobs}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        wall, rss, out = run_measured(
            KG + ["build", str(articles), "--db", str(db), "--jobs", str(jobs), "--json"]
        )
        summary = json.loads(out) if out.strip().startswith("{") else {}
        builds[jobs] = {
            "seconds": wall,
            "aps": n / wall,
            "rss_mb": rss,
            "db": str(db),
            "entities": summary.get("entities"),
            "relations": summary.get("relations"),
            "failed": len(summary.get("failed", [])),
        }
        print(
            f"[{n}] build --jobs {jobs}: {wall:.1f} s, {n / wall:.0f} art/s, peak RSS {rss:.0f} MB",
            flush=True,
        )
    res["builds"] = builds
    last = builds[max(builds)]
    db = Path(last["db"])
    wall, rss, _ = run_measured(KG + ["build", str(articles), "--db", str(db), "--jobs", "2", "--json"])
    res["rebuild"] = {"seconds": wall, "rss_mb": rss}
    res["store_mb"] = store_size_mb(db)
    return measure_store_readers(n, res, args, work)


def measure_store_readers(n: int, res: dict, args: argparse.Namespace, work: Path) -> dict:
    """`kg view` of the top 2,000 nodes (fresh process) and Neo4j statement preparation on the built store."""
    db = Path(res["builds"][max(res["builds"])]["db"])
    html = work / f"view_{n}.html"
    wall, rss, _ = run_measured(KG + ["view", "--db", str(db), "-o", str(html), "--max-nodes", "2000"])
    res["view"] = {"seconds": wall, "rss_mb": rss}
    # prepare_load needs the whole graph in memory (read_graph): measured up to --prep-max articles.
    res["neo4j_prep"] = measure_neo4j_prep(db) if n <= args.prep_max else None
    print(f"[{n}] rebuild {res['rebuild']['seconds']:.1f} s, view {wall:.1f} s", flush=True)
    return res


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GiB RAM, Python {platform.python_version()}, {platform.system()}"


def _build_cell(r: dict, jobs: int) -> str:
    """`art/s (share of one-core extraction-only throughput, wall seconds)` for one build."""
    b = r["builds"].get(jobs)
    if b is None:
        return "-"
    return f"{b['aps']:.0f} ({b['aps'] / r['extract']['extract_aps']:.0%}, {b['seconds']:.0f} s)"


def _prep_cell(r: dict) -> str:
    prep = r.get("neo4j_prep")
    return f"{prep['rps']:,.0f}" if prep else "-"


def render(results: list[dict]) -> str:
    lines = [
        "# Benchmark results",
        "",
        (
            f"Machine: {machine()}. Date: {time.strftime('%Y-%m-%d')}. Command: `make bench` "
            "(`benchmarks/run.py`). Generated corpora from `benchmarks/make_corpus.py` (seed 0)."
        ),
        "",
        (
            "| articles | extract art/s (1 core) | chars/s | x jieba.lcut | build --jobs 1 art/s (÷ extract) "
            "| build --jobs 2 art/s (÷ extract) | peak RSS MB | re-run s | store MB | view top-2000 s "
            "| store rows/s (x executemany) | Neo4j prep rows/s |"
        ),
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        e, b = r["extract"], r["builds"]
        rss = max(x["rss_mb"] for x in b.values())
        sw = r["store_writes"]
        lines.append(
            f"| {r['n']:,} | {e['extract_aps']:.0f} | {e['extract_cps']:,.0f} | {e['ratio_vs_jieba']:.2f} "
            f"| {_build_cell(r, 1)} | {_build_cell(r, 2)} | {rss:.0f} | {r['rebuild']['seconds']:.1f} | {r['store_mb']:.0f} "
            f"| {r['view']['seconds']:.1f} | {sw['store_rps']:,.0f} ({sw['ratio']:.2f}) | {_prep_cell(r)} |"
        )
    lines += [
        "",
        "Reading the table:",
        (
            "- *x jieba.lcut*: extraction throughput divided by a plain `jieba.lcut` pass over the same texts in the "
            "same run (above 1 = faster than segmenting alone)."
        ),
        (
            "- *÷ extract*: end-to-end `kg build` throughput (read, extract, write, derive the graph; fresh process, "
            "wall clock) divided by the one-core extraction-only throughput (target >= 60%: the store is not the "
            "bottleneck). With --jobs 2 the two workers and the writer share the 2 cores."
        ),
        (
            "- *store rows/s (x executemany)*: the store's own fact writes (with its indexes and constraints) "
            "against a bare `executemany` of the same rows into unindexed tables."
        ),
        (
            "- Targets (issue 6): 100k articles in < 15 min with --jobs 2, peak RSS < 2 GB, re-run < 1 min, "
            "extraction >= 200 articles/s per core."
        ),
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--sample", type=int, default=3000, help="articles for extraction-only and jieba")
    ap.add_argument("--jobs-1-max", type=int, default=10000, help="skip --jobs 1 builds above this size")
    ap.add_argument("--prep-max", type=int, default=10000, help="largest store for the Neo4j prep figure")
    ap.add_argument(
        "--reuse", action="store_true", help="reuse finished builds (results.json): re-run view/prep"
    )
    ap.add_argument("--work", type=Path, default=HERE / "work")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    saved = args.work / "results.json"
    previous = {r["n"]: r for r in json.loads(saved.read_text())} if args.reuse and saved.exists() else {}
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = [bench_size(n, args, args.work, previous.get(n)) for n in sizes]
    text = render(results)
    # keep the section benchmarks/bench_reliability.py appends (it has its own, longer runs)
    old = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
    marker = "<!-- bench_reliability:"
    kept = old[old.index(marker) :] if marker in old else ""
    args.out.write_text(text + ("\n" + kept if kept else ""), encoding="utf-8")
    (args.work / "results.json").write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
