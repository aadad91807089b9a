from __future__ import annotations

import json

import numpy as np
import pytest

from stancemap.errors import DataError, StancemapError
from stancemap.inference.classifier import StanceClassifier
from stancemap.labels import LABELS
from stancemap.records import Prediction

from .conftest import make_rows


def test_single_pair_gives_one_prediction(classifier):
    pred = classifier.predict({"text": "Seoul backed the plan.", "actor": "South Korea",
                               "proposal": "the plan", "actor_mention": "Seoul"})
    assert isinstance(pred, Prediction)
    assert pred.label in LABELS
    assert set(pred.scores) == set(LABELS)
    assert sum(pred.scores.values()) == pytest.approx(1.0, abs=1e-4)
    assert pred.confidence == max(pred.scores.values())


def test_batched_length_sorted_predictions_match_one_by_one(classifier):
    rows = make_rows(2)
    rows[3]["text"] = rows[3]["text"] + " " + "It was a long day of talks. " * 6
    batched = classifier.predict_proba(rows, batch_size=4)
    single = np.stack([classifier.predict_proba([r])[0] for r in rows])
    np.testing.assert_allclose(batched, single, atol=1e-4)
    labels = [p.label for p in classifier.predict(rows, batch_size=5)]
    assert labels == [LABELS[i] for i in single.argmax(1)]


def test_the_actor_changes_the_input(classifier):
    text = "Seoul backed the resolution but Beijing rejected it."
    a = classifier.predict_proba([{"text": text, "actor": "South Korea", "proposal": "r",
                                   "actor_mention": "Seoul"}])
    b = classifier.predict_proba([{"text": text, "actor": "China", "proposal": "r",
                                   "actor_mention": "Beijing"}])
    assert not np.allclose(a, b)


def test_empty_input_and_bad_rows(classifier):
    assert classifier.predict([]) == []
    with pytest.raises(DataError, match="field actor"):
        classifier.predict([{"text": "x", "proposal": "p"}])


def test_save_and_reload_give_same_scores(classifier, tmp_path):
    rows = make_rows(1)
    path = classifier.save_pretrained(tmp_path / "m", config={"seed": 1}, metrics={"f1": 0.5})
    assert (path / "model.safetensors").exists()
    assert json.loads((path / "config.json").read_text())["id2label"]["1"] == "oppose"
    meta = json.loads((path / "stancemap.json").read_text())
    assert meta["encoding_version"] == 1 and meta["labels"] == list(LABELS)
    again = StanceClassifier.from_pretrained(path)
    np.testing.assert_allclose(again.predict_proba(rows), classifier.predict_proba(rows),
                               atol=1e-5)


def test_encoding_version_mismatch_is_refused(classifier, tmp_path):
    path = classifier.save_pretrained(tmp_path / "m")
    meta = json.loads((path / "stancemap.json").read_text())
    meta["encoding_version"] = 999
    (path / "stancemap.json").write_text(json.dumps(meta))
    with pytest.raises(StancemapError, match="encoding version 999"):
        StanceClassifier.from_pretrained(path)


def test_not_a_model_directory(tmp_path):
    with pytest.raises(StancemapError, match="not a stancemap model"):
        StanceClassifier.from_pretrained(tmp_path)
    with pytest.raises(StancemapError, match="not found"):
        StanceClassifier.from_pretrained(tmp_path / "missing")


def test_predictions_ignore_training_mode(classifier):
    """The trainer evaluates a model between epochs: dropout must not leak into its scores."""
    rows = make_rows(1)
    expected = classifier.predict_proba(rows)
    classifier.model.train()
    try:
        np.testing.assert_allclose(classifier.predict_proba(rows), expected, atol=1e-6)
        assert classifier.model.training  # mode restored for the next training step
    finally:
        classifier.model.eval()
