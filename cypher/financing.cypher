// Purpose: who financed whom (loans, credit lines, syndicated loans): amounts summed per lender, borrower
//          and currency; `deals` counts relations, `amounts_as_written` keeps the text of each amount.
// Parameters: none
// Example: kg query --file cypher/financing.cypher --format csv
// Compatibility: Neo4j 5.0+.
MATCH (l:Entity)-[r:PROVIDED_FINANCING_TO]->(b:Entity)
WITH l, b, r
ORDER BY r.id
WITH l, b, r.currency AS currency, sum(r.amount) AS total, count(r) AS deals,
     collect(r.amount_text) AS amounts_as_written
RETURN l.name AS lender, b.name AS borrower, currency, total, deals, amounts_as_written
ORDER BY lender, borrower, currency
