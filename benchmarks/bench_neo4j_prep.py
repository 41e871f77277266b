"""Neo4j load preparation cost: rows/s of statement/row preparation and of Bolt parameter encoding.

No server runs here, so this measures what kg itself spends per row before the network: building the
parameter rows (with content hashes) from a generated Graph, cutting them into batches, encoding each
batch with the driver's own PackStream packer (what `tx.run(query, {"rows": batch})` sends), and the
full write path against the counting FakeDriver (round trips per batch size). Use the figures to choose
`--batch-size`: encoded bytes per transaction grow linearly, per-batch fixed costs shrink.

    .venv/bin/python benchmarks/bench_neo4j_prep.py [--entities 20000] [--edges 2.0]

With `--db PATH` it instead loads a real store into the FakeDriver (which keeps its model of the graph
but not the rows sent) and prints rows/s, round trips and peak RSS: the streaming path by default
(what `kg load` runs; the store is opened read-only), or the old in-memory path with `--in-memory`
(read_graph + write_graph: needs memory proportional to the store).

    .venv/bin/python benchmarks/bench_neo4j_prep.py --db benchmarks/work/build_10000_j2.db [--in-memory]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import random

from kg.models import (
    Graph,
    GraphArticle,
    GraphEntity,
    GraphEvidence,
    GraphRelation,
    RelationProperties,
)
from kg.neo4j.fakes import FakeDriver
from kg.neo4j.loader import prepare_load, step_parameters, write_graph
from kg.ontology import SIGNATURES, SYMMETRIC


def _sorted(types: frozenset) -> list:
    """Frozenset order follows string hashing (PYTHONHASHSEED); sort so the graph is reproducible."""
    return sorted(types, key=lambda t: t.value)


def generate_graph(n_entities: int, edges_per_entity: float, seed: int = 1) -> Graph:
    """A graph shaped like a built store: typed ends from SIGNATURES, evidence, articles, mentions."""
    rng = random.Random(seed)
    n_articles = max(1, n_entities // 10)
    articles = [
        GraphArticle(
            id=f"a{i:06d}", title=f"新闻{i}", date=f"2022-{1 + i % 12:02d}-01", url=f"https://example.com/{i}"
        )
        for i in range(n_articles)
    ]
    by_type: dict = {}
    entities = []
    for i in range(n_entities):
        t = rng.choice(_sorted(SIGNATURES[rng.choice(list(SIGNATURES))][0]))
        e = GraphEntity(
            id=f"e{i:07d}",
            name=f"临港{i}有限公司",
            type=t,
            aliases=[f"临港{i}"],
            article_ids=sorted({f"a{rng.randrange(n_articles):06d}" for _ in range(2)}),
        )
        entities.append(e)
        by_type.setdefault(t, []).append(e.id)
    relations = {}
    rtypes = list(SIGNATURES)
    while len(relations) < int(n_entities * edges_per_entity):
        rt = rng.choice(rtypes)
        st = rng.choice([t for t in _sorted(SIGNATURES[rt][0]) if by_type.get(t)] or [None])
        tt = rng.choice([t for t in _sorted(SIGNATURES[rt][1]) if by_type.get(t)] or [None])
        if st is None or tt is None:
            continue
        s, t = rng.choice(by_type[st]), rng.choice(by_type[tt])
        if s == t:
            continue
        if rt in SYMMETRIC and t < s:
            s, t = t, s
        aid = f"a{rng.randrange(n_articles):06d}"
        text = "工商银行向临港集团提供1亿美元贷款,用于支持新片区建设。"
        relations[f"r{len(relations):07d}"] = GraphRelation(
            id=f"r{len(relations):07d}",
            type=rt,
            source=s,
            target=t,
            properties=RelationProperties(amount=1e8, currency="USD", amount_text="1亿美元", date="2022-01"),
            evidence=[GraphEvidence(article_id=aid, text=text, start=0, end=len(text))],
        )
    return Graph(articles=articles, entities=entities, relations=list(relations.values()))


def _packer():
    """The driver's PackStream v1 packer (internal API, so guarded: figures are skipped if it moved)."""
    try:
        from neo4j._codec.packstream.v1 import Packer
    except ImportError:  # pragma: no cover
        return None
    return Packer


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KB


class NullDriver(FakeDriver):
    """Accepts every batch and remembers nothing (every row counts as created; reads return nothing):
    peak RSS is then the loader's own footprint, without the fake server's model of the graph."""

    def _execute(self, mode, query, params):
        from kg.neo4j.fakes import COUNTER_NAMES, FakeResult

        c = dict.fromkeys(COUNTER_NAMES, 0)
        kind = self._kinds[query]
        if kind.startswith(("articles", "entities")):
            c["nodes_created"] = len(params["rows"])
        elif kind.startswith(("mentions", "relations")):
            c["relationships_created"] = len(params["rows"])
        if mode == "read":
            return FakeResult([{"ids": []}], c)
        return FakeResult([{"changed": len(params.get("rows", []))}], c)


