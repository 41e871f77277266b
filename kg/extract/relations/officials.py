"""EXECUTIVE_OF for officials: a political title serves the body the article names, else the place."""

from __future__ import annotations

from kg.extract import officials as of
from kg.extract.relations.base import Ctx

# names a body of each kind may have after its place (成都市委, 四川省人民政府, 广州市政协)
_BODY_WORDS = {
    "party": ("委", "党委", "党工委", "党组"),
    "government": ("人民政府", "政府", "管委会", "管理委员会"),
    "congress": ("人大常委会", "人大", "政协"),
}


def implied(ctx: Ctx, level: str) -> int | None:
    """The article's place of a level, computed once per article and level."""
    if level not in ctx.implied:
        ctx.implied[level] = of.implied_place(ctx.region_mentions(), level)
    return ctx.implied[level]


def _body_of(ctx: Ctx, place: int | None, level: str | None, kind: str) -> int | None:
    """The article's GovernmentBody of that kind for the place (or, with no place, the bare 州政府 kind);
    computed once per article and question (the entities do not change while relations are read)."""
    key = (place, level, kind)
    if key not in ctx.bodies:
        ctx.bodies[key] = _find_body(ctx, place, level, kind)
    return ctx.bodies[key]


def _find_body(ctx: Ctx, place: int | None, level: str | None, kind: str) -> int | None:
    ents = ctx.table.entities
    words = _BODY_WORDS[kind]
    stems: set[str] = set()
    if place is not None:
        for surf in ents[place].surfaces:
            stems.add(surf)
            if level and not surf.endswith(level):
                stems.add(surf + level)
    elif level:
        stems.add(level)
    for i, ent in enumerate(ents):
        if ent.type != "GovernmentBody":
            continue
        for surf in ent.surfaces:
            for stem in stems:
                if surf.startswith(stem) and surf[len(stem) :] in words:
                    return i
    if place is None and level:
        # 省长 where the article names 四川省政府 but not the province alone: the one body of that level
        hits = [
            i
            for i, ent in enumerate(ents)
            if ent.type == "GovernmentBody" and _level_body(ent.name, level, words)
        ]
        if len(hits) == 1:
            return hits[0]
    return None


def _level_body(name: str, level: str, words: tuple[str, ...]) -> bool:
    """Is `name` a body of that kind of a place of that level (四川省政府: a province's government)?"""
    for w in words:
        if name.endswith(w) and len(name) > len(w) + 1:
            return of.place_level(name[: -len(w)]) == level
    return False


def official_targets(
    ctx: Ctx, chunk: str, role: str, org: int | None, place: int | None
) -> list[tuple[int, str]]:
    """(target, title) for each political title of a chain (省委常委、成都市委书记 -> 四川省, 成都市); empty when
    the chain holds no political title or its target is unknown (the caller then treats it as a job)."""
    out: list[tuple[int, str]] = []
    for title in of.split_roles(role):
        parsed = of.parse_title(chunk, title)
        if parsed is None:
            continue
        kind, level = parsed
        if org is not None and ctx.etype(org) == "GovernmentBody":
            out.append((org, title))  # 南京江宁科学城管委会党工委书记: the body is named before the title
            continue
        where = place
        if where is None and level:
            where = implied(ctx, level)
        body = _body_of(ctx, where, level, kind)
        if body is None and place is None and level:
            body = _body_of(ctx, None, level, kind)  # a bare 州政府 of an unnamed prefecture
        target = body if body is not None else where
        if target is not None:
            out.append((target, title))
    return out


def drop_places_beside_bodies(ctx: Ctx, served: dict[int, list]) -> dict[int, list]:
    """省委副书记、省长 -> 四川省政府 (role 省委副书记、省长): a place is dropped when a body of the same place is
    served, and its titles join the body's role, as the chain was written."""
    ents = ctx.table.entities
    bodies = [t for t in served if ents[t].type == "GovernmentBody"]
    out: dict[int, list] = {t: list(r) for t, r in served.items()}
    for t, roles in served.items():
        if ents[t].type != "Region":
            continue
        level = of.place_level(ents[t].name)
        beside = [
            b
            for b in bodies
            if any(b_s.startswith(p_s) for b_s in ents[b].surfaces for p_s in ents[t].surfaces)
            or (level and ents[b].name[0] == level and ents[b].name.endswith("政府"))  # 大理 and its 州政府
        ]
        if beside:
            out.pop(t)
            out[beside[0]] = roles + out[beside[0]]
    return out
