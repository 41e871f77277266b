"""Deriving the graph (entities, aliases, merges, relations, evidence) from all per-article facts.

Run at the end of every build (and after `forget`), in one transaction. It depends only on the *set* of
stored facts and the alias configuration, so the graph is identical whatever the order or the number of
workers that produced the facts.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator

from kg.ontology import SYMMETRIC, EntityType, RelationType
from kg.resolve import AliasConfig, AliasEntry, Cluster, EntityRecord, NotSame, normalize_form
from kg.resolve.locality import resolve_with_tokens
from kg.store.branches import branch_links
from kg.store.identity import update_redirects
from kg.store.incremental import (
    ensure_index_tables,
    index_ready,
    invalidate_index,
    mark_index,
    resolve_change,
    write_tokens,
)
from kg.store.schema import get_meta, set_meta
from kg.store.syndicates import touched_syndicates, unify_syndicates
from kg.store.write import transaction

REFUSED = "refused"  # a join a guard refused (kept in `merges` so `kg explain` can say why names stay apart)

# A relation seen in several articles is one relation; for money flows the amount tells deals apart, and
# for signed agreements the year does (a 2020 framework agreement and its 2023 follow-up are two signings).
DISTINGUISHING: dict[RelationType, tuple[str, ...]] = {
    RelationType.PROVIDED_FINANCING_TO: ("amount", "currency"),
    RelationType.CROSS_BORDER_FINANCING: ("amount", "currency"),
    RelationType.INVESTED_IN: ("amount", "currency"),
    RelationType.ACQUIRED: ("amount", "currency"),
    RelationType.SIGNED_AGREEMENT_WITH: ("year",),
}


def _distinguishing_value(props: dict, key: str) -> str:
    if key == "year":  # derived, not stored: the year of the relation's date, when the text gives one
        return str(props.get("date") or "")[:4]
    return str(props.get(key, ""))


def relation_id(rtype: RelationType, source: str, target: str, props: dict) -> str:
    extra = "|".join(_distinguishing_value(props, k) for k in DISTINGUISHING.get(rtype, ()))
    digest = hashlib.sha1(f"{rtype.value}|{source}|{target}|{extra}".encode()).hexdigest()[:16]
    return f"rel_{digest}"


def store_alias_config(conn: sqlite3.Connection, config: AliasConfig) -> bool:
    """Remember the alias configuration in the store; True (and dirty) if it changed."""
    data = {
        "entities": [
            {"name": e.name, "type": e.type.value, "aliases": list(e.aliases)} for e in config.entries
        ],
        "not_same": [{"a": n.a, "b": n.b, "type": n.type.value if n.type else None} for n in config.not_same],
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    if get_meta(conn, "aliases", json.dumps({"entities": [], "not_same": []}, sort_keys=True)) == text:
        return False
    with transaction(conn):
        set_meta(conn, "aliases", text)
        set_meta(conn, "dirty", "1")
        invalidate_index(conn)
    return True


def load_alias_config(conn: sqlite3.Connection) -> AliasConfig:
    text = get_meta(conn, "aliases")
    if not text:
        return AliasConfig()
    data = json.loads(text)
    return AliasConfig(
        tuple(AliasEntry(e["name"], EntityType(e["type"]), tuple(e["aliases"])) for e in data["entities"]),
        tuple(
            NotSame(n["a"], n["b"], EntityType(n["type"]) if n["type"] else None) for n in data["not_same"]
        ),
    )


class _Records:
    """Every extracted entity as an EntityRecord, re-read from SQL on each iteration (resolution makes up to
    three passes; nothing per article is held). A person carries the organisations its article makes it an
    executive of (resolution joins namesakes only through a shared organisation)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __iter__(self) -> Iterator[EntityRecord]:
        orgs = self._person_orgs()
        for etype, name, aliases, aid, lid in self.conn.execute(
            "SELECT type, name, aliases, article_id, local_id FROM article_entities"
        ):
            als = () if aliases == "[]" else tuple(json.loads(aliases))
            yield EntityRecord(etype, name, als, aid, orgs.get((aid, lid), ()) if etype == "Person" else ())

    def _person_orgs(self) -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
        out: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for aid, lid, ttype, tname in self.conn.execute(
            "SELECT r.article_id, r.source_local, t.type, t.name FROM article_relations r "
            "JOIN article_entities t ON t.article_id = r.article_id AND t.local_id = r.target_local "
            "WHERE r.type = 'EXECUTIVE_OF'"
        ):
            out.setdefault((aid, lid), []).append((ttype, tname))
        return {k: tuple(v) for k, v in out.items()}


