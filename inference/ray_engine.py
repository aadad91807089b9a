"""Score articles on Ray Data: ``stancemap score --engine ray``, from a laptop to a cluster.

The same scoring as :func:`~stancemap.inference.batch_score.score_file`, spread over Ray:
input files are read in parallel, each worker loads the model once and scores batches of
articles, and the rows are written as a Parquet folder in Ray's layout (one file per block).

>>> from stancemap.inference.ray_engine import score_with_ray
>>> report = score_with_ray(
...     "runs/default/model", "data/articles/*.jsonl", "runs/rows",
...     scorer_options={"proposals": "data/articles/proposals.yaml"})  # doctest: +SKIP
>>> report.summary()  # doctest: +SKIP
'wrote 61 rows for 24 articles to runs/rows (Parquet folder)'

Output: one row per (article, actor, proposal), the columns of
:class:`~stancemap.inference.scorer.ScoredRow`. ``actor_mentions`` is a list of strings,
``scores`` a struct of the three labels and ``evidence`` a list of structs, so Spark, DuckDB
and Polars query them directly and ``pandas.read_parquet`` gives a dict, an array, and an
array of dicts, as the local engine's rows do. Rows come in no particular order.

Bad records (no id, empty or non-text ``text``, a broken JSON line) are written to
``<output>/_errors/`` (Parquet, the columns of the local engine's errors file) and returned
in the report; the rest are scored. The ``_`` prefix keeps them out of
``pandas.read_parquet(output)``. JSONL errors cite the line; CSV and Parquet errors the file
and id, since Ray's readers do not keep row numbers. Ids are not checked for duplicates
across batches (that would need a shuffle of the whole corpus).

If Ray is already initialised, or ``RAY_ADDRESS`` names a cluster, that cluster is used;
otherwise a local one is started for the run with every CPU and shut down after.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import logging
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from stancemap.errors import DataError, StancemapError
from stancemap.inference.scorer import ArticleError, ArticleScorer, ScoredRow, as_article
from stancemap.labels import LABELS
from stancemap.tables import detect_format

try:  # the base of the JSONL reader below; Ray is an optional extra
    from ray.data.datasource import FileBasedDatasource
except ImportError:  # score_with_ray says how to install it
    FileBasedDatasource = object  # type: ignore[assignment,misc]

ERRORS_DIR = "_errors"
ARTICLE_COLUMNS = ("id", "text", "title", "date", "source")
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".zst", ".lz4", ".br")

SCORES = pa.struct([(label, pa.float64()) for label in LABELS])
EVIDENCE = pa.struct([
    ("sentence_index", pa.int64()), ("start", pa.int64()), ("end", pa.int64()),
    ("text", pa.string()), ("label", pa.string()), ("scores", SCORES),
    ("via", pa.string()), ("mention", pa.string()),
])
# An explicit schema: a batch whose rows all lack an affiliation, or a batch with no rows,
# must still write the same Parquet types as every other batch.
ROW_SCHEMA = pa.schema([
    ("doc_id", pa.string()), ("actor", pa.string()), ("actor_type", pa.string()),
    ("affiliation", pa.string()), ("actor_mentions", pa.list_(pa.string())),
    ("proposal_id", pa.string()), ("proposal", pa.string()), ("label", pa.string()),
    ("confidence", pa.float64()), ("scores", SCORES), ("evidence", pa.list_(EVIDENCE)),
    ("model", pa.string()),
])
ERROR_SCHEMA = pa.schema([
    ("message", pa.string()), ("doc_id", pa.string()), ("path", pa.string()),
    ("line", pa.int64()), ("field", pa.string()), ("error", pa.string()),
])


@dataclass
class RayScoreReport:
    """What :func:`score_with_ray` did (the same counts as the local engine's report)."""

    output: str
    rows: int = 0
    articles: int = 0  # articles scored
    errors: list[ArticleError] = field(default_factory=list)  # also in <output>/_errors

    @property
    def errors_path(self) -> str:
        return f"{self.output}/{ERRORS_DIR}"

    def summary(self) -> str:
        """One line for the terminal.

        >>> RayScoreReport("out", rows=3, articles=2).summary()
        'wrote 3 rows for 2 articles to out (Parquet folder)'
        """
        parts = [f"wrote {self.rows} rows for {self.articles} articles to {self.output} "
                 "(Parquet folder)"]
        if self.errors:
            parts.append(f"{len(self.errors)} articles failed (see {self.errors_path})")
        return "; ".join(parts)


def score_with_ray(
    model: str, input_path: str, output_path: str, *, scorer_options: dict[str, Any],
    backend: str = "torch", threads: int | None = None, batch_size: int = 64,
    concurrency: int | None = None,
) -> RayScoreReport:
    """Score the articles of ``input_path`` on Ray into the Parquet folder ``output_path``.

    ``input_path``: a JSONL, CSV or Parquet file, a folder of them, or a glob, local or on
    any filesystem pyarrow reads (``s3://...``). ``scorer_options``: keyword arguments for
    :class:`ArticleScorer` (``proposals``, ``actor_aliases``, ``window``, ...).
    ``backend`` and ``threads`` go to ``ArticleScorer.from_pretrained``; with ``threads``,
    each worker also reserves that many CPUs. ``batch_size``: articles per batch.
    ``concurrency``: how many scoring workers (default: as many as the CPUs allow).

    >>> score_with_ray("runs/default/model", "s3://bucket/news/", "s3://bucket/rows/",
    ...                scorer_options={"window": 2}, concurrency=16)  # doctest: +SKIP
    """
    ray = _import_ray()
    scorer_options = _checked_options(scorer_options)
    files = input_files(input_path)
    fmt = input_format(files)
    output = _absolute(output_path)
    fs, base = _filesystem(output)
    _check_output_is_new(fs, base, output_path)
    with _ray_session(ray) as where:
        if where == "local":  # the workers see this machine's files, so check them here
            _check_local_model(model)
        fs.create_dir(f"{base}/{ERRORS_DIR}", recursive=True)
        tally = ray.remote(num_cpus=0)(Tally).remote()
        init = {"model": model, "options": scorer_options, "backend": backend,
                "threads": threads, "errors_dir": f"{output}/{ERRORS_DIR}", "tally": tally}
        compute = (ray.data.ActorPoolStrategy(size=concurrency) if concurrency
                   else ray.data.ActorPoolStrategy(min_size=1))
        try:
            with _quiet_progress(ray):
                (read_dataset(ray, files, fmt)
                 .map_batches(BatchScorer, fn_constructor_kwargs=init, batch_size=batch_size,
                              batch_format="pyarrow", compute=compute, num_cpus=threads or 1)
                 .write_parquet(output))
        except ray.exceptions.RayError as err:
            raise StancemapError(f"the Ray job failed: {_root_cause(err)}") from None
        articles = ray.get(tally.total.remote())
    return RayScoreReport(output=output_path, rows=_count_rows(fs, base), articles=articles,
                          errors=_read_errors(fs, f"{base}/{ERRORS_DIR}"))


# ------------------------------------------------------------------------------ set-up
def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401 - the [data] extra, not just ray core
    except ImportError:
        raise StancemapError("the Ray engine needs Ray Data: pip install 'stancemap[cluster]'"
                             ) from None
    return ray


def _checked_options(options: dict[str, Any]) -> dict[str, Any]:
    """Check the scorer settings here, where a mistake reads as the user's error, not as a
    worker's traceback; the proposals go to the workers as parsed specs, not as a path."""
    import inspect

    class _Unused:  # stands in for the classifier and spaCy, which only the workers load
        name = "unused"

    # Options of from_pretrained alone (such as device) are left for the workers.
    accepted = inspect.signature(ArticleScorer.__init__).parameters
    own = {k: v for k, v in options.items() if k in accepted}
    checked = ArticleScorer(_Unused(), nlp=_Unused(), **own)  # type: ignore[arg-type]
    return {**options, "proposals": checked.proposals}


@contextmanager
def _ray_session(ray: Any) -> Iterator[str]:
    """Use the running Ray (``"running"``), the cluster ``RAY_ADDRESS`` names (``"cluster"``),
    or else a local Ray started for this run and shut down after (``"local"``)."""
    if ray.is_initialized():
        yield "running"
        return
    quiet = {"include_dashboard": False, "log_to_driver": False,
             "logging_level": logging.WARNING}
    where = "cluster" if os.environ.get("RAY_ADDRESS") else "local"
    try:
        if where == "cluster":
            ray.init(**quiet)
        else:
            # Like MLflow's, Ray's usage reporting stays off for a run the user did not set up.
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            ray.init(address="local", num_cpus=_cpu_count(), **quiet)
    except (ConnectionError, RuntimeError, ValueError) as err:
        raise StancemapError(f"cannot start or reach Ray: {err}") from None
    try:
        yield where
    finally:
        ray.shutdown()  # on a cluster this only disconnects


def _cpu_count() -> int:
    # The CPUs this process may use (a container's or taskset's limit), not the host's.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _check_local_model(model: str) -> None:
    from stancemap.inference.model_uri import MLFLOW_SCHEMES

    if not model.startswith(MLFLOW_SCHEMES) and not Path(model).exists():
        raise StancemapError(f"model directory not found: {model}")


@contextmanager
def _quiet_progress(ray: Any) -> Iterator[None]:
    """Ray Data's progress bars only on a terminal, as with the local engine."""
    context = ray.data.DataContext.get_current()
    before = context.enable_progress_bars
    context.enable_progress_bars = before and sys.stderr.isatty()
    try:
        yield
    finally:
        context.enable_progress_bars = before


def _root_cause(err: Exception) -> str:
    """The last line of a Ray error, which carries the worker's whole traceback.

    >>> _root_cause(RuntimeError("Traceback ...\\nstancemap.errors.DataError: a.jsonl: bad"))
    'a.jsonl: bad'
    """
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    last = lines[-1] if lines else type(err).__name__
    return re.sub(r"^[\w.]+(Error|Exception): ", "", last)


# ------------------------------------------------------------------------ files in, out
def _absolute(path: str) -> str:
    """Local paths made absolute: Ray's workers need not share the driver's directory."""
    return path if "://" in path else os.path.abspath(path)


def _filesystem(uri: str) -> tuple[Any, str]:
    from pyarrow import fs

    try:
        return fs.FileSystem.from_uri(uri)
    except (pa.ArrowInvalid, OSError) as err:
        raise DataError(f"cannot open: {err}", path=uri) from None


def input_files(input_path: str) -> list[str]:
    """The files a path, a folder or a glob names (files starting with ``_`` or ``.`` skipped).

    >>> input_files("data/articles/articles.jsonl")  # doctest: +SKIP
    ['/work/main/data/articles/articles.jsonl']
    """
    from pyarrow import fs as pafs

    uri = _absolute(input_path)
    scheme = uri.split("://", 1)[0] + "://" if "://" in uri else ""
    pattern = None
    if any(c in uri for c in "*?["):
        head = uri.split("*", 1)[0].split("?", 1)[0].split("[", 1)[0]
        uri, pattern = head.rsplit("/", 1)[0], uri
    fs, base = _filesystem(uri)
    info = fs.get_file_info(base)
    if info.type == pafs.FileType.File and pattern is None:
        return [uri]
    if info.type != pafs.FileType.Directory:
        raise DataError("file not found", path=input_path)
    found = sorted(
        scheme + f.path for f in fs.get_file_info(pafs.FileSelector(base, recursive=True))
        if f.type == pafs.FileType.File and not f.base_name.startswith(("_", ".")))
    if pattern is not None:
        found = [f for f in found if fnmatch.fnmatch(f, pattern)]
    if not found:
        raise DataError("no input files found", path=input_path)
    return found


def input_format(files: list[str]) -> str:
    """``jsonl``, ``csv`` or ``parquet``: one format for all files (compression ignored).

    >>> input_format(["a/part-1.jsonl.gz", "a/part-2.jsonl"])
    'jsonl'
    """
    formats = set()
    for name in files:
        for suffix in COMPRESSION_SUFFIXES:
            name = name.removesuffix(suffix)
        formats.add(detect_format(name))
    if len(formats) > 1:
        raise DataError(f"mixed file types ({', '.join(sorted(formats))}); score them "
                        "separately", path=os.path.commonpath(files))
    return formats.pop()


def _check_output_is_new(fs: Any, base: str, shown: str) -> None:
    # Ray appends to a folder; rows of an earlier run would be mixed into this one.
    from pyarrow import fs as pafs

    info = fs.get_file_info(base)
    if info.type == pafs.FileType.File or (
            info.type == pafs.FileType.Directory
            and fs.get_file_info(pafs.FileSelector(base))):
        raise DataError("output already exists; remove it or choose a new folder", path=shown)


def read_dataset(ray: Any, files: list[str], fmt: str) -> Any:
    """A Ray dataset of raw records with the file each came from (see :func:`batch_records`).

    >>> read_dataset(ray, ["a.csv"], "csv").take_batch(batch_format="pyarrow")  # doctest: +SKIP
    """
    if fmt == "jsonl":
        return ray.data.read_datasource(JsonlLines(files))
    if fmt == "csv":
        from pyarrow import csv

        # Article fields as text, as the local reader has them: ids such as "007" stay so.
        types = {name: pa.string() for name in ARTICLE_COLUMNS}
        return ray.data.read_csv(files, include_paths=True,
                                 convert_options=csv.ConvertOptions(column_types=types))
    return ray.data.read_parquet(files, include_paths=True)


class JsonlLines(FileBasedDatasource):
    """Each non-blank JSONL line as ``path``, ``line``, ``record`` (the line's text).

    Ray's ``read_json`` parses in the reader, so one broken line (and, with its Arrow
    reader, a field whose type changes between lines) fails the whole job, and line numbers
    are lost. Here the scoring workers parse each line and report the bad ones by line.
    """

    BLOCK_LINES = 1024  # lines per block handed to Ray
    CHUNK_BYTES = 1 << 20  # bytes read at a time: memory stays flat on large files

    def _read_stream(self, f: Any, path: str) -> Iterator[pa.Table]:
        numbers: list[int] = []
        records: list[str | None] = []
        for number, raw in enumerate(_lines(f, self.CHUNK_BYTES), 1):
            if not raw.strip():
                continue
            try:
                records.append(raw.decode("utf-8"))
            except UnicodeDecodeError:
                records.append(None)
            numbers.append(number)
            if len(numbers) >= self.BLOCK_LINES:
                yield _line_table(path, numbers, records)
                numbers, records = [], []
        if numbers:
            yield _line_table(path, numbers, records)


def _lines(f: Any, chunk_bytes: int) -> Iterator[bytes]:
    # pyarrow's input streams have no readline; split the stream by newline ourselves.
    rest = b""
    while chunk := f.read(chunk_bytes):
        *lines, rest = (rest + chunk).split(b"\n")
        for line in lines:
            yield line.rstrip(b"\r")
    if rest:
        yield rest.rstrip(b"\r")


def _line_table(path: str, numbers: list[int], records: list[str | None]) -> pa.Table:
    return pa.table({"path": [path] * len(numbers), "line": pa.array(numbers, pa.int64()),
                     "record": pa.array(records, pa.string())})


def _count_rows(fs: Any, base: str) -> int:
    import pyarrow.dataset as ds

    # Row counts come from the Parquet footers; "_errors" is skipped by its prefix.
    return ds.dataset(base, filesystem=fs, format="parquet").count_rows()


def _read_errors(fs: Any, folder: str) -> list[ArticleError]:
    import pyarrow.dataset as ds

    rows = ds.dataset(folder, filesystem=fs, format="parquet").to_table().to_pylist()
    errors = [ArticleError(r["message"], r["doc_id"], r["path"], r["line"], r["field"])
              for r in rows]
    return sorted(errors, key=lambda e: (e.path or "", e.line or 0, e.doc_id or ""))


# --------------------------------------------------------------------- on the workers
class Tally:
    """Articles scored, per batch: a batch that Ray retries is counted once."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def add(self, batch_key: str, articles: int) -> None:
        self.counts[batch_key] = articles

    def total(self) -> int:
        return sum(self.counts.values())


class BatchScorer:
    """The stateful ``map_batches`` callable: one scorer per worker, loaded once.

    Takes a batch of raw records (a pyarrow table), scores the good ones and returns their
    rows as a table of :data:`ROW_SCHEMA`; writes the bad ones to ``errors_dir``.
    """

    def __init__(self, model: str, options: dict[str, Any], backend: str,
                 threads: int | None, errors_dir: str, tally: Any = None) -> None:
        self.scorer = load_scorer(model, options, backend, threads)
        self.errors_fs, self.errors_dir = _filesystem(errors_dir)
        self.errors_fs.create_dir(self.errors_dir, recursive=True)  # each node's, if local
        self.tally = tally  # a Tally actor; None when called outside Ray (tests)

    def __call__(self, batch: pa.Table) -> pa.Table:
        records = batch_records(batch)
        key = _batch_key(records)
        articles, origins, errors = [], [], []
        for path, line, row in records:
            try:
                if isinstance(row, DataError):
                    raise row
                articles.append(as_article(row, line or 0))
                origins.append((path, line))
            except DataError as err:
                doc_id = None if isinstance(row, DataError) or row.get("id") is None else str(
                    row["id"])
                errors.append(ArticleError(err.reason, doc_id, path, line, err.field))
        result = self.scorer.score(articles)
        for err in result.errors:  # none expected after as_article; kept so none can vanish
            path, line = origins[err.line or 0]
            errors.append(ArticleError(err.message, err.doc_id, path, line, err.field))
        if errors:
            self._write_errors(key, errors)
        self._count(key, len(articles) - len(result.errors))
        return rows_table(result.rows)

    def _count(self, key: str, articles: int) -> None:
        if self.tally is not None:
            import ray

            # Waited on, so the count has landed before the driver asks for the total.
            ray.get(self.tally.add.remote(key, articles))

    def _write_errors(self, key: str, errors: list[ArticleError]) -> None:
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist([{**asdict(e), "error": str(e)} for e in errors],
                                     schema=ERROR_SCHEMA)
        # Named by the batch's content: a retried batch overwrites its own file.
        pq.write_table(table, f"{self.errors_dir}/{key}.parquet", filesystem=self.errors_fs)


def load_scorer(model: str, options: dict[str, Any], backend: str = "torch",
                threads: int | None = None) -> ArticleScorer:
    """``ArticleScorer.from_pretrained`` with ``backend`` and ``threads`` passed only when set.

    >>> load_scorer("runs/default/model", {"window": 2}, backend="onnx")  # doctest: +SKIP
    """
    extra: dict[str, Any] = {}
    if backend != "torch":
        extra["backend"] = backend
    if threads is not None:
        extra["threads"] = threads
    return ArticleScorer.from_pretrained(model, **extra, **options)


Record = tuple[str | None, int | None, dict[str, Any] | DataError]


def batch_records(batch: pa.Table) -> list[Record]:
    """``(path, line, record)`` per input row; a JSONL line that is not an object is an error.

    >>> batch_records(pa.table({"path": ["a.jsonl"], "line": [3], "record": ['{"id": 7}']}))
    [('a.jsonl', 3, {'id': 7})]
    """
    out: list[Record] = []
    for row in batch.to_pylist():
        path = row.pop("path", None)
        if "record" in row and "line" in row:  # from JsonlLines
            out.append((path, row["line"], _parse_line(row["record"])))
        else:  # from read_csv / read_parquet: the columns are the article's fields
            out.append((path, None, row))
    return out


def _parse_line(text: str | None) -> dict[str, Any] | DataError:
    if text is None:
        return DataError("line is not UTF-8 text")
    try:
        record = json.loads(text)
    except json.JSONDecodeError as err:
        return DataError(f"invalid JSON: {err.msg} (column {err.colno})")
    return record if isinstance(record, dict) else DataError("expected a JSON object")


def _batch_key(records: list[Record]) -> str:
    digest = hashlib.sha1()
    for path, line, row in records:
        body = str(row) if isinstance(row, DataError) else json.dumps(row, sort_keys=True,
                                                                      default=str)
        digest.update(f"{path}\0{line}\0{body}\n".encode())
    return digest.hexdigest()


def rows_table(rows: list[ScoredRow]) -> pa.Table:
    """Scored rows as a table of :data:`ROW_SCHEMA` (nested fields as Parquet types)."""
    return pa.Table.from_pylist([r.to_dict() for r in rows], schema=ROW_SCHEMA)
