"""Who holds whom: major shareholders named by their rank, and stake purchases from named holders."""

from __future__ import annotations

import re

from kg.extract.entities import ORG_TYPES
from kg.extract.normalize import find_date
from kg.extract.relations.base import (
    Ctx,
    _clause_end,
    _clause_start,
    _first_after,
    _last_before,
    _mention_before,
)

# 金保利新能源有限公司第一大股东招商新能源集团 / X的主要股东为Y
_RANKED_HOLDER_RE = re.compile(r"的?(?:创始|原|现)?(?:第[一二三]大|主要|最大|单一最大|大)股东(?:为|是)?")
# 购买株洲国投、列邦康泰持有的千金湘江药业28.92%的股权 / 受让A所持B 30%股份
_PURCHASE_RE = re.compile(r"(?:购买|受让|收购|购入)(?=[^，。；]{2,60}?(?:合计|共同)?(?:所)?持有?的?)")
_HELD_OF_RE = re.compile(r"(?:合计|共同|分别)?(?:所)?持有?的?")
_STAKE_AFTER_RE = re.compile(r"(?P<stake>\d+(?:\.\d+)?%)?(?:的)?(?:股权|股份|权益)")
# A拟转让所持中融基金51%的股权 / 将其持有的X 66.7%股权转让给B: what a seller sells, it holds
_SALE_RE = re.compile(
    r"(?:出售|转让|挂牌转让|公开挂牌转让|减持)(?:其)?(?:所)?持有?的?|将其?(?:所)?持有?的?(?=[^，。；]{2,40}?转让给)"
)
# A和B分别持有合资公司50%股权 / A、B分别持有T 60%、40%的股份: each holder of the list holds T
_EACH_HOLDS_RE = re.compile(r"(?P<how>分别|合计|共同)(?:持有|持股|拥有)")
_HOLDER_SEP_RE = re.compile(r"(?:、|和|与|及|以及)(?:自然人|股东)?")
_STAKES_RE = re.compile(r"\d+(?:\.\d+)?%")
_SUBJECT_WORD_RE = re.compile(r"(?:^|[，。；])(?:本公司|公司|上市公司)")
_SEPARATORS = ("、", "和", "及", "与", "以及")


def rule_ranked_holder(ctx: Ctx, s: int, e: int, ms) -> None:
    """X第一大股东Y: Y holds X (INVESTED_IN); a controlling holder is left to the subsidiary rules."""
    text = ctx.text
    for m in _RANKED_HOLDER_RE.finditer(text, s, e):
        held = _mention_before(ctx, ms, m.start(), 0)
        k = _first_after(ctx, ms, m.end(), 0, ORG_TYPES | {"Person"})
        if held is None or k is None:
            continue
        ctx.add("INVESTED_IN", ms[k][2], held, {}, (s, e))


def rule_stake_purchase(ctx: Ctx, s: int, e: int, ms) -> None:
    """公司拟…购买A、B持有的T 28.92%的股权: the buyer ACQUIRED and INVESTED_IN T; A and B hold T."""
    text = ctx.text
    for m in _PURCHASE_RE.finditer(text, s, e):
        sellers: list[int] = []
        k = _first_after(ctx, ms, m.end(), 0, ORG_TYPES | {"Person"})
        while k is not None and k < len(ms):
            sellers.append(ms[k][2])
            nxt = k + 1
            if nxt < len(ms) and text[ms[k][1] : ms[nxt][0]] in _SEPARATORS:
                k = nxt
                continue
            break
        if k is None or not sellers:
            continue
        hm = _HELD_OF_RE.match(text, _skip_group_words(text, ms[k][1]))
        if not hm or not hm.group(0):
            continue
        kt = _first_after(ctx, ms, hm.end(), 0)
        if kt is None:
            continue
        sm = _STAKE_AFTER_RE.match(text, ms[kt][1])
        if not sm:
            continue
        target = ms[kt][2]
        buyer = _buyer(ctx, s, m.start(), ms)
        props = {"stake": sm.group("stake"), "date": find_date(text[s:e], ctx.date)}
        if buyer is not None:
            ctx.add("ACQUIRED", buyer, target, props, (s, e))
            ctx.add("INVESTED_IN", buyer, target, {"stake": sm.group("stake")}, (s, e))
        for seller in sellers:
            if seller != buyer:
                ctx.add("INVESTED_IN", seller, target, {}, (s, e))


def rule_stake_sale(ctx: Ctx, s: int, e: int, ms) -> None:
    """中融信托拟转让所持中融基金51%的股权: the seller (the clause's subject) holds T (INVESTED_IN); who buys
    is left to the acquisition rules."""
    text = ctx.text
    for m in _SALE_RE.finditer(text, s, e):
        k = _first_after(ctx, ms, m.end(), 0)
        if k is not None and ms[k][0] == m.end():
            pos, target = ms[k][1], ms[k][2]
        elif text.startswith("公司", m.end()) and ctx.focal is not None:
            pos, target = m.end() + 2, ctx.focal  # 将其持有的公司15%股份转让给…: the announcing company
        else:
            continue
        if text.startswith("全部", pos):
            pos += 2
        sm = _STAKE_AFTER_RE.match(text, pos)
        if not sm:
            continue
        seller = _seller(ctx, s, m.start(), ms, m.group(0).startswith("将"))
        if seller is not None and seller != target:
            ctx.add("INVESTED_IN", seller, target, {"stake": sm.group("stake")}, (s, e))


