// Purpose: full-text search over entity names and aliases (index kg_entity_names, created by kg load).
// Parameters: $text  Lucene query text, e.g. "平安"
// Example: kg query --file cypher/search_entities.cypher --param text=平安
// Compatibility: Neo4j 5.0+ (db.index.fulltext.queryNodes; the standard analyzer splits CJK text into
//                single characters, so a multi-character query matches names containing those characters).
CALL db.index.fulltext.queryNodes('kg_entity_names', $text) YIELD node, score
RETURN node.name AS name, node.type AS type, node.aliases AS aliases, score
ORDER BY score DESC, name
LIMIT 20
