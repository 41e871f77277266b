// Purpose: timeline of an organisation's deals (agreements, partnerships, financing, investments,
//          acquisitions, joint ventures). `date` is the deal date, else the earliest supporting article's;
//          `articles` lists the supporting articles' titles, oldest first.
// Parameters: $name  name or alias of the organisation, e.g. "临港集团"
// Example: kg query --file cypher/deal_timeline.cypher --param name=临港集团
// Compatibility: Neo4j 5.0+ (OPTIONAL MATCH + aggregation, no COLLECT {} subquery).
MATCH (o:Entity)
WHERE o.name = $name OR $name IN o.aliases
MATCH (o)-[r:SIGNED_AGREEMENT_WITH|STRATEGIC_PARTNER_OF|PROVIDED_FINANCING_TO|CROSS_BORDER_FINANCING|INVESTED_IN|ACQUIRED|JOINT_VENTURE_WITH]-(other:Entity)
OPTIONAL MATCH (a:Article)
WHERE a.id IN r.article_ids
WITH o, r, other, a
ORDER BY a.date, a.id
WITH o, r, other, min(a.date) AS article_date, collect(a.title) AS titles
RETURN coalesce(r.date, article_date) AS date, type(r) AS deal,
       CASE WHEN startNode(r) = o THEN 'out' ELSE 'in' END AS direction, other.name AS counterparty,
       r.amount AS amount, r.currency AS currency, r.agreement AS agreement, titles AS articles
ORDER BY date, deal, counterparty
