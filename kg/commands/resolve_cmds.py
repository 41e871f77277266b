"""`kg eval-resolution` and `kg duplicates`: how well resolution does, and where it may have split."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.commands.common import console, library_errors, print_json

Opt = typer.Option


def _out(line: str) -> None:
    console.print(line, markup=False, highlight=False, soft_wrap=True)


def _ref(ref: tuple[str, str] | list[str]) -> str:
    return f"{ref[1]} ({ref[0]})"


def eval_resolution(
    corpora: Annotated[list[Path], typer.Argument(help="Corpus directories, each with articles/ and gold/.")],
    labels: Annotated[
        list[Path] | None,
        Opt("--labels", "-l", help="Cluster label files like shared/corpus/resolution.json (repeatable)."),
    ] = None,
    aliases: Annotated[Path | None, Opt("--aliases", help="User alias file applied as in kg build.")] = None,
    extractor: Annotated[str | None, Opt(help="Extractor as module:function.", hidden=True)] = None,
    details: Annotated[
        bool, Opt("--details", help="List false merges, missed merges and wrong clusters.")
    ] = False,
    with_duplicates: Annotated[
        bool, Opt("--duplicates", help="Also measure duplicate finding on the splits left.")
    ] = False,
    as_json: Annotated[bool, Opt("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Pairwise merge precision/recall of resolution over the gold entities the extractor finds."""
    from kg.evaluate.resolution import score_resolution

    with library_errors():
        report = score_resolution(corpora, labels or [], extractor=extractor, aliases=aliases)
    if as_json:
        data = report.model_dump(mode="json")
        if with_duplicates:
            from kg.evaluate.duplicates import score_duplicates

            with library_errors():
                dup = score_duplicates(corpora, labels or [], extractor=extractor, aliases=aliases)
            data["duplicates"] = dup.model_dump(mode="json")
        print_json(data)
        return
    wrong = [c for c in report.clusters if not c.right]
    _out(
        f"resolution over {report.articles} articles: {report.found} of {report.gold_entities} gold entities "
        f"found by extraction"
    )
    _out(
        f"pairwise merge precision {report.precision:.4f}, recall {report.recall:.4f}, F1 {report.f1:.4f} "
        f"({report.correct_pairs} of {report.predicted_pairs} predicted pairs right, "
        f"{report.correct_pairs} of {report.true_pairs} true pairs found)"
    )
    _out(
        f"labelled clusters right: {len(report.clusters) - len(wrong)} of {len(report.clusters)}; "
        f"look-alikes kept apart: {report.negatives_apart} of {report.negatives_found}"
    )
    if with_duplicates:
        _print_duplicates(corpora, labels or [], extractor, aliases)
    if not details:
        return
    for label, pairs in (("false merge", report.false_merges), ("missed merge", report.missed_merges)):
        for p in pairs:
            _out(f"  {label}: {_ref(p.a)} [{p.a_type}] = {_ref(p.b)} [{p.b_type}]")
    for c in wrong:
        extra = f", joined by {', '.join(_ref(r) for r in c.intruders)}" if c.intruders else ""
        _out(f"  wrong cluster {c.label}: {c.found} of {c.members} found, on {c.nodes} nodes{extra}")
    for p in report.broken_negatives:
        _out(f"  look-alikes merged: {_ref(p.a)} = {_ref(p.b)}")


def _print_duplicates(
    corpora: list[Path], labels: list[Path], extractor: str | None, aliases: Path | None
) -> None:
    from kg.evaluate.duplicates import score_duplicates

    with library_errors():
        r = score_duplicates(corpora, labels, extractor=extractor, aliases=aliases)
    _out(f"real splits left after resolution: {r.real_splits} (pairs of nodes carrying one gold identity)")
    for label, s in (
        ("kg duplicates", r.kg_duplicates),
        ("possible_duplicates.cypher", r.possible_duplicates_cypher),
    ):
        _out(
            f"{label}: {s.proposed} proposed, {s.hits} real splits found (recall {s.recall:.4f}), "
            f"{s.false_alarms} false alarms, {s.unknown} unknown (precision {s.precision:.4f})"
        )


def duplicates(
    db: Annotated[Path, Opt("--db", help="Embedded store (SQLite file).")] = Path("kg.db"),
    limit: Annotated[int, Opt("--limit", "-n", min=1, help="How many pairs to print.")] = 50,
    min_score: Annotated[float, Opt("--min-score", help="Leave out pairs scoring under this.")] = 0.75,
    etype: Annotated[str | None, Opt("--type", help="Only entities of this type, e.g. Bank.")] = None,
    as_json: Annotated[bool, Opt("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Likely splits (one thing on two nodes), ranked by name similarity and shared context."""
    from dataclasses import asdict

    from kg.errors import StoreError
    from kg.ontology import EntityType
    from kg.store.duplicates import find_duplicates

    with library_errors():
        if etype is not None and etype not in {t.value for t in EntityType}:
            raise StoreError(
                f"unknown entity type {etype!r} (one of {', '.join(t.value for t in EntityType)})"
            )
        found = find_duplicates(db, limit=limit, min_score=min_score, etype=etype)
    if as_json:
        print_json([asdict(c) for c in found])
        return
    for c in found:
        _out(f"{c.score:.3f}  {c.a_name} [{c.a_type}] {c.a}  ~  {c.b_name} [{c.b_type}] {c.b}")
        _out(f"       {'; '.join(c.reasons)}")
    _out(
        f"{len(found)} likely duplicate pair(s); join one with aliases.yaml, or keep two apart with not_same"
    )


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    app.command("eval-resolution")(eval_resolution)
    app.command("duplicates")(duplicates)
