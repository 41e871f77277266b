"""Score the extractor on the real articles of ../shared/corpus by the fixed halves of tests/data/real_halves.json.

    python scripts/score_real.py                 # A, B, dev, dev-wide: entity / relation P R F1
    python scripts/score_real.py --types         # also per-type relation F1
    python scripts/score_real.py --details A     # false positives / negatives of one set only

The protocol: develop on one half and never print details of the other; its score is the first-contact figure.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from kg.evaluate import evaluate
from kg.extract import extract_article
from kg.ingest import read_article

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def sets() -> dict[str, list[str]]:
    halves = json.loads((ROOT / "tests" / "data" / "real_halves.json").read_text(encoding="utf-8"))
    out = {"A": halves["A"], "B": halves["B"]}
    for name in ("dev", "dev-wide"):
        out[name] = sorted(f"{name}/{p.stem}" for p in (CORPUS / name / "articles").glob("*.md"))
    out["all"] = out["dev"] + out["dev-wide"]
    for name, base in (
        ("examples", ROOT / "examples"),
        *((n, ROOT / "tests" / "data" / n) for n in SYNTHETIC),
    ):
        out[name] = sorted(f"{base}/{p.stem}" for p in (base / "gold").glob("*.json"))
    return out


SYNTHETIC = ("heldout", "blind", "blind2")


def _paths(member: str) -> tuple[Path, Path]:
    """(gold file, article file) of a set member: `dev/NAME` in the shared corpus or `/abs/base/NAME`."""
    sub, stem = member.rsplit("/", 1)
    base = Path(sub) if sub.startswith("/") else CORPUS / sub
    arts = [p for p in (base / "articles").glob(f"{stem}.*")]
    return base / "gold" / f"{stem}.json", arts[0]


def score(members: list[str]):
    with tempfile.TemporaryDirectory() as tmp:
        items = []
        for m in members:
            gold, path = _paths(m)
            shutil.copy(gold, Path(tmp) / gold.name)
            art = read_article(path)
            items.append((extract_article(art), art.text))
        return evaluate(tmp, items)


def print_by_type(by_set: dict[str, dict]) -> None:
    """One line per type: F1 (gold count) in each set's column."""
    for t in sorted({t for per_type in by_set.values() for t in per_type}):
        cells = [
            f"{s.f1:.2f} ({s.tp + s.fn})" if (s := per_type.get(t)) else "-" for per_type in by_set.values()
        ]
        print(f"  {t:26}" + "".join(f"{c:>10}" for c in cells))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--details", choices=["A", "B", "dev", "dev-wide", "all", "examples", *SYNTHETIC])
    ap.add_argument("--types", action="store_true")
    ap.add_argument("--sets", default="A,B,dev,dev-wide")
    args = ap.parse_args()
    all_sets = sets()
    if args.details:
        rep = score(all_sets[args.details])
        for a in rep.per_article:
            print(f"\n== {Path(a.path).name}  ent F1 {a.entities.f1:.2f}  rel F1 {a.relations.f1:.2f}")
            for label, items in (
                ("ent FP", a.entity_false_positives),
                ("ent FN", a.entity_false_negatives),
                ("rel FP", a.relation_false_positives),
                ("rel FN", a.relation_false_negatives),
            ):
                for it in items:
                    print(f"  {label}: {it}")
        return
    print(
        f"{'set':10} {'n':>3}  {'ent P':>6} {'ent R':>6} {'ent F1':>6}  {'rel P':>6} {'rel R':>6} {'rel F1':>6}  ev"
    )
    reports = {}
    for name in args.sets.split(","):
        rep = reports[name] = score(all_sets[name])
        e, r = rep.entities, rep.relations
        print(
            f"{name:10} {rep.articles:>3}  {e.precision:6.3f} {e.recall:6.3f} {e.f1:6.3f}  "
            f"{r.precision:6.3f} {r.recall:6.3f} {r.f1:6.3f}  {rep.evidence.exact}/{rep.evidence.total}"
        )
    if args.types:
        names = list(reports)
        print("\nrelation F1 by type".ljust(28) + "".join(f"{n:>10}" for n in names))
        print_by_type({n: r.relations_by_type for n, r in reports.items()})
        print("entity F1 by type".ljust(28))
        print_by_type({n: r.entities_by_type for n, r in reports.items()})
    sys.stdout.flush()


if __name__ == "__main__":
    main()
