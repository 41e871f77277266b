// Purpose: shortest connection between two organisations over kg relations (up to 6 hops, any
//          direction; a bank's branch counts as a step, articles are not used as stepping stones).
// Parameters: $source  name or alias of the first organisation, e.g. "中国平安集团"
//             $target  name or alias of the second organisation, e.g. "临港集团"
// Example: kg query --file cypher/shortest_connection.cypher --param source=中国平安集团 --param target=临港集团
// Compatibility: Neo4j 5.0+ (shortestPath(); the hop limit is a literal because bounds cannot be parameters).
MATCH (a:Entity)
WHERE a.name = $source OR $source IN a.aliases
MATCH (b:Entity)
WHERE b.name = $target OR $target IN b.aliases
WITH a, b
WHERE a <> b
MATCH path = shortestPath((a)-[:SUBSIDIARY_OF|SIGNED_AGREEMENT_WITH|STRATEGIC_PARTNER_OF|PROVIDED_FINANCING_TO|CROSS_BORDER_FINANCING|INVESTED_IN|ACQUIRED|JOINT_VENTURE_WITH|OPENED_IN|LOCATED_IN|EXECUTIVE_OF|ATTENDED|BRANCH_OF*..6]-(b))
RETURN length(path) AS hops, [n IN nodes(path) | n.name] AS names,
       [r IN relationships(path) | type(r)] AS relations
