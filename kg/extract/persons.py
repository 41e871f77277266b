"""Person candidates: a title chain (临港集团党委书记、董事长) or an honorific (女士/先生) next to a 2-3 character
name, with the organisations each title belongs to (the chain walked leftwards)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract import lexical as lex
from kg.extract import lexicon as lx
from kg.extract.candidates import _SUFFIX_END_RE as ORG_SUFFIX_END_RE
from kg.extract.candidates import REGION_SUFFIX_END_RE, Cand, is_cjk, left_edge
from kg.extract.subjects import trim_dotted

_SOFT_STOPS = frozenset("强代主会提参致")
_SOFT_VERBS = frozenset(
    ("强调", "主持", "代表", "会见", "提出", "提到", "参加", "参与", "致辞", "主任", "会长")
)
_NAME_END = frozenset('、，,。；;等（(）)”"：:与')
# verbs of speaking or acting that may follow a name whose last character is a soft stop (王国强会见)
_ACT_AFTER = frozenset(
    ("会见", "会谈", "表示", "指出", "介绍", "出席", "主持", "致辞", "代表", "参加", "会同")
)


def _given_ok(text: str, chars: list[str], end: int, k: int) -> bool:
    """强 / 代 / 主 … end words (强调, 代表) but also names (陈强, 马蕾强): inside a name when the name ends
    right after (马蕾强等, 程强林、), never when they start a verb (张强调)."""
    ch = chars[k]
    if ch not in lx.NAME_STOP_CHARS:
        return True
    if ch not in _SOFT_STOPS or "".join(chars[k : k + 2]) in _SOFT_VERBS:
        return False
    after = end + k + 1
    if text[after : after + 2] in _ACT_AFTER:
        return True  # 王国强会见, 张强出席: a name keeps its last character before a verb
    return (
        after >= len(text)
        or text[after] in _NAME_END
        or (
            k + 1 < len(chars)
            and (chars[k + 1] not in lx.NAME_STOP_CHARS or chars[k + 1] in _SOFT_STOPS)
            and (after + 1 >= len(text) or text[after + 1] in _NAME_END)
        )
    )


_SPEECH = tuple(w for w in lx.AFTER_NAME if len(w) >= 2)
_HARD_STOPS = frozenset("的了是在与及等和也都将对为从把被给其这该此")
_LATIN_NAME_RE = re.compile(r"[A-Z][a-z]+(?:[ ·.-][A-Z][a-z]+){1,2}(?![A-Za-z])")


_FOREIGN_NAME_RE = re.compile(r"[\u4e00-\u9fff]{1,6}(?:·[\u4e00-\u9fff]{1,8}){1,3}")


def _name_after(text: str, pos: int) -> str | None:
    """A 2-3 character personal name starting at pos (or a foreign name with middle dots), or None."""
    fm = _FOREIGN_NAME_RE.match(text, pos)
    if fm:
        return trim_dotted(fm.group(0))  # 副行长兼首席财务官莫纳莱·拉特索马
    s = text[pos : pos + 4]
    if s[:1].isascii() and s[:1].isupper():
        lm = _LATIN_NAME_RE.match(text, pos)  # 首席执行官Peter Smith: a Latin name after the title
        return lm.group(0) if lm else None
    if len(s) < 2 or not is_cjk(s[0]):
        return None
    if s[:2] in lx.SURNAMES_2:
        sl = 2
    elif s[0] in lx.SURNAMES_1:
        sl = 1
    else:
        return None
    chars = []
    for ch in s[sl:]:
        if not is_cjk(ch):
            break
        chars.append(ch)
    if not chars:
        return None
    end = pos + sl  # offset of the first given-name character
    for n in (2, 1):
        # 陈向东出席 / 王强表示: a verb or a mark right after decides the name's length, whatever its
        # characters (向 and 强 end words elsewhere)
        if (
            len(chars) >= n
            and not any(c in _HARD_STOPS for c in chars[:n])
            and (text.startswith(_SPEECH, end + n) or text[end + n : end + n + 1] in _NAME_END)
            and not any(text.startswith(_SPEECH, end + k) for k in range(n))  # 张|强调: no name 张强调
            and chars[n - 1] not in "说称讲道"  # 沈浩说，: the name ends before the verb of saying
        ):
            return s[: sl + n]
    if not _given_ok(text, chars, end, 0):
        return None
    if (
        sl == 1
        and len(chars) >= 2
        and chars[1] not in "的了是在与及并等也把被让使给从其这该此每所"
        and text.startswith(_SPEECH, end + 2)
        and not text.startswith(_SPEECH, end + 1)
    ):
        return s[
            :3
        ]  # 胡庆和代表双方: a verb right after three characters makes the third one part of the name
    if len(chars) >= 2 and _given_ok(text, chars, end, 1):
        given = 2
    else:
        given = 1
    if sl == 2 and given == 2:
        given = 1 if len(chars) > 2 and chars[2] not in lx.NAME_STOP_CHARS else given
    return s[: sl + given]


@dataclass
class TitleGroup:
    """Titles held by a person at one organisation, as written (org text may be empty)."""

    org_start: int
    org_end: int
    role: str


@dataclass
class PersonCand:
    cand: Cand
    groups: list[TitleGroup]


def _byline(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 5) : start]
    after = text[end : end + 5].lstrip(" 　")
    return any(before.rstrip(" 　：:").endswith(w) for w in lx.BYLINE_BEFORE) or any(
        after.startswith(w) for w in lx.BYLINE_AFTER
    )


_ALIAS_TAIL_RE = re.compile(r"[(（][^()（）]{0,10}?简称[^()（）]{1,14}[)）]$")


def _groups_before(text: str, chain_start: int, chain_end: int) -> list[TitleGroup]:
    """Walk left from a title chain: 临港新片区党工委副书记、临港集团党委书记、董事长 -> two groups."""
    groups: list[TitleGroup] = []
    start, end = chain_start, chain_end
    for _ in range(4):
        org_end = start
        am = _ALIAS_TAIL_RE.search(text, max(0, start - 24), start)
        if am:
            org_end = am.start()  # 上海临港经济发展（集团）有限公司（简称“临港集团”）副总裁孙立平
        org_start = left_edge(text, org_end, limit=20)
        groups.append(TitleGroup(org_start, org_end, text[start:end]))
        if org_start == start and org_start > 0 and text[org_start - 1] == "、":
            # a bare title list part belongs to the same person: handled by the chain regex already
            break
        if org_start > 0 and text[org_start - 1] == "、":
            prev_end = org_start - 1
            window = text[max(0, prev_end - 30) : prev_end]
            best = None
            for m in lx.TITLE_CHAIN_RE.finditer(window):
                if m.end() == len(window):
                    best = m
            if best is None:
                break
            start = prev_end - len(window) + best.start()
            end = prev_end
            # the previous part must not end in a person name of its own
            continue
        break
    return groups


_DOTTED_RE = re.compile(r"[\u4e00-\u9fff]{1,4}·[\u4e00-\u9fff]{1,6}?(?=担任|出任|[，,。；;、）)])")


def _copula_name(text: str, s: int) -> str | None:
    """The name after 为/是/由 following a title; 由 only with 担任/出任 after the name (由 is also a surname)."""
    dm = _DOTTED_RE.match(text, s + 1)
    name = dm.group(0) if dm else _name_after(text, s + 1)
    if name and text[s] == "由" and not text.startswith(("担任", "出任"), s + 1 + len(name)):
        return None
    return name


_OPENERS = frozenset('、，,。；;：:（(“"\n 　')
_PERSON_TAGS = frozenset({"nr", "nrfg", "nrt"})
_ORG_END_RE = re.compile(
    r"(?:银行|分行|支行|营业部|政府|集团|公司|局|委|会|院|厅|办|中心|部|所|署|社|校|行|园区|新区|开发区|[市省区县州镇乡村])$"
)
_AFTER_TITLE = frozenset(lx.AFTER_NAME) | frozenset('、，,。；;：:）)”"等及和与在')


def _plain_name(name: str) -> bool:
    """A 2-3 character personal name: a surname, no function character, not a dictionary word of another
    kind (南沙 is a place, 代表 a noun)."""
    if not all(is_cjk(c) for c in name) or any(c in lx.STOP_CHARS for c in name):
        return False
    if name[0] not in lx.SURNAMES_1 and name[:2] not in lx.SURNAMES_2:
        return False
    tag = lex.word_tag(name)
    if tag is not None and tag not in _PERSON_TAGS:
        return False
    if REGION_SUFFIX_END_RE.search(name) or ORG_SUFFIX_END_RE.search(name):
        return False  # 高新区党工委书记: a zone before its committee's title
    return lx.PLACE_RE.fullmatch(name) is None


# 双方代表王小明和李大伟签署协议: names of signatories after 代表, joined by 和/、, before the signing verb
_SIGNATORIES_RE = re.compile(
    r"(?<=代表)((?:[\u4e00-\u9fff]{2,3}[和、与及])*[\u4e00-\u9fff]{2,3}?)(?:分别|共同)?(?:签署|签订|签约|签字|在协议上签字)"
)
_NAME_JOINERS_RE = re.compile(r"[和、与及]")


def find_signatory_candidates(text: str) -> list[Cand]:
    """Signatories named without a title: each a plain personal name (surname, no other kind of word)."""
    out: list[Cand] = []
    for m in _SIGNATORIES_RE.finditer(text):
        pos = m.start(1)
        names = _NAME_JOINERS_RE.split(m.group(1))
        if not all(_plain_name(n) for n in names):
            continue
        for n in names:
            out.append(Cand(pos, pos + len(n), n, "Person", "subject"))
            pos += len(n) + 1
    return out


def _after_title_ok(text: str, end: int) -> bool:
    if end >= len(text):
        return True
    return text[end] in _AFTER_TITLE or text.startswith(lx.AFTER_NAME, end)


def find_name_title_candidates(text: str) -> list[PersonCand]:
    """Names written before their titles, as reports of ceremonies list officials: 交行江苏省分行顾生行长、
    姚桢副行长 / 徐州市人民政府朱民市长. The organisation is what precedes the first name of such a list."""
    out: list[PersonCand] = []
    prev: PersonCand | None = None
    prev_end = -1
    for m in lx.TITLE_CHAIN_RE.finditer(text):
        t = m.start()
        if not _after_title_ok(text, m.end()):
            continue
        found = None
        for n in (3, 2):
            s = t - n
            if s < 0 or not _plain_name(text[s:t]):
                continue
            before = text[s - 1] if s > 0 else "\n"
            if before in _OPENERS or _ORG_END_RE.search(text, max(0, s - 4), s):
                found = s
                break
        if found is None:
            continue
        s = found
        if prev is not None and s > 0 and text[s - 1] == "、" and prev_end == s - 1 and prev.groups:
            g0 = prev.groups[0]
            groups = [TitleGroup(g0.org_start, g0.org_end, m.group(0))]
        elif s > 0 and text[s - 1] not in _OPENERS:
            groups = [TitleGroup(left_edge(text, s, limit=20), s, m.group(0))]
        else:
            groups = [TitleGroup(s, s, m.group(0))]
        cand = PersonCand(Cand(s, t, text[s:t], "Person", "title"), groups)
        out.append(cand)
        prev, prev_end = cand, m.end()
    return out


def find_person_candidates(text: str) -> list[PersonCand]:
    out: list[PersonCand] = find_name_title_candidates(text)
    for m in lx.TITLE_CHAIN_RE.finditer(text):
        s = m.end()
        name = _copula_name(text, s) if s < len(text) and text[s] in "为由是" else None
        if name:
            s += 1  # 董事长为孟庆波 / 总经理由艾力·买买提担任: the title, a copula, then the name
        else:
            name = _name_after(text, s)
        if not name:
            continue
        e = s + len(name)
        if _byline(text, s, e):
            continue
        out.append(PersonCand(Cand(s, e, name, "Person", "title"), _groups_before(text, m.start(), m.end())))
    for m in re.finditer(r"(女士|先生)", text):
        for L in (3, 2):
            s = m.start() - L
            if s < 0:
                continue
            name = text[s : m.start()]
            if not all(is_cjk(c) for c in name):
                continue
            if name[0] not in lx.SURNAMES_1 and name[:2] not in lx.SURNAMES_2:
                continue
            if L == 3 and s > 0 and is_cjk(text[s - 1]) and text[s - 1] not in lx.STOP_CHARS:
                continue
            if (
                L == 2
                and s > 0
                and is_cjk(text[s - 1])
                and text[s - 1] not in lx.STOP_CHARS
                and text[s - 1] not in "，、"
            ):
                pass
            out.append(PersonCand(Cand(s, m.start(), name, "Person", "honorific"), []))
            break
    # 王海涛（上海晶芯科技有限公司董事长）: the name before a bracket that holds organisation + title
    for m in _PAREN_RE.finditer(text):
        if not m.group(1).endswith(_TITLE_WORDS):
            continue
        name = _name_before(text, m.start())
        chain = next(
            (c for c in lx.TITLE_CHAIN_RE.finditer(text, m.start(1), m.end(1)) if c.end() == m.end(1)), None
        )
        if name is None or chain is None:
            continue
        org_start = max(m.start(1), left_edge(text, chain.start()))
        group = TitleGroup(org_start, chain.start(), chain.group(0))
        out.append(PersonCand(Cand(m.start() - len(name), m.start(), name, "Person", "title"), [group]))
    # 自然人股东潘德明 / 交易对方为…和自然人王磊: a private person named as a holder or a party
    for m in _NATURAL_PERSON_RE.finditer(text):
        name = _name_after(text, m.end())
        if name is not None and len(name) >= 2:
            e = m.end() + len(name)
            if len(name) == 3 or e >= len(text) or not is_cjk(text[e]) or text[e] in _AFTER_HOLDER:
                out.append(PersonCand(Cand(m.end(), e, name, "Person", "honorific"), []))
    # 李建国出任深圳华联控股总经理: the name before a verb of taking office that a title follows
    for m in _TAKES_OFFICE_RE.finditer(text):
        name = _name_before(text, m.start())
        if name is not None:
            out.append(PersonCand(Cand(m.start() - len(name), m.start(), name, "Person", "honorific"), []))
    return out


_TITLE_WORDS = tuple(lx.TITLES)
_PAREN_RE = re.compile(r"[（(]([^（）()，,。；;]{2,44})[）)]")
_TAKES_OFFICE_RE = re.compile(
    r"(?:出任|担任|兼任|就任|当选|升任|(?:被)?任命为)(?=[^，,。；;]{2,40}?" + lx.TITLE_ONE + ")"
)
_NATURAL_PERSON_RE = re.compile(r"自然人(?:股东|投资者|投资人)?")
# what may follow a holder's name: 持股 / 认缴 / 出资 / 分别 / 合计 / 等 / 和 …
_AFTER_HOLDER = frozenset("持认出分合等和与及共各将拟已均所通")
_BEFORE_NAME = frozenset(lx.STOP_CHARS) | frozenset('由，,、。；;：:（(“"》 \n')


def _name_before(text: str, end: int) -> str | None:
    """A 3- or 2-character personal name ending at `end` that starts after a boundary (punctuation, a
    function word, the start of the text)."""
    for n in (3, 2):
        s = end - n
        if s < 0:
            continue
        name = text[s:end]
        if not all(is_cjk(c) for c in name) or any(c in lx.NAME_STOP_CHARS for c in name[1:]):
            continue
        if name[0] not in lx.SURNAMES_1 and name[:2] not in lx.SURNAMES_2:
            continue
        if s == 0 or text[s - 1] in _BEFORE_NAME or not is_cjk(text[s - 1]):
            return name
    return None
