"""Score articles against gold (article, actor, proposal, label) tuples.

Gold is JSONL, one tuple a line: ``{"doc_id", "actor", "proposal_id", "label"}``. A
predicted row counts as a true positive only when its (doc_id, actor, proposal_id) is a
gold tuple **and** its label is the gold label; a right tuple with the wrong label is
both a false positive and a false negative. Actor names are compared after the same
canonicalisation the scorer uses ("Seoul" and "South Korea" are one actor), ignoring case.

Articles carry a ``part`` (``dev`` or ``heldout``); settings are tuned on ``dev`` only,
and ``heldout`` is scored once with the chosen settings.

>>> from stancemap.training.article_eval import tuple_metrics
>>> gold = {("a1", "china", "icc"): "oppose", ("a1", "south korea", "res"): "support"}
>>> pred = {("a1", "china", "icc"): "oppose", ("a1", "japan", "res"): "neutral"}
>>> m = tuple_metrics(gold, pred)
>>> m["precision"], m["recall"], m["f1"]
(0.5, 0.5, 0.5)
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stancemap.errors import DataError
from stancemap.inference.actor_table import ActorTable, default_table
from stancemap.inference.scorer import (
    Article,
    ArticleScorer,
    ScoredRow,
    as_article,
    read_articles,
)
from stancemap.labels import LABELS, normalize_label
from stancemap.tables import read_rows, write_rows

Key = tuple[str, str, str]  # (doc_id, actor key, proposal_id)
PART_FIELDS = ("part", "split")


@dataclass
class ArticleEvalResult:
    """Metrics, the rows scored, and every disagreement with gold."""

    metrics: dict[str, Any]
    rows: list[ScoredRow]
    mistakes: list[dict[str, Any]] = field(default_factory=list)


def actor_key(name: str, table: ActorTable | None = None) -> str:
    """The comparison key of an actor name: canonical via the table, case-folded.

    >>> actor_key("Seoul"), actor_key("the U.S."), actor_key("Hua Chunying")
    ('south korea', 'united states', 'hua chunying')
    """
    table = table or default_table()
    entry = table.lookup(name)
    return (entry.name if entry else name).strip().lower().removeprefix("the ")


def load_gold(path: str | Path, table: ActorTable | None = None) -> dict[Key, str]:
    """Gold tuples keyed by (doc_id, actor key, proposal_id); errors name line and field."""
    gold: dict[Key, str] = {}
    for line, row in read_rows(path):
        for name in ("doc_id", "actor", "proposal_id", "label"):
            if not isinstance(row.get(name), str) or not row[name].strip():
                raise DataError("missing or empty", path=str(path), line=line, field=name)
        label = normalize_label(row["label"])
        if label is None:
            raise DataError(f"unknown label {row['label']!r}; use {', '.join(LABELS)}",
                            path=str(path), line=line, field="label")
        gold[(row["doc_id"], actor_key(row["actor"], table), row["proposal_id"])] = label
    return gold


def tuple_metrics(gold: Mapping[Key, str], pred: Mapping[Key, str]) -> dict[str, Any]:
    """Labelled-tuple precision/recall/F1, and the same ignoring labels (``pair_*``)."""
    tp = sum(1 for k, label in pred.items() if gold.get(k) == label)
    pair_tp = sum(1 for k in pred if k in gold)

    def prf(hits: int) -> tuple[float, float, float]:
        p = hits / len(pred) if pred else 0.0
        r = hits / len(gold) if gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    p, r, f = prf(tp)
    pp, pr, pf = prf(pair_tp)
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4),
            "pair_precision": round(pp, 4), "pair_recall": round(pr, 4), "pair_f1": round(pf, 4),
            "label_accuracy_on_found_pairs": round(tp / pair_tp, 4) if pair_tp else 0.0,
            "gold": len(gold), "predicted": len(pred), "correct": tp}


def _mistakes(gold: Mapping[Key, str], pred: Mapping[Key, str],
              rows: Mapping[Key, ScoredRow]) -> list[dict[str, Any]]:
    out = []
    for key in sorted(set(gold) | set(pred)):
        g, p = gold.get(key), pred.get(key)
        if g == p:
            continue
        kind = "missed" if p is None else "extra" if g is None else "wrong label"
        row = rows.get(key)
        out.append({"doc_id": key[0], "actor": key[1], "proposal_id": key[2], "kind": kind,
                    "gold": g, "predicted": p,
                    "evidence": [e.text for e in row.evidence] if row else []})
    return out


def _part(row: Mapping[str, Any]) -> str | None:
    return next((str(row[f]) for f in PART_FIELDS if row.get(f) is not None), None)


def read_part(articles_path: str | Path, part: str | None = None, *,
              exclude: Collection[str] = ()) -> list[Article]:
    """The articles of ``part`` (all when ``None``) in a file, less the ids in ``exclude``;
    a bad row is an error naming the file and line, and so is a part no article has."""
    articles, parts = [], set()
    for line, row in read_articles(articles_path):
        if isinstance(row, DataError):
            raise row
        parts.add(_part(row))
        if part is None or _part(row) == part:
            try:
                article = as_article(row, line)
            except DataError as err:
                raise DataError(err.reason, path=str(articles_path), line=line,
                                field=err.field) from None
            if article.id not in exclude:
                articles.append(article)
    if part is not None and part not in parts:
        known = ", ".join(sorted(p for p in parts if p)) or "none"
        raise DataError(f"no articles with part {part!r} (parts in the file: {known})",
                        path=str(articles_path))
    return articles


def evaluate_articles(
    scorer: ArticleScorer, articles_path: str | Path, gold_path: str | Path, *,
    part: str | None = None,
) -> ArticleEvalResult:
    """Score the articles of ``part`` (all when ``None``) and compare the rows with gold.

    >>> scorer = ArticleScorer.from_pretrained("runs/default/model",
    ...     proposals="data/articles/proposals.yaml")  # doctest: +SKIP
    >>> evaluate_articles(scorer, "data/articles/articles.jsonl",
    ...                   "data/articles/gold.jsonl", part="dev").metrics["f1"]  # doctest: +SKIP
    """
    articles = read_part(articles_path, part)
    ids = {a.id for a in articles}
    gold = {k: v for k, v in load_gold(gold_path, scorer.table).items() if k[0] in ids}
    result = scorer.score(articles)
    rows = {(r.doc_id, actor_key(r.actor, scorer.table), r.proposal_id): r for r in result.rows}
    pred = {k: r.label for k, r in rows.items()}
    metrics = tuple_metrics(gold, pred)
    metrics.update(articles=len(articles), part=part or "all", model=scorer.classifier.name,
                   window=scorer.window, aggregation=scorer.aggregation, people=scorer.people)
    return ArticleEvalResult(metrics, result.rows, _mistakes(gold, pred, rows))


def write_eval_report(output: str | Path, result: ArticleEvalResult) -> dict[str, Path]:
    """``metrics.json``, ``rows.jsonl`` (the scored rows) and ``mistakes.jsonl``."""
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"metrics": out / "metrics.json", "rows": out / "rows.jsonl",
             "mistakes": out / "mistakes.jsonl"}
    paths["metrics"].write_text(json.dumps(result.metrics, indent=2), encoding="utf-8")
    write_rows(paths["rows"], [r.to_dict() for r in result.rows])
    write_rows(paths["mistakes"], result.mistakes)
    return paths


def format_mistakes(mistakes: Iterable[Mapping[str, Any]]) -> str:
    """One line per disagreement, for a quick read in the terminal."""
    return "\n".join(f"{m['kind']:<12} {m['doc_id']:<8} {m['actor']:<28} {m['proposal_id']:<24} "
                     f"gold={m['gold']} pred={m['predicted']}" for m in mistakes)
