"""How values read to a person: amounts, relation properties, syndicate ids (used by `kg show` and views).

Amounts are stored in base units as floats (7460000000.0); a person reads `74.6亿元 (7,460,000,000 CNY)`:
the amount as written when the text gave one, else a Chinese rendering, plus the normalised figure. A
syndicate's total is said to be one.
"""

from __future__ import annotations

from typing import Any

CURRENCY_ZH = {
    "CNY": "元",
    "RMB": "元",
    "USD": "美元",
    "EUR": "欧元",
    "HKD": "港元",
    "JPY": "日元",
    "GBP": "英镑",
}
PROPERTY_ORDER = ("date", "amount", "role", "stake", "agreement", "syndicate", "rule", "extractor")
LABELS = {
    "zh": {
        "date": "日期",
        "amount": "金额",
        "role": "职务",
        "lender_role": "角色",
        "stake": "股比",
        "agreement": "协议",
        "syndicate": "银团",
        "rule": "推导规则",
        "extractor": "抽取方式",
        "total": "银团总额",
    },
    "en": {
        "date": "date",
        "amount": "amount",
        "role": "role",
        "lender_role": "role",
        "stake": "stake",
        "agreement": "agreement",
        "syndicate": "syndicate",
        "rule": "derived by",
        "extractor": "extracted by",
        "total": "syndicate total",
    },
}


def _trim(x: float) -> str:
    return f"{x:.4f}".rstrip("0").rstrip(".")


def chinese_amount(amount: float, currency: str | None) -> str:
    """17500000000 CNY -> 175亿元; 350000 USD -> 35万美元; small amounts as they are."""
    unit = CURRENCY_ZH.get(currency or "", f" {currency}" if currency else "")
    if abs(amount) >= 1e8:
        return f"{_trim(amount / 1e8)}亿{unit}"
    if abs(amount) >= 1e4:
        return f"{_trim(amount / 1e4)}万{unit}"
    return f"{_trim(amount)}{unit}"


def format_amount(
    amount: float, currency: str | None, amount_text: str | None, scope: str | None = None, lang: str = "en"
) -> str:
    """`175亿元 (17,500,000,000 CNY)`: the text as written (or a Chinese rendering) plus the figure."""
    number = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    figure = f"{number} {currency}" if currency else number
    if scope == "syndicate":
        figure += f", {LABELS[lang]['total']}"
    written = amount_text or (chinese_amount(amount, currency) if abs(amount) >= 1e4 else None)
    return f"{written} ({figure})" if written else figure


def short_syndicate(syndicate: str) -> str:
    """`<article id>/s1` -> `s1@<first 8 of the article id>`: short enough to read, unique enough to tell apart."""
    article, _, label = syndicate.rpartition("/")
    return f"{label}@{article[:8]}" if article else syndicate


def property_rows(props: dict[str, Any], lang: str = "en", rtype: str | None = None) -> list[tuple[str, str]]:
    """Display rows (label, value) for the properties a relation has, in a fixed order (a lender's role is
    a role in the loan, a person's is a title)."""
    labels = dict(LABELS[lang])
    if rtype == "PROVIDED_FINANCING_TO":
        labels["role"] = labels["lender_role"]
    return [(labels[key], value) for key, value in _values(props, lang)]


def properties_line(props: dict[str, Any]) -> str:
    """`amount=74.6亿元 (7,460,000,000 CNY), date=2021-08, role=牵头行` for one-line output."""
    return ", ".join(f"{key}={value}" for key, value in _values(props, "en"))


def _values(props: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key in PROPERTY_ORDER:
        if key == "amount":
            if props.get("amount") is not None:
                value = format_amount(
                    props["amount"],
                    props.get("currency"),
                    props.get("amount_text"),
                    props.get("amount_scope"),
                    lang,
                )
                out.append(("amount", value))
            elif props.get("amount_text"):
                out.append(("amount", f"{props['amount_text']} {props.get('currency') or ''}".strip()))
            continue
        value = props.get(key)
        if value:
            out.append((key, short_syndicate(value) if key == "syndicate" else str(value)))
    return out
