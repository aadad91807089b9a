"""The MLflow pyfunc flavour of a stancemap model, for ``mlflow.pyfunc`` and Spark UDFs.

>>> import mlflow, pandas as pd  # doctest: +SKIP
>>> model = mlflow.pyfunc.load_model("runs:/<id>/model")  # doctest: +SKIP
>>> model.predict(pd.DataFrame({"text": ["Seoul backs the plan."], "actor": ["South Korea"],
...                             "proposal": ["the plan"]}))  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

import mlflow.pyfunc

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

        rows = model_input.to_dict(orient="records")
        preds = self.classifier.predict(rows, batch_size=int((params or {}).get("batch_size", 64)))
        out = pd.DataFrame({"label": [p.label for p in preds],
                            "confidence": [p.confidence for p in preds]})
        for label in LABELS:
            out[f"score_{label}"] = [p.scores[label] for p in preds]
        return out


def _requirements() -> list[str]:
    # Explicit requirements: MLflow's own inference imports torchvision, which we never install.
    reqs = []
    for name in ("torch", "transformers", "pandas", "stancemap"):
        try:
            reqs.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            reqs.append(name)
    return reqs


def log_pyfunc_model(model_dir: str | Path) -> Any:
    """Log ``model_dir`` under the active run as the pyfunc model ``model``."""
    return mlflow.pyfunc.log_model(
        name="model", python_model=StancePyfunc(),
        artifacts={ARTIFACT_KEY: str(model_dir)}, pip_requirements=_requirements())
