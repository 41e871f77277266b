"""Resolution measured on real data: pairwise merge precision and recall over the gold entities found.

Why: resolution is judged on what the store does with what extraction really found, not on gold names.
`score_resolution` extracts every article of the given corpora with the current extractor, writes the
extractions into a scratch store through the store's own code (`write_extraction` + `derive_graph`), and
aligns each extracted entity with a gold entity of its article by shared surface form (FORMAT.md's scoring
rule: one-to-one, the best-named candidate first). Truth comes from label files in the shape of
`shared/corpus/resolution.json`: clusters of [article stem, gold name]; every gold entity not listed is its
own singleton. Then, for every pair of *found* gold entities across the whole corpus (Events excluded),
predicted-same means both resolved to the same store node.

A label file may also list `negatives` (pairs that look alike but are different things: a bank and its
branch, a zone and its sub-zone); they are singletons anyway, the report counts how many stay apart.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from kg.errors import GoldError, KgError
from kg.evaluate import gold_path_for, load_gold
from kg.evaluate.scoring import max_matching
from kg.ingest.pipeline import Failure, iter_extractions
from kg.ingest.reader import collect_files
from kg.models import Article, Extraction
from kg.resolve.aliasfile import read_aliases
from kg.resolve.rules import normalize_form
from kg.store.derive import derive_graph, store_alias_config
from kg.store.schema import connect
from kg.store.write import transaction, write_extraction

Extractor = Callable[[Article], Extraction]
GoldRef = tuple[str, str]  # (article stem, gold entity name)
UNSCORED = frozenset({"Event", "Other"})


class Pair(BaseModel):
    a: GoldRef
    b: GoldRef
    a_type: str
    b_type: str


class ClusterCheck(BaseModel):
    """One labelled cluster: how many of its members extraction found and how many nodes they became."""

    label: str
    found: int
    members: int
    nodes: int
    intruders: list[GoldRef] = Field(default_factory=list, description="Other gold entities on its nodes")

    @property
    def right(self) -> bool:
        return self.nodes <= 1 and not self.intruders


class ResolutionReport(BaseModel):
    articles: int
    gold_entities: int = Field(description="Gold entities of scored types (not Event/Other)")
    found: int = Field(description="Gold entities that extraction found (aligned by surface form)")
    true_pairs: int = Field(description="Pairs of found gold entities that are the same thing")
    predicted_pairs: int = Field(description="Pairs of found gold entities resolved to one node")
    correct_pairs: int
    precision: float
    recall: float
    f1: float
    false_merges: list[Pair] = Field(default_factory=list)
    missed_merges: list[Pair] = Field(default_factory=list)
    clusters: list[ClusterCheck] = Field(default_factory=list)
    negatives_apart: int = 0
    negatives_found: int = 0
    broken_negatives: list[Pair] = Field(default_factory=list)


@dataclass
class Labels:
    """Clusters (a member -> its cluster label) and negative pairs, from one or more label files."""

    cluster_of: dict[GoldRef, str]
    negatives: list[tuple[GoldRef, GoldRef]]


def read_labels(paths: Iterable[str | Path]) -> Labels:
    """Merge label files; a member listed in two clusters joins them (labels are about identity)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    members: dict[GoldRef, str] = {}
    negatives: list[tuple[GoldRef, GoldRef]] = []
    for path in paths:
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise GoldError(f"{path}: cannot read label file ({exc.strerror or exc})") from None
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path}: invalid JSON at line {exc.lineno}") from None
        if not isinstance(data, dict) or not isinstance(data.get("clusters", []), list):
            raise GoldError(f"{path}: expected an object with a 'clusters' list")
        for i, c in enumerate(data.get("clusters", []), 1):
            refs = _refs(path, f"clusters[{i}]", c.get("members") if isinstance(c, dict) else None)
            label = f"{path.name}#{c.get('label') or i}"
            for ref in refs:
                if ref in members:
                    parent[find(label)] = find(members[ref])
                members[ref] = label
                find(label)
        for i, n in enumerate(data.get("negatives", []), 1):
            refs = _refs(path, f"negatives[{i}]", n.get("members") if isinstance(n, dict) else None)
            if len(refs) != 2:
                raise GoldError(f"{path}: negatives[{i}]: expected exactly two members")
            negatives.append((refs[0], refs[1]))
    return Labels({ref: find(label) for ref, label in members.items()}, negatives)


def _refs(path: Path, where: str, value: object) -> list[GoldRef]:
    ok = isinstance(value, list) and all(
        isinstance(m, list) and len(m) == 2 and all(isinstance(s, str) and s for s in m) for m in value
    )
    if not ok:
        raise GoldError(f"{path}: {where}: members must be a list of [article stem, gold name]")
    return [(m[0], m[1]) for m in value]  # type: ignore[union-attr]


