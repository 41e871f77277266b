"""`kg duplicates`: entities that are probably one thing on two nodes, ranked for a person to check.

Resolution merges only what it is sure of; what is left split shows up here. Candidates are pairs of
entities of compatible types (the same type, or two of Company / Bank / Fund, which extraction confuses)
that share a rare character pair of their name stems. Each pair is scored by
- name: the same resolution key (kept apart by a guard or an ambiguity), one stem inside the other (a
  broken span, 自国家开发银行 / 国家开发银行, scores higher the less is left over), or character-pair overlap;
- context: neighbours both are related to (the same borrower, the same government) count for it;
- what argues against it: a guard of resolution would refuse the join (a branch and its bank, a zone and
  a place, two registered legal forms), or one article names both as different entities.
Persons are proposed only with the same name and a shared neighbour (namesakes are common).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from kg.ontology import EntityType
from kg.resolve import is_generic, name_key, normalize_form
from kg.resolve.guards import Traits, conflict
from kg.store.read import open_store

ORGANISATION_TYPES = frozenset({"Company", "Bank", "Fund"})
SKIP_TYPES = frozenset({"Event"})
STEM_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团公司", "集团", "公司", "股份")
MAX_BLOCK = 400  # a character pair shared by more entities than this is too common to block on
DEFAULT_MIN_SCORE = 0.75
PERSON_NAME_SCORE = 0.7


@dataclass
class Candidate:
    a: str
    a_name: str
    a_type: str
    b: str
    b_name: str
    b_type: str
    score: float
    name_score: float
    shared_neighbours: int
    reasons: list[str] = field(default_factory=list)


@dataclass
class _Entity:
    id: str
    name: str
    type: str
    forms: list[str]
    stems: set[str]
    keys: set[str]
    traits: Traits
    articles: set[str] = field(default_factory=set)


def stem(form: str) -> str:
    """The name without legal suffixes and a leading 中国 (but 中国银行 keeps its 中国)."""
    s = normalize_form(form)
    for suffix in STEM_SUFFIXES:
        if len(s) > len(suffix) and s.endswith(suffix):
            s = s[: -len(suffix)]
    return s[2:] if s.startswith("中国") and len(s) > 4 and not s[2:].startswith("银行") else s


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _entities(conn: sqlite3.Connection, etype: str | None) -> dict[str, _Entity]:
    aliases: dict[str, list[str]] = defaultdict(list)
    for eid, alias in conn.execute("SELECT entity_id, alias FROM aliases ORDER BY entity_id, alias"):
        aliases[eid].append(alias)
    out: dict[str, _Entity] = {}
    for eid, name, t in conn.execute("SELECT id, name, type FROM entities ORDER BY id"):
        if t in SKIP_TYPES or (etype and t != etype):
            continue
        forms = [f for f in [name, *aliases[eid]] if not is_generic(f)] or [name]
        traits = Traits()
        keys = set()
        for f in forms:
            key = name_key(EntityType(t), f)
            keys.add(key.full)
            traits.absorb(Traits.of_key(t, key))
        # stems as written and as resolution keys them (四川省人民政府 -> 四川省政府, 管理委员会 -> 管委会)
        stems = {
            x
            for f in forms
            for x in (stem(f), name_key(EntityType(t), f).full.replace("/", ""))
            if len(x) >= 2
        }
        out[eid] = _Entity(eid, name, t, forms, stems, keys, traits)
    for eid, aid in conn.execute("SELECT DISTINCT entity_id, article_id FROM article_entities"):
        if eid in out:
            out[eid].articles.add(aid)
    return out


def _compatible(a: _Entity, b: _Entity) -> bool:
    return a.type == b.type or (a.type in ORGANISATION_TYPES and b.type in ORGANISATION_TYPES)


def _name_score(a: _Entity, b: _Entity) -> tuple[float, bool, bool, str]:
    """(score 0..1, one stem inside the other, at its end, why): containment wins over mere overlap.

    A whole name with a few stray characters in front (自国家开发银行, 第三方深圳市联俊投资发展) is the shape of
    a broken span and scores high; a short name at the head of a longer one (平安 / 平安产险, 北汽 / 北汽蓝谷)
    is usually a group and its subsidiary and scores by coverage only. Overlap without containment counts
    only between names with the same head (湘潭市国资委 and 南京市国资委 share most characters, not a place)."""
    if a.type == b.type and a.keys & b.keys:
        return 1.0, False, False, "same resolution key"
    inside: tuple[float, bool, str] | None = None
    overlap = (0.0, "")
    for sa in a.stems:
        for sb in b.stems:
            short, long_ = sorted((sa, sb), key=len)
            if short in long_:
                score = len(short) / len(long_)
                extra = len(long_) - len(short)
                at_end = long_.endswith(short)
                if at_end and len(short) >= 4:
                    score = max(score, 0.9 - 0.03 * extra)  # stray characters in front of a whole name
                if inside is None or score > inside[0]:
                    inside = (score, at_end, f"{short} inside {long_}")
                continue
            if sa[:2] != sb[:2]:
                continue
            ga, gb = _bigrams(sa), _bigrams(sb)
            dice = 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0
            if dice > overlap[0]:
                overlap = (dice, f"names overlap ({dice:.2f})")
    if inside is not None:
        return inside[0], True, inside[1], inside[2]
    return overlap[0], False, False, overlap[1]


def find_duplicates(
    db_path: str | Path,
    *,
    limit: int | None = 50,
    min_score: float = DEFAULT_MIN_SCORE,
    etype: str | None = None,
) -> list[Candidate]:
    """Likely splits in the store, best first (score, then names)."""
    conn = open_store(db_path)
    try:
        ents = _entities(conn, etype)
        neighbours: dict[str, set[str]] = defaultdict(set)
        branch_pairs: set[frozenset] = set()
        for src, tgt, rtype in conn.execute("SELECT source, target, type FROM relations"):
            if rtype == "BRANCH_OF":
                branch_pairs.add(frozenset((src, tgt)))
            elif src != tgt:
                neighbours[src].add(tgt)
                neighbours[tgt].add(src)
    finally:
        conn.close()
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for e in ents.values():
        if e.type == "Person":  # namesakes only: the whole name is the block
            blocks[("Person", e.name)].append(e.id)
            continue
        group = "org" if e.type in ORGANISATION_TYPES else e.type
        for g in {g for s in e.stems for g in _bigrams(s)} or e.stems:
            blocks[(group, g)].append(e.id)
    pairs: set[tuple[str, str]] = set()
    for members in blocks.values():
        if len(members) > MAX_BLOCK:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                pairs.add((a, b) if a < b else (b, a))
    out = []
    for a_id, b_id in sorted(pairs):
        a, b = ents[a_id], ents[b_id]
        if not _compatible(a, b) or frozenset((a_id, b_id)) in branch_pairs:
            continue
        cand = _score(a, b, neighbours)
        if cand is not None and cand.score >= min_score:
            out.append(cand)
    out.sort(key=lambda c: (-c.score, c.a_name, c.b_name, c.a, c.b))
    return out if limit is None else out[:limit]


def _score(a: _Entity, b: _Entity, neighbours: dict[str, set[str]]) -> Candidate | None:
    shared = len((neighbours.get(a.id, set()) & neighbours.get(b.id, set())) - {a.id, b.id})
    if a.type == "Person":
        if a.name != b.name or not shared:
            return None
        name, inside, at_end, why = (
            PERSON_NAME_SCORE,
            False,
            False,
            "same name",
        )  # namesakes: context must add
    else:
        name, inside, at_end, why = _name_score(a, b)
    reasons = [why] if why else []
    score = name + 0.1 * min(shared, 3)
    if shared:
        reasons.append(f"{shared} shared neighbour(s)")
    if a.type != b.type:
        score -= 0.2  # extraction mistypes now and then, but two types are a hint of two things
        reasons.append(f"typed {a.type} and {b.type}")
    guard = conflict(a.traits, b.traits)
    if guard == "sibling-branches" and at_end:
        guard = None  # 热切期盼国家开发银行云南省分行: the same branch behind a broken bank name
    if guard:
        score -= 0.4
        reasons.append(f"resolution refuses it: {guard}")
    together = a.articles & b.articles
    if together and not inside and a.type != "Person":
        score -= 0.2
        reasons.append(f"named apart in {len(together)} article(s)")
    return Candidate(
        a.id, a.name, a.type, b.id, b.name, b.type, round(score, 3), round(name, 3), shared, reasons
    )
