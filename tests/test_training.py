"""Training through the library function, with a temporary MLflow store."""

from __future__ import annotations

import json

import mlflow
import numpy as np
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from stancemap.inference.classifier import StanceClassifier
from stancemap.labels import LABELS
from stancemap.training.trainer import train

from .conftest import REPO, make_rows, tiny_config


def test_model_directory_holds_everything(trained):
    cfg, result = trained
    d = result.model_dir
    for name in ("model.safetensors", "config.json", "tokenizer.json", "stancemap.json",
                 "config.yaml", "metrics.json"):
        assert (d / name).exists(), name
    metrics = json.loads((d / "metrics.json").read_text())
    assert {"dev", "test", "best_epoch"} <= set(metrics)
    assert 0.0 <= metrics["test"]["macro_f1"] <= 1.0
    assert len(result.history) == 2 and result.history[-1]["step"] == 4


def test_mlflow_run_has_params_metrics_artifacts(trained):
    cfg, result = trained
    client = MlflowClient(cfg.tracking.uri)
    run = client.get_run(result.run_id)
    assert run.data.params["train.max_steps"] == "4"
    assert run.data.params["data.train"] == cfg.data.train
    assert "test_macro_f1" in run.data.metrics
    assert len(client.get_metric_history(result.run_id, "dev_macro_f1")) == 2
    tags = run.data.tags
    assert len(tags["data.train.sha256"]) == 64
    assert "git_commit" in tags and tags["version.torch"]
    artifacts = {a.path for a in client.list_artifacts(result.run_id, "reports/test")}
    assert "reports/test/confusion_matrix.png" in artifacts
    assert "reports/test/report.txt" in artifacts
    assert result.tracking_error is None


def test_baselines_logged_in_same_experiment(trained):
    cfg, result = trained
    assert set(result.baselines) == {"majority", "tfidf_logreg"}
    exp = mlflow.MlflowClient(cfg.tracking.uri).get_experiment_by_name("tests")
    runs = mlflow.search_runs([exp.experiment_id])
    assert set(runs["tags.model_type"]) == {"transformer", "baseline"}
    assert set(runs["tags.baseline"].dropna()) == {"majority", "tfidf_logreg"}


def test_reload_from_runs_and_models_uri(trained):
    cfg, result = trained
    local = StanceClassifier.from_pretrained(result.model_dir)
    rows = make_rows(1)
    expected = local.predict_proba(rows)
    from_run = StanceClassifier.from_pretrained(f"runs:/{result.run_id}/model",
                                                tracking_uri=cfg.tracking.uri)
    np.testing.assert_allclose(from_run.predict_proba(rows), expected, atol=1e-5)
    assert result.registered_uri == "models:/tiny-stance/1"
    from_registry = StanceClassifier.from_pretrained(result.registered_uri,
                                                     tracking_uri=cfg.tracking.uri)
    np.testing.assert_allclose(from_registry.predict_proba(rows), expected, atol=1e-5)


def test_pyfunc_model_predicts(trained):
    cfg, result = trained
    mlflow.set_tracking_uri(cfg.tracking.uri)
    model = mlflow.pyfunc.load_model(f"runs:/{result.run_id}/model")
    frame = pd.DataFrame(make_rows(1))[["text", "actor", "proposal"]]
    out = model.predict(frame)
    assert list(out.columns) == ["label", "confidence"] + [f"score_{x}" for x in LABELS]
    assert len(out) == len(frame) and set(out["label"]) <= set(LABELS)


def test_pyfunc_signature_is_what_spark_udf_needs(trained):
    """Loaded as ``mlflow.pyfunc.spark_udf`` loads it (pyspark itself is not a dependency).

    spark_udf takes its struct result type from the output schema, and the README spells
    that type out; Spark hands missing optional values (here ``actor_mention``) over as NaN.
    """
    cfg, result = trained
    mlflow.set_tracking_uri(cfg.tracking.uri)
    model = mlflow.pyfunc.load_model(f"runs:/{result.run_id}/model")
    assert model.metadata.get_input_schema().required_input_names() == [
        "text", "actor", "proposal"]
    outputs = model.metadata.get_output_schema()
    frame = pd.DataFrame(make_rows(1))[["text", "actor", "proposal", "actor_mention"]]
    assert frame["actor_mention"].isna().any()
    out = model.predict(frame, params={"batch_size": 4})
    assert list(out.columns) == outputs.input_names()
    for spec in outputs.inputs:
        kind = {"string": str, "double": float}[spec.type.name]
        assert all(isinstance(v, kind) for v in out[spec.name]), spec.name
    ddl = ", ".join(f"{spec.name} {spec.type.name}" for spec in outputs.inputs)
    assert f'"{ddl}"' in (REPO / "README.md").read_text(encoding="utf-8")


def test_same_seed_same_model(trained, tiny_data, tmp_path):
    cfg, result = trained
    again = train(tiny_config(tiny_data, tmp_path, enabled=False), log_fn=lambda _: None)
    assert again.run_id is None
    assert [h["train_loss"] for h in again.history] == pytest.approx(
        [h["train_loss"] for h in result.history], rel=1e-4)


def test_tracking_failure_keeps_the_model(tiny_data, tmp_path):
    cfg = tiny_config(tiny_data, tmp_path)
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the store's folder should be")
    cfg.tracking.uri = f"sqlite:///{blocker}/mlflow.db"
    cfg.baselines = False
    result = train(cfg, log_fn=lambda _: None)
    assert result.tracking_error and "MLflow" in result.tracking_error
    assert (result.model_dir / "model.safetensors").exists()


