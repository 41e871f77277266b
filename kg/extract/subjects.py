"""Names introduced by what surrounds them rather than by a suffix: a person opening a clause before 持有 /
表示 / 见证, foreign names with middle dots, announcers of 发布公告, explicit aliases (下称…), events and
projects. Split from candidates.py, whose boundary and validity rules they use."""

from __future__ import annotations

import re

from kg.extract import lexical as lex
from kg.extract import lexicon as lx
from kg.extract.candidates import (
    _STOP_RE,
    _SUFFIX_END_RE,
    _WEAK,
    ORG_SUFFIX_RE,
    REGION_SUFFIX_END_RE,
    Cand,
    _generic,
    _sorted_alt,
    _strip_place,
    left_edge,
)

_SUBJECT_PERSON_RE = re.compile(
    r"(?:^|(?<=[\n，,。；;：:]))([\u4e00-\u9fff]{2,3}?)(?:女士|先生)?(?:直接|间接|合计|累计)?(?:持有|出资|认缴|表示|指出|介绍|透露|坦言)"
)
# 王建国见证了… / 刘伟平、陈志宏共同见证签约: names opening a clause before a verb of attending
_SUBJECT_ATTENDS_RE = re.compile(
    r"(?:^|(?<=[\n，,。；;：:]))((?:[\u4e00-\u9fff]{2,3}、)*[\u4e00-\u9fff]{2,3}?)(?:共同|一同|一起)?"
    r"(?:见证|出席|致辞|主持|会见)"
)
_NAME_TAGS_PERSON = frozenset({"nr", "nrfg", "nrt"})


_AFTER_NAME_RE = re.compile(
    "|".join(
        sorted(
            {w for w in lx.AFTER_NAME if len(w) >= 2} | {"担任", "出任", "兼任", "先生", "女士"},
            key=len,
            reverse=True,
        )
    )
)
_DOT_STOPS = frozenset(lx.STOP_CHARS) | frozenset("等及和与")


def trim_dotted(name: str) -> str:
    """A foreign name read greedily up to 8 characters after its last dot ends before a word that follows
    names (马可斯·特罗伊若出席 -> 马可斯·特罗伊若) or a function character."""
    dot = name.rfind("·")
    tail = name[dot + 1 :]
    cut = len(tail)
    am = _AFTER_NAME_RE.search(tail, 1)
    if am:
        cut = am.start()
    for i, ch in enumerate(tail[1:cut], 1):
        if ch in _DOT_STOPS:
            cut = i
            break
    return name[: dot + 1 + cut]


# 约翰·史密斯担任… / 、莫纳莱·拉特索马表示: a transliterated name with middle dots opening a clause or an item
_DOTTED_SUBJECT_RE = re.compile(
    r"(?:^|(?<=[\n，,。；;：:、“\"（(]))([\u4e00-\u9fff]{1,6}(?:·[\u4e00-\u9fff]{1,8}){1,3})"
)
_AFTER_DOTTED_RE = re.compile(
    r"(?:女士|先生|博士|教授)?(?:担任|出任|兼任|任|为|是|表示|指出|介绍|透露|认为|称|说|出席|参加|会见|见证|"
    r"[、，,。；;）)”\"和与及等])"
)


_TITLE_WORDS_LONG = tuple(t for t in lx.TITLES if len(t) >= 2)


def find_dotted_person_candidates(text: str) -> list[Cand]:
    """A foreign name written with middle dots where a person stands: before 担任/表示/出席 or punctuation; a
    dotted name followed by more name characters (欧尚·乐华梅兰超市) is left to the organisation rules."""
    out = []
    for m in _DOTTED_SUBJECT_RE.finditer(text):
        name = trim_dotted(m.group(1))
        end = m.start(1) + len(name)
        if name.endswith("·") or not _AFTER_DOTTED_RE.match(text, end):
            continue
        first = name.split("·", 1)[0]
        if any(t in first for t in _TITLE_WORDS_LONG) or any(c in "由为是任" for c in first):
            continue  # 总经理由艾力·买买提担任: a title and a copula before the name (the title rules read it)
        if _STOP_RE.search(name) or _SUFFIX_END_RE.search(name) or REGION_SUFFIX_END_RE.search(name):
            continue
        out.append(Cand(m.start(1), end, name, "Person", "subject"))
    return out


def find_subject_person_candidates(text: str) -> list[Cand]:
    """A bare 2-3 character name opening a clause before 持有/出资/表示 is a person (许文杰直接持有…), and so is
    each of a list of names before 见证/出席 that the dictionary knows as nothing else."""
    out = find_dotted_person_candidates(text)
    for m in _SUBJECT_ATTENDS_RE.finditer(text):
        names = m.group(1).split("、")
        pos = m.start(1)
        spans = []
        for name in names:
            spans.append((pos, name))
            pos += len(name) + 1
        ok = all(
            (n[0] in lx.SURNAMES_1 or n[:2] in lx.SURNAMES_2)
            and not any(c in lx.STOP_CHARS for c in n)
            and lex.word_tag(n) in (None, *_NAME_TAGS_PERSON)
            and not _generic(n)
            and not lx.PLACE_RE.match(n)
            for n in names
        )
        if ok:
            out += [Cand(p, p + len(n), n, "Person", "subject") for p, n in spans]
    for m in _SUBJECT_PERSON_RE.finditer(text):
        name = m.group(1)
        surname = name[0] in lx.SURNAMES_1 or name[:2] in lx.SURNAMES_2
        clean = (
            not any(c in lx.STOP_CHARS for c in name) and not _generic(name) and not lx.PLACE_RE.match(name)
        )
        if surname and clean:
            out.append(Cand(m.start(1), m.end(1), name, "Person", "subject"))
    return out


