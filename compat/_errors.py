"""Errors the checker raises for bad input or usage.

CompatError                 any problem the user must fix; the CLI prints it as one line, exit 1
├── InputError              an input cannot be read or compiled (bad path, git ref, .proto error)
└── ConfigError             the buf.yaml `breaking:` section or a flag is invalid
"""

from __future__ import annotations

__all__ = ["CompatError", "ConfigError", "InputError"]


class CompatError(Exception):
    """A problem with the user's input or usage, reported as one line on stderr."""


class InputError(CompatError):
    """An input could not be read, fetched from git, or compiled."""


class ConfigError(CompatError):
    """The breaking configuration or a command-line option is invalid."""
