"""The errors curvelint raises for bad input; anything else is a bug and keeps its traceback."""

from __future__ import annotations


class CurvelintError(Exception):
    """A user-facing problem: the message is one line naming the path, what is wrong and the fix."""


class UnreadableError(CurvelintError):
    """A file or run could not be read at all (not a log, empty, unreadable)."""


class NoLogsError(CurvelintError):
    """A path holds no training log curvelint can read."""


class SchemaError(CurvelintError):
    """A reader produced a frame that breaks the common schema (a curvelint bug if it escapes)."""


class ConfigError(CurvelintError):
    """A threshold or option in the configuration is unknown or out of range."""
