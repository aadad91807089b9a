from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from stancemap.config import Config, apply_override, flatten, load_config
from stancemap.errors import ConfigError

from .conftest import REPO

# Training configs; configs/score.yaml is a scoring config (tests/test_batch_score.py).
CONFIGS = sorted(p for p in (REPO / "configs").glob("*.yaml") if p.name != "score.yaml")


def test_configs_folder_is_not_empty():
    names = {p.name for p in CONFIGS}
    assert {"default.yaml", "smoke.yaml"} <= names


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_every_config_loads(path: Path):
    cfg = load_config(path)
    assert isinstance(cfg, Config)
    assert cfg.output_dir and cfg.tracking.uri


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def base() -> dict:
    return {"output_dir": "out", "data": {"train": "t.jsonl"}}


def test_unknown_key_names_key_and_file(tmp_path):
    data = base()
    data["train"] = {"epoch": 3}
    path = _write(tmp_path, data)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "train.epoch" in str(err.value) and str(path) in str(err.value)
    assert "unknown key" in str(err.value)


def test_wrong_type_is_an_error(tmp_path):
    data = base()
    data["train"] = {"epochs": "three"}
    with pytest.raises(ConfigError, match=r"train\.epochs"):
        load_config(_write(tmp_path, data))


def test_bool_is_not_an_int(tmp_path):
    data = base()
    data["train"] = {"epochs": True}
    with pytest.raises(ConfigError, match=r"train\.epochs"):
        load_config(_write(tmp_path, data))


def test_missing_required_value(tmp_path):
    path = _write(tmp_path, {"output_dir": "out"})
    with pytest.raises(ConfigError, match=r"data: Field required"):
        load_config(path)


def test_unknown_column_field(tmp_path):
    data = base()
    data["data"]["columns"] = {"sentence": "text"}
    with pytest.raises(ConfigError, match="unknown field"):
        load_config(_write(tmp_path, data))


def test_overrides_parse_yaml_values(tmp_path):
    cfg = load_config(_write(tmp_path, base()),
                      overrides=["train.epochs=1", "train.learning_rate=3e-5",
                                 "tracking.register_as=my-model", "encoding.mark_actor=false"])
    assert cfg.train.epochs == 1
    assert cfg.train.learning_rate == pytest.approx(3e-5)
    assert cfg.tracking.register_as == "my-model"
    assert cfg.encoding.mark_actor is False


def test_override_of_unknown_key_fails(tmp_path):
    with pytest.raises(ConfigError, match=r"train\.epoks"):
        load_config(_write(tmp_path, base()), overrides=["train.epoks=1"])


def test_override_without_equals_fails():
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        apply_override({}, "train.epochs")


def test_missing_file_and_bad_yaml(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        load_config(bad)


def test_flatten_gives_dotted_keys():
    cfg = load_config(CONFIGS[0])
    flat = flatten(cfg.to_dict())
    assert "train.epochs" in flat and "data.split.dev" in flat
