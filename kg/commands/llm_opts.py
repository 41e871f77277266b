"""Options shared by `kg extract`, `kg build` and `kg eval` for choosing and configuring the extractor."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from kg.commands.common import err_console, say

Opt = typer.Option
EXTRACTOR_HELP = (
    "rules (default: offline, deterministic), llm (an OpenAI-compatible server: KG_LLM_BASE_URL, "
    "KG_LLM_MODEL, KG_LLM_API_KEY) or hybrid (the union of both, each relation marked with its extractor)."
)
Extractor = Annotated[str, Opt("--extractor", help=EXTRACTOR_HELP)]
Concurrency = Annotated[int, Opt("--concurrency", min=1, help="LLM requests in flight at most.")]
BaseUrl = Annotated[
    str | None, Opt("--llm-base-url", help="OpenAI-compatible endpoint (overrides KG_LLM_BASE_URL).")
]
Model = Annotated[str | None, Opt("--llm-model", help="Model name (overrides KG_LLM_MODEL).")]
Timeout = Annotated[
    float | None, Opt("--llm-timeout", min=0.001, help="Seconds per LLM request (KG_LLM_TIMEOUT; 120).")
]
Retries = Annotated[
    int | None, Opt("--llm-retries", min=0, help="Retries on 429, 5xx and timeouts (KG_LLM_RETRIES; 4).")
]
CacheDir = Annotated[
    Path | None, Opt("--llm-cache", help="Answer cache directory (KG_LLM_CACHE; ~/.cache/kg/llm).")
]


def llm_config(extractor: str, base_url: Any, model: Any, timeout: Any, retries: Any, cache: Any) -> Any:
    """The LLM settings for an llm/hybrid run (None for the rules: nothing to configure, nothing imported)."""
    if extractor not in ("llm", "hybrid"):
        return None
    from kg.llm.config import LlmConfig

    return LlmConfig.from_env(
        base_url=base_url,
        model=model,
        timeout=timeout,
        retries=retries,
        cache_dir=str(cache) if cache else None,
    )


def print_llm_summary(stats: dict) -> None:
    """One line of accounting, one of what grounding dropped (part of the human summary)."""
    say(
        f"LLM: {stats['articles']} article(s), {stats['requests']} request(s) ({stats['retries']} retried, "
        f"{stats['repairs']} repair), tokens in/out {stats['tokens_in']}/{stats['tokens_out']}, "
        f"{stats['cache_hits']} cache hit(s), {stats['failed']} failed, {stats['seconds']:.2f} s"
    )
    say(
        f"LLM grounding dropped: {stats['entities_dropped']} entities not in the text, "
        f"{stats['relations_ungrounded']} relations with evidence not in the text, "
        f"{stats['relations_off_ontology']} against the ontology's signatures, "
        f"{stats['relations_unknown_entity']} with unknown entities, {stats['invalid_items']} invalid items "
        f"({stats['relations_fuzzy']} evidence quotes matched fuzzily)"
    )


@contextmanager
def fetch_progress() -> Iterator[Callable[[int], None]]:
    """A spinner with the articles answered so far (stderr, only on a terminal) while the model is asked."""
    with Progress(
        SpinnerColumn(),
        TextColumn("Asking the model: {task.completed} article(s) answered"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as progress:
        task = progress.add_task("ask", total=None)
        yield lambda done: progress.update(task, completed=done)


def session(
    extractor: str,
    paths: Any,
    flags: tuple[Any, Any, Any, Any, Any],
    *,
    concurrency: int,
    max_mb: float,
    fields: Any,
    unchanged: Any = None,
) -> Any:
    """The batch's extractor session (kg.llm.run.llm_session) from the command's options; `flags` are
    --llm-base-url, --llm-model, --llm-timeout, --llm-retries, --llm-cache in that order."""
    from kg.llm.run import llm_session

    return llm_session(
        extractor,
        paths,
        llm_config(extractor, *flags),
        concurrency=concurrency,
        max_mb=max_mb,
        fields=fields,
        unchanged=unchanged,
        progress=fetch_progress,
    )
