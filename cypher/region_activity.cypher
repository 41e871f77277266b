// Purpose: organisations active in a region: those that opened in (OPENED_IN) or are located in
//          (LOCATED_IN) it, with dates and supporting sentences.
// Parameters: $region  name or alias of the region, e.g. "上海临港新片区"
// Example: kg query --file cypher/region_activity.cypher --param region=上海临港新片区
// Compatibility: Neo4j 5.0+.
MATCH (g:Region)
WHERE g.name = $region OR $region IN g.aliases
MATCH (o:Entity)-[r:OPENED_IN|LOCATED_IN]->(g)
RETURN o.name AS organisation, o.type AS type, type(r) AS relation, r.date AS date, r.evidence AS evidence
ORDER BY organisation, relation
