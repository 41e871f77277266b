"""Connection settings and error translation shared by `kg load` and `kg query`.

The password is read only from the environment (NEO4J_PASSWORD) and never printed: every message that
leaves this module goes through `redact`, which also strips user:password@ from URIs.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from kg.errors import Neo4jError

# The driver logs connection failures as warnings; with no handler configured Python would print them to
# stderr next to our one-line error. Errors reach the user through neo4j_errors instead.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

DEFAULT_URI = "neo4j://localhost:7687"
DEFAULT_USER = "neo4j"


@dataclass(frozen=True)
class Neo4jSettings:
    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str | None = field(default=None, repr=False)
    database: str | None = None
    retry_seconds: float = 30.0  # how long a managed transaction is retried (deadlocks, a lost connection)

    @property
    def safe_uri(self) -> str:
        return _strip_userinfo(self.uri)

    def secrets(self) -> list[str]:
        """Strings that must never appear in output."""
        out = [self.password] if self.password else []
        m = re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://([^@/]*)@", self.uri)
        if m:
            out.append(m.group(1))
        return out


def read_settings(
    uri: str | None = None,
    user: str | None = None,
    database: str | None = None,
    env: dict[str, str] | None = None,
) -> Neo4jSettings:
    """Options win over NEO4J_URI / NEO4J_USERNAME / NEO4J_DATABASE; the password comes only from env."""
    env = os.environ if env is None else env
    return Neo4jSettings(
        uri=uri or env.get("NEO4J_URI") or DEFAULT_URI,
        user=user or env.get("NEO4J_USERNAME") or DEFAULT_USER,
        password=env.get("NEO4J_PASSWORD") or None,
        database=database or env.get("NEO4J_DATABASE") or None,
    )


def _strip_userinfo(uri: str) -> str:
    return re.sub(r"^([a-zA-Z][a-zA-Z0-9+.-]*://)[^@/]*@", r"\1", uri)


LONG_SECRET = 6  # a secret this long is masked wherever it appears; a shorter one only as a whole word


def redact(text: str, settings: Neo4jSettings) -> str:
    """Remove every secret (password, URI user info) from a message.

    A secret of LONG_SECRET characters or more is masked wherever it occurs, even inside other text. A
    shorter one would match everywhere (a one-letter password is in most words), so it is masked only
    where it stands alone as a word, which is how a driver would echo it."""
    text = _strip_userinfo_anywhere(text)
    for secret in sorted(settings.secrets(), key=len, reverse=True):
        if len(secret) >= LONG_SECRET:
            text = text.replace(secret, "***")
        elif secret:
            text = re.sub(rf"(?<!\w){re.escape(secret)}(?!\w)", "***", text)
    return text


def _strip_userinfo_anywhere(text: str) -> str:
    return re.sub(r"([a-zA-Z][a-zA-Z0-9+.-]*://)[^@/\s]*@", r"\1", text)


def open_driver(settings: Neo4jSettings) -> Any:
    """A connected driver (verify_connectivity fails fast on a wrong URI, host or password)."""
    from neo4j import GraphDatabase

    auth = (settings.user, settings.password) if settings.password is not None else None
    with neo4j_errors(settings):
        try:
            driver = GraphDatabase.driver(
                settings.uri,
                auth=auth,
                connection_timeout=10,
                max_transaction_retry_time=settings.retry_seconds,
            )
        except ValueError as exc:  # the driver raises ValueError for some malformed URIs
            raise Neo4jError(
                redact(f"invalid Neo4j URI {settings.safe_uri}: {_one_line(str(exc))}", settings)
            ) from None
        try:
            driver.verify_connectivity()
        except BaseException:
            driver.close()
            raise
    return driver


MIN_SERVER_VERSION = (5, 0)  # the loader's Cypher (constraints, indexes, fulltext) as of Neo4j 5


def server_version(driver: Any) -> tuple[str, tuple[int, ...] | None]:
    """The server's agent string (e.g. Neo4j/5.3.0) and its version numbers, None when not Neo4j's."""
    agent = str(driver.get_server_info().agent or "")
    m = re.match(r"^Neo4j/(\d+)\.(\d+)(?:\.(\d+))?", agent)
    return agent, (tuple(int(g) for g in m.groups() if g is not None) if m else None)


def check_server_version(driver: Any, settings: Neo4jSettings) -> None:
    """Refuse a server older than MIN_SERVER_VERSION by name and version, before anything is written."""
    _agent, version = server_version(driver)
    if version is not None and version[:2] < MIN_SERVER_VERSION:
        need = ".".join(map(str, MIN_SERVER_VERSION))
        shown = ".".join(map(str, version))
        raise Neo4jError(
            f"Neo4j at {settings.safe_uri} is version {shown}; kg load needs Neo4j {need} or newer"
        )


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def describe_error(exc: BaseException, settings: Neo4jSettings) -> str:
    """One line for a driver exception; never contains a credential."""
    from neo4j import exceptions as ne

    where = settings.safe_uri
    if isinstance(exc, ne.AuthError) or (
        isinstance(exc, ne.Neo4jError)
        and (exc.code or "").startswith("Neo.ClientError.Security.Unauthorized")
    ):
        hint = "" if settings.password else " (NEO4J_PASSWORD is not set)"
        msg = f"Neo4j authentication failed for user {settings.user!r} at {where}{hint}"
    elif isinstance(exc, ne.Neo4jError) and (exc.code or "").endswith("DatabaseNotFound"):
        name = settings.database or "(the default)"
        msg = f"Neo4j database {name!r} does not exist at {where} (check --database or NEO4J_DATABASE)"
    elif isinstance(exc, ne.CypherSyntaxError):
        msg = f"Cypher syntax error: {_one_line(exc.message or '')}"
    elif isinstance(exc, ne.ServiceUnavailable):
        msg = f"cannot reach Neo4j at {where}: {_one_line(str(exc))}"
    elif isinstance(exc, ne.ConfigurationError):
        msg = f"invalid Neo4j connection settings for {where}: {_one_line(str(exc))}"
    elif isinstance(exc, ne.Neo4jError):
        code = exc.code or "Neo4j error"
        msg = f"{code}: {_one_line(exc.message or str(exc))}"
    elif isinstance(exc, ne.DriverError):
        msg = f"Neo4j driver error at {where}: {_one_line(str(exc))}"
    else:  # pragma: no cover - only driver exceptions are translated
        msg = _one_line(str(exc))
    return redact(msg, settings)


@contextmanager
def neo4j_errors(settings: Neo4jSettings) -> Iterator[None]:
    """Turn driver exceptions into kg.errors.Neo4jError with one redacted line."""
    from neo4j import exceptions as ne

    try:
        yield
    except (ne.Neo4jError, ne.DriverError) as exc:
        raise Neo4jError(describe_error(exc, settings)) from None
