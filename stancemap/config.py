"""Typed training configs loaded from YAML, validated up front, with ``--set`` overrides.

Every value is spelled out in the YAML files under ``configs/``; the models below
give the types and defaults. Unknown keys, missing required values and wrong
types are errors that name the key and the file.

>>> cfg = load_config("configs/smoke.yaml", overrides=["train.epochs=2"])  # doctest: +SKIP
>>> cfg.train.epochs  # doctest: +SKIP
2
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from stancemap.errors import ConfigError

# auto/jsonl/csv/parquet: labelled-example files; the rest are adapters for public datasets
# (see stancemap.training.adapters), addressed as PATH or PATH#SPLIT.
DataFormat = Literal["auto", "jsonl", "csv", "parquet", "seesaw", "ibm_claim_stance",
                     "semeval", "vast"]


class _YamlLoader(yaml.SafeLoader):
    """SafeLoader that also reads ``5e-5`` as a float (YAML 1.1 needs ``5.0e-5``)."""


_YamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\d[\d_]*)?(?:\.[\d_]*)?[eE][-+]?\d+$|"
               r"^[-+]?(?:\d[\d_]*)?\.[\d_]+(?:[eE][-+]?\d+)?$|^[-+]?\d[\d_]*\.$"),
    list("-+0123456789."),
)


def parse_yaml(text: str) -> Any:
    """Parse YAML text with the project's loader.

    >>> parse_yaml("lr: 5e-5")
    {'lr': 5e-05}
    """
    return yaml.load(text, Loader=_YamlLoader)  # noqa: S506 - a SafeLoader subclass


class _Section(BaseModel):
    # strict: "3" is not an int, true is not an int; forbid: unknown keys are errors.
    model_config = ConfigDict(extra="forbid", strict=True)


class SplitConfig(_Section):
    dev: float = Field(0.1, gt=0, lt=1)  # share of examples for dev when no dev file is given
    test: float = Field(0.1, gt=0, lt=1)  # share for test when no test file is given


class SourceConfig(_Section):
    """One more data source, with its own format (e.g. SEESAW beside the project corpus)."""

    path: str  # a file, or a dataset folder; PATH#SPLIT picks a split (seesaw: train/valid)
    format: DataFormat = "auto"
    columns: dict[str, str] = Field(default_factory=dict)
    label_map: dict[str, str] = Field(default_factory=dict)


class AdapterConfig(_Section):
    author: Literal["drop", "keep"] = "drop"  # sentences whose stance holder is the author
    context: bool = True  # give adapters' examples the preceding sentence as context


class DataConfig(_Section):
    train: str  # path of the training file (or the only file, split by `split`)
    dev: str | None = None
    test: str | None = None
    format: DataFormat = "auto"  # auto: from the file suffix
    columns: dict[str, str] = Field(default_factory=dict)  # our field -> column in the file
    label_map: dict[str, str] = Field(default_factory=dict)  # raw label -> support/oppose/neutral
    dedupe: bool = True  # drop exact duplicate (text, actor, proposal, label) rows
    # rows without a context get the sentence before them in their document (file order)
    doc_context: bool = False
    split: SplitConfig = Field(default_factory=SplitConfig)
    extra_train: list[SourceConfig] = Field(default_factory=list)  # added to train after splitting
    eval_sets: dict[str, SourceConfig] = Field(default_factory=dict)  # extra sets to report on
    adapter: AdapterConfig = Field(default_factory=AdapterConfig)

    @model_validator(mode="after")
    def _check_columns(self) -> DataConfig:
        known = {"text", "actor", "proposal", "label", "id", "doc_id", "context", "actor_mention"}
        unknown = sorted(set(self.columns) - known)
        if unknown:
            raise ValueError(f"unknown field(s) in columns: {unknown}; known: {sorted(known)}")
        return self


class ModelConfig(_Section):
    base: str = "all-MiniLM-L6-v2"  # bundled MiniLM, a local directory or a hub id
    max_length: int = Field(128, ge=16, le=4096)  # tokens per (sentence, actor+proposal) pair
    # Keep only the first N transformer layers of the base (None: all): a proportionally
    # faster classifier. With the default recipe, 3 of MiniLM's 6 layers cost 23 points of
    # test macro-F1 (benchmarks/RESULTS.md), so it is a starting point for distillation,
    # not a ready fast model.
    layers: int | None = Field(None, ge=1)


class EncodingConfig(_Section):
    mark_actor: bool = True  # wrap the actor's mention in the sentence with markers
    use_context: bool = True  # prepend the `context` field when a row has one


class TrainConfig(_Section):
    epochs: int = Field(4, ge=1)
    max_steps: int | None = Field(None, ge=1)  # stop early after this many optimizer steps
    batch_size: int = Field(16, ge=1)
    group_by_length: bool = True  # batch similar-length pairs together: less padding, faster
    eval_batch_size: int = Field(64, ge=1)
    learning_rate: float = Field(5e-5, gt=0)
    weight_decay: float = Field(0.01, ge=0)
    warmup_ratio: float = Field(0.1, ge=0, lt=1)
    class_weights: bool = False  # weight the loss by inverse label frequency
    grad_clip: float = Field(1.0, gt=0)
    device: str = "auto"  # auto: cuda when available, else cpu
    # bf16: mixed precision (bfloat16 autocast, float32 weights and saved model); faster on
    # GPUs and on CPUs with AMX, emulated and slower on other CPUs
    precision: Literal["fp32", "bf16"] = "fp32"
    # each epoch, replace this share of training rows' actor mentions with another actor's
    # of the same kind (training/augment.py): the model learns cues, not names
    actor_swap: float = Field(0.0, ge=0, le=1)
    # fine-tune once more with each of these seeds and save the mean of the weights
    # (a "model soup"): one model at inference, steadier than any single seed
    soup_seeds: list[int] = Field(default_factory=list)


class TrackingConfig(_Section):
    enabled: bool = True
    uri: str = "sqlite:///mlflow.db"
    experiment: str = "stancemap"
    run_name: str | None = None
    register_as: str | None = None  # register the model under this name in the registry


class Config(_Section):
    output_dir: str  # the model goes to <output_dir>/model
    seed: int = 13
    baselines: bool = True  # also train and log the majority and TF-IDF baselines
    data: DataConfig
    model: ModelConfig = Field(default_factory=ModelConfig)
    encoding: EncodingConfig = Field(default_factory=EncodingConfig)
    train: TrainConfig = Field(default_factory=TrainConfig)
    tracking: TrackingConfig = Field(default_factory=TrackingConfig)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="python")


def apply_override(raw: dict[str, Any], override: str, source: str = "--set") -> None:
    """Apply one ``a.b=value`` override in place; the value is parsed as YAML.

    >>> d = {"train": {"epochs": 3}}
    >>> apply_override(d, "train.epochs=1"); d
    {'train': {'epochs': 1}}
    """
    if "=" not in override:
        raise ConfigError(f"{source}: expected KEY=VALUE, got {override!r}")
    key, value = override.split("=", 1)
    parts = key.strip().split(".")
    node = raw
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(f"{source}: {key}: {part} is not a section")
        node = child
    node[parts[-1]] = parse_yaml(value) if value.strip() else None


def _format_validation_error(err: ValidationError, path: str) -> str:
    lines = [f"invalid config {path}:"]
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(top level)"
        reason = "unknown key" if e["type"] == "extra_forbidden" else e["msg"]
        lines.append(f"  {key}: {reason}")
    return "\n".join(lines)


def config_from_dict(raw: dict[str, Any], path: str = "<dict>") -> Config:
    """Validate a plain dict into a :class:`Config`; errors name the key and ``path``."""
    try:
        return Config.model_validate(raw)
    except ValidationError as err:
        raise ConfigError(_format_validation_error(err, path)) from None


def read_yaml_mapping(path: str, kind: str = "config", empty_ok: bool = False) -> dict[str, Any]:
    """The top-level mapping of a YAML config file, or a :class:`ConfigError` naming the file.

    ``kind`` names the file in messages ("config", "score config"); with ``empty_ok`` an
    empty file reads as ``{}``.

    >>> read_yaml_mapping("configs/smoke.yaml")["output_dir"]  # doctest: +SKIP
    'runs/smoke'
    """
    try:
        with open(path, encoding="utf-8") as f:
            raw = parse_yaml(f.read())
    except FileNotFoundError:
        missing = "config file" if kind == "config" else kind
        raise ConfigError(f"{missing} not found: {path}") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"invalid YAML in {path}: {err}") from None
    if raw is None and empty_ok:
        return {}
    if not isinstance(raw, dict):
        raise ConfigError(f"invalid {kind} {path}: expected a mapping at the top level")
    return raw


def load_config(path: str | Path, overrides: list[str] | None = None) -> Config:
    """Load a YAML config, apply ``a.b=value`` overrides, and validate it.

    Relative data paths stay relative to the working directory, as a user types them.
    """
    path = str(path)
    raw = read_yaml_mapping(path)
    for override in overrides or []:
        apply_override(raw, override)
    return config_from_dict(raw, path)


def flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested dicts into dotted keys, as logged to MLflow.

    >>> flatten({"train": {"epochs": 1}, "seed": 3})
    {'train.epochs': 1, 'seed': 3}
    """
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, dict) and v:
            out.update(flatten(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out
