"""Incremental resolution (kg.store.incremental) equals a full one: random add / change / forget sequences
on real-ish articles, and the cases that test the locality argument (merging, splitting, namesakes,
branches)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from incremental_helpers import apply, changed, copy, derive, differences, dump, pool, store, trimmed
from test_store import extraction
from test_store_trust import syndicated

from kg.models import Extraction
from kg.ontology import EntityType
from kg.resolve import AliasConfig, AliasEntry
from kg.store import incremental
from kg.store.derive import derive_graph, store_alias_config
from kg.store.incremental import index_ready
from kg.store.schema import connect
from kg.store.write import FactRows, extraction_rows

_WORK = tempfile.TemporaryDirectory(prefix="kg_incremental_")


def articles():
    return pool(_WORK.name)


def check_step(db: Path, work: Path) -> None:
    """Derive incrementally; a copy of the same store derived in full must have identical tables."""
    oracle = work / "oracle.db"
    copy(db, oracle)
    derive(db)
    derive(oracle, full=True)
    assert differences(dump(db, history=True), dump(oracle, history=True)) == {}


op = st.tuples(
    st.sampled_from(["add", "change", "trim", "forget"]), st.integers(0, 10**6), st.integers(0, 10**6)
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.sets(st.integers(0, 10**6), max_size=30),
    steps=st.lists(st.lists(op, min_size=1, max_size=4), min_size=1, max_size=3),
)
def test_random_sequences_equal_a_clean_build(start, steps):
    pool_rows = articles()
    n = len(pool_rows)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db = work / "kg.db"
        current = {pool_rows[i % n].article[1]: pool_rows[i % n] for i in start}
        store(db, list(current.values()))
        for step in steps:
            writes, forgets = {}, set()
            for kind, i, j in step:
                rows = pool_rows[i % n]
                path = rows.article[1]
                if kind == "add" and path not in current:
                    writes[path] = rows
                elif kind == "change" and path in current:
                    writes[path] = changed(current[path], pool_rows[j % n])
                elif kind == "trim" and path in current:
                    writes[path] = trimmed(current[path])
                elif kind == "forget" and path in current and path not in writes:
                    forgets.add(path)
            apply(db, list(writes.values()), sorted(forgets))
            current.update(writes)
            for path in forgets:
                del current[path]
            check_step(db, work)
        clean = work / "clean.db"
        store(clean, list(current.values()))
        assert differences(dump(db), dump(clean)) == {}


# ---------------------------------------------------------------- targeted cases (hand-written articles)


def rows_of(x: Extraction) -> FactRows:
    return extraction_rows(x, x.article.id)


def updated(tmp_path: Path, db: Path, writes=(), forgets=()) -> dict:
    """Apply an update, derive incrementally, check it against a full derivation of the same store."""
    apply(db, [rows_of(x) for x in writes], [f"/corpus/{a}.md" for a in forgets])
    check_step(db, tmp_path)
    return dump(db)


def names(state: dict, etype: str) -> list[str]:
    return sorted(name for _, t, name, _ in state["entities"] if t == etype)


MCC_A = extraction("a", [("e1", "中冶集团", "Company", [])], [])
MCC_B = extraction("b", [("e1", "中国冶金科工集团", "Company", [])], [])
MCC_C = extraction("c", [("e1", "中国冶金科工集团", "Company", ["中冶集团"])], [])


def test_an_article_joining_two_entities_and_forgetting_it_splits_them(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    store(db, [rows_of(MCC_A), rows_of(MCC_B)])
    assert len(dump(db)["entities"]) == 2
    state = updated(tmp_path, db, writes=[MCC_C])
    assert len(state["entities"]) == 1  # the alias joined them
    assert len(dump(db, history=True)["redirects"]) == 1  # the id merged away still resolves
    state = updated(tmp_path, db, forgets=["c"])
    assert len(state["entities"]) == 2  # split back
    assert dump(db, history=True)["redirects"] == []  # both ids live again
    clean = tmp_path / "clean.db"
    store(clean, [rows_of(MCC_A), rows_of(MCC_B)])
    assert differences(dump(db), dump(clean)) == {}


def executive(aid: str, person: str, org: str, aliases=()) -> Extraction:
    return extraction(
        aid,
        [("p", person, "Person", []), ("o", org, "Company", list(aliases))],
        [("EXECUTIVE_OF", "p", "o", {"role": "董事长"}, f"{org}董事长{person}表示。")],
    )


def test_person_namesakes_join_when_their_organisations_become_one(tmp_path: Path) -> None:
    """Persons outside the changed names depend on them: 张伟 of 中冶集团 and 张伟 of 中国冶金科工集团 are
    two people until an article makes the two organisations one, and two again when it is forgotten."""
    db = tmp_path / "kg.db"
    other = executive("z", "张伟", "远景能源有限公司")  # a third namesake elsewhere: stays apart throughout
    store(
        db,
        [
            rows_of(executive("a", "张伟", "中冶集团")),
            rows_of(executive("b", "张伟", "中国冶金科工集团")),
            rows_of(other),
        ],
    )
    assert names(dump(db), "Person") == ["张伟", "张伟", "张伟"]
    state = updated(tmp_path, db, writes=[MCC_C])
    assert names(state, "Person") == ["张伟", "张伟"]
    state = updated(tmp_path, db, forgets=["c"])
    assert names(state, "Person") == ["张伟", "张伟", "张伟"]


def test_bank_branches_appear_and_disappear_with_their_head_office(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    branch = extraction(
        "a", [("b1", "招商银行福州分行", "Bank", []), ("b2", "招商银行福州分行平潭支行", "Bank", [])], []
    )
    store(db, [rows_of(branch)])
    branch_of = lambda state: sorted(
        (s, t, p) for _, kind, s, t, p in state["relations"] if kind == "BRANCH_OF"
    )
    assert len(branch_of(dump(db))) == 1  # the sub-branch under its branch; no head office yet
    state = updated(tmp_path, db, writes=[extraction("h", [("h1", "招商银行", "Bank", [])], [])])
    assert len(branch_of(state)) == 2  # the branch under its head office
    state = updated(tmp_path, db, forgets=["h"])
    assert len(branch_of(state)) == 1


def test_syndicates_told_twice_are_one_until_one_telling_is_forgotten(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    members = [("星展银行", "牵头行"), ("大新银行", "参贷行"), ("恒生银行", "参贷行")]
    store(db, [rows_of(syndicated("one", 2e9, members))])
    state = updated(tmp_path, db, writes=[syndicated("two", 2e9, members[:2])])
    synd = {
        json.loads(p).get("syndicate")
        for _, kind, _, _, p in state["relations"]
        if kind == "PROVIDED_FINANCING_TO"
    }
    assert synd == {"one/s1"}
    state = updated(tmp_path, db, forgets=["one"])
    synd = {
        json.loads(p).get("syndicate")
        for _, kind, _, _, p in state["relations"]
        if kind == "PROVIDED_FINANCING_TO"
    }
    assert synd == {"two/s1"}


def test_a_changed_alias_file_or_a_store_without_the_index_resolves_everything(tmp_path: Path) -> None:
    db = tmp_path / "kg.db"
    store(db, [rows_of(MCC_A), rows_of(MCC_B)])
    conn = connect(db)
    try:
        assert index_ready(conn)
        store_alias_config(
            conn, AliasConfig((AliasEntry("中国冶金科工集团", EntityType.Company, ("中冶集团",)),))
        )
        assert not index_ready(conn)  # the next derivation is a full one
        derive_graph(conn)
        assert index_ready(conn)
        assert conn.execute("SELECT count(*) FROM entities").fetchone()[0] == 1
    finally:
        conn.close()
    # with the alias file in force, incremental updates still equal full ones
    updated(tmp_path, db, writes=[executive("d", "李强", "中冶集团")])
    updated(tmp_path, db, forgets=["a"])


def test_the_scope_is_the_changed_names_not_the_store(tmp_path: Path) -> None:
    """Adding an article about one company re-reads that company's names, not the other entities."""
    db = tmp_path / "kg.db"
    others = [extraction(f"x{i}", [("e1", f"无关公司{i}号有限公司", "Company", [])], []) for i in range(30)]
    store(db, [rows_of(x) for x in [MCC_A, MCC_B, *others]])
    seen = {}
    original = incremental.resolve_with_tokens

    def spy(records, *args):
        records = list(records)
        seen.setdefault("names", set()).update(r.name for r in records)
        return original(records, *args)

    incremental.resolve_with_tokens = spy
    try:
        updated(tmp_path, db, writes=[extraction("n", [("e1", "中冶集团", "Company", [])], [])])
    finally:
        incremental.resolve_with_tokens = original
    assert seen["names"] == {"中冶集团"}


