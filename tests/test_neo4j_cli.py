"""`kg load` and `kg query` through the CLI: dry run on a real store, one-line errors, no credential leaks."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import neo4j
import pytest
from neo4j import exceptions as ne
from typer.testing import CliRunner

from kg.cli import app
from kg.models import ArticleRef, Evidence, ExtractedEntity, ExtractedRelation, Extraction, Mention
from kg.neo4j import cypher
from kg.neo4j.fakes import FakeDriver
from kg.ontology import EntityType, RelationType

SECRET = "pa55-w0rd-do-not-print"
runner = CliRunner()


def _env(**extra: str) -> dict[str, str]:
    env = {"NEO4J_URI": "", "NEO4J_USERNAME": "", "NEO4J_PASSWORD": SECRET, "NEO4J_DATABASE": ""}
    env.update(extra)
    return env


def _output(result) -> str:
    return (result.stdout or "") + (result.stderr or "")


def _make_store(path: Path) -> Path:
    """A real store written through kg.store (one article: a bank finances a company in a region)."""
    from kg.store.schema import connect
    from kg.store.write import transaction, write_extraction

    text = "工商银行上海新片区分行向临港集团提供1亿美元贷款。临港集团位于上海临港新片区。"
    ext = Extraction(
        article=ArticleRef(id="art1", path="a/1.md", title="贷款", date="2022-01-07"),
        entities=[
            ExtractedEntity(
                id="e1",
                name="工商银行上海新片区分行",
                type=EntityType.Bank,
                mentions=[Mention(start=0, end=11, text=text[0:11])],
            ),
            ExtractedEntity(
                id="e2",
                name="临港集团",
                type=EntityType.Company,
                mentions=[Mention(start=12, end=16, text=text[12:16])],
            ),
            ExtractedEntity(
                id="e3",
                name="上海临港新片区",
                type=EntityType.Region,
                mentions=[Mention(start=31, end=38, text=text[31:38])],
            ),
        ],
        relations=[
            ExtractedRelation(
                type=RelationType.PROVIDED_FINANCING_TO,
                source="e1",
                target="e2",
                evidence=Evidence(start=0, end=26, text=text[0:26]),
            ),
            ExtractedRelation(
                type=RelationType.LOCATED_IN,
                source="e2",
                target="e3",
                evidence=Evidence(start=26, end=39, text=text[26:39]),
            ),
        ],
    )
    conn = connect(path, create=True)
    try:
        with transaction(conn):
            write_extraction(conn, ext, "hash1")
    finally:
        conn.close()
    return path


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    return _make_store(tmp_path / "kg.db")


# --------------------------------------------------------------------------- kg load


def test_load_dry_run_prints_statements_and_counts_without_connecting(store, monkeypatch):
    def no_driver(*a, **k):  # pragma: no cover - must not be called
        raise AssertionError("dry run connected")

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", no_driver)
    result = runner.invoke(app, ["load", "--db", str(store), "--dry-run", "--batch-size", "1"], env=_env())
    assert result.exit_code == 0, _output(result)
    out = result.stdout
    assert (
        "// entities:Bank: 1 rows in 1 batch(es)\nUNWIND $rows AS row\nMERGE (n:Entity {id: row.id})" in out
    )
    assert "// mentions: 3 rows in 3 batch(es)" in out
    assert "// relations:PROVIDED_FINANCING_TO: 1 rows in 1 batch(es)" in out
    assert cypher.schema_statements()[0].cypher + ";" in out
    # schema 17 (4 + an index per relation type) + articles 1 + Bank, Company, Region 1 each + mentions 3 + two relation types + 4 reads
    assert out.rstrip().endswith("// batch size 1; round trips without retractions: 30")
    assert "临港集团" not in out and SECRET not in _output(result)


def test_load_dry_run_json(store):
    result = runner.invoke(app, ["load", "--db", str(store), "--dry-run", "--json"], env=_env())
    assert result.exit_code == 0, _output(result)
    data = json.loads(result.stdout)
    rows = {s["kind"]: s["rows"] for s in data["statements"]}
    assert rows["articles"] == 1 and rows["entities:Company"] == 1 and rows["relations:LOCATED_IN"] == 1
    assert data["batch_size"] == 2000
    assert data["round_trips_without_retractions"] == 17 + 1 + 3 + 1 + 2 + 4


def test_load_missing_store_is_one_line(tmp_path):
    result = runner.invoke(app, ["load", "--db", str(tmp_path / "none.db"), "--dry-run"], env=_env())
    assert result.exit_code == 1
    assert result.stderr == f"Error: {tmp_path / 'none.db'}: no such store (run `kg build` first)\n"


@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:1", "neo4j://127.0.0.1:1"])
def test_load_unreachable_server_is_one_line_without_password(store, uri):
    result = runner.invoke(app, ["load", "--db", str(store)], env=_env(NEO4J_URI=uri))
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot reach Neo4j at {uri}: ")
    assert result.stderr.count("\n") == 1
    assert SECRET not in _output(result)


def test_unreachable_server_in_a_real_process_prints_exactly_one_line(store):
    """The driver logs a routing warning; outside CliRunner it must not reach stderr next to our line."""
    import os
    import subprocess
    import sys

    env = {**os.environ, **_env(NEO4J_URI="neo4j://127.0.0.1:1")}
    proc = subprocess.run(
        [sys.executable, "-m", "kg.cli", "load", "--db", str(store)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 1
    assert (
        proc.stderr
        == "Error: cannot reach Neo4j at neo4j://127.0.0.1:1: Unable to retrieve routing information\n"
    )
    assert proc.stdout == ""


@pytest.mark.parametrize("scheme", ["bolt", "neo4j", "neo4j+s"])
def test_load_uri_with_credentials_is_redacted(store, scheme):
    uri = f"{scheme}://neo4j:{SECRET}@127.0.0.1:1"
    result = runner.invoke(app, ["load", "--db", str(store), "--uri", uri], env=_env(NEO4J_PASSWORD=""))
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: invalid Neo4j connection settings for {scheme}://127.0.0.1:1: URI userinfo is not supported"
    )
    assert SECRET not in _output(result)


def test_load_with_fake_driver_prints_summary(store, monkeypatch):
    fake = FakeDriver()
    seen = {}

    def driver(uri, auth=None, **kw):
        seen.update(uri=uri, auth=auth)
        return fake

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", driver)
    env = _env(NEO4J_URI="neo4j://db.example:7687", NEO4J_USERNAME="analyst", NEO4J_DATABASE="kg")
    result = runner.invoke(app, ["load", "--db", str(store), "--json"], env=env)
    assert result.exit_code == 0, _output(result)
    data = json.loads(result.stdout)
    assert seen == {"uri": "neo4j://db.example:7687", "auth": ("analyst", SECRET)}
    assert fake.sessions == ["kg"]
    assert data["entities"] == {"created": 3, "updated": 0, "deleted": 0}
    assert data["relations"] == {"created": 2, "updated": 0, "deleted": 0}
    # the dry run's round trips, plus the load marker: read first, set after the schema and at the end
    assert data["round_trips"] == 17 + 1 + 3 + 1 + 2 + 4 + 3
    assert data["mode"] == "full" and data["rows_sent"] == 1 + 3 + 3 + 2
    again = runner.invoke(app, ["load", "--db", str(store)], env=env)
    assert again.exit_code == 0, _output(again)
    assert "Loaded into neo4j://db.example:7687" in again.stdout
    assert "  entities   created      0  updated      0  deleted      0" in again.stdout
    assert "properties set 0, labels added 0, removed 0" in again.stdout
    assert SECRET not in _output(result) + _output(again)
    assert again.stderr.strip() == ""


def test_load_auth_failure_message(store, monkeypatch):
    class Refusing:
        def verify_connectivity(self):
            raise ne.Neo4jError._hydrate_neo4j(
                code="Neo.ClientError.Security.Unauthorized",
                message=f"The client is unauthorized due to authentication failure ({SECRET}).",
            )

        def close(self):
            pass

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda *a, **k: Refusing())
    result = runner.invoke(app, ["load", "--db", str(store)], env=_env(NEO4J_URI="neo4j://db.example:7687"))
    assert result.exit_code == 1
    assert result.stderr == "Error: Neo4j authentication failed for user 'neo4j' at neo4j://db.example:7687\n"


# --------------------------------------------------------------------------- kg query


class _QueryDriver:
    """Answers any read with fixed records, or raises the given error from tx.run."""

    def __init__(self, keys, rows, error=None):
        self.keys, self.rows, self.error, self.ran = keys, rows, error, []

    def verify_connectivity(self):
        pass

    def close(self):
        pass

    def session(self, database=None):
        driver = self

        class Tx:
            def run(self, query, params):
                driver.ran.append((query, params))
                if driver.error is not None:
                    raise driver.error
                return _Result(driver.keys, driver.rows)

        class Session:
            def __enter__(self):
                return self

            def __exit__(self, *a):
                return None

            def execute_read(self, fn, *args):
                return fn(Tx(), *args)

        return Session()


class _Result:
    def __init__(self, keys, rows):
        self._keys, self._rows = keys, rows

    def keys(self):
        return self._keys

    def __iter__(self):
        return iter(SimpleNamespace(values=lambda r=r: list(r)) for r in self._rows)


@pytest.fixture()
def query_driver(monkeypatch):
    holder = {}

    def install(keys, rows, error=None):
        holder["d"] = _QueryDriver(keys, rows, error)
        monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda *a, **k: holder["d"])
        return holder["d"]

    return install


def test_query_table_json_csv(query_driver):
    d = query_driver(["lender", "total", "chain"], [["工商银行", 1e8, ["a", "b"]], ['Bank "B"', None, []]])
    env = _env(NEO4J_URI="neo4j://db.example:7687")
    table = runner.invoke(
        app, ["query", "MATCH (n) RETURN n", "--param", "name=临港集团", "--param", "limit:=5"], env=env
    )
    assert table.exit_code == 0, _output(table)
    assert table.stdout == (
        "lender   | total     | chain\n"
        "---------+-----------+-----------\n"
        '工商银行 | 100000000 | ["a", "b"]\n'
        'Bank "B" |           | []\n'
        "(2 rows)\n"
    )
    assert d.ran == [("MATCH (n) RETURN n", {"name": "临港集团", "limit": 5})]
    js = runner.invoke(app, ["query", "RETURN 1", "--format", "json"], env=env)
    assert json.loads(js.stdout) == [
        {"lender": "工商银行", "total": 1e8, "chain": ["a", "b"]},
        {"lender": 'Bank "B"', "total": None, "chain": []},
    ]
    csv_out = runner.invoke(app, ["query", "RETURN 1", "--format", "csv"], env=env)
    assert csv_out.stdout == 'lender,total,chain\n工商银行,100000000,"[""a"", ""b""]"\n"Bank ""B""",,[]\n'


