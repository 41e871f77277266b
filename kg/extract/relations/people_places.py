"""People and places: executives (title chains, 担任), attendance, openings and locations."""

from __future__ import annotations

import re

from kg.extract.candidates import REGION_SUFFIX_END_RE
from kg.extract.entities import ORG_TYPES
from kg.extract.lexicon import HONORIFICS, REGION_SUFFIXES, TITLE_CHAIN_RE
from kg.extract.normalize import DATE_RE, find_date
from kg.extract.officials import body_suffix
from kg.extract.relations.base import (
    _SEPS,
    Ctx,
    _clause_start,
    _first_after,
    _government_of,
    _is_modifier,
    _mention_before,
)
from kg.extract.relations.officials import drop_places_beside_bodies, official_targets

# Cue patterns of the rules below, compiled once (re.* with a string pays a cache lookup per call).
# 出席 / 参加 / 参与(签约仪式): the attendees before, the event after
_ATTENDS_RE = re.compile(r"出席|参加|参与")
# (在武汉)正式 / 成功 / nothing (落户): all that may part place and verb
# 在R(正式|发起|全资)设立: how it is founded may stand between the place and the cue
_OPTIONALLY_OFFICIAL_RE = re.compile(r"(?:正式|成功)?(?:发起|注册|全资|独资)?")
# 在 / 于 / 落户 / 入驻(正式): the word right before the place
_AT_OR_SETTLES_IN_RE = re.compile(r"(?:在|于|落户|入驻)(?:正式)?$")
# (在武汉)隆重举行了(揭牌仪式): 举行 between the place and the ceremony
_CEREMONY_HELD_RE = re.compile(r"(?:正式|隆重)?举行(?:了)?")
# 在(正式)武汉: 在 right before the place
_AT_RE = re.compile(r"在(?:正式)?$")
# 公司(在武汉落户): a clause opening with the bare 公司 (the article's company)
_BARE_COMPANY_RE = re.compile(r"公司")
# 新公司 / 该公司 / 此公司 / 合资公司 / 项目公司: the company just founded
_NEW_COMPANY_REF_RE = re.compile(r"新公司|该公司|此公司|合资公司|项目公司")
# 新公司 / 该公司 opening the sentence: the company just founded
_NEW_OR_THAT_COMPANY_RE = re.compile(r"新公司|该公司")


_HONORIFICS = frozenset(HONORIFICS)
_BARE_ZONES = frozenset(z for z in REGION_SUFFIXES if len(z) >= 2 and not z.startswith("自治")) | {"园区"}
_DEPT_END_RE = re.compile(r"(?:部|处|科|室|事业部|业务部)$")
_PUNCT_RE = re.compile(r"[，。；：、！？,.;:!?\s]")


def _zone_named_by(ctx: Ctx, word: str) -> tuple[int | None, int | None]:
    """高新区党工委书记: a bare zone word names the article's one zone of that kind (滨州高新区), else the
    committee that runs it (园区党工委书记 where only 苏州工业园区管委会 is named): (place, body)."""
    if word not in _BARE_ZONES:
        return None, None
    ents = ctx.table.entities
    hits = [i for i, ent in enumerate(ents) if ent.type == "Region" and ent.name.endswith(word)]
    if len(hits) == 1:
        return hits[0], None
    bodies = [
        i
        for i, ent in enumerate(ents)
        if ent.type == "GovernmentBody" and any(ent.name.endswith(word + w) for w in ("管委会", "管理委员会"))
    ]
    return None, (bodies[0] if len(bodies) == 1 else None)


