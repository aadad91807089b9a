"""StanceClassifier: load a fine-tuned model and label (sentence, actor, proposal) pairs.

Three backends run the same pairs through the same encoding, batching and order:
``torch`` (the fine-tuned model as trained; CPU or GPU), ``torch-bf16`` (the same model in
bfloat16, for CPUs with native bf16 matrix units and for GPUs) and ``onnx`` (an int8 ONNX
Runtime export of it, made once and cached beside the model; CPU; see :mod:`.onnx_backend`).
"""

from __future__ import annotations

import contextlib
import json
import os
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import torch

from stancemap.encoding import ENCODING_VERSION, encode_pairs
from stancemap.errors import DataError, StancemapError
from stancemap.inference.model_uri import MLFLOW_SCHEMES, MODEL_META, resolve_model_dir
from stancemap.labels import ID2LABEL, LABEL2ID, LABELS
from stancemap.records import Example, Prediction
from stancemap.score_config import BACKENDS

if TYPE_CHECKING:
    from stancemap.inference.onnx_backend import OnnxModel

PairInput = Mapping[str, Any] | Example
# Rows per forward pass on a CPU, whatever ``batch_size`` asks: small runs of similar
# length keep activations in cache and padding near zero. Measured on 2 cores with
# all-MiniLM-L6-v2 (800 article pairs, torch): 93.5 pairs/s in runs of 16 against 85.2 in
# runs of 64; the ONNX backend gains more (119 against 97, see onnx_backend).
CPU_ROWS_PER_RUN = 16


def as_example(item: PairInput, index: int = 0) -> Example:
    """Turn a dict (or an :class:`Example`) into an :class:`Example`, checking required fields."""
    if isinstance(item, Example):
        return item
    if not isinstance(item, Mapping):
        raise DataError(f"expected a dict with text, actor, proposal; got {type(item).__name__}",
                        line=index)
    for key in ("text", "actor", "proposal"):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            raise DataError("missing or empty", line=index, field=key)
    context = item.get("context")
    return Example(text=item["text"], actor=item["actor"], proposal=item["proposal"],
                   context=context if isinstance(context, str) and context else None,
                   actor_mention=item.get("actor_mention") or None)


def pick_device(device: str | None = None) -> torch.device:
    if device in (None, "auto"):
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(device)


def default_threads() -> int:
    """Physical cores this process may use: the default for ``threads``.

    Physical, not logical: a transformer forward pass is matrix multiplication, and two
    hyperthreads of one core share its vector units, so a second thread per core adds
    contention, not speed. The CPUs counted are those of ``os.sched_getaffinity`` (what
    ``taskset``, Slurm or a container's cpuset grant us, where ``os.cpu_count()`` reports
    the whole host) and no more than a cgroup CPU quota (``docker --cpus``) allows.

    >>> 1 <= default_threads() <= (os.cpu_count() or 1)
    True
    """
    cpus = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else list(
        range(os.cpu_count() or 1))
    cores = set()
    for cpu in cpus:
        try:
            cores.add(Path(f"/sys/devices/system/cpu/cpu{cpu}/topology/thread_siblings_list")
                      .read_text().strip())
        except OSError:  # no sysfs (macOS, Windows): count logical CPUs
            cores = set(cpus)
            break
    return max(1, min(len(cores), _cgroup_quota() or len(cores)))


