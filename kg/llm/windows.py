"""Long articles go to the model in windows: whole paragraphs under a token budget, with overlap.

Tokens are estimated, not counted (no tokenizer download): a CJK character is about one token for Qwen-
and GPT-style tokenizers, Latin text about four characters per token. The estimate errs high, so a window
stays under the budget on real servers. A paragraph longer than the budget is cut at sentence ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")


def estimate_tokens(text: str) -> int:
    cjk = sum(1 for ch in text if ord(ch) >= 0x2E80)
    return cjk + (len(text) - cjk + 3) // 4


@dataclass(frozen=True)
class Window:
    start: int  # offset of the window in the article text
    text: str


def _pieces(text: str, budget: int) -> list[tuple[int, str]]:
    """Paragraphs with their offsets; a paragraph over budget is split at sentence ends (or hard)."""
    out: list[tuple[int, str]] = []
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]*)*", text):
        para, pos = m.group(0), m.start()
        if not para.strip():
            continue
        if estimate_tokens(para) <= budget:
            out.append((pos, para))
            continue
        chunk_start, chunk = pos, ""
        for sent in (s for s in _SENTENCE_END.split(para) if s):
            while estimate_tokens(sent) > budget:  # one endless sentence: cut hard
                head, sent = sent[:budget], sent[budget:]
                if chunk:
                    out.append((chunk_start, chunk))
                    chunk_start += len(chunk)
                    chunk = ""
                out.append((chunk_start, head))
                chunk_start += len(head)
            if chunk and estimate_tokens(chunk + sent) > budget:
                out.append((chunk_start, chunk))
                chunk_start, chunk = chunk_start + len(chunk), ""
            chunk += sent
        if chunk:
            out.append((chunk_start, chunk))
    return out


def split_windows(text: str, budget: int, overlap: int = 1) -> list[Window]:
    """Windows of whole paragraphs, each under `budget` tokens; each window after the first repeats the
    last `overlap` paragraph(s) of the one before (a relation stated across a paragraph break is seen)."""
    pieces = _pieces(text, budget)
    if not pieces:
        return [Window(0, text)] if text.strip() else []
    windows: list[Window] = []
    i = 0
    while i < len(pieces):
        j, used = i, 0
        while j < len(pieces) and (j == i or used + estimate_tokens(pieces[j][1]) <= budget):
            used += estimate_tokens(pieces[j][1])
            j += 1
        start = pieces[i][0]
        end = pieces[j - 1][0] + len(pieces[j - 1][1])
        windows.append(Window(start, text[start:end]))
        if j >= len(pieces):
            break
        i = max(j - overlap, i + 1)
    return windows
