from __future__ import annotations

import json
import subprocess
import sys

from stancemap.records import Example
from stancemap.training.stats import content_words, dataset_stats, format_stats, near_duplicates

from .conftest import REPO, make_rows, write_jsonl


def test_content_words_drop_function_words():
    assert content_words("The minister said it was a good deal.") == {"minister", "good", "deal"}


def test_near_duplicates_found_and_distinct_sentences_pass():
    texts = ["Brazil backed the tariff cut on steel imports.",
             "Brazil backed the tariff cut on steel imports on Monday.",
             "Kenya rejected the land reform bill in parliament."]
    pairs = near_duplicates(texts)
    assert len(pairs) == 1 and pairs[0][:2] == tuple(texts[:2])
    assert near_duplicates(texts[1:]) == []
    assert near_duplicates([texts[0], texts[0]]) == []  # the same sentence for two actors is fine


def test_dataset_stats_counts():
    a = Example(text="Seoul backs it but Beijing opposes it.", actor="South Korea",
                proposal="p", label="support", doc_id="d1", actor_mention="Seoul")
    b = Example(text=a.text, actor="China", proposal="p", label="oppose", doc_id="d1",
                actor_mention="Beijing")
    c = Example(text="Japan is studying the proposal.", actor="Japan", proposal="p",
                label="neutral", doc_id="d2")
    stats = dataset_stats({"train": [a, b], "dev": [c]})
    train = stats["splits"]["train"]
    assert train["labels"] == {"support": 1, "oppose": 1, "neutral": 0}
    assert train["multi_actor_sentence_share"] == 1.0 and train["alias_share"] == 1.0
    assert stats["splits"]["dev"]["multi_actor_sentence_share"] == 0.0
    assert stats["distinct_actors"] == 3 and stats["documents_in_two_splits"] == []
    assert "| train | 2 | 1 | 1 |" in format_stats(stats)


def test_documents_in_two_splits_reported():
    a = Example(text="x y z", actor="A", proposal="p", label="support", doc_id="d1")
    b = Example(text="q r s", actor="B", proposal="p", label="oppose", doc_id="d1")
    assert dataset_stats({"train": [a], "test": [b]})["documents_in_two_splits"] == ["d1"]


def test_cli_data_stats_json(tmp_path):
    path = write_jsonl(tmp_path / "train.jsonl", make_rows(1))
    done = subprocess.run([sys.executable, "-m", "stancemap", "data", "stats", str(path), "--json"],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    assert stats["splits"]["train"]["examples"] == 12
