"""Past one machine (issue 13): Spark local[N] extraction against `kg build --jobs N` on the same corpus,
`kg build --from-extractions` throughput, and a projection to 10M articles.

Run: .venv/bin/python benchmarks/bench_scale.py [--corpus /tmp/kgbench/corpus_10000/articles]
     [--work /tmp/kgscale] [--jobs 2] [--json out.json]

Each step is a fresh `kg` process (wall clock; the Spark step includes starting the JVM and a Python worker
per core). Prints figures and ratios only (no pass/fail), and checks that the store built from the Spark
shards exports byte for byte what `kg build` on the files exports. Needs kg[spark] and Java 17.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

KG = str(Path(sys.executable).parent / "kg")
TARGET = 10_000_000

# Neo4j 5 record store sizes (bytes; "aligned"/standard format): what a node, a relationship and a property
# record take before string payloads; strings go to 128-byte dynamic blocks.
NODE_B, REL_B, PROP_B = 15, 34, 41


TICK = os.sysconf("SC_CLK_TCK")


def _tree_cpu(root: int, seen: dict[int, float]) -> None:
    """CPU seconds (user + system, own) of `root` and every descendant, by pid, from /proc: the JVM and
    Spark's Python workers are not waited for by us, so RUSAGE_CHILDREN would miss them."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        parents[int(d.name)] = int(fields[1])
        times[int(d.name)] = (int(fields[11]) + int(fields[12])) / TICK
    for pid, cpu in times.items():
        p = pid
        while p not in (0, 1) and p != root:
            p = parents.get(p, 0)
        if p == root:
            seen[pid] = max(seen.get(pid, 0.0), cpu)


