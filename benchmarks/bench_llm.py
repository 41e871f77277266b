"""LLM extraction throughput against a slow OpenAI-compatible server: articles/s at --concurrency 1, 4, 16.

The server is the test suite's stub (tests/llm_stub.py, 127.0.0.1) answering every request after
`--delay` seconds (default 2, a plausible time for a 7B model on a GPU to answer one short article). Each
run is `kg extract --extractor llm` as a library call (fetch phase + worker phase) on `--articles`
generated short articles, with a fresh answer cache; then the same run again (all answers cached).
Numbers, not verdicts: the ideal is concurrency / delay articles/s.

    .venv/bin/python benchmarks/bench_llm.py [--articles 32] [--delay 2] [--levels 1,4,16]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from llm_stub import StubServer, answer, answer_from_gold

from kg.ingest.pipeline import BatchExtractor, extract_to_jsonl
from kg.llm.config import LlmConfig
from kg.llm.run import llm_session

SOURCE = ROOT / "examples" / "articles" / "yunfan_lingang_subsidiary.md"
GOLD = ROOT / "examples" / "gold" / "yunfan_lingang_subsidiary.json"


def write_articles(directory: Path, n: int) -> list[str]:
    """n distinct articles (the example with a numbered lead paragraph); returns their texts' leads."""
    text = SOURCE.read_text(encoding="utf-8")
    leads = []
    for i in range(n):
        lead = f"<p>第{i}号快讯：本报记者综合报道。</p>"
        (directory / f"a{i:03d}.md").write_text(text.replace("<p>", lead + "<p>", 1), encoding="utf-8")
        leads.append(f"第{i}号快讯：本报记者综合报道。")
    return leads


def run_once(articles: Path, out: Path, config: LlmConfig, concurrency: int) -> tuple[float, dict]:
    started = time.perf_counter()
    with llm_session("llm", [articles], config, concurrency=concurrency) as session:
        summary = extract_to_jsonl([articles], out, extractor=BatchExtractor(session.function))
    seconds = time.perf_counter() - started
    assert not summary.failed, summary.failed
    return seconds, session.stats.to_dict()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=32)
    ap.add_argument("--delay", type=float, default=2.0)
    ap.add_argument("--levels", default="1,4,16")
    ap.add_argument("--json", type=Path, help="Also write the figures as JSON here.")
    args = ap.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp, StubServer(delay=args.delay) as stub:
        tmp_path = Path(tmp)
        (tmp_path / "articles").mkdir()
        leads = write_articles(tmp_path / "articles", args.articles)
        gold = answer(answer_from_gold(json.loads(GOLD.read_text(encoding="utf-8"))))
        for lead in leads:
            stub.add(lead, gold)  # the stub matches windows inside the registered text: the lead is in each
        for level in levels:
            config = LlmConfig(
                base_url=stub.base_url, model="stub", cache_dir=str(tmp_path / f"cache{level}"), timeout=30.0
            )
            cold, stats = run_once(tmp_path / "articles", tmp_path / f"out{level}.jsonl", config, level)
            warm, warm_stats = run_once(tmp_path / "articles", tmp_path / f"out{level}.jsonl", config, level)
            rows.append(
                {
                    "concurrency": level,
                    "articles": args.articles,
                    "seconds": round(cold, 2),
                    "articles_per_s": round(args.articles / cold, 2),
                    "requests": stats["requests"],
                    "cached_seconds": round(warm, 2),
                    "cached_requests": warm_stats["requests"],
                }
            )
            print(json.dumps(rows[-1]), flush=True)
    base = rows[0]["articles_per_s"]
    print(f"\nstub answering in {args.delay:g} s per request, {args.articles} articles (one window each)")
    print(
        "| concurrency | wall s | articles/s | x concurrency 1 | ideal articles/s | re-run (cached) s, requests |"
    )
    print("|---|---|---|---|---|---|")
    for r in rows:
        ideal = r["concurrency"] / args.delay
        print(
            f"| {r['concurrency']} | {r['seconds']} | {r['articles_per_s']} | {r['articles_per_s'] / base:.2f} | "
            f"{ideal:g} | {r['cached_seconds']}, {r['cached_requests']} |"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
