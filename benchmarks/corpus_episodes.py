"""Episodes of the synthetic corpus: each writes one paragraph of news prose and records its gold.

A `Doc` hands out surface forms (full name on first mention, then short names introduced with 以下简称/下称),
so the gold's names, aliases and evidence sentences are exactly what the text says.
"""

from __future__ import annotations

import datetime as dt
import random

from corpus_words import (
    ADS,
    AGREEMENTS,
    BUSINESS,
    FILLERS,
    FOREIGN_BANKS,
    GIVEN,
    NAV_LINES,
    PROJECTS,
    SHARE_LINES,
    SURNAMES,
    TOPICS,
)

SYMMETRIC = {"SIGNED_AGREEMENT_WITH", "STRATEGIC_PARTNER_OF", "JOINT_VENTURE_WITH"}
INTROS = ["（以下简称“{}”）", "（下称“{}”）", "（简称“{}”）", "（下称{}）"]
INTROS_HALF = ['(以下简称"{}")', "(下称{})", '(简称"{}")']


class Ent:
    """One organisation, region or person of the synthetic world, with the names it goes by."""

    __slots__ = ("city", "execs", "forms", "industry", "key", "parent", "province", "short", "stake", "type")

    def __init__(self, key: str, type_: str, forms: list[str], short: str | None = None):
        self.key = key
        self.type = type_
        self.forms = forms  # full names; one is chosen per article (the first is the usual one)
        self.short = short  # a short name used after the first mention
        self.execs: list[tuple[Ent, str]] = []
        self.parent: Ent | None = None
        self.stake = ""
        self.province = ""
        self.city = ""
        self.industry = ""


