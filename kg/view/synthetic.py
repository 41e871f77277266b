"""Generated graphs with the shape of real ones (hubs, typed ends), for benchmarks and browser tests."""

from __future__ import annotations

import random

from kg.models import Graph, GraphArticle, GraphEntity, GraphEvidence, GraphRelation, RelationProperties
from kg.ontology import SIGNATURES, SYMMETRIC, EntityType, RelationType

_NAME_PARTS = ("临港", "浦东", "平安", "华夏", "长江", "新区", "科技", "能源", "产业", "金融", "智造", "国际")
_SUFFIX = {
    EntityType.Company: "有限公司",
    EntityType.Bank: "银行分行",
    EntityType.GovernmentBody: "管委会",
    EntityType.Region: "新片区",
    EntityType.Person: "",
    EntityType.Fund: "产业基金",
    EntityType.Event: "签约仪式",
}
_TYPE_WEIGHTS = {
    EntityType.Company: 50,
    EntityType.Bank: 12,
    EntityType.GovernmentBody: 10,
    EntityType.Region: 10,
    EntityType.Person: 10,
    EntityType.Fund: 4,
    EntityType.Event: 4,
}


def generate_graph(n_entities: int, edges_per_entity: float = 2.0, seed: int = 0) -> Graph:
    """A valid Graph with preferential attachment (a few hubs), ontology-respecting relation ends."""
    rng = random.Random(seed)
    types = list(_TYPE_WEIGHTS)
    entities = []
    for i in range(n_entities):
        t = rng.choices(types, weights=[_TYPE_WEIGHTS[x] for x in types])[0]
        stem = "".join(rng.sample(_NAME_PARTS, 2))
        name = f"{stem}{i}{_SUFFIX[t]}" if t is not EntityType.Person else f"张{stem}{i}"
        entities.append(GraphEntity(id=f"n{i:05d}", name=name, type=t, aliases=[f"{stem}{i}"]))
    by_type: dict[EntityType, list[GraphEntity]] = {t: [] for t in types}
    for e in entities:
        by_type[e.type].append(e)
    articles = [
        GraphArticle(id=f"a{i:04d}", title=f"第{i}篇报道", date=f"2022-{1 + i % 12:02d}-{1 + i % 28:02d}")
        for i in range(max(1, n_entities // 10))
    ]
    relations: dict[str, GraphRelation] = {}
    weight = [1.0] * n_entities  # preferential attachment: degree + 1
    target_edges = int(n_entities * edges_per_entity)
    attempts = 0
    while len(relations) < target_edges and attempts < target_edges * 20:
        attempts += 1
        rtype = rng.choice(list(RelationType))
        src_types, dst_types = SIGNATURES[rtype]
        src_pool = [e for t in src_types for e in by_type[t]]
        dst_pool = [e for t in dst_types for e in by_type[t]]
        if not src_pool or not dst_pool:
            continue
        src = rng.choice(src_pool)
        dst = max(rng.sample(dst_pool, min(3, len(dst_pool))), key=lambda e: weight[int(e.id[1:])])
        if src.id == dst.id:
            continue
        a, b = (min(src.id, dst.id), max(src.id, dst.id)) if rtype in SYMMETRIC else (src.id, dst.id)
        rid = f"r-{rtype.value}-{a}-{b}"
        if rid in relations:
            continue
        arts = rng.sample(articles, min(len(articles), rng.choice((1, 1, 1, 2, 3))))
        evidence = [
            GraphEvidence(article_id=art.id, text=f"{src.name}与{dst.name}相关的句子。", start=0, end=10)
            for art in sorted(arts, key=lambda x: x.id)
        ]
        relations[rid] = GraphRelation(
            id=rid,
            type=rtype,
            source=a,
            target=b,
            properties=RelationProperties(date=arts[0].date[:7]),
            evidence=evidence,
        )
        weight[int(src.id[1:])] += 1
        weight[int(dst.id[1:])] += 1
    return Graph(
        articles=articles,
        entities=entities,
        relations=sorted(relations.values(), key=lambda r: r.id),
    )
