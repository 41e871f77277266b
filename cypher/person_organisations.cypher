// Purpose: the organisations a person leads (EXECUTIVE_OF), with the title as written.
// Parameters: $person  name or alias of the person, e.g. "卢跃"
// Example: kg query --file cypher/person_organisations.cypher --param person=卢跃
// Compatibility: Neo4j 5.0+.
MATCH (p:Person)
WHERE p.name = $person OR $person IN p.aliases
MATCH (p)-[r:EXECUTIVE_OF]->(o:Entity)
RETURN o.name AS organisation, o.type AS type, r.role AS role, r.evidence AS evidence
ORDER BY organisation, role
