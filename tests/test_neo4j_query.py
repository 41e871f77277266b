"""kg.neo4j.query and kg.neo4j.connection: parameters, formatting, settings, redaction."""

from __future__ import annotations

import neo4j.graph as ng
import pytest

from kg.errors import Neo4jError
from kg.neo4j.connection import Neo4jSettings, read_settings, redact
from kg.neo4j.query import QueryResult, _plain, format_result, parse_params


def test_params_strings_and_json():
    assert parse_params(
        ["name=临港集团", "expr=a=b", "empty=", "limit:=5", 'ids:=["a", "b"]', "x:=null"]
    ) == {
        "name": "临港集团",
        "expr": "a=b",
        "empty": "",
        "limit": 5,
        "ids": ["a", "b"],
        "x": None,
    }
    assert parse_params(["n=10"]) == {"n": "10"}  # a string unless asked for JSON


def test_settings_precedence_and_password_only_from_env():
    env = {
        "NEO4J_URI": "neo4j://env:7687",
        "NEO4J_USERNAME": "envuser",
        "NEO4J_PASSWORD": "pw",
        "NEO4J_DATABASE": "envdb",
    }
    s = read_settings(uri="bolt://opt:7687", user=None, database="optdb", env=env)
    assert (s.uri, s.user, s.password, s.database) == ("bolt://opt:7687", "envuser", "pw", "optdb")
    d = read_settings(env={})
    assert (d.uri, d.user, d.password, d.database) == ("neo4j://localhost:7687", "neo4j", None, None)
    assert "pw" not in repr(s)


def test_redact_removes_password_and_uri_userinfo():
    s = Neo4jSettings(uri="neo4j://bob:hunter22@db:7687", password="s3cr3t!")
    text = "failed for neo4j://bob:hunter22@db:7687 with s3cr3t! and bolt://x:y@other:1"
    assert redact(text, s) == "failed for neo4j://db:7687 with *** and bolt://other:1"
    assert s.safe_uri == "neo4j://db:7687"


def test_nodes_relationships_and_paths_become_plain_values():
    g = ng.Graph()
    a = ng.Node(g, "4:x:1", 1, ["Entity", "Company"], {"id": "e1", "name": "临港集团"})
    assert _plain(a) == {"labels": ["Company", "Entity"], "id": "e1", "name": "临港集团"}
    assert _plain([a, {"k": a}]) == [_plain(a), {"k": _plain(a)}]


def test_table_json_csv_of_an_empty_result():
    empty = QueryResult(["a", "b"], [])
    assert format_result(empty, "table") == "a | b\n--+--\n(0 rows)"
    assert format_result(empty, "json") == "[]"
    assert format_result(empty, "csv") == "a,b"
    assert format_result(QueryResult([], []), "table") == "(0 rows)"
    with pytest.raises(Neo4jError, match="unknown format 'xml'"):
        format_result(empty, "xml")


def test_unknown_labels_and_types_are_refused_before_connecting():
    from pathlib import Path

    from kg.neo4j.lint_schema import library_files
    from kg.neo4j.names import check_schema_names, schema_names

    for path in library_files():  # every shipped query names only what kg writes
        check_schema_names(Path(path).read_text(encoding="utf-8"))
    assert schema_names(
        "MATCH (n:Bank {name: 'x:Foo'})-[r:SIGNED_AGREEMENT_WITH|:STRATEGIC_PARTNER_OF*1..2]-(m) "
        "WHERE m:Company|Fund WITH n, {a: 1, b: {c: 2}} AS map CALL { MATCH (x:Region) RETURN x } RETURN n"
    ) == (["Bank", "Company", "Fund", "Region"], ["SIGNED_AGREEMENT_WITH", "STRATEGIC_PARTNER_OF"])
    with pytest.raises(Neo4jError) as err:
        check_schema_names("MATCH (n:Compnay) RETURN n")
    assert str(err.value).startswith("unknown label :Compnay (kg writes only Article, Bank, Company, Entity")
    with pytest.raises(Neo4jError, match=r"^unknown relationship type :INVESTED \(kg writes only ACQUIRED"):
        check_schema_names("MATCH (a)-[:INVESTED]->(b) RETURN a")


def test_cli_query_with_an_unknown_label_exits_1_with_one_line():
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(
        app, ["query", "MATCH (n:Compnay) RETURN n.name AS name", "--uri", "neo4j://127.0.0.1:9"]
    )
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("Error: unknown label :Compnay (kg writes only ")
    assert result.stderr.rstrip().endswith("the query would return nothing")
