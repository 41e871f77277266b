// Purpose: most connected organisations: distinct entity neighbours over kg relations (articles are not
//          counted, nor a bank's own branches: BRANCH_OF), then number of relations.
// Parameters: $limit  how many to return (an integer: pass --param limit:=10)
// Example: kg query --file cypher/most_connected.cypher --param limit:=10
// Compatibility: Neo4j 5.0+ (no COUNT {} subquery).
MATCH (o:Entity)-[r]-(n:Entity)
WHERE NOT o:Person AND NOT o:Region AND NOT o:Event AND type(r) <> 'BRANCH_OF'
WITH o, count(DISTINCT n) AS neighbours, count(DISTINCT r) AS relations
RETURN o.name AS organisation, o.type AS type, neighbours, relations
ORDER BY neighbours DESC, relations DESC, organisation
LIMIT $limit
