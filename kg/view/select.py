"""Choosing what a view shows: filters, ego networks and truncation of large graphs.

Everything here works on `kg.models.Graph` only, so the same selection feeds the HTML page, the CLI
summary and the tests. The result keeps the Graph's id ordering, so a view is deterministic.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict, deque
from dataclasses import dataclass, field

from kg.errors import ViewError
from kg.models import Graph, GraphEntity, GraphRelation
from kg.ontology import ENTITY_TYPE_ZH, RELATION_TYPE_ZH, EntityType, RelationType

DEFAULT_MAX_NODES = 2000
DEFAULT_MAX_EDGES = 4000
DEFAULT_LABEL_TOP = 30
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


@dataclass
class ViewOptions:
    """What to show and how. Types and relations accept English enum names or Chinese display names."""

    focus: str | None = None
    depth: int | None = None  # hops around `focus` (None: 1); setting it without `focus` is an error
    types: list[str] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)
    since: str | None = None
    until: str | None = None
    min_evidence: int = 0
    max_nodes: int = DEFAULT_MAX_NODES
    max_edges: int = DEFAULT_MAX_EDGES
    lang: str = "zh"
    title: str | None = None
    with_branches: bool = False  # with `focus` on a bank: its branches (BRANCH_OF, any depth) are focus too
    show_isolated: bool = False  # whole-graph views hide entities without any shown relation unless set
    label_top: int = DEFAULT_LABEL_TOP  # the N most connected entities get large labels


@dataclass
class Selection:
    """The graph a view shows, plus what was left out by truncation (not by explicit filters)."""

    graph: Graph
    focus_ids: list[str] = field(default_factory=list)
    matched_entities: int = 0  # entities that passed the filters, before truncation
    matched_relations: int = 0
    omitted_entities: int = 0  # left out by --max-nodes
    omitted_relations: int = 0
    omitted_examples: list[str] = field(default_factory=list)  # a few names of left-out entities
    capped_relations: int = 0  # left out by --max-edges among the kept entities
    hidden_isolated: int = 0  # entities without a shown relation, hidden (--show-isolated shows them)

    @property
    def truncated(self) -> bool:
        return self.omitted_entities > 0

    @property
    def edges_capped(self) -> bool:
        return self.capped_relations > 0


def normalize_name(text: str) -> str:
    """Width-, case- and space-insensitive form used to match --focus against names and aliases."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).casefold()


def parse_entity_types(values: list[str]) -> set[EntityType]:
    """Accept `Company`, `company` or `企业`; anything else is a ViewError naming the valid choices."""
    by_key: dict[str, EntityType] = {}
    for t in EntityType:
        by_key[t.value.casefold()] = t
        by_key[ENTITY_TYPE_ZH[t]] = t
    out: set[EntityType] = set()
    for value in values:
        for part in (p.strip() for p in value.split(",")):
            if not part:
                continue
            if part.casefold() not in by_key:
                valid = ", ".join(t.value for t in EntityType)
                raise ViewError(f"unknown entity type {part!r} (choose from {valid})")
            out.add(by_key[part.casefold()])
    return out


def parse_relation_types(values: list[str]) -> set[RelationType]:
    """Accept `INVESTED_IN`, `invested_in` or `投资`; anything else is a ViewError."""
    by_key: dict[str, RelationType] = {}
    for t in RelationType:
        by_key[t.value.casefold()] = t
        by_key[RELATION_TYPE_ZH[t]] = t
    out: set[RelationType] = set()
    for value in values:
        for part in (p.strip() for p in value.split(",")):
            if not part:
                continue
            if part.casefold() not in by_key:
                valid = ", ".join(t.value for t in RelationType)
                raise ViewError(f"unknown relation type {part!r} (choose from {valid})")
            out.add(by_key[part.casefold()])
    return out


