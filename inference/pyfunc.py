"""The MLflow pyfunc flavour of a stancemap model, for ``mlflow.pyfunc`` and Spark UDFs.

>>> import mlflow, pandas as pd  # doctest: +SKIP
>>> model = mlflow.pyfunc.load_model("runs:/<id>/model")  # doctest: +SKIP
>>> model.predict(pd.DataFrame({"text": ["Seoul backs the plan."], "actor": ["South Korea"],
...                             "proposal": ["the plan"]}))  # doctest: +SKIP

The model is logged with a signature: its output schema is what lets
``mlflow.pyfunc.spark_udf`` return a struct of every output column (without one, the UDF
falls back to a single double), and its input schema lets Spark users call the UDF on
columns named ``text``, ``actor``, ``proposal``.
"""

from __future__ import annotations

import math
from importlib import metadata
from pathlib import Path
from typing import Any

import mlflow.pyfunc
from mlflow.models import ModelSignature
from mlflow.types import ColSpec, ParamSchema, ParamSpec, Schema

from stancemap.labels import LABELS

ARTIFACT_KEY = "stancemap_model"


class StancePyfunc(mlflow.pyfunc.PythonModel):
    """Wraps :class:`~stancemap.inference.StanceClassifier` for MLflow's generic model API.

    Input: a DataFrame with ``text``, ``actor``, ``proposal`` (and optionally ``context``,
    ``actor_mention``). Output: a DataFrame with ``label``, ``confidence`` and one
    ``score_<label>`` column per label.
    """

    def load_context(self, context):  # noqa: ANN001 - MLflow inspects this signature
        from stancemap.inference.classifier import StanceClassifier

        self.classifier = StanceClassifier.from_pretrained(context.artifacts[ARTIFACT_KEY])

    def predict(self, context, model_input, params=None):  # noqa: ANN001 - untyped for MLflow
        import pandas as pd

        rows = [_without_nan(row) for row in model_input.to_dict(orient="records")]
        preds = self.classifier.predict(rows, batch_size=int((params or {}).get("batch_size", 64)))
        out = pd.DataFrame({"label": [p.label for p in preds],
                            "confidence": [p.confidence for p in preds]})
        for label in LABELS:
            out[f"score_{label}"] = [p.scores[label] for p in preds]
        return out


def _without_nan(row: dict[str, Any]) -> dict[str, Any]:
    # Spark nulls and MLflow's schema check give a missing optional value (context,
    # actor_mention) as NaN; the classifier takes a missing value as None.
    return {k: None if isinstance(v, float) and math.isnan(v) else v for k, v in row.items()}


def _requirements() -> list[str]:
    # Explicit requirements: MLflow's own inference imports torchvision, which we never install.
    reqs = []
    for name in ("torch", "transformers", "pandas", "stancemap"):
        try:
            reqs.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            reqs.append(name)
    return reqs


def signature() -> ModelSignature:
    """Input and output columns of :class:`StancePyfunc`.

    >>> [c.name for c in signature().outputs.inputs]
    ['label', 'confidence', 'score_support', 'score_oppose', 'score_neutral']
    """
    inputs = [ColSpec("string", name) for name in ("text", "actor", "proposal")]
    inputs += [ColSpec("string", name, required=False) for name in ("context", "actor_mention")]
    outputs = [ColSpec("string", "label"), ColSpec("double", "confidence")]
    outputs += [ColSpec("double", f"score_{label}") for label in LABELS]
    # Without a params schema, MLflow would drop the batch_size a caller passes to predict.
    params = ParamSchema([ParamSpec("batch_size", "long", 64)])
    return ModelSignature(inputs=Schema(inputs), outputs=Schema(outputs), params=params)


def log_pyfunc_model(model_dir: str | Path) -> Any:
    """Log ``model_dir`` under the active run as the pyfunc model ``model``."""
    return mlflow.pyfunc.log_model(
        name="model", python_model=StancePyfunc(), signature=signature(),
        artifacts={ARTIFACT_KEY: str(model_dir)}, pip_requirements=_requirements())
