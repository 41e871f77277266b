"""`kg build` as a library: incremental, order/jobs independent, crash safe, no orphans after changes."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.pipeline import build_store, forget_articles
from kg.store.export import graph_json
from kg.store.read import read_graph

HELPERS = Path(__file__).resolve().parent
GOLD = "test_build_helpers:gold_extract"
SYNTH = "test_build_helpers:synth_extract"


def export(db: Path) -> str:
    return graph_json(read_graph(db))


def orphan_counts(db: Path) -> dict[str, int]:
    """Rows that point at nothing (or that nothing points at): all must be zero."""
    checks = {
        "entity without article": "SELECT count(*) FROM entities e WHERE NOT EXISTS "
        "(SELECT 1 FROM article_entities ae WHERE ae.entity_id = e.id)",
        "relation without evidence": "SELECT count(*) FROM relations r WHERE NOT EXISTS "
        "(SELECT 1 FROM evidence v WHERE v.relation_id = r.id)",
        "relation with missing end": "SELECT count(*) FROM relations r WHERE r.source NOT IN (SELECT id FROM entities) "
        "OR r.target NOT IN (SELECT id FROM entities)",
        "evidence without relation": "SELECT count(*) FROM evidence v WHERE v.relation_id NOT IN (SELECT id FROM relations)",
        "evidence without article": "SELECT count(*) FROM evidence v WHERE v.article_id NOT IN (SELECT id FROM articles)",
        "alias without entity": "SELECT count(*) FROM aliases a WHERE a.entity_id NOT IN (SELECT id FROM entities)",
        "unresolved article entity": "SELECT count(*) FROM article_entities WHERE entity_id IS NULL "
        "OR entity_id NOT IN (SELECT id FROM entities)",
        "mention without entity": "SELECT count(*) FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM article_entities ae "
        "WHERE ae.article_id = m.article_id AND ae.local_id = m.local_id)",
        "fact without article": "SELECT count(*) FROM article_relations WHERE article_id NOT IN (SELECT id FROM articles)",
    }
    conn = sqlite3.connect(db)
    try:
        out = {name: conn.execute(sql).fetchone()[0] for name, sql in checks.items()}
        out["foreign_key_check"] = len(conn.execute("PRAGMA foreign_key_check").fetchall())
        return out
    finally:
        conn.close()


def no_orphans(db: Path) -> bool:
    return set(orphan_counts(db).values()) == {0}


@pytest.fixture()
def dev_copy(dev_corpus: Path, tmp_path: Path) -> Path:
    """A writable copy of the dev corpus (articles + gold) so tests can change and delete articles."""
    dest = tmp_path / "dev"
    shutil.copytree(dev_corpus / "articles", dest / "articles")
    shutil.copytree(dev_corpus / "gold", dest / "gold")
    return dest


@pytest.fixture(scope="module")
def synth_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from test_build_helpers import write_synthetic_corpus

    d = tmp_path_factory.mktemp("synth") / "articles"
    write_synthetic_corpus(d, 300, seed=3)
    return d


def test_second_build_does_nothing(dev_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import test_build_helpers

    db = tmp_path / "kg.db"
    first = build_store([dev_copy / "articles"], db, extractor=GOLD)
    assert (first.new, first.unchanged, first.failed) == (6, 0, [])
    assert first.entities > 40 and first.relations > 40
    before = export(db)
    sizes = {p.name: p.read_bytes() for p in tmp_path.glob("kg.db*")}
    # Same extractor name and version, but any call now fails the test: nothing may be extracted.
    monkeypatch.setattr(test_build_helpers, "gold_extract", test_build_helpers.must_not_be_called)
    second = build_store([dev_copy / "articles"], db, extractor=GOLD)
    assert (second.new, second.changed, second.unchanged, second.derived, second.failed) == (
        0,
        0,
        6,
        False,
        [],
    )
    assert export(db) == before
    assert {p.name: p.read_bytes() for p in tmp_path.glob("kg.db*")} == sizes


def test_new_extractor_version_re_extracts(
    dev_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Facts made by an older extractor are not kept silently: a version bump re-extracts every article."""
    import test_build_helpers

    db = tmp_path / "kg.db"
    build_store([dev_copy / "articles"], db, extractor=GOLD)
    monkeypatch.setattr(test_build_helpers, "EXTRACTOR_VERSION", "next", raising=False)
    again = build_store([dev_copy / "articles"], db, extractor=GOLD)
    assert (again.new, again.changed, again.unchanged) == (0, 6, 0)
    assert no_orphans(db)
    monkeypatch.undo()
    assert build_store([dev_copy / "articles"], db, extractor=GOLD).changed == 6  # and back again


def test_reverse_order_gives_identical_export(dev_corpus: Path, synth_corpus: Path, tmp_path: Path) -> None:
    files = sorted((dev_corpus / "articles").glob("*.md"))
    build_store(files, tmp_path / "fwd.db", extractor=GOLD)
    build_store(files[::-1], tmp_path / "rev.db", extractor=GOLD)
    assert export(tmp_path / "fwd.db") == export(tmp_path / "rev.db")
    syn = sorted(synth_corpus.glob("*.md"))
    build_store(syn, tmp_path / "sf.db", extractor=SYNTH, batch=17)
    build_store(syn[::-1], tmp_path / "sr.db", extractor=SYNTH, batch=64)
    assert export(tmp_path / "sf.db") == export(tmp_path / "sr.db")


