"""The bulk route into Neo4j: `kg export csv` for `neo4j-admin database import full`, then the schema step.

Why here, beside the loader: the CSV files must describe exactly the graph `kg load` writes (cypher/README.md),
so they are written from the loader's own parameter rows (kg.neo4j.stream.plan_store: same ids, labels,
properties, `kg_hash` values), not from a second rendering of the store. A later `kg load` of the same store
then finds every hash equal and sets nothing.

What neo4j-admin's CSV cannot say, and how it is handled:
- null vs empty string: a null is an empty unquoted field (no property, as `SET x = null`), every string is
  quoted, so `""` stays an empty string (neo4j-admin's default `--ignore-empty-strings=false`);
- an empty list: neo4j-admin never stores empty arrays, so empty `aliases` / `article_ids` / `evidence` are
  left out of the CSV and written by the schema step (`kg load --schema-only`), which also creates the
  constraints and indexes `kg load` creates first. Both are idempotent;
- array elements holding the array delimiter: the delimiter is U+001F (unit separator), which text in the
  store does not contain; a value that does is refused with its element's id rather than split silently;
- newlines inside values need `--multiline-fields=true`, which also makes the import slower: the command
  printed asks for it only when a value written has one.
"""

from __future__ import annotations

import math
import shlex
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from kg.errors import StoreError
from kg.neo4j import cypher
from kg.neo4j.cypher import ARTICLE_LABEL, ENTITY_LABEL, MENTIONS, Statement
from kg.neo4j.rows import DEFAULT_BATCH_SIZE, LoadSummary, run_batch, write_schema
from kg.neo4j.stream import StreamStep, batched, plan_store
from kg.ontology import RELATION_PROPERTY_KEYS, RelationType
from kg.store.export import atomic_file, reading_store

ARRAY_DELIMITER = "\x1f"
ARRAY_DELIMITER_ARG = "U+001F"  # how neo4j-admin's --array-delimiter names it
CHUNK = 1000  # store rows read (and parameter rows held) at a time

NODE_FILES = ("articles.csv", "entities.csv")
RELATIONSHIP_FILES = ("mentions.csv", "relations.csv")
CSV_FILES = NODE_FILES + RELATIONSHIP_FILES

# Typed columns: neo4j-admin stores untyped columns as strings; `amount` is a float in kg (a Cypher Float,
# i.e. a double, as the loader sends it); the lists are string arrays.
TYPED = {"amount": "amount:double"}
ARTICLE_HEADER = ["id:ID(Article)", "title", "date", "url", "kg_hash", ":LABEL"]
ENTITY_HEADER = ["id:ID(Entity)", "name", "type", "aliases:string[]", "kg_hash", ":LABEL"]
MENTION_HEADER = [":START_ID(Article)", ":END_ID(Entity)", ":TYPE", "kg_hash"]
RELATION_HEADER = (
    [":START_ID(Entity)", ":END_ID(Entity)", ":TYPE", "id"]
    + [TYPED.get(k, k) for k in RELATION_PROPERTY_KEYS]
    + ["article_ids:string[]", "evidence:string[]", "kg_hash"]
)


# --------------------------------------------------------------------------- fields


class _Writer:
    """CSV lines in neo4j-admin's dialect (`,`, `"` doubled inside quotes), remembering if any field
    spans lines (the import then needs --multiline-fields=true)."""

    def __init__(self, fh: IO[str]) -> None:
        self.fh = fh
        self.multiline = False

    def field(self, value: Any, where: str) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):  # never in kg's rows; a bool would need a :boolean column
            raise StoreError(f"{where}: a boolean cannot be exported")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise StoreError(f"{where}: {value} cannot be imported by neo4j-admin")
            return repr(value)  # shortest text that parses back to the same double
        if isinstance(value, list):
            if not value:
                return ""  # neo4j-admin stores no empty array: the schema step writes it
            for item in value:
                if ARRAY_DELIMITER in item:
                    raise StoreError(
                        f"{where}: a list element holds the array delimiter {ARRAY_DELIMITER_ARG} "
                        "(neo4j-admin would split it)"
                    )
            value = ARRAY_DELIMITER.join(value)
        text = str(value)
        if "\n" in text or "\r" in text:
            self.multiline = True
        return '"' + text.replace('"', '""') + '"'

    def row(self, values: list[Any], where: str) -> None:
        self.fh.write(",".join(self.field(v, where) for v in values) + "\n")

    def header(self, names: list[str]) -> None:
        self.fh.write(",".join(names) + "\n")


def _label(step: StreamStep) -> str:
    """The entity label or relationship type of a loader step ("entities:Bank" -> "Bank")."""
    return step.statement.kind.partition(":")[2]


# --------------------------------------------------------------------------- export


def _write_steps(conn: sqlite3.Connection, writers: dict[str, _Writer], db: str | Path) -> dict[str, int]:
    """Every upsert row of `kg load`, in its order, as a line of the file of its kind (a value neo4j-admin
    cannot read back is refused naming the store and the element)."""
    counts = dict.fromkeys(("articles", "entities", "mentions", "relations"), 0)
    for step in plan_store(conn, CHUNK).upserts:
        base = step.statement.kind.partition(":")[0]
        w = writers[base]
        for row in step.rows():
            if base == "articles":
                w.row(
                    [row["id"], row["title"], row["date"], row["url"], row["hash"], ARTICLE_LABEL],
                    f"{db}: article {row['id']}",
                )
            elif base == "entities":
                labels = f"{ENTITY_LABEL}{ARRAY_DELIMITER}{_label(step)}"
                w.row(
                    [row["id"], row["name"], row["type"], row["aliases"], row["hash"], labels],
                    f"{db}: entity {row['id']}",
                )
            elif base == "mentions":
                w.row(
                    [row["article"], row["entity"], MENTIONS, row["hash"]],
                    f"{db}: mention {row['article']} -> {row['entity']}",
                )
            else:
                props = [row[k] for k in RELATION_PROPERTY_KEYS]
                w.row(
                    [row["source"], row["target"], _label(step), row["id"], *props]
                    + [row["article_ids"], row["evidence"], row["hash"]],
                    f"{db}: relation {row['id']}",
                )
            counts[base] += 1
    return counts


