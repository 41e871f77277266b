// Purpose: lending of each bank with its branches rolled up to the head office (BRANCH_OF at any depth),
//          per currency: `own_amount` sums amounts that are the bank's own (a syndicate's total is not),
//          `deals` counts financing relations, `syndicated_loans` the syndicates joined, `led_syndicates`
//          those it led (牵头行, 主牵头行, 联合牵头行), `lending_units` the head office and branches that lent.
// Parameters: none
// Example: kg query --file cypher/financing_by_bank.cypher
// Compatibility: Neo4j 5.0+ (variable-length pattern, pattern predicate).
MATCH (l:Bank)-[r:PROVIDED_FINANCING_TO]->(:Entity)
OPTIONAL MATCH (l)-[:BRANCH_OF*1..]->(top:Bank)
WHERE NOT (top)-[:BRANCH_OF]->(:Bank)
WITH coalesce(top, l) AS bank, l, r
WITH bank, r.currency AS currency,
     sum(CASE WHEN r.amount_scope = 'syndicate' THEN 0 ELSE coalesce(r.amount, 0) END) AS own_amount,
     count(r) AS deals, count(DISTINCT r.syndicate) AS syndicated_loans,
     count(DISTINCT CASE WHEN r.role IN ['牵头行', '主牵头行', '联合牵头行'] THEN r.syndicate END) AS led_syndicates,
     count(DISTINCT l) AS lending_units
RETURN bank.name AS bank, currency, own_amount, deals, syndicated_loans, led_syndicates, lending_units
ORDER BY bank, currency
