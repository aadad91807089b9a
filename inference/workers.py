"""Scoring chunks of articles in worker processes: all the cores of one machine.

One scoring process cannot keep a multi-core CPU busy: spaCy runs on one core, and a
transformer forward pass on a batch of short pairs scales poorly past a few threads. So
``stancemap score --workers N`` starts N processes, each with its own scorer (model and
spaCy loaded once per process) and ``cores // N`` threads, and hands each a chunk of
articles at a time. The parent reads, checks and commits; results are committed in input
order, so the output, the errors file and ``--resume`` are exactly those of one process.

Workers are started with ``spawn``, so a script that calls ``score_file(..., workers=2)``
must do so under ``if __name__ == "__main__":`` (each worker imports the script's module);
the ``stancemap`` command and notebooks need nothing.

>>> spec = ScorerSpec("runs/default/model", backend="onnx",
...                   options={"proposals": "data/articles/proposals.yaml"})  # doctest: +SKIP
>>> with WorkerPool(spec, workers=2) as pool:  # doctest: +SKIP
...     future = pool.submit(articles)
...     rows, errors = future.result()
"""

from __future__ import annotations

import inspect
import multiprocessing
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from stancemap.errors import StancemapError

if TYPE_CHECKING:
    from stancemap.inference.scorer import Article, ArticleScorer

@dataclass(frozen=True)
class ScorerSpec:
    """How to build an :class:`~stancemap.inference.scorer.ArticleScorer`, in any process.

    A spec, not a scorer, crosses the process boundary: a loaded model does not pickle
    cheaply, and each worker loads its own.

    >>> ScorerSpec("runs/default/model", options={"window": 1}).settings()["window"]
    1
    """

    model: str
    backend: str = "torch"
    threads: int | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def build(self, threads: int | None = None) -> ArticleScorer:
        """Load the model and spaCy; ``threads`` overrides the spec's."""
        from stancemap.inference.scorer import ArticleScorer

        # backend/threads are passed only when set, so a classifier loader without them works.
        extra: dict[str, Any] = {}
        if self.backend != "torch":
            extra["backend"] = self.backend
        if (threads or self.threads) is not None:
            extra["threads"] = threads or self.threads
        return ArticleScorer.from_pretrained(self.model, **extra, **dict(self.options))

    def settings(self) -> dict[str, Any]:
        """The scorer settings that shape a row, without loading anything (resume check).

        The same keys and values as ``batch_score.scorer_settings`` gives for the scorer
        that :meth:`build` would make.
        """
        from stancemap.inference.proposals import load_proposals
        from stancemap.inference.scorer import ArticleScorer

        defaults = {name: p.default for name, p in
                    inspect.signature(ArticleScorer.__init__).parameters.items()
                    if p.default is not inspect.Parameter.empty}
        given = {**defaults, **{k: v for k, v in self.options.items() if v is not None}}
        proposals = given.get("proposals")
        loaded = load_proposals(proposals) if isinstance(proposals, (str, os.PathLike)) else (
            list(proposals) if proposals is not None else None)
        from stancemap.inference.batch_score import settings_of

        return settings_of(given, model=self.model, proposals=loaded)


def split_threads(workers: int, threads: int | None = None) -> int:
    """Threads per worker: ``threads`` if given, else the cores shared out evenly.

    >>> split_threads(2, threads=3)
    3
    >>> split_threads(10 ** 6) >= 1
    True
    """
    from stancemap.inference.classifier import default_threads

    return threads if threads is not None else max(1, default_threads() // workers)


# The scorer of this worker process, built once by the pool's initializer.
_SCORER: ArticleScorer | None = None


def _init_worker(spec: ScorerSpec, threads: int) -> None:
    # The model's threads are set through the backend (torch.set_num_threads, ONNX Runtime's
    # intra-op threads): environment variables such as OMP_NUM_THREADS would come too late,
    # as unpickling the spec has already imported torch and numpy in this process.
    global _SCORER
    _SCORER = spec.build(threads=threads)


def _score(articles: Sequence[Article]) -> list[dict[str, Any]]:
    assert _SCORER is not None, "worker used before its initializer ran"
    return [row.to_dict() for row in _SCORER.score(articles).rows]


class WorkerPool:
    """``workers`` processes, each holding one scorer built from ``spec``.

    ``submit(articles)`` returns a future of the row dicts of those articles. Workers
    are started with ``spawn`` (not ``fork``): forking a process that has started
    OpenMP or torch threads can deadlock the child.
    """

    def __init__(self, spec: ScorerSpec, workers: int, threads: int | None = None) -> None:
        if workers < 1:
            raise StancemapError(f"workers: must be >= 1, got {workers}")
        self.workers = workers
        self.threads = split_threads(workers, threads if threads is not None else spec.threads)
        self._executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker, initargs=(spec, self.threads))

    def submit(self, articles: Sequence[Article]) -> Future[list[dict[str, Any]]]:
        return self._executor.submit(_score, list(articles))

    def close(self, cancel: bool = False) -> None:
        self._executor.shutdown(wait=True, cancel_futures=cancel)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        self.close(cancel=exc_type is not None)