def bench_store(db: str, batch_size: int, in_memory: bool, null: bool = False) -> None:
    """Load a real store into the FakeDriver; print rows/s, round trips and the process's peak RSS."""
    from kg.neo4j.stream import write_store
    from kg.store import read_graph
    from kg.store.read import open_store_readonly

    rss0 = _peak_rss_mb()
    driver = NullDriver() if null else FakeDriver(record=False)
    t0 = time.perf_counter()
    if in_memory:
        graph = read_graph(db)
        t_read = time.perf_counter() - t0
        summary = write_graph(driver, graph, batch_size=batch_size)
        mode = f"in-memory (read_graph {t_read:.1f} s + write_graph)"
    else:
        conn = open_store_readonly(db)
        try:
            summary = write_store(driver, conn, batch_size=batch_size)
        finally:
            conn.close()
        mode = "streaming (write_store)"
    mode += ", NullDriver" if null else ", FakeDriver"
    secs = time.perf_counter() - t0
    rows = sum(
        k["created"] + k["updated"]
        for k in (summary.as_dict()[n] for n in ("articles", "entities", "mentions", "relations"))
    )
    print(f"store: {db}  batch size {batch_size}  mode: {mode}")
    print(f"rows sent: {rows:,}  round trips: {summary.round_trips:,}  time: {secs:.1f} s")
    print(f"rows/s: {rows / secs:,.0f}")
    print(
        f"peak RSS: {_peak_rss_mb():,.0f} MB (at start {rss0:,.0f} MB; a FakeDriver's graph model counts too)"
    )
    state = driver.state
    print(
        f"fake server now holds {len(state.articles):,} articles, {len(state.entities):,} entities, "
        f"{len(state.mentions):,} mentions, {len(state.relations):,} relations"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--entities", type=int, default=10000)
    ap.add_argument("--edges", type=float, default=2.0, help="relations per entity")
    ap.add_argument("--db", help="load this store into the FakeDriver instead (see the module doc)")
    ap.add_argument("--batch-size", type=int, default=2000)
    ap.add_argument("--in-memory", action="store_true", help="with --db: the old read_graph path")
    ap.add_argument("--null-driver", action="store_true", help="with --db: a driver that keeps nothing")
    args = ap.parse_args()
    if args.db:
        bench_store(args.db, args.batch_size, args.in_memory, args.null_driver)
        return

    t0 = time.perf_counter()
    graph = generate_graph(args.entities, args.edges, seed=1)
    gen_s = time.perf_counter() - t0
    n_rows = sum(len(s.rows) for s in prepare_load(graph).upserts)
    print(
        f"graph: {len(graph.entities)} entities, {len(graph.relations)} relations, "
        f"{len(graph.articles)} articles -> {n_rows} parameter rows (generated in {gen_s:.2f} s)"
    )
    try:
        from importlib.metadata import version

        rust = version("neo4j-rust-ext")
    except Exception:  # noqa: BLE001 - not installed
        rust = "not installed"
    print(f"neo4j driver packstream: neo4j-rust-ext {rust}")

    prep_s = _best(lambda: prepare_load(graph))
    print(f"prepare_load (rows + content hashes): {prep_s * 1000:.0f} ms = {n_rows / prep_s:,.0f} rows/s")

    Packer = _packer()
    print()
    print(
        f"{'batch':>6} {'batches':>8} {'round trips':>12} {'pack rows/s':>12} {'KB/batch':>9} "
        f"{'fake load rows/s':>17}"
    )
    for batch in (500, 1000, 2000, 5000, 10000):
        plan = prepare_load(graph, batch)
        batches = [(s, b) for s in plan.upserts for b in s.batches(batch)]
        pack_rate = kb = float("nan")
        if Packer is not None:
            sizes: list[int] = []

            def pack_all(batches=batches, sizes=sizes) -> None:
                sizes.clear()
                for step, b in batches:
                    buf = io.BytesIO()
                    Packer(buf).pack(step_parameters(step, b))
                    sizes.append(buf.tell())

            pack_s = _best(pack_all)
            pack_rate = n_rows / pack_s
            kb = sum(sizes) / len(sizes) / 1024
        load_s = _best(lambda batch=batch: write_graph(FakeDriver(), graph, batch_size=batch), repeat=1)
        trips = len(plan.schema) + plan.upsert_round_trips + 4
        print(
            f"{batch:>6} {len(batches):>8} {trips:>12} {pack_rate:>12,.0f} {kb:>9.0f} "
            f"{n_rows / load_s:>17,.0f}"
        )
    print()
    print("round trips = schema statements (15) + sum over statements of ceil(rows / batch) + 4 reads;")
    print("each is one managed transaction. Pick the batch size where the round-trip count stops")
    print("mattering while a transaction stays a few MB (Neo4j holds each transaction's state in memory).")


if __name__ == "__main__":
    main()