def _merge_properties(values: list[tuple[dict, int]]) -> dict:
    """Per key: the most frequent value across evidence; ties: the longest, then the smallest text.
    `values`: each distinct properties object with the number of evidence rows that carry it."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for v, n in values:
        for k, x in v.items():
            counts[k][json.dumps(x, ensure_ascii=False)] += n
    out = {}
    for k in sorted(counts):
        if k == "extractor":  # rules in one article (unmarked there), the LLM in another: both
            found = {v.get(k, "rules") for v, _ in values}
            out[k] = found.pop() if len(found) == 1 else "both"
            continue
        best = min(counts[k].items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]
        out[k] = json.loads(best)
    return out


def _merged_json(group: list[tuple[str, int]]) -> str:
    if len(group) == 1:  # evidence properties are stored in the same canonical JSON (sorted keys)
        return group[0][0]
    merged = _merge_properties([(json.loads(g), n) for g, n in group])
    return json.dumps(merged, ensure_ascii=False, sort_keys=True)


def derive_graph(conn: sqlite3.Connection, batch: int = 5000, *, full: bool = False) -> dict[str, int]:
    """Bring the graph up to date with the facts; returns counts (entities, relations, evidence) and
    `full` (1 if every name was resolved).

    Resolution is incremental (kg.store.incremental): only the names the changed articles touch, and what
    they could merge with, are re-resolved; `full=True`, a changed alias file or a store without the token
    index resolves all names (the same result: tested). Relations are re-derived only for *affected*
    articles: new or changed ones, and those whose entities changed id. Evidence triggers mark the relations
    whose evidence changed (`touched`); their properties are recomputed and empty ones removed.
    """
    config = load_alias_config(conn)
    incremental = not full and index_ready(conn)
    resolution = tokens = None
    if not incremental:  # outside the transaction, as before: a full resolution takes a while
        resolution, tokens, _ = resolve_with_tokens(_Records(conn), config)
    with transaction(conn):
        ensure_index_tables(conn)
        part = resolve_change(conn, config) if incremental else None
        if part is not None and _clashes(conn, part):  # pragma: no cover - the locality argument forbids it
            part = None
            resolution, tokens, _ = resolve_with_tokens(_Records(conn), config)
        if part is None:
            _write_entities(conn, resolution.clusters, tokens, None)
            moves = _update_article_entities(conn, resolution, batch)
            dead = {r[0] for r in conn.execute("SELECT id FROM entities")} - {
                c.id for c in resolution.clusters
            }
        else:
            banks_before = _bank_rows(conn, part.old_ids)
            _write_entities(conn, part.resolution.clusters, part.tokens, part.old_ids)
            moves = _update_rows(conn, part)
            dead = part.old_ids - {c.id for c in part.resolution.clusters}
        live = {r[0] for r in conn.execute("SELECT id FROM entities")} - dead
        update_redirects(conn, moves, live)
        _rederive_relations(conn, batch)
        touched = touched_syndicates(conn) if part is not None else None
        _refresh_touched(conn)
        unify_syndicates(conn, touched)
        if part is None or banks_before != _bank_rows(conn, {c.id for c in part.resolution.clusters}):
            _derive_branches(conn, dead)  # BRANCH_OF depends on the Bank entities only
        _delete_entities(conn, dead)
        conn.execute("UPDATE articles SET derived = 1 WHERE derived = 0")
        mark_index(conn)
        set_meta(conn, "dirty", "0")
    one = lambda sql: conn.execute(sql).fetchone()[0]
    return {
        "entities": one("SELECT count(*) FROM entities"),
        "relations": one("SELECT count(*) FROM relations"),
        "evidence": one("SELECT count(*) FROM evidence"),
        "full": int(part is None),
    }


def _temp_ids(conn: sqlite3.Connection, name: str, ids: set[str]) -> str:
    conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    conn.execute(f"CREATE TEMP TABLE {name}(id TEXT PRIMARY KEY)")
    conn.executemany(f"INSERT INTO temp.{name} VALUES (?)", [(i,) for i in sorted(ids)])
    return f"temp.{name}"


def _clashes(conn: sqlite3.Connection, part) -> bool:
    """Would a re-resolved entity take the id of an entity outside the scope? (Never, if the scope is right.)"""
    table = _temp_ids(conn, "kg_new_ids", {c.id for c in part.resolution.clusters} - part.old_ids)
    found = conn.execute(f"SELECT 1 FROM entities WHERE id IN (SELECT id FROM {table}) LIMIT 1").fetchone()
    conn.execute(f"DROP TABLE {table}")
    return found is not None


def _write_entities(conn: sqlite3.Connection, clusters, tokens, old_ids: set[str] | None) -> None:
    """Entities, aliases, merges and tokens of the clusters; `old_ids` (None: all) are the ones replaced."""
    if old_ids is None:
        for table in ("aliases", "merges", "entity_tokens"):
            conn.execute(f"DELETE FROM {table}")
    else:
        ids = _temp_ids(conn, "kg_replaced", old_ids | {c.id for c in clusters})
        for table in ("aliases", "merges", "entity_tokens"):
            conn.execute(f"DELETE FROM {table} WHERE entity_id IN (SELECT id FROM {ids})")
        conn.execute(f"DROP TABLE {ids}")
    conn.executemany(
        "INSERT INTO entities(id, type, name, key) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
        "type = excluded.type, name = excluded.name, key = excluded.key",
        [(c.id, c.type.value, c.name, c.key) for c in clusters],
    )
    conn.executemany(
        "INSERT INTO aliases(entity_id, alias, norm) VALUES (?, ?, ?)",
        [(c.id, a, normalize_form(a)) for c in clusters for a in c.aliases],
    )
    conn.executemany(
        "INSERT INTO merges(entity_id, form_a, form_b, rule, detail) VALUES (?, ?, ?, ?, ?)",
        [(c.id, m.form_a, m.form_b, m.rule, m.detail) for c in clusters for m in c.merges]
        + [(c.id, m.form_a, m.form_b, REFUSED, f"{m.rule}, {m.detail}") for c in clusters for m in c.refused],
    )
    write_tokens(conn, tokens)


def _bank_rows(conn: sqlite3.Connection, ids: set[str]) -> list[tuple]:
    """The Bank entities among `ids` with their aliases (what BRANCH_OF is computed from)."""
    table = _temp_ids(conn, "kg_banks", ids)
    rows = conn.execute(
        f"SELECT e.id, e.name, e.key, a.alias FROM entities e LEFT JOIN aliases a ON a.entity_id = e.id "
        f"WHERE e.type = 'Bank' AND e.id IN (SELECT id FROM {table}) ORDER BY 1, 4"
    ).fetchall()
    conn.execute(f"DROP TABLE {table}")
    return rows


def _delete_entities(conn: sqlite3.Connection, dead: set[str]) -> None:
    if dead:
        table = _temp_ids(conn, "kg_dead", dead)
        conn.execute(f"DELETE FROM entities WHERE id IN (SELECT id FROM {table})")
        conn.execute(f"DROP TABLE {table}")


def _update_rows(conn: sqlite3.Connection, part) -> dict[str, Counter]:
    """`_update_article_entities` for the rows of the re-resolved scope only."""
    changed: list[tuple[str, int]] = []
    articles: set[str] = set()
    moves: dict[str, Counter] = defaultdict(Counter)
    for rowids, etype, name, aids, old in part.rows:
        new = part.resolution.entity_id(etype, name, aids[0])  # a group is one unscoped name: one id
        if new != old:
            changed += [(new, rowid) for rowid in rowids]
            articles.update(aids)
            if old is not None:
                moves[old][new] += len(rowids)
    conn.executemany("UPDATE article_entities SET entity_id = ? WHERE rowid = ?", changed)
    conn.executemany("UPDATE articles SET derived = 0 WHERE id = ?", [(a,) for a in sorted(articles)])
    return moves


def _update_article_entities(conn: sqlite3.Connection, resolution, batch: int) -> dict[str, Counter]:
    """Store each extracted entity's canonical id; articles whose ids changed become pending again.
    Returns, per previous id that changed, how many extracted entities moved to which new id."""
    cur = conn.execute("SELECT rowid, type, name, article_id, entity_id FROM article_entities")
    changed: list[tuple[str, int]] = []
    articles: set[str] = set()
    moves: dict[str, Counter] = defaultdict(Counter)
    while chunk := cur.fetchmany(batch):
        for rowid, etype, name, aid, old in chunk:
            new = resolution.entity_id(etype, name, aid)
            if new != old:
                changed.append((new, rowid))
                articles.add(aid)
                if old is not None:
                    moves[old][new] += 1
    conn.executemany("UPDATE article_entities SET entity_id = ? WHERE rowid = ?", changed)
    conn.executemany("UPDATE articles SET derived = 0 WHERE id = ?", [(a,) for a in sorted(articles)])
    return moves


def _syndicate_members(conn: sqlite3.Connection) -> dict[str, dict[str, set[str]]]:
    """Per pending article, the syndicate labels of each lender (local id) of a syndicated loan."""
    out: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for aid, local, label in conn.execute(
        "SELECT r.article_id, r.source_local, json_extract(r.properties, '$.syndicate') FROM article_relations r "
        "JOIN articles a ON a.id = r.article_id WHERE a.derived = 0 AND r.type = 'PROVIDED_FINANCING_TO' "
        "AND json_extract(r.properties, '$.syndicate') IS NOT NULL"
    ):
        out[aid][local].add(str(label))
    return out


def _stage_properties(props: str, aid: str) -> str:
    """An article-local syndicate label becomes a store-wide id: `<article id>/<label>`."""
    data = json.loads(props)
    if "syndicate" not in data:
        return props
    data["syndicate"] = f"{aid}/{data['syndicate']}"
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _rederive_relations(conn: sqlite3.Connection, batch: int) -> None:
    """Replace the evidence of pending articles with evidence derived from their facts."""
    conn.execute("DELETE FROM evidence WHERE article_id IN (SELECT id FROM articles WHERE derived = 0)")
    conn.execute("DROP TABLE IF EXISTS temp.rel_stage")
    conn.execute(
        "CREATE TEMP TABLE rel_stage(rid TEXT, type TEXT, source TEXT, target TEXT, properties TEXT, "
        'article_id TEXT, sentence TEXT, start INTEGER, "end" INTEGER)'
    )
    members = _syndicate_members(conn)
    cur = conn.execute(
        'SELECT r.type, s.entity_id, t.entity_id, r.properties, r.article_id, r.sentence, r.start, r."end", '
        "r.source_local, r.target_local "
        "FROM articles a JOIN article_relations r ON r.article_id = a.id "
        "JOIN article_entities s ON s.article_id = r.article_id AND s.local_id = r.source_local "
        "JOIN article_entities t ON t.article_id = r.article_id AND t.local_id = r.target_local "
        "WHERE a.derived = 0"
    )
    while chunk := cur.fetchmany(batch):
        staged = []
        for rtype, src, tgt, props, aid, sentence, start, end, sl, tl in chunk:
            if src == tgt:  # both ends resolved to one entity: not a fact about two entities
                continue
            syndicates = members.get(aid, {})
            if rtype == "SIGNED_AGREEMENT_WITH" and syndicates.get(sl, set()) & syndicates.get(tl, set()):
                continue  # lenders of one syndicate sign with the borrower, not with each other
            props = _stage_properties(props, aid)
            rt = RelationType(rtype)
            if rt in SYMMETRIC and tgt < src:
                src, tgt = tgt, src
            rid = relation_id(rt, src, tgt, json.loads(props) if rt in DISTINGUISHING else {})
            staged.append((rid, rtype, src, tgt, props, aid, sentence, start, end))
        conn.executemany("INSERT INTO temp.rel_stage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", staged)
    conn.execute(
        "INSERT OR IGNORE INTO relations(id, type, source, target, properties) "
        "SELECT DISTINCT rid, type, source, target, '{}' FROM temp.rel_stage"
    )
    conn.execute(
        'INSERT OR IGNORE INTO evidence(relation_id, article_id, sentence, start, "end", properties) '
        'SELECT rid, article_id, sentence, start, "end", properties FROM temp.rel_stage '
        'ORDER BY rid, article_id, start, "end", properties'
    )
    conn.execute("DROP TABLE temp.rel_stage")


def _refresh_touched(conn: sqlite3.Connection) -> None:
    """Recompute the properties of relations whose evidence changed; drop those left without evidence."""
    updates: list[tuple[str, str]] = []
    group: list[tuple[str, int]] = []
    current = None
    rows = conn.execute(
        "SELECT t.relation_id, e.properties, count(*) FROM touched t JOIN evidence e "
        "ON e.relation_id = t.relation_id GROUP BY t.relation_id, e.properties ORDER BY t.relation_id"
    )
    for rid, props, n in rows:
        if rid != current and group:
            updates.append((_merged_json(group), current))
            group = []
        current = rid
        group.append((props, n))
    if group:
        updates.append((_merged_json(group), current))
    conn.executemany("UPDATE relations SET properties = ? WHERE id = ?", updates)
    conn.execute(
        "DELETE FROM relations WHERE id IN (SELECT relation_id FROM touched) "
        "AND NOT EXISTS (SELECT 1 FROM evidence e WHERE e.relation_id = relations.id)"
    )
    conn.execute("DELETE FROM touched")


def _derive_branches(conn: sqlite3.Connection, dead: set[str]) -> None:
    """BRANCH_OF from the names of the live Bank entities (kg.store.branches); only the difference is
    written, so relations that stay are not touched."""
    names: dict[str, list[str]] = defaultdict(list)
    for eid, alias in conn.execute(
        "SELECT a.entity_id, a.alias FROM aliases a JOIN entities e ON e.id = a.entity_id "
        "WHERE e.type = 'Bank' ORDER BY a.entity_id, a.alias"
    ):
        names[eid].append(alias)
    clusters = [
        Cluster(eid, EntityType(etype), name, key, names.get(eid, []))
        for eid, etype, name, key in conn.execute(
            "SELECT id, type, name, key FROM entities WHERE type = 'Bank' ORDER BY id"
        )
        if eid not in dead
    ]
    rows = set()
    for src, tgt, rule in branch_links(clusters):
        props = json.dumps({"rule": rule}, ensure_ascii=False, sort_keys=True)
        rows.add(
            (relation_id(RelationType.BRANCH_OF, src, tgt, {}), RelationType.BRANCH_OF.value, src, tgt, props)
        )
    stored = set(
        conn.execute(
            "SELECT id, type, source, target, properties FROM relations WHERE type = ?",
            (RelationType.BRANCH_OF.value,),
        )
    )
    conn.executemany("DELETE FROM relations WHERE id = ?", [(r[0],) for r in sorted(stored - rows)])
    conn.executemany(
        "INSERT INTO relations(id, type, source, target, properties) VALUES (?, ?, ?, ?, ?)",
        sorted(rows - stored),
    )
