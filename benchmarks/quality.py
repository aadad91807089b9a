"""Quality table: trained models and the baselines on the project test split, the challenge
set and SEESAW valid, as recorded in benchmarks/RESULTS.md.

    python benchmarks/quality.py --model default=runs/default/model --model seesaw=runs/seesaw/model

Baselines are fitted on the training data of ``--baseline-config`` (default: the default
config). SEESAW valid is skipped when ../shared/datasets/seesaw is absent.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from stancemap.config import AdapterConfig, load_config
from stancemap.inference.classifier import StanceClassifier
from stancemap.training.baselines import MajorityBaseline, TfidfBaseline
from stancemap.training.data import add_document_context, load_examples, load_splits
from stancemap.training.evaluate import evaluate_examples
from stancemap.training.metrics import compute_metrics

REPO = Path(__file__).resolve().parents[1]
SEESAW = REPO.parent / "shared" / "datasets" / "seesaw"


def eval_sets() -> dict[str, list]:
    sets = {"test": load_examples(REPO / "data/stance/test.jsonl"),
            "challenge": load_examples(REPO / "data/stance/challenge.jsonl")}
    if SEESAW.exists():
        sets["seesaw_valid"] = load_examples(f"{SEESAW}#valid", fmt="seesaw",
                                             adapter=AdapterConfig())
    return sets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", default=[], metavar="NAME=DIR")
    parser.add_argument("--baseline-config", default=str(REPO / "configs/default.yaml"))
    args = parser.parse_args()
    sets = eval_sets()
    rows: dict[str, dict[str, dict]] = {}
    for spec in args.model:
        name, path = spec.split("=", 1)
        clf = StanceClassifier.from_pretrained(path)
        # A model trained with data.doc_context reads the test split's rows after the
        # sentence before them, as in training; the challenge set's documents are minimal
        # pairs (no story to read) and SEESAW's adapter gives its own context.
        own = {"test": add_document_context(sets["test"])} if clf.doc_context else {}
        rows[name] = {s: evaluate_examples(clf, own.get(s, ex))[0] for s, ex in sets.items()}
    cfg = load_config(args.baseline_config)
    splits = load_splits(cfg.data, cfg.seed)
    for baseline in (MajorityBaseline(), TfidfBaseline(cfg.seed)):
        baseline.fit(splits.train)
        rows[baseline.name] = {s: compute_metrics([e.label for e in ex], baseline.predict(ex))
                               for s, ex in sets.items()}
    header = " | ".join(f"{s} macro-F1 | {s} acc" for s in sets)
    print(f"| model | {header} |")
    print("|---" * (1 + 2 * len(sets)) + "|")
    for name, by_set in rows.items():
        cells = " | ".join(f"{m['macro_f1']:.3f} | {m['accuracy']:.3f}" for m in by_set.values())
        print(f"| {name} | {cells} |")


if __name__ == "__main__":
    main()
