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
    assert len(view) == len(text)
    return view
