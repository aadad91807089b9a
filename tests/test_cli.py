"""The command line as a user runs it: the console script in a subprocess."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest

from .conftest import REPO, make_rows, write_jsonl

STANCEMAP = shutil.which("stancemap") or f"{sys.executable} -m stancemap"


def run(*args: str, env: dict | None = None, cwd=REPO) -> subprocess.CompletedProcess:
    cmd = [*STANCEMAP.split(), *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=600,
                          env={**os.environ, **(env or {})})


def test_smoke_train_reload_from_mlflow_and_predict(tmp_path):
    """End to end: train real MiniLM on configs/smoke.yaml, reload from runs:/, predict."""
    uri = f"sqlite:///{tmp_path}/mlflow.db"
    done = run("train", "configs/smoke.yaml", "--set", f"output_dir={tmp_path}/smoke",
               "--set", f"tracking.uri={uri}", "--set", "baselines=true")
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"model: (\S+)  mlflow run: ([0-9a-f]{32})", last)
    assert match, last
    assert (tmp_path / "smoke" / "model" / "model.safetensors").exists()
    assert "tfidf_logreg" in done.stdout and "majority" in done.stdout

    rows = make_rows(1)
    inp = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.csv"
    model_uri = f"runs:/{match.group(2)}/model"
    pred = run("predict", "--model", model_uri, "--input", str(inp), "--output", str(out),
               env={"MLFLOW_TRACKING_URI": uri})
    assert pred.returncode == 0, pred.stderr
    frame = pd.read_csv(out)
    assert list(frame["id"]) == [r["id"] for r in rows]  # same order as the input
    assert list(frame["gold_label"]) == [r["label"] for r in rows]
    assert set(frame["label"]) <= {"support", "oppose", "neutral"}
    assert all(abs(sum(json.loads(s).values()) - 1) < 1e-3 for s in frame["scores"])
    assert set(frame["model"]) == {model_uri}

    ev = run("evaluate", "--model", str(tmp_path / "smoke" / "model"), "--data", str(inp),
             "--output", str(tmp_path / "report"))
    assert ev.returncode == 0, ev.stderr
    metrics = json.loads(ev.stdout)
    assert {"accuracy", "macro_f1", "per_class"} <= set(metrics)
    assert metrics["per_class"]["support"]["support"] == 4
    assert (tmp_path / "report" / "confusion_matrix.png").stat().st_size > 1000
    assert (tmp_path / "report" / "misclassified.jsonl").exists()


def test_module_entry_point_shows_help():
    done = subprocess.run([sys.executable, "-m", "stancemap", "--help"], capture_output=True,
                          text=True, cwd=REPO)
    assert done.returncode == 0 and "train" in done.stdout and "predict" in done.stdout


@pytest.mark.parametrize("override,needle", [
    ("train.epoks=1", "train.epoks: unknown key"),
    ("train.epochs=many", "train.epochs"),
])
def test_bad_config_is_a_clear_error(override, needle):
    done = run("train", "configs/smoke.yaml", "--set", override)
    assert done.returncode == 2
    assert needle in done.stderr and "configs/smoke.yaml" in done.stderr
    assert "Traceback" not in done.stderr


def test_bad_prediction_input_names_file_line_field(tmp_path, trained):
    rows = make_rows(1)
    del rows[2]["actor"]
    inp = write_jsonl(tmp_path / "in.jsonl", rows)
    done = run("predict", "--model", str(trained[1].model_dir), "--input", str(inp),
               "--output", str(tmp_path / "o.jsonl"))
    assert done.returncode == 2
    assert f"{inp}:3: field actor: missing or empty" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "o.jsonl").exists()


def test_missing_model_is_a_clear_error(tmp_path):
    inp = write_jsonl(tmp_path / "in.jsonl", make_rows(1))
    done = run("evaluate", "--model", str(tmp_path / "nope"), "--data", str(inp))
    assert done.returncode == 2 and "model directory not found" in done.stderr
