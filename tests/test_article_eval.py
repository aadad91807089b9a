"""Scoring articles against gold tuples: metrics, parts, gold validation, the CLI command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stancemap.cli import main
from stancemap.errors import DataError
from stancemap.inference.scorer import ArticleScorer
from stancemap.training.article_eval import (
    actor_key,
    evaluate_articles,
    load_gold,
    tuple_metrics,
    write_eval_report,
)
from tests.fixtures.cue_classifier import CueWordClassifier

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
ARTICLES, GOLD, PROPOSALS = (FIXTURES / "articles.jsonl", FIXTURES / "gold.jsonl",
                             FIXTURES / "proposals.yaml")


@pytest.fixture(scope="module")
def scorer() -> ArticleScorer:
    return ArticleScorer(CueWordClassifier(), proposals=PROPOSALS)


def test_a_tuple_counts_only_with_the_right_label() -> None:
    # China has the wrong label (a false positive and a false negative); India is extra.
    gold = {("a", "china", "icc"): "oppose", ("a", "japan", "icc"): "support"}
    pred = {("a", "china", "icc"): "support", ("a", "japan", "icc"): "support",
            ("a", "india", "icc"): "neutral"}
    m = tuple_metrics(gold, pred)
    assert (m["correct"], m["precision"], m["recall"]) == (1, round(1 / 3, 4), 0.5)
    assert (m["pair_precision"], m["pair_recall"]) == (round(2 / 3, 4), 1.0)
    assert tuple_metrics({}, {})["f1"] == 0.0


def test_actor_names_compare_canonically() -> None:
    assert actor_key("Seoul") == actor_key("South Korea") == "south korea"
    assert actor_key("The Justice Department") == "justice department"


def test_evaluate_dev_and_heldout_parts(scorer) -> None:
    dev = evaluate_articles(scorer, ARTICLES, GOLD, part="dev")
    assert (dev.metrics["articles"], dev.metrics["gold"]) == (2, 4)
    # Gold "Rome" is Italy and "China" is Beijing's row; in "South Korea backed the U.N.
    # resolution, while Beijing rejected the ICC" neither actor is paired across clauses.
    assert (dev.metrics["precision"], dev.metrics["recall"]) == (1.0, 1.0)
    assert dev.mistakes == []
    held = evaluate_articles(scorer, ARTICLES, GOLD, part="heldout")
    assert held.metrics["f1"] == 1.0 and held.metrics["part"] == "heldout"
    everything = evaluate_articles(scorer, ARTICLES, GOLD)
    assert everything.metrics["gold"] == 6 and everything.metrics["model"] == scorer.classifier.name


def test_unknown_part_is_an_error(scorer) -> None:
    with pytest.raises(DataError, match=r"no articles with part 'test' \(parts in the file: "
                                        r"dev, heldout\)"):
        evaluate_articles(scorer, ARTICLES, GOLD, part="test")


@pytest.mark.parametrize("row, field", [
    ({"doc_id": "a", "actor": "X", "proposal_id": "p"}, "label"),
    ({"doc_id": "a", "actor": "X", "proposal_id": "p", "label": "maybe"}, "label"),
    ({"doc_id": "a", "actor": "", "proposal_id": "p", "label": "support"}, "actor"),
])
def test_bad_gold_names_line_and_field(tmp_path: Path, row: dict, field: str) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match=rf"gold\.jsonl:1: field {field}"):
        load_gold(path)


def test_report_files(scorer, tmp_path: Path) -> None:
    paths = write_eval_report(tmp_path / "r", evaluate_articles(scorer, ARTICLES, GOLD))
    assert json.loads(paths["metrics"].read_text())["gold"] == 6
    assert paths["rows"].read_text().count("\n") == 6


def test_cli_evaluate_articles(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys) -> None:
    monkeypatch.setattr(ArticleScorer, "from_pretrained", classmethod(
        lambda cls, model, **kw: cls(CueWordClassifier(), **kw)))
    code = main(["evaluate-articles", "--model", "M", "--articles", str(ARTICLES), "--gold",
                 str(GOLD), "--proposals", str(PROPOSALS), "--part", "heldout",
                 "--output", str(tmp_path / "report")])
    assert code == 0
    metrics = json.loads(capsys.readouterr().out)
    assert metrics["f1"] == 1.0 and metrics["articles"] == 2
    assert (tmp_path / "report" / "mistakes.jsonl").exists()
