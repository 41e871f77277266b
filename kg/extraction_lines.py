"""The extraction line (FORMAT.md) as kg writes it: the article's content hash and the extractor's tag travel
in it (`article.content_hash`, `article.extractor`), so a store can be built or updated from the lines
alone (`kg build --from-extractions`) and stay incremental exactly like `kg build` on the files.

Both fields are additive: a line without them is still a FORMAT.md line (then a hash of the line itself
stands in, see kg.shards).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from kg.models import Article, Extraction
from kg.store.write import content_hash

DEFAULT_EXTRACTOR = "kg.extract:extract_article"


def spec_tag(spec: str) -> str:
    """`module:function@version` for an extractor spec (the module's EXTRACTOR_VERSION, if it has one);
    the same tag `kg build` mixes into each article's content hash."""
    module = importlib.import_module(spec.partition(":")[0])
    version = getattr(module, "extractor_version", None)  # a callable: e.g. the LLM's model and prompt
    return f"{spec}@{version() if callable(version) else getattr(module, 'EXTRACTOR_VERSION', '0')}"


def callable_tag(extract: Callable[..., Any] | None) -> str:
    """The tag of an extractor function (None: the project's extractor)."""
    if extract is None:
        return spec_tag(DEFAULT_EXTRACTOR)
    module = getattr(extract, "__module__", None) or "__main__"
    name = getattr(extract, "__name__", None) or type(extract).__name__
    return spec_tag(f"{module}:{name}")


def extraction_line(article: Article, extraction: Extraction, tag: str) -> dict:
    """The JSON object of one extraction line, with the content hash `kg build` would store for `article`."""
    line = extraction.to_json_dict()
    line["article"]["content_hash"] = content_hash(article, tag)
    line["article"]["extractor"] = tag
    return line
