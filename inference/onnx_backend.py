"""ONNX Runtime backend: export a model once, quantise it to int8, cache it beside the model.

``StanceClassifier.from_pretrained(model, backend="onnx")`` calls :func:`load_onnx`, which
finds ``<model_dir>/onnx/model.int8.onnx`` (or, when the model directory is read-only or
an MLflow download, the same file in the user cache) and otherwise builds it:

1. **Export** with the dynamo exporter (``torch.onnx.export(..., dynamo=True)``), batch and
   sequence axes dynamic. With torch 2.13 and transformers 5 the legacy TorchScript
   exporter traces the attention-mask shortcut as a constant and gives wrong logits for
   padded batches (measured: up to 4.0 off), so it is not used.
2. **Smooth** (SmoothQuant, Xiao et al. 2023): per input channel ``j`` of each quantised
   MatMul, divide the activation by ``s_j`` (one Mul node) and multiply the weight row by
   ``s_j``, which leaves the fp32 function unchanged (1e-5) but moves activation outliers
   (channels up to 14x the median after LayerNorm) into the weights, which are quantised
   per channel. ``s`` comes from activation maxima on calibration pairs.
3. **Quantise** with ``onnxruntime.quantization.quantize_dynamic``: int8 weights per
   channel, activations quantised on the fly.
4. **Measure** label agreement of the int8 model against torch on the model's own dev/test
   pairs (the files its ``config.yaml`` names, if present) or on built-in pairs, print
   ``onnx int8 agrees with torch on 99.x% of N labels`` and store it with the model.

The recipe below was chosen on ``runs/default/model`` (dev + test + challenge, 1,450 pairs,
AMD EPYC with AVX2, no VNNI). Label agreement with torch: plain ``QInt8`` 93.1%; per
channel 96.8%; plus reduced range (ORT's advice for CPUs without VNNI) 97.6%; smoothing
(alpha 0.9) with ``QUInt8`` weights 98.9%; and keeping the six FFN down-projections in
fp32 99.45%. Even 8-bit weights alone (activations in fp32) agree on only 99.4%: this
fine-tuned model is sensitive, so every step counts. ``QUInt8`` weights rather than
``QInt8`` because on AVX2 without VNNI the u8 x s8 kernel can saturate its int16 sums
(ORT's documented caveat) and the 7-bit ``reduce_range`` work-around costs accuracy;
u8 x u8 does not saturate and ran at the same speed.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import logging
import os
import random
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from stancemap.records import Example

ONNX_DIR = "onnx"
PRECISIONS = ("int8", "fp32")
# Bump "version" whenever the recipe changes: cached exports with another recipe are redone.
RECIPE: dict[str, Any] = {
    "version": 1, "exporter": "dynamo", "opset": 18, "smooth_alpha": 0.9,
    "weight_type": "QUInt8", "per_channel": True, "fp32": "ffn-down-projections",
}
CALIBRATION_PAIRS = 256  # activation maxima settle well before this (measured on 486 vs 256)
MAX_AGREEMENT_PAIRS = 1000  # bounds the export time on large dev/test files
INPUT_NAMES = ("input_ids", "token_type_ids", "attention_mask")


class TorchClassifier(Protocol):
    """What the export needs from a torch :class:`StanceClassifier`."""

    model: Any
    tokenizer: Any

    def features(self, pairs: Sequence[Example]) -> list[dict[str, list[int]]]: ...
    def pad(self, features: Sequence[Mapping[str, list[int]]]) -> dict[str, np.ndarray]: ...
    def predict_proba(self, pairs: Sequence[Any], batch_size: int = 64) -> np.ndarray: ...


class OnnxModel:
    """An ONNX Runtime session that maps padded int64 features to logits.

    >>> runtime = OnnxModel("runs/default/model/onnx/model.int8.onnx", threads=2)  # doctest: +SKIP
    >>> runtime(clf.pad(clf.features(pairs)))  # doctest: +SKIP
    array([[ 2.1, -1.3, -0.4], ...], dtype=float32)
    """

    def __init__(self, path: str | Path, *, threads: int, meta: Mapping[str, Any] | None = None
                 ) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        # One op at a time, each using every core: a small BERT's ops are sequential, so
        # inter-op threads would only compete with intra-op ones.
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3
        self.path = Path(path)
        self.threads = threads
        self.meta = dict(meta or {})
        self.session = ort.InferenceSession(str(path), options,
                                            providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]

    # Rows per session run: a batch is run in slices this size, each cut to its own longest
    # pair. Measured on 2 cores (600 article pairs): 119 pairs/s in slices of 16 against 97
    # for whole batches of 64; int8 activations are quantised per tensor, and smaller
    # tensors stay in cache through the quantise / multiply / dequantise passes.
    rows_per_run = 16

    def __call__(self, features: Mapping[str, np.ndarray]) -> np.ndarray:
        feed = {name: np.asarray(features[name], dtype=np.int64) for name in self.input_names}
        n = len(feed[self.input_names[0]])
        return np.concatenate([self.session.run(None, _trimmed(feed, start, self.rows_per_run))[0]
                               for start in range(0, n, self.rows_per_run)])


def _trimmed(feed: Mapping[str, np.ndarray], start: int, rows: int) -> dict[str, np.ndarray]:
    """Rows ``start:start + rows``, without the columns that are padding in all of them."""
    part = {k: v[start:start + rows] for k, v in feed.items()}
    mask = part.get("attention_mask")
    if mask is not None:
        width = int(mask.sum(axis=1).max())
        if not mask[:, width:].any():  # right padding: the tail columns are all padding
            part = {k: v[:, :width] for k, v in part.items()}
    return part


# ----------------------------------------------------------------------------- the cache
def fingerprint(model_dir: str | Path) -> str:
    """SHA-256 of the weights file(s): a retrained model gets a new export.

    >>> fingerprint("runs/default/model")[:12]  # doctest: +SKIP
    '3f1c0b9a7d2e'
    """
    digest = hashlib.sha256()
    weights = sorted(Path(model_dir).glob("*.safetensors")) or sorted(
        Path(model_dir).glob("*.bin"))
    for path in weights:
        digest.update(path.name.encode())
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def user_cache_dir() -> Path:
    """``$STANCEMAP_CACHE``, else ``$XDG_CACHE_HOME/stancemap``, else ``~/.cache/stancemap``."""
    if os.environ.get("STANCEMAP_CACHE"):
        return Path(os.environ["STANCEMAP_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "stancemap"


def cache_dirs(model_dir: Path, digest: str, *, prefer_user_cache: bool = False) -> list[Path]:
    """Where an export may live, in the order they are tried (and written)."""
    beside = model_dir / ONNX_DIR
    shared = user_cache_dir() / "onnx" / digest[:24]
    return [shared, beside] if prefer_user_cache else [beside, shared]


def find_cached(dirs: Sequence[Path], digest: str, precision: str) -> tuple[Path, dict] | None:
    """The first export in ``dirs`` made from these weights with this recipe, if any."""
    for directory in dirs:
        meta_path = directory / f"model.{precision}.json"
        model_path = directory / f"model.{precision}.onnx"
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if meta.get("fingerprint") == digest and meta.get("recipe") == RECIPE and \
                model_path.exists():
            return model_path, meta
    return None


def _writable(directory: Path) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            return True
    except OSError:
        return False


def load_onnx(
    model_dir: str | Path, build_torch: Callable[[], TorchClassifier], *, threads: int,
    precision: str = "int8", prefer_user_cache: bool = False,
    log: Callable[[str], None] | None = None,
) -> OnnxModel:
    """The cached ONNX model of ``model_dir``, exported (and quantised) first if needed.

    ``build_torch`` loads the torch classifier; it is called only when an export is due.
    ``prefer_user_cache`` looks in (and writes to) the user cache first: for MLflow
    downloads, whose directory is new on every load.

    >>> runtime = load_onnx("runs/default/model", lambda: StanceClassifier.from_pretrained(
    ...     "runs/default/model"), threads=2)  # doctest: +SKIP
    onnx int8 agrees with torch on 99.3% of 802 labels (dev, test)
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision: expected one of {PRECISIONS}, got {precision!r}")
    model_dir = Path(model_dir)
    say = log or (lambda msg: print(msg, file=sys.stderr))
    digest = fingerprint(model_dir)
    dirs = cache_dirs(model_dir, digest, prefer_user_cache=prefer_user_cache)
    found = find_cached(dirs, digest, precision)
    if found is None:
        target = next((d for d in dirs if _writable(d)), None)
        if target is None:
            raise OSError(f"no writable place for the ONNX export of {model_dir}: tried "
                          + ", ".join(map(str, dirs)) + " (set STANCEMAP_CACHE)")
        found = export(build_torch(), model_dir, target, digest=digest, precision=precision,
                       threads=threads, log=say)
    return OnnxModel(found[0], threads=threads, meta=found[1])


