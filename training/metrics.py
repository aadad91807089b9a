"""Classification metrics, reports and the confusion-matrix plot."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

from stancemap.labels import LABELS


def compute_metrics(gold: Sequence[str], pred: Sequence[str]) -> dict[str, Any]:
    """Accuracy, macro-F1 and per-label precision/recall/F1/support.

    >>> m = compute_metrics(["support", "oppose"], ["support", "neutral"])
    >>> m["accuracy"], m["per_class"]["support"]["f1"]
    (0.5, 1.0)
    """
    p, r, f, s = precision_recall_fscore_support(
        gold, pred, labels=list(LABELS), zero_division=0)
    # Macro-F1 averages the labels the gold data has: on a dataset without neutral rows
    # (SEESAW, IBM) a neutral F1 of 0 would say nothing about the model, only about the data.
    # Wrong neutral predictions still count, as lost recall of the true label.
    present = s > 0 if s.any() else np.ones_like(s, dtype=bool)
    return {
        "accuracy": float(accuracy_score(gold, pred)) if len(gold) else 0.0,
        "macro_f1": float(np.mean(f[present])),
        "per_class": {
            label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                    "support": int(s[i])}
            for i, label in enumerate(LABELS)
        },
        "n": len(gold),
    }


def confusion(gold: Sequence[str], pred: Sequence[str]) -> list[list[int]]:
    """Confusion matrix, rows gold and columns predicted, in :data:`LABELS` order."""
    return confusion_matrix(gold, pred, labels=list(LABELS)).tolist()


def format_report(metrics: dict[str, Any], title: str = "") -> str:
    """A plain-text classification report.

    >>> print(format_report(compute_metrics(["support"], ["support"])).splitlines()[0])
    label         precision  recall      f1  support
    """
    lines = [title] if title else []
    lines.append(f"{'label':<12}{'precision':>11}{'recall':>8}{'f1':>8}{'support':>9}")
    for label, m in metrics["per_class"].items():
        lines.append(f"{label:<12}{m['precision']:>11.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}"
                     f"{m['support']:>9d}")
    lines.append(f"{'accuracy':<12}{metrics['accuracy']:>35.3f}")
    lines.append(f"{'macro-F1':<12}{metrics['macro_f1']:>35.3f}")
    return "\n".join(lines)


def plot_confusion(matrix: list[list[int]], path: str | Path, title: str = "") -> Path:
    """Save the confusion matrix as a PNG and return its path."""
    import matplotlib

    matplotlib.use("Agg")  # no display on servers and CI
    import matplotlib.pyplot as plt

    arr = np.asarray(matrix)
    fig, ax = plt.subplots(figsize=(4.2, 3.6))
    ax.imshow(arr, cmap="Blues")
    ax.set_xticks(range(len(LABELS)), LABELS)
    ax.set_yticks(range(len(LABELS)), LABELS)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    for i in range(arr.shape[0]):
        for j in range(arr.shape[1]):
            color = "white" if arr[i, j] > arr.max() / 2 else "black"
            ax.text(j, i, str(arr[i, j]), ha="center", va="center", color=color)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
