// Purpose: cross-border financing flows: borrower -> bank or channel that brought the funds, with amount,
//          currency, date and the supporting sentences.
// Parameters: none
// Example: kg query --file cypher/cross_border.cypher --format json
// Compatibility: Neo4j 5.0+.
MATCH (b:Entity)-[r:CROSS_BORDER_FINANCING]->(c:Entity)
RETURN b.name AS borrower, c.name AS channel, r.amount AS amount, r.currency AS currency,
       r.amount_text AS amount_text, r.date AS date, r.evidence AS evidence
ORDER BY borrower, channel, date