# ---------------------------------------------------------------------------- the export
def export(
    clf: TorchClassifier, model_dir: Path, target: Path, *, digest: str, precision: str,
    threads: int, log: Callable[[str], None],
) -> tuple[Path, dict]:
    """Export ``clf`` to ``target/model.<precision>.onnx`` and write its JSON card."""
    calibration, agreement, source = example_pairs(model_dir)
    with tempfile.TemporaryDirectory(dir=target) as tmp:
        fp32 = Path(tmp) / "model.fp32.onnx"
        export_fp32(clf, fp32)
        final = fp32
        if precision == "int8":
            final = Path(tmp) / "model.int8.onnx"
            quantize_int8(fp32, final, _padded_batches(clf, calibration), threads=threads)
        runtime = OnnxModel(final, threads=threads)
        agree = label_agreement(clf, runtime, agreement)
        meta = {"fingerprint": digest, "recipe": RECIPE, "precision": precision,
                "agreement": round(agree, 6), "agreement_pairs": len(agreement),
                "agreement_data": source, "model_dir": str(model_dir)}
        destination = target / f"model.{precision}.onnx"
        os.replace(final, destination)  # atomic: a reader sees the old file or the new one
    meta_path = target / f"model.{precision}.json"
    tmp_meta = meta_path.with_suffix(".json.tmp")
    tmp_meta.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    os.replace(tmp_meta, meta_path)  # written last: its presence marks a finished export
    log(f"onnx {precision} agrees with torch on {100 * agree:.1f}% of {len(agreement)} labels "
        f"({source}); cached at {destination}")
    return destination, meta


