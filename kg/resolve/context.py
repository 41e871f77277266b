"""Names that only their article resolves: a bare branch name (省分行, 徐州分行) of the article's bank.

A news article about one bank in one province writes 省分行 for that bank's provincial branch. kg resolves
such a name only where the article makes it certain: it names exactly one bank (head office or the parent
of a branch; the central bank does not count) and, for 省分行, exactly one province (places named as
regions, prefixes of organisation names, places of branches). Otherwise the name stays inside its article.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg.ontology import EntityType
from kg.resolve.lexicon import lexicon
from kg.resolve.rules import (
    BRANCH_WORDS,
    Key,
    branch_part,
    is_generic,
    name_key,
    normalize_form,
    split_branch,
)

LEX = lexicon()
PROVINCE_BRANCH = "省分行"


def is_bare_branch(form: str) -> bool:
    """省分行, 徐州分行, 城西支行: a branch name without its bank."""
    text = normalize_form(form)
    return text.endswith(BRANCH_WORDS) and text not in BRANCH_WORDS and split_branch(text) is None


@dataclass
class ArticleContext:
    banks: set[str] = field(default_factory=set)
    provinces: set[str] = field(default_factory=set)

    def add(self, etype: EntityType, form: str) -> None:
        text = normalize_form(form)
        if etype in (EntityType.Person, EntityType.Event) or is_generic(text):
            return
        key = name_key(etype, text)
        if etype == EntityType.Bank:
            bank = key.parent if key.branch else key.full
            if bank not in LEX.central_banks:
                self.banks.add(bank)
            if key.branch:
                self._province(key.core.split("/", 1)[1])
            return
        if etype == EntityType.Region and key.core in LEX.provinces:
            self.provinces.add(key.core)
            return
        self._province(text)

    def _province(self, text: str) -> None:
        for p in LEX.provinces:
            if text.startswith(p):
                self.provinces.add(p)
                return


def context_key(form: str, ctx: ArticleContext) -> tuple[Key, str] | None:
    """The branch a bare branch name denotes in this article, with the reason; None if not certain."""
    text = normalize_form(form)
    if len(ctx.banks) != 1:
        return None
    (bank,) = ctx.banks
    if text == PROVINCE_BRANCH:
        if len(ctx.provinces) != 1:
            return None
        (province,) = ctx.provinces
        branch = f"{province}分行"
        detail = f"the article names one bank, {bank}, and one province, {province}"
    elif text.startswith(("市", "区", "县")):
        return None  # 市分行: which city is not said
    else:
        branch = branch_part(text)
        detail = f"the article names one bank, {bank}"
    key = Key(core=f"{bank}/{branch}", place=None, rules=("context-branch",), branch=True, parent=bank)
    return key, detail