class Doc:
    """One article under construction: paragraphs, entities in order of first mention, relations."""

    def __init__(self, world, rng: random.Random, date: dt.date, noisy_punct: bool):
        self.w, self.rng, self.date, self.noisy = world, rng, date, noisy_punct
        self.paragraphs: list[str] = []
        self._ents: dict[str, dict] = {}
        self._owner: dict[str, str] = {}
        self._rels: list[dict] = []
        self._relkeys: set[tuple] = set()
        self._used: list[str] = []

    # ------------------------------------------------------------------ names
    def _free(self, surface: str, key: str) -> bool:
        return self._owner.get(surface, key) == key

    def say(self, e, intro: bool = False) -> str:
        """The surface form to write for entity e here (recorded in the gold)."""
        rec = self._ents.get(e.key)
        if rec is None:
            forms = [f for f in e.forms if self._free(f, e.key)] or e.forms
            name = forms[0] if len(forms) == 1 or self.rng.random() < 0.6 else self.rng.choice(forms)
            self._ents[e.key] = rec = {"name": name, "aliases": [], "type": e.type}
            self._owner[name] = e.key
            if intro and e.short and self._free(e.short, e.key):
                self._alias(rec, e)
                style = self.rng.choice(INTROS_HALF if self.noisy else INTROS)
                return name + style.format(e.short)
            return name
        if e.short and (e.short in rec["aliases"] or self._free(e.short, e.key)) and self.rng.random() < 0.75:
            self._alias(rec, e)
            return e.short
        return rec["name"]

    def _alias(self, rec: dict, e) -> None:
        if e.short != rec["name"] and e.short not in rec["aliases"]:
            rec["aliases"].append(e.short)
            self._owner[e.short] = e.key

    def event(self, name: str) -> Ent:
        return Ent(f"event:{name}", "Event", [name])

    # ------------------------------------------------------------------ text
    def t(self, template: str) -> str:
        """A sentence template, with half-width punctuation mixed in for noisy pages."""
        if self.noisy and self.rng.random() < 0.5:
            return template.replace("，", ",").replace("；", ";").replace("：", ":")
        return template

    def para(self, sentences: list[str]) -> None:
        self.paragraphs.append("".join(sentences))

    def filler(self, k: int) -> None:
        """A paragraph of generic commentary (no names), never repeating a sentence within the article."""
        unused = [s for s in FILLERS if s not in self._used]
        picked = self.rng.sample(unused, min(k, len(unused)))
        if picked:
            self._used.extend(picked)
            self.para([self.t(s) for s in picked])

    def rel(self, src, type_: str, tgt, evidence: str, **props) -> None:
        s, t = self._ents[src.key]["name"], self._ents[tgt.key]["name"]
        key = (type_, *sorted((s, t))) if type_ in SYMMETRIC else (type_, s, t)
        if s == t or key in self._relkeys:
            return
        self._relkeys.add(key)
        props = {k: v for k, v in props.items() if v is not None}
        self._rels.append(
            {"source": s, "type": type_, "target": t, "evidence": evidence, "properties": props}
        )

    def gold(self) -> dict:
        return {"entities": list(self._ents.values()), "relations": self._rels}

    # ------------------------------------------------------------------ dates and amounts
    def when(self) -> tuple[str, str | None]:
        """A date phrase no later than the article date, and its ISO prefix (relative ones resolved)."""
        d, rng = self.date, self.rng
        r = rng.random()
        if r < 0.1:
            return "近日", None
        if r < 0.45 and d.timetuple().tm_yday > 1:
            x = d - dt.timedelta(days=rng.randrange(1, min(d.timetuple().tm_yday, 60)))
            return f"{x.month}月{x.day}日", x.isoformat()
        if r < 0.6 and d.month > 1:
            m = rng.randrange(1, d.month)
            return f"今年{m}月", f"{d.year}-{m:02d}"
        if r < 0.75:
            m = rng.randrange(1, 13)
            return f"去年{m}月", f"{d.year - 1}-{m:02d}"
        if r < 0.85:
            y, m = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
            return "上月", f"{y}-{m:02d}"
        y = d.year - rng.randrange(1, 4)
        m, day = rng.randrange(1, 13), rng.randrange(1, 29)
        return f"{y}年{m}月{day}日", f"{y}-{m:02d}-{day:02d}"

    def money(self, lo_wan: int, hi_wan: int, currency: str = "CNY") -> tuple[str, int]:
        """An amount between lo and hi 万 units: (text as written, value in base units)."""
        unit = {"CNY": "元", "USD": "美元", "HKD": "港元", "EUR": "欧元"}[currency]
        wan = self.rng.randrange(lo_wan, hi_wan + 1)
        wan = wan - wan % (1000 if wan >= 10000 else 100)
        wan = max(wan, 100)
        return wan_text(wan, unit), wan * 10000


def wan_text(wan: int, unit: str = "元") -> str:
    """25500 -> 2.55亿元; 9000 -> 9000万元."""
    if wan < 10000:
        return f"{wan}万{unit}"
    yi, rest = divmod(wan, 10000)
    if rest == 0:
        return f"{yi}亿{unit}"
    if rest % 100 == 0:
        return f"{yi}.{rest // 100:02d}".rstrip("0") + f"亿{unit}"
    return f"{wan}万{unit}"


def _business(rng: random.Random, e: Ent) -> str:
    """What a company does: from its industry when known, so names and business agree."""
    if e.industry and rng.random() < 0.7:
        return f"{e.industry}{rng.choice(['相关产品的研发、生产和销售', '领域的技术研发与产业化', '业务'])}"
    return rng.choice(BUSINESS)


def _pop(rng: random.Random, pool: list, k: int, avoid: tuple = ()) -> list:
    out: list = []
    while len(out) < k:
        e = pool[int(len(pool) * rng.random() ** 1.5)]
        if e not in out and e not in avoid:
            out.append(e)
    return out


def _exec_clause(doc: Doc, orgs: list, event) -> tuple[str, list] | None:
    """`甲公司董事长张三、乙银行行长李四等出席签约仪式。` with EXECUTIVE_OF and ATTENDED recorded."""
    orgs = [o for i, o in enumerate(orgs) if o not in orgs[:i]]
    picks = [(o, *doc.rng.choice(o.execs)) for o in orgs if o.execs]
    if not picks:
        return None
    parts = [f"{doc.say(o)}{title}{doc.say(p)}" for o, p, title in picks]
    sentence = doc.t("、".join(parts) + f"等出席{doc.say(event)}。")
    return sentence, picks


