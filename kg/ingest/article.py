"""Building an `Article` from what a reader found: the stable id and the checks every format shares."""

from __future__ import annotations

import hashlib
from typing import Any

from kg.errors import ReadError
from kg.models import Article

NO_TEXT = "no article text found"


def article_id(title: str, date: str | None, text: str) -> str:
    """Stable id from the content alone, so moving or renaming a file keeps its id."""
    h = hashlib.sha256("\x1f".join((title, date or "", text)).encode("utf-8"))
    return h.hexdigest()[:16]


def make_article(
    path: str,
    text: str,
    *,
    title: str = "",
    date: str | None = None,
    url: str | None = None,
    categories: list[str] | None = None,
    tags: list[str] | None = None,
) -> Article:
    if not text.strip():
        raise ReadError(path, NO_TEXT)
    return Article(
        id=article_id(title, date, text),
        path=path,
        title=title,
        date=date,
        url=url or None,
        categories=categories or [],
        tags=tags or [],
        text=text,
    )


def str_list(value: Any) -> list[str]:
    """Jekyll categories/tags: a list, or a space-separated string."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    return [v for v in str(value).split() if v]
