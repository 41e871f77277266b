"""Shared pieces of the relation rules: the sentence context, mention lookups, co-reference helpers."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.extract.entities import ORG_TYPES, EntityTable
from kg.ontology import SIGNATURES, EntityType, RelationType

# Cue patterns of the rules below, compiled once (re.* with a string pays a cache lookup per call).
# 持股51.5%: a stake as a percentage
_PERCENT_RE = re.compile(r"(\d+(?:\.\d+)?%)")
# 平安银行股份有限公司（简称“: the bracket opening a name's short form
_SHORT_NAME_OPEN_RE = re.compile(r"[(（][^()（）]{0,10}[“\"]?")
# ”）的上海分行: the closing quotes and brackets that open a gap
_CLOSING_MARKS_RE = re.compile(r"^[”\"）)]+")
# ， / 与 / 和 / 、: a break or a joiner (parallel names, no qualifier)
_BREAK_OR_JOINER_RE = re.compile(r"[，,。；;与和及、]")
# 据悉，/ 此外，/ 据介绍: a lead-in before the sentence's subject
_LEAD_IN_RE = re.compile(r"^(?:据介绍|据了解|据悉|此外|同时|另外)[，,]?")
# 该基金 / 此基金 / 这只基金: the fund named before
_FUND_REF_RE = re.compile(r"(?:该|此|这只)基金")
# ， / 。 / 、 / ：: punctuation that parts a name from what follows
_SEPARATOR_PUNCT_RE = re.compile(r"[，,。；;、：:]")

_MODIFIER_RE = re.compile(
    r"(?:[（(][^）)]{0,20}[）)])?(?:的|旗下(?:的)?|下属(?:的)?|(?:的)?(?:全资|控股)?子公司|控股子公司|的?母公司|的(?:法人|自然人|机构)?股东|的?(?:第[一二三]大|控股|主要|最大|大)股东)$"
)


SENT_RE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")

# A sentence longer than this is read in pieces cut at clause breaks: the rules look at every mention of a
# sentence for each cue, so an unpunctuated page (a list of ten thousand names) must not make them quadratic.
MAX_SENTENCE = 400
_CLAUSE_BREAK_RE = re.compile(r"[，,：:、]")


def sentence_spans(text: str) -> Iterator[tuple[int, int]]:
    """Sentences (and pieces of overlong ones) as (start, end); every rule and frame reads these."""
    for sm in SENT_RE.finditer(text):
        s, e = sm.start(), sm.end()
        while e - s > MAX_SENTENCE:
            cut = None
            for m in _CLAUSE_BREAK_RE.finditer(text, s + MAX_SENTENCE // 2, s + MAX_SENTENCE):
                cut = m.end()
            cut = cut or s + MAX_SENTENCE
            yield s, cut
            s = cut
        yield s, e


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
    group: frozenset | None = None  # all parties of a multi-party signing (see _refine_signings)
    transfer: bool = False  # came from a share/equity transfer (its source is a buyer)


@dataclass
class Ctx:
    text: str
    table: EntityTable
    date: str | None
    rels: list[Rel] = field(default_factory=list)
    last_pair: list[int] | None = None
    last_established: int | None = None
    established_at: int = -1  # where the last joint venture / new company was founded
    last_fin: dict | None = None
    focal: int | None = None
    pending_amount: tuple | None = None
    last_bank: int | None = None
    pending_banks: list[int] | None = None  # a syndicate named before its borrower
    counterparties: list[int] | None = None  # the sellers of the last 向A、B购买 (上述交易对方)
    proxies: dict[int, tuple[int, int]] = field(default_factory=dict)  # body -> span of its signing official
    project_place: tuple[int, int] | None = None  # (region, sentence start) of a project that settled there
    _ends: dict[int, int] | None = None
    _regions: list[tuple[str, int]] | None = None
    _funds: list[tuple[int, int, int]] | None = None
    implied: dict[str | None, int | None] = field(default_factory=dict)  # level -> the article's place
    # (person, sentence start) -> its EXECUTIVE_OF relations: read per signing official without a scan of all
    executive_at: dict[tuple[int, int], list] = field(default_factory=dict)
    bodies: dict[tuple, int | None] = field(default_factory=dict)  # (place, level, kind) -> its body

    def etype(self, i: int) -> str:
        return self.table.entities[i].type

    def entity_ending_at(self, end: int) -> int | None:
        """The entity of the first mention ending at `end` (an index built once per article)."""
        if self._ends is None:
            self._ends = {}
            for _s, e, i in self.table.mention_list:
                self._ends.setdefault(e, i)
        return self._ends.get(end)

    def fund_mentions(self) -> list[tuple[int, int, int]]:
        """The mentions of funds, sorted (computed once per article)."""
        if self._funds is None:
            ents = self.table.entities
            self._funds = [m for m in self.table.mention_list if ents[m[2]].type == "Fund"]
        return self._funds

    def region_mentions(self) -> list[tuple[str, int]]:
        """(surface, entity) of every place mention, in order (computed once per article)."""
        if self._regions is None:
            ents = self.table.entities
            self._regions = [
                (self.text[s:e], i) for s, e, i in self.table.mention_list if ents[i].type == "Region"
            ]
        return self._regions

    def mentions(self, s: int, e: int) -> list[tuple[int, int, int]]:
        """Mentions inside [s, e) (mention_list is sorted by start)."""
        ml = self.table.mention_list
        lo = bisect_left(ml, (s, -1, -1))
        hi = bisect_left(ml, (e, -1, -1))
        return [m for m in ml[lo:hi] if m[1] <= e]

    def add(
        self, rtype: str, src: int | None, tgt: int | None, props: dict, ev, conf: float = 0.9, **extra
    ) -> None:
        if src is None or tgt is None or src == tgt:
            return
        st, tt = SIGNATURES[RelationType(rtype)]
        if EntityType(self.etype(src)) not in st or EntityType(self.etype(tgt)) not in tt:
            return
        props = {k: v for k, v in props.items() if v is not None}
        rel = Rel(rtype, src, tgt, props, ev, conf, **extra)
        self.rels.append(rel)
        if rtype == "EXECUTIVE_OF":
            self.executive_at.setdefault((src, ev[0]), []).append(rel)


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
        if _SEPS.match(gap):
            out.append(ms[k])
        else:
            break
    return out


def _first_after(ctx: Ctx, ms, pos: int, max_gap: int = 3, types=ORG_TYPES) -> int | None:
    for k, m in enumerate(ms):
        if m[0] >= pos and m[0] - pos <= max_gap and ctx.etype(m[2]) in types:
            return k
    return None


def _last_before(ctx: Ctx, ms, pos: int, max_gap: int = 3, types=ORG_TYPES) -> int | None:
    best = None
    for k, m in enumerate(ms):
        if m[1] <= pos and pos - m[1] <= max_gap and ctx.etype(m[2]) in types:
            best = k
    return best


def _stake(text: str) -> str | None:
    m = _PERCENT_RE.search(text)
    return m.group(1) if m else None


_COREF_RE = re.compile(r"^(?:此公司|该公司|新公司|该合资公司|其)")


def _government_of(ctx: Ctx, chunk: str, role: str) -> int | None:
    """北仑区委副书记、区长 / 成都市副市长 / 区长 (no place): the government of that place in the article."""
    level = next((c for c in "区市县省" if re.search(c + r"(?:委|长)", role)), None)
    if level is None and chunk:
        level = chunk[-1] if chunk[-1] in "区市县省" else None
    if level is None:
        return None
    place = chunk.rstrip("区市县省") if chunk else ""
    govs = [
        i
        for i, ent in enumerate(ctx.table.entities)
        if ent.type == "GovernmentBody"
        and re.search(level + r"(?:人民)?政府$", ent.name)
        and (not place or place in ent.name)
    ]
    return govs[0] if len(govs) == 1 else None


def _is_modifier(ctx: Ctx, end: int, limit: int) -> bool:
    """平安集团控股子公司平安银行 / 平安银行的上海分行: the first name only qualifies the next one."""
    ml = ctx.table.mention_list
    k = bisect_left(ml, (end, -1, -1))
    if k >= len(ml) or ml[k][0] > limit:
        return False
    cur = ctx.entity_ending_at(end)
    if ml[k][2] == cur and _SHORT_NAME_OPEN_RE.fullmatch(ctx.text[end : ml[k][0]]):
        end = ml[k][1]  # 平安银行股份有限公司（简称“平安银行”）的上海分行
        k += 1
        if k >= len(ml) or ml[k][0] > limit:
            return False
    nxt = ml[k]
    gap = _CLOSING_MARKS_RE.sub("", ctx.text[end : nxt[0]])
    return (
        bool(gap)
        and len(gap) <= 24
        and bool(_MODIFIER_RE.search(gap))
        and not _BREAK_OR_JOINER_RE.search(gap)
    )


def _subject(ctx: Ctx, s: int, e: int, ms) -> int | None:
    head = _LEAD_IN_RE.sub("", ctx.text[s:e].lstrip())
    if _COREF_RE.match(head):
        return ctx.last_established
    if _FUND_REF_RE.match(head):
        funds = [m[2] for m in ctx.table.mention_list if m[1] <= s and ctx.etype(m[2]) == "Fund"]
        return funds[-1] if funds else None
    orgs = _orgs(ctx, ms)
    return orgs[0] if orgs else None


def _gap_ok(text: str, a: int, b: int, max_gap: int) -> bool:
    """Only closing quotes/brackets or up to max_gap characters (no punctuation) lie between a and b."""
    gap = text[a:b]
    if all(c in '”"）)」』 ' for c in gap):
        return True
    return len(gap) <= max_gap and not _SEPARATOR_PUNCT_RE.search(gap)


def _mention_before(ctx: Ctx, ms, pos: int, max_gap: int, types=ORG_TYPES) -> int | None:
    best = None
    for m in ms:
        if m[1] <= pos and ctx.etype(m[2]) in types and _gap_ok(ctx.text, m[1], pos, max_gap):
            best = m[2]
    return best