def export_fp32(clf: TorchClassifier, path: Path) -> None:
    """Dynamo export with dynamic batch and sequence axes (see the module docstring)."""
    import torch

    model = copy.deepcopy(clf.model).to("cpu").eval()
    # A padded example of two lengths, so nothing specific to one shape is baked in.
    example = clf.pad(clf.features([
        Example("Seoul backed the plan on Friday, officials said in a statement.",
                "South Korea", "the plan", actor_mention="Seoul"),
        Example("Yes.", "Japan", "the deal")]))
    names = [k for k in example if k in INPUT_NAMES]  # some tokenizers give no token types
    inputs = {k: torch.from_numpy(np.asarray(example[k], dtype=np.int64)) for k in names}
    batch, seq = torch.export.Dim("batch"), torch.export.Dim("sequence")
    # The exporter prints progress to stdout and warns about torchvision ops we never use.
    with _quiet(), contextlib.redirect_stdout(sys.stderr):
        program = torch.onnx.export(
            model, (), kwargs=inputs, input_names=names, output_names=["logits"],
            dynamic_shapes={k: {0: batch, 1: seq} for k in names},
            opset_version=RECIPE["opset"], dynamo=True, verbose=False)
        program.save(str(path))


def quantize_int8(fp32: Path, out: Path, batches: Iterator[dict[str, np.ndarray]], *,
                  threads: int) -> None:
    """Smooth, then quantise dynamically; the FFN down-projections stay fp32."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(fp32))
    weights = {t.name: t for t in model.graph.initializer}
    keep = [n for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in weights
            and _down_projection(weights[n.input[1]])]
    quantised = [n for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in weights
                 and n not in keep]
    amax = activation_absmax(model, {n.input[0] for n in quantised}, batches, threads=threads)
    smooth(model, quantised, amax, alpha=RECIPE["smooth_alpha"])
    smoothed = out.with_name("smoothed.onnx")
    onnx.save(model, str(smoothed))
    with _quiet():  # quantize_dynamic advises pre-processing on the root logger
        quantize_dynamic(smoothed, out, op_types_to_quantize=["MatMul"],
                         per_channel=RECIPE["per_channel"], weight_type=QuantType.QUInt8,
                         nodes_to_exclude=[n.name for n in keep])
    smoothed.unlink()


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Warnings off and the root and torch loggers at ERROR for a block, then as before."""
    loggers = [logging.getLogger(), logging.getLogger("torch")]
    levels = [lg.level for lg in loggers]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lg in loggers:
            lg.setLevel(logging.ERROR)
        try:
            yield
        finally:
            for lg, level in zip(loggers, levels):
                lg.setLevel(level)


