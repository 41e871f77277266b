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
    as_json: Annotated[bool, Opt("--json", help="Machine-readable JSON on stdout.")] = False,
) -> None:
    """Pairwise merge precision/recall of resolution over the gold entities the extractor finds."""
    from kg.evaluate.resolution import score_resolution

    with library_errors():
        report = score_resolution(corpora, labels or [], extractor=extractor, aliases=aliases)
    if as_json:
        print_json(report.model_dump(mode="json"))
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


def register(app: typer.Typer, export_app: typer.Typer) -> None:
    app.command("eval-resolution")(eval_resolution)
