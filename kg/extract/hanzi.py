"""Traditional Chinese: detect it and render it in Simplified characters, length for length.

The extractor's grammars and lexicons are written in Simplified characters, so a Hong Kong or Taiwan
article is extracted on a Simplified rendering. The rendering has exactly the length of the original
(OpenCC's phrase conversion where it keeps the length, its character table elsewhere), so every offset
found in it indexes the original article too. Both come from OpenCC's own dictionaries
(opencc-python-reimplemented ships them), loaded on first use; nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

# A Traditional article writes a fifth or more of its characters differently; a Simplified article may
# hold a few Traditional-only characters (a quoted Hong Kong name). Both thresholds must be met.
MIN_TRADITIONAL_CHARS = 3
MIN_TRADITIONAL_SHARE = 0.01  # of all characters
SAMPLE = 600  # characters looked at: a lead paragraph says which script an article is in

# OpenCC's segment separators: conversion is done between them, so each segment can be checked alone
_SEPARATORS = re.compile(r"([\s,.?!*　，。、；：？！…“”‘’『』「」（）《》〈〉〔〕【】()\[\]:;/\\—－-]+)")


def _dictionary(name: str) -> Path:
    spec = importlib.util.find_spec("opencc")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the OpenCC dictionaries are missing: pip install opencc-python-reimplemented")
    return Path(next(iter(spec.submodule_search_locations))) / "dictionary" / name


@lru_cache(maxsize=1)
def _char_table() -> dict[str, str]:
    """Traditional character -> its Simplified character, for characters that are never Simplified too."""
    table: dict[str, str] = {}
    for line in _dictionary("TSCharacters.txt").read_text(encoding="utf-8").splitlines():
        key, _, values = line.partition("\t")
        options = values.split()
        if len(key) == 1 and options and key not in options and len(options[0]) == 1:
            table[key] = options[0]
    return table


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    return frozenset(_char_table())


def _count_traditional(text: str) -> int:
    return sum(map(_traditional_chars().__contains__, text))  # C-level loop: ~20 µs per 1,000 characters


@lru_cache(maxsize=1)
def _converter() -> Any:
    from opencc import OpenCC

    return OpenCC("t2s")


def is_traditional(text: str) -> bool:
    """True when `text` is written in Traditional characters (checked on its first SAMPLE characters: cheap on every article)."""
    sample = text[:SAMPLE]
    if len(_traditional_chars().intersection(sample)) < MIN_TRADITIONAL_CHARS:
        return False  # the fast answer for Simplified text: fewer than 3 distinct Traditional characters
    found = _count_traditional(sample)
    return found >= MIN_TRADITIONAL_CHARS and found >= MIN_TRADITIONAL_SHARE * len(sample)


def to_simplified(text: str) -> str:
    """The Simplified rendering of `text`, of the same length: offsets into it index `text`.

    Phrases first (OpenCC's t2s, which picks 乾燥->干燥 but 乾隆->乾隆); a segment whose phrase conversion
    would change its length is converted character by character instead.
    """
    table = _char_table()
    cc = _converter()
    parts = _SEPARATORS.split(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2 or not part:
            out.append(part)  # a separator
            continue
        converted = cc.convert(part)
        if len(converted) != len(part):
            converted = "".join(table.get(ch, ch) for ch in part)
        out.append(converted)
    result = "".join(out)
    assert len(result) == len(text)  # the contract every offset relies on
    return result
