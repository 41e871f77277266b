"""Incremental resolution (kg.store.incremental) equals a full one: random add / change / forget sequences
on real-ish articles, and the cases that test the locality argument (merging, splitting, namesakes,
branches)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from incremental_helpers import apply, changed, copy, derive, differences, dump, pool, store, trimmed

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


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
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
