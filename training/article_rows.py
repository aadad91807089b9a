"""Sentence-level training rows from articles with document-level gold.

The stance corpus (``data/stance``) holds single written sentences; the article scorer
feeds the classifier something else: long wire-story sentences, quotes whose speaker is
named elsewhere, back-references with a context sentence, a state marked with the body
that speaks for it. This module turns scored-against-gold articles into rows of exactly
that shape, so a model can also learn from them (distant supervision): every candidate
pair the scorer makes whose (article, actor, proposal) has a gold tuple becomes one row
with the gold label. Candidates without a gold tuple are left out, since the label set
has no "no stance" class.

Only ever build rows from articles that are not used to measure the result (the sample
articles' ``dev`` part, never ``heldout``).

>>> from stancemap.inference.scorer import ArticleScorer
>>> scorer = ArticleScorer(None, proposals="data/articles/proposals.yaml")  # doctest: +SKIP
>>> rows = article_training_rows(scorer, "data/articles/articles.jsonl",
...                              "data/articles/gold.jsonl", part="dev")  # doctest: +SKIP
>>> sorted(rows[0])  # doctest: +SKIP
['actor', 'actor_mention', 'context', 'doc_id', 'id', 'label', 'proposal', 'text', 'via']
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

from stancemap.inference.scorer import ArticleScorer, parse_text
from stancemap.training.article_eval import actor_key, load_gold, read_part


def article_training_rows(
    scorer: ArticleScorer, articles_path: str | Path, gold_path: str | Path, *,
    part: str | None = None, exclude: Collection[str] = (),
) -> list[dict[str, Any]]:
    """One row per candidate pair with a gold tuple, labelled with the gold label.

    ``part`` keeps only the articles of that part (``"dev"``); ``exclude`` drops article
    ids (to keep some dev articles for validating a model trained on the rest). The rows
    carry what the scorer would give the classifier: the sentence, the canonical actor,
    the marked mention, the proposal text and the context sentence of a back-reference.
    """
    articles = read_part(articles_path, part, exclude=exclude)
    gold = load_gold(gold_path, scorer.table)
    rows: list[dict[str, Any]] = []
    docs = scorer.nlp.pipe([parse_text(a.text) for a in articles])
    for article, doc in zip(articles, docs):
        analysis = scorer.analyze(article, doc)
        for k, c in enumerate(analysis.candidates):
            label = gold.get((article.id, actor_key(c.actor.actor, scorer.table), c.proposal_id))
            if label is not None:
                rows.append({"id": f"{article.id}-s{c.sentence.index}-{k}",
                             "doc_id": article.id, **scorer.pair_input(c, analysis.sentences),
                             "label": label, "via": c.via})
    return rows
