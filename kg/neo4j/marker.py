"""The database's load marker, `(:KgLoad {id: 'kg'})`: which load its kg-managed graph is the result of.

kg.neo4j.incremental compares it with the store's records to decide whether only the changes need
sending. Every other write path (the in-memory `write_graph`, the streaming `write_store`) moves it to a
value no store has recorded, so a later incremental load cannot trust records the database no longer
matches.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kg.neo4j import cypher
from kg.neo4j.rows import LoadSummary, run_batch

MARKER_ID = "kg"  # one marker per database: a kg load makes the database's kg-managed graph one store's


def new_token() -> str:
    return uuid.uuid4().hex


def schema_fingerprint() -> str:
    """Names the schema statements: a marker written by a kg with other statements gets them re-run."""
    text = "\n".join(s.cypher for s in cypher.schema_statements())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Marker:
    store_id: str | None
    load_id: str | None
    schema: str | None


def _read_tx(tx: Any, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return [dict(zip(r.keys(), r.values(), strict=True)) for r in tx.run(query, params)]


def read_marker(session: Any, summary: LoadSummary) -> Marker | None:
    """The database's marker; None when it has none. Two markers (kg's constraint missing) count as none."""
    records = session.execute_read(_read_tx, cypher.read_marker().cypher, {"marker": {"id": MARKER_ID}})
    summary.round_trips += 1
    if len(records) != 1:
        return None
    r = records[0]
    return Marker(r.get("store_id"), r.get("load_id"), r.get("schema"))


def write_marker(
    session: Any, summary: LoadSummary, store_id: str, load_id: str, expected: str | None
) -> bool:
    """Move the marker to `load_id` (only from `expected` when given); False when it had moved on."""
    marker = {
        "id": MARKER_ID,
        "store_id": store_id,
        "load_id": load_id,
        "schema": schema_fingerprint(),
        "loaded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "expected": expected,
    }
    changed, _counters = session.execute_write(run_batch, cypher.write_marker().cypher, {"marker": marker})
    summary.round_trips += 1  # its properties are not counted: the summary's counters are the graph's
    return changed == 1


def invalidate_marker(session: Any, summary: LoadSummary) -> None:
    """Before a write that keeps no records: no store's records describe the database any more."""
    write_marker(session, summary, "", new_token(), None)
