"""The ONNX Runtime backend: export, int8 quantisation, the cache, and the same predictions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from stancemap.errors import StancemapError
from stancemap.inference import onnx_backend
from stancemap.inference.classifier import StanceClassifier
from stancemap.labels import LABELS
from stancemap.records import Prediction

from .conftest import make_rows, save_random_model


def save_tiny_model(directory: Path, seed: int = 0) -> Path:
    """A random two-layer model whose config names no data files that exist, so the export
    measures agreement on its built-in pairs."""
    return save_random_model(directory, seed=seed, layers=2,
                             config={"data": {"dev": str(directory / "missing.jsonl")}})


def load_torch(path: Path):
    return lambda: StanceClassifier.from_pretrained(path, threads=1)


def varied_rows() -> list[dict]:
    rows = make_rows(2)
    rows[3]["text"] += " It was a long day of talks in the capital. " * 5  # one long pair
    rows[7]["context"] = "The wage deal was tabled last week by the labour ministry."
    return rows


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A tiny model exported once to int8 (its log lines kept), shared by the tests."""
    path = save_tiny_model(tmp_path_factory.mktemp("onnx") / "model")
    logs: list[str] = []
    onnx_backend.load_onnx(path, load_torch(path), threads=1, log=logs.append)
    return path, logs


def test_export_writes_the_model_and_a_card_with_the_agreement(exported) -> None:
    path, logs = exported
    assert (path / "onnx" / "model.int8.onnx").exists()
    card = json.loads((path / "onnx" / "model.int8.json").read_text())
    assert card["fingerprint"] == onnx_backend.fingerprint(path)
    assert card["recipe"] == onnx_backend.RECIPE
    assert card["agreement_data"] == "built-in pairs"
    assert card["agreement_pairs"] == len(onnx_backend.builtin_pairs()) >= 200
    assert 0.0 <= card["agreement"] <= 1.0
    assert len(logs) == 1 and logs[0].startswith("onnx int8 agrees with torch on ")
    assert f"of {card['agreement_pairs']} labels" in logs[0]


def test_a_second_load_reuses_the_export(exported) -> None:
    path, _ = exported

    def no_export():
        raise AssertionError("exported again")

    before = (path / "onnx" / "model.int8.onnx").stat().st_mtime_ns
    runtime = onnx_backend.load_onnx(path, no_export, threads=1)
    assert runtime.path == path / "onnx" / "model.int8.onnx"
    assert (path / "onnx" / "model.int8.onnx").stat().st_mtime_ns == before
    clf = StanceClassifier.from_pretrained(path, backend="onnx", threads=1)
    assert clf.backend == "onnx" and clf.model is None


def test_int8_predictions_keep_shape_order_and_stay_close_to_torch(exported) -> None:
    path, _ = exported
    rows = varied_rows()
    torch_clf = StanceClassifier.from_pretrained(path, threads=1)
    onnx_clf = StanceClassifier.from_pretrained(path, backend="onnx", threads=1)
    probs = onnx_clf.predict_proba(rows, batch_size=5)
    assert probs.shape == (len(rows), len(LABELS)) and probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    # Order: the same pairs reversed come back reversed.
    np.testing.assert_allclose(onnx_clf.predict_proba(rows[::-1], batch_size=5), probs[::-1],
                               atol=0.02)  # int8 activations are scaled per batch
    reference = torch_clf.predict_proba(rows, batch_size=5)
    assert np.abs(probs - reference).max() < 0.05
    one = onnx_clf.predict(rows[0])
    assert isinstance(one, Prediction) and one.label in LABELS
    assert onnx_clf.predict([]) == []


def test_fp32_export_gives_torch_probabilities(exported, tmp_path, monkeypatch) -> None:
    path, _ = exported
    monkeypatch.setenv("STANCEMAP_CACHE", str(tmp_path / "cache"))
    runtime = onnx_backend.load_onnx(path, load_torch(path), threads=1, precision="fp32",
                                     log=lambda _: None)
    assert runtime.meta["agreement"] == 1.0
    torch_clf = StanceClassifier.from_pretrained(path, threads=1)
    onnx_clf = StanceClassifier.with_runtime(torch_clf, runtime)
    rows = varied_rows()
    np.testing.assert_allclose(onnx_clf.predict_proba(rows, batch_size=4),
                               torch_clf.predict_proba(rows, batch_size=4), atol=1e-5)


def copy_model(path: Path, to: Path, *, with_export: bool) -> Path:
    to.mkdir()
    for f in path.iterdir():
        if f.is_file():
            (to / f.name).write_bytes(f.read_bytes())
    if with_export:
        copy_model(path / "onnx", to / "onnx", with_export=False)
    return to


