"""Training rows from articles with gold: the scorer's pairs, labelled by gold tuples."""

from __future__ import annotations

from pathlib import Path

import pytest

from stancemap.cli import main
from stancemap.inference.scorer import ArticleScorer
from stancemap.training.article_rows import article_training_rows
from stancemap.training.data import load_examples

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
ARTICLES, GOLD, PROPOSALS = (FIXTURES / "articles.jsonl", FIXTURES / "gold.jsonl",
                             FIXTURES / "proposals.yaml")


@pytest.fixture(scope="module")
def scorer() -> ArticleScorer:
    return ArticleScorer(None, proposals=PROPOSALS)  # type: ignore[arg-type]  # pairing only


def test_rows_are_the_scorers_pairs_with_gold_labels(scorer) -> None:
    rows = article_training_rows(scorer, ARTICLES, GOLD, part="dev")
    by_pair = {(r["doc_id"], r["actor"], r["proposal"]): r for r in rows}
    assert {r["doc_id"] for r in rows} == {"t1", "t2"}  # held-out t3, t4 never
    china = next(r for r in rows if r["actor"] == "China")
    assert (china["label"], china["actor_mention"]) == ("oppose", "Beijing")
    assert "Beijing rejected the ICC" in china["text"]
    labels = {(d, a): r["label"] for (d, a, _), r in by_pair.items()}
    assert labels[("t2", "France")] == "support" and labels[("t2", "Italy")] == "oppose"
    # Berlin is in a candidate pair only if the scorer made one; it has no gold, so no row.
    assert ("t2", "Germany") not in labels


def test_exclude_leaves_articles_out(scorer) -> None:
    rows = article_training_rows(scorer, ARTICLES, GOLD, part="dev", exclude={"t2"})
    assert {r["doc_id"] for r in rows} == {"t1"}


def test_cli_writes_rows_that_train_as_they_are(tmp_path, capsys) -> None:
    out = tmp_path / "rows.jsonl"
    assert main(["data", "article-rows", "--articles", str(ARTICLES), "--gold", str(GOLD),
                 "--proposals", str(PROPOSALS), "--part", "dev", "--output", str(out)]) == 0
    assert "rows from 2 articles" in capsys.readouterr().out
    examples = load_examples(out)
    assert examples and {e.label for e in examples} <= {"support", "oppose", "neutral"}
    assert all(e.actor_mention for e in examples)