def test_data_hash_of_file_and_dataset_folder(tmp_path):
    from stancemap.training.tracking import file_sha256

    folder = tmp_path / "ds"
    (folder / "meta").mkdir(parents=True)
    (folder / "meta" / "a.json").write_text("{}")
    before = file_sha256(f"{folder}#train")
    assert before == file_sha256(folder)  # the split suffix names a part, not other bytes
    (folder / "meta" / "a.json").write_text('{"x": 1}')
    assert file_sha256(folder) != before
    assert len(file_sha256(folder / "meta" / "a.json")) == 64


def test_model_layers_keeps_the_first_layers_of_the_base(trained, tiny_data, tmp_path):
    from stancemap.errors import ConfigError

    cfg = tiny_config(tiny_data, tmp_path, enabled=False)
    cfg.model.layers, cfg.baselines, cfg.train.max_steps = 2, False, 1
    result = train(cfg, log_fn=lambda _: None)
    small = StanceClassifier.from_pretrained(result.model_dir)
    full = StanceClassifier.from_pretrained(trained[1].model_dir)
    assert small.model.config.num_hidden_layers == 2
    assert full.model.config.num_hidden_layers == 6
    cfg.model.layers = 7
    with pytest.raises(ConfigError, match="model.layers: 7 is more than the 6 layers"):
        train(cfg, log_fn=lambda _: None)


def test_bf16_mixed_precision_trains_and_saves_a_float32_model(tiny_data, tmp_path, monkeypatch):
    import torch

    cfg = tiny_config(tiny_data, tmp_path, enabled=False)
    cfg.baselines, cfg.train.max_steps, cfg.train.precision = False, 2, "bf16"
    losses: list[tuple[bool, torch.dtype]] = []  # (under autocast, logits dtype) per step
    linear_out: list[torch.dtype] = []
    real_loss, real_linear = torch.nn.CrossEntropyLoss.forward, torch.nn.Linear.forward

    def loss_spy(self, logits, labels):
        losses.append((torch.is_autocast_enabled("cpu"), logits.dtype))
        return real_loss(self, logits, labels)

    def linear_spy(self, x):
        out = real_linear(self, x)
        linear_out.append(out.dtype)
        return out

    monkeypatch.setattr(torch.nn.CrossEntropyLoss, "forward", loss_spy)
    monkeypatch.setattr(torch.nn.Linear, "forward", linear_spy)
    result = train(cfg, log_fn=lambda _: None)
    monkeypatch.undo()
    # The forward passes ran in bf16; the loss outside autocast, on float32 logits.
    assert torch.bfloat16 in linear_out
    assert losses == [(False, torch.float32)] * 2
    saved = StanceClassifier.from_pretrained(result.model_dir)
    assert saved.model.dtype == torch.float32
    assert all(torch.isfinite(p).all() for p in saved.model.parameters())


def _weights(model_dir):
    from safetensors.torch import load_file

    return load_file(str(model_dir / "model.safetensors"))


def test_a_soup_is_the_mean_of_its_seeds_models(trained, tiny_data, tmp_path):
    cfg, single = trained  # seed 3
    other = tiny_config(tiny_data, tmp_path / "seed4", enabled=False)
    other.seed = 4
    other.baselines = False
    other_model = train(other, log_fn=lambda _: None).model_dir
    soup_cfg = tiny_config(tiny_data, tmp_path / "soup", enabled=False)
    soup_cfg.baselines = False
    soup_cfg.train.soup_seeds = [4]
    soup = train(soup_cfg, log_fn=lambda _: None)

    a, b, mean = _weights(single.model_dir), _weights(other_model), _weights(soup.model_dir)
    name = "classifier.weight"
    assert not np.allclose(a[name].numpy(), b[name].numpy())  # two different models ...
    for key in (name, "bert.encoder.layer.0.attention.self.query.weight"):
        np.testing.assert_allclose(mean[key].numpy(), ((a[key] + b[key]) / 2).numpy(),
                                   atol=1e-5)  # ... and the soup is their mean
    assert {h["seed"] for h in soup.history} == {3, 4}
    assert len(soup.metrics["best_epoch"]) == 2 and "test" in soup.metrics


def test_actor_swap_changes_what_the_model_is_trained_on(trained, tiny_data, tmp_path):
    _, plain = trained
    swapped_cfg = tiny_config(tiny_data, tmp_path, enabled=False)
    swapped_cfg.baselines = False
    swapped_cfg.train.actor_swap = 1.0
    swapped = train(swapped_cfg, log_fn=lambda _: None)
    assert [h["train_loss"] for h in swapped.history] != pytest.approx(
        [h["train_loss"] for h in plain.history], rel=1e-4)


def test_a_trained_model_as_base_keeps_its_head(trained, tiny_data, tmp_path):
    # configs/articles.yaml fine-tunes runs/default/model further: its classification head
    # must be loaded, not drawn afresh (a new head would differ at the scale of its init).
    base_dir = trained[1].model_dir
    cfg = tiny_config(tiny_data, tmp_path, enabled=False)
    cfg.model.base, cfg.seed, cfg.baselines = str(base_dir), 5, False
    cfg.train.max_steps, cfg.train.learning_rate, cfg.train.warmup_ratio = 1, 1e-7, 0.0
    result = train(cfg, log_fn=lambda _: None)
    before, after = _weights(base_dir), _weights(result.model_dir)
    name = "classifier.weight"
    assert float(before[name].abs().mean()) > 1e-3
    np.testing.assert_allclose(after[name].numpy(), before[name].numpy(), atol=1e-5)
    assert StanceClassifier.from_pretrained(result.model_dir).model.config.id2label == \
        dict(enumerate(LABELS))