def test_jobs_1_and_2_give_identical_export(synth_corpus: Path, tmp_path: Path) -> None:
    one = build_store([synth_corpus], tmp_path / "j1.db", extractor=SYNTH, jobs=1)
    two = build_store([synth_corpus], tmp_path / "j2.db", extractor=SYNTH, jobs=2)
    assert one.model_dump(exclude={"db", "seconds"}) == two.model_dump(exclude={"db", "seconds"})
    assert export(tmp_path / "j1.db") == export(tmp_path / "j2.db")


def test_one_relation_many_evidence_and_symmetric_order(synth_corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    build_store([synth_corpus], db, extractor=SYNTH)
    graph = read_graph(db)
    assert max(len(r.evidence) for r in graph.relations) > 1
    signed = [r for r in graph.relations if r.type.value == "SIGNED_AGREEMENT_WITH"]
    assert signed and all(r.source < r.target for r in signed)
    assert len({(r.type, r.source, r.target) for r in signed}) == len(signed)
    assert no_orphans(db)


def test_changed_article_replaces_its_facts(dev_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    build_store([dev_copy / "articles"], db, extractor=GOLD)
    # Article 009 now names another partner: its old facts must go, the rest must stay.
    art = dev_copy / "articles" / "009_eximbank_guangxi_gxic.md"
    gold = dev_copy / "gold" / "009_eximbank_guangxi_gxic.json"
    art.write_text(
        art.read_text(encoding="utf-8").replace("广西投资集团有限公司", "桂林旅游股份有限公司"), "utf-8"
    )
    gold.write_text(
        gold.read_text(encoding="utf-8")
        .replace("广西投资集团有限公司", "桂林旅游股份有限公司")
        .replace("广西投资集团", "桂林旅游"),
        "utf-8",
    )
    summary = build_store([dev_copy / "articles"], db, extractor=GOLD)
    assert (summary.new, summary.changed, summary.unchanged) == (0, 1, 5)
    names = {e.name for e in read_graph(db).entities}
    assert "桂林旅游股份有限公司" in names and "广西投资集团有限公司" not in names
    assert no_orphans(db), orphan_counts(db)
    build_store([dev_copy / "articles"], tmp_path / "fresh.db", extractor=GOLD)
    assert export(db) == export(tmp_path / "fresh.db")


def test_forget_retracts_only_that_article(dev_copy: Path, tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    build_store([dev_copy / "articles"], db, extractor=GOLD)
    target = dev_copy / "articles" / "001_qingpu_shanghai_bank.md"
    removed = forget_articles([str(target)], db)
    assert len(removed) == 1
    assert no_orphans(db), orphan_counts(db)
    assert "上海银行" not in {e.name for e in read_graph(db).entities}
    target.unlink()
    build_store([dev_copy / "articles"], tmp_path / "fresh.db", extractor=GOLD)
    assert export(db) == export(tmp_path / "fresh.db")


def test_shared_fact_loses_only_evidence(synth_corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    build_store([synth_corpus], db, extractor=SYNTH)
    conn = sqlite3.connect(db)
    rid, aid, n = conn.execute(
        "SELECT relation_id, min(article_id), count(*) FROM evidence GROUP BY relation_id HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    conn.close()
    forget_articles([aid], db)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM evidence WHERE relation_id = ?", (rid,)).fetchone()[0] == n - 1
    assert conn.execute("SELECT count(*) FROM evidence WHERE article_id = ?", (aid,)).fetchone()[0] == 0
    conn.close()
    assert no_orphans(db)


def test_failures_are_reported_by_file(dev_copy: Path, tmp_path: Path) -> None:
    (dev_copy / "articles" / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n\n")
    (dev_copy / "articles" / "999_no_gold.md").write_text("---\ntitle: x\n---\n正文。\n", encoding="utf-8")
    summary = build_store(
        [dev_copy / "articles", tmp_path / "missing.md"], tmp_path / "kg.db", extractor=GOLD
    )
    failed = {Path(f.path).name: f.error for f in summary.failed}
    assert set(failed) == {"broken.md", "999_no_gold.md", "missing.md"}
    assert failed["missing.md"] == "no such file or directory"
    assert failed["999_no_gold.md"].startswith("extraction failed: FileNotFoundError")
    assert summary.new == 6


def test_extractor_failure_is_reported_once_per_file(dev_copy: Path, tmp_path: Path) -> None:
    summary = build_store(
        [dev_copy / "articles"], tmp_path / "kg.db", extractor="test_build_helpers:failing_extract"
    )
    assert summary.new == 0 and len(summary.failed) == 6
    assert {f.error for f in summary.failed} == {"extraction failed: ValueError: bad input"}


def test_kill_9_mid_build_then_rerun_equals_clean_build(tmp_path: Path) -> None:
    from test_build_helpers import write_synthetic_corpus

    corpus = tmp_path / "articles"
    write_synthetic_corpus(corpus, 2000, seed=11)
    db = tmp_path / "killed.db"
    code = (
        f"import sys; sys.path.insert(0, {str(HELPERS)!r}); from kg.pipeline import build_store; "
        f"build_store([{str(corpus)!r}], {str(db)!r}, extractor={SYNTH!r}, batch=25)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "PYTHONHASHSEED": "1"})
    stored = 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
            stored = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            conn.close()
        except sqlite3.Error:
            continue
        if stored >= 300:
            break
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < stored < 2000, "the build must be killed in the middle"
    partial = sqlite3.connect(db)
    count = partial.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert count % 25 == 0  # whole batches only: each batch of articles is one transaction
    partial.close()
    resumed = build_store([corpus], db, extractor=SYNTH)
    assert (resumed.unchanged, resumed.new, resumed.duplicate, resumed.failed) == (count, 2000 - count, 0, [])
    build_store([corpus], tmp_path / "clean.db", extractor=SYNTH)
    assert export(db) == export(tmp_path / "clean.db")
    assert no_orphans(db)
