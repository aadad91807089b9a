"""The three stance labels, their ids, and mapping of other spellings onto them."""

from __future__ import annotations

from collections.abc import Mapping

LABELS: tuple[str, ...] = ("support", "oppose", "neutral")
LABEL2ID: dict[str, int] = {label: i for i, label in enumerate(LABELS)}
ID2LABEL: dict[int, str] = dict(enumerate(LABELS))

# Spellings seen in public stance datasets; a config's `data.label_map` extends these.
DEFAULT_LABEL_MAP: dict[str, str] = {
    "support": "support", "supports": "support", "favor": "support", "favour": "support",
    "pro": "support", "pos": "support", "positive": "support", "agree": "support",
    "oppose": "oppose", "opposes": "oppose", "against": "oppose", "con": "oppose",
    "neg": "oppose", "negative": "oppose", "disagree": "oppose",
    "neutral": "neutral", "none": "neutral", "neu": "neutral", "neither": "neutral",
}


def normalize_label(value: object, label_map: Mapping[str, str] | None = None) -> str | None:
    """Map a raw label to one of :data:`LABELS`, or return ``None`` if it is unknown.

    >>> normalize_label("FAVOR")
    'support'
    >>> normalize_label("-1", {"-1": "oppose"})
    'oppose'
    """
    key = str(value).strip()
    for table in (label_map or {}, DEFAULT_LABEL_MAP):
        for candidate in (key, key.lower()):
            if candidate in table:
                mapped = table[candidate]
                return mapped if mapped in LABEL2ID else None
    return None
