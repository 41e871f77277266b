"""From the joined nodes to clusters: display name, stable key and id, merge reasons, refused joins.

The key (and so the id) is the smallest node key of the cluster, never the display name: identifying keys
first (工商银行, 交通银行/江苏分行), then pinned forms, then article-scoped ones (`管委会@<article>`); a person
is keyed by name and organisation (`卢跃|平安金服`) when an article makes them an executive, else by
name and article. All of it is computed from cluster contents, so input order does not matter.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from kg.ontology import EntityType
from kg.resolve.cluster import Cluster, Merge, Node, Resolution, entity_id_for
from kg.resolve.rules import is_generic


def _node_key(n: Node) -> tuple[int, str]:
    if n[0] == "s":
        return (0, n[2])
    if n[0] == "u":
        return (1, f"={n[2]}")
    return (2, f"{n[2]}@{n[3]}")


def assemble(b: Any) -> Resolution:
    """Clusters from a finished kg.resolve.build.Builder (organisations first: persons key on them)."""
    uf = b.uf
    groups: dict[Node, list[Node]] = defaultdict(list)
    for n in uf.parent:
        groups[uf.find(n)].append(n)
    named = set(b.name_node.values())
    node_names: dict[Node, Counter] = defaultdict(Counter)
    for (t, f, scope), n in b.name_node.items():
        node_names[n][f] += b.name_counts[(t, f, scope)]
    root_key: dict[Node, str] = {}
    cluster_of: dict[Node, Cluster] = {}
    clusters: list[Cluster] = []
    ordered = sorted(groups.items(), key=lambda kv: kv[1][0][1] == EntityType.Person)
    for root, members in ordered:
        if not named.intersection(members):
            continue  # only user-alias forms that no article mentions: no entity
        etype = members[0][1]
        all_forms = sorted({f for n in members for f in b.forms_of(n)})
        names: Counter = Counter()
        for n in members:
            names.update(node_names.get(n, {}))
        candidates = [(c, f) for f, c in names.items() if not is_generic(f) and etype != EntityType.Event]
        candidates = candidates or [(c, f) for f, c in names.items()]
        users = sorted(b.user_names[n] for n in members if n in b.user_names)
        name = users[0] if users else min(candidates, key=lambda cf: (-cf[0], -len(cf[1]), cf[1]))[1]
        key = _cluster_key(etype, members, b, root_key)
        root_key[root] = key
        cluster = Cluster(entity_id_for(etype, key), etype, name, key, [f for f in all_forms if f != name])
        for n in members:
            _same_key_merges(b, cluster, n, name)
            cluster_of[n] = cluster
        clusters.append(cluster)
    for node, merge in b.applied:
        if node in cluster_of:
            cluster_of[node].merges.append(merge)
    for a, other, merge in b.refused:
        for n, m in ((a, other), (other, a)):
            if n in cluster_of and m in cluster_of and cluster_of[n] is not cluster_of[m]:
                cluster_of[n].refused.append(merge)
    for c in clusters:
        c.merges.sort(key=lambda m: (m.rule, m.form_a, m.form_b, m.detail))
        c.refused = sorted(set(c.refused), key=lambda m: (m.form_a, m.form_b, m.detail))
    clusters.sort(key=lambda c: c.id)
    ids = [c.id for c in clusters]
    if len(ids) != len(set(ids)):  # pragma: no cover - would need a sha1 collision or a key clash
        raise AssertionError("duplicate entity ids in resolution")
    by_name = {k: cluster_of[n].id for k, n in b.name_node.items()}
    return Resolution(clusters, by_name)


def _cluster_key(etype: EntityType, members: list[Node], b: Any, root_key: dict[Node, str]) -> str:
    if etype == EntityType.Person and not any(n[0] in ("s", "u") for n in members):
        org_keys = sorted(root_key[b.uf.find(o)] for n in members for o in b.person_orgs.get(n, ()))
        if org_keys:
            return f"{min(n[2] for n in members)}|{org_keys[0]}"
    return min(_node_key(n) for n in members)[1]


def _same_key_merges(b: Any, cluster: Cluster, n: Node, name: str) -> None:
    forms = sorted(b.forms_of(n))
    if len(forms) < 2:
        return
    rep = name if name in forms else forms[0]
    etype = cluster.type
    label = n[2] if n[0] == "s" else f"{n[2]}@{n[3]}"
    for f in forms:
        if f != rep:
            detail = (
                f"key {label}: {b.forms.describe(etype, rep, b.owner_of(n, rep))} / "
                f"{b.forms.describe(etype, f, b.owner_of(n, f))}"
            )
            cluster.merges.append(Merge(rep, f, "same-key", detail))
