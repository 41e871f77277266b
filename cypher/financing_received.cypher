// Purpose: financing each borrower received, per currency, totalled correctly: a syndicated loan counts once
//          with its stated total (not once per lender), or with the sum of its members' shares when no total
//          is stated; any other loan counts its amount. `loans` counts loans, `syndicated_loans` those that
//          are syndicates.
// Parameters: none
// Example: kg query --file cypher/financing_received.cypher
// Compatibility: Neo4j 5.0+.
MATCH (l:Entity)-[r:PROVIDED_FINANCING_TO]->(b:Entity)
WITH b, r.currency AS currency, coalesce(r.syndicate, r.id) AS loan, r.syndicate IS NOT NULL AS syndicated,
     max(CASE WHEN r.amount_scope = 'syndicate' THEN r.amount END) AS total,
     sum(CASE WHEN r.amount_scope = 'syndicate' THEN 0 ELSE coalesce(r.amount, 0) END) AS shares
WITH b, currency, loan, syndicated, coalesce(total, shares) AS amount
RETURN b.name AS borrower, currency, sum(amount) AS total, count(loan) AS loans,
       sum(CASE WHEN syndicated THEN 1 ELSE 0 END) AS syndicated_loans
ORDER BY borrower, currency
