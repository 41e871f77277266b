// Purpose: timeline of an organisation's deals (agreements, partnerships, financing, investments,
//          acquisitions, joint ventures). `date` is the deal date, else the earliest supporting article's.
// Parameters: $name  name or alias of the organisation, e.g. "临港集团"
// Example: kg query --file cypher/deal_timeline.cypher --param name=临港集团
// Compatibility: Neo4j 5.0+ (OPTIONAL MATCH + aggregation, no COLLECT {} subquery).
MATCH (o:Entity)
WHERE o.name = $name OR $name IN o.aliases
MATCH (o)-[r:SIGNED_AGREEMENT_WITH|STRATEGIC_PARTNER_OF|PROVIDED_FINANCING_TO|CROSS_BORDER_FINANCING|INVESTED_IN|ACQUIRED|JOINT_VENTURE_WITH]-(other:Entity)
OPTIONAL MATCH (a:Article)
WHERE a.id IN r.article_ids
WITH o, r, other, min(a.date) AS article_date
RETURN coalesce(r.date, article_date) AS date, type(r) AS deal,
       CASE WHEN startNode(r) = o THEN 'out' ELSE 'in' END AS direction, other.name AS counterparty,
       r.amount AS amount, r.currency AS currency, r.agreement AS agreement, r.article_ids AS articles
ORDER BY date, deal, counterparty