def rule_executive(ctx: Ctx, s: int, e: int, ms) -> None:
    prev_org = None  # 公司董事长为A，总经理由B担任: a bare title later in the sentence keeps the organisation
    for ps, pe, pi in ms:
        groups = ctx.table.person_groups.get((ps, pe))
        if not groups:
            continue
        served: dict[int, list[tuple[int, int, str]]] = {}  # target -> (group, title, title text)
        for gi, g in enumerate(groups):
            if g.role in _HONORIFICS:
                continue  # 中国工程院院士张偲: an honour, no post
            org = place = None
            chunk = ctx.text[g.org_start : g.org_end]
            body_end = g.org_end - len(body_suffix(chunk))
            for ms_, me_, mi in ms:
                # the name ending right before the titles (景和建发总经理: a known name may hold a 和)
                if me_ == g.org_end and ms_ < g.org_end:
                    if ctx.etype(mi) in ORG_TYPES:
                        org = mi
                    elif ctx.etype(mi) == "Region":
                        place = mi
                elif me_ == body_end and ms_ < body_end and ctx.etype(mi) == "Region":
                    place = mi  # 东湖新区|党工委|副书记: the place before the body word
                elif (
                    me_ == g.org_end + 1
                    and ms_ < g.org_end
                    and ctx.etype(mi) == "Region"
                    and ctx.text[g.org_end : g.org_end + 1] == g.role[:1]
                ):
                    place = mi  # 黄埔|区委书记 where 黄埔区 is the place: the title's level character ends it
                elif ms_ < g.org_end < me_ <= g.org_end + 3 and ctx.etype(mi) == "GovernmentBody":
                    org = mi  # 滨江|区委|书记 where 滨江区委 is named as a body elsewhere
            if org is None and place is None and _DEPT_END_RE.search(chunk):
                # 星展中国企业及机构银行部主管: the organisation opening the chunk, the department in the role
                head = [
                    x
                    for x in ms
                    if g.org_start - 12 <= x[1] <= g.org_start
                    and ctx.etype(x[2]) in ORG_TYPES
                    and not _PUNCT_RE.search(ctx.text, x[1], g.org_end)
                ]
                if head:
                    org = head[-1][2]
                    role = ctx.text[head[-1][1] : g.org_end] + g.role
                    ctx.add("EXECUTIVE_OF", pi, org, {"role": role}, (s, e))
                    continue
            if place is None and org is None:
                place, org = _zone_named_by(ctx, chunk[: len(chunk) - len(body_suffix(chunk))])
            official = official_targets(ctx, chunk, g.role, org, place)
            if official:
                for ti, (target, role) in enumerate(official):
                    served.setdefault(target, []).append((-gi, ti, role))
                prev_org = org if org is not None else prev_org
                continue
            if org is None and place is not None:
                org = _government_of(ctx, chunk, g.role)
                if org is None and ctx.table.entities[place].name.endswith(("村", "社区")):
                    org = place  # 亭角村党支部书记: a village's leader serves the village (no body named)
            if org is None and chunk in ("公司", "本公司", "该公司", "集团", "集团公司"):
                org = ctx.focal
            if org is None and not chunk.strip() and ctx.text[g.org_start - 1 : g.org_start] in "，,、":
                # 董事长苏建光、总经理张保华: a bare title in a list serves the organisation of the one before
                org = prev_org
                if org is None and ms and ctx.text.startswith("为", ps - 1):
                    # X（下称Y）总部设在R，董事长为王启航: a bare title + 为 names the sentence's organisation
                    first = next(
                        (x for x in ms if x[1] <= g.org_start and ctx.etype(x[2]) in ORG_TYPES), None
                    )
                    org = first[2] if first is not None and ctx.etype(first[2]) != "GovernmentBody" else None
            ctx.add("EXECUTIVE_OF", pi, org, {"role": g.role}, (s, e))
            prev_org = org if org is not None else prev_org
        for target, roles in drop_places_beside_bodies(ctx, served).items():
            ctx.add("EXECUTIVE_OF", pi, target, {"role": "、".join(r[2] for r in sorted(roles))}, (s, e))
    # 袁国华同时担任临港新片区党工委副书记
    for m in re.finditer(
        r"(?:同时|现|还|兼)?(?:担任|出任|兼任|就任|当选为?|升任|(?:被)?任命为)", ctx.text[s:e]
    ):
        pos = s + m.start()
        person = _mention_before(ctx, ms, pos, 0, {"Person"})
        k = _first_after(ctx, ms, s + m.end(), 0, ORG_TYPES | {"Region"})
        if person is None or k is None:
            continue
        tm = TITLE_CHAIN_RE.match(ctx.text, ms[k][1])
        if not tm:
            continue
        if ctx.etype(ms[k][2]) == "Region":
            # 同时担任滨湖新区党工委副书记: a political title of a place (its committee named only here)
            chunk = ctx.text[ms[k][0] : ms[k][1]]
            for target, role in official_targets(ctx, chunk, tm.group(0), None, ms[k][2]):
                ctx.add("EXECUTIVE_OF", person, target, {"role": role}, (s, e))
            continue
        ctx.add("EXECUTIVE_OF", person, ms[k][2], {"role": tm.group(0)}, (s, e))


