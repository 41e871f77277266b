// Purpose: a bank's deals with its branches' rolled up (BRANCH_OF at any depth): agreements, partnerships,
//          financing, investments, acquisitions and joint ventures of the bank or of any of its branches,
//          each with the unit it went through; deals among the bank's own units are left out.
// Parameters: $name  name or alias of the bank, e.g. "中国银行"
// Example: kg query --file cypher/bank_deals.cypher --param name=中国银行
// Compatibility: Neo4j 5.0+ (variable-length pattern, pattern predicate).
MATCH (b:Bank)
WHERE b.name = $name OR $name IN b.aliases
MATCH (u:Bank)-[:BRANCH_OF*0..]->(b)
WITH DISTINCT b, u
MATCH (u)-[r:SIGNED_AGREEMENT_WITH|STRATEGIC_PARTNER_OF|PROVIDED_FINANCING_TO|CROSS_BORDER_FINANCING|INVESTED_IN|ACQUIRED|JOINT_VENTURE_WITH]-(other:Entity)
WHERE NOT (other)-[:BRANCH_OF*0..]->(b)
RETURN u.name AS through, type(r) AS deal, CASE WHEN startNode(r) = u THEN 'out' ELSE 'in' END AS direction,
       other.name AS counterparty, r.date AS date, r.amount AS amount, r.currency AS currency,
       r.amount_scope AS amount_scope, r.role AS role, r.syndicate AS syndicate
ORDER BY date, deal, counterparty, through