def step(label: str, args: list[str]) -> dict:
    """One fresh `kg` process: wall seconds and CPU seconds of its whole process tree (sampled 4x/s)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([KG, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: dict[int, float] = {}
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.25):
            _tree_cpu(proc.pid, seen)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    secs = time.perf_counter() - t0
    stop.set()
    sampler.join()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = max(sum(seen.values()), ru.ru_utime + ru.ru_stime - step.children_cpu)
    step.children_cpu = ru.ru_utime + ru.ru_stime
    if proc.returncode != 0:
        sys.exit(f"{label} failed ({proc.returncode}):\n{err[-2000:]}")
    print(f"  {label}: {secs:.1f} s wall, {cpu:.1f} s CPU", flush=True)
    return {"seconds": round(secs, 2), "cpu": round(cpu, 1), "stdout": out}


step.children_cpu = 0.0


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("/tmp/kgbench/corpus_10000/articles"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/kgscale"))
    ap.add_argument("--jobs", type=int, default=2, help="kg build --jobs and Spark local[N]")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    args = ap.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"{args.corpus}: no corpus (benchmarks/make_corpus.py 10000 /tmp/kgbench/corpus_10000)")
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    w, n = args.work, args.jobs
    print(f"corpus {args.corpus}, {n} cores, work {w}")

    build = step(
        f"kg build --jobs {n}",
        ["build", str(args.corpus), "--db", str(w / "files.db"), "--jobs", str(n), "--json"],
    )
    spark = step(
        f"kg extract --spark local[{n}]",
        ["extract", str(args.corpus), "--spark", f"local[{n}]", "-o", str(w / "shards"), "--json"],
    )
    articles = json.loads(spark["stdout"])["articles"]
    shards = sorted((w / "shards").glob("part-*"))
    fromx = step(
        "kg build --from-extractions",
        ["build", "--from-extractions", str(w / "shards"), "--db", str(w / "shards.db"), "--json"],
    )
    again = step(
        "kg build --from-extractions (again, unchanged)",
        ["build", "--from-extractions", str(w / "shards"), "--db", str(w / "shards.db"), "--json"],
    )
    step(
        "kg export json (files)", ["export", "json", "--db", str(w / "files.db"), "-o", str(w / "files.json")]
    )
    step(
        "kg export json (shards)",
        ["export", "json", "--db", str(w / "shards.db"), "-o", str(w / "shards.json")],
    )
    identical = filecmp.cmp(w / "files.json", w / "shards.json", shallow=False)
    csv = step(
        "kg export csv", ["export", "csv", "--db", str(w / "shards.db"), "-o", str(w / "csv"), "--json"]
    )
    counts = json.loads(csv["stdout"])
    summary = json.loads(fromx["stdout"])

    store_mb, shards_mb, csv_mb = size_mb(w / "shards.db"), size_mb(w / "shards"), size_mb(w / "csv")
    nodes = counts["articles"] + counts["entities"]
    rels = counts["mentions"] + counts["relations"]
    # records + the CSV payload once more for property records and 128-byte string blocks (rounding up)
    neo4j_mb = (nodes * NODE_B + rels * REL_B + (nodes + rels) * PROP_B) / 1e6 + 1.5 * csv_mb
    scale = TARGET / articles
    core_s_spark = spark["cpu"] / articles  # CPU seconds per article, the whole process tree
    core_s_build = build["cpu"] / articles
    fig = {
        "articles": articles,
        "cores": n,
        "build_jobs_s": build["seconds"],
        "build_jobs_art_s": round(articles / build["seconds"], 1),
        "build_jobs_cpu_s": build["cpu"],
        "spark_cpu_s": spark["cpu"],
        "from_extractions_cpu_s": fromx["cpu"],
        "spark_cpu_vs_build_cpu": round(spark["cpu"] / build["cpu"], 2),
        "spark_s": spark["seconds"],
        "spark_art_s": round(articles / spark["seconds"], 1),
        "spark_vs_build": round(build["seconds"] / spark["seconds"], 2),
        "spark_shards": len(shards),
        "from_extractions_s": fromx["seconds"],
        "from_extractions_lines_s": round(articles / fromx["seconds"], 1),
        "from_extractions_unchanged_s": again["seconds"],
        "export_identical": identical,
        "store_mb": round(store_mb, 1),
        "shards_mb": round(shards_mb, 1),
        "csv_mb": round(csv_mb, 1),
        "graph": {k: counts[k] for k in ("articles", "entities", "mentions", "relations")},
        "relations_derived": summary["relations"],
        "neo4j_mb_estimate": round(neo4j_mb, 1),
        "projection_10M": {
            "extraction_core_hours": round(core_s_spark * TARGET / 3600, 1),
            "extraction_hours_on_100_cores": round(core_s_spark * TARGET / 3600 / 100, 2),
            "kg_build_core_hours": round(core_s_build * TARGET / 3600, 1),
            "from_extractions_hours": round(fromx["cpu"] * scale / 3600, 1),
            "shards_gb": round(shards_mb * scale / 1e3, 1),
            "store_gb": round(store_mb * scale / 1e3, 1),
            "neo4j_gb": round(neo4j_mb * scale / 1e3, 1),
        },
    }
    p = fig["projection_10M"]
    print(
        f"\n{articles} articles on {n} cores\n"
        f"  kg build --jobs {n}:          {fig['build_jobs_s']:.1f} s  ({fig['build_jobs_art_s']} art/s), "
        f"CPU {build['cpu']:.0f} s\n"
        f"  Spark local[{n}] extract:     {fig['spark_s']:.1f} s  ({fig['spark_art_s']} art/s; "
        f"kg build / Spark = {fig['spark_vs_build']}), CPU {spark['cpu']:.0f} s "
        f"(Spark / kg build = {fig['spark_cpu_vs_build_cpu']})\n"
        f"  --from-extractions:         {fig['from_extractions_s']:.1f} s  ({fig['from_extractions_lines_s']} lines/s; "
        f"re-run unchanged {fig['from_extractions_unchanged_s']:.1f} s), CPU {fromx['cpu']:.0f} s\n"
        f"  export identical to kg build: {identical}\n"
        f"  store {store_mb:.0f} MB, shards {shards_mb:.0f} MB, neo4j-admin CSV {csv_mb:.0f} MB, "
        f"Neo4j estimate {neo4j_mb:.0f} MB; graph {fig['graph']}\n"
        f"10M articles (linear): extraction {p['extraction_core_hours']} core-hours "
        f"({p['extraction_hours_on_100_cores']} h on 100 cores), --from-extractions {p['from_extractions_hours']} "
        f"CPU hours (one writer), shards {p['shards_gb']} GB, store {p['store_gb']} GB, Neo4j ~{p['neo4j_gb']} GB"
    )
    if args.json:
        args.json.write_text(json.dumps(fig, indent=2) + "\n", encoding="utf-8")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