def export_csv(db_path: str | Path, out_dir: str | Path, database: str = "neo4j") -> dict[str, Any]:
    """A directory for `neo4j-admin database import full`: the graph `kg load` writes, one file per kind.
    The report holds the exact import command for these files and the schema step to run after it."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise StoreError(f"{out}: exists and is not a directory")
    with (
        reading_store(db_path) as conn,
        atomic_file(out / "articles.csv", newline="") as art_fh,
        atomic_file(out / "entities.csv", newline="") as ent_fh,
        atomic_file(out / "mentions.csv", newline="") as men_fh,
        atomic_file(out / "relations.csv", newline="") as rel_fh,
    ):
        writers = {
            "articles": _Writer(art_fh),
            "entities": _Writer(ent_fh),
            "mentions": _Writer(men_fh),
            "relations": _Writer(rel_fh),
        }
        for key, header in (
            ("articles", ARTICLE_HEADER),
            ("entities", ENTITY_HEADER),
            ("mentions", MENTION_HEADER),
            ("relations", RELATION_HEADER),
        ):
            writers[key].header(header)
        counts = _write_steps(conn, writers, db_path)
    multiline = any(w.multiline for w in writers.values())
    return {
        "format": "csv",
        "output": str(out),
        "files": list(CSV_FILES),
        "articles": counts["articles"],
        "entities": counts["entities"],
        "mentions": counts["mentions"],
        "relations": counts["relations"],
        "multiline_fields": multiline,
        "import_command": import_command(out, database, multiline),
        "next_step": f"kg load --db {shlex.quote(str(db_path))} --schema-only",
    }


def import_command(out_dir: Path, database: str, multiline: bool) -> str:
    """The neo4j-admin 5 command line for the files of `export_csv` (absolute paths: it runs anywhere)."""
    base = out_dir.resolve()
    parts = ["neo4j-admin", "database", "import", "full"]
    parts += [f"--nodes={base / name}" for name in NODE_FILES]
    parts += [f"--relationships={base / name}" for name in RELATIONSHIP_FILES]
    parts += [f"--array-delimiter={ARRAY_DELIMITER_ARG}"]
    if multiline:
        parts += ["--multiline-fields=true"]
    parts += [database]
    return " ".join(shlex.quote(p) for p in parts)


# --------------------------------------------------------------------------- the schema step


def completion_steps(conn: sqlite3.Connection) -> Iterator[tuple[Statement, Iterator[dict[str, Any]]]]:
    """The rows neo4j-admin could not fully write: elements whose kg lists are empty, with those lists
    and the `kg_hash` the export gave them (streamed, one statement per relation type)."""
    plan = plan_store(conn, CHUNK)
    for step in plan.upserts:
        base = step.statement.kind.partition(":")[0]
        if base == "entities":
            rows = (
                {"id": r["id"], "hash": r["hash"], "aliases": r["aliases"]}
                for r in step.rows()
                if not r["aliases"]
            )
            yield cypher.complete_entity_lists(), rows
        elif base == "relations":
            rel_rows = (
                {"id": r["id"], "hash": r["hash"], "article_ids": r["article_ids"], "evidence": r["evidence"]}
                for r in step.rows()
                if not r["article_ids"] or not r["evidence"]
            )
            yield cypher.complete_relation_lists(RelationType(_label(step))), rel_rows


def write_schema_step(
    driver: Any,
    conn: sqlite3.Connection,
    *,
    database: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> dict[str, Any]:
    """`kg load --schema-only`: the constraints and indexes `kg load` creates before any write, then the
    empty lists of an imported database. On a database `kg load` wrote, it changes nothing."""
    summary = LoadSummary()
    statements = cypher.schema_statements()
    completed = {"entities": 0, "relations": 0}
    with driver.session(database=database) as session:
        write_schema(session, statements, summary)
        for statement, rows in completion_steps(conn):
            kind = "entities" if statement.kind == "complete:entities" else "relations"
            for batch in batched(rows, batch_size):
                changed, counters = session.execute_write(run_batch, statement.cypher, {"rows": batch})
                summary.round_trips += 1
                summary.properties_set += counters["properties_set"]
                completed[kind] += changed
    return {
        "schema_statements": len(statements),
        "completed": completed,
        "properties_set": summary.properties_set,
        "round_trips": summary.round_trips,
    }


def schema_step_store(db_path: str, settings: Any, *, batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, Any]:
    """`kg load --schema-only` for the store at `db_path`: write_schema_step with the loader's connection
    checks and one-line, redacted driver errors."""
    from kg.neo4j.connection import check_server_version, open_driver
    from kg.neo4j.loader import load_errors
    from kg.store.read import open_store_readonly
    from kg.store.schema import store_errors

    conn = open_store_readonly(db_path)
    try:
        with store_errors(db_path):
            driver = open_driver(settings)
            try:
                with load_errors(settings, LoadSummary()):
                    check_server_version(driver, settings)
                    return write_schema_step(driver, conn, database=settings.database, batch_size=batch_size)
            finally:
                driver.close()
    finally:
        conn.close()
