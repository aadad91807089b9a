"""The ``stancemap`` command line: parses arguments and calls library functions.

    stancemap train CONFIG [--set KEY=VALUE ...]
    stancemap evaluate --model MODEL --data FILE [--output DIR]
    stancemap predict  --model MODEL --input FILE --output FILE
    stancemap data stats FILE [FILE ...]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import warnings
from collections.abc import Sequence

from stancemap.errors import StancemapError


def _cmd_train(args: argparse.Namespace) -> int:
    from stancemap.config import load_config
    from stancemap.training.trainer import summarize, train

    config = load_config(args.config, overrides=args.set)
    result = train(config)
    print(summarize(result))
    if result.tracking_error:
        print(f"warning: {result.tracking_error}; the model is saved locally all the same",
              file=sys.stderr)
    if result.registered_uri:
        print(f"registered: {result.registered_uri}")
    print(f"model: {result.model_dir}  mlflow run: {result.run_id or 'none'}")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from stancemap.inference.classifier import StanceClassifier
    from stancemap.training.data import load_examples
    from stancemap.training.evaluate import evaluate_examples, write_report

    examples = load_examples(args.data, fmt=args.format)
    classifier = StanceClassifier.from_pretrained(args.model)
    metrics, labels, scores = evaluate_examples(classifier, examples, batch_size=args.batch_size)
    if args.output:
        write_report(args.output, examples, metrics, labels, scores, title=args.data)
    print(json.dumps(metrics, indent=2))
    return 0


def _cmd_predict(args: argparse.Namespace) -> int:
    from stancemap.inference.predict import predict_file

    count = predict_file(args.model, args.input, args.output, batch_size=args.batch_size)
    if args.show:
        from stancemap.tables import read_rows

        for _, row in read_rows(args.output):
            print(f"{row['label']:<8} {row['scores'][row['label']]:.2f}  {row['actor']} -> "
                  f"{row['proposal']}\n    {row['text']}")
    print(f"wrote {count} predictions to {args.output}")
    return 0


def _cmd_data_stats(args: argparse.Namespace) -> int:
    from stancemap.training.stats import format_stats, stats_for_files

    stats = stats_for_files(args.files, fmt=args.format)
    print(json.dumps(stats, indent=2) if args.json else format_stats(stats))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stancemap", description="Who stands where on what in the news.")
    parser.add_argument("-v", "--verbose", action="store_true", help="show library logs")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("train", help="fine-tune a stance classifier from a YAML config")
    p.add_argument("config", help="YAML training config, e.g. configs/default.yaml")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config value by its dotted key (repeatable)")
    p.set_defaults(func=_cmd_train)

    p = sub.add_parser("evaluate", help="score a model on labelled examples (prints JSON)")
    p.add_argument("--model", required=True, help="model directory or runs:/ / models:/ URI")
    p.add_argument("--data", required=True, help="labelled JSONL, CSV or Parquet file")
    p.add_argument("--format", default="auto",
                   help="file format, or a dataset adapter (seesaw, ibm_claim_stance, ...) "
                        "with --data PATH#SPLIT")
    p.add_argument("--output", help="directory for a report: confusion matrix, errors")
    p.add_argument("--batch-size", type=int, default=64)
    p.set_defaults(func=_cmd_evaluate)

    p = sub.add_parser("predict", help="label sentence-level (text, actor, proposal) rows")
    p.add_argument("--model", required=True, help="model directory or runs:/ / models:/ URI")
    p.add_argument("--input", required=True, help="JSONL, CSV or Parquet rows")
    p.add_argument("--output", required=True, help="output file; format from its suffix")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--show", action="store_true", help="also print each prediction")
    p.set_defaults(func=_cmd_predict)

    p = sub.add_parser("data", help="dataset tools")
    data_sub = p.add_subparsers(dest="data_command", required=True)
    p = data_sub.add_parser("stats", help="counts, label balance, actors, lengths, near-duplicates")
    p.add_argument("files", nargs="+", help="labelled files; each is one split (named by stem)")
    p.add_argument("--format", default="auto", help="file format or adapter (default: suffix)")
    p.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    p.set_defaults(func=_cmd_data_stats)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``stancemap`` console script and ``python -m stancemap``."""
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not args.verbose:
        # transformers and MLflow are chatty at INFO/WARNING about things users cannot act on.
        for name in ("transformers", "mlflow", "alembic", "httpx"):
            logging.getLogger(name).setLevel(logging.ERROR)
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        os.environ.setdefault("MLFLOW_LOGGING_LEVEL", "ERROR")
        os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        warnings.filterwarnings("ignore", module=r"mlflow\..*")
    try:
        return args.func(args)
    except StancemapError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
