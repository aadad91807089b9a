"""Combine sentence-level predictions into one stance per (article, actor, proposal).

An actor often meets a proposal in several sentences, and the sentences can disagree:
a neutral background sentence ("Seoul has co-sponsored the text before") next to a
clear one ("Seoul backed the resolution"), or a position that changes. The rules:

- ``mean`` (default): the mean of every sentence's scores.
- ``polar``: neutral evidence yields to support/oppose evidence. The row's scores are the
  mean over the sentences whose own label is support or oppose; if there are none, the
  mean over all.
- ``max``: the single most confident sentence decides.
- ``last``: the last sentence decides (a stance reported later is the current one).

Every evidence sentence is kept with its own label and scores, whatever the rule.

Measured on the 177 dev sample articles (2449 gold tuples; ``stancemap evaluate-articles
--part dev --aggregation RULE``), right tuples: with the default model (runs/default/model)
mean 1726, polar 1717; with the article model's recipe, each half of the dev articles
scored by a model trained on the other half's rows (the hand-made seed soups of
benchmarks/RESULTS.md), mean 1766, max 1760, polar 1755, last 1682. Mean won on both
halves and with both models, so it is the default: a sentence the classifier reads as a
stance is often background the gold calls neutral, and the mean lets such a sentence be
outvoted. (An early measurement on 16 articles had favoured polar, 0.642 tuple F1 against
0.630.)

>>> ev = [Evidence(0, 0, 10, "a", "neutral", {"support": .1, "oppose": 0, "neutral": .9}),
...       Evidence(3, 40, 60, "b", "support", {"support": .8, "oppose": .1, "neutral": .1})]
>>> aggregate(ev, "polar")
('support', {'support': 0.8, 'oppose': 0.1, 'neutral': 0.1})
>>> aggregate(ev, "mean")[0]
'neutral'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from stancemap.labels import LABELS

RULES = ("polar", "mean", "max", "last")
DEFAULT_RULE = "mean"  # measured above; ArticleScorer and aggregate() both start from it


@dataclass
class Evidence:
    """One sentence's prediction for a pair; offsets index into the article text."""

    sentence_index: int
    start: int
    end: int
    text: str
    label: str
    scores: dict[str, float]
    via: str = "sentence"  # which pairing rule linked it: sentence, quote, back-reference
    mention: str | None = None  # the actor's words in this sentence

    @property
    def confidence(self) -> float:
        return self.scores[self.label]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _mean(evidence: Sequence[Evidence]) -> dict[str, float]:
    return {label: sum(e.scores[label] for e in evidence) / len(evidence) for label in LABELS}


def _argmax(scores: dict[str, float]) -> str:
    return max(LABELS, key=lambda label: scores[label])


def aggregate(evidence: Sequence[Evidence],
              rule: str = DEFAULT_RULE) -> tuple[str, dict[str, float]]:
    """The (label, scores) of one row from its evidence sentences under ``rule``."""
    if not evidence:
        raise ValueError("aggregate needs at least one evidence sentence")
    if rule not in RULES:
        raise ValueError(f"unknown aggregation rule {rule!r}; choose from {', '.join(RULES)}")
    if rule == "max":
        best = max(evidence, key=lambda e: e.confidence)
        scores = dict(best.scores)
    elif rule == "last":
        scores = dict(max(evidence, key=lambda e: e.start).scores)
    elif rule == "mean":
        scores = _mean(evidence)
    else:
        polar = [e for e in evidence if e.label != "neutral"]
        scores = _mean(polar or evidence)
    scores = {label: round(scores[label], 6) for label in LABELS}
    return _argmax(scores), scores