def test_kg_build_resolves_incrementally_and_full_on_request(tmp_path: Path) -> None:
    """Through the CLI: a first build resolves everything, adding a file only its part, `--full-resolve`
    everything again; the exports agree with a clean build of the same files."""
    from incremental_helpers import EXAMPLES
    from typer.testing import CliRunner

    from kg.cli import app

    files = sorted(p for p in EXAMPLES.iterdir() if p.suffix == ".md")
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in files[:-1]:
        (corpus / f.name).write_bytes(f.read_bytes())
    db, runner = tmp_path / "kg.db", CliRunner()

    def build(*extra: str) -> dict:
        result = runner.invoke(app, ["build", str(corpus), "--db", str(db), "--json", *extra])
        assert result.exit_code == 0, result.output
        return json.loads(result.output)

    assert build()["full_resolution"] is True  # a new store: no index yet
    (corpus / files[-1].name).write_bytes(files[-1].read_bytes())
    summary = build()
    assert (summary["new"], summary["derived"], summary["full_resolution"]) == (1, True, False)
    before = dump(db, history=True)
    summary = build("--full-resolve")
    assert (summary["new"], summary["derived"], summary["full_resolution"]) == (0, True, True)
    assert differences(dump(db, history=True), before) == {}
    clean = tmp_path / "clean.db"
    assert runner.invoke(app, ["build", str(corpus), "--db", str(clean)]).exit_code == 0
    assert differences(dump(db), dump(clean)) == {}


def test_resolution_reasons_do_not_depend_on_the_order_names_are_read() -> None:
    """A scope is read in another order than the whole store: every output, down to the article a refused
    join names as its witness, must be the same for any order of the records."""
    from kg.resolve import EntityRecord, resolve_entities

    records = [
        EntityRecord(t, name, tuple(json.loads(als)), aid)
        for rows in articles()
        for aid, _, t, name, als in rows.entities
    ]
    # two entities two articles keep apart, joined by other articles' alias: a refused join, 2 witnesses
    records += [
        EntityRecord("Region", "西安临空经济示范区", ("临空经济",), "k1"),
        EntityRecord("Region", "泉州临空经济示范区", ("临空经济",), "k2"),
        *(EntityRecord("Region", "西安临空经济示范区", (), k) for k in ("k3", "k4")),
        *(EntityRecord("Region", "泉州临空经济示范区", (), k) for k in ("k3", "k4")),
    ]
    forward = resolve_entities(records).clusters
    backward = resolve_entities(records[::-1]).clusters
    assert any(c.refused for c in forward)
    assert forward == backward
