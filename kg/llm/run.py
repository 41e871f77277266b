"""Running the LLM extractor over a batch: answers fetched concurrently first, extraction afterwards.

Why two phases: kg extracts in worker processes with a time budget per article (kg.workers), which suits
CPU-bound rules but not waiting on a server. So `llm_session` first reads the articles and fetches every
uncached answer in a pool of `concurrency` threads in this process (bounded requests in flight, retries
with backoff, the per-request timeout); then the usual batch runs the extractor in the workers in
cache-only mode: grounding is local and quick, and an article whose fetch failed is reported there by
name like a bad file (its note in the cache), nothing of it stored, the batch going on.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.errors import LlmError, ReadError
from kg.llm.cache import AnswerCache, cache_key
from kg.llm.client import ChatClient, LlmStats
from kg.llm.config import DEFAULT_CONCURRENCY, LlmConfig
from kg.llm.grounding import GroundStats, ground_answers
from kg.llm.prompt import PROMPT_VERSION, messages, repair_messages
from kg.llm.schema import SCHEMA_VERSION, AnswerError, LlmAnswer, parse_answer
from kg.llm.windows import split_windows
from kg.models import Article, Extraction

EXTRACTORS = {
    "rules": "kg.extract:extract_article",
    "llm": "kg.llm:extract_article",
    "hybrid": "kg.llm.hybrid:extract_article",
}


def ask_window(client: ChatClient, article: Article, window: str) -> LlmAnswer:
    """One window's answer: validated, with one repair round for an unusable answer."""
    msgs = messages(article.title, article.date, window)
    reply = client.complete(msgs)
    try:
        parsed = parse_answer(reply.content)
    except AnswerError as exc:
        if reply.finish_reason == "length":  # cut off: a repair would be cut off too
            raise LlmError(
                f"answer cut off at the server's output limit ({exc}); lower KG_LLM_WINDOW_TOKENS "
                "or raise the server's context"
            ) from None
        client.stats.add(repairs=1)
        again = client.complete(repair_messages(msgs, reply.content, str(exc)))
        try:
            parsed = parse_answer(again.content)
        except AnswerError as exc2:
            raise LlmError(f"unusable answer after one repair round: {exc2}") from None
    client.stats.add(invalid_items=parsed.invalid)
    return parsed.answer


def fetch_answers(
    article: Article,
    config: LlmConfig,
    cache: AnswerCache,
    client: Callable[[], ChatClient] | None,
    stats: LlmStats,
    pool: Executor | None = None,
) -> list[LlmAnswer]:
    """The answers for every window of `article`: from the cache, else asked (client None: cache only),
    the windows one after another or, given a `pool`, side by side in it."""
    key = cache_key(article, config.model, config.window_tokens)
    cached = cache.get(key)
    if cached is not None:
        try:
            answers = [LlmAnswer.model_validate(w) for w in cached]
            stats.add(cache_hits=1)
            return answers
        except ValueError:
            pass  # an entry of another shape: ask again
    if client is None:
        raise LlmError(cache.failure(key) or "no cached LLM answer (the fetch phase did not run)")
    c = client()
    windows = split_windows(article.text, config.window_tokens)
    if pool is None:
        answers = [ask_window(c, article, w.text) for w in windows]
    else:
        futures = [pool.submit(ask_window, c, article, w.text) for w in windows]
        try:
            answers = [f.result() for f in futures]
        finally:
            for f in futures:
                f.cancel()  # one window failed: the article fails, its windows not yet asked are not
    meta = {"model": config.model, "prompt_version": PROMPT_VERSION, "schema_version": SCHEMA_VERSION}
    cache.put(key, [a.model_dump(mode="json") for a in answers], meta)
    return answers


# --------------------------------------------------------------------------- the per-article extractor

_PROCESS: dict[str, object] = {}
_LOCK = threading.Lock()


def _process_client(config: LlmConfig) -> ChatClient:
    with _LOCK:
        if _PROCESS.get("config") != config:
            _PROCESS["client"], _PROCESS["config"] = ChatClient(config), config
        return _PROCESS["client"]  # type: ignore[return-value]


def extract_llm(article: Article, config: LlmConfig | None = None) -> Extraction:
    """Article -> grounded Extraction (settings from the environment unless given)."""
    config = config or LlmConfig.from_env()
    if not config.model:
        raise LlmError("KG_LLM_MODEL is not set (or --llm-model): e.g. qwen2.5:7b-instruct")
    stats = LlmStats()
    client = None if config.cache_only else (lambda: _process_client(config))
    answers = fetch_answers(article, config, AnswerCache(config.cache_dir), client, stats)
    return ground_answers(article, answers)


# --------------------------------------------------------------------------- the batch


@dataclass
class LlmSession:
    """What the CLI runs a batch with: the extractor (None = the rules), its spec, and the accounting."""

    extractor: str
    spec: str
    stats: LlmStats = field(default_factory=LlmStats)
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def function(self) -> Callable[[Article], Extraction] | None:
        if self.extractor == "rules":
            return None
        from kg.pipeline import load_extractor

        return load_extractor(self.spec)


