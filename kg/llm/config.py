"""The endpoint and knobs of the LLM extractor, from the environment (flags of the CLI override it).

Why the environment: `kg build`, `kg extract` and `kg eval` extract in worker processes started from a
spec (`module:function`); the workers inherit the environment, so one `LlmConfig.to_env()` in the parent
configures them all. The API key is only ever read from KG_LLM_API_KEY: it is never printed, and every
message leaving kg.llm goes through `redact`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from kg.errors import LlmError

DEFAULT_TIMEOUT = 120.0  # seconds per request (a 7B model on a CPU can take a minute for a long window)
DEFAULT_RETRIES = 4
DEFAULT_WINDOW_TOKENS = 3000
DEFAULT_CONCURRENCY = 4
NO_KEY = "not-needed"  # local servers (Ollama, vLLM, llama.cpp) ignore the key; the client wants one

_ENV = {
    "base_url": "KG_LLM_BASE_URL",
    "model": "KG_LLM_MODEL",
    "timeout": "KG_LLM_TIMEOUT",
    "retries": "KG_LLM_RETRIES",
    "window_tokens": "KG_LLM_WINDOW_TOKENS",
    "response_format": "KG_LLM_RESPONSE_FORMAT",
    "cache_dir": "KG_LLM_CACHE",
    "cache_only": "KG_LLM_CACHE_ONLY",
}
RESPONSE_FORMATS = ("schema", "json", "none")


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kg" / "llm"


@dataclass(frozen=True)
class LlmConfig:
    base_url: str = ""
    model: str = ""
    api_key: str = field(default="", repr=False)
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    window_tokens: int = DEFAULT_WINDOW_TOKENS
    response_format: str = "schema"
    cache_dir: str = ""
    cache_only: bool = False  # set for the worker phase: answers were fetched before; a miss is an error

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: object) -> LlmConfig:
        """Environment, then non-None overrides (CLI flags)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {"api_key": env.get("KG_LLM_API_KEY", "")}
        for name, var in _ENV.items():
            if env.get(var):
                values[name] = env[var]
        values.update({k: v for k, v in overrides.items() if v is not None})
        try:
            cfg = cls(
                base_url=str(values.get("base_url", "")).rstrip("/"),
                model=str(values.get("model", "")),
                api_key=str(values.get("api_key", "")),
                timeout=float(values.get("timeout", DEFAULT_TIMEOUT)),  # type: ignore[arg-type]
                retries=int(values.get("retries", DEFAULT_RETRIES)),  # type: ignore[call-overload]
                window_tokens=int(values.get("window_tokens", DEFAULT_WINDOW_TOKENS)),  # type: ignore[call-overload]
                response_format=str(values.get("response_format", "schema")),
                cache_dir=str(values.get("cache_dir") or default_cache_dir()),
                cache_only=str(values.get("cache_only", "")).lower() in ("1", "true", "yes"),
            )
        except ValueError as exc:
            raise LlmError(f"LLM settings: {exc}") from None
        if cfg.response_format not in RESPONSE_FORMATS:
            raise LlmError(
                f"LLM settings: response format {cfg.response_format!r} is not one of schema, json, none"
            )
        return cfg

    def check(self) -> None:
        """The settings a request needs; one line naming the missing variable."""
        if not self.base_url:
            raise LlmError(
                "KG_LLM_BASE_URL is not set (or --llm-base-url): e.g. http://localhost:11434/v1 for Ollama"
            )
        if not self.model:
            raise LlmError("KG_LLM_MODEL is not set (or --llm-model): e.g. qwen2.5:7b-instruct")
        if self.timeout <= 0 or self.retries < 0 or self.window_tokens < 200:
            raise LlmError("LLM settings: timeout must be > 0, retries >= 0, window tokens >= 200")

    def to_env(self) -> dict[str, str]:
        """The variables that give worker processes these settings (the key stays KG_LLM_API_KEY)."""
        out = {}
        for f in fields(self):
            if f.name in _ENV:
                value = getattr(self, f.name)
                out[_ENV[f.name]] = ("1" if value else "") if isinstance(value, bool) else str(value)
        return out

    def apply(self) -> None:
        """Put these settings into os.environ for the worker processes started after this."""
        os.environ.update(self.to_env())


def redact(text: str, config: LlmConfig) -> str:
    """A message without the API key (nor user:password@ in the URL)."""
    if config.api_key and len(config.api_key) >= 4:
        text = text.replace(config.api_key, "***")
    if "@" in config.base_url and "://" in config.base_url:
        rest = config.base_url.partition("://")[2]
        userinfo = rest.split("@", 1)[0]
        text = text.replace(userinfo + "@", "***@")
    return text