def _attend(doc: Doc, orgs: list, event, date: str | None) -> str | None:
    got = _exec_clause(doc, orgs, event)
    if not got:
        return None
    sentence, picks = got
    for o, p, title in picks:
        doc.rel(p, "EXECUTIVE_OF", o, sentence, role=title)
        doc.rel(p, "ATTENDED", event, sentence, date=date)
    return sentence


def _sub_kind(rng: random.Random, child: Ent) -> tuple[str, str | None]:
    """How the text calls a subsidiary, and the stake it states (none for a bare 控股子公司)."""
    if child.stake == "100%":
        return "全资子公司", "100%"
    if rng.random() < 0.5:
        return f"持股{child.stake}的控股子公司", child.stake
    return "控股子公司", None


# --------------------------------------------------------------------------- episodes (each returns a title)


def ep_agreement(doc: Doc) -> str:
    w, rng = doc.w, doc.rng
    r = rng.random()
    if r < 0.45:
        a, b = w.pick(w.govs, rng), w.pick(w.banks + w.branches, rng)
    elif r < 0.75:
        a, b = w.company(rng), w.pick(w.lenders, rng)
    else:
        a = w.company(rng)
        b = w.pick(w.govs, rng) if rng.random() < 0.5 else w.company(rng, avoid=(a,))
    when, iso = doc.when()
    agr = rng.choice(AGREEMENTS)
    s1 = doc.t(
        f"{when}，{doc.say(a, True)}与{doc.say(b, True)}{rng.choice(['签署', '签订', '正式签署'])}{agr}。"
    )
    sentences = [s1]
    doc.rel(a, "SIGNED_AGREEMENT_WITH", b, s1, date=iso, agreement=agr)
    if "战略" in agr:
        doc.rel(a, "STRATEGIC_PARTNER_OF", b, s1, date=iso)
    if b.type == "Bank" and rng.random() < 0.7:
        amt, value = doc.money(100000, 5000000)
        s2 = doc.t(
            f"根据协议，{doc.say(b)}将在未来{rng.choice('三五')}年内向{doc.say(a)}提供{amt}意向性授信，"
            f"重点支持{rng.choice(TOPICS)}。"
        )
        doc.rel(b, "PROVIDED_FINANCING_TO", a, s2, amount=value, currency="CNY", amount_text=amt, date=iso)
        sentences.append(s2)
    s3 = _attend(doc, [a, b], doc.event("签约仪式"), iso) if rng.random() < 0.7 else None
    if s3:
        sentences.append(s3)
    doc.para(sentences)
    return f"{a.short or a.forms[0]}与{b.short or b.forms[0]}签署{agr.strip('《》')}"


def ep_opening(doc: Doc) -> str:
    w, rng = doc.w, doc.rng
    child = rng.choice([c for c in _pop(rng, w.companies, 6) if c.parent] or [w.pick(w.companies, rng)])
    zone = w.pick(w.zones, rng)
    when, iso = doc.when()
    parent = child.parent
    verb = rng.choice(["正式揭牌", "正式开业", "正式落户", "举行开业仪式"])
    if parent:
        kind, stake = _sub_kind(rng, child)
        s1 = doc.t(f"{when}，{doc.say(parent, True)}{kind}{doc.say(child, True)}在{doc.say(zone)}{verb}。")
        doc.rel(child, "SUBSIDIARY_OF", parent, s1, stake=stake)
    else:
        s1 = doc.t(f"{when}，{doc.say(child, True)}在{doc.say(zone)}{verb}。")
    doc.rel(child, "OPENED_IN", zone, s1, date=iso)
    cap, _ = doc.money(1000, 50000)
    s2 = doc.t(
        f"据介绍，{doc.say(child)}注册资本{cap}，位于{doc.say(zone)}，主要从事{_business(rng, child)}。"
    )
    doc.rel(child, "LOCATED_IN", zone, s2)
    sentences = [s1, s2]
    if rng.random() < 0.6:
        event = doc.event("揭牌仪式" if "揭牌" in verb else "开业仪式")
        orgs = [parent or child, rng.choice(w.govs_in(zone.city))]
        s3 = _attend(doc, orgs, event, iso)
        if s3:
            sentences.append(s3)
    doc.para(sentences)
    return f"{child.short or child.forms[0]}落户{zone.short or zone.forms[0]}"


