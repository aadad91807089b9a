"""Reading and writing rows as JSONL, CSV or Parquet, chosen by file suffix.

Readers stream: JSONL line by line, CSV and Parquet a block of rows at a time, so a corpus
of any size is read in bounded memory. The writers at the end serve ``stancemap score``,
which commits its output chunk by chunk (see :mod:`stancemap.inference.batch_score`).
"""

from __future__ import annotations

import csv
import glob
import io
import json
import math
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from stancemap.errors import DataError

FORMATS = ("jsonl", "csv", "parquet")
CHUNK_ROWS = 10_000  # CSV/Parquet rows read at a time: bounded memory, few calls
GLOB_CHARS = "*?["


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


def expand_inputs(spec: str | Path) -> list[Path]:
    """The files an input names: one path, or a glob such as ``corpus/*.parquet``.

    A glob's files come in sorted path order, so every run reads them in the same order;
    each must have a known suffix. ``**`` matches folders recursively.

    >>> expand_inputs("corpus/*.jsonl")  # doctest: +SKIP
    [PosixPath('corpus/2019.jsonl'), PosixPath('corpus/2020.jsonl')]
    """
    text = str(spec)
    if any(ch in text for ch in GLOB_CHARS) and not Path(text).exists():
        paths = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        if not paths:
            raise DataError("no files match this pattern", path=text)
    else:
        paths = [Path(text)]
    for path in paths:
        if path.is_dir():
            raise DataError("is a folder; give a file or a pattern such as DIR/*.jsonl",
                            path=str(path))
        if not path.exists():
            raise DataError("file not found", path=str(path))
        detect_format(path)  # an unknown suffix fails now, not after hours of scoring
    return paths


def _clean(value: Any) -> Any:
    # pandas gives NaN for empty cells; treat them as missing.
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def read_rows(
    path: str | Path, fmt: str = "auto", *, bad_lines: str = "raise",
    columns: Sequence[str] | None = None, chunk_rows: int = CHUNK_ROWS,
) -> Iterator[tuple[int, dict[str, Any] | DataError]]:
    """Yield ``(line, row)`` pairs; ``line`` is what an error should cite.

    JSONL: the 1-based line number (blank lines skipped). CSV: the file line,
    counting the header as line 1. Parquet: the 1-based row number.
    ``bad_lines="yield"`` gives a broken JSONL line back as ``(line, DataError)`` instead
    of raising, so a batch job can report it and go on with the rest of the file.
    ``columns`` limits CSV and Parquet reads to those columns (the ones present); CSV and
    Parquet are read ``chunk_rows`` rows at a time, so memory does not grow with the file.

    >>> next(read_rows("data/articles/articles.jsonl"))  # doctest: +SKIP
    (1, {'id': 'art-01', 'text': 'SEOUL, Feb. 17 (Yonhap) -- ...', ...})
    """
    path = str(path)
    fmt = detect_format(path, fmt)
    if not Path(path).exists():
        raise DataError("file not found", path=path)
    if fmt == "jsonl":
        yield from _read_jsonl(path, bad_lines)
    elif fmt == "csv":
        yield from _read_csv(path, columns, chunk_rows)
    else:
        yield from _read_parquet(path, columns, chunk_rows)


def _read_jsonl(path: str, bad_lines: str) -> Iterator[tuple[int, dict[str, Any] | DataError]]:
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


def _read_csv(
    path: str, columns: Sequence[str] | None, chunk_rows: int,
) -> Iterator[tuple[int, dict[str, Any]]]:
    import pandas as pd

    wanted = None if columns is None else set(columns)
    lineno = 2  # line 1 is the header
    try:
        with pd.read_csv(path, dtype=str, keep_default_na=False, chunksize=chunk_rows,
                         usecols=None if wanted is None else wanted.__contains__) as reader:
            for frame in reader:
                for row in frame.to_dict(orient="records"):
                    yield lineno, {k: _clean(v) for k, v in row.items()}
                    lineno += 1
    except pd.errors.EmptyDataError:
        return  # a 0-byte file: no header, no rows
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise DataError(f"invalid CSV: {err}", path=path) from None


