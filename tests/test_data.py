from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import pytest

from stancemap.config import DataConfig
from stancemap.errors import DataError
from stancemap.records import Example
from stancemap.training.data import (
    check_disjoint_documents,
    drop_duplicates,
    load_examples,
    load_splits,
    split_examples,
)

from .conftest import make_rows, write_jsonl


def test_loads_valid_jsonl(tmp_path, rows):
    examples = load_examples(write_jsonl(tmp_path / "a.jsonl", rows))
    assert len(examples) == len(rows)
    assert examples[0].actor_mention == "Seoul" and examples[0].label == "support"


def test_broken_json_names_file_and_line(tmp_path, rows):
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps(rows[0]) + "\n" + '{"text": "x", \n')
    with pytest.raises(DataError) as err:
        load_examples(path)
    assert err.value.line == 2 and str(path) in str(err.value) and "invalid JSON" in str(err.value)


@pytest.mark.parametrize("field", ["text", "actor", "proposal", "label"])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_or_empty_required_field(tmp_path, rows, field, value):
    bad = dict(rows[1])
    if value is None:
        del bad[field]
    else:
        bad[field] = value
    path = write_jsonl(tmp_path / "a.jsonl", [rows[0], bad])
    with pytest.raises(DataError) as err:
        load_examples(path)
    assert (err.value.line, err.value.field) == (2, field)
    assert f"{path}:2: field {field}" in str(err.value)


def test_unknown_label(tmp_path, rows):
    bad = dict(rows[0], label="maybe")
    with pytest.raises(DataError, match="unknown label 'maybe'") as err:
        load_examples(write_jsonl(tmp_path / "a.jsonl", [bad]))
    assert err.value.field == "label"


def test_csv_with_column_mapping_and_label_map(tmp_path):
    path = tmp_path / "a.csv"
    pd.DataFrame({"sentence": ["Paris backs the plan.", "Rome opposes it."],
                  "who": ["France", "Italy"], "target": ["the plan", "the plan"],
                  "stance": ["FAVOR", "x-against"]}).to_csv(path, index=False)
    examples = load_examples(path, columns={"text": "sentence", "actor": "who",
                                            "proposal": "target", "label": "stance"},
                             label_map={"x-against": "oppose"})
    assert [e.label for e in examples] == ["support", "oppose"]
    assert examples[1].actor == "Italy"


