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


def redact(text: str, settings: Neo4jSettings) -> str:
    """Remove every secret (password, URI user info) from a message."""
    text = _strip_userinfo_anywhere(text)
    for secret in settings.secrets():
        if secret:
            text = text.replace(secret, "***")
    return text


def _strip_userinfo_anywhere(text: str) -> str:
    return re.sub(r"([a-zA-Z][a-zA-Z0-9+.-]*://)[^@/\s]*@", r"\1", text)


def open_driver(settings: Neo4jSettings) -> Any:
    """A connected driver (verify_connectivity fails fast on a wrong URI, host or password)."""
    from neo4j import GraphDatabase

    auth = (settings.user, settings.password) if settings.password is not None else None
    with neo4j_errors(settings):
        try:
            driver = GraphDatabase.driver(settings.uri, auth=auth, connection_timeout=10)
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