# --------------------------------------------------------------------------- alignment


def _surfaces(forms: Iterable[str]) -> frozenset[str]:
    return frozenset(f for f in (normalize_form(x) for x in forms) if f)


def align_entities(extraction: Extraction, gold_entities: list) -> dict[int, str]:
    """gold entity index -> extracted entity local id, one-to-one by shared surface form.

    Candidates sharing the gold *name* come first, then those sharing an alias, so a clean span wins
    over a longer one that merely contains a mention of the same text.
    """
    preds = [e for e in extraction.entities if e.type.value not in UNSCORED]
    p_surf = [_surfaces([e.name, *e.aliases, *(m.text for m in e.mentions)]) for e in preds]
    scored = [i for i, g in enumerate(gold_entities) if g.type.value not in UNSCORED]
    edges: dict[int, list[int]] = {}
    for u, gi in enumerate(scored):
        g = gold_entities[gi]
        name, forms = normalize_form(g.name), _surfaces([g.name, *g.aliases])
        ranked = [
            (0 if normalize_form(p.name) == name else 1 if normalize_form(p.name) in forms else 2, j)
            for j, p in enumerate(preds)
            if p_surf[j] & forms
        ]
        edges[u] = [j for _, j in sorted(ranked)]
    matching = max_matching(len(scored), edges)
    return {scored[u]: preds[j].id for u, j in matching.items()}


# --------------------------------------------------------------------------- scoring


def _load_extractor(extractor: Extractor | str | None) -> Extractor:
    if extractor is None:
        from kg.ingest.pipeline import load_extractor

        return load_extractor()
    if isinstance(extractor, str):
        from kg.pipeline import load_extractor as load_spec

        return load_spec(extractor)
    return extractor


@dataclass
class Prepared:
    """The corpora extracted, stored and resolved in a scratch store, with gold and the alignment."""

    db: Path
    items: list[tuple[str, Extraction, Any]]  # (article stem, extraction, gold file)
    node_of: dict[tuple[str, str], str]  # (article id, local entity id) -> store entity id
    labels: Labels
    found: dict[GoldRef, tuple[str, str]]  # gold ref -> (store node id, gold type)
    gold_total: int


def _extract_corpora(corpora: Iterable[str | Path], extract: Extractor) -> list[tuple[str, Extraction, Any]]:
    items: list[tuple[str, Extraction, Any]] = []
    for corpus in corpora:
        corpus = Path(corpus)
        if not (corpus / "articles").is_dir() or not (corpus / "gold").is_dir():
            raise GoldError(f"{corpus}: expected a corpus directory with articles/ and gold/")
        files = [
            f
            for f in collect_files([corpus / "articles"])
            if isinstance(f, Path) and gold_path_for(corpus / "gold", str(f)).is_file()
        ]
        for item in iter_extractions(files, extractor=extract):
            if isinstance(item, Failure):
                raise KgError(f"{item.path}: {item.error}")
            article, extraction = item
            gpath = gold_path_for(corpus / "gold", article.path)
            items.append((gpath.stem, extraction, load_gold(gpath)))
    stems = Counter(stem for stem, _, _ in items)
    if dup := sorted(s for s, n in stems.items() if n > 1):
        raise GoldError(f"article stem {dup[0]!r} occurs in two corpora: stems must be unique")
    return items


@contextmanager
def prepared(
    corpora: Iterable[str | Path],
    label_files: Iterable[str | Path] = (),
    *,
    extractor: Extractor | str | None = None,
    aliases: str | Path | None = None,
) -> Iterator[Prepared]:
    """Extract the corpora (each a directory with articles/ and gold/), store and resolve them in a scratch
    store through the store's own code, align extracted with gold entities; the store lives as long as
    the `with` block."""
    labels = read_labels(label_files)
    extract = _load_extractor(extractor)
    config = read_aliases(aliases) if aliases else None
    items = _extract_corpora(corpora, extract)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "resolution.db"
        conn = connect(db, create=True)
        try:
            if config is not None:
                store_alias_config(conn, config)
            with transaction(conn):
                for _, extraction, _ in items:
                    write_extraction(conn, extraction, "resolution-eval")
            derive_graph(conn)
            node_of = {
                (aid, lid): eid
                for aid, lid, eid in conn.execute(
                    "SELECT article_id, local_id, entity_id FROM article_entities"
                )
            }
        finally:
            conn.close()
        found: dict[GoldRef, tuple[str, str]] = {}
        gold_total = 0
        for stem, extraction, gold in items:
            _check_labels(labels, stem, gold)
            gold_total += sum(1 for g in gold.entities if g.type.value not in UNSCORED)
            for gi, lid in align_entities(extraction, gold.entities).items():
                g = gold.entities[gi]
                found[(stem, normalize_form(g.name))] = (node_of[(extraction.article.id, lid)], g.type.value)
        yield Prepared(db, items, node_of, labels, found, gold_total)