def _read_parquet(
    path: str, columns: Sequence[str] | None, chunk_rows: int,
) -> Iterator[tuple[int, dict[str, Any]]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as err:
        raise DataError(f"invalid Parquet: {err}", path=path) from None
    schema = parquet.schema_arrow
    # A pandas index saved as a column is not data (pandas.read_parquet drops it too).
    index = {c for c in (schema.pandas_metadata or {}).get("index_columns", [])
             if isinstance(c, str)}
    names = [n for n in schema.names if n not in index and (columns is None or n in columns)]
    lineno = 1
    for batch in parquet.iter_batches(batch_size=chunk_rows, columns=names):
        for row in batch.to_pylist():
            yield lineno, {k: _clean(v) for k, v in row.items()}
            lineno += 1


def count_rows(path: str | Path, fmt: str = "auto") -> int | None:
    """Rows in a file, if cheap to know: JSONL counts lines, Parquet reads its metadata.

    CSV gives ``None``: a quoted cell may span lines, so lines are not rows.
    """
    fmt = detect_format(path, fmt)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.ParquetFile(path).metadata.num_rows
    if fmt == "jsonl":
        with open(path, "rb") as f:
            return sum(1 for line in f if line.strip())
    return None


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


# ------------------------------------------------------------------ chunked, durable writes
def jsonl_text(rows: Iterable[dict[str, Any]]) -> str:
    """Rows as JSONL text, one object per line.

    >>> jsonl_text([{"a": 1}])
    '{"a": 1}\\n'
    """
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def csv_text(rows: Iterable[dict[str, Any]], columns: Sequence[str], *, header: bool) -> str:
    """Rows as CSV text with fixed ``columns``, so chunks written apart join into one table.

    Nested values are JSON, as in :func:`write_rows`; ``None`` is an empty cell.

    >>> csv_text([{"a": 1, "b": {"x": None}}], ["a", "b"], header=True)
    'a,b\\n1,"{""x"": null}"\\n'
    """
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    if header:
        writer.writeheader()
    for row in rows:
        writer.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list))
                         else v for k, v in row.items()})
    return buffer.getvalue()


def sync_dir(path: str | Path) -> None:
    """fsync a folder, so a rename or a new file in it survives a crash of the machine."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_file(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def write_parquet_part(path: str | Path, rows: Sequence[dict[str, Any]]) -> None:
    """Write ``rows`` to a Parquet file atomically: it appears whole or not at all."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    pq.write_table(pa.Table.from_pylist(list(rows)), tmp)
    _sync_file(tmp)
    os.replace(tmp, path)
    sync_dir(path.parent)


def combine_parquet(
    parts: Sequence[str | Path], output: str | Path, *, columns: Sequence[str] = (),
    row_group_rows: int = 20_000,
) -> int:
    """Join Parquet part files, in order, into ``output`` (atomically); returns the row count.

    Parts are read one at a time, so memory holds about one row group. Their schemas are
    unified first: a column that is all null in one part and text in another is text.
    With no parts, ``output`` is an empty table with ``columns``.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    output = Path(output)
    tmp = output.with_name(output.name + ".tmp")
    total = 0
    if not parts:
        pq.write_table(pa.table({c: pa.array([], pa.null()) for c in columns}), tmp)
    else:
        schema = pa.unify_schemas([pq.read_schema(p) for p in parts],
                                  promote_options="permissive")
        with pq.ParquetWriter(tmp, schema) as writer:
            pending: list[Any] = []
            for part in parts:
                table = pq.read_table(part).select(schema.names).cast(schema)
                pending.append(table)
                total += table.num_rows
                # Few large row groups read faster than one small group per part.
                if sum(t.num_rows for t in pending) >= row_group_rows:
                    writer.write_table(pa.concat_tables(pending))
                    pending = []
            if pending:
                writer.write_table(pa.concat_tables(pending))
    _sync_file(tmp)
    os.replace(tmp, output)
    sync_dir(output.parent)
    return total
