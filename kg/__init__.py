"""kg: knowledge graphs of corporate partnerships from Chinese financial news."""

__version__ = "0.1.0"
