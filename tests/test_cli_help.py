"""Every registered command (the `export` subgroup included) explains itself in --help."""

from __future__ import annotations

import typer.main
from typer.testing import CliRunner

from kg.cli import app


def walk(group, prefix: tuple[str, ...] = ()):
    for name, cmd in sorted(group.commands.items()):
        yield (*prefix, name), cmd
        if hasattr(cmd, "commands"):
            yield from walk(cmd, (*prefix, name))


def test_every_command_has_help_text() -> None:
    root = typer.main.get_command(app)
    commands = list(walk(root))
    names = {" ".join(path) for path, _ in commands}
    assert {"extract", "eval", "schemas"} <= names
    missing = [" ".join(path) for path, cmd in commands if not (cmd.help or cmd.short_help or "").strip()]
    assert missing == []


def test_help_runs_for_every_command() -> None:
    runner = CliRunner()
    for path, cmd in walk(typer.main.get_command(app)):
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Usage:" in result.stdout
        first_line = (cmd.help or cmd.short_help).strip().splitlines()[0]
        assert first_line.split()[0] in result.stdout