def rule_attended(ctx: Ctx, s: int, e: int, ms) -> None:
    for m in _ATTENDS_RE.finditer(ctx.text[s:e]):
        vpos = s + m.start()
        events = [i for ms_, _me, i in ms if ms_ >= vpos and ctx.etype(i) == "Event"]
        if not events:
            continue
        date = _event_date(ctx, s, e)
        for _ps, pe, pi in ms:
            if pe <= vpos and ctx.etype(pi) == "Person":
                ctx.add("ATTENDED", pi, events[0], {"date": date}, (s, e))


def _event_date(ctx: Ctx, s: int, e: int) -> str | None:
    """A ceremony's date: stated in the sentence, else the last date stated earlier in the same paragraph."""
    own = find_date(ctx.text[s:e], ctx.date)
    if own:
        return own
    para_start = ctx.text.rfind("\n", 0, s) + 1
    dates = [find_date(m.group(0), ctx.date) for m in DATE_RE.finditer(ctx.text, para_start, s)]
    dates = [d for d in dates if d]
    return dates[-1] if dates else None


# the end of a list of organisations: 等 / 等12家企业 / 等三家机构
_LIST_SEPS = re.compile(r"^(?:、|和|及|以及|、以及)$")
_LIST_TAIL_RE = re.compile(r"等(?:[\d一二两三四五六七八九十百几多]+[家个](?:企业|机构|公司|项目|单位)?)?")
_OPEN_RE = re.compile(r"落户|入驻|开业|揭牌|落地|开设|设立|投资建设")
# 在武汉成立华中区域总部 / 在R注册成立全资子公司: these verbs open something only with the unit named
_FOUND_UNIT_RE = re.compile(
    r"(?:注册成立|成立|投资新建|新建|建设|组建|建成投产|投产)(?=[^，,。；;]{0,10}?(?:子公司|分公司|总部|基地|工厂|"
    r"研发中心|研究院|研究中心|创新中心|实验室|产业园|产业基地|生产基地|分行|分支机构|生产线|办事处|代表处))"
)
_FOUND_WORDS = ("成立", "建", "投产")


