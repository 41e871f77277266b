"""`kg eval`: score extractions against gold annotations (FORMAT.md "Scoring").

`evaluate` scores extractions you already have; `evaluate_paths` accepts what the CLI gets: article
files/directories (extracted on the fly) and `.jsonl` files written by `kg extract`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from kg.errors import GoldError, ReadError
from kg.evaluate.gold import GoldEntity, GoldFile, GoldRelation, load_gold
from kg.evaluate.scoring import (
    RELATION_TYPE_ORDER,
    ArticleScore,
    Counts,
    Scores,
    normalize_surface,
    score_article,
)
from kg.ingest.decode import DEFAULT_MAX_MB, WarningHandler
from kg.ingest.pipeline import Extractor, Failure, ProgressHandler, iter_extractions
from kg.ingest.reader import read_file
from kg.models import Extraction

__all__ = [
    "EvalReport",
    "EvidenceScore",
    "GoldEntity",
    "GoldFile",
    "GoldRelation",
    "Scores",
    "evaluate",
    "evaluate_paths",
    "gold_path_for",
    "load_gold",
    "normalize_surface",
]

# an article of a file of records: `file.jsonl:LINE`, `file.csv:LINE`, `crawl.warc.gz:RECORD`
_JSONL_LINE = re.compile(r"^(.*\.(?:jsonl|csv|warc|warc\.gz)):\d+$", re.IGNORECASE)


class EvidenceScore(BaseModel):
    exact: int = Field(description="Predicted relations whose evidence is text[start:end] of the article")
    total: int = Field(description="Predicted relations whose article text was available")
    share: float | None = None


class EvalReport(BaseModel):
    gold_dir: str
    articles: int = Field(description="Articles scored (those with a gold file)")
    entities: Scores
    entities_by_type: dict[str, Scores]
    relations: Scores
    relations_by_type: dict[str, Scores]
    evidence: EvidenceScore
    per_article: list[ArticleScore] = Field(default_factory=list)
    missing_gold: list[str] = Field(default_factory=list, description="Inputs without a gold file")
    failed: list[Failure] = Field(default_factory=list)


def gold_path_for(gold_dir: str | Path, article_path: str) -> Path:
    """corpus/dev/articles/NAME.md <-> corpus/dev/gold/NAME.json (a JSON Lines `file.jsonl:N` uses file)."""
    m = _JSONL_LINE.match(article_path)
    name = Path(m.group(1) if m else article_path).name
    stem = name[: -len(".warc.gz")] if name.lower().endswith(".warc.gz") else Path(name).stem
    return Path(gold_dir) / f"{stem}.json"


def evaluate(
    gold_dir: str | Path, extractions_with_texts: Iterable[tuple[Extraction, str | None]]
) -> EvalReport:
    """Score each extraction against `gold_dir/<article stem>.json`; text None = evidence unchecked."""
    gold_dir = Path(gold_dir)
    if not gold_dir.is_dir():
        raise GoldError(f"{gold_dir}: gold directory not found")
    ent, rel = Counts(), Counts()
    ent_t: dict[str, Counts] = {}
    rel_t: dict[str, Counts] = {}
    ev_exact = ev_total = 0
    per_article: list[ArticleScore] = []
    missing: list[str] = []
    for extraction, text in extractions_with_texts:
        gpath = gold_path_for(gold_dir, extraction.article.path)
        if not gpath.is_file():
            missing.append(extraction.article.path)
            continue
        c = score_article(extraction, text, load_gold(gpath))
        ent.add(c.entities)
        rel.add(c.relations)
        for src, dst in ((c.entities_by_type, ent_t), (c.relations_by_type, rel_t)):
            for k, v in src.items():
                dst.setdefault(k, Counts()).add(v)
        ev_exact += c.evidence_exact
        ev_total += c.evidence_total
        per_article.append(
            ArticleScore(
                path=extraction.article.path,
                gold=str(gpath),
                entities=Scores.of(c.entities),
                relations=Scores.of(c.relations),
                evidence_exact=c.evidence_exact,
                evidence_total=c.evidence_total,
                entity_false_positives=c.entity_fp,
                entity_false_negatives=c.entity_fn,
                relation_false_positives=c.relation_fp,
                relation_false_negatives=c.relation_fn,
            )
        )
    order = {t: i for i, t in enumerate(RELATION_TYPE_ORDER)}
    return EvalReport(
        gold_dir=str(gold_dir),
        articles=len(per_article),
        entities=Scores.of(ent),
        entities_by_type={k: Scores.of(ent_t[k]) for k in sorted(ent_t)},
        relations=Scores.of(rel),
        relations_by_type={k: Scores.of(rel_t[k]) for k in sorted(rel_t, key=lambda t: order.get(t, 99))},
        evidence=EvidenceScore(
            exact=ev_exact, total=ev_total, share=round(ev_exact / ev_total, 4) if ev_total else None
        ),
        per_article=per_article,
        missing_gold=missing,
    )


def is_extraction_file(path: Path) -> bool:
    """A `.jsonl` written by `kg extract`: its first record has "article" and "entities" keys."""
    if path.suffix.lower() != ".jsonl" or not path.is_file():
        return False
    try:
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    first = json.loads(line)
                    return isinstance(first, dict) and "article" in first and "entities" in first
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return False


def _article_text(
    extraction: Extraction,
    base: Path,
    max_mb: float,
    warn: WarningHandler,
    fields: dict[str, str] | None = None,
) -> str | None:
    """Re-read the article an extraction came from (path as given, or relative to the .jsonl)."""
    ref = extraction.article
    m = _JSONL_LINE.match(ref.path)
    file_part = m.group(1) if m else ref.path
    for candidate in (Path(file_part), base / file_part):
        if not candidate.is_file():
            continue
        wanted = f"{candidate}{ref.path[len(file_part) :]}"
        found = [
            a
            for a in read_file(candidate, max_mb=max_mb, on_warning=lambda _m: None, fields=fields)
            if not isinstance(a, ReadError) and a.path == wanted
        ]
        if not found:
            break
        if found[0].id != ref.id:
            warn(f"{ref.path}: article changed since extraction (id {found[0].id} != {ref.id})")
        return found[0].text
    warn(f"{ref.path}: article not readable; evidence not checked")
    return None


def read_extraction_file(
    path: Path,
    max_mb: float = DEFAULT_MAX_MB,
    on_warning: WarningHandler | None = None,
    fields: dict[str, str] | None = None,
) -> tuple[list[tuple[Extraction, str | None]], list[Failure]]:
    """Lines of a `kg extract` output, each with its article's current text (for evidence checks);
    `fields` is the field map the articles were read with (JSON Lines and CSV exports)."""
    warn = on_warning or (lambda _m: None)
    items: list[tuple[Extraction, str | None]] = []
    failed: list[Failure] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                extraction = Extraction.model_validate_json(line)
            except ValidationError as exc:
                err = exc.errors()[0]
                where = ".".join(str(p) for p in err["loc"])
                failed.append(
                    Failure(
                        path=f"{path}:{n}",
                        error=f"invalid extraction line: {where}: {err['msg']}"
                        if where
                        else f"invalid extraction line: {err['msg']}",
                    )
                )
                continue
            items.append((extraction, _article_text(extraction, path.parent, max_mb, warn, fields)))
    return items, failed


def evaluate_paths(
    gold_dir: str | Path,
    paths: Iterable[str | Path],
    *,
    max_mb: float = DEFAULT_MAX_MB,
    on_warning: WarningHandler | None = None,
    on_progress: ProgressHandler | None = None,
    extractor: Extractor | None = None,
    fields: dict[str, str] | None = None,
) -> EvalReport:
    """What `kg eval` runs: gather extractions (read from .jsonl or extracted now), then `evaluate`."""
    if not Path(gold_dir).is_dir():
        raise GoldError(f"{gold_dir}: gold directory not found")
    items: list[tuple[Extraction, str | None]] = []
    failed: list[Failure] = []
    articles: list[str | Path] = []
    for p in paths:
        p = Path(p)
        if is_extraction_file(p):
            got, bad = read_extraction_file(p, max_mb, on_warning, fields)
            items.extend(got)
            failed.extend(bad)
        else:
            articles.append(p)
    if articles:
        for item in iter_extractions(
            articles,
            max_mb=max_mb,
            on_warning=on_warning,
            on_progress=on_progress,
            extractor=extractor,
            fields=fields,
        ):
            if isinstance(item, Failure):
                failed.append(item)
            else:
                article, extraction = item
                items.append((extraction, article.text))
    report = evaluate(gold_dir, items)
    report.failed = failed
    return report
