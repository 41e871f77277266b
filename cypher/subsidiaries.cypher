// Purpose: subsidiaries of a group at any depth (child -[:SUBSIDIARY_OF]-> parent chains), each with its
//          shortest depth and its shortest ownership chain (ties broken by entity ids).
// Parameters: $name  name or alias of the group, e.g. "中国平安集团"
// Example: kg query --file cypher/subsidiaries.cypher --param name=中国平安集团
// Compatibility: Neo4j 5.0+ (variable-length pattern; no quantified path patterns).
MATCH (g:Entity)
WHERE g.name = $name OR $name IN g.aliases
MATCH path = (s:Entity)-[:SUBSIDIARY_OF*1..]->(g)
WHERE s <> g
WITH s, path
ORDER BY length(path), [n IN nodes(path) | n.id]
WITH s, collect(path)[0] AS path
RETURN s.name AS subsidiary, s.type AS type, length(path) AS depth, [n IN nodes(path) | n.name] AS chain
ORDER BY depth, subsidiary