_ANNOUNCE_RE = re.compile(
    r"(?:^|(?<=[\n，,。；;])|(?<=讯 )|(?<=讯))([\u4e00-\u9fff]{2,8}?)"
    r"(?:近日|日前|今日|今晚|昨日|昨晚|同日|\d{1,2}月\d{1,2}日(?:晚间|晚)?)?(?:还|亦|也)?"
    r"(?:发布(?:了)?(?:[\u4e00-\u9fff]{0,12})?公告|发布(?:了)?关于[^。，,]{0,48}?公告|公告称|公告(?=[，,]))"
)
_CUE_WORDS = frozenset(lx.LEFT_CUES)  # 根据公告，…: a cue word is not an announcer
_ANNOUNCE_NOT = ("公司", "本", "该", "此", "上述", "相关", "同日", "另")


def find_announcer_candidates(text: str) -> list[Cand]:
    """The subject of 发布公告 at a clause start is a company (北汽蓝谷近日发布公告称)."""
    out = []
    for m in _ANNOUNCE_RE.finditer(text):
        name = m.group(1)
        if name.startswith(_ANNOUNCE_NOT) or name.endswith(("公司", "公告")) or name in _CUE_WORDS:
            continue
        if not any(c in lx.STOP_CHARS for c in name) and not _generic(name):
            out.append(Cand(m.start(1), m.end(1), name, "Company", "announce"))
    return out


_ALIAS_RE = re.compile(
    r"[(（]\s*(?:[^()（）]{1,40}?[，,])?\s*(?:以下|下文|下)?(?:简称|称)[:：为]?\s*[“\"「『]?(?P<alias>[^)）“”\"「」『』]{2,16}?)[”\"」』]?\s*[)）]"
)


def find_explicit_aliases(text: str) -> list[tuple[int, int, int, int]]:
    """(alias_start, alias_end, paren_start) for 下称X / 简称X / 以下简称"X"; the named thing ends at paren_start."""
    out = []
    for m in _ALIAS_RE.finditer(text):
        a = m.group("alias")
        if a.startswith("《"):
            continue
        out.append((m.start("alias"), m.end("alias"), m.start(), m.end()))
    return out


EVENT_RE = re.compile(
    r"(?:出席|参加|参与|举行|举办|召开|亮相)(?:了|在)?(?P<ev>[\u4e00-\u9fff《》]{0,14}?(?:"
    + _sorted_alt(lx.EVENT_SUFFIXES)
    + "))"
)


_EVENT_LEAD_RE = re.compile(r"^(?:[^的]*的|当天|当日|本次|此次|今天|昨天)")


def find_event_candidates(text: str) -> list[Cand]:
    """出席(了)(当天的)开业仪式 -> 开业仪式: the ceremony's name, without time words and modifiers."""
    out = []
    for m in EVENT_RE.finditer(text):
        start = m.start("ev")
        lead = _EVENT_LEAD_RE.match(m.group("ev"))
        if lead and len(m.group("ev")) - lead.end() >= 2:
            start += lead.end()
        out.append(Cand(start, m.end("ev"), text[start : m.end("ev")], "Event", "event"))
    return out


_PLACE_BEFORE_RE = re.compile("(?:" + lx._first_char_trie(list(lx.PLACES)) + ")[市县区]?$")
_WORKS_RE = re.compile(r"项目|高速公路|铁路|城际铁路|大桥|隧道|机场|港区|码头|管廊")


def find_project_candidates(text: str) -> list[Cand]:
    """Projects that receive financing (国家会议中心二期项目) are typed Event (not scored, allowed as borrower)."""
    out = []
    for m in _WORKS_RE.finditer(text):
        start = left_edge(text, m.start(), limit=16)
        if m.group(0) != "项目":
            if start > 2 and text[start - 1] in "至到-—":
                # 常州至溧阳高速公路: a route from one place to another is one name
                pm = _PLACE_BEFORE_RE.search(text, max(0, start - 6), start - 1)
                if pm:
                    start = pm.start()
            for om in ORG_SUFFIX_RE.finditer(text, start, m.start()):
                if om.group("suf") not in _WEAK:
                    start = om.end()  # 湖南湘江城建投资有限公司城际铁路工程: the works, not their owner
        body = text[start : m.start()]
        if (
            len(body) < 4
            or any(c in lx.STOP_CHARS for c in body)
            or _generic(body)
            or _generic(_strip_place(body))
            or (start > 0 and text[start - 1] == "等")
        ):
            continue  # 海上风电、抽水蓄能等清洁能源项目: a kind of project closing a list, not a named one
        window = text[m.end() : m.end() + 30]
        if not re.search(r"贷款|银团|融资|授信", window):
            continue
        if m.group(0) != "项目" and not re.match(r"[（(]|银团|贷款|项目|工程", text[m.end() :]):
            continue  # a road or a bridge named as the thing financed: right before the loan or its alias
        out.append(Cand(start, m.end(), text[start : m.end()], "Event", "project"))
    return out
