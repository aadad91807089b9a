"""The scoring config: how ``stancemap score`` runs, from YAML and command-line flags.

``configs/score.yaml`` spells out every setting with a comment saying why. A flag given on
the command line overrides the config's value; a setting in neither takes the default here.
Unknown keys and wrong types are errors that name the key and where it came from.

>>> cfg = load_score_config("configs/score.yaml", {"chunk_size": 32})  # doctest: +SKIP
>>> cfg.chunk_size, cfg.backend  # doctest: +SKIP
(32, 'torch')
>>> ScoreConfig().on_error
'skip'
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, ValidationError

from stancemap.config import _Section, read_yaml_mapping
from stancemap.errors import ConfigError

# How the classifier runs: PyTorch in float32, int8 ONNX Runtime, or PyTorch in bfloat16.
Backend = Literal["torch", "onnx", "torch-bf16"]
BACKENDS: tuple[str, ...] = get_args(Backend)


class ScoreConfig(_Section):
    """Every choice of a scoring run except its input and output files."""

    model: str | None = None  # model directory or runs:/ / models:/ URI (or --model)
    proposals: str | None = None  # proposals YAML; None: find proposals automatically
    actors: str | None = None  # your own actor aliases (YAML, same shape as proposals)
    # onnx: int8 ONNX Runtime, faster on most CPUs; torch-bf16: bfloat16, for AMX CPUs and GPUs
    backend: Backend = "torch"
    threads: int | None = Field(None, ge=1)  # CPU threads for the model; None: the backend's
    engine: Literal["local", "ray"] = "local"  # ray: the same scoring on Ray Data
    workers: int = Field(1, ge=1)  # local: scoring processes, each with its own model
    concurrency: int | None = Field(None, ge=1)  # ray: scorer workers; None: Ray decides
    chunk_size: int = Field(128, ge=1)  # input records per committed chunk (resume unit)
    batch_size: int = Field(64, ge=1)  # pairs per classifier batch
    window: int = Field(2, ge=0)  # sentences back that "the measure" / "it" may reach
    aggregation: Literal["polar", "mean", "max", "last"] = "mean"  # sentences -> one row
    people: Literal["keep", "affiliation"] = "keep"  # affiliation: roll people up
    on_error: Literal["skip", "fail"] = "skip"  # skip: bad records to the errors file
    progress: bool = True  # a progress bar on stderr, when stderr is a terminal

    def scorer_options(self) -> dict[str, Any]:
        """Keyword arguments of :class:`~stancemap.inference.scorer.ArticleScorer`.

        >>> ScoreConfig(window=1).scorer_options()["window"]
        1
        """
        return {"proposals": self.proposals, "actor_aliases": self.actors,
                "window": self.window, "aggregation": self.aggregation, "people": self.people,
                "batch_size": self.batch_size}


# The flag that sets each key, to name it when a command-line value is wrong.
FLAGS = {key: "--" + key.replace("_", "-") for key in ScoreConfig.model_fields}
FLAGS["progress"] = "--no-progress"


def load_score_config(
    path: str | Path | None = None, overrides: Mapping[str, Any] | None = None,
) -> ScoreConfig:
    """Read a scoring config (or start from the defaults) and apply command-line values.

    ``overrides`` maps keys to values given as flags; ``None`` means "not given" and keeps
    the config's value.

    >>> load_score_config(None, {"chunk_size": 8, "window": None}).chunk_size
    8
    """
    raw = (read_yaml_mapping(str(path), "score config", empty_ok=True)
           if path is not None else {})
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    raw.update(given)
    try:
        return ScoreConfig.model_validate(raw)
    except ValidationError as err:
        raise ConfigError(_explain(err, str(path) if path else None, set(given))) from None


def _explain(err: ValidationError, path: str | None, from_flags: set[str]) -> str:
    lines = [f"invalid score config {path}:" if path else "invalid score settings:"]
    for e in err.errors():
        key = ".".join(str(p) for p in e["loc"]) or "(top level)"
        reason = "unknown key" if e["type"] == "extra_forbidden" else e["msg"]
        source = f" (from {FLAGS.get(key, key)})" if key in from_flags else ""
        lines.append(f"  {key}{source}: {reason}")
    return "\n".join(lines)
