"""The ``stancemap`` command line: parses arguments and calls library functions.

    stancemap train CONFIG [--set KEY=VALUE ...]
    stancemap evaluate --model MODEL --data FILE [--output DIR]
    stancemap predict  --model MODEL --input FILE --output FILE
    stancemap score    --model MODEL --input FILE --output FILE [--proposals FILE] [--resume]
                       [--config configs/score.yaml] [--on-error skip|fail] ...
    stancemap evaluate-articles --model MODEL --articles FILE --gold FILE [--part dev]
    stancemap data stats FILE [FILE ...]
    stancemap data article-rows --articles FILE --gold FILE --part dev --output FILE
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
    result = train(config, log_fn=lambda line: print(line, flush=True))  # progress shows live
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
    from stancemap.training.data import add_document_context, load_examples
    from stancemap.training.evaluate import evaluate_examples, write_report

    examples = load_examples(args.data, fmt=args.format)
    classifier = StanceClassifier.from_pretrained(args.model)
    if classifier.doc_context:  # read as in training: each row after its document's previous
        examples = add_document_context(examples)
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


def _score_config(args: argparse.Namespace):
    """The scoring settings: ``--config`` (if any), then every flag given on top of it."""
    from stancemap.score_config import ScoreConfig, load_score_config

    flags = {key: getattr(args, key, None) for key in ScoreConfig.model_fields}
    cfg = load_score_config(getattr(args, "config", None), flags)
    if cfg.model is None:
        raise StancemapError("no model: give --model MODEL, or `model:` in the score config")
    return cfg


def _scorer_spec(cfg):
    from stancemap.inference.workers import ScorerSpec

    return ScorerSpec(cfg.model, backend=cfg.backend, threads=cfg.threads,
                      options=cfg.scorer_options())


def _cmd_score(args: argparse.Namespace) -> int:
    cfg = _score_config(args)
    if cfg.engine == "ray":
        return _score_with_ray(cfg, args)
    from stancemap.inference.batch_score import score_file

    try:
        # A spec: the model is loaded only if there is work left (not for a finished
        # --resume), and once per worker process.
        report = score_file(
            _scorer_spec(cfg), args.input, args.output, resume=args.resume, errors_path=args.errors,
            on_error=cfg.on_error, chunk_size=cfg.chunk_size, progress=cfg.progress,
            settings={"backend": cfg.backend, "actors": cfg.actors}, workers=cfg.workers)
    except KeyboardInterrupt:
        print("interrupted; the same command with --resume continues where it stopped",
              file=sys.stderr)
        return 130
    for error in report.errors:
        print(f"error: {error}", file=sys.stderr)
    if report.failed > len(report.errors):
        print(f"... {report.failed - len(report.errors)} more in {report.errors_path}",
              file=sys.stderr)
    print(report.summary())
    # Rows for every good article are written; a failed article still fails the command.
    return 1 if report.failed else 0


def _score_with_ray(cfg, args: argparse.Namespace) -> int:
    # Refuse, rather than ignore, what only the local engine does.
    if args.resume or args.errors or cfg.on_error == "fail":
        raise StancemapError("--resume, --errors and --on-error fail work with --engine local; "
                             "a Ray run writes bad records to <output>/_errors/ and goes on")
    if cfg.workers > 1:
        raise StancemapError("--workers is for --engine local; Ray sizes its workers with "
                             "--concurrency")
    try:
        from stancemap.inference.ray_engine import score_with_ray
    except ModuleNotFoundError as err:
        raise StancemapError(f"--engine ray needs Ray: pip install 'stancemap[cluster]' "
                             f"({err})") from None
    report = score_with_ray(cfg.model, args.input, args.output,
                            scorer_options=cfg.scorer_options(),
                            backend=cfg.backend, threads=cfg.threads,
                            batch_size=cfg.batch_size, concurrency=cfg.concurrency)
    print(report.summary())
    return 1 if getattr(report, "failed", 0) or getattr(report, "errors", None) else 0


def _cmd_evaluate_articles(args: argparse.Namespace) -> int:
    from stancemap.training.article_eval import (
        evaluate_articles,
        format_mistakes,
        write_eval_report,
    )

    scorer = _scorer_spec(_score_config(args)).build()
    result = evaluate_articles(scorer, args.articles, args.gold, part=args.part)
    if args.output:
        write_eval_report(args.output, result)
    if args.show_mistakes and result.mistakes:
        print(format_mistakes(result.mistakes), file=sys.stderr)
    print(json.dumps(result.metrics, indent=2))
    return 0


def _add_scoring_options(p: argparse.ArgumentParser, *, model_required: bool = True) -> None:
    from stancemap.score_config import BACKENDS

    # Defaults are None ("not given"): the values come from the score config's defaults
    # (stancemap/score_config.py), so a flag overrides --config only when given.
    p.add_argument("--model", required=model_required,
                   help="model directory or runs:/ / models:/ URI")
    p.add_argument("--proposals", help="proposals YAML (id, name, aliases); without it "
                                       "proposals are found automatically")
    p.add_argument("--actors", help="your own actor aliases (YAML, same shape as proposals)")
    p.add_argument("--window", type=int,
                   help="sentences back that 'the measure' / 'it' may refer to (default 2)")
    p.add_argument("--aggregation", choices=("polar", "mean", "max", "last"),
                   help="how sentence predictions combine into one row (default mean)")
    p.add_argument("--people", choices=("keep", "affiliation"),
                   help="write people as actors, or roll them up to their affiliation")
    p.add_argument("--batch-size", type=int, help="pairs per classifier batch (default 64)")
    p.add_argument("--backend", choices=BACKENDS,
                   help="torch (default); onnx: int8 ONNX Runtime, faster on most CPUs; "
                        "torch-bf16: bfloat16, faster on CPUs with AMX and on GPUs")
    p.add_argument("--threads", type=int, help="CPU threads for the model")


def _cmd_data_stats(args: argparse.Namespace) -> int:
    from stancemap.training.stats import format_stats, stats_for_files

    stats = stats_for_files(args.files, fmt=args.format)
    print(json.dumps(stats, indent=2) if args.json else format_stats(stats))
    return 0


def _cmd_data_article_rows(args: argparse.Namespace) -> int:
    from stancemap.inference.scorer import ArticleScorer
    from stancemap.labels import LABELS
    from stancemap.tables import write_rows
    from stancemap.training.article_rows import article_training_rows

    # Rows come from the pairing alone: no model is loaded.
    scorer = ArticleScorer(None, proposals=args.proposals,  # type: ignore[arg-type]
                           actor_aliases=args.actors)
    exclude = {a.strip() for a in (args.exclude or "").split(",") if a.strip()}
    rows = article_training_rows(scorer, args.articles, args.gold, part=args.part,
                                 exclude=exclude)
    count = write_rows(args.output, rows)
    labels = {label: sum(r["label"] == label for r in rows) for label in LABELS}
    print(f"{count} rows from {len({r['doc_id'] for r in rows})} articles -> {args.output} "
          f"({', '.join(f'{k} {v}' for k, v in labels.items())})")
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

    p = sub.add_parser("score", help="articles -> one row per (article, actor, proposal)")
    p.add_argument("--config", help="scoring config YAML (configs/score.yaml); flags override it")
    _add_scoring_options(p, model_required=False)  # the config may name the model
    p.add_argument("--input", required=True,
                   help="articles with id, text: a JSONL, CSV or Parquet file, or a quoted "
                        "glob such as 'corpus/*.parquet'")
    p.add_argument("--output", required=True, help="rows file; format from its suffix")
    p.add_argument("--resume", action="store_true",
                   help="continue an interrupted run exactly where its last commit left it")
    p.add_argument("--on-error", choices=("skip", "fail"),
                   help="skip (default): bad records go to the errors file and the run goes "
                        "on; fail: stop at the first")
    p.add_argument("--errors", help="errors file (default <output stem>.errors.jsonl)")
    p.add_argument("--chunk-size", type=int,
                   help="input records per committed chunk (default 128)")
    p.add_argument("--engine", choices=("local", "ray"),
                   help="local (default), or ray: the same scoring on Ray Data")
    p.add_argument("--concurrency", type=int, help="--engine ray: number of scorer workers")
    p.add_argument("--workers", type=int,
                   help="--engine local: scoring processes (default 1), each with its own "
                        "model and cores/workers threads")
    p.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                   help="no progress bar (it shows only on a terminal anyway)")
    p.set_defaults(func=_cmd_score)

    p = sub.add_parser("evaluate-articles",
                       help="score articles against gold tuples (prints precision/recall/F1)")
    _add_scoring_options(p)
    p.add_argument("--articles", required=True, help="articles file (with a 'part' field)")
    p.add_argument("--gold", required=True, help="gold JSONL: doc_id, actor, proposal_id, label")
    p.add_argument("--part", help="score only articles of this part (dev, heldout)")
    p.add_argument("--output", help="directory for metrics.json, rows.jsonl, mistakes.jsonl")
    p.add_argument("--show-mistakes", action="store_true", help="print every disagreement")
    p.set_defaults(func=_cmd_evaluate_articles)

    p = sub.add_parser("data", help="dataset tools")
    data_sub = p.add_subparsers(dest="data_command", required=True)
    p = data_sub.add_parser("stats", help="counts, label balance, actors, lengths, near-duplicates")
    p.add_argument("files", nargs="+", help="labelled files; each is one split (named by stem)")
    p.add_argument("--format", default="auto", help="file format or adapter (default: suffix)")
    p.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    p.set_defaults(func=_cmd_data_stats)
    p = data_sub.add_parser(
        "article-rows", help="training rows from articles with gold tuples (the pairs the "
                             "scorer makes, labelled by gold); never from held-out articles")
    p.add_argument("--articles", required=True, help="articles file (with a 'part' field)")
    p.add_argument("--gold", required=True, help="gold JSONL: doc_id, actor, proposal_id, label")
    p.add_argument("--proposals", help="proposals YAML (id, name, aliases)")
    p.add_argument("--actors", help="your own actor aliases (YAML)")
    p.add_argument("--part", help="only articles of this part (e.g. dev)")
    p.add_argument("--exclude", help="comma-separated article ids to leave out")
    p.add_argument("--output", required=True, help="JSONL, CSV or Parquet file to write")
    p.set_defaults(func=_cmd_data_article_rows)
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
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