def rule_opened(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    cues = list(_OPEN_RE.finditer(text, s, e))
    sent = text[s:e]
    if any(w in sent for w in _FOUND_WORDS):
        cues += _FOUND_UNIT_RE.finditer(text, s, e)
    for m in cues:
        region, region_end = None, -1
        # 在R(正式)?落户 / 落户R
        region_starts = {x[1]: x[0] for x in ms if ctx.etype(x[2]) == "Region"}
        for ms_, me_, mi in ms:
            if ctx.etype(mi) != "Region":
                continue
            lead = ms_
            while lead in region_starts:
                lead = region_starts[
                    lead
                ]  # 在越南|胡志明市开设分行: the places written together, the last one opens
            if (
                me_ <= m.start()
                and _OPTIONALLY_OFFICIAL_RE.fullmatch(text[me_ : m.start()])
                and _AT_OR_SETTLES_IN_RE.search(text[max(s, lead - 4) : lead])
            ):
                region = mi
            elif ms_ >= m.end() and ms_ - m.end() <= 1 and m.group(0) in ("落户", "入驻", "落地"):
                region, region_end = mi, me_
                break
            elif (
                me_ <= m.start()
                and _CEREMONY_HELD_RE.fullmatch(text[me_ : m.start()])
                and (text.startswith("仪式", m.end()) and _AT_RE.search(text[max(s, ms_ - 3) : ms_]))
            ):
                region = mi
        if region is None and text.startswith("的", m.end()) and m.group(0) in ("落户", "入驻"):
            # 在海口江东新区，年初刚刚入驻的X同样…: the place fronts the sentence, the settler follows 的
            k = _first_after(ctx, ms, s + 1, 0, {"Region"}) if text.startswith("在", s) else None
            k2 = _first_after(ctx, ms, m.end() + 1, 0)
            if k is not None and k2 is not None and ms[k][1] < m.start():
                ctx.add("OPENED_IN", ms[k2][2], ms[k][2], {"date": find_date(text[s:e], ctx.date)}, (s, e))
            continue
        if region is None:
            continue
        cs = _clause_start(text, s, m.start())
        subj, subj_k = None, -1
        # 带动上下游60余家配套企业落户成都: unnamed firms settle; the sentence's subject does not
        los = (cs,) if _UNNAMED_SETTLERS_RE.search(text, cs, m.start()) else (cs, s)
        for lo in los:
            for k, (ms_, me_, mi) in enumerate(ms):
                if (
                    ms_ >= lo
                    and me_ <= m.start()
                    and ctx.etype(mi) in ORG_TYPES
                    and not _is_modifier(ctx, me_, m.start())
                ):
                    subj, subj_k = mi, k
            if subj is not None:
                break
        if subj is not None:
            # A、B、C等12家企业落户R: every organisation of the list settles there (A与B… is a pair of
            # partners, not a list, unless 等 closes it)
            seps = _SEPS if _LIST_TAIL_RE.match(text, ms[subj_k][1]) else _LIST_SEPS
            k = subj_k
            while (
                k > 0 and seps.match(text[ms[k - 1][1] : ms[k][0]]) and ctx.etype(ms[k - 1][2]) in ORG_TYPES
            ):
                k -= 1
                if ms[k][0] < cs:
                    break
                ctx.add("OPENED_IN", ms[k][2], region, {"date": find_date(text[s:e], ctx.date)}, (s, e))
        if subj is None and _BARE_COMPANY_RE.match(text[cs : m.start()].lstrip()):
            subj = ctx.focal
        if subj is None and region_end != -1 and text.startswith("的", region_end):
            # 年初入驻江宁开发区的博世力士乐（南京）液压有限公司: the relative clause qualifies the name after 的
            k = _first_after(ctx, ms, region_end + 1, 0)
            subj = ms[k][2] if k is not None else None
        if subj is None and "项目" in text[cs : m.start()]:
            # 新能源电池项目正式落户高邮经济开发区。该项目由X投资建设: the project's investor settles there
            ctx.project_place = (region, s)
        ctx.add("OPENED_IN", subj, region, {"date": find_date(text[s:e], ctx.date)}, (s, e))


# 该项目由X投资建设 / 由X负责实施: who builds the project named just before
_BUILT_BY_RE = re.compile(r"由(?=[^，。；]{2,40}?(?:投资建设|出资建设|投资|建设|实施|运营|打造))")


def rule_project_investor(ctx: Ctx, s: int, e: int, ms) -> None:
    """The organisation that builds a project settling in a place (项目落户R。该项目由X投资建设) opens there."""
    if ctx.project_place is None or ctx.project_place[1] < s - 400:
        return
    m = _BUILT_BY_RE.search(ctx.text, s, e)
    if not m:
        return
    k = _first_after(ctx, ms, m.end(), 0)
    if k is not None:
        region = ctx.project_place[0]
        ctx.add("OPENED_IN", ms[k][2], region, {"date": find_date(ctx.text[s:e], ctx.date)}, (s, e))
        ctx.project_place = None


# 宁德锐能科技有限公司成都基地正式投产: an organisation, a place, the unit there, then it starts operating
_UNIT_STARTS_RE = re.compile(
    r"(?:生产基地|制造基地|基地|工厂|超级工厂|研发中心|区域总部|总部|分公司|分行|办事处)(?:一期|二期|项目)?"
    r"(?:已|已经)?(?:于(?:\d{4}年)?\d{1,2}月(?:\d{1,2}日)?|近日|日前)?(?:正式|顺利|成功)?(?:投产|开业|揭牌|落成|启用|建成投产)"
)


def rule_unit_opened(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    if not _UNIT_STARTS_RE.search(text, s, e):
        return
    for k in range(len(ms) - 1):
        org, place = ms[k], ms[k + 1]
        if (
            place[0] == org[1]
            and ctx.etype(org[2]) in ORG_TYPES
            and ctx.etype(place[2]) == "Region"
            and _UNIT_STARTS_RE.match(text, place[1])
        ):
            ctx.add("OPENED_IN", org[2], place[2], {"date": find_date(text[s:e], ctx.date)}, (s, e))


def _region_run_after(ctx: Ctx, ms, pos: int) -> int | None:
    """The most specific place of a run starting at pos (江苏省溧阳市 -> 溧阳市)."""
    k = _first_after(ctx, ms, pos, 0, {"Region"})
    if k is None:
        return None
    while k + 1 < len(ms) and ms[k + 1][0] == ms[k][1] and ctx.etype(ms[k + 1][2]) == "Region":
        k += 1
    nxt = ctx.text[ms[k][1] : ms[k][1] + 1]
    if nxt and "\u4e00" <= nxt <= "\u9fff" and nxt not in "内的境中，":
        return None  # 位于临港新片区滴水湖金融湾: the real place is a name we do not know
    return ms[k][2]


def _clause_or_sentence_subject(ctx: Ctx, s: int, pos: int, ms) -> int | None:
    """The organisation a clause is about: its last organisation before pos, else the sentence's subject."""
    cs = _clause_start(ctx.text, s, pos)
    inside = [x[2] for x in ms if x[0] >= cs and x[1] <= pos and ctx.etype(x[2]) in ORG_TYPES]
    if inside:
        return inside[-1]
    head = ctx.text[cs:pos].lstrip()
    if _NEW_COMPANY_REF_RE.match(head):
        return ctx.last_established
    first = [
        x for x in ms if x[1] <= pos and ctx.etype(x[2]) in ORG_TYPES and not _is_modifier(ctx, x[1], pos)
    ]
    if first:
        return first[0][2]
    if _BARE_COMPANY_RE.match(head):
        return ctx.focal
    if _NEW_OR_THAT_COMPANY_RE.match(ctx.text[s : s + 3]):
        return ctx.last_established
    return None


def rule_located(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    for m in re.finditer(
        r"(?:总部|注册地|选址)?(?:位于|坐落(?:于|在)|地处|注册(?:地)?(?:在|于|为)|设在|设于|落户于)",
        text[s:e],
    ):
        pos = s + m.start()
        region = _region_run_after(ctx, ms, s + m.end())
        if region is None:
            continue
        subj = _clause_or_sentence_subject(ctx, s, pos, ms)
        # 位于前海合作区的德赛尔精密机械（深圳）有限公司: the place qualifies the name after it
        rk = [x for x in ms if x[2] == region and x[0] >= s + m.end()]
        dm = _THEN_DE_RE.match(text, rk[0][1]) if rk else None
        if dm:
            # 位于平潭县城关派出所旁的招商银行…支行: a place and a spot in it qualify the name after 的
            k3 = _first_after(ctx, ms, dm.end(), 0)
            if k3 is not None:
                subj = ms[k3][2]
        ctx.add("LOCATED_IN", subj, region, {}, (s, e))
    # 苏州企业恒辉智能科技有限公司: a place + 企业 right before a company name is where the company is
    for k, x in enumerate(ms[:-1]):
        if ctx.etype(x[2]) == "Region" and text.startswith("企业", x[1]):
            nxt = ms[k + 1]
            if nxt[0] == x[1] + 2 and ctx.etype(nxt[2]) == "Company":
                ctx.add("LOCATED_IN", nxt[2], x[2], {}, (s, e))
    # X在前海注册成立 / 在R注册: the company is registered (located) in R
    for m in _REGISTERED_IN_RE.finditer(text, s, e):
        k = _first_after(ctx, ms, m.end(), 0, {"Region"})
        if k is None or not text.startswith("注册", ms[k][1]):
            continue
        subj = _clause_or_sentence_subject(ctx, s, m.start(), ms)
        if subj is not None and ctx.etype(subj) == "Company":
            ctx.add("LOCATED_IN", subj, ms[k][2], {}, (s, e))


_REGISTERED_IN_RE = re.compile(r"在(?=[^，,。；;]{2,24}?注册)")
_UNNAMED_SETTLERS_RE = re.compile(r"(?:\d+|[一二两三四五六七八九十百几]+)余?家|多家|一批|众多|企业$")
_THEN_DE_RE = re.compile(r"[^，,。；;的]{0,8}的")
# 招商银行雄安分行正式开业 / …平潭支行于2012年5月开业: a branch that opens opens in the place its name holds
_BRANCH_OPENS_RE = re.compile(
    r"(?:[于在][^，,。；;]{0,12}?)?(?:正式|顺利|隆重)?(?:开业|揭牌|开张|挂牌成立|揭牌成立|挂牌)"
)


def rule_branch_opened(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    for x in ms:
        name = ctx.table.entities[x[2]].name
        if ctx.etype(x[2]) != "Bank" or not name.endswith(("分行", "支行")):
            continue
        if not _BRANCH_OPENS_RE.match(text, x[1]):
            continue
        # the last place of the article written inside the branch's name (福州分行平潭支行 -> 平潭)
        best = None
        for i, ent in enumerate(ctx.table.entities):
            if ent.type != "Region":
                continue
            for surf in ent.surfaces:
                core = REGION_SUFFIX_END_RE.sub("", surf)
                for form in {surf, core} if len(core) >= 2 else {surf}:
                    at = name.rfind(form)
                    if at > 0 and (best is None or at > best[0]):
                        best = (at, i)
        if best is not None:
            ctx.add("OPENED_IN", x[2], best[1], {"date": find_date(text[s:e], ctx.date)}, (s, e))


# 张江科学城已集聚A、B等企业: who is already there stands in R (an arrival would be 落户/入驻: OPENED_IN)
_GATHERED_RE = re.compile(r"(?:已|目前已|现已|共)?(?:集聚|聚集|汇聚|集中)了?")
# 江西省最大的国有企业——X / 广西最大的地方法人银行X: the place that describes the organisation named next
_PLACE_APPOSITION_RE = re.compile(
    r"(?:最大|首家|唯一|第一|重要|龙头|骨干)?的?[\u4e00-\u9fff]{0,8}?(?:企业|公司|集团|银行|金融机构)(?:——|—|――|－|:|：)?"
)


def rule_located_lists(ctx: Ctx, s: int, e: int, ms) -> None:
    """R已集聚A、B等企业 -> each LOCATED_IN R; R最大的国有企业——X -> X LOCATED_IN R."""
    text = ctx.text
    for k, x in enumerate(ms):
        if ctx.etype(x[2]) != "Region":
            continue
        gm = _GATHERED_RE.match(text, x[1])
        if gm and gm.group(0).strip("已目前现共了") and k + 1 < len(ms) and ms[k + 1][0] == gm.end():
            j = k + 1
            while j < len(ms) and ctx.etype(ms[j][2]) in ORG_TYPES:
                ctx.add("LOCATED_IN", ms[j][2], x[2], {}, (s, e))
                if j + 1 < len(ms) and text[ms[j][1] : ms[j + 1][0]] in ("、", "和", "及", "以及"):
                    j += 1
                    continue
                break
            continue
        am = _PLACE_APPOSITION_RE.match(text, x[1])
        if (
            am
            and am.group(0).startswith(("最大", "首家", "唯一", "第一", "重要", "龙头", "骨干"))
            and k + 1 < len(ms)
            and ms[k + 1][0] == am.end()
            and ctx.etype(ms[k + 1][2]) in ORG_TYPES
        ):
            ctx.add("LOCATED_IN", ms[k + 1][2], x[2], {}, (s, e))
