"""Snapshot the extractor's output on every gold set and diff it against an earlier snapshot.

python scripts/snapshot.py save out/snap.json      # entities and relations of every article
python scripts/snapshot.py diff out/snap.json      # what changed since (+ new, - gone), per article
python scripts/snapshot.py diff out/snap.json --sets A,dev   # only some sets (keep the other half unread)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from score_real import _paths, sets

from kg.extract import extract_article
from kg.ingest import read_article

DEFAULT_SETS = "A,dev,examples,heldout,blind,blind2"


def take(names: list[str]) -> dict[str, dict[str, list[str]]]:
    all_sets = sets()
    out = {}
    for name in names:
        for m in all_sets[name]:
            art = read_article(_paths(m)[1])
            ex = extract_article(art)
            by = {e.id: e.name for e in ex.entities}
            out[m] = {
                "entities": sorted(f"{e.name} [{e.type.value}]" for e in ex.entities),
                "relations": sorted(
                    f"{by[r.source]} -{r.type.value}-> {by[r.target]}"
                    for r in ex.relations
                    if r.type.value != "ATTENDED"
                ),
            }
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["save", "diff"])
    ap.add_argument("file")
    ap.add_argument("--sets", default=DEFAULT_SETS)
    args = ap.parse_args()
    now = take(args.sets.split(","))
    if args.cmd == "save":
        Path(args.file).parent.mkdir(parents=True, exist_ok=True)
        Path(args.file).write_text(json.dumps(now, ensure_ascii=False, indent=0), encoding="utf-8")
        return
    old = json.loads(Path(args.file).read_text(encoding="utf-8"))
    for m, cur in now.items():
        before = old.get(m, {"entities": [], "relations": []})
        lines = []
        for key in ("entities", "relations"):
            a, b = set(before[key]), set(cur[key])
            lines += [f"  - {x}" for x in sorted(a - b)] + [f"  + {x}" for x in sorted(b - a)]
        if lines:
            print(m.rsplit("/", 1)[-1])
            print("\n".join(lines))


if __name__ == "__main__":
    main()
