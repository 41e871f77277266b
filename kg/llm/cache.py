"""Answers on disk, keyed by the article's content + model + prompt and schema versions + window budget.

A re-run on unchanged articles makes no request. What is stored is the model's answer after schema
validation, before grounding (so better grounding needs no new request). Writes are atomic (temp file,
rename), so a killed run leaves whole entries or none; an unreadable entry is a miss. A failed fetch
leaves a one-line note that the worker phase of the same run reports, and the next run tries again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from kg.errors import LlmError
from kg.llm.prompt import PROMPT_VERSION
from kg.llm.schema import SCHEMA_VERSION
from kg.models import Article


def cache_key(article: Article, model: str, window_tokens: int) -> str:
    payload = json.dumps(
        [article.title, article.date, article.text, model, PROMPT_VERSION, SCHEMA_VERSION, window_tokens],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


class AnswerCache:
    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)

    def _path(self, key: str, suffix: str) -> Path:
        return self.dir / key[:2] / f"{key}{suffix}"

    def get(self, key: str) -> list[dict] | None:
        try:
            data = json.loads(self._path(key, ".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        windows = data.get("windows") if isinstance(data, dict) else None
        return windows if isinstance(windows, list) else None

    def put(self, key: str, windows: list[dict], meta: dict) -> None:
        self._write(self._path(key, ".json"), json.dumps({**meta, "windows": windows}, ensure_ascii=False))
        self._path(key, ".error").unlink(missing_ok=True)

    def note_failure(self, key: str, problem: str) -> None:
        self._write(self._path(key, ".error"), problem)

    def failure(self, key: str) -> str | None:
        try:
            return self._path(key, ".error").read_text(encoding="utf-8").strip() or None
        except OSError:
            return None

    def _write(self, path: Path, text: str) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except OSError as exc:
            raise LlmError(f"{self.dir}: cannot write the LLM answer cache: {exc.strerror or exc}") from None
