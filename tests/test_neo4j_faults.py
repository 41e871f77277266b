"""Neo4j faults with the counting fake (kg.neo4j.fakes): a connection lost midway, a deadlock, two loads at
once, a wrong database, the wrong password, a server too old, and redaction that keeps messages readable.
The same faults against a real server are in tests/test_neo4j_integration.py (NEO4J_URI)."""

from __future__ import annotations

import copy
import threading
from pathlib import Path

import neo4j
import pytest
from neo4j import exceptions as ne
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import Neo4jError
from kg.neo4j.connection import Neo4jSettings, check_server_version, describe_error, redact
from kg.neo4j.fakes import FakeDriver, FakeState
from kg.neo4j.loader import load_store
from kg.view.synthetic import generate_graph
from tests.test_store_read import write_graph_store

SECRET = "pa55-w0rd-do-not-print"
URI = "neo4j://db.example:7687"
SETTINGS = Neo4jSettings(uri=URI, password=SECRET)
runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("faults") / "kg.db"
    write_graph_store(generate_graph(300, edges_per_entity=2.5, seed=5), db, seed=2)
    return db


@pytest.fixture(scope="module")
def clean_state(store: Path) -> FakeState:
    """What a clean load of the store leaves in Neo4j (the fake's model of it)."""
    from kg.neo4j.stream import write_store
    from kg.store.read import open_store_readonly

    driver = FakeDriver(record=False)
    conn = open_store_readonly(store)
    try:
        write_store(driver, conn, batch_size=50)
    finally:
        conn.close()
    return driver.state


@pytest.fixture(autouse=True)
def _use(monkeypatch: pytest.MonkeyPatch) -> dict:
    """GraphDatabase.driver returns whatever fake the test put in `_use["driver"]`."""
    holder: dict[str, FakeDriver] = {}
    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda *a, **k: holder["driver"])
    return holder


def _load(holder: dict, driver: FakeDriver, store: Path, **kw):
    holder["driver"] = driver
    return load_store(str(store), SETTINGS, batch_size=50, **kw)


def _env(**extra: str) -> dict[str, str]:
    return {"NEO4J_URI": URI, "NEO4J_USERNAME": "", "NEO4J_PASSWORD": SECRET, "NEO4J_DATABASE": "", **extra}


# --------------------------------------------------------------------------- connection lost, re-run


@pytest.mark.parametrize("drop_at", [1, 20, 45, -3])  # schema, entities, relations, the retraction reads
def test_a_lost_connection_is_one_line_and_a_rerun_equals_a_clean_load(
    _use: dict, store: Path, clean_state: FakeState, drop_at: int
) -> None:
    total = FakeDriver(record=False)
    _load(_use, total, store)
    at = drop_at if drop_at >= 0 else total.attempts + drop_at
    state = FakeState()
    _use["driver"] = FakeDriver(state, down_from=at, max_retries=2)
    result = runner.invoke(app, ["load", "--db", str(store), "--batch-size", "50"], env=_env())
    assert result.exit_code == 1
    cause = f"Error: cannot reach Neo4j at {URI}: Failed to read from defunct connection (connection lost)"
    if at == 0:
        assert result.stderr == cause + "\n"
    else:
        assert result.stderr == (
            f"{cause} (the load stopped after {at} round trips; what was written stays: "
            "run `kg load` again to complete it)\n"
        )
    assert SECRET not in result.stdout + result.stderr
    _use["driver"] = FakeDriver(state)
    again = runner.invoke(app, ["load", "--db", str(store), "--batch-size", "50"], env=_env())
    assert again.exit_code == 0, again.stderr
    assert state == clean_state


