"""Every Cypher statement kg sends to Neo4j, built in one place.

Labels and relationship types come only from the kg.ontology enums (static per statement, never from
text); all data travels as parameters (`$rows`, `$ids`), so names with quotes, backticks or keywords can
never change a statement. Only Cypher that runs on every Neo4j 5 release and 2025.x is used: no dynamic
labels, no `CALL (x) {}` scoping, no `COLLECT {}` / `COUNT {}` subqueries, no APOC.
"""

from __future__ import annotations

from dataclasses import dataclass

from kg.ontology import RELATION_PROPERTY_KEYS, EntityType, RelationType

ENTITY_LABEL = "Entity"
ARTICLE_LABEL = "Article"
MENTIONS = "MENTIONS"
FULLTEXT_INDEX = "kg_entity_names"
# One node per database records which store's load it holds (kg.neo4j.incremental): not kg-managed data
# (no kg_hash), never deleted by retraction.
MARKER_LABEL = "KgLoad"
MARKER_PROPERTIES: tuple[str, ...] = ("id", "store_id", "load_id", "schema", "loaded_at")

# Properties kg writes on each kind of element. `kg_hash` (content hash of the kg-written values) is
# also the marker of kg-managed elements: retraction only ever deletes elements that carry it.
ENTITY_PROPERTIES: tuple[str, ...] = ("id", "name", "type", "aliases", "kg_hash")
ARTICLE_PROPERTIES: tuple[str, ...] = ("id", "title", "date", "url", "kg_hash")
RELATION_PROPERTIES: tuple[str, ...] = ("id", *RELATION_PROPERTY_KEYS, "article_ids", "evidence", "kg_hash")
MENTION_PROPERTIES: tuple[str, ...] = ("kg_hash",)


@dataclass(frozen=True)
class Statement:
    """One Cypher statement and what it is for (`kind` groups statements in plans and summaries)."""

    kind: str
    cypher: str


def _check_name(name: str) -> str:
    """Labels and types come from the ontology enums; refuse anything else as a programming error."""
    allowed = {t.value for t in EntityType} | {t.value for t in RelationType} | {ENTITY_LABEL, ARTICLE_LABEL}
    allowed.add(MENTIONS)
    if name not in allowed:
        raise ValueError(f"not an ontology label or type: {name!r}")
    return name


# --------------------------------------------------------------------------- schema


def schema_statements() -> list[Statement]:
    """Constraints and indexes, created (idempotently) before any write."""
    stmts = [
        Statement(
            "schema",
            f"CREATE CONSTRAINT kg_entity_id IF NOT EXISTS FOR (n:{ENTITY_LABEL}) REQUIRE n.id IS UNIQUE",
        ),
        Statement(
            "schema",
            f"CREATE CONSTRAINT kg_article_id IF NOT EXISTS FOR (a:{ARTICLE_LABEL}) REQUIRE a.id IS UNIQUE",
        ),
        Statement(
            "schema",
            f"CREATE CONSTRAINT kg_load_id IF NOT EXISTS FOR (m:{MARKER_LABEL}) REQUIRE m.id IS UNIQUE",
        ),
        Statement(
            "schema",
            f"CREATE FULLTEXT INDEX {FULLTEXT_INDEX} IF NOT EXISTS "
            f"FOR (n:{ENTITY_LABEL}) ON EACH [n.name, n.aliases]",
        ),
    ]
    for rtype in RelationType:
        t = _check_name(rtype.value)
        stmts.append(
            Statement("schema", f"CREATE INDEX kg_{t.lower()}_id IF NOT EXISTS FOR ()-[r:{t}]-() ON (r.id)")
        )
    return stmts


# --------------------------------------------------------------------------- upserts


def upsert_entities(etype: EntityType) -> Statement:
    """MERGE entities of one type on id; SET (and swap the type label) only when the content hash differs."""
    label = _check_name(etype.value)
    others = ":".join(t.value for t in EntityType if t is not etype)
    return Statement(
        f"entities:{label}",
        f"UNWIND $rows AS row\n"
        f"MERGE (n:{ENTITY_LABEL} {{id: row.id}})\n"
        f"WITH n, row WHERE n.kg_hash IS NULL OR n.kg_hash <> row.hash\n"
        f"SET n:{label}, n.name = row.name, n.type = row.type, n.aliases = row.aliases, n.kg_hash = row.hash\n"
        f"REMOVE n:{others}\n"
        f"RETURN count(n) AS changed",
    )


