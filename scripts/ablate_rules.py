"""Where a relation rule pays: drop it from the extractor's rules, re-score every gold set, and print the
relation TP and FP it adds per set (sets unchanged are left out).

    .venv/bin/python scripts/ablate_rules.py rule_stake_sale rule_branch_opened …
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import score_real as sr

from kg.extract import relations

SETS = ("dev", "dev-wide", "examples", "heldout", "blind", "blind2")


def relation_counts(members: dict[str, list[str]]) -> dict[str, tuple[int, int]]:
    out = {}
    for name in SETS:
        rep = sr.score(members[name])
        out[name] = (rep.relations.tp, rep.relations.fp)
    return out


def main() -> None:
    names = sys.argv[1:]
    known = {r.__name__ for r in relations.RULES}
    unknown = [n for n in names if n not in known]
    if not names or unknown:
        sys.exit(
            f"name one or more rules of kg.extract.relations.RULES (unknown: {', '.join(unknown) or '-'})"
        )
    members = sr.sets()
    base = relation_counts(members)
    rules = relations.RULES
    for name in names:
        relations.RULES = tuple(r for r in rules if r.__name__ != name)
        try:
            without = relation_counts(members)
        finally:
            relations.RULES = rules
        gains = {
            s: (base[s][0] - without[s][0], base[s][1] - without[s][1]) for s in SETS if base[s] != without[s]
        }
        print(f"{name:30} (TP gained, FP added): {gains or 'no change on any gold set'}")


if __name__ == "__main__":
    main()