def _seller(ctx: Ctx, s: int, pos: int, ms, before_jiang: bool) -> int | None:
    """The clause's subject: its first organisation or person not introduced by 向/给 (陈一鸣将向华信精密转让:
    the buyer after 向 is no seller); none when absent."""
    cs = _clause_start(ctx.text, s, pos)
    for a, b, i in ms:
        if (
            before_jiang
            and ctx.text[b:pos] in ("", "拟", "也", "还")
            and ctx.etype(i) in ORG_TYPES | {"Person"}
        ):
            return i  # 核准了国开证券将其持有的…: the holder right before 将
    for a, b, i in ms:
        if cs <= a and b <= pos and ctx.etype(i) in ORG_TYPES | {"Person"}:
            if ctx.text[max(cs, a - 1) : a] in ("向", "给"):
                return None
            return i
    return None


def rule_each_holds(ctx: Ctx, s: int, e: int, ms) -> None:
    """A和B分别持有T 50%股权: each listed holder INVESTED_IN T (stakes in order when several are written);
    holders of an unnamed joint venture (合资公司) are its partners (JOINT_VENTURE_WITH)."""
    text = ctx.text
    for m in _EACH_HOLDS_RE.finditer(text, s, e):
        k = _last_before(ctx, ms, m.start(), 0, ORG_TYPES | {"Person"})
        kt = _first_after(ctx, ms, m.end(), 0)
        if k is None or kt is None:
            continue
        holders = [ms[k][2]]
        while k > 0 and _HOLDER_SEP_RE.fullmatch(text[ms[k - 1][1] : ms[k][0]]):
            k -= 1
            holders.insert(0, ms[k][2])
        if len(holders) < 2:
            continue
        target = ms[kt][2]
        seg = text[ms[kt][1] : _clause_end(text, ms[kt][1], e)]
        if not _STAKE_AFTER_RE.search(seg):
            continue
        stakes = _STAKES_RE.findall(seg) if m.group("how") == "分别" else []  # 合计: one total, nobody's own
        for n, h in enumerate(holders):
            stake = stakes[n] if len(stakes) == len(holders) else (stakes[0] if len(stakes) == 1 else None)
            ctx.add("INVESTED_IN", h, target, {"stake": stake}, (s, e))
        if ctx.table.entities[target].name in ("合资公司", "项目公司"):
            for i, a in enumerate(holders):
                for b in holders[i + 1 :]:
                    ctx.add("JOINT_VENTURE_WITH", a, b, {}, (s, e))


def _skip_group_words(text: str, pos: int) -> int:
    """黄阳等21名自然人持有的: past 等N名自然人 to the holding verb."""
    m = re.match(r"等\d*[一二三四五六七八九十百]*[名位家个]?(?:自然人|股东|投资者|合伙人)?", text[pos:])
    return pos + (m.end() if m else 0)


def _buyer(ctx: Ctx, s: int, pos: int, ms) -> int | None:
    """The clause's subject: the last organisation before the verb, or the announcing company (公司)."""
    cs = _clause_start(ctx.text, s, pos)
    orgs = [x[2] for x in ms if cs <= x[0] and x[1] <= pos and ctx.etype(x[2]) in ORG_TYPES]
    if orgs:
        return orgs[-1]
    if _SUBJECT_WORD_RE.search(ctx.text, max(0, cs - 1), pos) or ctx.text[cs:pos].lstrip().startswith("公司"):
        return ctx.focal
    prev = [x[2] for x in ms if x[1] <= pos and ctx.etype(x[2]) in ORG_TYPES]
    return prev[0] if prev else ctx.focal


# 此次收购完成后，海螺水泥将持有重庆多吉再生资源有限公司100%股权: the buyer of an acquisition holds the target
_HOLDS_AFTER_RE = re.compile(r"(?:将|已|仍)?(?:合计)?持有")


def rule_holds_after_acquisition(ctx: Ctx, s: int, e: int, ms) -> None:
    text = ctx.text
    if "收购" not in text[s:e] and "并购" not in text[s:e]:
        return
    for k, (_a, b, i) in enumerate(ms):
        if ctx.etype(i) not in ORG_TYPES:
            continue
        hm = _HOLDS_AFTER_RE.match(text, b)
        if not hm or k + 1 >= len(ms) or ms[k + 1][0] != hm.end():
            continue
        target = ms[k + 1][2]
        sm = _STAKE_AFTER_RE.match(text, ms[k + 1][1])
        if sm and sm.group("stake"):
            ctx.add(
                "ACQUIRED",
                i,
                target,
                {"stake": sm.group("stake"), "date": find_date(text[s:e], ctx.date)},
                (s, e),
            )
