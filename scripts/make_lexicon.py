"""Derive kg's word lexicon (kg/extract/data/words.tsv) from the dictionary that ships with jieba.

jieba's dict.txt lists 349k words with a frequency and a part of speech. The extractor needs it for two
things: to segment the few characters in front of a name (so that a boundary word is a whole word: 跟进
is no 跟 + 进) and to tell a preposition, verb or pronoun from the first characters of a name. This keeps
the words common enough to matter (and every place, organisation and abbreviation, frequent or not) in a
compact file that loads in a fraction of the time of the full dictionary. Re-run after upgrading jieba:

    python scripts/make_lexicon.py        # rewrites kg/extract/data/words.tsv
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "kg" / "extract" / "data" / "words.tsv"
MIN_FREQ = 40  # common words: every part of speech
NAME_TAGS = frozenset({"ns", "nt", "j"})  # places, organisations, abbreviations: kept when rarer too
MIN_NAME_FREQ = 3


def jieba_dict() -> Path:
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        sys.exit("jieba is not installed")
    return Path(spec.origin).parent / "dict.txt"


def derive(src: Path) -> list[str]:
    rows = []
    with src.open(encoding="utf-8") as fh:
        for line in fh:
            word, freq, tag = line.split()
            f = int(freq)
            if not all("\u4e00" <= ch <= "\u9fff" for ch in word):
                continue  # no Latin or digits
            if f >= MIN_FREQ or (tag in NAME_TAGS and f >= MIN_NAME_FREQ):
                rows.append(f"{word}\t{f}\t{tag}")
    return sorted(rows)


def main() -> None:
    src = jieba_dict()
    rows = derive(src)
    header = f"# derived from {src.parent.name}/dict.txt by scripts/make_lexicon.py: word, frequency, part of speech"
    OUT.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {len(rows)} words")


if __name__ == "__main__":
    main()
