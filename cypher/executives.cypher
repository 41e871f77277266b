// Purpose: executives of an organisation (people with EXECUTIVE_OF) and their titles as written.
// Parameters: $name  name or alias of the organisation, e.g. "临港集团"
// Example: kg query --file cypher/executives.cypher --param name=临港集团
// Compatibility: Neo4j 5.0+.
MATCH (o:Entity)
WHERE o.name = $name OR $name IN o.aliases
MATCH (p:Person)-[r:EXECUTIVE_OF]->(o)
RETURN p.name AS person, r.role AS role, r.evidence AS evidence
ORDER BY person, role