def _down_projection(weight: Any) -> bool:
    """A MatMul weight ``[in, out]`` with ``in > out``: the FFN's 1536 -> 384 projection.

    It reads the GELU output, whose outliers int8 handles worst: keeping these six in fp32
    lifted label agreement from 98.9% to 99.45% for about 10% of the int8 speed.
    """
    return len(weight.dims) == 2 and weight.dims[0] > weight.dims[1]


def activation_absmax(model: Any, names: set[str], batches: Iterator[dict[str, np.ndarray]],
                      *, threads: int) -> dict[str, np.ndarray]:
    """Per-channel max |activation| of the tensors ``names``, over the calibration batches."""
    import onnx
    from onnx import helper

    probe = copy.deepcopy(model)
    order = sorted(names)
    for name in order:
        probe.graph.output.append(helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT,
                                                                None))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "probe.onnx"
        onnx.save(probe, str(path))
        runtime = OnnxModel(path, threads=threads)
        amax: dict[str, np.ndarray] = {}
        for batch in batches:
            feed = {k: np.asarray(batch[k], dtype=np.int64) for k in runtime.input_names}
            for name, value in zip(order, runtime.session.run(order, feed)):
                channel_max = np.abs(value).reshape(-1, value.shape[-1]).max(axis=0)
                amax[name] = np.maximum(amax.get(name, 0.0), channel_max)
    return amax


def smooth(model: Any, matmuls: Sequence[Any], amax: Mapping[str, np.ndarray], *,
           alpha: float) -> None:
    """SmoothQuant in place: ``X W == (X / s) (s W)``; MatMuls sharing an input share ``s``."""
    from onnx import helper, numpy_helper

    weights = {t.name: t for t in model.graph.initializer}
    by_input: dict[str, list[Any]] = {}
    for node in matmuls:
        by_input.setdefault(node.input[0], []).append(node)
    nodes = list(model.graph.node)
    for name, group in by_input.items():
        arrays = [numpy_helper.to_array(weights[n.input[1]]) for n in group]
        w_max = np.max([np.abs(w).max(axis=1) for w in arrays], axis=0)
        s = (amax[name] ** alpha / np.maximum(w_max, 1e-5) ** (1 - alpha)).clip(1e-2, 1e3)
        s = s.astype(np.float32)
        inverse = numpy_helper.from_array((1 / s).astype(np.float32), f"{name}.smooth_inv")
        model.graph.initializer.append(inverse)
        mul = helper.make_node("Mul", [name, inverse.name], [f"{name}.smoothed"],
                               name=f"{name}.smooth")
        model.graph.node.insert(min(nodes.index(n) for n in group), mul)
        nodes = list(model.graph.node)
        for node, w in zip(group, arrays):
            weights[node.input[1]].CopyFrom(numpy_helper.from_array(
                (w * s[:, None]).astype(np.float32), node.input[1]))
            node.input[0] = f"{name}.smoothed"


# ------------------------------------------------------------------ calibration and agreement
def _padded_batches(clf: TorchClassifier, pairs: Sequence[Example], size: int = 32
                    ) -> Iterator[dict[str, np.ndarray]]:
    features = clf.features(pairs)
    for start in range(0, len(features), size):
        yield clf.pad(features[start:start + size])


def label_agreement(clf: TorchClassifier, runtime: OnnxModel, pairs: Sequence[Example]) -> float:
    """Share of ``pairs`` whose ONNX label equals the torch label (same batching, same order)."""
    from stancemap.inference.classifier import StanceClassifier

    if not pairs:
        return 1.0
    onnx_clf = StanceClassifier.with_runtime(clf, runtime)  # type: ignore[arg-type]
    reference = clf.predict_proba(pairs).argmax(axis=1)
    return float((onnx_clf.predict_proba(pairs).argmax(axis=1) == reference).mean())


def example_pairs(model_dir: Path) -> tuple[list[Example], list[Example], str]:
    """(calibration pairs, agreement pairs, where the agreement pairs came from).

    The model's own data when its ``config.yaml`` names files that exist (train for
    calibration, dev and test for agreement), else :func:`builtin_pairs`.
    """
    data = _config_data(model_dir)
    held_out, names = [], []
    for split in ("dev", "test"):
        rows = _read_pairs(data.get(split), data.get("columns") or {})
        if rows:
            held_out += rows
            names.append(split)
    train = _read_pairs(data.get("train"), data.get("columns") or {})
    builtin = builtin_pairs()
    rng = random.Random(0)
    calibration = rng.sample(train, min(len(train), CALIBRATION_PAIRS)) if train else builtin
    if len(held_out) > MAX_AGREEMENT_PAIRS:
        held_out = rng.sample(held_out, MAX_AGREEMENT_PAIRS)
    if held_out:
        return calibration, held_out, ", ".join(names)
    return calibration, builtin, "built-in pairs"


