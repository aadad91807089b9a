"""Two-fold check of the article model's recipe on the dev sample articles.

The article model (configs/articles.yaml) is trained on rows cut from every dev article, so
its dev score means nothing. This script measures the recipe instead: the dev articles,
sorted by number, go alternately to fold A and fold B; the recipe is trained on one fold's
rows and scored on the other fold, beside the base model on the same fold. Pairs are the same
for both models, so the difference is the labels. The held-out articles are never read.

    .venv/bin/python benchmarks/article_folds.py                      # ~20 minutes on 2 cores
    .venv/bin/python benchmarks/article_folds.py --set train.epochs=5 --set train.soup_seeds=[]

Prints one line per fold (right tuples, tuple F1, label accuracy on found pairs) and writes
``<out>/folds.json``. Results: benchmarks/RESULTS.md, issue 4, "Tenth session".
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from stancemap.config import load_config
from stancemap.inference.scorer import ArticleScorer
from stancemap.tables import write_rows
from stancemap.training.article_eval import actor_key, load_gold, read_part, tuple_metrics
from stancemap.training.article_rows import article_training_rows
from stancemap.training.trainer import train

ARTICLES = "data/articles/articles.jsonl"
GOLD = "data/articles/gold.jsonl"
PROPOSALS = "data/articles/proposals.yaml"


def folds(articles: str = ARTICLES) -> dict[str, list[str]]:
    """The dev article ids, sorted by number, alternately in fold A and fold B.

    >>> f = folds()  # doctest: +SKIP
    >>> f["A"][:2], f["B"][:2]  # doctest: +SKIP
    (['art-01', 'art-03'], ['art-02', 'art-05'])
    """
    ids = sorted((a.id for a in read_part(articles, "dev")),
                 key=lambda i: (len(i), i))  # art-9 before art-10
    return {"A": ids[0::2], "B": ids[1::2]}


def score_fold(model: str, ids: list[str], nlp: Any = None) -> dict[str, float]:
    """Tuple metrics of ``model`` on the dev articles ``ids`` (``nlp``: a loaded spaCy
    pipeline to reuse)."""
    scorer = ArticleScorer.from_pretrained(model, proposals=PROPOSALS, nlp=nlp)
    wanted = set(ids)
    articles = [a for a in read_part(ARTICLES, "dev") if a.id in wanted]
    gold = {k: v for k, v in load_gold(GOLD, scorer.table).items() if k[0] in wanted}
    pred = {(r.doc_id, actor_key(r.actor, scorer.table), r.proposal_id): r.label
            for r in scorer.score(articles).rows}
    return tuple_metrics(gold, pred)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", default="configs/articles.yaml")
    parser.add_argument("--out", default="runs/article_folds")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="config override, as for stancemap train")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    split = folds()
    cutter = ArticleScorer(None, proposals=PROPOSALS)
    report = {}
    for train_fold, test_fold in (("A", "B"), ("B", "A")):
        rows = article_training_rows(cutter, ARTICLES, GOLD, part="dev",
                                     exclude=set(split[test_fold]))
        rows_path = out / f"rows_{train_fold}.jsonl"
        write_rows(rows_path, rows)
        cfg = load_config(args.config, [f"data.train={rows_path}",
                                        f"output_dir={out}/train_on_{train_fold}",
                                        f"tracking.run_name=folds-{train_fold}", *args.set])
        model = str(train(cfg, log_fn=lambda _: None).model_dir)
        for name, path in (("base", cfg.model.base), ("recipe", model)):
            m = score_fold(path, split[test_fold], cutter.nlp)
            report[f"{name} on {test_fold}"] = m
            print(f"fold {test_fold} ({len(split[test_fold])} articles, {m['gold']} tuples), "
                  f"{name:6}: {m['correct']} right, F1 {m['f1']:.3f}, label accuracy "
                  f"{m['label_accuracy_on_found_pairs']:.3f}", flush=True)
    (out / "folds.json").write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