def test_csv_error_cites_file_line(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("text,actor,proposal,label\nok,A,P,support\n,B,P,oppose\n")
    with pytest.raises(DataError) as err:
        load_examples(path)
    assert err.value.line == 3 and err.value.field == "text"


def test_parquet(tmp_path, rows):
    path = tmp_path / "a.parquet"
    pd.DataFrame(rows).to_parquet(path)
    assert [e.text for e in load_examples(path)] == [r["text"] for r in rows]


def test_unknown_suffix(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("x")
    with pytest.raises(DataError, match="unknown file type"):
        load_examples(path)


def test_duplicates_removed_with_count():
    a = Example(text="Seoul backs it.", actor="South Korea", proposal="p", label="support")
    b = Example(text="Seoul  backs it.", actor="South Korea", proposal="p", label="support")
    c = Example(text="Seoul backs it.", actor="Japan", proposal="p", label="neutral")
    kept, removed = drop_duplicates([a, b, c])
    assert removed == 1 and kept == [a, c]


def test_conflicting_duplicate_labels_are_an_error():
    a = Example(text="x", actor="A", proposal="p", label="support", id="1")
    b = Example(text="x", actor="A", proposal="p", label="oppose", id="2")
    with pytest.raises(DataError, match="labels 'support'"):
        drop_duplicates([a, b])


def _many(n_docs: int = 40) -> list[Example]:
    labels = ["support", "oppose", "neutral"]
    return [Example(text=f"sentence {d} {k}", actor=f"A{k}", proposal="p",
                    label=labels[(d + k) % 3] if k else labels[d % 3], doc_id=f"d{d}")
            for d in range(n_docs) for k in range(3)]


def test_split_keeps_documents_whole_and_is_seeded():
    examples = _many()
    parts = split_examples(examples, {"dev": 0.15, "test": 0.15}, seed=7)
    docs = {name: {e.doc_id for e in part} for name, part in parts.items()}
    assert not docs["train"] & docs["dev"] and not docs["train"] & docs["test"]
    assert not docs["dev"] & docs["test"]
    assert sum(len(p) for p in parts.values()) == len(examples)
    again = split_examples(examples, {"dev": 0.15, "test": 0.15}, seed=7)
    assert [e.id for e in again["dev"]] == [e.id for e in parts["dev"]]
    other = split_examples(examples, {"dev": 0.15, "test": 0.15}, seed=8)
    assert {e.doc_id for e in other["dev"]} != docs["dev"]


def test_split_is_stratified():
    mix = ["support"] * 6 + ["oppose"] * 3 + ["neutral"]
    examples = [Example(text=f"s{i}", actor="A", proposal="p", label=mix[i % 10])
                for i in range(200)]
    parts = split_examples(examples, {"test": 0.2}, seed=1)
    counts = Counter(e.label for e in parts["test"])
    assert counts == {"support": 24, "oppose": 12, "neutral": 4}


def test_doc_in_two_given_files_is_an_error():
    ex = Example(text="x", actor="A", proposal="p", label="support", doc_id="d1")
    with pytest.raises(DataError, match="doc_id 'd1'"):
        check_disjoint_documents({"train": [ex], "dev": [ex]})


def test_load_splits_carves_dev_and_test_from_one_file(tmp_path):
    rows = make_rows(6)
    path = write_jsonl(tmp_path / "all.jsonl", rows + rows[:3])  # 3 exact duplicates
    splits = load_splits(DataConfig(train=str(path), split={"dev": 0.2, "test": 0.2}), seed=0)
    assert splits.duplicates_removed == 3
    assert sum(splits.sizes().values()) == len(rows)
    assert splits.dev and splits.test
    assert "split" in splits.sources["dev"]


def test_doc_context_gives_each_row_the_sentence_before_it_in_its_document(tmp_path):
    rows = [dict(text=f"Sentence {i} of {doc}.", actor="Japan", proposal="bill",
                 label="support", doc_id=doc) for doc in ("d1", "d2") for i in range(3)]
    rows.insert(1, dict(rows[0], actor="China", label="oppose"))  # a second row, same sentence
    path = write_jsonl(tmp_path / "train.jsonl", rows)
    dev = write_jsonl(tmp_path / "dev.jsonl", make_rows(1))
    cfg = DataConfig(train=str(path), dev=str(dev), doc_context=True)
    got = [(e.doc_id, e.text, e.context) for e in load_splits(cfg, seed=0).train]
    assert got[:4] == [("d1", "Sentence 0 of d1.", None), ("d1", "Sentence 0 of d1.", None),
                       ("d1", "Sentence 1 of d1.", "Sentence 0 of d1."),
                       ("d1", "Sentence 2 of d1.", "Sentence 1 of d1.")]
    assert got[4] == ("d2", "Sentence 0 of d2.", None)  # a document's first sentence has none
    plain = load_splits(DataConfig(train=str(path), dev=str(dev), dedupe=False), seed=0)
    assert all(e.context is None for e in plain.train)


def test_load_splits_drops_test_rows_seen_in_train(tmp_path):
    rows = make_rows(3)  # 12 rows per document group d0, d1, d2
    train = write_jsonl(tmp_path / "train.jsonl", rows[:12])
    dev = write_jsonl(tmp_path / "dev.jsonl", [dict(rows[0], doc_id="dx")] + rows[12:24])
    test = write_jsonl(tmp_path / "test.jsonl", rows[24:])
    splits = load_splits(DataConfig(train=str(train), dev=str(dev), test=str(test)), seed=0)
    assert splits.duplicates_removed == 1 and len(splits.dev) == 12
