// Purpose: likely splits (one organisation or place on two nodes), ranked. Candidates are entities of
//          compatible types (the same type, or two of Company/Bank/Fund) whose name stems, once common
//          suffixes (股份有限公司, 有限公司, 集团 ...) and a leading 中国 (not that of 中国银行) are cut, contain
//          one another (国家开发银行 / 自国家开发银行, 临港集团 / 上海临港集团), compared within blocks that share
//          the stem's first or last two characters. Score: the share of the longer stem the shorter covers,
//          plus 0.25 per shared neighbour (at most 4). Not proposed: pairs scoring under 0.8, a branch with
//          its bank (BRANCH_OF), two branches unless one name ends with the other (two banks' 江苏省分行).
//          `kg duplicates` ranks the embedded store with the resolver's own name knowledge.
// Parameters: $limit  how many pairs to return (an integer: pass --param limit:=20)
// Example: kg query --file cypher/possible_duplicates.cypher --param limit:=20
// Compatibility: Neo4j 5.0+ (reduce(), list indexing, pattern predicate; no APOC).
MATCH (e:Entity)
WHERE NOT e:Event AND NOT e:Person
WITH e, reduce(s = trim(e.name), suffix IN ['股份有限公司', '有限责任公司', '有限公司', '集团公司', '集团', '公司', '股份'] |
       CASE WHEN size(s) > size(suffix) AND s ENDS WITH suffix THEN left(s, size(s) - size(suffix)) ELSE s END
     ) AS stem
WITH e, CASE WHEN stem STARTS WITH '中国' AND size(stem) > 4 AND NOT substring(stem, 2) STARTS WITH '银行'
       THEN substring(stem, 2) ELSE stem END AS stem
WHERE size(stem) >= 2
UNWIND [left(stem, 2), right(stem, 2)] AS block
WITH block, e, stem
ORDER BY e.id
WITH block, collect(e) AS es, collect(stem) AS stems
WHERE size(es) > 1
UNWIND range(0, size(es) - 2) AS i
UNWIND range(i + 1, size(es) - 1) AS j
WITH es[i] AS a, stems[i] AS sa, es[j] AS b, stems[j] AS sb
WHERE a.id < b.id AND (a.type = b.type OR (a.type IN ['Company', 'Bank', 'Fund'] AND b.type IN ['Company', 'Bank', 'Fund']))
  AND (sa CONTAINS sb OR sb CONTAINS sa)
  AND NOT (a)-[:BRANCH_OF]-(b)
  AND NOT ((a.name ENDS WITH '分行' OR a.name ENDS WITH '支行') AND (b.name ENDS WITH '分行' OR b.name ENDS WITH '支行')
           AND NOT a.name ENDS WITH b.name AND NOT b.name ENDS WITH a.name)
WITH DISTINCT a, b, sa, sb
OPTIONAL MATCH (a)-[r1]-(n:Entity)-[r2]-(b)
WHERE type(r1) <> 'BRANCH_OF' AND type(r2) <> 'BRANCH_OF'
WITH a, b, sa, sb, count(DISTINCT n) AS shared
WITH a, b, shared,
     toFloat(CASE WHEN size(sa) < size(sb) THEN size(sa) ELSE size(sb) END) /
     CASE WHEN size(sa) < size(sb) THEN size(sb) ELSE size(sa) END AS name_score
WITH a, b, shared, name_score, round(name_score + 0.25 * CASE WHEN shared > 4 THEN 4 ELSE shared END, 3) AS score
WHERE score >= 0.8
RETURN a.name AS name_a, b.name AS name_b, a.type AS type_a, b.type AS type_b, a.id AS id_a, b.id AS id_b,
       score, round(name_score, 3) AS name_score, shared AS shared_neighbours
ORDER BY score DESC, name_a, name_b
LIMIT $limit
