"""Turn a model reference (a directory, ``runs:/`` or ``models:/`` URI) into a local directory."""

from __future__ import annotations

import os
from pathlib import Path

from stancemap.errors import StancemapError

MODEL_META = "stancemap.json"  # written by save_pretrained; marks a stancemap model directory
MLFLOW_SCHEMES = ("runs:/", "models:/", "mlflow-artifacts:/")


def find_model_dir(root: Path) -> Path | None:
    """Find the stancemap model in ``root``: itself, or the artifacts of an MLflow pyfunc model."""
    if (root / MODEL_META).exists():
        return root
    artifacts = root / "artifacts"
    if artifacts.is_dir():
        for child in sorted(artifacts.iterdir()):
            if (child / MODEL_META).exists():
                return child
    return None


def resolve_model_dir(model: str | os.PathLike[str], tracking_uri: str | None = None) -> Path:
    """Return a local directory holding a stancemap model.

    MLflow URIs are downloaded through MLflow (tracking URI from ``tracking_uri``, else
    ``MLFLOW_TRACKING_URI``, else the project default ``sqlite:///mlflow.db``).

    >>> resolve_model_dir("runs/default/model")  # doctest: +SKIP
    PosixPath('runs/default/model')
    """
    ref = str(model)
    if ref.startswith(MLFLOW_SCHEMES):
        import mlflow

        from stancemap.tracking_env import default_tracking_uri

        mlflow.set_tracking_uri(tracking_uri or default_tracking_uri())
        try:
            local = Path(mlflow.artifacts.download_artifacts(artifact_uri=ref))
        except Exception as err:  # MLflow raises many types; the user needs the URI and reason
            raise StancemapError(f"cannot load model {ref} from MLflow: {err}") from None
    else:
        local = Path(ref)
        if not local.exists():
            raise StancemapError(f"model directory not found: {ref}")
    found = find_model_dir(local)
    if found is None:
        raise StancemapError(
            f"{ref} is not a stancemap model (no {MODEL_META}); train one with `stancemap train`")
    return found