def ep_syndicated(doc: Doc) -> str:
    w, rng = doc.w, doc.rng
    borrower = w.company(rng)
    lenders = _pop(rng, w.lenders, rng.choice((3, 4, 5, 6)))
    lead, members = lenders[0], lenders[1:]
    when, iso = doc.when()
    amt, value = doc.money(200000, 3000000)
    project = rng.choice(PROJECTS)
    names = [doc.say(m) for m in members]
    listing = "、".join(names[:-1]) + f"和{names[-1]}" if len(names) > 1 else names[0]
    s1 = doc.t(
        f"{when}，{doc.say(borrower, True)}{project}{amt}银团贷款完成签约，该笔银团由{doc.say(lead, True)}担任牵头行，"
        f"{listing}作为成员行共同参与。"
    )
    common = {"amount": value, "currency": "CNY", "amount_text": amt, "date": iso}
    doc.rel(lead, "PROVIDED_FINANCING_TO", borrower, s1, role="牵头行", **common)
    for m in members:
        doc.rel(m, "PROVIDED_FINANCING_TO", borrower, s1, role="成员行", **common)
    s2 = doc.t(f"贷款期限{rng.choice(['十五', '二十', '二十五'])}年，资金将全部用于{project}建设。")
    doc.para([s1, s2])
    return f"{borrower.short or borrower.forms[0]}{amt}银团贷款签约"


def ep_cross_border(doc: Doc) -> str:
    w, rng = doc.w, doc.rng
    borrower = w.company(rng)
    currency = rng.choice(("USD", "USD", "HKD", "EUR"))
    if rng.random() < 0.5:
        full, short = rng.choice(FOREIGN_BANKS)
        channels = [w.foreign(full, short)]
    else:
        channels = _pop(rng, w.branches, rng.choice((1, 1, 2)))
    when, iso = doc.when()
    amt, value = doc.money(1000, 50000, currency)
    names = [doc.say(c) for c in channels]
    via = "和".join(names)
    s1 = doc.t(
        f"{when}，{doc.say(borrower, True)}通过{via}成功引入{rng.choice(['境外融资资金', '跨境融资', '境外贷款资金'])}{amt}，"
        f"{rng.choice(['综合融资成本明显低于境内同期水平', '资金将用于补充营运资金和进口设备采购', '这也是该公司首笔跨境融资业务'])}。"
    )
    for c in channels:
        doc.rel(
            borrower,
            "CROSS_BORDER_FINANCING",
            c,
            s1,
            amount=value,
            currency=currency,
            amount_text=amt,
            date=iso,
        )
    doc.para([s1])
    return f"{borrower.short or borrower.forms[0]}完成{amt}跨境融资"


def _stakes(rng: random.Random, k: int) -> list[int]:
    cuts = sorted(rng.sample(range(1, 20), k - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, 20])]
    return sorted((p * 5 for p in parts), reverse=True)


