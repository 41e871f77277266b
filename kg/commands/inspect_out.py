"""The human-readable output of `kg show` and `kg explain` (the commands live in store_cmds)."""

from __future__ import annotations

from collections.abc import Callable

Out = Callable[[str], None]


def _source(ev: dict) -> str:
    url = f" {ev['url']}" if ev.get("url") else ""
    return f"{ev['title'] or ev['article_id']} ({ev['date'] or 'undated'}){url}"


def print_show(d: dict, out: Out) -> None:
    als = f" (= {', '.join(d['aliases'])})" if d["aliases"] else ""
    out(f"{d['name']} [{d['type']}] {d['id']}{als}")
    if d.get("redirected_from"):
        out(f"  ({d['redirected_from']} was merged into this entity)")
    for p in d["branch_of"]:
        out(f"branch of {p['name']} ({p['rule']})")
    if d["branches"]:
        names = ", ".join(b["name"] for b in d["branches"])
        hint = "their facts are rolled up below" if d["rolled_up"] else "--with-branches rolls their facts up"
        out(f"branches ({len(d['branches'])}): {names} ({hint})")
    for rtype, facts in d["facts"].items():
        out(f"{rtype} ({len(facts)})")
        for f in facts:
            props = f"  [{f['display']}]" if f["display"] else ""
            through = f"  (through {f['through']})" if f.get("through") else ""
            out(f"  {f['source']} -> {f['target']}{props}{through}")
            for ev in f["evidence"]:
                out(f"    「{ev['sentence']}」 — {_source(ev)}")
    if not d["facts"]:
        out("  (no relations)")
    if d["syndicates"]:
        out(f"syndicated loans ({len(d['syndicates'])})")
        for s in d["syndicates"]:
            total = f" {s['total']}" if s["total"] else " (total not stated)"
            out(
                f"  {s['label']}: {', '.join(s['borrowers'])} borrowed{total} from {len(s['lenders'])} lenders"
            )
            for m in s["lenders"]:
                share = f", share {m['share']}" if m["share"] else ""
                out(f"    {m['lender']} ({m['role'] or 'role not stated'}{share})")
    if d["mentioned_only"]:
        out(f"also mentioned in {len(d['mentioned_only'])} article(s) that state no fact about it:")
        for a in d["mentioned_only"]:
            out(f"  {_source(a)}")


def print_explain(d: dict, out: Out) -> None:
    out(f"{d['name']} [{d['type']}] {d['id']} key={d['key']}")
    if d.get("redirected_from"):
        out(f"  ({d['redirected_from']} was merged into this entity)")
    out(f"cluster: {', '.join([d['name'], *d['aliases']])}")
    for m in d["merges"]:
        out(f"  {m['a']} = {m['b']}  by {m['rule']}" + (f" ({m['detail']})" if m["detail"] else ""))
    for m in d["refused"]:
        out(f"  kept apart: {m['a']} / {m['b']} ({m['detail']})")
    for p in d["branch_of"]:
        out(f"BRANCH_OF {p['name']} by {p['rule']}: {p['why']}")
    for b in d["branches"]:
        out(f"branch: {b['name']} ({b['id']}) by {b['rule']}")
    if d["earlier_ids"]:
        out(f"earlier ids (merged into this one): {', '.join(d['earlier_ids'])}")
    for s in d["sources"]:
        als = f" (aliases: {', '.join(s['aliases'])})" if s["aliases"] else ""
        out(f"  in {s['article_id']} {s['title']}: {s['name']}{als}")