def test_new_weights_are_exported_again(exported, tmp_path) -> None:
    path = copy_model(exported[0], tmp_path / "model", with_export=True)
    calls = []

    def build():
        calls.append(1)
        return load_torch(path)()

    onnx_backend.load_onnx(path, build, threads=1, log=lambda _: None)
    assert calls == []  # the copied export matches the copied weights
    first = json.loads((path / "onnx" / "model.int8.json").read_text())["fingerprint"]
    save_tiny_model(path, seed=1)  # retrained in place
    onnx_backend.load_onnx(path, build, threads=1, log=lambda _: None)
    assert calls == [1]
    assert json.loads((path / "onnx" / "model.int8.json").read_text())["fingerprint"] != first


def test_a_read_only_model_directory_uses_the_user_cache(exported, tmp_path,
                                                         monkeypatch) -> None:
    path, _ = exported
    model_copy = copy_model(path, tmp_path / "readonly", with_export=False)
    cache = tmp_path / "cache"
    monkeypatch.setenv("STANCEMAP_CACHE", str(cache))
    # Tests may run as root, for whom chmod does not stop writes: fake the read-only mount.
    real = onnx_backend._writable
    monkeypatch.setattr(onnx_backend, "_writable",
                        lambda d: False if model_copy in d.parents or d == model_copy
                        else real(d))
    targets = []

    def fake_export(clf, model_dir, target, *, digest, precision, threads, log):
        # Where the export goes is the point here; the export itself is tested above.
        targets.append(target)
        (target / "model.int8.onnx").write_bytes((path / "onnx/model.int8.onnx").read_bytes())
        meta = {"fingerprint": digest, "recipe": onnx_backend.RECIPE}
        (target / "model.int8.json").write_text(json.dumps(meta))
        return target / "model.int8.onnx", meta

    monkeypatch.setattr(onnx_backend, "export", fake_export)
    runtime = onnx_backend.load_onnx(model_copy, lambda: None, threads=1)
    assert not (model_copy / "onnx").exists()
    assert targets and cache in targets[0].parents and runtime.path.parent == targets[0]
    # An MLflow download (a new directory each time) looks in the user cache first.
    again = onnx_backend.load_onnx(model_copy, lambda: pytest.fail("exported again"),
                                   threads=1, prefer_user_cache=True)
    assert again.path == runtime.path and len(targets) == 1


def test_threads_reach_onnx_runtime(exported) -> None:
    path, _ = exported
    clf = StanceClassifier.from_pretrained(path, backend="onnx", threads=1)
    assert clf.runtime.threads == 1
    assert clf.runtime.session.get_session_options().intra_op_num_threads == 1


def test_bad_backend_and_threads_are_refused(exported) -> None:
    path, _ = exported
    with pytest.raises(StancemapError, match="backend"):
        StanceClassifier.from_pretrained(path, backend="tensorflow")
    with pytest.raises(StancemapError, match="threads"):
        StanceClassifier.from_pretrained(path, backend="onnx", threads=0)
    with pytest.raises(ValueError, match="precision"):
        onnx_backend.load_onnx(path, load_torch(path), threads=1, precision="int4")


def test_an_onnx_classifier_cannot_be_saved(exported, tmp_path) -> None:
    path, _ = exported
    clf = StanceClassifier.from_pretrained(path, backend="onnx", threads=1)
    with pytest.raises(StancemapError, match="backend='torch'"):
        clf.save_pretrained(tmp_path / "out")


def test_builtin_pairs_are_varied_and_deterministic() -> None:
    pairs = onnx_backend.builtin_pairs()
    assert len(pairs) >= 200
    assert len({p.text for p in pairs}) > 150
    assert len({p.actor for p in pairs}) >= 10 and len({p.proposal for p in pairs}) >= 8
    assert any(p.context for p in pairs)
    assert [p.text for p in onnx_backend.builtin_pairs()] == [p.text for p in pairs]


def test_agreement_uses_the_models_own_dev_and_test_files(tmp_path) -> None:
    rows = make_rows(1)
    for name in ("train", "dev", "test"):
        (tmp_path / f"{name}.jsonl").write_text(
            "".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    (tmp_path / "config.yaml").write_text(json.dumps({"data": {
        s: str(tmp_path / f"{s}.jsonl") for s in ("train", "dev", "test")}}))
    calibration, agreement, source = onnx_backend.example_pairs(tmp_path)
    assert source == "dev, test" and len(agreement) == 2 * len(rows)
    assert len(calibration) == len(rows)
    assert agreement[0].text == rows[0]["text"]