def test_query_from_library_file(query_driver, root):
    d = query_driver(["subsidiary"], [])
    path = root / "cypher" / "subsidiaries.cypher"
    result = runner.invoke(
        app, ["query", "--file", str(path), "--param", "name=中国平安集团"], env=_env(NEO4J_URI="neo4j://x:1")
    )
    assert result.exit_code == 0, _output(result)
    assert d.ran == [(path.read_text(encoding="utf-8"), {"name": "中国平安集团"})]
    assert result.stdout == "subsidiary\n----------\n(0 rows)\n"


def test_query_syntax_error_reports_position(query_driver):
    err = ne.Neo4jError._hydrate_neo4j(
        code="Neo.ClientError.Statement.SyntaxError",
        message="Invalid input 'MATC': expected 'MATCH' or 'MERGE'\n(line 1, column 1 (offset: 0))\n\"MATC (n)\"\n ^",
    )
    query_driver([], [], error=err)
    result = runner.invoke(app, ["query", "MATC (n) RETURN n"], env=_env(NEO4J_URI="neo4j://x:1"))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Cypher syntax error: Invalid input 'MATC': expected 'MATCH' or 'MERGE' "
        '(line 1, column 1 (offset: 0)) "MATC (n)" ^\n'
    )


def test_query_other_server_error_names_code_and_hides_password(query_driver):
    err = ne.Neo4jError._hydrate_neo4j(
        code="Neo.ClientError.Statement.ParameterMissing",
        message=f"Expected parameter(s): name (auth was neo4j/{SECRET})",
    )
    query_driver([], [], error=err)
    result = runner.invoke(app, ["query", "RETURN $name"], env=_env(NEO4J_URI="neo4j://x:1"))
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: Neo.ClientError.Statement.ParameterMissing: Expected parameter(s): name "
        "(auth was neo4j/***)\n"
    )


