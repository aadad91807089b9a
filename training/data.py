"""Load labelled examples from JSONL/CSV/Parquet, validate them, drop duplicates, and split.

Every problem is reported with the file, line and field, e.g.
``data/train.jsonl:12: field actor: missing or empty``.
"""

from __future__ import annotations

import logging
import random
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from stancemap.errors import DataError
from stancemap.labels import LABELS, normalize_label
from stancemap.records import Example
from stancemap.tables import read_rows

log = logging.getLogger(__name__)

ADAPTER_FORMATS = ("seesaw", "ibm_claim_stance", "semeval", "vast")
REQUIRED = ("text", "actor", "proposal")
OPTIONAL = ("id", "doc_id", "context", "actor_mention")


@dataclass
class Splits:
    """Train, dev and test examples plus what loading did to them."""

    train: list[Example]
    dev: list[Example]
    test: list[Example]
    eval_sets: dict[str, list[Example]] = field(default_factory=dict)  # extra evaluation sets
    duplicates_removed: int = 0
    sources: dict[str, str] = field(default_factory=dict)  # split -> file it came from

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.train), "dev": len(self.dev), "test": len(self.test)}


def _text_field(row: Mapping[str, object], column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    return str(value).strip() if not isinstance(value, str) else value.strip()


def load_examples(
    path: str | Path, *, fmt: str = "auto", columns: Mapping[str, str] | None = None,
    label_map: Mapping[str, str] | None = None, require_label: bool = True,
    adapter: object | None = None,
) -> list[Example]:
    """Read and validate examples from one file (or, for adapter formats, one dataset).

    ``columns`` maps our field names to the file's columns (``{"text": "sentence"}``);
    ``label_map`` maps raw labels to support/oppose/neutral on top of the built-in
    spellings (favor/against/none, pro/con, POS/NEG...).

    >>> load_examples("data/stance/train.jsonl")[:1]  # doctest: +SKIP
    [Example(text='...', actor='China', proposal='...', label='oppose', ...)]
    """
    if fmt in ADAPTER_FORMATS:
        from stancemap.config import AdapterConfig
        from stancemap.training.adapters import load_adapter

        return load_adapter(fmt, str(path), adapter or AdapterConfig())
    columns = dict(columns or {})
    col = {name: columns.get(name, name) for name in (*REQUIRED, "label", *OPTIONAL)}
    path = str(path)
    examples: list[Example] = []
    for line, row in read_rows(path, fmt):
        values: dict[str, str | None] = {}
        for name in REQUIRED:
            value = _text_field(row, col[name])
            if not value:
                raise DataError("missing or empty", path=path, line=line, field=col[name])
            values[name] = value
        label = None
        raw_label = row.get(col["label"])
        if raw_label is None or str(raw_label).strip() == "":
            if require_label:
                raise DataError("missing or empty", path=path, line=line, field=col["label"])
        else:
            label = normalize_label(raw_label, label_map)
            if label is None:
                raise DataError(
                    f"unknown label {raw_label!r}; expected one of {list(LABELS)} or a "
                    "spelling in data.label_map", path=path, line=line, field=col["label"])
        for name in OPTIONAL:
            values[name] = _text_field(row, col[name]) or None
        used = {col[n] for n in (*REQUIRED, "label", *OPTIONAL)}
        extra = {k: v for k, v in row.items() if k not in used}
        examples.append(Example(
            text=values["text"], actor=values["actor"], proposal=values["proposal"],
            label=label, id=values["id"] or f"{Path(path).stem}:{line}",
            doc_id=values["doc_id"], context=values["context"],
            actor_mention=values["actor_mention"], extra=extra))
    if not examples:
        raise DataError("no examples", path=path)
    return examples


def _key(ex: Example) -> tuple[str, str, str]:
    return (" ".join(ex.text.split()).lower(), ex.actor.lower(), ex.proposal.lower())


def drop_duplicates(
    examples: list[Example], seen: dict[tuple[str, str, str], Example] | None = None,
) -> tuple[list[Example], int]:
    """Remove exact duplicates (same text, actor, proposal) and return ``(kept, removed)``.

    ``seen`` carries keys from earlier splits, so an evaluation example that repeats a
    training one is dropped rather than leaked. The same pair with two different labels
    is an error: it cannot be resolved silently.
    """
    seen = {} if seen is None else seen
    kept: list[Example] = []
    for ex in examples:
        key = _key(ex)
        if key in seen:
            if seen[key].label != ex.label:
                raise DataError(
                    f"the same (text, actor, proposal) has labels {seen[key].label!r} "
                    f"(id {seen[key].id}) and {ex.label!r} (id {ex.id})", field="label")
            continue
        seen[key] = ex
        kept.append(ex)
    return kept, len(examples) - len(kept)


def split_examples(
    examples: list[Example], shares: Mapping[str, float], seed: int,
) -> dict[str, list[Example]]:
    """Split into ``train`` plus the named shares, stratified by label, keeping documents whole.

    Examples sharing a ``doc_id`` move together (a document never spans two splits);
    documents are grouped by their most common label so each split keeps the label mix.

    >>> ex = [Example(text=f"s{i}", actor="A", proposal="P", label=l, doc_id=f"d{i}")
    ...       for i, l in enumerate(["support", "oppose", "neutral"] * 10)]
    >>> parts = split_examples(ex, {"dev": 0.2}, seed=0)
    >>> len(parts["train"]), len(parts["dev"])
    (24, 6)
    """
    groups: dict[str, list[Example]] = defaultdict(list)
    for i, ex in enumerate(examples):
        groups[ex.doc_id or f"__row{i}"].append(ex)
    strata: dict[str, list[str]] = defaultdict(list)
    for doc, members in groups.items():
        label = Counter(m.label for m in members).most_common(1)[0][0]
        strata[str(label)].append(doc)
    rng = random.Random(seed)
    out: dict[str, list[Example]] = {name: [] for name in ("train", *shares)}
    for label in sorted(strata):
        docs = sorted(strata[label])
        rng.shuffle(docs)
        total = sum(len(groups[d]) for d in docs)
        targets = {name: round(share * total) for name, share in shares.items()}
        filled = dict.fromkeys(shares, 0)
        for doc in docs:
            size = len(groups[doc])
            dest = next((n for n in shares if filled[n] + size / 2 <= targets[n]), "train")
            if dest != "train":
                filled[dest] += size
            out[dest].extend(groups[doc])
    return out


def add_document_context(examples: list[Example]) -> list[Example]:
    """Give each row without a ``context`` the sentence before it in its document.

    A document's sentences are its rows' distinct texts in file order. The article
    scorer shows the classifier a neighbouring sentence for references and quotes ("'We
    will fight it,' the union said" after the sentence naming the levy), so training rows
    carry one too. Rows without a ``doc_id`` and first sentences stay as they are.

    >>> rows = [Example(text="Japan backed the bill.", actor="Japan", proposal="bill",
    ...                 doc_id="d1"),
    ...         Example(text="It passed.", actor="Japan", proposal="bill", doc_id="d1")]
    >>> [r.context for r in add_document_context(rows)]
    [None, 'Japan backed the bill.']
    """
    # doc -> (its latest sentence, the sentence before that)
    latest: dict[str, tuple[str, str | None]] = {}
    out = []
    for ex in examples:
        if ex.doc_id is None:
            out.append(ex)
            continue
        current, previous = latest.get(ex.doc_id, (None, None))
        if ex.text != current:
            previous = current
            latest[ex.doc_id] = (ex.text, previous)
        out.append(ex if ex.context or previous is None else replace(ex, context=previous))
    return out


def check_disjoint_documents(parts: Mapping[str, list[Example]]) -> None:
    """Raise if one ``doc_id`` appears in two splits."""
    owner: dict[str, str] = {}
    for name, examples in parts.items():
        for ex in examples:
            if ex.doc_id is None:
                continue
            if owner.setdefault(ex.doc_id, name) != name:
                raise DataError(f"doc_id {ex.doc_id!r} appears in both {owner[ex.doc_id]} and "
                                f"{name}; a document must stay in one split", field="doc_id")


def _load_source(source: object, adapter: object) -> list[Example]:
    return load_examples(source.path, fmt=source.format, columns=source.columns,
                         label_map=source.label_map, adapter=adapter)


def load_splits(data_cfg: object, seed: int) -> Splits:
    """Load train/dev/test (and extra sources) as a :class:`~stancemap.config.DataConfig` says.

    Missing dev or test files are carved out of the training file by :func:`split_examples`;
    ``extra_train`` sources are added to train afterwards, and ``eval_sets`` are loaded for
    reporting only.
    """
    kwargs = {"fmt": data_cfg.format, "columns": data_cfg.columns,
              "label_map": data_cfg.label_map, "adapter": data_cfg.adapter}
    own = add_document_context if data_cfg.doc_context else list
    train = own(load_examples(data_cfg.train, **kwargs))
    given = {name: own(load_examples(getattr(data_cfg, name), **kwargs))
             for name in ("dev", "test") if getattr(data_cfg, name)}
    sources = {"train": data_cfg.train, **{n: getattr(data_cfg, n) for n in given}}
    missing = {n: getattr(data_cfg.split, n) for n in ("dev", "test") if n not in given}
    if missing:
        parts = split_examples(train, missing, seed)
        train = parts.pop("train")
        given.update(parts)
        for name in parts:
            sources[name] = f"{data_cfg.train} (split {missing[name]:.0%}, seed {seed})"
    for source in data_cfg.extra_train:
        train = train + own(_load_source(source, data_cfg.adapter))
        sources["train"] += f" + {source.path}"
    eval_sets = {name: _load_source(src, data_cfg.adapter)
                 for name, src in data_cfg.eval_sets.items()}
    removed = 0
    if data_cfg.dedupe:
        # Train first, so a dev/test row that repeats a train row is the one dropped.
        seen: dict[tuple[str, str, str], Example] = {}
        train, removed = drop_duplicates(train, seen)
        for name in ("dev", "test"):
            given[name], n = drop_duplicates(given[name], seen)
            removed += n
    splits = Splits(train=train, dev=given["dev"], test=given["test"], eval_sets=eval_sets,
                    duplicates_removed=removed, sources=sources)
    check_disjoint_documents({"train": splits.train, "dev": splits.dev, "test": splits.test})
    if removed:
        log.info("removed %d exact duplicate examples", removed)
    for name, part in (("train", splits.train), ("dev", splits.dev)):
        if not part:
            raise DataError(f"the {name} split is empty; add data or change data.split",
                            path=sources[name])
    return splits
