from __future__ import annotations

import json

import numpy as np
import pytest

from stancemap.errors import DataError, StancemapError
from stancemap.inference.classifier import StanceClassifier, as_example, default_threads
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
    assert meta["encoding"]["doc_context"] is False
    again = StanceClassifier.from_pretrained(path)
    assert again.doc_context is False
    np.testing.assert_allclose(again.predict_proba(rows), classifier.predict_proba(rows),
                               atol=1e-5)


def test_a_model_trained_with_document_context_says_so_when_reloaded(classifier, tmp_path):
    classifier.doc_context = True
    try:
        path = classifier.save_pretrained(tmp_path / "m")
    finally:
        classifier.doc_context = False
    assert StanceClassifier.from_pretrained(path).doc_context is True


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


def test_padding_gives_the_arrays_tokenizer_pad_gives(classifier):
    rows = make_rows(1)
    rows[2]["text"] += " Talks went on late into the night." * 3
    features = classifier.features([as_example(r) for r in rows])
    ours = classifier.pad(features)
    theirs = classifier.tokenizer.pad(features, return_tensors="np")
    assert list(ours) == list(theirs)
    for key in ours:
        assert ours[key].dtype == np.int64
        np.testing.assert_array_equal(ours[key], theirs[key])


def test_threads_set_torch_threads_and_are_checked(trained):
    import torch

    before = torch.get_num_threads()
    try:
        StanceClassifier.from_pretrained(trained[1].model_dir, threads=1)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    with pytest.raises(StancemapError, match="threads"):
        StanceClassifier.from_pretrained(trained[1].model_dir, threads=0)
    with pytest.raises(StancemapError, match="backend"):
        StanceClassifier.from_pretrained(trained[1].model_dir, backend="jax")


def test_default_threads_counts_usable_physical_cores():
    import os

    n = default_threads()
    assert 1 <= n <= len(os.sched_getaffinity(0))


def test_slices_run_side_by_side_give_the_same_scores(classifier, monkeypatch):
    import threading

    import torch

    rows = make_rows(6)  # more rows than one CPU slice, so there are several slices
    rows[0]["text"] += " The talks ran late into the night." * 4
    classifier.threads = 1
    one = classifier.predict_proba(rows)
    seen: set[str] = set()
    forward = classifier._forward_torch

    def spy(batch):
        seen.add(threading.current_thread().name)
        assert torch.get_num_threads() == 1 and not torch.is_grad_enabled()
        return forward(batch)

    monkeypatch.setattr(classifier, "_forward_torch", spy)
    before = torch.get_num_threads()
    classifier.threads = 2
    two = classifier.predict_proba(rows)
    assert len(rows) > 16 and all(name.startswith("stancemap") for name in seen)
    np.testing.assert_allclose(two, one, atol=1e-5)
    assert torch.get_num_threads() == before  # the caller's setting is restored


def test_bf16_backend_runs_the_same_model_in_bfloat16(tmp_path, monkeypatch):
    import torch

    from stancemap.inference import classifier as classifier_module

    from .conftest import save_random_model

    path = save_random_model(tmp_path / "m")
    rows = make_rows(2)
    before = torch.get_num_threads()
    try:
        fp32 = StanceClassifier.from_pretrained(path, threads=1)
        monkeypatch.setattr(classifier_module, "native_bf16", lambda: True)
        bf16 = StanceClassifier.from_pretrained(path, backend="torch-bf16", threads=1)
        assert bf16.backend == "torch-bf16" and bf16.model.dtype == torch.bfloat16
        assert fp32.backend == "torch" and fp32.model.dtype == torch.float32
        a, b = fp32.predict_proba(rows), bf16.predict_proba(rows)
        assert b.dtype == np.float32 and np.allclose(b.sum(1), 1, atol=1e-3)
        np.testing.assert_allclose(b, a, atol=0.05)  # bf16 keeps ~3 significant digits
        assert (a.argmax(1) == b.argmax(1)).mean() >= 0.9
        # Where bf16 would be emulated, the user is told it will be slow.
        monkeypatch.setattr(classifier_module, "native_bf16", lambda: False)
        with pytest.warns(UserWarning, match="no native bfloat16"):
            StanceClassifier.from_pretrained(path, backend="torch-bf16", threads=1)
    finally:
        torch.set_num_threads(before)


def test_native_bf16_probe_is_a_bool_even_without_the_probes(monkeypatch):
    import torch

    from stancemap.inference.classifier import native_bf16

    assert isinstance(native_bf16(), bool)
    monkeypatch.delattr(torch.cpu, "_is_amx_tile_supported")
    assert native_bf16() is False
