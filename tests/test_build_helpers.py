"""Test helpers (no tests here): stand-in extractors that worker processes can import by name.

`gold_extract` turns a dev-corpus article into the extraction its gold file describes (so resolution and the
store run on real names); `synth_extract` reads the synthetic articles of `write_synthetic_corpus`.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from kg.models import Article, Extraction
from kg.ontology import RELATION_PROPERTY_KEYS

SCORED = {"Company", "Bank", "GovernmentBody", "Region", "Person", "Fund", "Event"}


def gold_extract(article: Article) -> Extraction:
    parts = list(Path(article.path).parts)
    i = (
        len(parts) - 1 - parts[::-1].index("articles")
    )  # .../articles[/shard]/NAME.md -> .../gold[/shard]/NAME.json
    parts[i] = "gold"
    gold = json.loads(Path(*parts).with_suffix(".json").read_text(encoding="utf-8"))
    ents, ids = [], {}
    for i, e in enumerate(gold["entities"], 1):
        if e["type"] not in SCORED:
            continue
        ids[e["name"]] = f"e{i}"
        start = article.text.find(e["name"])
        mentions = [{"start": start, "end": start + len(e["name"]), "text": e["name"]}] if start >= 0 else []
        ents.append(
            {
                "id": f"e{i}",
                "name": e["name"],
                "type": e["type"],
                "aliases": e.get("aliases", []),
                "mentions": mentions,
            }
        )
    rels = []
    for r in gold["relations"]:
        if r["type"] == "OTHER" or r["source"] not in ids or r["target"] not in ids:
            continue
        start = max(article.text.find(r["evidence"]), 0)
        rels.append(
            {
                "type": r["type"],
                "source": ids[r["source"]],
                "target": ids[r["target"]],
                "properties": {
                    k: v for k, v in r.get("properties", {}).items() if k in RELATION_PROPERTY_KEYS
                },
                "evidence": {"text": r["evidence"], "start": start, "end": start + len(r["evidence"])},
            }
        )
    ref = {
        "id": article.id,
        "path": article.path,
        "title": article.title,
        "date": article.date,
        "url": article.url,
    }
    return Extraction.model_validate({"article": ref, "entities": ents, "relations": rels})


# --------------------------------------------------------------------------- synthetic corpus

COMPANIES = [
    "中国平安集团",
    "平安集团",
    "临港集团",
    "宁德时代",
    "北汽蓝谷",
    "广西投资集团有限公司",
    "广西投资集团",
    "旭升集团",
    "宁波旭升集团股份有限公司",
    "京能科技",
    "小米汽车",
    "上海城投集团",
]
BANKS = [
    "工商银行",
    "中国工商银行",
    "工行",
    "中国银行",
    "建设银行",
    "招商银行",
    "中国进出口银行广西分行",
    "上海银行",
]
REGIONS = ["临港新片区", "上海临港新片区", "广西", "青浦区"]


def synth_article_text(rng: random.Random) -> tuple[str, str]:
    sentences = []
    for _ in range(rng.randint(2, 5)):
        kind = rng.random()
        a, b = rng.sample(COMPANIES, 2)
        if kind < 0.4:
            sentences.append(f"{a}与{b}签署战略合作协议。")
        elif kind < 0.7:
            bank = rng.choice(BANKS)
            sentences.append(f"{bank}向{a}提供贷款{rng.randint(1, 9)}亿元。")
        else:
            sentences.append(f"{a}落户{rng.choice(REGIONS)}。")
    title = sentences[0].rstrip("。")
    return title, "\n\n".join(sentences)


def write_synthetic_corpus(directory: Path, n: int, seed: int = 7) -> list[Path]:
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        title, body = synth_article_text(rng)
        body += f"\n\n（第{i}号简讯）"  # every article unique: no duplicates by content
        p = directory / f"art_{i:05d}.md"
        p.write_text(
            f'---\ntitle: "{title}"\ndate: 2022-01-{i % 28 + 1:02d}\n---\n{body}\n', encoding="utf-8"
        )
        paths.append(p)
    return paths


def _find_all(text: str, names: list[str]) -> list[tuple[int, str]]:
    found = []
    for name in sorted(names, key=len, reverse=True):
        start = text.find(name)
        while start >= 0:
            if not any(s <= start < s + len(n) for s, n in found):
                found.append((start, name))
            start = text.find(name, start + 1)
    return sorted(found)


def synth_extract(article: Article) -> Extraction:
    text = article.text
    types = {
        **{c: "Company" for c in COMPANIES},
        **{b: "Bank" for b in BANKS},
        **{r: "Region" for r in REGIONS},
    }
    ents: dict[str, dict] = {}
    rels = []
    offset = 0
    for sentence in text.split("\n\n"):
        start = text.find(sentence, offset)
        offset = start + len(sentence)
        found = _find_all(sentence, list(types))
        for s, name in found:
            e = ents.setdefault(
                name, {"id": f"e{len(ents) + 1}", "name": name, "type": types[name], "mentions": []}
            )
            e["mentions"].append({"start": start + s, "end": start + s + len(name), "text": name})
        if len(found) != 2:
            continue
        (_, a), (_, b) = found
        ev = {"text": sentence, "start": start, "end": start + len(sentence)}
        if "签署" in sentence:
            rels.append(
                {
                    "type": "SIGNED_AGREEMENT_WITH",
                    "source": ents[a]["id"],
                    "target": ents[b]["id"],
                    "properties": {"date": article.date, "agreement": "战略合作协议"},
                    "evidence": ev,
                }
            )
        elif "贷款" in sentence:
            amount = int(sentence.split("贷款")[1][0]) * 1e8
            rels.append(
                {
                    "type": "PROVIDED_FINANCING_TO",
                    "source": ents[a]["id"],
                    "target": ents[b]["id"],
                    "properties": {"amount": amount, "currency": "CNY"},
                    "evidence": ev,
                }
            )
        elif "落户" in sentence:
            rels.append(
                {
                    "type": "OPENED_IN",
                    "source": ents[a]["id"],
                    "target": ents[b]["id"],
                    "properties": {},
                    "evidence": ev,
                }
            )
    ref = {
        "id": article.id,
        "path": article.path,
        "title": article.title,
        "date": article.date,
        "url": article.url,
    }
    return Extraction.model_validate({"article": ref, "entities": list(ents.values()), "relations": rels})


def must_not_be_called(article: Article) -> Extraction:
    """An extractor for runs that must do no extraction work."""
    raise AssertionError(f"extractor called for {article.path}")


def failing_extract(article: Article) -> Extraction:
    """The real extractor's failure shape: an ExtractError that already names the article."""
    from kg.errors import ExtractError

    raise ExtractError(f"{article.path}: extraction failed: ValueError: bad input")


# --------------------------------------------------------------------------- misbehaving extractors

STUCK = "（此稿卡住）"  # an article containing this never finishes extraction: a runaway
CRASH = "（此稿崩溃）"  # ... kills the process extracting it (as a segfault or the OOM killer would)


def runaway_extract(article: Article) -> Extraction:
    """synth_extract, except that a STUCK article spins forever and a CRASH article kills its process."""
    if STUCK in article.text:
        while True:  # a CPU-bound runaway, like a regular expression gone quadratic
            pass
    if CRASH in article.text:
        import os
        import signal

        os.kill(os.getpid(), signal.SIGKILL)
    return synth_extract(article)


def slow_synth_extract(article: Article) -> Extraction:
    """synth_extract taking 5 ms an article: a build that lasts long enough to be overlapped."""
    import time

    time.sleep(0.005)
    return synth_extract(article)