def upsert_articles() -> Statement:
    return Statement(
        "articles",
        f"UNWIND $rows AS row\n"
        f"MERGE (a:{ARTICLE_LABEL} {{id: row.id}})\n"
        f"WITH a, row WHERE a.kg_hash IS NULL OR a.kg_hash <> row.hash\n"
        f"SET a.title = row.title, a.date = row.date, a.url = row.url, a.kg_hash = row.hash\n"
        f"RETURN count(a) AS changed",
    )


def upsert_mentions() -> Statement:
    return Statement(
        "mentions",
        f"UNWIND $rows AS row\n"
        f"MATCH (a:{ARTICLE_LABEL}) WHERE a.id = row.article\n"
        f"MATCH (e:{ENTITY_LABEL}) WHERE e.id = row.entity\n"
        f"MERGE (a)-[m:{MENTIONS}]->(e)\n"
        f"WITH m, row WHERE m.kg_hash IS NULL OR m.kg_hash <> row.hash\n"
        f"SET m.kg_hash = row.hash\n"
        f"RETURN count(m) AS changed",
    )


def upsert_relations(rtype: RelationType) -> Statement:
    """MERGE relations of one type on id between existing entities; SET only when the hash differs."""
    t = _check_name(rtype.value)
    sets = ", ".join(f"r.{k} = row.{k}" for k in (*RELATION_PROPERTY_KEYS, "article_ids", "evidence"))
    return Statement(
        f"relations:{t}",
        f"UNWIND $rows AS row\n"
        f"MATCH (s:{ENTITY_LABEL}) WHERE s.id = row.source\n"
        f"MATCH (t:{ENTITY_LABEL}) WHERE t.id = row.target\n"
        f"MERGE (s)-[r:{t} {{id: row.id}}]->(t)\n"
        f"WITH r, row WHERE r.kg_hash IS NULL OR r.kg_hash <> row.hash\n"
        f"SET {sets}, r.kg_hash = row.hash\n"
        f"RETURN count(r) AS changed",
    )


# --------------------------------------------------------------------------- after a bulk import


def complete_entity_lists() -> Statement:
    """Give imported entities the empty `aliases` list that neo4j-admin cannot write (it stores no empty
    arrays); only where the node still holds exactly what kg exported (same `kg_hash`)."""
    return Statement(
        "complete:entities",
        f"UNWIND $rows AS row\n"
        f"MATCH (n:{ENTITY_LABEL} {{id: row.id}}) WHERE n.kg_hash = row.hash AND n.aliases IS NULL\n"
        f"SET n.aliases = row.aliases\n"
        f"RETURN count(n) AS changed",
    )


def complete_relation_lists(rtype: RelationType) -> Statement:
    """The same for relations whose `article_ids` or `evidence` is empty (BRANCH_OF: both)."""
    t = _check_name(rtype.value)
    return Statement(
        f"complete:{t}",
        f"UNWIND $rows AS row\n"
        f"MATCH (:{ENTITY_LABEL})-[r:{t} {{id: row.id}}]->(:{ENTITY_LABEL})\n"
        f"WHERE r.kg_hash = row.hash AND (r.article_ids IS NULL OR r.evidence IS NULL)\n"
        f"SET r.article_ids = coalesce(r.article_ids, row.article_ids), "
        f"r.evidence = coalesce(r.evidence, row.evidence)\n"
        f"RETURN count(r) AS changed",
    )


# --------------------------------------------------------------------------- the load marker


def read_marker() -> Statement:
    """The database's load marker (none on a first load or after the database was emptied)."""
    return Statement(
        "marker:read",
        f"MATCH (m:{MARKER_LABEL}) WHERE m.id = $marker.id\n"
        f"RETURN m.store_id AS store_id, m.load_id AS load_id, m.schema AS schema",
    )


