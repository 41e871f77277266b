"""The recognition view of an article: the same text, character for character, with punctuation unified.

Real pages mix ASCII and full-width punctuation (`,` `(` `)` `:` `;` next to `，` `（` `）`), often in
one sentence. The grammars read one alphabet: this view maps each ASCII separator to its full-width form,
full-width digits and letters to ASCII, and a separator ideograph (丨) to a bar. Every replacement is one
character for one character, so every offset found in the view indexes the original text unchanged, and
mentions and evidence are always cut from the original.
"""

from __future__ import annotations

import re

# one character -> one character; nothing else changes
_SEPARATORS = str.maketrans({",": "，", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）", "丨": "｜"})
_WIDE_ALNUM = str.maketrans(
    {chr(0xFF10 + k): str(k) for k in range(10)}
    | {chr(0xFF21 + k): chr(0x41 + k) for k in range(26)}
    | {chr(0xFF41 + k): chr(0x61 + k) for k in range(26)}
    | {"．": ".", "％": "%"}
)
# a comma or colon between digits is part of a number or a time (1,000 / 10:30): kept as written
_NUMERIC_PUNCT_RE = re.compile(r"(?<=\d)[，：](?=\d)")
_COLON_RE = re.compile(r"(?<![\dA-Za-z/]):(?!//)")
_QUOTE_RE = re.compile(r'"')
_AGENCY_DATELINE_RE = re.compile(
    r"(?:据)?(?:新华社|中新社|中通社|人民网|新华网|央视网|中新网|路透社|彭博社|法新社)"
    r"(?:[\u4e00-\u9fff]{2,4}?)?(?:\d{1,2}月\d{1,2}日)?(?:电|讯)"
)


def recognition_view(text: str) -> str:
    """The text with unified punctuation, as long as `text` (view[i] stands for text[i])."""
    view = text.translate(_WIDE_ALNUM).translate(_SEPARATORS)
    view = _COLON_RE.sub("：", view)
    if '"' in view:
        # ASCII quotes open and close alternately within a paragraph
        out = []
        for para in view.split("\n"):
            k = 0

            def pair(_m: re.Match[str]) -> str:
                nonlocal k
                k += 1
                return "“" if k % 2 else "”"

            out.append(_QUOTE_RE.sub(pair, para))
        view = "\n".join(out)
    view = _NUMERIC_PUNCT_RE.sub(lambda m: text[m.start()], view)
    # 据新华社电 / 中新社上海4月2日电: a news agency's dateline carries no fact and must not glue onto the
    # name after it; blanked with ideographic spaces (one for one), it is a boundary like any space
    view = _AGENCY_DATELINE_RE.sub(lambda m: "\u3000" * len(m.group(0)), view)
    assert len(view) == len(text)
    return view
