"""Score an article corpus into a row file: the ``stancemap score`` command.

The input is one file or a glob of JSONL/CSV/Parquet files, streamed a chunk of
``chunk_size`` records at a time, so memory does not grow with the corpus. A bad record (a
broken JSON line, no id, empty or non-text ``text``, a repeated id) is reported with its
file, line and field: with ``on_error="skip"`` it goes to the errors file and the run goes
on; with ``on_error="fail"`` the run stops with a :class:`DataError`.

A run killed at any moment (even by SIGKILL) resumes to exactly the output of an
uninterrupted run (see :mod:`.checkpoint` for the commit protocol):

1. A chunk is scored; its rows are appended to the output (JSONL, CSV) or written as one
   part file ``<output>.parts/part-N.parquet``, and fsynced; its bad records likewise go
   to the errors file.
2. Then the manifest ``<output>.progress.json`` is replaced atomically: input records
   consumed, committed byte lengths (or part counts), counts, and a fingerprint of the
   input (paths, sizes, mtimes) and of the settings that shape a row.
3. ``resume=True`` refuses a changed input or setting, cuts each file back to its committed
   length, reads past the consumed records without scoring them (their ids still count for
   the repeated-id check), and goes on. Work after the last commit is simply done again.
4. At the end Parquet parts are joined into the output (streamed, atomically), the manifest
   is marked complete, and the parts are removed. Resuming a complete run with the same
   input and settings does nothing, so a job script may always pass ``--resume``.

>>> scorer = ArticleScorer.from_pretrained("runs/default/model")  # doctest: +SKIP
>>> score_file(scorer, "corpus/*.parquet", "rows.parquet", resume=True).summary()  # doctest: +SKIP
'wrote 61 rows for 24 articles to rows.parquet; 128 already done'
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np

from stancemap.errors import DataError, StancemapError
from stancemap.inference.checkpoint import Checkpoint, fingerprint
from stancemap.inference.scorer import Article, ArticleError, ArticleScorer, ScoredRow, as_article
from stancemap.inference.workers import ScorerSpec, WorkerPool
from stancemap.tables import count_rows, detect_format, expand_inputs, read_rows

DEFAULT_CHUNK_SIZE = 128
KEEP_ERRORS = 100  # bad records kept in memory for the report; all go to the errors file
ON_ERROR = ("skip", "fail")
ARTICLE_FIELDS = ("id", "text", "title", "date", "source")  # columns read from CSV/Parquet
ROW_COLUMNS = tuple(f.name for f in fields(ScoredRow))
ERROR_COLUMNS = ("message", "doc_id", "path", "line", "field", "error")


@dataclass
class ScoreReport:
    """What :func:`score_file` did."""

    output: Path
    rows: int = 0  # rows written in this run
    articles: int = 0  # articles scored in this run
    skipped: int = 0  # articles already scored by an earlier run (resume)
    failed: int = 0  # bad records in the whole output, earlier runs included
    errors: list[ArticleError] = field(default_factory=list)  # this run's first KEEP_ERRORS
    errors_path: Path | None = None

    def summary(self) -> str:
        parts = [f"wrote {self.rows} rows for {self.articles} articles to {self.output}"]
        if self.skipped:
            parts.append(f"{self.skipped} already done")
        if self.failed:
            where = f" (see {self.errors_path})" if self.errors_path else ""
            parts.append(f"{self.failed} articles failed{where}")
        return "; ".join(parts)


def default_errors_path(output: str | Path) -> Path:
    """Where bad records go unless told otherwise: beside the output.

    >>> str(default_errors_path("runs/rows.parquet"))
    'runs/rows.errors.jsonl'
    """
    output = Path(output)
    return output.with_name(output.stem + ".errors.jsonl")


def score_file(
    scorer: ArticleScorer | ScorerSpec, input_path: str | Path, output_path: str | Path, *,
    resume: bool = False, errors_path: str | Path | None = None, on_error: str = "skip",
    chunk_size: int | None = None, progress: bool = False,
    settings: Mapping[str, Any] | None = None, workers: int = 1,
) -> ScoreReport:
    """Score every article of ``input_path`` (a file or a glob) into ``output_path``.

    ``scorer``: a loaded scorer, or a :class:`~.workers.ScorerSpec` saying how to load
    one. The output format follows its suffix. ``errors_path`` defaults to
    :func:`default_errors_path`; it is only created when a record fails (or when given).
    ``chunk_size`` records are committed at a time (default: the scorer's ``chunk_size``).
    ``progress`` shows a bar on stderr when stderr is a terminal. ``settings`` are extra
    choices that shape the rows (the CLI passes the backend), checked on resume.
    ``workers`` > 1 (which needs a spec) scores chunks in that many processes
    (:mod:`.workers`); chunks are still committed in input order, so the files are the
    same as with one.

    >>> scorer = ArticleScorer.from_pretrained("runs/default/model")  # doctest: +SKIP
    >>> score_file(scorer, "data/articles/articles.jsonl", "out.jsonl").summary()  # doctest: +SKIP
    'wrote 61 rows for 24 articles to out.jsonl'
    """
    if on_error not in ON_ERROR:
        raise StancemapError(f"on_error: expected 'skip' or 'fail', got {on_error!r}")
    if workers < 1:
        raise StancemapError(f"workers: must be >= 1, got {workers}")
    if workers > 1 and not isinstance(scorer, ScorerSpec):
        raise StancemapError("workers > 1 needs a ScorerSpec (each worker loads its own "
                             "model), not a loaded scorer")
    paths = expand_inputs(input_path)
    output = Path(output_path)
    errors_file = Path(errors_path) if errors_path is not None else default_errors_path(output)
    for path in (output, errors_file):
        detect_format(path)
        path.parent.mkdir(parents=True, exist_ok=True)
    own = scorer.settings() if isinstance(scorer, ScorerSpec) else scorer_settings(scorer)
    shape = {**own, **(settings or {}), "errors": str(errors_file.resolve())}
    run = Checkpoint(output, errors_file, fingerprint(paths, shape), row_columns=ROW_COLUMNS,
                     error_columns=ERROR_COLUMNS, keep_empty_errors=errors_path is not None)
    done = run.start(resume)
    report = ScoreReport(output, skipped=run.state["articles"], failed=run.state["failed"],
                         errors_path=errors_file)
    if done:
        return report
    if isinstance(scorer, ScorerSpec) and workers == 1:
        scorer = scorer.build()
    records = _records(paths, SeenIds())
    _skip(records, run.state["consumed"])
    size = chunk_size or (getattr(scorer, "chunk_size", None) or DEFAULT_CHUNK_SIZE)
    with _progress_bar(paths, progress, run.state["consumed"]) as bar, \
            _runner(scorer, workers) as runner:
        # Chunks in flight, oldest first; each is committed once it and all before it are
        # scored. Up to two queued per worker keep every worker busy while the parent
        # reads and commits; one process scores and commits each chunk in turn.
        limit = 0 if workers == 1 else 2 * workers
        pending: deque[tuple[int, list[ArticleError], Future[list[dict[str, Any]]]]] = deque()

        def commit_oldest() -> None:
            consumed, bad, future = pending.popleft()
            _commit(future.result(), bad, consumed, run, report)
            bar.update(consumed)
            if report.failed:
                bar.set_postfix(failed=report.failed, refresh=False)

        for chunk in _chunks(records, size):
            articles = [r for r in chunk if isinstance(r, Article)]
            bad = [r for r in chunk if isinstance(r, ArticleError)]
            if bad and on_error == "fail":
                while pending:  # what came before is committed; --resume starts at this chunk
                    commit_oldest()
                first = bad[0]
                raise DataError(first.message, path=first.path, line=first.line,
                                field=first.field)
            pending.append((len(chunk), bad, runner.submit(articles)))
            while len(pending) > limit or (pending and pending[0][2].done()):
                commit_oldest()
        while pending:
            commit_oldest()
    run.finish()
    return report


# ------------------------------------------------------------------------------ reading
class SeenIds:
    """The article ids met so far, in about 8 bytes each, to report repeated ids.

    A set of id strings would cost ~100 bytes per article; here each id is a 64-bit
    blake2b hash (a false repeat needs a collision: ~1e-8 at a million ids), kept in a
    small set and merged now and then into a sorted array.

    >>> seen = SeenIds(); seen.add("a1"); "a1" in seen, "a2" in seen
    (True, False)
    """

    def __init__(self, buffer: int = 65_536) -> None:
        self._sorted = np.empty(0, dtype=np.uint64)
        self._recent: set[int] = set()
        self._buffer = buffer

    @staticmethod
    def _hash(ident: str) -> int:
        digest = hashlib.blake2b(ident.encode("utf-8"), digest_size=8).digest()
        return int.from_bytes(digest, "little")

    def __contains__(self, ident: str) -> bool:
        h = self._hash(ident)
        if h in self._recent:
            return True
        i = int(np.searchsorted(self._sorted, np.uint64(h)))
        return i < len(self._sorted) and int(self._sorted[i]) == h

    def add(self, ident: str) -> None:
        self._recent.add(self._hash(ident))
        if len(self._recent) >= self._buffer:
            recent = np.fromiter(self._recent, dtype=np.uint64, count=len(self._recent))
            self._sorted = np.union1d(self._sorted, recent)
            self._recent.clear()


def _records(paths: Sequence[Path], seen: SeenIds) -> Iterator[Article | ArticleError]:
    """Every input record in order: an :class:`Article`, or an error saying where and why."""
    for path in paths:
        for line, row in read_rows(path, bad_lines="yield", columns=ARTICLE_FIELDS):
            yield _check(row, str(path), line, seen)


def _check(row: dict[str, Any] | DataError, path: str, line: int,
           seen: SeenIds) -> Article | ArticleError:
    if isinstance(row, DataError):
        return ArticleError(row.reason, path=path, line=line)
    try:
        article = as_article(row, line)
    except DataError as err:
        ident = None if row.get("id") is None else str(row["id"])
        return ArticleError(err.reason, ident, path, line, err.field)
    if article.id in seen:
        return ArticleError(f"duplicate id {article.id!r}", article.id, path, line, "id")
    seen.add(article.id)
    return article


def _skip(records: Iterator[Article | ArticleError], count: int) -> None:
    """Read past records an earlier run consumed; their ids still count as seen."""
    done = sum(1 for _ in itertools.islice(records, count))
    if done < count:
        raise StancemapError(f"cannot resume: the input has {done} records, but the "
                             f"interrupted run had consumed {count}")


def _chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _progress_bar(paths: Sequence[Path], enabled: bool, initial: int) -> Any:
    """A tqdm bar on stderr, only when it is a terminal (logs and pipes stay clean)."""
    from tqdm import tqdm

    show = enabled and sys.stderr.isatty()
    counts = [count_rows(p) for p in paths] if show else [None]
    # Time left needs a total; a CSV has none that is cheap, so the bar shows the rate only.
    total = None if None in counts else sum(c for c in counts if c is not None)
    return tqdm(total=total, initial=initial, disable=not show, desc="scoring",
                unit=" articles", dynamic_ncols=True, file=sys.stderr)


# ------------------------------------------------------------------------------ scoring
def _commit(rows: list[dict[str, Any]], bad: list[ArticleError], consumed: int,
            run: Checkpoint, report: ScoreReport) -> None:
    """Write one chunk's rows and bad records, then commit the manifest."""
    run.output.add(rows)
    run.errors.add([_error_row(e) for e in bad])
    articles = consumed - len(bad)
    for key, n in (("consumed", consumed), ("articles", articles), ("rows", len(rows)),
                   ("failed", len(bad))):
        run.state[key] += n
    run.commit()
    report.articles += articles
    report.rows += len(rows)
    report.failed += len(bad)
    report.errors += bad[:max(0, KEEP_ERRORS - len(report.errors))]


class _Runner:
    """Scores chunks in this process, or hands them to a :class:`WorkerPool`; either way
    ``submit`` returns a future of the chunk's row dicts."""

    def __init__(self, scorer: ArticleScorer | None, pool: WorkerPool | None) -> None:
        self.scorer, self.pool = scorer, pool

    def submit(self, articles: Sequence[Article]) -> Future[list[dict[str, Any]]]:
        if articles and self.pool is not None:
            return self.pool.submit(articles)
        future: Future[list[dict[str, Any]]] = Future()
        # A chunk with no good article bothers no worker and no model.
        rows = self.scorer.score(articles).rows if articles and self.scorer else []
        future.set_result([r.to_dict() for r in rows])
        return future


@contextlib.contextmanager
def _runner(scorer: ArticleScorer | ScorerSpec, workers: int) -> Iterator[_Runner]:
    if workers == 1:
        yield _Runner(scorer, None)  # type: ignore[arg-type]
        return
    with WorkerPool(scorer, workers) as pool:  # type: ignore[arg-type]
        yield _Runner(None, pool)


def _error_row(error: ArticleError) -> dict[str, Any]:
    return {**asdict(error), "error": str(error)}


ROW_SETTINGS = ("window", "aggregation", "people", "clause_filter", "proposal_text", "context")


def scorer_settings(scorer: ArticleScorer) -> dict[str, Any]:
    """The scorer's choices that shape a row, for the resume check."""
    values = {k: getattr(scorer, k) for k in ROW_SETTINGS if hasattr(scorer, k)}
    return settings_of(values, model=getattr(getattr(scorer, "classifier", None), "name", None),
                       proposals=getattr(scorer, "proposals", None))


def settings_of(values: Mapping[str, Any], *, model: str | None,
                proposals: Sequence[Any] | None) -> dict[str, Any]:
    """The resume-check settings from scorer options, the model name and loaded proposals.

    >>> settings_of({"window": 2, "batch_size": 64}, model="m", proposals=None)
    {'window': 2, 'model': 'm', 'proposals': None}
    """
    settings = {k: values[k] for k in ROW_SETTINGS if k in values}
    settings["model"] = model
    settings["proposals"] = None if proposals is None else hashlib.sha256(
        repr(proposals).encode("utf-8")).hexdigest()[:16]
    return settings