def ep_joint_venture(doc: Doc) -> str:
    w, rng = doc.w, doc.rng
    founders = _pop(rng, w.companies + w.groups, rng.choice((3, 3, 4)))
    jv = w.pick(w.companies, rng, avoid=tuple(founders))
    zone = w.pick(w.zones, rng)
    when, iso = doc.when()
    cap_wan = rng.choice((5000, 10000, 20000, 30000, 50000, 100000))
    names = [doc.say(f, True) for f in founders]
    s1 = doc.t(
        f"{when}，{'、'.join(names[:-1])}与{names[-1]}共同出资设立合资公司{doc.say(jv, True)}，注册资本{wan_text(cap_wan)}。"
    )
    for x in range(len(founders)):
        for y in range(x + 1, len(founders)):
            doc.rel(founders[x], "JOINT_VENTURE_WITH", founders[y], s1, date=iso)
    clauses = []
    for f, pct in zip(founders, _stakes(rng, len(founders))):
        wan = cap_wan * pct // 100
        clauses.append((f, f"{doc.say(f)}出资{wan_text(wan)}，持股{pct}%", wan, pct))
    s2 = doc.t("其中" + "；".join(c[1] for c in clauses) + "。")
    for f, _, wan, pct in clauses:
        doc.rel(
            f,
            "INVESTED_IN",
            jv,
            s2,
            amount=wan * 10000,
            currency="CNY",
            amount_text=wan_text(wan),
            stake=f"{pct}%",
        )
    s3 = doc.t(f"合资公司注册在{doc.say(zone)}，主要从事{_business(rng, jv)}。")
    doc.rel(jv, "LOCATED_IN", zone, s3)
    doc.para([s1, s2, s3])
    return f"{founders[0].short or founders[0].forms[0]}等{len(founders)}方设立合资公司"


def ep_acquisition(doc: Doc) -> str:
    w, rng = doc.w, doc.rng
    buyer = w.company(rng)
    target = w.pick(w.companies, rng, avoid=(buyer,))
    when, iso = doc.when()
    stake = rng.choice((15, 20, 30, 51, 55, 60, 70, 80, 100))
    amt, value = doc.money(5000, 500000)
    s1 = doc.t(
        f"{when}，{doc.say(buyer, True)}发布公告称，拟以{amt}收购{doc.say(target, True)}{stake}%股权。"
    )
    doc.rel(
        buyer,
        "ACQUIRED",
        target,
        s1,
        amount=value,
        currency="CNY",
        amount_text=amt,
        stake=f"{stake}%",
        date=iso,
    )
    sentences = [s1]
    if stake > 50:
        kind = "全资子公司" if stake == 100 else "控股子公司"
        s2 = doc.t(
            f"交易完成后，{doc.say(buyer)}将取得{doc.say(target)}的控制权，{doc.say(target)}将成为其{kind}。"
        )
        doc.rel(target, "SUBSIDIARY_OF", buyer, s1 + s2, stake=f"{stake}%")  # the stake is in s1
        sentences.append(s2)
    if rng.random() < 0.4:
        bank = w.pick(w.branches, rng)
        lamt, lvalue = doc.money(2000, 200000)
        s3 = doc.t(f"为支付交易对价，{doc.say(buyer)}拟向{doc.say(bank)}申请{lamt}并购贷款。")
        doc.rel(bank, "PROVIDED_FINANCING_TO", buyer, s3, amount=lvalue, currency="CNY", amount_text=lamt)
        sentences.append(s3)
    doc.para(sentences)
    return f"{buyer.short or buyer.forms[0]}拟收购{target.short or target.forms[0]}{stake}%股权"


def ep_fund(doc: Doc) -> str:
    w, rng = doc.w, doc.rng
    fund = w.pick(w.funds, rng)
    investors = _pop(rng, w.groups + w.companies[:300], rng.choice((2, 3, 4)))
    when, iso = doc.when()
    size, _ = doc.money(100000, 1000000)
    s1 = doc.t(f"{when}，{doc.say(fund, True)}宣布完成首期募集，目标规模{size}。")
    parts = []
    for inv in investors:
        amt, value = doc.money(5000, 200000)
        parts.append((inv, f"{doc.say(inv)}认缴出资{amt}", amt, value))
    s2 = doc.t("从出资结构看，" + "；".join(p[1] for p in parts) + "。")
    for inv, _, amt, value in parts:
        doc.rel(inv, "INVESTED_IN", fund, s2, amount=value, currency="CNY", amount_text=amt, date=iso)
    sentences = [s1, s2]
    if rng.random() < 0.6:
        co = w.pick(w.companies, rng, avoid=tuple(investors))
        amt, value = doc.money(1000, 30000)
        pct = rng.randrange(3, 20)
        s3 = doc.t(f"据介绍，{doc.say(fund)}已完成对{doc.say(co, True)}的投资，投资金额{amt}，持股约{pct}%。")
        doc.rel(fund, "INVESTED_IN", co, s3, amount=value, currency="CNY", amount_text=amt, stake=f"约{pct}%")
        sentences.append(s3)
    doc.para(sentences)
    return f"{fund.short or fund.forms[0]}完成首期募集"