def _check_date(label: str, value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if not _DATE_RE.match(value):
        raise ViewError(f"{label} {value!r} is not an ISO date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return value


def date_in_range(date: str | None, since: str | None, until: str | None) -> bool:
    """Compare ISO prefixes at their common precision: `2022` overlaps `--since 2022-06`.

    A relation without a date cannot be placed in time, so any date bound excludes it.
    """
    if since is None and until is None:
        return True
    if not date:
        return False
    if since is not None:
        n = min(len(date), len(since))
        if date[:n] < since[:n]:
            return False
    if until is not None:
        n = min(len(date), len(until))
        if date[:n] > until[:n]:
            return False
    return True


NameRow = tuple[str, str, list[str]]  # (entity id, canonical name, aliases)


def find_entities(graph: Graph, name: str) -> list[GraphEntity]:
    """Entities whose canonical name or an alias equals `name` (normalised)."""
    ids = set(match_focus([(e.id, e.name, e.aliases) for e in graph.entities], name))
    return [e for e in graph.entities if e.id in ids]


def match_focus(rows: list[NameRow], name: str) -> list[str]:
    """Ids of the rows whose name or an alias equals `name` (normalised); none is a ViewError with hints."""
    key = normalize_name(name)
    ids = [i for i, n, aliases in rows if key in {normalize_name(x) for x in [n, *aliases]}]
    if not ids:
        raise _unknown_focus(rows, name)
    return ids


def _unknown_focus(rows: list[NameRow], name: str) -> ViewError:
    key = normalize_name(name)
    close = sorted(
        {n for _, n, aliases in rows if key and any(key in normalize_name(x) for x in [n, *aliases])}
    )
    hint = f"; did you mean: {', '.join(close[:5])}" if close else ""
    return ViewError(f"no entity named {name!r} (names and aliases were searched){hint}")


def _degrees(relations: list[GraphRelation]) -> dict[str, int]:
    deg: dict[str, int] = defaultdict(int)
    for r in relations:
        deg[r.source] += 1
        deg[r.target] += 1
    return deg


def _ego(seeds: list[str], relations: list[GraphRelation], depth: int) -> dict[str, int]:
    """Breadth-first distances (ignoring direction) from the seeds, up to `depth` hops."""
    adj: dict[str, set[str]] = defaultdict(set)
    for r in relations:
        adj[r.source].add(r.target)
        adj[r.target].add(r.source)
    dist = {s: 0 for s in seeds}
    queue = deque(seeds)
    while queue:
        node = queue.popleft()
        if dist[node] >= depth:
            continue
        for nb in sorted(adj[node]):
            if nb not in dist:
                dist[nb] = dist[node] + 1
                queue.append(nb)
    return dist


@dataclass
class ParsedOptions:
    """ViewOptions checked and normalised: the part both selection paths (Graph, store) share."""

    since: str | None
    until: str | None
    types: set[EntityType]
    rel_types: set[RelationType]


def parse_options(options: ViewOptions) -> ParsedOptions:
    """Validate every option up front, so a bad one fails before any reading."""
    if options.depth is not None and options.depth < 0:
        raise ViewError(f"--depth must be 0 or more, got {options.depth}")
    if options.depth is not None and options.focus is None:
        raise ViewError("--depth counts hops around --focus: add --focus NAME or drop --depth")
    if options.min_evidence < 0:
        raise ViewError(f"--min-evidence must be 0 or more, got {options.min_evidence}")
    if options.max_nodes < 1:
        raise ViewError(f"--max-nodes must be at least 1, got {options.max_nodes}")
    if options.max_edges < 1:
        raise ViewError(f"--max-edges must be at least 1, got {options.max_edges}")
    if options.with_branches and options.focus is None:
        raise ViewError("--with-branches rolls a bank's branches into its --focus view: add --focus NAME")
    if options.label_top < 0:
        raise ViewError(f"--label-top must be 0 or more, got {options.label_top}")
    since = _check_date("--since", options.since)
    until = _check_date("--until", options.until)
    if since and until and since[: min(len(since), len(until))] > until[: min(len(since), len(until))]:
        raise ViewError(f"--since {since} is after --until {until}")
    return ParsedOptions(
        since, until, parse_entity_types(options.types), parse_relation_types(options.relations)
    )


def cap_relations(relations: list[GraphRelation], max_edges: int) -> list[GraphRelation]:
    """The `max_edges` best-supported relations (most evidence, then id), in their original order."""
    if len(relations) <= max_edges:
        return relations
    best = sorted(relations, key=lambda r: (-len(r.evidence), r.id))[:max_edges]
    kept = {r.id for r in best}
    return [r for r in relations if r.id in kept]


def select_view(graph: Graph, options: ViewOptions) -> Selection:
    """Apply the filters in a fixed order: relation filters, entity types, focus, then --max-nodes,
    then --max-edges.

    Explicit filters silently narrow the view; only truncation is reported as "left out", because the
    user did not ask for it.
    """
    parsed = parse_options(options)
    since, until, types, rel_types = parsed.since, parsed.until, parsed.types, parsed.rel_types

    entities = {e.id: e for e in graph.entities}
    relation_filtered = bool(rel_types or since or until or options.min_evidence > 1)
    relations = [
        r
        for r in graph.relations
        if r.source in entities
        and r.target in entities
        and (not rel_types or r.type in rel_types)
        and date_in_range(r.properties.date, since, until)
        and len(r.evidence) >= options.min_evidence
    ]

    focus_ids: list[str] = []
    if options.focus is not None:
        focus_ids = match_focus([(e.id, e.name, e.aliases) for e in graph.entities], options.focus)
        if options.with_branches:
            focus_ids = sorted(set(focus_ids) | branch_descendants(graph.relations, focus_ids))

    keep = {i for i, e in entities.items() if not types or e.type in types or i in focus_ids}
    relations = [r for r in relations if r.source in keep and r.target in keep]
    hidden = 0
    if relation_filtered or not (focus_ids or options.show_isolated):
        # only entities the chosen relations touch (plus the focus); a whole-graph view hides isolated ones
        touched = {r.source for r in relations} | {r.target for r in relations} | set(focus_ids)
        if not relation_filtered:
            hidden = len(keep - touched)
        keep &= touched

    dist: dict[str, int] = {}
    if focus_ids:
        dist = _ego(focus_ids, relations, 1 if options.depth is None else options.depth)
        keep &= set(dist)
        relations = [r for r in relations if r.source in keep and r.target in keep]

    matched_entities, matched_relations = len(keep), len(relations)
    omitted: list[str] = []
    if len(keep) > options.max_nodes:
        deg = _degrees(relations)
        ranked = sorted(keep, key=lambda i: (dist.get(i, 0), -deg.get(i, 0), i))
        keep = set(ranked[: options.max_nodes])
        omitted = ranked[options.max_nodes :]
        relations = [r for r in relations if r.source in keep and r.target in keep]
    shown_relations = len(relations)
    relations = cap_relations(relations, options.max_edges)

    article_ids = {ev.article_id for r in relations for ev in r.evidence}
    article_ids |= {a for i in keep for a in entities[i].article_ids}
    view = Graph(
        articles=[a for a in graph.articles if a.id in article_ids],
        entities=[e for e in graph.entities if e.id in keep],
        relations=relations,
    )
    return Selection(
        graph=view,
        focus_ids=focus_ids,
        matched_entities=matched_entities,
        matched_relations=matched_relations,
        omitted_entities=len(omitted),
        omitted_relations=matched_relations - shown_relations,
        omitted_examples=[entities[i].name for i in omitted[:5]],
        capped_relations=shown_relations - len(relations),
        hidden_isolated=hidden,
    )


def branch_descendants(relations: list[GraphRelation], roots: list[str]) -> set[str]:
    """Every entity with a BRANCH_OF path to one of `roots` (the bank's branches at any depth)."""
    children: dict[str, list[str]] = defaultdict(list)
    for r in relations:
        if r.type is RelationType.BRANCH_OF:
            children[r.target].append(r.source)
    out: set[str] = set()
    todo = list(roots)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in out:
                out.add(child)
                todo.append(child)
    return out - set(roots)