def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 matrices in hardware (Intel AMX or AVX-512 BF16).

    Without it torch emulates bf16, and a bf16 model runs slower than a float32 one.

    >>> isinstance(native_bf16(), bool)
    True
    """
    try:
        return bool(torch.cpu._is_amx_tile_supported() or torch.cpu._is_avx512_bf16_supported())
    except (AttributeError, RuntimeError):  # a torch without these probes
        return False


def _cgroup_quota() -> int | None:
    """CPUs allowed by a cgroup v2 quota (``cpu.max`` "200000 100000" -> 2), if one is set."""
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
    except (OSError, ValueError):
        return None
    if quota == "max":
        return None
    return max(1, -(-int(quota) // int(period)))


def _saved_encoding(meta: Mapping[str, Any]) -> dict[str, Any]:
    """The encoding settings a model directory's ``stancemap.json`` holds, as keywords of
    :class:`StanceClassifier` (models saved before ``doc_context`` existed lack it).

    >>> _saved_encoding({"max_length": 128, "encoding": {"mark_actor": True,
    ...                                                   "use_context": True}})["doc_context"]
    False
    """
    encoding = meta["encoding"]
    return {"max_length": meta["max_length"], "mark_actor": encoding["mark_actor"],
            "use_context": encoding["use_context"],
            "doc_context": encoding.get("doc_context", False)}


class StanceClassifier:
    """A fine-tuned sequence-pair classifier for actor-proposal stance.

    >>> clf = StanceClassifier.from_pretrained("runs/smoke/model")  # doctest: +SKIP
    >>> clf.predict({"text": "Beijing rejected the referral.", "actor": "China",
    ...              "proposal": "ICC referral", "actor_mention": "Beijing"})  # doctest: +SKIP
    Prediction(label='oppose', scores={'support': 0.03, 'oppose': 0.94, 'neutral': 0.03})

    A single pair gives one :class:`Prediction`; a list gives a list in the same order.
    """

    def __init__(
        self, model: Any, tokenizer: Any, *, max_length: int = 128, mark_actor: bool = True,
        use_context: bool = True, device: str | None = None, name: str = "stancemap",
        runtime: OnnxModel | None = None, threads: int | None = None,
        doc_context: bool = False,
    ) -> None:
        # ``runtime``: an ONNX Runtime model that replaces ``model`` (which may then be None).
        # ``threads``: CPU threads for torch; several run slices side by side (see
        # ``_run_slices``). None: one slice at a time on torch's own thread setting.
        self.runtime = runtime
        self.threads = threads
        self.device = pick_device("cpu" if runtime is not None else device)
        self.model = model.to(self.device).eval() if runtime is None else model
        self.tokenizer = tokenizer
        self.max_length = max_length
        self.mark_actor = mark_actor
        self.use_context = use_context
        # trained with the sentence before each row as context (``data.doc_context``): the
        # article scorer then shows every pair the sentence before its own
        self.doc_context = doc_context
        self.name = name  # the model reference given to from_pretrained; output rows cite it

    @property
    def backend(self) -> str:
        """``onnx``, ``torch-bf16`` or ``torch``: what runs the forward pass."""
        if self.runtime is not None:
            return "onnx"
        return "torch-bf16" if self.model.dtype == torch.bfloat16 else "torch"

    # ----------------------------------------------------------------- loading and saving
    @classmethod
    def from_pretrained(
        cls, model: str | os.PathLike[str], *, device: str | None = None,
        tracking_uri: str | None = None, backend: str = "torch", threads: int | None = None,
    ) -> StanceClassifier:
        """Load from a model directory, ``runs:/<id>/model`` or ``models:/<name>/<version>``.

        ``backend="onnx"`` runs an int8 ONNX Runtime export of the model on the CPU,
        exported on first use and cached (``<model_dir>/onnx/``, or the user cache when
        the directory is read-only or an MLflow download); the export prints its label
        agreement with torch. ``threads``: CPU threads for inference (torch's
        ``set_num_threads``, which is process-wide, or ONNX Runtime's intra-op threads);
        default :func:`default_threads`. ``backend="torch-bf16"`` runs the torch model in
        bfloat16: about twice as fast as float32 on CPUs with native bf16 matrix units
        (Intel AMX, AVX-512 BF16) and on GPUs; elsewhere it is slower and warns.

        >>> clf = StanceClassifier.from_pretrained("runs/default/model", backend="onnx",
        ...                                        threads=2)  # doctest: +SKIP
        onnx int8 agrees with torch on 99.3% of 802 labels (dev, test); cached at ...
        """
        if backend not in BACKENDS:
            raise StancemapError(f"backend: expected one of {', '.join(BACKENDS)}, "
                                 f"got {backend!r}")
        if threads is not None and threads < 1:
            raise StancemapError(f"threads: must be >= 1, got {threads}")
        n_threads = threads or default_threads()
        path = resolve_model_dir(model, tracking_uri=tracking_uri)
        meta = json.loads((path / MODEL_META).read_text(encoding="utf-8"))
        if meta.get("encoding_version") != ENCODING_VERSION:
            raise StancemapError(
                f"{model}: model uses pair encoding version {meta.get('encoding_version')}, "
                f"this stancemap writes version {ENCODING_VERSION}; retrain or install a "
                "matching stancemap")
        if backend == "onnx":
            return cls._load_onnx(path, meta, name=str(model), threads=n_threads,
                                  mlflow=str(model).startswith(MLFLOW_SCHEMES))
        clf = cls._load_torch(path, meta, name=str(model), device=device)
        if backend == "torch-bf16":
            if clf.device.type == "cpu" and not native_bf16():
                warnings.warn("torch-bf16: this CPU has no native bfloat16 matrix units "
                              "(AMX or AVX-512 BF16), so bf16 runs slower than float32; use "
                              "backend torch or onnx", stacklevel=2)
            clf.model.to(torch.bfloat16)
        if clf.device.type == "cpu":
            torch.set_num_threads(n_threads)
            clf.threads = n_threads
        return clf

    @classmethod
    def _load_torch(cls, path: Path, meta: Mapping[str, Any], *, name: str,
                    device: str | None = None) -> StanceClassifier:
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        hf_model = AutoModelForSequenceClassification.from_pretrained(path)
        tokenizer = AutoTokenizer.from_pretrained(path)
        return cls(hf_model, tokenizer, device=device, name=name, **_saved_encoding(meta))

    @classmethod
    def _load_onnx(cls, path: Path, meta: Mapping[str, Any], *, name: str, threads: int,
                   mlflow: bool) -> StanceClassifier:
        from transformers import AutoTokenizer

        from stancemap.inference.onnx_backend import load_onnx

        # The torch model is loaded only if the export has to be made.
        runtime = load_onnx(path, lambda: cls._load_torch(path, meta, name=name, device="cpu"),
                            threads=threads, prefer_user_cache=mlflow)
        return cls(None, AutoTokenizer.from_pretrained(path), name=name, runtime=runtime,
                   **_saved_encoding(meta))

    @classmethod
    def with_runtime(cls, clf: StanceClassifier, runtime: OnnxModel) -> StanceClassifier:
        """``clf``'s tokenizer and encoding settings with an ONNX runtime in place of torch."""
        return cls(None, clf.tokenizer, name=clf.name, runtime=runtime,
                   **_saved_encoding(clf._encoding_meta()))

    def _encoding_meta(self) -> dict[str, Any]:
        """The encoding settings as ``stancemap.json`` stores them (read by
        :func:`_saved_encoding`)."""
        return {"encoding": {"mark_actor": self.mark_actor, "use_context": self.use_context,
                             "doc_context": self.doc_context},
                "max_length": self.max_length}

    def save_pretrained(
        self, directory: str | os.PathLike[str], *, config: Mapping[str, Any] | None = None,
        metrics: Mapping[str, Any] | None = None,
    ) -> Path:
        """Save weights (safetensors), tokenizer, label maps, encoding, config and metrics."""
        import yaml

        if self.model is None:
            raise StancemapError("an ONNX-backed classifier cannot be saved; load the model "
                                 "with backend='torch' to save it")
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        self.model.config.id2label = dict(ID2LABEL)
        self.model.config.label2id = dict(LABEL2ID)
        self.model.save_pretrained(out, safe_serialization=True)
        self.tokenizer.save_pretrained(out)
        meta = {"encoding_version": ENCODING_VERSION, **self._encoding_meta(),
                "labels": list(LABELS)}
        (out / MODEL_META).write_text(json.dumps(meta, indent=2), encoding="utf-8")
        if config is not None:
            (out / "config.yaml").write_text(yaml.safe_dump(dict(config), sort_keys=False),
                                             encoding="utf-8")
        if metrics is not None:
            (out / "metrics.json").write_text(json.dumps(dict(metrics), indent=2),
                                              encoding="utf-8")
        return out

    # ----------------------------------------------------------------------- prediction
    def features(self, pairs: Sequence[Example]) -> list[dict[str, list[int]]]:
        """Token ids of each pair, unpadded (the shared :func:`encode_pairs`)."""
        encoded = encode_pairs(self.tokenizer, pairs, max_length=self.max_length,
                               mark_actor=self.mark_actor, use_context=self.use_context)
        keys = list(encoded.keys())
        columns = [encoded[k] for k in keys]
        return [dict(zip(keys, row)) for row in zip(*columns)]

    def pad(self, features: Sequence[Mapping[str, list[int]]]) -> dict[str, np.ndarray]:
        """Pad a batch to its longest item: the arrays ``tokenizer.pad`` would give.

        Done with numpy: the same arrays as ``tokenizer.pad``, about 6x cheaper (0.7 ms
        instead of 4 ms per batch of 64 pairs).
        """
        width = max(len(f["input_ids"]) for f in features)
        values = {"input_ids": self.tokenizer.pad_token_id,
                  "token_type_ids": getattr(self.tokenizer, "pad_token_type_id", 0)}
        left = getattr(self.tokenizer, "padding_side", "right") == "left"
        out = {}
        for key in features[0]:
            arr = np.full((len(features), width), values.get(key) or 0, dtype=np.int64)
            for i, f in enumerate(features):
                row = f[key]
                if left:
                    arr[i, width - len(row):] = row
                else:
                    arr[i, :len(row)] = row
            out[key] = arr
        return out

    def predict_proba(self, pairs: Sequence[PairInput], batch_size: int = 64) -> np.ndarray:
        """Label probabilities, shape ``(len(pairs), 3)``, columns in :data:`LABELS` order.

        Pairs are sorted by token length and batched with padding to the longest in each
        batch (far less padding than one global length), then put back in input order.
        On a CPU a batch runs in slices of :data:`CPU_ROWS_PER_RUN` rows. Both backends
        share this path; only the forward pass differs.
        """
        examples = [as_example(p, i) for i, p in enumerate(pairs)]
        if not examples:
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        features = self.features(examples)
        order = np.argsort([-len(f["input_ids"]) for f in features], kind="stable")
        probs = np.empty((len(examples), len(LABELS)), dtype=np.float32)
        forward = self._forward_onnx if self.runtime is not None else self._forward_torch
        step = batch_size if self.device.type != "cpu" else min(batch_size, CPU_ROWS_PER_RUN)
        slices = [order[start:start + step] for start in range(0, len(order), step)]

        def run(idx: np.ndarray) -> None:
            probs[idx] = forward(self.pad([features[i] for i in idx]))

        with self._eval_mode():
            self._run_slices(slices, run)
        return probs

    def _run_slices(self, slices: Sequence[np.ndarray],
                    run: Callable[[np.ndarray], None]) -> None:
        """Run every slice: one after another, or, for torch on a CPU with several
        threads, side by side on that many threads of one intra-op thread each.

        Why: a forward pass on 16 short pairs is too small for torch to split well across
        cores (on 2 cores, all-MiniLM-L6-v2: 58 pairs/s on one thread, 94 on two), while
        two slices at once keep both cores busy. torch releases the GIL inside its
        kernels, so Python threads suffice. Each slice is the same batch either way, so
        the scores do not depend on the thread count beyond float rounding.
        """
        workers = min(self.threads or 1, len(slices))
        if workers < 2 or self.runtime is not None or self.device.type != "cpu":
            for idx in slices:
                run(idx)
            return

        def run_in_thread(idx: np.ndarray) -> None:
            with torch.inference_mode():  # grad mode is per thread
                run(idx)

        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            with ThreadPoolExecutor(workers, thread_name_prefix="stancemap") as pool:
                for _ in pool.map(run_in_thread, slices):
                    pass  # re-raises a slice's error here
        finally:
            torch.set_num_threads(previous)

    @contextlib.contextmanager
    def _eval_mode(self) -> Iterator[None]:
        """Predictions always run without dropout, even when the trainer evaluates a model
        that is mid-training; its mode is restored afterwards."""
        if self.model is None or self.runtime is not None:
            yield
            return
        was_training = self.model.training
        self.model.eval()
        try:
            with torch.inference_mode():
                yield
        finally:
            self.model.train(was_training)

    def _forward_torch(self, batch: Mapping[str, np.ndarray]) -> np.ndarray:
        inputs = {k: torch.from_numpy(v).to(self.device) for k, v in batch.items()}
        logits = self.model(**inputs).logits
        return torch.softmax(logits.float(), dim=-1).cpu().numpy()

    def _forward_onnx(self, batch: Mapping[str, np.ndarray]) -> np.ndarray:
        logits = self.runtime(batch).astype(np.float32)  # type: ignore[misc]
        logits -= logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    @overload
    def predict(self, pairs: PairInput, batch_size: int = ...) -> Prediction: ...
    @overload
    def predict(self, pairs: Sequence[PairInput], batch_size: int = ...) -> list[Prediction]: ...

    def predict(
        self, pairs: PairInput | Sequence[PairInput], batch_size: int = 64,
    ) -> Prediction | list[Prediction]:
        """Label one pair (returns a :class:`Prediction`) or many (returns a list)."""
        single = isinstance(pairs, (Mapping, Example))
        items = [pairs] if single else list(pairs)  # type: ignore[list-item]
        probs = self.predict_proba(items, batch_size=batch_size)
        preds = [
            Prediction(label=LABELS[int(row.argmax())],
                       scores={label: round(float(p), 6) for label, p in zip(LABELS, row)})
            for row in probs
        ]
        return preds[0] if single else preds