def _check_labels(labels: Labels, stem: str, gold: Any) -> None:
    names = {normalize_form(g.name) for g in gold.entities}
    refs = [r for r in labels.cluster_of if r[0] == stem]
    refs += [r for pair in labels.negatives for r in pair if r[0] == stem]
    for ref in refs:
        if normalize_form(ref[1]) not in names:
            raise GoldError(f"label [{stem}, {ref[1]}]: no gold entity of that name in {stem}")


def truth_of(labels: Labels, ref: GoldRef) -> str:
    """The cluster a found gold entity belongs to (its own singleton when no label lists it)."""
    by_norm = {(s, normalize_form(n)): c for (s, n), c in labels.cluster_of.items()}
    return by_norm.get(ref, f"single:{ref[0]}:{ref[1]}")


def score_resolution(
    corpora: Iterable[str | Path],
    label_files: Iterable[str | Path] = (),
    *,
    extractor: Extractor | str | None = None,
    aliases: str | Path | None = None,
    max_listed: int = 50,
) -> ResolutionReport:
    """Extract, store and resolve the corpora (each a directory with articles/ and gold/), then score."""
    with prepared(corpora, label_files, extractor=extractor, aliases=aliases) as p:
        return _score(p.found, p.labels, p.gold_total, len(p.items), max_listed)


def _score(
    found: dict[GoldRef, tuple[str, str]], labels: Labels, gold_total: int, articles: int, max_listed: int
) -> ResolutionReport:
    by_norm = {(s, normalize_form(n)): c for (s, n), c in labels.cluster_of.items()}
    truth = {ref: by_norm.get(ref, f"single:{ref[0]}:{ref[1]}") for ref in found}
    pred = {ref: node for ref, (node, _) in found.items()}
    etype = {ref: t for ref, (_, t) in found.items()}

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    cells = Counter((truth[r], pred[r]) for r in found)
    correct = sum(pairs(n) for n in cells.values())
    true_pairs = sum(pairs(n) for n in Counter(truth.values()).values())
    pred_pairs = sum(pairs(n) for n in Counter(pred.values()).values())
    precision = correct / pred_pairs if pred_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def listing(group_by: dict[GoldRef, str], other: dict[GoldRef, str]) -> list[Pair]:
        groups: dict[str, list[GoldRef]] = defaultdict(list)
        for ref in sorted(group_by):
            groups[group_by[ref]].append(ref)
        out = []
        for refs in groups.values():
            for i, a in enumerate(refs):
                for b in refs[i + 1 :]:
                    if other[a] != other[b] and len(out) < max_listed:
                        out.append(Pair(a=a, b=b, a_type=etype[a], b_type=etype[b]))
        return out

    clusters: dict[str, list[GoldRef]] = defaultdict(list)
    for (s, n), c in labels.cluster_of.items():
        clusters[c].append((s, normalize_form(n)))
    checks = []
    for label, members in sorted(clusters.items()):
        got = [m for m in members if m in found]
        if not got:
            continue  # extraction found none of it: nothing for resolution to get right or wrong
        nodes = {pred[m] for m in got}
        intruders = sorted(r for r in found if pred[r] in nodes and truth[r] != label)
        checks.append(
            ClusterCheck(
                label=label, found=len(got), members=len(members), nodes=len(nodes), intruders=intruders
            )
        )
    neg_found = neg_apart = 0
    broken = []
    for a, b in labels.negatives:
        a, b = (a[0], normalize_form(a[1])), (b[0], normalize_form(b[1]))
        if a in found and b in found:
            neg_found += 1
            if pred[a] != pred[b]:
                neg_apart += 1
            else:
                broken.append(Pair(a=a, b=b, a_type=etype[a], b_type=etype[b]))
    return ResolutionReport(
        articles=articles,
        gold_entities=gold_total,
        found=len(found),
        true_pairs=true_pairs,
        predicted_pairs=pred_pairs,
        correct_pairs=correct,
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        false_merges=listing(pred, truth),
        missed_merges=listing(truth, pred),
        clusters=checks,
        negatives_apart=neg_apart,
        negatives_found=neg_found,
        broken_negatives=broken,
    )
