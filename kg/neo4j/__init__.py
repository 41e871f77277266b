"""Neo4j side of kg: the Cypher builders, the loader (`kg load`), `kg query`, and the offline lint schema."""
