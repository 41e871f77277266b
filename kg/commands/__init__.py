"""CLI command modules; see kg/cli.py."""