def test_query_unreachable_server(tmp_path):
    result = runner.invoke(app, ["query", "RETURN 1"], env=_env(NEO4J_URI="bolt://127.0.0.1:1"))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: cannot reach Neo4j at bolt://127.0.0.1:1: ")
    assert SECRET not in _output(result)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query"], "Error: give a Cypher statement or --file, not both and not neither\n"),
        (
            ["query", "RETURN 1", "--file", "x.cypher"],
            "Error: give a Cypher statement or --file, not both and not neither\n",
        ),
        (
            ["query", "--file", "no/such.cypher"],
            "Error: no/such.cypher: cannot read query file (No such file or directory)\n",
        ),
        (
            ["query", "RETURN 1", "--param", "novalue"],
            "Error: --param 'novalue': expected key=value (string) or key:=json\n",
        ),
        (
            ["query", "RETURN 1", "--param", "n:=[1,"],
            "Error: --param n: value is not JSON (Expecting value): [1,\n",
        ),
        (
            ["query", "RETURN 1", "--param", "1x=2"],
            "Error: --param '1x=2': '1x' is not a valid parameter name\n",
        ),
        (
            ["query", "RETURN 1", "--format", "xml"],
            "Error: unknown format 'xml' (choose one of table, json, csv)\n",
        ),
        (["query", "   "], "Error: the Cypher statement is empty\n"),
    ],
)
def test_query_bad_input_is_one_clear_line(args, message):
    result = runner.invoke(app, args, env=_env(NEO4J_URI="bolt://127.0.0.1:1"))
    assert result.exit_code == 1
    assert result.stderr == message


def test_query_auth_failure_never_shows_the_password(monkeypatch):
    class Refusing:
        def verify_connectivity(self):
            raise ne.AuthError(f"The client is unauthorized due to authentication failure. password={SECRET}")

        def close(self):
            pass

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda *a, **k: Refusing())
    env = _env(NEO4J_URI="neo4j://db.example:7687", NEO4J_USERNAME="analyst")
    result = runner.invoke(app, ["query", "RETURN 1"], env=env)
    assert result.exit_code == 1
    assert (
        result.stderr == "Error: Neo4j authentication failed for user 'analyst' at neo4j://db.example:7687\n"
    )
    unset = runner.invoke(app, ["query", "RETURN 1"], env={**env, "NEO4J_PASSWORD": ""})
    assert unset.stderr == (
        "Error: Neo4j authentication failed for user 'analyst' at neo4j://db.example:7687 "
        "(NEO4J_PASSWORD is not set)\n"
    )


@pytest.mark.parametrize("command", ["load", "query"])
def test_there_is_no_password_option(command):
    result = runner.invoke(app, [command, "--password", SECRET], env=_env())
    assert result.exit_code == 2
    assert "No such option: --password" in _output(result)