def test_a_drop_during_retraction_then_a_rerun_deletes_exactly_what_is_gone(
    _use: dict, store: Path, clean_state: FakeState, tmp_path: Path
) -> None:
    """Neo4j holds elements the store no longer has; the load dies while deleting them; the re-run ends
    with exactly the store's graph."""
    state = copy.deepcopy(clean_state)
    state.entities["stale-e"] = {"hash": "h", "label": "Company"}
    state.relations["stale-r"] = {
        "type": "INVESTED_IN",
        "hash": "h",
        "source": "stale-e",
        "target": "stale-e",
    }
    probe = FakeDriver(copy.deepcopy(state), record=False)
    _load(_use, probe, store)
    with pytest.raises(Neo4jError, match="run `kg load` again to complete it"):
        # the probe's last round trip sets the load marker; the one before it is the last delete
        _load(_use, FakeDriver(state, down_from=probe.attempts - 2, max_retries=0), store)
    assert "stale-e" in state.entities  # the last delete did not happen
    _load(_use, FakeDriver(state), store)
    assert state == clean_state


# --------------------------------------------------------------------------- transient errors, concurrency


def _deadlock() -> ne.Neo4jError:
    return ne.Neo4jError._hydrate_neo4j(
        code="Neo.TransientError.Transaction.DeadlockDetected",
        message="ForsetiClient can't acquire ExclusiveLock: this transaction would deadlock",
    )


def test_deadlocks_are_retried_and_counted_once(_use: dict, store: Path, clean_state: FakeState) -> None:
    baseline = FakeDriver(record=False)
    want = _load(_use, baseline, store).as_dict()
    driver = FakeDriver(faults={3: _deadlock(), 10: _deadlock(), 11: _deadlock()})
    got = _load(_use, driver, store).as_dict()
    assert got == want  # the retried batches are counted once
    assert driver.attempts == baseline.attempts + 3
    assert driver.state == clean_state


def test_a_transient_error_that_persists_is_one_line(_use: dict, store: Path) -> None:
    driver = FakeDriver(faults={k: _deadlock() for k in range(20, 30)}, max_retries=2)
    with pytest.raises(Neo4jError) as info:
        _load(_use, driver, store)
    assert str(info.value).startswith("Neo.TransientError.Transaction.DeadlockDetected: ForsetiClient can't")
    assert str(info.value).endswith(
        "(the load stopped after 20 round trips; what was written stays: run `kg load` again to complete it)"
    )


def test_two_loads_at_once_create_each_element_once(_use: dict, store: Path, clean_state: FakeState) -> None:
    driver = FakeDriver(record=False)
    _use["driver"] = driver
    summaries, errors = [], []

    def run() -> None:
        try:
            summaries.append(load_store(str(store), SETTINGS, batch_size=7))
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert driver.state == clean_state
    for kind, n in (("entities", len(clean_state.entities)), ("relations", len(clean_state.relations))):
        assert sum(getattr(s, kind).created for s in summaries) == n  # no element created twice
        assert sum(getattr(s, kind).deleted for s in summaries) == 0


def test_a_schema_rule_created_by_a_concurrent_load_is_not_an_error(
    _use: dict, store: Path, clean_state: FakeState
) -> None:
    exists = ne.Neo4jError._hydrate_neo4j(
        code="Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists",
        message="An equivalent constraint already exists",
    )
    driver = FakeDriver(faults={1: exists})  # round trip 0 reads the load marker, 1 is the first rule
    _load(_use, driver, store)
    assert driver.state == clean_state


# --------------------------------------------------------------------------- wrong database, password, version


def test_a_wrong_database_name_is_one_line_and_writes_nothing(_use: dict, store: Path) -> None:
    missing = ne.Neo4jError._hydrate_neo4j(
        code="Neo.ClientError.Database.DatabaseNotFound",
        message="Database does not exist. Database name: 'nope'.",
    )
    driver = FakeDriver(faults={0: missing})
    _use["driver"] = driver
    result = runner.invoke(app, ["load", "--db", str(store), "--database", "nope"], env=_env())
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Neo4j database 'nope' does not exist at {URI} (check --database or NEO4J_DATABASE)\n"
    )
    assert driver.state == FakeState()


