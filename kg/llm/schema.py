"""What the model must answer: the gold annotation format of FORMAT.md (names and quotes, never offsets).

The JSON schema sent as `response_format` is generated from these pydantic models and the ontology, so it
cannot drift from what kg accepts. Parsing is two-level: an answer that is not a JSON object with lists
(malformed JSON, wrong shape) is an AnswerError (the caller asks once for a repair); a single entity or
relation that breaks the schema (a type outside the ontology, a missing field) is dropped and counted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kg.errors import LlmError
from kg.ontology import EXTRACTED, EntityType

# Bump when the answer models change: part of the cache key and of the extractor tag (re-extraction).
SCHEMA_VERSION = "1"

LlmRelationType = Enum("LlmRelationType", {t.value: t.value for t in EXTRACTED}, type=str)  # type: ignore[misc]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LlmEntity(_Model):
    name: str = Field(min_length=1, description="最完整的写法，照原文抄写")
    aliases: list[str] = Field(default_factory=list, description="同一实体在文中的其他写法")
    type: EntityType


class LlmProperties(_Model):
    date: str | None = Field(default=None, description="日期原文或 ISO 前缀")
    amount_text: str | None = Field(default=None, description="金额原文，如 30亿元")
    role: str | None = Field(default=None, description="职务或角色原文")
    stake: str | None = Field(default=None, description="股权比例原文，如 51%")
    agreement: str | None = Field(default=None, description="协议名称原文")


class LlmRelation(_Model):
    source: str = Field(min_length=1, description="源实体名称（entities 中的 name 或 alias）")
    type: LlmRelationType  # type: ignore[valid-type]
    target: str = Field(min_length=1, description="目标实体名称")
    evidence: str = Field(min_length=1, description="陈述该关系的最短原文分句，逐字照抄")
    properties: LlmProperties = Field(default_factory=LlmProperties)


class LlmAnswer(_Model):
    entities: list[LlmEntity] = Field(default_factory=list)
    relations: list[LlmRelation] = Field(default_factory=list)


def answer_schema() -> dict[str, Any]:
    """The JSON schema of an answer (sent as response_format json_schema)."""
    return LlmAnswer.model_json_schema()


def response_format(mode: str) -> dict[str, Any] | None:
    """`schema`: structured output with kg's schema; `json`: JSON mode; `none`: only the prompt asks."""
    if mode == "schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": "kg_extraction", "schema": answer_schema(), "strict": False},
        }
    if mode == "json":
        return {"type": "json_object"}
    return None


class AnswerError(LlmError):
    """The answer as a whole is unusable (not JSON, not an object with entity and relation lists)."""


@dataclass
class Parsed:
    answer: LlmAnswer
    invalid: int  # entities/relations dropped for breaking the schema


_FENCE = re.compile(r"```(?:json|JSON)?\s*\n?(.*?)```", re.DOTALL)


def _json_text(content: str) -> str:
    """The JSON of a message: the whole content, or a fenced ```json block, or the outermost {...}."""
    text = content.strip()
    if text.startswith("{"):
        return text
    if m := _FENCE.search(text):
        return m.group(1).strip()
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if 0 <= start < end else text


def parse_answer(content: str | None) -> Parsed:
    """A message content -> validated answer; items that break the schema are dropped and counted."""
    if not content or not content.strip():
        raise AnswerError("empty answer")
    try:
        data = json.loads(_json_text(content))
    except json.JSONDecodeError as exc:
        raise AnswerError(f"answer is not valid JSON ({exc.msg} at char {exc.pos})") from None
    if not isinstance(data, dict):
        raise AnswerError(f"answer is a JSON {type(data).__name__}, not an object")
    lists = {k: data.get(k, []) for k in ("entities", "relations")}
    for k, v in lists.items():
        if not isinstance(v, list):
            raise AnswerError(f"answer field {k!r} is not a list")
    if "entities" not in data and "relations" not in data:
        raise AnswerError("answer has neither 'entities' nor 'relations'")
    invalid = 0
    entities: list[LlmEntity] = []
    relations: list[LlmRelation] = []
    for model, items, out in (
        (LlmEntity, lists["entities"], entities),
        (LlmRelation, lists["relations"], relations),
    ):
        for item in items:
            try:
                out.append(model.model_validate(item))
            except ValidationError:
                invalid += 1
    return Parsed(LlmAnswer(entities=entities, relations=relations), invalid)
