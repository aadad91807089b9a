"""Reading and writing rows as JSONL, CSV or Parquet, chosen by file suffix."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from stancemap.errors import DataError

FORMATS = ("jsonl", "csv", "parquet")


def detect_format(path: str | Path, fmt: str = "auto") -> str:
    """Return ``jsonl``, ``csv`` or ``parquet`` for ``path``.

    >>> detect_format("x/train.JSONL")
    'jsonl'
    """
    if fmt != "auto":
        return fmt
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix in ("jsonl", "json", "ndjson"):
        return "jsonl"
    if suffix in ("csv", "parquet"):
        return suffix
    raise DataError(f"unknown file type {suffix!r}; use .jsonl, .csv or .parquet", path=str(path))


def _clean(value: Any) -> Any:
    # pandas gives NaN for empty cells; treat them as missing.
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def read_rows(
    path: str | Path, fmt: str = "auto", *, bad_lines: str = "raise",
) -> Iterator[tuple[int, dict[str, Any] | DataError]]:
    """Yield ``(line, row)`` pairs; ``line`` is what an error should cite.

    JSONL: the 1-based line number (blank lines skipped). CSV: the file line,
    counting the header as line 1. Parquet: the 1-based row number.
    ``bad_lines="yield"`` gives a broken JSONL line back as ``(line, DataError)`` instead
    of raising, so a batch job can report it and go on with the rest of the file.
    """
    path = str(path)
    fmt = detect_format(path, fmt)
    if not Path(path).exists():
        raise DataError("file not found", path=path)
    if fmt == "jsonl":
        with open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                    error = None if isinstance(row, dict) else "expected a JSON object"
                except json.JSONDecodeError as err:
                    error = f"invalid JSON: {err.msg} (column {err.colno})"
                if error is None:
                    yield lineno, row
                elif bad_lines == "yield":
                    yield lineno, DataError(error, path=path, line=lineno)
                else:
                    raise DataError(error, path=path, line=lineno)
        return
    import pandas as pd

    if fmt == "csv":
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, UnicodeDecodeError) as err:
            raise DataError(f"invalid CSV: {err}", path=path) from None
        offset = 2
    else:
        frame = pd.read_parquet(path)
        offset = 1
    for i, row in enumerate(frame.to_dict(orient="records")):
        yield i + offset, {k: _clean(v) for k, v in row.items()}


def write_rows(path: str | Path, rows: Iterable[dict[str, Any]], fmt: str = "auto") -> int:
    """Write rows to ``path`` in the format its suffix names; returns the row count.

    Nested values (dicts, lists) are kept as JSON in CSV cells.
    """
    path = Path(path)
    fmt = detect_format(path, fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = list(rows)
    if fmt == "jsonl":
        with open(path, "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        return len(rows)
    import pandas as pd

    frame = pd.DataFrame(rows)
    if fmt == "csv":
        for col in frame.columns:
            if frame[col].map(lambda v: isinstance(v, (dict, list))).any():
                frame[col] = frame[col].map(lambda v: json.dumps(v, ensure_ascii=False))
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return len(rows)
