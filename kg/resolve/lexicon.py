"""The name knowledge of resolution, loaded once from kg/resolve/data/*.yaml (knowledge is data, not code).

banks.yaml: head offices, their forms and short brands; places.yaml: provinces and cities that prefix
organisation names; names.yaml: long/short forms of company and government words and the kinds of regions.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).parent / "data"


def _nfkc(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _longest_first(words) -> tuple[str, ...]:
    return tuple(sorted({_nfkc(w) for w in words}, key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class Lexicon:
    bank_forms: dict[str, str]  # any head-office form -> canonical short name (工行 -> 工商银行)
    bank_brands: dict[str, str]  # short brand, Bank-typed entities only (中信 -> 中信银行)
    central_banks: frozenset[str]
    provinces: tuple[str, ...]  # short names, longest first
    province_full: dict[str, str]  # 广西壮族自治区 -> 广西, 北京市 -> 北京, 江苏省 -> 江苏
    places: tuple[str, ...]  # provinces + cities, longest first
    company_contractions: tuple[tuple[str, str], ...]
    industry_cores: frozenset[str]
    government_contractions: tuple[tuple[str, str], ...]
    government_names: dict[str, str]
    government_heads: tuple[str, ...]
    region_kinds: tuple[tuple[str, str], ...]  # (suffix, kind), longest suffix first
    zone_qualifiers: tuple[str, ...]
    generic_names: frozenset[str]
    generic_prefixes: tuple[str, ...]

    @property
    def bank_prefixes(self) -> tuple[str, ...]:
        """Forms that can open a branch name (工行北京市分行, 浦发瑞安支行), longest first."""
        return _longest_first([*self.bank_forms, *self.bank_brands])


def _read(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    banks = _read("banks.yaml")["banks"]
    places = _read("places.yaml")
    names = _read("names.yaml")
    bank_forms: dict[str, str] = {}
    brands: dict[str, str] = {}
    central = set()
    for canon, spec in banks.items():
        for form in [canon, *(spec.get("forms") or [])]:
            bank_forms[_nfkc(form)] = canon
        for brand in spec.get("brands") or []:
            brands[_nfkc(brand)] = canon
        if spec.get("central"):
            central.add(canon)
    provinces = places["provinces"]
    full = {}
    for short, spec in provinces.items():
        full[_nfkc((spec or {}).get("full") or f"{short}省")] = short
        full[f"{short}省"] = short
        full[f"{short}市"] = short
    cities = places["cities"].split()
    kinds = [(_nfkc(s), kind) for kind, suffixes in names["region_kinds"].items() for s in suffixes]
    return Lexicon(
        bank_forms=bank_forms,
        bank_brands=brands,
        central_banks=frozenset(central),
        provinces=_longest_first(provinces),
        province_full=full,
        places=_longest_first([*provinces, *cities]),
        company_contractions=tuple(
            sorted(
                ((_nfkc(a), _nfkc(b)) for a, b in names["company_contractions"].items()),
                key=lambda p: -len(p[0]),
            )
        ),
        industry_cores=frozenset(_nfkc(w) for w in names["industry_cores"]),
        government_contractions=tuple(
            sorted(
                ((_nfkc(a), _nfkc(b)) for a, b in names["government_contractions"].items()),
                key=lambda p: -len(p[0]),
            )
        ),
        government_names={_nfkc(a): _nfkc(b) for a, b in names["government_names"].items()},
        government_heads=_longest_first(names["government_heads"]),
        region_kinds=tuple(sorted(kinds, key=lambda p: -len(p[0]))),
        zone_qualifiers=_longest_first(names["zone_qualifiers"]),
        generic_names=frozenset(_nfkc(w) for w in names["generic_names"]),
        generic_prefixes=_longest_first(names["generic_prefixes"]),
    )
