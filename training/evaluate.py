"""Evaluate a model on labelled examples: metrics, and optionally a report directory."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from stancemap.inference.classifier import StanceClassifier
from stancemap.records import Example
from stancemap.tables import write_rows
from stancemap.training.metrics import (
    compute_metrics,
    confusion,
    format_report,
    plot_confusion,
)


def evaluate_examples(
    classifier: StanceClassifier, examples: Sequence[Example], *, batch_size: int = 64,
) -> tuple[dict[str, Any], list[str], list[dict[str, float]]]:
    """Predict every example; return ``(metrics, predicted labels, scores)``."""
    preds = classifier.predict(list(examples), batch_size=batch_size)
    labels = [p.label for p in preds]
    metrics = compute_metrics([e.label for e in examples], labels)
    metrics["confusion_matrix"] = confusion([e.label for e in examples], labels)
    return metrics, labels, [p.scores for p in preds]


def write_report(
    output: str | Path, examples: Sequence[Example], metrics: dict[str, Any],
    labels: Sequence[str], scores: Sequence[dict[str, float]], title: str = "",
) -> dict[str, Path]:
    """Write metrics.json, report.txt, confusion_matrix.png and misclassified.jsonl."""
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "metrics": out / "metrics.json",
        "report": out / "report.txt",
        "confusion": out / "confusion_matrix.png",
        "misclassified": out / "misclassified.jsonl",
    }
    paths["metrics"].write_text(json.dumps(metrics, indent=2), encoding="utf-8")
    paths["report"].write_text(format_report(metrics, title) + "\n", encoding="utf-8")
    plot_confusion(metrics["confusion_matrix"], paths["confusion"], title)
    wrong = [
        {"id": ex.id, "text": ex.text, "actor": ex.actor, "proposal": ex.proposal,
         "gold": ex.label, "predicted": label, "scores": score}
        for ex, label, score in zip(examples, labels, scores) if label != ex.label
    ]
    write_rows(paths["misclassified"], wrong)
    return paths
