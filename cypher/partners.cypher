// Purpose: partners of an organisation: signed agreements, strategic partnerships and joint ventures,
//          with dates, agreement titles and the supporting sentences.
// Parameters: $name  name or alias of the organisation, e.g. "临港集团"
// Example: kg query --file cypher/partners.cypher --param name=临港集团
// Compatibility: Neo4j 5.0+ (undirected match: these three types are symmetric).
MATCH (o:Entity)
WHERE o.name = $name OR $name IN o.aliases
MATCH (o)-[r:SIGNED_AGREEMENT_WITH|STRATEGIC_PARTNER_OF|JOINT_VENTURE_WITH]-(p:Entity)
RETURN p.name AS partner, p.type AS partner_type, type(r) AS relation, r.date AS date,
       r.agreement AS agreement, r.evidence AS evidence
ORDER BY partner, relation, date
