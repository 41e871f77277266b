"""The user alias file (`kg build --aliases aliases.yaml`): explicit clusters and `not_same` pairs.

```yaml
entities:
  - name: 中国平安保险(集团)股份有限公司   # canonical display name
    type: Company
    aliases: [中国平安, 平安集团]
not_same:
  - {type: Bank, names: [中国银行, 中国银行四川省分行]}
  - [平安银行, 平安集团]            # no type: applies to every type
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kg.errors import ResolveError
from kg.ontology import EntityType


@dataclass(frozen=True)
class AliasEntry:
    name: str
    type: EntityType
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotSame:
    a: str
    b: str
    type: EntityType | None = None


@dataclass(frozen=True)
class AliasConfig:
    entries: tuple[AliasEntry, ...] = ()
    not_same: tuple[NotSame, ...] = field(default_factory=tuple)


def _type(path: Path, where: str, value: object) -> EntityType:
    try:
        return EntityType(value)
    except ValueError:
        allowed = ", ".join(t.value for t in EntityType)
        raise ResolveError(f"{path}: {where}: unknown type {value!r} (one of {allowed})") from None


def _names(path: Path, where: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ResolveError(f"{path}: {where}: expected a list of non-empty names")
    return [v.strip() for v in value]


def read_aliases(path: str | Path) -> AliasConfig:
    """Parse and validate an alias file; any problem is one ResolveError naming the file and the entry."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ResolveError(f"{path}: cannot read alias file ({exc.strerror or exc})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise ResolveError(f"{path}: invalid YAML{line}") from None
    if data is None:
        return AliasConfig()
    if not isinstance(data, dict) or set(data) - {"entities", "not_same"}:
        raise ResolveError(f"{path}: expected a mapping with keys 'entities' and/or 'not_same'")
    entries = []
    for i, item in enumerate(data.get("entities") or [], 1):
        where = f"entities[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not item["name"].strip():
            raise ResolveError(f"{path}: {where}: needs a 'name'")
        if "type" not in item:
            raise ResolveError(f"{path}: {where} ({item['name']}): needs a 'type'")
        extra = set(item) - {"name", "type", "aliases"}
        if extra:
            raise ResolveError(f"{path}: {where}: unknown key {min(extra)!r}")
        aliases = _names(path, where, item.get("aliases") or [])
        entries.append(AliasEntry(item["name"].strip(), _type(path, where, item["type"]), tuple(aliases)))
    pairs = []
    for i, item in enumerate(data.get("not_same") or [], 1):
        where = f"not_same[{i}]"
        etype = None
        if isinstance(item, dict):
            if "type" in item:
                etype = _type(path, where, item["type"])
            item = item.get("names")
        names = _names(path, where, item)
        if len(names) != 2:
            raise ResolveError(f"{path}: {where}: expected exactly two names")
        pairs.append(NotSame(names[0], names[1], etype))
    return AliasConfig(tuple(entries), tuple(pairs))
