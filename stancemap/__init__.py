"""stancemap: who stands where on what in the news.

>>> from stancemap import StanceClassifier  # doctest: +SKIP
>>> clf = StanceClassifier.from_pretrained("runs/default/model")  # doctest: +SKIP
>>> clf.predict({"text": "Beijing opposes the referral.", "actor": "China",
...              "proposal": "ICC referral"}).label  # doctest: +SKIP
'oppose'

Heavy modules (torch, transformers) load only when their names are first used.
"""

from __future__ import annotations

from typing import Any

from stancemap.config import Config, load_config
from stancemap.errors import ConfigError, DataError, StancemapError
from stancemap.labels import LABELS
from stancemap.records import Example, Prediction

__version__ = "0.1.0"

_LAZY = {
    "StanceClassifier": "stancemap.inference.classifier",
    "ArticleScorer": "stancemap.inference.scorer",
    "score_articles": "stancemap.inference.scorer",
    "train": "stancemap.training.trainer",
}

__all__ = ["LABELS", "ArticleScorer", "Config", "ConfigError", "DataError", "Example",
           "Prediction", "StanceClassifier", "StancemapError", "load_config", "score_articles",
           "train"]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'stancemap' has no attribute {name!r}")
