"""Deriving the graph (entities, aliases, merges, relations, evidence) from all per-article facts.

Run at the end of every build (and after `forget`), in one transaction. It depends only on the *set* of
stored facts and the alias configuration, so the graph is identical whatever the order or the number of
workers that produced the facts.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Iterator

from kg.ontology import SYMMETRIC, EntityType, RelationType
from kg.resolve import AliasConfig, AliasEntry, EntityRecord, NotSame, normalize_form, resolve_entities
from kg.store.schema import get_meta, set_meta
from kg.store.write import transaction

# A relation seen in several articles is one relation; for money flows the amount tells deals apart.
DISTINGUISHING: dict[RelationType, tuple[str, ...]] = {
    RelationType.PROVIDED_FINANCING_TO: ("amount", "currency"),
    RelationType.CROSS_BORDER_FINANCING: ("amount", "currency"),
    RelationType.INVESTED_IN: ("amount", "currency"),
    RelationType.ACQUIRED: ("amount", "currency"),
}


def relation_id(rtype: RelationType, source: str, target: str, props: dict) -> str:
    extra = "|".join(str(props.get(k, "")) for k in DISTINGUISHING.get(rtype, ()))
    digest = hashlib.sha1(f"{rtype.value}|{source}|{target}|{extra}".encode()).hexdigest()[:16]
    return f"rel_{digest}"


def store_alias_config(conn: sqlite3.Connection, config: AliasConfig) -> bool:
    """Remember the alias configuration in the store; True (and dirty) if it changed."""
    data = {
        "entities": [{"name": e.name, "type": e.type.value, "aliases": list(e.aliases)} for e in config.entries],
        "not_same": [{"a": n.a, "b": n.b, "type": n.type.value if n.type else None} for n in config.not_same],
    }
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    if get_meta(conn, "aliases", json.dumps({"entities": [], "not_same": []}, sort_keys=True)) == text:
        return False
    with transaction(conn):
        set_meta(conn, "aliases", text)
        set_meta(conn, "dirty", "1")
    return True


def load_alias_config(conn: sqlite3.Connection) -> AliasConfig:
    text = get_meta(conn, "aliases")
    if not text:
        return AliasConfig()
    data = json.loads(text)
    return AliasConfig(
        tuple(AliasEntry(e["name"], EntityType(e["type"]), tuple(e["aliases"])) for e in data["entities"]),
        tuple(NotSame(n["a"], n["b"], EntityType(n["type"]) if n["type"] else None) for n in data["not_same"]),
    )


def _records(conn: sqlite3.Connection) -> Iterator[EntityRecord]:
    for etype, name, aliases, aid in conn.execute("SELECT type, name, aliases, article_id FROM article_entities"):
        yield EntityRecord(etype, name, tuple(json.loads(aliases)), aid)


def _merge_properties(values: list[dict]) -> dict:
    """Per key: the most frequent value across evidence; ties: the longest, then the smallest text."""
    out = {}
    keys = sorted({k for v in values for k in v})
    for k in keys:
        counts = Counter(json.dumps(v[k], ensure_ascii=False) for v in values if k in v)
        best = min(counts.items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]
        out[k] = json.loads(best)
    return out


def derive_graph(conn: sqlite3.Connection, batch: int = 5000) -> dict[str, int]:
    """Rebuild the graph tables from the facts; returns counts (entities, relations, evidence)."""
    config = load_alias_config(conn)
    resolution = resolve_entities(_records(conn), config)
    with transaction(conn):
        for table in ("evidence", "relations", "merges", "aliases", "entities"):
            conn.execute(f"DELETE FROM {table}")
        conn.executemany(
            "INSERT INTO entities(id, type, name, key) VALUES (?, ?, ?, ?)",
            [(c.id, c.type.value, c.name, c.key) for c in resolution.clusters],
        )
        conn.executemany(
            "INSERT INTO aliases(entity_id, alias, norm) VALUES (?, ?, ?)",
            [(c.id, a, normalize_form(a)) for c in resolution.clusters for a in c.aliases],
        )
        conn.executemany(
            "INSERT INTO merges(entity_id, form_a, form_b, rule, detail) VALUES (?, ?, ?, ?, ?)",
            [(c.id, m.form_a, m.form_b, m.rule, m.detail) for c in resolution.clusters for m in c.merges],
        )
        rows = conn.execute("SELECT rowid, type, name, article_id FROM article_entities").fetchall()
        conn.executemany(
            "UPDATE article_entities SET entity_id = ? WHERE rowid = ?",
            [(resolution.entity_id(t, n, a), rid) for rid, t, n, a in rows],
        )
        del rows
        conn.execute("DROP TABLE IF EXISTS temp.rel_stage")
        conn.execute(
            "CREATE TEMP TABLE rel_stage(rid TEXT, type TEXT, source TEXT, target TEXT, properties TEXT, "
            'article_id TEXT, sentence TEXT, start INTEGER, "end" INTEGER)'
        )
        cur = conn.execute(
            "SELECT r.type, s.entity_id, t.entity_id, r.properties, r.article_id, r.sentence, r.start, r.\"end\" "
            "FROM article_relations r "
            "JOIN article_entities s ON s.article_id = r.article_id AND s.local_id = r.source_local "
            "JOIN article_entities t ON t.article_id = r.article_id AND t.local_id = r.target_local"
        )
        while chunk := cur.fetchmany(batch):
            staged = []
            for rtype, src, tgt, props, aid, sentence, start, end in chunk:
                if src == tgt:  # both ends resolved to one entity: not a fact about two entities
                    continue
                rt = RelationType(rtype)
                if rt in SYMMETRIC and tgt < src:
                    src, tgt = tgt, src
                rid = relation_id(rt, src, tgt, json.loads(props) if rt in DISTINGUISHING else {})
                staged.append((rid, rtype, src, tgt, props, aid, sentence, start, end))
            conn.executemany("INSERT INTO temp.rel_stage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", staged)
        group: list = []
        out: list[tuple] = []

        def flush() -> None:
            if group:
                merged = _merge_properties([json.loads(g[4]) for g in group])
                out.append((group[0][0], group[0][1], group[0][2], group[0][3],
                            json.dumps(merged, ensure_ascii=False, sort_keys=True)))

        for row in conn.execute(
            "SELECT rid, type, source, target, properties FROM temp.rel_stage ORDER BY rid, properties"
        ).fetchall():
            if group and group[0][0] != row[0]:
                flush()
                group = []
            group.append(row)
        flush()
        conn.executemany("INSERT INTO relations(id, type, source, target, properties) VALUES (?, ?, ?, ?, ?)", out)
        conn.execute(
            'INSERT OR IGNORE INTO evidence(relation_id, article_id, sentence, start, "end", properties) '
            'SELECT rid, article_id, sentence, start, "end", properties FROM temp.rel_stage '
            'ORDER BY rid, article_id, start, "end", properties'
        )
        conn.execute("DROP TABLE temp.rel_stage")
        set_meta(conn, "dirty", "0")
    n_ev = conn.execute("SELECT count(*) FROM evidence").fetchone()[0]
    return {"entities": len(resolution.clusters), "relations": len(out), "evidence": n_ev}
