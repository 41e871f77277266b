"""Reading articles: files of several formats -> `kg.models.Article` (plain text, stable id)."""

from kg.ingest.decode import DEFAULT_MAX_MB
from kg.ingest.reader import (
    SUPPORTED_EXTENSIONS,
    ReadWarning,
    article_id,
    collect_files,
    read_article,
    read_articles,
    read_file,
)

__all__ = [
    "DEFAULT_MAX_MB",
    "SUPPORTED_EXTENSIONS",
    "ReadWarning",
    "article_id",
    "collect_files",
    "read_article",
    "read_articles",
    "read_file",
]
