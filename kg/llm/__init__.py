"""The optional LLM extractor: any OpenAI-compatible chat completions server, answers grounded in the text.

`extract_article` (spec `kg.llm:extract_article`) is a drop-in for the rules extractor; its settings come
from the environment (kg.llm.config). Nothing here imports `openai` until a request is made, so the rules
path never pays for it. See docs/llm.md.
"""

from __future__ import annotations

from kg.llm.config import LlmConfig
from kg.llm.prompt import PROMPT_VERSION
from kg.llm.schema import SCHEMA_VERSION
from kg.models import Article, Extraction

__all__ = ["EXTRACTOR_VERSION", "extract_article", "extractor_version"]

EXTRACTOR_VERSION = "1"  # grounding code; the model, prompt and schema versions join it in extractor_version


def extractor_version() -> str:
    """Part of each article's content hash in the store: a new model or prompt means re-extraction."""
    cfg = LlmConfig.from_env()
    return (
        f"{EXTRACTOR_VERSION}/prompt{PROMPT_VERSION}/schema{SCHEMA_VERSION}/w{cfg.window_tokens}/{cfg.model}"
    )


def extract_article(article: Article) -> Extraction:
    """Article -> Extraction by the configured model, every fact grounded by kg (kg.llm.grounding)."""
    from kg.llm.run import extract_llm

    return extract_llm(article)
