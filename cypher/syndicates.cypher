// Purpose: every syndicated loan once: its borrower(s), its total as stated (counted once, not per lender)
//          and every lender with its role as written (牵头行, 主牵头行, 联合牵头行, 代理行, 副牵头行, 参贷行, 成员行).
// Parameters: none
// Example: kg query --file cypher/syndicates.cypher --format json
// Compatibility: Neo4j 5.0+.
MATCH (l:Entity)-[r:PROVIDED_FINANCING_TO]->(b:Entity)
WHERE r.syndicate IS NOT NULL
WITH r.syndicate AS syndicate, l, r, b
ORDER BY l.name, b.name
WITH syndicate, collect(DISTINCT b.name) AS borrowers,
     max(CASE WHEN r.amount_scope = 'syndicate' THEN r.amount END) AS total,
     max(CASE WHEN r.amount_scope = 'syndicate' THEN r.currency END) AS currency,
     collect([l.name, r.role]) AS lenders
RETURN syndicate, borrowers, total, currency, size(lenders) AS lender_count, lenders
ORDER BY syndicate
