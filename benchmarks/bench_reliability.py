"""Issue 10's figures, each beside the same run's baseline: export peak RSS, build throughput with the
per-article time budget, and the 12.8 MB single-sentence page in a batch. Written into RESULTS.md.

    .venv/bin/python benchmarks/bench_reliability.py --store10k S --store100k S --corpus10k DIR
        [--baseline CHECKOUT] [--baseline-cap-gb 6] [--repeat 2] [--skip exports,builds,monster]

- exports: `kg export json|graphml|csv` in a fresh process on built stores: wall seconds and peak RSS
  (os.wait4). With --baseline (a checkout of the code before streaming, e.g. `git worktree add`) the same
  commands run on that code (PYTHONPATH); baselines above --baseline-cap-gb are stopped there (RLIMIT_AS)
  and reported as "> cap" rather than taking the machine's memory. `identical` compares the bytes with the
  baseline's; for csv it is false against a baseline before issue 15 (the CSV now holds `kg load`'s model).
- builds: `kg build` of a generated corpus with --jobs 1 and 2, this code and the baseline interleaved,
  `--repeat` times each; wall seconds, articles/s and CPU seconds (parent and workers).
- monster: a batch of the shared dev corpus plus a 12.8 MB page of one repeated sentence, default budget.

Numbers, not verdicts; the machine is shared, so wall times carry noise (CPU seconds less so).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MARKER = "<!-- bench_reliability: everything below is written by benchmarks/bench_reliability.py -->"
SENTENCE = "中国平安与临港新片区管委会签署战略合作协议，"


def run_child(cmd: list[str], **kw) -> dict:
    """measure() in a helper process, so RUSAGE_CHILDREN holds exactly this command's usage."""
    code = (
        f"import json, sys; sys.path.insert(0, {str(HERE)!r}); from bench_reliability import _measure_here; "
        "print(json.dumps(_measure_here(json.loads(sys.argv[1]))))"
    )
    res = subprocess.run(
        [sys.executable, "-c", code, json.dumps({"cmd": cmd, **kw})],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(res.stdout)


def _measure_here(spec: dict) -> dict:
    env = dict(os.environ)
    if spec.get("pythonpath"):
        env["PYTHONPATH"] = spec["pythonpath"]
    cap = spec.get("cap_gb")

    def limit() -> None:
        if cap:
            resource.setrlimit(resource.RLIMIT_AS, (int(cap * 2**30), int(cap * 2**30)))

    # `python -m` puts the working directory first on sys.path: a baseline runs from its own checkout
    cwd = spec.get("pythonpath") or ROOT
    t0 = time.perf_counter()
    proc = subprocess.run(spec["cmd"], check=False, capture_output=True, cwd=cwd, env=env, preexec_fn=limit)
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": round(wall, 1),
        "cpu": round(usage.ru_utime + usage.ru_stime, 1),
        "rss_mb": round(usage.ru_maxrss / 1024),
        "code": proc.returncode,
        "stdout": proc.stdout.decode("utf-8", "replace")[-4000:],
        "stderr": proc.stderr.decode("utf-8", "replace")[-4000:],
    }


KG = [sys.executable, "-m", "kg.cli"]


def bench_exports(
    stores: dict[str, Path], baseline: str | None, cap_gb: float, work: Path, base_stores: dict[str, Path]
) -> list[dict]:
    """base_stores: the same stores in the baseline's schema version, where it differs from this code's."""
    rows = []
    for label, store in stores.items():
        for fmt in ("json", "graphml", "csv"):
            out = work / f"export_{label}.{fmt}"
            new = run_child(KG + ["export", fmt, "--db", str(store), "-o", str(out)])
            row = {"store": label, "format": fmt, "new": new}
            if baseline:
                base_out = work / f"export_{label}_base.{fmt}"
                row["base"] = run_child(
                    KG + ["export", fmt, "--db", str(base_stores.get(label) or store), "-o", str(base_out)],
                    pythonpath=baseline,
                    cap_gb=cap_gb,
                )
                row["base"]["capped"] = row["base"]["code"] != 0
                if not row["base"]["capped"]:
                    row["identical"] = _same(out, base_out)
                shutil.rmtree(base_out, ignore_errors=True) if base_out.is_dir() else base_out.unlink(
                    missing_ok=True
                )
            shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink(missing_ok=True)
            rows.append(row)
            print(
                json.dumps({k: v for k, v in row.items() if k in ("store", "format", "identical")}),
                flush=True,
            )
    return rows