def ep_credit(doc: Doc) -> str:
    w, rng = doc.w, doc.rng
    bank = w.pick(w.branches, rng)
    co = w.company(rng)
    when, iso = doc.when()
    amt, value = doc.money(10000, 1000000)
    s1 = doc.t(
        f"{when}，{doc.say(co, True)}与{doc.say(bank, True)}签署银企合作协议，获得{amt}综合授信，"
        f"用于{rng.choice(PROJECTS)}和日常经营周转。"
    )
    doc.rel(co, "SIGNED_AGREEMENT_WITH", bank, s1, date=iso, agreement="银企合作协议")
    doc.rel(bank, "PROVIDED_FINANCING_TO", co, s1, amount=value, currency="CNY", amount_text=amt, date=iso)
    doc.para([s1])
    return f"{bank.short or bank.forms[0]}向{co.short or co.forms[0]}提供{amt}授信"


def ep_meeting(doc: Doc) -> str:
    w, rng = doc.w, doc.rng
    event = doc.event(
        rng.choice(["政银企座谈会", "重大项目集中签约仪式", "产业链招商推介会", "金融服务实体经济对接会"])
    )
    when, iso = doc.when()
    city = rng.choice(w.cities)
    s1 = doc.t(f"{when}，{doc.say(event)}在{doc.say(city)}举行。")
    orgs = [rng.choice(w.govs_in(city.city)), w.pick(w.lenders, rng), w.company(rng)]
    s2 = _attend(doc, orgs, event, iso) or ""
    s3 = doc.t(f"与会各方围绕{rng.choice(TOPICS)}进行了深入交流。")
    doc.para([s1, s2, s3] if s2 else [s1, s3])
    return f"{city.short}举行{event.forms[0]}"


def ep_parent(doc: Doc) -> str:
    w, rng = doc.w, doc.rng
    child = rng.choice([c for c in _pop(rng, w.companies, 8) if c.parent] or [w.companies[0]])
    if not child.parent:
        return ep_credit(doc)
    kind, stake = _sub_kind(rng, child)
    cue = rng.choice(["是{p}旗下的{k}", "系{p}的{k}", "为{p}下属{k}"])
    s1 = doc.t(
        f"公开资料显示，{doc.say(child, True)}{cue.format(p=doc.say(child.parent, True), k=kind)}，"
        f"主要从事{_business(rng, child)}。"
    )
    doc.rel(child, "SUBSIDIARY_OF", child.parent, s1, stake=stake)
    doc.para([s1])
    return f"{child.short or child.forms[0]}业务扩张"


EPISODES = [
    ep_agreement,
    ep_agreement,
    ep_opening,
    ep_syndicated,
    ep_cross_border,
    ep_joint_venture,
    ep_acquisition,
    ep_fund,
    ep_credit,
    ep_meeting,
    ep_parent,
]


# --------------------------------------------------------------------------- page noise


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def byline(rng: random.Random) -> str:
    n = person_name(rng)
    return rng.choice(
        [f"（记者 {n}）", f"记者 {n} 摄影报道", f"编辑：{n}", f"（本报记者 {n} 通讯员 {person_name(rng)}）"]
    )


def noise(rng: random.Random, paras: list[str], media: str, year: int) -> list[str]:
    """Page chrome around already-escaped paragraphs: navigation, share buttons, an ad, footer lines."""
    out = [rng.choice(NAV_LINES), rng.choice(SHARE_LINES)] + paras
    out.insert(rng.randrange(2, len(out) + 1), rng.choice(ADS))
    out.append(f"责任编辑：{person_name(rng)}&nbsp;&nbsp;校对：{person_name(rng)}")
    out.append(f"Copyright &copy; {year} {media} 版权所有 未经授权不得转载")
    return out