def write_marker() -> Statement:
    """Set the marker to a new load id; with `$marker.expected` set, only if it still holds that one
    (compare-and-set: 0 changed means another load moved it in between), or already the new one (a
    retried transaction whose first attempt committed)."""
    return Statement(
        "marker:write",
        f"MERGE (m:{MARKER_LABEL} {{id: $marker.id}})\n"
        f"WITH m WHERE $marker.expected IS NULL OR m.load_id IN [$marker.expected, $marker.load_id]\n"
        f"SET m.store_id = $marker.store_id, m.load_id = $marker.load_id, m.schema = $marker.schema, "
        f"m.loaded_at = $marker.loaded_at\n"
        f"RETURN count(m) AS changed",
    )


# --------------------------------------------------------------------------- retraction


def read_managed_entity_ids() -> Statement:
    """One record with every kg-managed entity id (one round trip, whatever the size)."""
    return Statement(
        "read:entities",
        f"MATCH (n:{ENTITY_LABEL}) WHERE n.kg_hash IS NOT NULL RETURN collect(n.id) AS ids",
    )


def read_managed_article_ids() -> Statement:
    return Statement(
        "read:articles",
        f"MATCH (a:{ARTICLE_LABEL}) WHERE a.kg_hash IS NOT NULL RETURN collect(a.id) AS ids",
    )


def read_managed_mentions() -> Statement:
    return Statement(
        "read:mentions",
        f"MATCH (a:{ARTICLE_LABEL})-[m:{MENTIONS}]->(e:{ENTITY_LABEL}) WHERE m.kg_hash IS NOT NULL\n"
        f"RETURN collect([a.id, e.id]) AS pairs",
    )


def read_managed_relation_ids() -> Statement:
    """Every kg-managed relation as [type, id] (the type picks the static delete statement)."""
    return Statement(
        "read:relations",
        f"MATCH (:{ENTITY_LABEL})-[r]->(:{ENTITY_LABEL}) WHERE r.kg_hash IS NOT NULL AND r.id IS NOT NULL\n"
        f"RETURN collect([type(r), r.id]) AS pairs",
    )


def delete_relations(rtype: RelationType) -> Statement:
    t = _check_name(rtype.value)
    return Statement(
        f"delete:{t}",
        f"UNWIND $ids AS id\n"
        f"MATCH (:{ENTITY_LABEL})-[r:{t} {{id: id}}]->(:{ENTITY_LABEL})\n"
        f"WHERE r.kg_hash IS NOT NULL\n"
        f"DELETE r",
    )


def delete_mentions() -> Statement:
    return Statement(
        "delete:mentions",
        f"UNWIND $rows AS row\n"
        f"MATCH (a:{ARTICLE_LABEL})-[m:{MENTIONS}]->(e:{ENTITY_LABEL})\n"
        f"WHERE a.id = row.article AND e.id = row.entity AND m.kg_hash IS NOT NULL\n"
        f"DELETE m",
    )


def delete_entities() -> Statement:
    return Statement(
        "delete:entities",
        f"UNWIND $ids AS id\n"
        f"MATCH (n:{ENTITY_LABEL} {{id: id}}) WHERE n.kg_hash IS NOT NULL\n"
        f"DETACH DELETE n",
    )


def delete_articles() -> Statement:
    return Statement(
        "delete:articles",
        f"UNWIND $ids AS id\n"
        f"MATCH (a:{ARTICLE_LABEL} {{id: id}}) WHERE a.kg_hash IS NOT NULL\n"
        f"DETACH DELETE a",
    )


def read_statements() -> list[Statement]:
    return [
        read_managed_relation_ids(),
        read_managed_mentions(),
        read_managed_entity_ids(),
        read_managed_article_ids(),
    ]


def all_loader_statements() -> list[Statement]:
    """Everything the loader can send, for linting and compatibility checks."""
    stmts = schema_statements()
    stmts += [upsert_articles()]
    stmts += [upsert_entities(t) for t in EntityType]
    stmts += [upsert_mentions()]
    stmts += [upsert_relations(t) for t in RelationType]
    stmts += read_statements()
    stmts += [delete_relations(t) for t in RelationType]
    stmts += [delete_mentions(), delete_entities(), delete_articles()]
    stmts += [complete_entity_lists()] + [complete_relation_lists(t) for t in RelationType]
    stmts += [read_marker(), write_marker()]
    return stmts
