// Purpose: who financed whom (loans, credit lines, syndicated loans), per lender, borrower and currency.
//          `own_amount` sums the amounts that are the lender's own; a syndicate's total is not one (it is
//          counted once per syndicate by financing_received.cypher); `syndicated_loans` counts the
//          syndicates the lender joined, `roles` its roles as written (牵头行, 代理行, 参贷行 ...).
// Parameters: none
// Example: kg query --file cypher/financing.cypher --format csv
// Compatibility: Neo4j 5.0+.
MATCH (l:Entity)-[r:PROVIDED_FINANCING_TO]->(b:Entity)
WITH l, b, r
ORDER BY r.id
WITH l, b, r.currency AS currency,
     sum(CASE WHEN r.amount_scope = 'syndicate' THEN 0 ELSE coalesce(r.amount, 0) END) AS own_amount,
     count(r) AS deals, count(DISTINCT r.syndicate) AS syndicated_loans, collect(DISTINCT r.role) AS roles,
     collect(r.amount_text) AS amounts_as_written
RETURN l.name AS lender, b.name AS borrower, currency, own_amount, deals, syndicated_loans, roles,
       amounts_as_written
ORDER BY lender, borrower, currency
