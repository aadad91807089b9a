"""Record types shared by training and inference."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Example:
    """One labelled (or unlabelled) sentence-level pair.

    ``actor_mention`` is the actor's surface form in ``text`` when it differs from
    ``actor`` (e.g. actor "China", mention "Beijing"); the encoding marks it.

    >>> Example(text="Beijing rejected the plan.", actor="China", proposal="the plan",
    ...         actor_mention="Beijing").mention
    'Beijing'
    """

    text: str
    actor: str
    proposal: str
    label: str | None = None
    id: str | None = None
    doc_id: str | None = None
    context: str | None = None
    actor_mention: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def mention(self) -> str:
        """The string to look for in ``text`` when marking the actor."""
        return self.actor_mention or self.actor

    def to_dict(self) -> dict[str, Any]:
        row = {k: v for k, v in asdict(self).items() if k != "extra"}
        row.update(self.extra)
        return row


@dataclass
class Prediction:
    """A predicted label with the probability of every label.

    >>> p = Prediction(label="oppose", scores={"support": 0.1, "oppose": 0.8, "neutral": 0.1})
    >>> p.confidence
    0.8
    """

    label: str
    scores: dict[str, float]

    @property
    def confidence(self) -> float:
        return self.scores[self.label]