def _same(a: Path, b: Path) -> bool:
    if a.is_dir():
        return all((a / n).read_bytes() == (b / n).read_bytes() for n in os.listdir(a))
    with open(a, "rb") as fa, open(b, "rb") as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def bench_builds(corpus: Path, baseline: str | None, repeat: int, work: Path) -> list[dict]:
    n = sum(1 for _ in corpus.rglob("*.md"))
    rows = []
    for _ in range(repeat):
        for jobs in (1, 2):
            for which, pp in (("new", None), ("base", baseline)):
                if which == "base" and not baseline:
                    continue
                db = work / f"build_{which}_{jobs}.db"
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                r = run_child(
                    KG + ["build", str(corpus), "--db", str(db), "--jobs", str(jobs), "--json"], pythonpath=pp
                )
                r["aps"] = round(n / r["seconds"], 1)
                rows.append(
                    {
                        "jobs": jobs,
                        "code": which,
                        "articles": n,
                        **{k: r[k] for k in ("seconds", "cpu", "rss_mb", "aps")},
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
    return rows


def bench_monster(dev: Path, work: Path) -> dict:
    src = work / "monster"
    shutil.rmtree(src, ignore_errors=True)
    shutil.copytree(dev / "articles", src)
    reps = int(12.8 * 2**20 / len(SENTENCE.encode("utf-8"))) + 1
    (src / "050_monster.md").write_text(
        f"---\ntitle: 重复\ndate: 2023-04-12\n---\n{SENTENCE * reps}\n", encoding="utf-8"
    )
    db = work / "monster.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    r = run_child(KG + ["build", str(src), "--db", str(db), "--max-mb", "20", "--json"])
    summary = json.loads(r["stdout"]) if r["stdout"].strip().startswith("{") else {}
    return {
        "seconds": r["seconds"],
        "files": summary.get("files"),
        "stored": summary.get("new"),
        "stderr": r["stderr"].strip().splitlines(),
    }


def render(results: dict) -> str:
    lines = [MARKER, "", "## Reliability (issue 10)", ""]
    lines.append(f"Machine: {results['machine']}. Date: {results['date']}. Command: `{results['command']}`.")
    if results.get("exports"):
        lines += [
            "",
            "**Exports stream from the store.** `kg export FORMAT` in a fresh process; peak RSS of that process.",
            "",
            "| store | format | before: peak RSS MB, s | now: peak RSS MB, s | output identical |",
            "|---|---|---|---|---|",
        ]
        for row in results["exports"]:
            new = row["new"]
            base = row.get("base")
            if base is None:
                before = row.get("before_note", "-")
            elif base.get("capped"):
                before = f"> {results['cap_gb']:g} GB (stopped at the cap, {base['seconds']} s)"
            else:
                before = f"{base['rss_mb']:,}, {base['seconds']}"
            same = {True: "yes (byte for byte)", False: "NO", None: "-"}[row.get("identical")]
            lines.append(
                f"| {row['store']} | {row['format']} | {before} | {new['rss_mb']:,}, {new['seconds']} | {same} |"
            )
    if results.get("builds"):
        lines += [
            "",
            (
                "**Build throughput with the time budget** (reading and extraction in worker processes at any "
                "--jobs, default --article-timeout 60). Each line one fresh `kg build`, before and now "
                "interleaved; CPU = parent and workers."
            ),
            "",
            "| jobs | code | articles | wall s | articles/s | CPU s | peak RSS MB (largest process) |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in results["builds"]:
            lines.append(
                f"| {r['jobs']} | {'before' if r['code'] == 'base' else 'now'} | {r['articles']:,} | {r['seconds']} "
                f"| {r['aps']} | {r['cpu']} | {r['rss_mb']} |"
            )
    if results.get("monster"):
        m = results["monster"]
        lines += [
            "",
            (
                f"**The 12.8 MB single-sentence page** in a batch with the dev corpus (`kg build --max-mb 20`, "
                f"default budget): finished in {m['seconds']} s, {m['stored']} of {m['files']} files stored; stderr:"
            ),
            "",
            "```",
            *m["stderr"],
            "```",
        ]
    lines.append("")
    return "\n".join(lines)


def write_section(text: str, out: Path) -> None:
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    head = old.split(MARKER)[0].rstrip("\n")
    out.write_text(head + "\n\n" + text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store10k", type=Path)
    ap.add_argument("--store100k", type=Path)
    ap.add_argument(
        "--baseline-store10k", type=Path, help="the 10k store for the baseline, if its schema differs"
    )
    ap.add_argument("--baseline-store100k", type=Path)
    ap.add_argument("--corpus10k", type=Path, help="generated articles (make_corpus.py .../articles)")
    ap.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "corpus" / "dev")
    ap.add_argument("--baseline", help="checkout of the code before this work, run via PYTHONPATH")
    ap.add_argument("--baseline-cap-gb", type=float, default=6.0)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--skip", default="")
    ap.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "kg-bench-reliability")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--json", type=Path, help="also keep the raw figures here")
    ap.add_argument(
        "--merge", type=Path, nargs="*", default=[], help="raw figures of earlier runs to include"
    )
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    skip = set(args.skip.split(","))
    sys.path.insert(0, str(HERE))
    from run import machine

    if args.baseline:  # the baseline must really import the baseline's kg, not this checkout's
        where = subprocess.run(
            [sys.executable, "-c", "import kg; print(kg.__file__)"],
            cwd=args.baseline,
            env={**os.environ, "PYTHONPATH": args.baseline},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not Path(where).resolve().is_relative_to(Path(args.baseline).resolve()):
            raise SystemExit(f"--baseline {args.baseline}: imports kg from {where}")
    results: dict = {
        "machine": machine(),
        "date": time.strftime("%Y-%m-%d"),
        "command": "benchmarks/bench_reliability.py " + " ".join(sys.argv[1:]),
        "cap_gb": args.baseline_cap_gb,
    }
    if "exports" not in skip:
        stores = {k: v for k, v in (("10k", args.store10k), ("100k", args.store100k)) if v}
        base_stores = {
            k: v for k, v in (("10k", args.baseline_store10k), ("100k", args.baseline_store100k)) if v
        }
        results["exports"] = bench_exports(
            stores, args.baseline, args.baseline_cap_gb, args.work, base_stores
        )
    if "builds" not in skip and args.corpus10k:
        results["builds"] = bench_builds(args.corpus10k, args.baseline, args.repeat, args.work)
    if "monster" not in skip:
        results["monster"] = bench_monster(args.dev, args.work)
    for earlier in args.merge:  # sections measured in separate (long) runs
        for key, value in json.loads(earlier.read_text(encoding="utf-8")).items():
            if key in ("exports", "builds", "monster") and key not in results:
                results[key] = value
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    text = render(results)
    write_section(text, args.out)
    print(text)


if __name__ == "__main__":
    main()
