"""Test helper (no tests here): an extractor whose names break like real extraction breaks them.

`broken_gold_extract` is the gold extraction of an article (test_build_helpers.gold_extract) where a fixed
quarter of the organisations and places lose their aliases and gain a stray character in front of their
name (自国家开发银行 for 国家开发银行), as extraction does when a span's left edge is wrong. Resolution cannot
undo that, so the splits it leaves are known by construction: what `kg duplicates` is measured on.
"""

from __future__ import annotations

import hashlib

from test_build_helpers import gold_extract

from kg.models import Article, Extraction

JUNK = "自由向据与"
BROKEN_TYPES = {"Company", "Bank", "GovernmentBody", "Fund"}


def is_broken(article_path: str, name: str) -> bool:
    digest = hashlib.sha1(f"{article_path.rsplit('/', 1)[-1]}|{name}".encode()).digest()
    return digest[0] % 4 == 0


def broken_gold_extract(article: Article) -> Extraction:
    x = gold_extract(article)
    for e in x.entities:
        if e.type.value in BROKEN_TYPES and is_broken(article.path, e.name):
            junk = JUNK[len(e.name) % len(JUNK)]
            e.name = junk + e.name
            e.aliases = []
            e.mentions = []
    return x
