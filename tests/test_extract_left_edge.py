"""left_edge reads a name run right to left on the reversed text (one regex pass instead of one per start
position); it must find exactly the run the forward definition finds, on any text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import candidates as cd

# the forward definition: the leftmost start in the window from which name characters run up to pos
# (a Latin letter with up to four digits is one unit of a name: 长三角G60科创走廊)
_FORWARD_RUN_RE = re.compile(
    r"(?:[\u4e00-\u9fffA-Za-z]|[A-Za-z][0-9]{1,4}|[(（](?!以下|下称|简称)[\u4e00-\u9fff]{1,7}[)）])+$"
)
ALPHABET = list("中国银行集团以下称简（）()AbG年月日106和与在旗下，。")


def forward_run_start(text: str, pos: int, limit: int) -> int:
    m = _FORWARD_RUN_RE.search(text, max(0, pos - limit), pos)
    return m.start() if m else pos


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=40), st.data())
def test_reversed_run_equals_forward_run(text: str, data) -> None:
    pos = data.draw(st.integers(0, len(text)))
    limit = data.draw(st.sampled_from([5, 12, 22]))
    n = len(text)
    m = cd._REV_RUN_RE.match(text[::-1], n - pos, n - max(0, pos - limit))
    assert (n - m.end() if m else pos) == forward_run_start(text, pos, limit)


def test_memo_is_per_article() -> None:
    a, b = "甲公司与乙银行签约", "丙集团旗下丁有限公司"
    assert cd.article_memo(a)[None] == a[::-1]
    assert cd.article_memo(b)[None] == b[::-1]  # a new text drops the previous article's memo
    assert cd.left_edge(b, b.index("有限公司")) == b.index("丁")


def test_bank_abbreviations_keep_their_first_character() -> None:
    # is_short_org rejects a pair at once when the short form's first character is not in the full name
    from kg.extract import lexicon as lx

    assert all(abbr[0] in whole for abbr, whole in lx.BANK_ABBREVIATIONS.items())


def test_first_char_trie_picks_the_same_word_as_the_flat_alternation() -> None:
    from kg.extract import lexicon as lx

    words = sorted({"中国", "中国银行", "中", "银行", "与", "与其", "国"}, key=len, reverse=True)
    flat = re.compile("|".join(words))
    trie = re.compile(lx.word_alternation(words))
    for text in ("中国银行与其", "中与国银", "国中国", "与中国银行"):
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in flat.finditer(text)]
