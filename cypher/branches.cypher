// Purpose: the branches of a bank at any depth: BRANCH_OF, derived by kg from the names (中国银行湖北省分行
//          -> 中国银行; 招商银行福州分行平潭支行 -> 招商银行福州分行), with depth, chain and the rules that linked them.
// Parameters: $name  name or alias of the bank, e.g. "中国银行"
// Example: kg query --file cypher/branches.cypher --param name=中国银行
// Compatibility: Neo4j 5.0+ (variable-length pattern; no quantified path patterns).
MATCH (b:Bank)
WHERE b.name = $name OR $name IN b.aliases
MATCH path = (br:Bank)-[:BRANCH_OF*1..]->(b)
WITH br, path
ORDER BY length(path), [n IN nodes(path) | n.id]
WITH br, collect(path)[0] AS path
RETURN br.name AS branch, length(path) AS depth, [n IN nodes(path) | n.name] AS chain,
       [r IN relationships(path) | r.rule] AS rules
ORDER BY depth, branch