def test_the_wrong_password_is_one_line_even_when_it_is_one_letter(_use: dict, store: Path) -> None:
    class Refusing(FakeDriver):
        def verify_connectivity(self) -> None:
            raise ne.Neo4jError._hydrate_neo4j(
                code="Neo.ClientError.Security.Unauthorized",
                message="The client is unauthorized due to authentication failure (password a).",
            )

    _use["driver"] = Refusing()
    result = runner.invoke(app, ["load", "--db", str(store)], env=_env(NEO4J_PASSWORD="a"))
    assert result.exit_code == 1
    # before: every "a" of the message became *** ("Neo4j ***uthentic***tion f***iled ...")
    assert result.stderr == f"Error: Neo4j authentication failed for user 'neo4j' at {URI}\n"


@pytest.mark.parametrize(
    ("agent", "refused"),
    [
        ("Neo4j/4.4.12", "4.4.12"),
        ("Neo4j/3.5", "3.5"),
        ("Neo4j/5.0.0", None),
        ("Neo4j/5.26.3", None),
        ("Neo4j/2025.01.0", None),  # calendar versions follow 5.26
        ("Memgraph/2.10", None),  # not Neo4j's: not refused by a version it does not have
    ],
)
def test_a_server_too_old_is_refused_by_version_before_any_write(
    _use: dict, store: Path, agent: str, refused: str | None
) -> None:
    driver = FakeDriver(agent=agent)
    _use["driver"] = driver
    result = runner.invoke(app, ["load", "--db", str(store)], env=_env())
    if refused is None:
        assert result.exit_code == 0, result.stderr
        return
    assert result.exit_code == 1
    assert result.stderr == f"Error: Neo4j at {URI} is version {refused}; kg load needs Neo4j 5.0 or newer\n"
    assert driver.calls == []


def test_check_server_version_reads_the_agent() -> None:
    check_server_version(FakeDriver(agent="Neo4j/5.3.0"), SETTINGS)
    with pytest.raises(Neo4jError, match=r"is version 4\.3\.1;"):
        check_server_version(FakeDriver(agent="Neo4j/4.3.1"), SETTINGS)


# --------------------------------------------------------------------------- redaction


@pytest.mark.parametrize(
    ("password", "message", "expected"),
    [
        # a short secret is masked only where it stands alone, so the message stays readable
        (
            "a",
            "cannot authenticate as alice: password 'a' rejected (a)",
            "cannot authenticate as alice: password '***' rejected (***)",
        ),
        ("ab1", "ab1 at ab12 and xab1", "*** at ab12 and xab1"),
        # a long one is masked wherever it occurs, even glued to other text
        (SECRET, f"auth={SECRET}; again:{SECRET}x", "auth=***; again:***x"),
        ("hunter2", "token hunter2hunter2 end", "token ****** end"),
    ],
)
def test_redaction_masks_secrets_not_letters(password: str, message: str, expected: str) -> None:
    assert redact(message, Neo4jSettings(password=password)) == expected


def test_redaction_strips_user_info_from_any_uri_in_a_message() -> None:
    settings = Neo4jSettings(uri="neo4j://bob:s3cret-pw@db.example:7687", password="x")
    text = redact("failed for neo4j://bob:s3cret-pw@db.example:7687 and bolt://u:p@h:1 as x", settings)
    assert text == "failed for neo4j://db.example:7687 and bolt://h:1 as ***"


def test_a_one_letter_password_leaves_driver_messages_readable() -> None:
    exc = ne.ServiceUnavailable("Couldn't connect to db.example:7687 (resolved to ('10.0.0.1:7687',))")
    msg = describe_error(exc, Neo4jSettings(uri=URI, password="a"))
    assert (
        msg
        == f"cannot reach Neo4j at {URI}: Couldn't connect to db.example:7687 (resolved to ('10.0.0.1:7687',))"
    )
