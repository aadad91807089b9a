"""Errors that point the user at the file, line and field that caused them."""

from __future__ import annotations


class StancemapError(Exception):
    """Base class for errors stancemap reports to users without a traceback."""


class ConfigError(StancemapError):
    """A config file has an unknown key, a missing value or a value of the wrong type."""


class DataError(StancemapError):
    """An input record is invalid.

    >>> str(DataError("empty value", path="a.jsonl", line=3, field="text"))
    'a.jsonl:3: field text: empty value'
    """

    def __init__(
        self, message: str, *, path: str | None = None, line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path, self.line, self.field, self.reason = path, line, field, message
        where = ":".join(str(p) for p in (path, line) if p is not None)
        prefix = f"{where}: " if where else ""
        what = f"field {field}: " if field else ""
        super().__init__(f"{prefix}{what}{message}")
