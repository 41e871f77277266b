"""Relations from cue-word grammars over sentences whose entity mentions are known.

Each rule reads one sentence: the cue (旗下, 签署…协议, 向X投放贷款, 通过X引入境外融资, 共同出资设立, 出资…占比,
转让…股权, 在R落户, 位于R, title chains, 出席…仪式) fixes the roles, the mentions around it fill them.
Coordinated lists yield one relation per member; 双方 / 此公司 / 该合资公司 / 公司 refer back to the parties,
the last company founded, or the article's first company.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from kg.extract.entities import ORG_TYPES, EntityTable
from kg.extract.normalize import AMOUNT_RE, find_date, parse_amount
from kg.ontology import SIGNATURES, SYMMETRIC, EntityType, RelationType

SENT_RE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
CLAUSE_BREAK = "，,：:；;"
_SEPS = re.compile(r"^(?:、|和|及|与|以及|、以及|或)$")


@dataclass
class Rel:
    type: str
    src: int
    tgt: int
    props: dict
    ev: tuple[int, int]
    conf: float = 0.9


@dataclass
class Ctx:
    text: str
    table: EntityTable
    date: Optional[str]
    rels: list[Rel] = field(default_factory=list)
    last_pair: Optional[list[int]] = None
    last_established: Optional[int] = None
    last_fin: Optional[dict] = None
    focal: Optional[int] = None
    pending_amount: Optional[tuple] = None

    def etype(self, i: int) -> str:
        return self.table.entities[i].type

    def mentions(self, s: int, e: int) -> list[tuple[int, int, int]]:
        return [m for m in self.table.mention_list if m[0] >= s and m[1] <= e]

    def add(self, rtype: str, src: Optional[int], tgt: Optional[int], props: dict, ev, conf: float = 0.9) -> None:
        if src is None or tgt is None or src == tgt:
            return
        st, tt = SIGNATURES[RelationType(rtype)]
        if EntityType(self.etype(src)) not in st or EntityType(self.etype(tgt)) not in tt:
            return
        self.rels.append(Rel(rtype, src, tgt, {k: v for k, v in props.items() if v is not None}, ev, conf))


def _clause_start(text: str, s: int, pos: int) -> int:
    depth = 0
    for i in range(pos - 1, s - 1, -1):
        ch = text[i]
        if ch in "》":
            depth += 1
        elif ch in "《":
            depth -= 1
        elif depth <= 0 and ch in CLAUSE_BREAK:
            return i + 1
    return s


def _clause_end(text: str, pos: int, e: int) -> int:
    for i in range(pos, e):
        if text[i] in CLAUSE_BREAK:
            return i
    return e


def _orgs(ctx: Ctx, ms, persons: bool = False) -> list[int]:
    out = []
    for _s, _e, i in ms:
        t = ctx.etype(i)
        if (t in ORG_TYPES or (persons and t == "Person")) and i not in out:
            out.append(i)
    return out


def _list_from(ctx: Ctx, ms, first: int) -> list[tuple[int, int, int]]:
    """The coordinated list starting at mention index `first` (A、B和C)."""
    out = [ms[first]]
    for k in range(first + 1, len(ms)):
        gap = ctx.text[out[-1][1] : ms[k][0]]
        if _SEPS.match(gap) or (gap == "" and False):
            out.append(ms[k])
        else:
            break
    return out


def _first_after(ctx: Ctx, ms, pos: int, max_gap: int = 3, types=ORG_TYPES) -> Optional[int]:
    for k, m in enumerate(ms):
        if m[0] >= pos and m[0] - pos <= max_gap and ctx.etype(m[2]) in types:
            return k
    return None


def _last_before(ctx: Ctx, ms, pos: int, max_gap: int = 3, types=ORG_TYPES) -> Optional[int]:
    best = None
    for k, m in enumerate(ms):
        if m[1] <= pos and pos - m[1] <= max_gap and ctx.etype(m[2]) in types:
            best = k
    return best


def _stake(text: str) -> Optional[str]:
    m = re.search(r"(\d+(?:\.\d+)?%)", text)
    return m.group(1) if m else None


_COREF_RE = re.compile(r"^(?:此公司|该公司|新公司|该合资公司|其)")

# ------------------------------------------------------------------ rules


def rule_executive(ctx: Ctx, s: int, e: int, ms) -> None:
    for ps, pe, pi in ms:
        groups = ctx.table.person_groups.get((ps, pe))
        if not groups:
            continue
        for g in groups:
            org = None
            for ms_, me_, mi in ms:
                if me_ == g.org_end and ms_ >= g.org_start and ctx.etype(mi) in ORG_TYPES:
                    org = mi
            if org is None and g.org_start == g.org_end:
                level = next((c for c in "区市县省" if c in g.role), None)
                govs = [
                    i for i, ent in enumerate(ctx.table.entities)
                    if ent.type == "GovernmentBody" and level and re.search(level + r"(?:人民)?政府$", ent.name)
                ]
                org = govs[0] if len(govs) == 1 else None
            ctx.add("EXECUTIVE_OF", pi, org, {"role": g.role}, (s, e))


def rule_attended(ctx: Ctx, s: int, e: int, ms) -> None:
    for m in re.finditer(r"出席|参加|参与", ctx.text[s:e]):
        vpos = s + m.start()
        events = [i for ms_, _me, i in ms if ms_ >= vpos and ctx.etype(i) == "Event"]
        if not events:
            continue
        for ps, pe, pi in ms:
            if pe <= vpos and ctx.etype(pi) == "Person":
                ctx.add("ATTENDED", pi, events[0], {"date": find_date(ctx.text[s:e], ctx.date)}, (s, e))


_AGREEMENT_RE = re.compile(
    r"(?:了|的)?(?:正式)?(?P<a>《[^》]{1,80}》|[\u4e00-\u9fff]{0,14}?(?:框架协议|合作协议|协议书|协议|备忘录|意向书|合同|协定))"
)
_SHORT_AGREEMENT_RE = re.compile(r"[(（](?:以下|下)?简称[“\"]?(《[^》]+》)[”\"]?[)）]")


def _parties_before(ctx: Ctx, s: int, vpos: int, ms) -> list[int]:
    cs = _clause_start(ctx.text, s, vpos)
    out: list[int] = []
    for ms_, me_, mi in ms:
        if ms_ < cs or me_ > vpos:
            continue
        t = ctx.etype(mi)
        if t == "Person" and ctx.table.person_groups.get((ms_, me_)):
            continue  # an official signing for an organisation: the organisation is the party
        if (t in ORG_TYPES or t == "Person") and mi not in out:
            out.append(mi)
    if len(out) < 2 and "双方" in ctx.text[cs:vpos] and ctx.last_pair:
        return list(ctx.last_pair)
    return out


def _sides(ctx: Ctx, s: int, vpos: int, ms, parties: list[int]) -> list[tuple[int, int]]:
    """Pairs of signing parties: across 与/和/同 when the clause has two sides (A、B与C -> A-C, B-C), else all."""
    cs = _clause_start(ctx.text, s, vpos)
    seg = ctx.text[cs:vpos]
    for wm in re.finditer(r"与|同|和|跟", seg):
        pos = cs + wm.start()
        left = [i for ms_, me_, i in ms if cs <= ms_ and me_ <= pos and i in parties]
        right = [i for ms_, me_, i in ms if ms_ >= pos + 1 and me_ <= vpos and i in parties]
        if left and right and ctx.text[pos - 1] != "、":
            between = ctx.text[max(cs, pos - 1) : pos + 2]
            del between
            return [(a, b) for a in left for b in right if a != b]
        if left and not right:
            return []
    return [(parties[a], parties[b]) for a in range(len(parties)) for b in range(a + 1, len(parties))]


def _pairs(ctx: Ctx, rtype: str, parties: list[int], props: dict, ev, conf=0.9) -> None:
    for a in range(len(parties)):
        for b in range(a + 1, len(parties)):
            ctx.add(rtype, parties[a], parties[b], props, ev, conf)


def rule_signed(ctx: Ctx, s: int, e: int, ms) -> None:
    sent = ctx.text[s:e]
    for m in re.finditer(r"签订|签署|签约(?!仪式|现场|活动|会|大会)|签下|签定", sent):
        vpos = s + m.start()
        am = _AGREEMENT_RE.match(ctx.text, s + m.end())
        agreement = None
        if am:
            agreement = am.group("a")
            sm = _SHORT_AGREEMENT_RE.match(ctx.text, am.end())
            if sm:
                agreement = sm.group(1)
        if not agreement and m.group(0) != "签约":
            continue
        parties = _parties_before(ctx, s, vpos, ms)
        if len(parties) < 2:
            continue
        date = find_date(ctx.text[s:vpos], ctx.date)
        sides = _sides(ctx, s, vpos, ms, parties)
        strategic = (agreement and "战略合作" in agreement) or "战略合作" in ctx.text[vpos - 10 : vpos]
        for a, b in sides:
            ctx.add("SIGNED_AGREEMENT_WITH", a, b, {"date": date, "agreement": agreement}, (s, e))
            if strategic and ctx.etype(a) in ORG_TYPES and ctx.etype(b) in ORG_TYPES:
                ctx.add("STRATEGIC_PARTNER_OF", a, b, {"date": date}, (s, e))
        if sides:
            ctx.last_pair = parties


def rule_strategic(ctx: Ctx, s: int, e: int, ms) -> None:
    sent = ctx.text[s:e]
    m = re.search(r"战略合作(?:关系|伙伴|框架)", sent)
    if not m or re.search(r"签订|签署|签约", sent):
        return
    vpos = s + m.start()
    parties = [p for p in _parties_before(ctx, s, vpos, ms) if ctx.etype(p) in ORG_TYPES]
    conf = 0.9
    if len(parties) < 2 and "双方" in sent and ctx.last_pair:
        parties, conf = [p for p in ctx.last_pair if ctx.etype(p) in ORG_TYPES], 0.7
    if len(parties) >= 2:
        _pairs(ctx, "STRATEGIC_PARTNER_OF", parties, {"date": find_date(sent, ctx.date)}, (s, e), conf)


_FIN_RE = re.compile(r"贷款|授信|信贷|银团|融资支持|投放|发放")


def rule_financing(ctx: Ctx, s: int, e: int, ms) -> None:
    sent = ctx.text[s:e]
    if not _FIN_RE.search(sent) or re.search(r"境外融资|跨境", sent):
        return
    banks = [i for _s, _e, i in ms if ctx.etype(i) == "Bank"]
    borrower = None
    bm = re.search(r"(?:向|为|给予)", sent)
    for m in re.finditer(r"(?:向|为|给予)", sent):
        k = _first_after(ctx, ms, s + m.end(), 2, ORG_TYPES | {"Event"})
        if k is not None and ctx.etype(ms[k][2]) != "Bank":
            rest = ctx.text[ms[k][1] : e]
            if re.match(r"[^，,。]{0,12}?(?:提供|投放|发放|给予)", rest) or re.search(r"贷款|授信|信贷", rest[:30]):
                borrower = ms[k][2]
                break
    del bm
    if borrower is None:
        km = re.search(r"(?:借款人|借款主体|融资主体|授信对象)(?:为|是)", sent)
        if km:
            k = _first_after(ctx, ms, s + km.end(), 1)
            borrower = ms[k][2] if k is not None else None
    if borrower is None:
        for gm in re.finditer(r"(?:获得|获|取得)(?:了)?", sent):
            kb = _last_before(ctx, ms, s + gm.start(), 4)
            kl = _first_after(ctx, ms, s + gm.end(), 1, {"Bank"})
            if kb is not None and kl is not None and re.search(r"贷款|授信|融资", ctx.text[ms[kl][1] : e][:30]):
                borrower = ms[kb][2]
                banks = [ms[kl][2]]
                break
    projects = [i for _s, _e, i in ms if ctx.etype(i) == "Event" and ctx.table.entities[i].name.endswith("项目")]
    syndicated = "银团" in sent
    if syndicated and borrower is None:
        amt0 = parse_amount(sent)
        if amt0:
            ctx.pending_amount = amt0
    if borrower is None and projects:
        borrower = projects[0]
    if borrower is None and syndicated and ctx.last_fin:
        borrower = ctx.last_fin["borrower"]
    if borrower is None or not banks:
        return
    amt = parse_amount(sent)
    props: dict = {}
    if amt:
        props = {"amount": amt[0], "currency": amt[1], "amount_text": amt[2]}
    elif syndicated and ctx.last_fin and ctx.last_fin["borrower"] == borrower:
        props = dict(ctx.last_fin["props"])
    elif syndicated and ctx.pending_amount:
        a = ctx.pending_amount
        props = {"amount": a[0], "currency": a[1], "amount_text": a[2]}
    lead = None
    lm = re.search(r"由([^，,。]{2,50}?)(?:作为|担任)(?:本次|该笔)?(?:银团)?(?:贷款)?牵头行", sent)
    if lm:
        k = _first_after(ctx, ms, s + lm.start(1), 0, {"Bank"})
        lead = ms[k][2] if k is not None else None
    date = find_date(sent, ctx.date)
    for b in dict.fromkeys(banks):
        role = "牵头行" if b == lead else ("银团成员" if syndicated else None)
        ctx.add("PROVIDED_FINANCING_TO", b, borrower, {**props, "role": role, "date": date}, (s, e))
    ctx.last_fin = {"borrower": borrower, "props": props}


_XB_RE = re.compile(r"境外融资|跨境融资|跨境资金池|外债|境外资金|跨境贷款|境外贷款")


def rule_cross_border(ctx: Ctx, s: int, e: int, ms) -> None:
    sent = ctx.text[s:e]
    xm = _XB_RE.search(sent)
    if not xm:
        return
    via = re.search(r"通过", sent)
    borrower, channels = None, []
    if via:
        k = _last_before(ctx, ms, s + via.start(), 6)
        borrower = ms[k][2] if k is not None else None
        k2 = _first_after(ctx, ms, s + via.end(), 1)
        if k2 is not None:
            channels = [m[2] for m in _list_from(ctx, ms, k2)]
    else:
        orgs = _orgs(ctx, ms)
        non_banks = [o for o in orgs if ctx.etype(o) != "Bank"]
        borrower = non_banks[0] if non_banks else None
        channels = [o for o in orgs if ctx.etype(o) == "Bank"]
    amt = parse_amount(sent)
    props = {"date": find_date(sent, ctx.date)}
    if amt:
        props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
    for c in channels:
        ctx.add("CROSS_BORDER_FINANCING", borrower, c, props, (s, e))


_JV_RE = re.compile(r"(?:共同|联合|合资)(?:出资|投资)?(?:设立|成立|组建|创立)|合资(?:设立|成立)")


def _subject(ctx: Ctx, s: int, e: int, ms) -> Optional[int]:
    if _COREF_RE.match(ctx.text[s:e].lstrip()):
        return ctx.last_established
    orgs = _orgs(ctx, ms)
    return orgs[0] if orgs else None


def rule_joint_venture(ctx: Ctx, s: int, e: int, ms) -> None:
    m = _JV_RE.search(ctx.text, s, e)
    if not m:
        return
    cpos = m.start()
    cs = _clause_start(ctx.text, s, cpos)
    founders: list[int] = []
    subj = _subject(ctx, s, e, ms)
    if subj is not None and (ms and (ms[0][0] < cs or True)):
        founders.append(subj)
    for ms_, me_, mi in ms:
        if cs <= ms_ and me_ <= cpos and ctx.etype(mi) in ORG_TYPES and mi not in founders:
            founders.append(mi)
    k = _first_after(ctx, ms, m.end(), 6)
    new = ms[k][2] if k is not None else None
    founders = [f for f in founders if f != new]
    if len(founders) >= 2:
        _pairs(ctx, "JOINT_VENTURE_WITH", founders, {"date": find_date(ctx.text[s:e], ctx.date)}, (s, e))
    if new is not None:
        for f in founders:
            ctx.add("INVESTED_IN", f, new, {}, (s, e))
        ctx.last_established = new


def _investee_ref(ctx: Ctx, s: int, pos: int, ms) -> Optional[int]:
    """The company a contribution goes to: a 合资公司-like mention earlier in the sentence, else the last founded."""
    for ms_, me_, mi in reversed(ms):
        if me_ <= pos and ctx.table.entities[mi].surfaces & {"合资公司", "标的公司", "项目公司", "新公司"}:
            if re.search(r"合资公司|标的公司|项目公司|新公司", ctx.text[ms_:me_]):
                return mi
    return ctx.last_established


def rule_invested(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    for m in re.finditer(r"(?<!共同)出资(?=\d|人民币|[零一二两三四五六七八九十百千]+[万亿])", text[s:e]):
        pos = s + m.start()
        k = _last_before(ctx, ms, pos, 0, ORG_TYPES | {"Person"})
        if k is None:
            continue
        ce = _clause_end(text, s + m.end(), e)
        seg_end = min(e, text.find("；", pos) if text.find("；", pos) != -1 else e)
        amt = AMOUNT_RE.match(text, s + m.end())
        props = {"stake": _stake(text[s + m.end() : seg_end])}
        if amt:
            a = parse_amount(amt.group(0))
            if a:
                props.update(amount=a[0], currency=a[1], amount_text=a[2])
        del ce
        ctx.add("INVESTED_IN", ms[k][2], _investee_ref(ctx, s, pos, ms), props, (ms[k][0], seg_end))
    for m in re.finditer(r"(?:直接|间接)?持有(?!的)", text[s:e]):
        pos = s + m.start()
        k = _last_before(ctx, ms, pos, 0, ORG_TYPES | {"Person"})
        if k is None:
            continue
        after = text[s + m.end() : e]
        if not re.match(r"[^，。]{0,40}?股", after):
            continue
        k2 = _first_after(ctx, ms, s + m.end(), 0)
        target = ms[k2][2] if k2 is not None else (ctx.focal if after.startswith("公司") else None)
        ce = _clause_end(text, s + m.end(), e)
        stake = _stake(text[s + m.end() : ce + 40 if ce < e else e])
        ctx.add("INVESTED_IN", ms[k][2], target, {"stake": stake}, (s, e))
    for m in re.finditer(r"入股|增资|认缴|战略投资|投资了?", text[s:e]):
        pos = s + m.start()
        k = _last_before(ctx, ms, pos, 2, ORG_TYPES | {"Person"})
        k2 = _first_after(ctx, ms, s + m.end(), 0)
        if k is None or k2 is None:
            continue
        ce = _clause_end(text, s + m.end(), e)
        amt = parse_amount(text[s:ce])
        props = {"stake": _stake(text[s + m.end() : ce]), "date": find_date(text[s:e], ctx.date)}
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add("INVESTED_IN", ms[k][2], ms[k2][2], props, (s, e))


def rule_transfer(ctx: Ctx, s: int, e: int, ms) -> None:
    """A向B转让其持有的C X%股权 -> B ACQUIRED C; A将其持有的C股份转让予B -> B INVESTED_IN C."""
    text = ctx.text
    for m in re.finditer(r"向((?:[^，,。转]{2,30}?))(?:分别)?转让其(?:所)?持有的", text[s:e]):
        buyers_start = s + m.start(1)
        k = _first_after(ctx, ms, buyers_start, 0)
        if k is None:
            continue
        buyers = [x[2] for x in _list_from(ctx, ms, k) if x[1] <= s + m.end(1)]
        k2 = _first_after(ctx, ms, s + m.end(), 0)
        if k2 is None:
            continue
        target = ms[k2][2]
        ce = _clause_end(text, ms[k2][1], e)
        seg = text[ms[k2][1] : ce]
        stakes = re.findall(r"(\d+(?:\.\d+)?%)股权", seg)
        kind = "ACQUIRED" if "股权" in seg else "INVESTED_IN"
        for n, b in enumerate(buyers):
            stake = stakes[n] if len(stakes) == len(buyers) else (stakes[0] if stakes else None)
            ctx.add(kind, b, target, {"stake": stake, "date": find_date(text[s:e], ctx.date)}, (s, e))
    for m in re.finditer(r"将其(?:所)?持有的", text[s:e]):
        k2 = _first_after(ctx, ms, s + m.end(), 0)
        after = text[s + m.end() : e]
        target = ms[k2][2] if k2 is not None else (ctx.focal if after.startswith("公司") else None)
        tm = re.search(r"转让(?:予|给)", after)
        if target is None or not tm:
            continue
        k3 = _first_after(ctx, ms, s + m.end() + tm.end(), 0)
        if k3 is None:
            continue
        seg = after[: tm.start()]
        kind = "ACQUIRED" if "股权" in seg else "INVESTED_IN"
        ctx.add(kind, ms[k3][2], target, {"stake": _stake(seg)}, (s, e))


def rule_acquired(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    for m in re.finditer(r"收购|并购|取得(?=[^，,。]{0,20}控制权)", text[s:e]):
        pos = s + m.start()
        k2 = _first_after(ctx, ms, s + m.end(), 1)
        if k2 is None:
            continue
        cs = _clause_start(text, s, pos)
        before = [x for x in ms if x[0] >= cs and x[1] <= pos and ctx.etype(x[2]) in ORG_TYPES | {"Person"}]
        if not before:
            continue
        ce = _clause_end(text, ms[k2][1], e)
        amt = parse_amount(text[cs:ce])
        props = {"stake": _stake(text[ms[k2][1] : ce]), "date": find_date(text[s:e], ctx.date)}
        if amt:
            props.update(amount=amt[0], currency=amt[1], amount_text=amt[2])
        ctx.add("ACQUIRED", before[-1][2], ms[k2][2], props, (s, e))


_OPEN_RE = re.compile(r"落户|入驻|开业|揭牌|落地|开设|设立|投资建设|建设")


def rule_opened(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    for m in _OPEN_RE.finditer(text, s, e):
        region = None
        # 在R(正式)?落户 / 落户R
        for ms_, me_, mi in ms:
            if ctx.etype(mi) != "Region":
                continue
            if me_ <= m.start() and re.fullmatch(r"(?:正式|成功)?", text[me_ : m.start()]) and re.search(
                r"(?:在|于|落户|入驻)(?:正式)?$", text[max(s, ms_ - 4) : ms_]
            ):
                region = mi
            elif ms_ >= m.end() and ms_ - m.end() <= 1 and m.group(0) in ("落户", "入驻", "落地"):
                region = mi
                break
            elif me_ <= m.start() and re.fullmatch(r"(?:正式|隆重)?举行(?:了)?", text[me_ : m.start()]) and (
                text.startswith("仪式", m.end()) and re.search(r"在(?:正式)?$", text[max(s, ms_ - 3) : ms_])
            ):
                region = mi
        if region is None:
            continue
        cs = _clause_start(text, s, m.start())
        subj = None
        for lo in (cs, s):
            for ms_, me_, mi in ms:
                if ms_ >= lo and me_ <= m.start() and ctx.etype(mi) in ORG_TYPES and not re.match(
                    r"的?(?:旗下|下属)", text[me_ : me_ + 3]
                ):
                    subj = mi
            if subj is not None:
                break
        ctx.add("OPENED_IN", subj, region, {"date": find_date(text[s:e], ctx.date)}, (s, e))


def rule_located(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    for m in re.finditer(r"(?:总部|注册地)?(?:位于|坐落于|注册(?:地)?(?:在|于|为)|设在|落户于)", text[s:e]):
        pos = s + m.start()
        k2 = _first_after(ctx, ms, s + m.end(), 0, {"Region"})
        cs = _clause_start(text, s, pos)
        subj = [x[2] for x in ms if x[0] >= cs and x[1] <= pos and ctx.etype(x[2]) in ORG_TYPES]
        if k2 is not None and subj:
            ctx.add("LOCATED_IN", subj[-1], ms[k2][2], {}, (s, e))


_SUB_RE = re.compile(r"旗下(?:的)?|下属(?:的)?|(?:的)?(?:全资|控股)子公司|(?:的)?子公司")


def rule_subsidiary(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    for m in _SUB_RE.finditer(text, s, e):
        k_parent = _last_before(ctx, ms, m.start(), 0)
        k_child = _first_after(ctx, ms, m.end(), 0)
        if k_parent is not None and k_child is not None:
            ctx.add("SUBSIDIARY_OF", ms[k_child][2], ms[k_parent][2], {}, (s, e))
            continue
        # B是A的(全资)子公司
        if k_child is None and "子公司" in m.group(0) and k_parent is None:
            sm = re.search(r"是$", text[s : m.start()].rsplit("，", 1)[-1][:0] + "")
            del sm
        if k_parent is not None and k_child is None and re.match(r"旗下|下属", m.group(0)):
            pm = ms[k_parent]
            kc = _last_before(ctx, ms, pm[0] - 1, 3)
            if kc is not None and text[pm[0] - 1] == "是":
                ctx.add("SUBSIDIARY_OF", ms[kc][2], pm[2], {}, (s, e))
                continue
        bm = re.search(r"是([^，,。]{2,60}?)的?(?:全资|控股)?子公司$", text[s : m.end()])
        if bm:
            kp = _first_after(ctx, ms, s + bm.start(1), 0)
            kc = _last_before(ctx, ms, s + bm.start(), 2)
            if kp is not None and kc is not None:
                stake = _stake(text[m.end() : _clause_end(text, m.end(), e)])
                ctx.add("SUBSIDIARY_OF", ms[kc][2], ms[kp][2], {"stake": stake}, (s, e))


RULES = (
    rule_executive,
    rule_attended,
    rule_subsidiary,
    rule_signed,
    rule_strategic,
    rule_financing,
    rule_cross_border,
    rule_joint_venture,
    rule_invested,
    rule_transfer,
    rule_acquired,
    rule_opened,
    rule_located,
)


def extract_relations(text: str, table: EntityTable, article_date: Optional[str]) -> list[Rel]:
    ctx = Ctx(text, table, article_date)
    companies = [m[2] for m in table.mention_list if table.entities[m[2]].type == "Company"]
    ctx.focal = companies[0] if companies else None
    for sm in SENT_RE.finditer(text):
        s, e = sm.start(), sm.end()
        while s < e and text[s] in " \u3000\t":
            s += 1
        while e > s and text[e - 1] in " \u3000\t":
            e -= 1
        if e - s < 4:
            continue
        ms = ctx.mentions(s, e)
        if not ms:
            continue
        for rule in RULES:
            rule(ctx, s, e, ms)
    return _dedupe(ctx.rels)


def _dedupe(rels: list[Rel]) -> list[Rel]:
    seen: dict[tuple, Rel] = {}
    for r in rels:
        a, b = r.src, r.tgt
        if RelationType(r.type) in SYMMETRIC and b < a:
            a, b = b, a
        key = (r.type, a, b)
        if key in seen:
            old = seen[key]
            for k, v in r.props.items():
                old.props.setdefault(k, v)
            old.conf = max(old.conf, r.conf)
        else:
            r.src, r.tgt = a, b
            seen[key] = r
    return list(seen.values())
