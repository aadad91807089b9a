"""MLflow tracking that never costs the user their model.

Every call goes through :class:`Tracker`, which remembers the first MLflow failure,
stops logging after it, and reports what failed; training itself carries on and
the model is always saved locally first.
"""

from __future__ import annotations

import hashlib
import logging
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from stancemap.tracking_env import default_tracking_uri

log = logging.getLogger(__name__)

TRACKED_PACKAGES = ("stancemap", "torch", "transformers", "datasets", "scikit-learn", "mlflow")


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a data source, so a run records exactly which data it saw.

    A file hashes its bytes; a dataset folder (``PATH`` or ``PATH#SPLIT``, as adapters take)
    hashes every file under it with its relative name.
    """
    root = Path(str(path).split("#", 1)[0])
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
    digest = hashlib.sha256()
    for file in files:
        if root.is_dir():
            digest.update(str(file.relative_to(root)).encode())
        with open(file, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def git_commit() -> str | None:
    """The current git commit (with ``-dirty`` when there are local changes), if any."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True,
                                timeout=5, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit}-dirty" if dirty else commit


def package_versions() -> dict[str, str]:
    out = {}
    for name in TRACKED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


class Tracker:
    """A thin, failure-tolerant wrapper around one MLflow run.

    >>> with Tracker.start(enabled=False) as t:  # a disabled tracker logs nothing
    ...     t.log_metrics({"loss": 1.0})
    >>> t.run_id is None
    True
    """

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.run_id: str | None = None
        self.error: str | None = None  # the first failure, e.g. "log_model: <reason>"

    @classmethod
    @contextmanager
    def start(
        cls, *, enabled: bool = True, uri: str | None = None, experiment: str = "stancemap",
        run_name: str | None = None, tags: Mapping[str, str] | None = None,
    ) -> Iterator[Tracker]:
        tracker = cls(enabled)
        run = None
        if enabled:
            try:
                import mlflow

                mlflow.set_tracking_uri(uri or default_tracking_uri())
                mlflow.set_experiment(experiment)
                run = mlflow.start_run(run_name=run_name, tags=dict(tags or {}))
                tracker.run_id = run.info.run_id
            except Exception as err:  # any backend problem: keep training, report it
                tracker._fail("start run", err)
        failed = False
        try:
            yield tracker
        except BaseException:
            failed = True  # training crashed or was interrupted: the run shows FAILED
            raise
        finally:
            if run is not None:
                try:
                    import mlflow

                    status = "FAILED" if failed or tracker.error else "FINISHED"
                    mlflow.end_run(status=status)
                except Exception as err:
                    tracker._fail("end run", err)

    def _fail(self, what: str, err: Exception) -> None:
        if self.error is None:
            self.error = f"MLflow {what} failed: {type(err).__name__}: {err}"
            log.warning("%s; continuing without tracking", self.error)
        self.enabled = False

    def _call(self, what: str, fn: Any, *args: Any, **kwargs: Any) -> Any:
        if not self.enabled:
            return None
        try:
            return fn(*args, **kwargs)
        except Exception as err:
            self._fail(what, err)
            return None

    def log_params(self, params: Mapping[str, Any]) -> None:
        import mlflow

        # MLflow params are strings of at most a few thousand characters.
        clean = {k: ("" if v is None else str(v)[:5000]) for k, v in params.items()}
        self._call("log_params", mlflow.log_params, clean)

    def log_metrics(self, metrics: Mapping[str, float], step: int | None = None) -> None:
        import mlflow

        self._call("log_metrics", mlflow.log_metrics, {k: float(v) for k, v in metrics.items()},
                   step=step)

    def set_tags(self, tags: Mapping[str, Any]) -> None:
        import mlflow

        self._call("set_tags", mlflow.set_tags, {k: str(v) for k, v in tags.items()})

    def log_artifact(self, path: str | Path, artifact_path: str | None = None) -> None:
        import mlflow

        self._call("log_artifact", mlflow.log_artifact, str(path), artifact_path)

    def log_dict(self, data: Any, name: str) -> None:
        import mlflow

        self._call("log_dict", mlflow.log_dict, data, name)

    def log_text(self, text: str, name: str) -> None:
        import mlflow

        self._call("log_text", mlflow.log_text, text, name)

    def log_model(self, model_dir: str | Path, register_as: str | None = None) -> str | None:
        """Log the model directory as an MLflow pyfunc model named ``model``.

        It loads back with ``StanceClassifier.from_pretrained("runs:/<id>/model")`` and with
        ``mlflow.pyfunc.load_model`` (so ``mlflow.pyfunc.spark_udf`` works too).
        Returns the registered version's URI when ``register_as`` is set.
        """
        from stancemap.inference.pyfunc import log_pyfunc_model

        info = self._call("log_model", log_pyfunc_model, model_dir)
        if info is None or not register_as:
            return None
        import mlflow

        version = self._call("register_model", mlflow.register_model,
                             f"runs:/{self.run_id}/model", register_as)
        return None if version is None else f"models:/{register_as}/{version.version}"
