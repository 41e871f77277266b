// Purpose: entities with possible duplicates: different ids whose name or alias has the same stem once
//          common company suffixes (股份有限公司, 有限责任公司, 有限公司, 集团公司, 集团, 公司, 股份) are
//          cut in turn (临港集团有限公司 -> 临港). Events are left out: each ceremony is its own entity.
// Parameters: none
// Example: kg query --file cypher/possible_duplicates.cypher
// Compatibility: Neo4j 5.0+ (reduce(), left(); no APOC).
MATCH (e:Entity)
WHERE NOT e:Event
WITH e
ORDER BY e.id
UNWIND [e.name] + coalesce(e.aliases, []) AS form
WITH e, reduce(s = trim(form), suffix IN ['股份有限公司', '有限责任公司', '有限公司', '集团公司', '集团', '公司', '股份'] |
       CASE WHEN size(s) > size(suffix) AND s ENDS WITH suffix THEN left(s, size(s) - size(suffix)) ELSE s END
     ) AS stem
WITH stem, collect(DISTINCT e) AS entities
WHERE size(entities) > 1
RETURN stem, [x IN entities | x.id] AS ids, [x IN entities | x.name] AS names, [x IN entities | x.type] AS types
ORDER BY stem