def _articles(paths: Iterable[str | Path], max_mb: float, fields: dict | None) -> Iterator[Article]:
    from kg.ingest.reader import collect_files, read_file

    for f in collect_files(paths):
        if isinstance(f, ReadError):
            continue
        try:
            for a in read_file(f, max_mb=max_mb, on_warning=lambda _m: None, fields=fields):
                if not isinstance(a, ReadError):
                    yield a
        except Exception:  # noqa: BLE001, S112 - the batch phase reads it again and reports the problem by name
            continue


def prefetch(
    articles: Iterable[Article],
    config: LlmConfig,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    skip: Callable[[Article], bool] | None = None,
    stats: LlmStats | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> tuple[LlmStats, dict[str, str]]:
    """Fetch (or find cached) the answers of every article, `concurrency` requests in flight at most;
    grounding counts go into the stats. Returns the stats and {path: one-line error} of failed articles."""
    stats = stats or LlmStats()
    cache = AnswerCache(config.cache_dir)
    failed: dict[str, str] = {}
    client: ChatClient | None = None
    fatal: list[LlmError] = []  # settings no request can work with (no URL, no openai): the run stops
    lock = threading.Lock()

    def get_client() -> ChatClient:
        nonlocal client
        with lock:
            if fatal:
                raise fatal[0]
            if client is None:
                try:
                    client = ChatClient(config, stats)
                except LlmError as exc:
                    fatal.append(exc)
                    raise
            return client

    def one(article: Article) -> None:
        try:
            answers = fetch_answers(article, config, cache, get_client, stats, requests)
        except LlmError as exc:
            problem = (str(exc).splitlines() or ["LLM request failed"])[0]
            cache.note_failure(cache_key(article, config.model, config.window_tokens), problem)
            stats.add(failed=1)
            with lock:
                failed[article.path] = problem
            return
        gstats = GroundStats()
        ground_answers(article, answers, gstats)
        stats.add(**gstats.as_counts())

    started = time.perf_counter()
    done = 0
    # articles in one pool, their windows' requests in another: at most `concurrency` requests in flight
    with (
        ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="kg-llm-request") as requests,
        ThreadPoolExecutor(max_workers=max(1, concurrency), thread_name_prefix="kg-llm") as pool,
    ):
        pending: set[Future] = set()
        for article in articles:
            if skip is not None and skip(article):
                continue
            stats.add(articles=1)
            pending.add(pool.submit(one, article))
            if len(pending) >= 4 * max(1, concurrency):
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                done += _settle(finished, on_progress, done)
        finished, _ = wait(pending)
        _settle(finished, on_progress, done)
    stats.add(seconds=time.perf_counter() - started)
    if fatal:
        raise fatal[0]
    return stats, failed


def _settle(finished: set[Future], on_progress: Callable[[int], None] | None, done: int) -> int:
    for f in finished:
        f.result()  # a bug in kg (not an LLM failure) surfaces here
        done += 1
        if on_progress:
            on_progress(done)
    return len(finished)


@contextmanager
def llm_session(
    extractor: str,
    paths: Iterable[str | Path],
    config: LlmConfig | None,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    max_mb: float = 64.0,
    fields: dict | None = None,
    unchanged: Callable[[str], Callable[[Article], bool]] | None = None,
    progress: Callable[[], AbstractContextManager[Callable[[int], None]]] | None = None,
) -> Iterator[LlmSession]:
    """Run a batch with `extractor` (rules | llm | hybrid). For llm and hybrid: the fetch phase now, then
    the settings in the environment (cache-only) for the worker processes of the batch, restored after.
    `unchanged(spec)` gives a predicate for articles the batch will skip anyway (kg build's store);
    `progress()` a context giving the fetch phase's progress callback (articles done)."""
    if extractor not in EXTRACTORS:
        raise LlmError(f"unknown extractor {extractor!r}: use rules, llm or hybrid")
    session = LlmSession(extractor, EXTRACTORS[extractor])
    if extractor == "rules":
        yield session
        return
    config = config or LlmConfig.from_env()
    if not config.model:
        raise LlmError("KG_LLM_MODEL is not set (or --llm-model): e.g. qwen2.5:7b-instruct")
    saved = {k: os.environ.get(k) for k in config.to_env()}
    try:
        config.apply()
        skip = unchanged(session.spec) if unchanged else None
        with progress() if progress else nullcontext(None) as on_progress:
            _, session.failed = prefetch(
                _articles(paths, max_mb, fields),
                config,
                concurrency=concurrency,
                skip=skip,
                stats=session.stats,
                on_progress=on_progress,
            )
        replace(config, cache_only=True).apply()
        yield session
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def unchanged_in_store(db_path: str | Path) -> Callable[[str], Callable[[Article], bool]]:
    """For `kg build`: given the extractor spec, a predicate for articles the store already holds with the
    same content and extractor tag (the build skips them, so their answers are not fetched either)."""

    def for_spec(spec: str) -> Callable[[Article], bool]:
        import sqlite3

        from kg.pipeline import extractor_tag
        from kg.store.write import content_hash

        path = Path(db_path)
        if not path.is_file():
            return lambda _a: False
        tag = extractor_tag(spec)
        try:
            conn = sqlite3.connect(f"file:{path.resolve()}?mode=ro", uri=True)
            stored = dict(conn.execute("SELECT path, content_hash FROM articles").fetchall())
            conn.close()
        except sqlite3.Error:
            return lambda _a: False
        return lambda a: stored.get(a.path) == content_hash(a, tag)

    return for_spec