def _config_data(model_dir: Path) -> dict[str, Any]:
    import yaml

    try:
        config = yaml.safe_load((model_dir / "config.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return {}
    data = config.get("data") if isinstance(config, dict) else None
    return data if isinstance(data, dict) else {}


def _read_pairs(path: Any, columns: Mapping[str, str]) -> list[Example]:
    """Pairs of a labelled file (our field -> its column via ``columns``); bad rows skipped."""
    from stancemap.errors import StancemapError
    from stancemap.inference.classifier import as_example

    if not isinstance(path, str) or not Path(path).is_file():
        return []
    fields = ("text", "actor", "proposal", "context", "actor_mention")
    out = []
    try:
        for _, row in _rows(path):
            if isinstance(row, dict):
                with contextlib.suppress(StancemapError):
                    out.append(as_example({f: row.get(columns.get(f, f)) for f in fields}))
    except (StancemapError, OSError, ValueError):
        return out
    return out


def _rows(path: str) -> Iterator[tuple[int, Any]]:
    from stancemap.tables import read_rows

    return read_rows(path, bad_lines="yield")


_ACTORS = [("South Korea", "Seoul"), ("China", "Beijing"), ("Japan", "Tokyo"),
           ("United States", "Washington"), ("Russia", "Moscow"), ("France", "Paris"),
           ("European Union", "the EU"), ("farm groups", "farm groups"),
           ("opposition lawmakers", "opposition lawmakers"), ("Germany", "Berlin"),
           ("India", "New Delhi"), ("the union", "the union")]
_PROPOSALS = ["the UN resolution on North Korea", "the carbon tax", "the trade pact",
              "the arms embargo", "the pension reform bill", "the ceasefire plan",
              "the merger", "the referral to the International Criminal Court"]
_STANCES = {
    "support": ["{m} backed {p} on Monday.", "{m} said it would vote for {p}.",
                "{m} welcomed {p}, calling it a long overdue step.",
                "{m} co-sponsored {p} and urged others to join.",
                "In a statement, {m} strongly endorsed {p} after weeks of talks."],
    "oppose": ["{m} rejected {p} outright.", "{m} vowed to block {p} in parliament.",
               "{m} denounced {p} as a violation of sovereignty.",
               "{m} voted against {p}, saying it would hurt growth.",
               "Officials said {m} would never accept {p} in its current form."],
    "neutral": ["{m} said it was still studying {p}.", "{m} abstained on {p}.",
                "{m} declined to comment on {p}.",
                "{m} has not yet taken a position on {p}, a spokesman said.",
                "{m} sent a delegation to the talks on {p}."],
}
_TAILS = ["", " The vote is expected next week.",
          " Talks resumed in Geneva on Tuesday after a two-week pause, diplomats said.",
          " Critics say the measure would cost billions and take years to implement, while "
          "supporters argue the delay has already been too long."]


def builtin_pairs(n: int = 240, seed: int = 0) -> list[Example]:
    """``n`` varied pairs (12 actors, 8 proposals, 15 stance templates, 4 lengths).

    Used to calibrate and check an export when the model's own data is not at hand.

    >>> len(builtin_pairs()), builtin_pairs(1)[0].actor in {a for a, _ in _ACTORS}
    (240, True)
    """
    rng = random.Random(seed)
    templates = [t for group in _STANCES.values() for t in group]
    out = []
    for i in range(n):
        actor, mention = _ACTORS[rng.randrange(len(_ACTORS))]
        proposal = _PROPOSALS[rng.randrange(len(_PROPOSALS))]
        text = rng.choice(templates).format(m=mention, p=proposal)
        text = text[0].upper() + text[1:] + _TAILS[i % len(_TAILS)]
        context = f"{proposal[0].upper()}{proposal[1:]} was tabled last month." if i % 5 == 0 \
            else None
        out.append(Example(text=text, actor=actor, proposal=proposal, context=context,
                           actor_mention=mention))
    return out
