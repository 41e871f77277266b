// Purpose: the articles supporting a given relationship (source, type, target), with the supporting
//          sentences. Directed types must be given source -> target; symmetric ones match either way.
// Parameters: $source  name or alias of the source entity, e.g. "中国平安集团"
//             $type    relation type from the ontology, e.g. "SIGNED_AGREEMENT_WITH"
//             $target  name or alias of the target entity, e.g. "临港集团"
// Example: kg query --file cypher/supporting_articles.cypher --param source=中国平安集团 --param type=SIGNED_AGREEMENT_WITH --param target=临港集团
// Compatibility: Neo4j 5.0+ (type(r) compared to a parameter; no dynamic types).
MATCH (s:Entity)
WHERE s.name = $source OR $source IN s.aliases
MATCH (t:Entity)
WHERE t.name = $target OR $target IN t.aliases
MATCH (s)-[r]-(t)
WHERE type(r) = $type
  AND (startNode(r) = s OR type(r) IN ['SIGNED_AGREEMENT_WITH', 'STRATEGIC_PARTNER_OF', 'JOINT_VENTURE_WITH'])
UNWIND r.article_ids AS article_id
MATCH (a:Article)
WHERE a.id = article_id
RETURN r.id AS relation, a.id AS article, a.title AS title, a.date AS date, a.url AS url,
       r.evidence AS evidence
ORDER BY date, article
