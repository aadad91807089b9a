"""Score an article file into a row file: the ``stancemap score`` command.

Articles are read and scored in chunks. A bad article (no id, empty or non-text ``text``,
a broken JSON line, a repeated id) is reported with its file, line and field and skipped;
the rest of the file is still scored. The caller decides what errors mean for the exit
status (the CLI exits 1 when any article failed, after writing every row it could).

With a ``.jsonl`` output, rows are appended chunk by chunk and the ids of finished
articles are kept in ``<output>.done``, so ``resume=True`` continues an interrupted run
where it stopped instead of starting over.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from stancemap.errors import DataError
from stancemap.inference.scorer import (
    Article,
    ArticleError,
    ArticleScorer,
    ScoredRow,
    as_article,
    read_articles,
)
from stancemap.tables import detect_format, write_rows


@dataclass
class ScoreReport:
    """What :func:`score_file` did."""

    output: Path
    rows: int = 0
    articles: int = 0  # articles scored in this run
    skipped: int = 0  # already done in an earlier run (resume)
    errors: list[ArticleError] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"wrote {self.rows} rows for {self.articles} articles to {self.output}"]
        if self.skipped:
            parts.append(f"{self.skipped} already done")
        if self.errors:
            parts.append(f"{len(self.errors)} articles failed")
        return "; ".join(parts)


def _articles(path: str, report: ScoreReport, done: set[str]) -> Iterator[Article]:
    seen: set[str] = set()
    for line, row in read_articles(path):
        if isinstance(row, DataError):
            report.errors.append(ArticleError(row.reason, path=path, line=line))
            continue
        try:
            article = as_article(row, line)
        except DataError as err:
            report.errors.append(ArticleError(err.reason, _id(row), path, line, err.field))
            continue
        if article.id in seen:
            report.errors.append(ArticleError(f"duplicate id {article.id!r}", article.id, path,
                                              line, "id"))
            continue
        seen.add(article.id)
        if article.id in done:
            report.skipped += 1
            continue
        yield article


def _id(row: dict[str, Any]) -> str | None:
    return None if row.get("id") is None else str(row["id"])


def _chunks(items: Iterator[Article], size: int) -> Iterator[list[Article]]:
    chunk: list[Article] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def score_file(
    scorer: ArticleScorer, input_path: str | Path, output_path: str | Path, *,
    resume: bool = False, errors_path: str | Path | None = None,
) -> ScoreReport:
    """Score every article of ``input_path`` into ``output_path`` (format by suffix).

    >>> scorer = ArticleScorer.from_pretrained("runs/default/model")  # doctest: +SKIP
    >>> score_file(scorer, "data/articles/articles.jsonl", "out.jsonl").summary()  # doctest: +SKIP
    'wrote 61 rows for 24 articles to out.jsonl'
    """
    output = Path(output_path)
    fmt = detect_format(output)
    done_path = output.with_name(output.name + ".done")
    if resume and fmt != "jsonl":
        raise DataError("resume needs a .jsonl output (rows are appended as they are scored)",
                        path=str(output))
    done: set[str] = set()
    if resume and done_path.exists():
        done = set(done_path.read_text(encoding="utf-8").split("\n")) - {""}
    report = ScoreReport(output)
    kept: list[ScoredRow] = []
    output.parent.mkdir(parents=True, exist_ok=True)
    streaming = fmt == "jsonl"
    if streaming and not (resume and output.exists()):
        output.write_text("", encoding="utf-8")
        done_path.write_text("", encoding="utf-8")
    for chunk in _chunks(_articles(str(input_path), report, done), scorer.chunk_size):
        rows = scorer.score(chunk).rows
        report.articles += len(chunk)
        report.rows += len(rows)
        if streaming:
            with open(output, "a", encoding="utf-8") as f:
                f.writelines(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in rows)
            with open(done_path, "a", encoding="utf-8") as f:
                f.writelines(a.id + "\n" for a in chunk)
        else:
            kept += rows
    if not streaming:
        # CSV cells hold the nested fields (scores, evidence) as JSON.
        write_rows(output, [r.to_dict() for r in kept])
    if errors_path is not None:
        write_rows(errors_path, [_error_row(e) for e in report.errors])
    return report


def _error_row(error: ArticleError) -> dict[str, Any]:
    return {**asdict(error), "error": str(error)}

