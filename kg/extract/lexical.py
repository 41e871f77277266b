"""Words and their parts of speech, from the dictionary that ships with jieba (kg/extract/data/words.tsv).

A name's left edge is where the words in front of it stop being name words: a preposition (用, 自, 据), a
pronoun (该, 其), an adverb (共同, 正式), a time word (近日) or a verb that takes the name as its object
(期盼, 宣布). Segmenting the few characters before a suffix into dictionary words makes every boundary a
whole word (跟进 is one word, not 跟 + 进), and the word's part of speech says whether it can open a name.
"""

from __future__ import annotations

import math
from functools import lru_cache
from importlib import resources

_MAX_WORD = 8
_UNKNOWN = -17.884  # log(1 / total): a character the dictionary does not know counts as seen once


@lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, int], dict[str, str], dict[str, float]]:
    """(frequency, part of speech, log-probability) of every word."""
    freq: dict[str, int] = {}
    tags: dict[str, str] = {}
    text = resources.files("kg.extract").joinpath("data/words.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line or line[0] == "#":
            continue
        word, f, tag = line.split("\t")
        freq[word] = int(f)
        tags[word] = tag
    log_total = math.log(sum(freq.values()))
    return freq, tags, {w: math.log(f) - log_total for w, f in freq.items()}


def word_tag(word: str) -> str | None:
    """jieba's part of speech of a dictionary word (n, v, p, ns, nt, …), None when not a word."""
    return _lexicon()[1].get(word)


@lru_cache(maxsize=65536)
def segment(s: str) -> tuple[str, ...]:
    """The most probable split of `s` into dictionary words (jieba's unigram route, no HMM); characters the
    dictionary does not know stand alone. Meant for short runs (a name and the words before it)."""
    logp = _lexicon()[2]
    n = len(s)
    best = [0.0] * (n + 1)  # best[i]: log-probability of the best split of s[i:]
    nxt = [n] * (n + 1)
    for i in range(n - 1, -1, -1):
        score, end = -math.inf, i + 1
        for j in range(i + 1, min(n, i + _MAX_WORD) + 1):
            lp = logp.get(s[i:j])
            if lp is None:
                if j > i + 1:
                    continue
                lp = _UNKNOWN
            sc = lp + best[j]
            if sc > score:
                score, end = sc, j
        best[i], nxt[i] = score, end
    out = []
    i = 0
    while i < n:
        out.append(s[i : nxt[i]])
        i = nxt[i]
    return tuple(out)
