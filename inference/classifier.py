"""StanceClassifier: load a fine-tuned model and label (sentence, actor, proposal) pairs."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np
import torch

from stancemap.encoding import ENCODING_VERSION, encode_pairs
from stancemap.errors import DataError, StancemapError
from stancemap.inference.model_uri import MODEL_META, resolve_model_dir
from stancemap.labels import ID2LABEL, LABEL2ID, LABELS
from stancemap.records import Example, Prediction

PairInput = Mapping[str, Any] | Example


def as_example(item: PairInput, index: int = 0) -> Example:
    """Turn a dict (or an :class:`Example`) into an :class:`Example`, checking required fields."""
    if isinstance(item, Example):
        return item
    if not isinstance(item, Mapping):
        raise DataError(f"expected a dict with text, actor, proposal; got {type(item).__name__}",
                        line=index)
    for key in ("text", "actor", "proposal"):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            raise DataError("missing or empty", line=index, field=key)
    context = item.get("context")
    return Example(text=item["text"], actor=item["actor"], proposal=item["proposal"],
                   context=context if isinstance(context, str) and context else None,
                   actor_mention=item.get("actor_mention") or None)


def pick_device(device: str | None = None) -> torch.device:
    if device in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


class StanceClassifier:
    """A fine-tuned sequence-pair classifier for actor-proposal stance.

    >>> clf = StanceClassifier.from_pretrained("runs/smoke/model")  # doctest: +SKIP
    >>> clf.predict({"text": "Beijing rejected the referral.", "actor": "China",
    ...              "proposal": "ICC referral", "actor_mention": "Beijing"})  # doctest: +SKIP
    Prediction(label='oppose', scores={'support': 0.03, 'oppose': 0.94, 'neutral': 0.03})

    A single pair gives one :class:`Prediction`; a list gives a list in the same order.
    """

    def __init__(
        self, model: Any, tokenizer: Any, *, max_length: int = 128, mark_actor: bool = True,
        use_context: bool = True, device: str | None = None, name: str = "stancemap",
    ) -> None:
        self.device = pick_device(device)
        self.model = model.to(self.device).eval()
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.mark_actor = mark_actor
        self.use_context = use_context
        self.name = name  # the model reference given to from_pretrained; output rows cite it

    # ----------------------------------------------------------------- loading and saving
    @classmethod
    def from_pretrained(
        cls, model: str | os.PathLike[str], *, device: str | None = None,
        tracking_uri: str | None = None,
    ) -> StanceClassifier:
        """Load from a model directory, ``runs:/<id>/model`` or ``models:/<name>/<version>``."""
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        path = resolve_model_dir(model, tracking_uri=tracking_uri)
        meta = json.loads((path / MODEL_META).read_text(encoding="utf-8"))
        if meta.get("encoding_version") != ENCODING_VERSION:
            raise StancemapError(
                f"{model}: model uses pair encoding version {meta.get('encoding_version')}, "
                f"this stancemap writes version {ENCODING_VERSION}; retrain or install a "
                "matching stancemap")
        hf_model = AutoModelForSequenceClassification.from_pretrained(path)
        tokenizer = AutoTokenizer.from_pretrained(path)
        return cls(hf_model, tokenizer, max_length=meta["max_length"],
                   mark_actor=meta["encoding"]["mark_actor"],
                   use_context=meta["encoding"]["use_context"], device=device, name=str(model))

    def save_pretrained(
        self, directory: str | os.PathLike[str], *, config: Mapping[str, Any] | None = None,
        metrics: Mapping[str, Any] | None = None,
    ) -> Path:
        """Save weights (safetensors), tokenizer, label maps, encoding, config and metrics."""
        import yaml

        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        self.model.config.id2label = dict(ID2LABEL)
        self.model.config.label2id = dict(LABEL2ID)
        self.model.save_pretrained(out, safe_serialization=True)
        self.tokenizer.save_pretrained(out)
        meta = {
            "encoding_version": ENCODING_VERSION,
            "encoding": {"mark_actor": self.mark_actor, "use_context": self.use_context},
            "max_length": self.max_length,
            "labels": list(LABELS),
        }
        (out / MODEL_META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if config is not None:
            (out / "config.yaml").write_text(yaml.safe_dump(dict(config), sort_keys=False),
                                             encoding="utf-8")
        if metrics is not None:
            (out / "metrics.json").write_text(json.dumps(dict(metrics), indent=2),
                                              encoding="utf-8")
        return out

    # ----------------------------------------------------------------------- prediction
    def predict_proba(self, pairs: Sequence[PairInput], batch_size: int = 64) -> np.ndarray:
        """Label probabilities, shape ``(len(pairs), 3)``, columns in :data:`LABELS` order.

        Pairs are sorted by token length and batched with padding to the longest in each
        batch (far less padding than one global length), then put back in input order.
        """
        examples = [as_example(p, i) for i, p in enumerate(pairs)]
        if not examples:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        encoded = encode_pairs(self.tokenizer, examples, max_length=self.max_length,
                               mark_actor=self.mark_actor, use_context=self.use_context)
        features = [{k: encoded[k][i] for k in encoded} for i in range(len(examples))]
        order = np.argsort([-len(f["input_ids"]) for f in features], kind="stable")
        probs = np.empty((len(examples), len(LABELS)), dtype=np.float32)
        # Predictions always run without dropout, even when the trainer evaluates a model
        # that is mid-training; its mode is restored afterwards.
        was_training = self.model.training
        self.model.eval()
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                idx = order[start:start + batch_size]
                batch = self.tokenizer.pad([features[i] for i in idx], return_tensors="pt")
                batch = {k: v.to(self.device) for k, v in batch.items()}
                logits = self.model(**batch).logits
                probs[idx] = torch.softmax(logits.float(), dim=-1).cpu().numpy()
        self.model.train(was_training)
        return probs

    @overload
    def predict(self, pairs: PairInput, batch_size: int = ...) -> Prediction: ...
    @overload
    def predict(self, pairs: Sequence[PairInput], batch_size: int = ...) -> list[Prediction]: ...

    def predict(
        self, pairs: PairInput | Sequence[PairInput], batch_size: int = 64,
    ) -> Prediction | list[Prediction]:
        """Label one pair (returns a :class:`Prediction`) or many (returns a list)."""
        single = isinstance(pairs, (Mapping, Example))
        items = [pairs] if single else list(pairs)  # type: ignore[list-item]
        probs = self.predict_proba(items, batch_size=batch_size)
        preds = [
            Prediction(label=LABELS[int(row.argmax())],
                       scores={label: round(float(p), 6) for label, p in zip(LABELS, row)})
            for row in probs
        ]
        return preds[0] if single else preds
