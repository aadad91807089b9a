"""Reference points for the transformer: majority class and TF-IDF + logistic regression.

Both see the same splits and the same pair text as the transformer (the sentence with
the actor marked, then "actor on proposal"), and each is logged as its own MLflow run in
the same experiment, so the MLflow UI lists them side by side.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from stancemap.encoding import pair_text
from stancemap.records import Example
from stancemap.training.metrics import compute_metrics


def baseline_text(ex: Example) -> str:
    first, second = pair_text(ex.text, ex.actor, ex.proposal, mention=ex.mention,
                              context=ex.context)
    return f"{first} || {second}"


class MajorityBaseline:
    """Always predicts the most frequent training label."""

    name = "majority"

    def fit(self, examples: Sequence[Example]) -> MajorityBaseline:
        self.label = Counter(ex.label for ex in examples).most_common(1)[0][0]
        return self

    def predict(self, examples: Sequence[Example]) -> list[str]:
        return [self.label] * len(examples)


class TfidfBaseline:
    """Word and bigram TF-IDF with a class-balanced logistic regression."""

    name = "tfidf_logreg"

    def __init__(self, seed: int = 13) -> None:
        self.pipeline = make_pipeline(
            TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True),
            LogisticRegression(max_iter=2000, C=5.0, class_weight="balanced", random_state=seed),
        )

    def fit(self, examples: Sequence[Example]) -> TfidfBaseline:
        self.pipeline.fit([baseline_text(e) for e in examples], [e.label for e in examples])
        return self

    def predict(self, examples: Sequence[Example]) -> list[str]:
        return list(self.pipeline.predict([baseline_text(e) for e in examples]))


def run_baselines(splits: Any, *, seed: int, tracker_factory: Any = None) -> dict[str, dict]:
    """Fit both baselines on ``splits.train``; return metrics per baseline and evaluation set.

    ``tracker_factory(name)`` opens an MLflow run (a :class:`Tracker` context) per baseline.
    """
    results: dict[str, dict] = {}
    for model in (MajorityBaseline(), TfidfBaseline(seed)):
        model.fit(splits.train)
        metrics = {}
        parts = {"dev": splits.dev, "test": splits.test, **getattr(splits, "eval_sets", {})}
        for split, part in parts.items():
            if part:
                metrics[split] = compute_metrics([e.label for e in part], model.predict(part))
        results[model.name] = metrics
        if tracker_factory is not None:
            with tracker_factory(model.name) as tracker:
                tracker.set_tags({"model_type": "baseline", "baseline": model.name})
                tracker.log_params({"baseline": model.name, "seed": seed,
                                    "train_examples": len(splits.train)})
                for split, m in metrics.items():
                    tracker.log_metrics({f"{split}_macro_f1": m["macro_f1"],
                                         f"{split}_accuracy": m["accuracy"]})
                    tracker.log_dict(m, f"{split}_metrics.json")
    return results
