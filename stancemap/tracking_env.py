"""MLflow environment defaults shared by training and inference."""

from __future__ import annotations

import os

DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"


def default_tracking_uri() -> str:
    """The tracking URI to use when none is configured: ``MLFLOW_TRACKING_URI`` or local sqlite.

    Also turns MLflow's telemetry off unless the user set it, as the project promises.
    """
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    return os.environ.get("MLFLOW_TRACKING_URI", DEFAULT_TRACKING_URI)
