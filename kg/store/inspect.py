"""`kg show` and `kg explain`: one entity's facts, articles, branches and syndicates; why it is one node.

`show_entity(..., with_branches=True)` rolls a bank's branches up (BRANCH_OF at any depth): their facts are
listed with the bank's, each marked with the branch it went through. Articles are listed twice over: those
that state a fact (with the sentence) and those that merely mention the entity. Amounts read as
`74.6亿元 (7,460,000,000 CNY)`, a syndicate's total is marked as one and each syndicated loan is listed once
with its lenders and their roles.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from pathlib import Path

from kg.display import format_amount, properties_line, short_syndicate
from kg.ontology import RelationType
from kg.store.branches import explain_link
from kg.store.derive import REFUSED
from kg.store.query import find_entity, redirected_from
from kg.store.read import open_store

BRANCH_OF = RelationType.BRANCH_OF.value
FINANCING = RelationType.PROVIDED_FINANCING_TO.value
MAX_BRANCH_DEPTH = 16


def branches_of(conn: sqlite3.Connection, eid: str) -> list[dict]:
    """Every entity with a BRANCH_OF path to `eid` (any depth), nearest first."""
    rows = conn.execute(  # bounded depth: safe even if some BRANCH_OF ever formed a cycle
        "WITH RECURSIVE down(id, depth) AS (SELECT ?, 0 UNION "
        "SELECT r.source, d.depth + 1 FROM relations r JOIN down d ON r.target = d.id "
        f"WHERE r.type = ? AND d.depth < {MAX_BRANCH_DEPTH}) "
        "SELECT e.id, e.name, min(d.depth) FROM down d JOIN entities e ON e.id = d.id WHERE d.depth > 0 "
        "GROUP BY e.id ORDER BY min(d.depth), e.name, e.id",
        (eid, BRANCH_OF),
    )
    return [{"id": i, "name": n, "depth": d} for i, n, d in rows]


def _parents(conn: sqlite3.Connection, eid: str) -> list[dict]:
    return [
        {"id": i, "name": n, "rule": json.loads(p).get("rule")}
        for i, n, p in conn.execute(
            "SELECT e.id, e.name, r.properties FROM relations r JOIN entities e ON e.id = r.target "
            "WHERE r.type = ? AND r.source = ? ORDER BY e.name",
            (BRANCH_OF, eid),
        )
    ]


def _articles(conn: sqlite3.Connection, where: str, ids: list[str]) -> dict[str, dict]:
    marks = ",".join("?" * len(ids))
    return {
        a: {"article_id": a, "title": t, "date": d, "url": u}
        for a, t, d, u in conn.execute(
            f"SELECT id, title, date, url FROM articles WHERE {where}({marks})", ids
        )
    }


def show_entity(db_path: str | Path, name: str, *, with_branches: bool = False) -> dict:
    """An entity's facts grouped by relation type, each with its properties and evidence (sentence, article),
    its branches and parent bank, the syndicated loans it is part of, and the articles that mention it."""
    conn = open_store(db_path)
    try:
        eid, ename, etype = find_entity(conn, name)
        branches = branches_of(conn, eid)
        group = {eid: ename, **({b["id"]: b["name"] for b in branches} if with_branches else {})}
        ids = sorted(group)
        marks = ",".join("?" * len(ids))
        aliases = [
            r[0] for r in conn.execute("SELECT alias FROM aliases WHERE entity_id = ? ORDER BY alias", (eid,))
        ]
        facts: dict[str, list[dict]] = defaultdict(list)
        evidence_articles: set[str] = set()
        syndicates: set[str] = set()
        rows = conn.execute(
            "SELECT r.id, r.type, r.source, r.target, r.properties, s.name, t.name FROM relations r "
            "JOIN entities s ON s.id = r.source JOIN entities t ON t.id = r.target "
            f"WHERE r.source IN ({marks}) OR r.target IN ({marks}) ORDER BY r.type, r.id",
            ids + ids,
        ).fetchall()
        for rid, rtype, src, tgt, props, sname, tname in rows:
            if rtype == BRANCH_OF:
                continue  # listed as `branch_of` and `branches`
            properties = json.loads(props)
            evidence = [
                {"article_id": aid, "title": title, "date": date, "url": url, "sentence": sentence}
                for aid, title, date, url, sentence in conn.execute(
                    "SELECT e.article_id, a.title, a.date, a.url, e.sentence FROM evidence e JOIN articles a "
                    "ON a.id = e.article_id WHERE e.relation_id = ? ORDER BY a.date, e.article_id, e.start",
                    (rid,),
                )
            ]
            evidence_articles.update(ev["article_id"] for ev in evidence)
            end = src if src in group else tgt
            if rtype == FINANCING and properties.get("syndicate"):
                syndicates.add(properties["syndicate"])
            facts[rtype].append(
                {
                    "id": rid,
                    "source": sname,
                    "target": tname,
                    "direction": "out" if src in group else "in",
                    "through": group[end] if end != eid else None,
                    "properties": properties,
                    "display": properties_line(properties),
                    "evidence": evidence,
                }
            )
        mentioned = [
            r[0]
            for r in conn.execute(
                f"SELECT DISTINCT article_id FROM article_entities WHERE entity_id IN ({marks}) ORDER BY article_id",
                ids,
            )
        ]
        only = [a for a in mentioned if a not in evidence_articles]
        listed = _articles(conn, "id IN ", only) if only else {}
        return {
            "id": eid,
            "name": ename,
            "type": etype,
            "aliases": aliases,
            "redirected_from": redirected_from(conn, name, eid),
            "branch_of": _parents(conn, eid),
            "branches": branches,
            "rolled_up": with_branches,
            "facts": dict(facts),
            "syndicates": [syndicate(conn, s) for s in sorted(syndicates)],
            "articles": len(mentioned),
            "mentioned_only": sorted(listed.values(), key=lambda a: (a["date"] or "", a["article_id"])),
        }
    finally:
        conn.close()


def syndicate(conn: sqlite3.Connection, sid: str) -> dict:
    """One syndicated loan: borrower(s), the total (counted once), every lender with its role and share."""
    lenders, borrowers, totals = [], set(), []
    for lender, borrower, props in conn.execute(
        "SELECT s.name, t.name, r.properties FROM relations r JOIN entities s ON s.id = r.source "
        "JOIN entities t ON t.id = r.target WHERE r.type = ? AND json_extract(r.properties, '$.syndicate') = ? "
        "ORDER BY s.name",
        (FINANCING, sid),
    ):
        p = json.loads(props)
        borrowers.add(borrower)
        amount = p.get("amount")
        if amount is not None and p.get("amount_scope") == "syndicate":
            totals.append((amount, p.get("currency"), p.get("amount_text")))
        share = (
            format_amount(amount, p.get("currency"), p.get("amount_text"))
            if amount is not None and p.get("amount_scope") != "syndicate"
            else None
        )
        lenders.append({"lender": lender, "role": p.get("role"), "share": share})
    total = max(set(totals), key=totals.count) if totals else None
    return {
        "id": sid,
        "label": short_syndicate(sid),
        "borrowers": sorted(borrowers),
        "total": format_amount(total[0], total[1], total[2], "syndicate") if total else None,
        "lenders": lenders,
    }


def explain_entity(db_path: str | Path, name: str) -> dict:
    """Why an entity is what it is: its cluster of forms, the merge reasons, the joins refused, its branch
    links with their rules, the ids merged into it, and the names per article."""
    conn = open_store(db_path)
    try:
        eid, ename, etype = find_entity(conn, name)
        key = conn.execute("SELECT key FROM entities WHERE id = ?", (eid,)).fetchone()[0]
        aliases = [
            r[0] for r in conn.execute("SELECT alias FROM aliases WHERE entity_id = ? ORDER BY alias", (eid,))
        ]
        merges, refused = [], []
        for a, b, rule, detail in conn.execute(
            "SELECT form_a, form_b, rule, detail FROM merges WHERE entity_id = ? ORDER BY rule, form_a, form_b",
            (eid,),
        ):
            (refused if rule == REFUSED else merges).append({"rule": rule, "a": a, "b": b, "detail": detail})
        sources = [
            {"article_id": aid, "title": title, "name": n, "aliases": json.loads(als)}
            for aid, title, n, als in conn.execute(
                "SELECT ae.article_id, a.title, ae.name, ae.aliases FROM article_entities ae JOIN articles a "
                "ON a.id = ae.article_id WHERE ae.entity_id = ? ORDER BY ae.article_id, ae.name",
                (eid,),
            )
        ]
        parents = [{**p, "why": explain_link(ename, p["name"], p["rule"])} for p in _parents(conn, eid)]
        direct = conn.execute(
            "SELECT e.id, e.name, r.properties FROM relations r JOIN entities e ON e.id = r.source "
            "WHERE r.type = ? AND r.target = ? ORDER BY e.name",
            (BRANCH_OF, eid),
        ).fetchall()
        earlier = [
            r[0]
            for r in conn.execute("SELECT old_id FROM redirects WHERE new_id = ? ORDER BY old_id", (eid,))
        ]
        return {
            "id": eid,
            "name": ename,
            "type": etype,
            "key": key,
            "aliases": aliases,
            "redirected_from": redirected_from(conn, name, eid),
            "merges": merges,
            "refused": refused,
            "branch_of": parents,
            "branches": [{"id": i, "name": n, "rule": json.loads(p).get("rule")} for i, n, p in direct],
            "earlier_ids": earlier,
            "sources": sources,
        }
    finally:
        conn.close()
