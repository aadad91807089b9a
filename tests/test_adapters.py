"""Dataset adapters, read from small invented fixtures in each dataset's layout."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from stancemap.config import AdapterConfig, DataConfig
from stancemap.errors import DataError
from stancemap.training.adapters import find_mention, load_adapter
from stancemap.training.data import load_examples, load_splits

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "adapters"
SEESAW = FIXTURES / "seesaw"
REAL_DATA = Path(__file__).resolve().parents[2] / "shared" / "datasets"
REAL_SEESAW = REAL_DATA / "seesaw"
REAL_IBM = REAL_DATA / "ibm_claim_stance" / "claim_stance_clean.csv"


def seesaw(split: str = "train", **options: object):
    return load_adapter("seesaw", f"{SEESAW}#{split}", AdapterConfig(**options))


def by_id(examples):
    return {e.id: e for e in examples}


# --- SEESAW -------------------------------------------------------------------------------

def test_seesaw_train_split_examples():
    examples = by_id(seesaw())
    first = examples["TRIPLET_900_DOCUMENT_0:0:0"]
    assert (first.actor, first.proposal, first.label) == ("Maria Alvarez", "River Cleanup Act",
                                                          "support")
    assert first.actor_mention == "Maria Alvarez" and first.context is None
    reilly = examples["TRIPLET_900_DOCUMENT_0:3:0"]
    assert reilly.label == "oppose"
    assert reilly.context == "The Greens called the measure a good first step."
    assert {e.doc_id for e in examples.values()} == {"TRIPLET_900"}
    assert {e.label for e in examples.values()} == {"support", "oppose"}
    assert len(examples) == 7


def test_seesaw_split_comes_from_the_story_meta():
    valid = seesaw("valid")
    assert {e.doc_id for e in valid} == {"TRIPLET_901"} and len(valid) == 2
    everything = load_adapter("seesaw", str(SEESAW), AdapterConfig())
    assert len(everything) == 9


def test_seesaw_mentions():
    examples = by_id(seesaw() + seesaw("valid"))
    assert examples["TRIPLET_900_DOCUMENT_0:1:0"].actor_mention == "Alvarez"  # surname
    assert examples["TRIPLET_900_DOCUMENT_0:2:0"].actor_mention == "Greens"  # part of the name
    assert examples["TRIPLET_900_DOCUMENT_0:5:0"].actor_mention is None  # not in the sentence
    assert examples["TRIPLET_901_DOCUMENT_0:0:0"].actor_mention == "council"  # any case
    assert examples["TRIPLET_901_DOCUMENT_0:1:0"].actor_mention == "Ana Ruiz"


def test_find_mention():
    assert find_mention("Mr. Obama spoke.", "Barack Obama", person=True) == "Obama"
    assert find_mention("The U.S. objected.", "U.S.") == "U.S."
    assert find_mention("The Department of Justice sued.",
                        "United States Department of Justice") == "Department of Justice"
    assert find_mention("The department said no.", "United States Department of Justice") is None
    assert find_mention("Nobody here.", "Barack Obama", person=True) is None


def test_find_mention_party_plurals_and_pronouns():
    assert find_mention("But 22 Democrats backed a delay.", "Democratic Party") == "Democrats"
    assert find_mention("The GOP blocked it.", "Republican Party") == "GOP"
    # Pronouns only when asked for, and the speaker's rather than the first one.
    said = '"He is wrong about the bill," she said.'
    assert find_mention(said, "Ann Lee", person=True) is None
    assert find_mention(said, "Ann Lee", person=True, pronoun=True) == "she"
    assert find_mention("He signed the bill.", "Ann Lee", person=True, pronoun=True) == "He"
    assert find_mention('"I will vote no."', "Ann Lee", person=True, pronoun=True) == "I"
    assert find_mention("We oppose it, they said.", "Farm Bureau", pronoun=True) == "they"
    # A pronoun in the middle of the sentence is too often someone else: no mention.
    assert find_mention("The aide said he was wrong.", "Ann Lee", person=True,
                        pronoun=True) is None


def test_seesaw_author_drop_and_keep():
    assert all(e.actor != "author" for e in seesaw())
    kept = [e for e in seesaw(author="keep") if e.actor == "author"]
    # "Not in the list" and a null subject are both the author; "NEU" is skipped.
    assert sorted(e.id for e in kept) == ["TRIPLET_900_DOCUMENT_0:4:0",
                                          "TRIPLET_900_DOCUMENT_1:0:0"]
    assert all(e.actor_mention is None for e in kept)


def test_seesaw_context_option():
    assert all(e.context is None for e in seesaw(context=False))


def test_seesaw_conflicts_dropped_and_duplicates_kept_once():
    examples = seesaw()
    pairs = Counter((e.text, e.actor, e.proposal) for e in examples)
    assert max(pairs.values()) == 1
    # Tom Reilly on Maria Alvarez: POS from one annotator, NEG from another -> dropped.
    assert not [e for e in examples if e.proposal == "Maria Alvarez"]
    # The two identical Alvarez annotations of sentence 1 give one example.
    assert [e.id for e in examples if e.text.startswith("Alvarez said")] == [
        "TRIPLET_900_DOCUMENT_0:1:0"]


def test_seesaw_through_load_splits():
    cfg = DataConfig(train=f"{SEESAW}#train", dev=f"{SEESAW}#valid", test=f"{SEESAW}#valid",
                     format="seesaw")
    splits = load_splits(cfg, seed=1)
    assert len(splits.train) == 7 and len(splits.dev) == 2


def copy_seesaw(tmp_path: Path) -> Path:
    return Path(shutil.copytree(SEESAW, tmp_path / "seesaw"))


def test_seesaw_missing_folder(tmp_path):
    with pytest.raises(DataError, match="not a SEESAW folder") as err:
        load_adapter("seesaw", f"{tmp_path / 'nope'}#train", AdapterConfig())
    assert str(tmp_path / "nope") in str(err.value)


def test_seesaw_malformed_json_names_file_and_line(tmp_path):
    root = copy_seesaw(tmp_path)
    bad = root / "annotations" / "TRIPLET_900_DOCUMENT_1.json"
    bad.write_text('{"entity lists": [],\n "sentence-level stances": {,}}\n')
    with pytest.raises(DataError, match="invalid JSON") as err:
        load_adapter("seesaw", f"{root}#train", AdapterConfig())
    assert err.value.path == str(bad) and err.value.line == 2


def test_seesaw_bad_annotation_names_key_path(tmp_path):
    root = copy_seesaw(tmp_path)
    path = root / "annotations" / "TRIPLET_901_DOCUMENT_0.json"
    data = json.loads(path.read_text())
    del data["sentence-level stances"]["1"][0]["sentiment"]
    path.write_text(json.dumps(data))
    with pytest.raises(DataError) as err:
        load_adapter("seesaw", f"{root}#valid", AdapterConfig())
    assert err.value.path == str(path)
    assert err.value.field == "sentence-level stances.1[0].sentiment"


def test_seesaw_missing_annotation_file_and_unknown_split(tmp_path):
    root = copy_seesaw(tmp_path)
    with pytest.raises(DataError, match="unknown split 'test'"):
        load_adapter("seesaw", f"{root}#test", AdapterConfig())
    (root / "annotations" / "TRIPLET_901_DOCUMENT_0.json").unlink()
    with pytest.raises(DataError, match="file not found"):
        load_adapter("seesaw", f"{root}#valid", AdapterConfig())


@pytest.mark.skipif(not REAL_SEESAW.is_dir(), reason="no ../shared/datasets/seesaw here")
def test_real_seesaw_split_sizes():
    train = load_adapter("seesaw", f"{REAL_SEESAW}#train", AdapterConfig())
    valid = load_adapter("seesaw", f"{REAL_SEESAW}#valid", AdapterConfig())
    assert 3000 <= len(train) <= 8000 and 1000 <= len(valid) <= 2500
    assert {e.label for e in train + valid} == {"support", "oppose"}
    assert not {e.doc_id for e in train} & {e.doc_id for e in valid}


# --- IBM, SemEval / tweeteval, VAST ---------------------------------------------------------

@pytest.mark.skipif(not REAL_IBM.is_file(), reason="no ../shared/datasets/ibm_claim_stance here")
def test_real_ibm_claim_stance_splits():
    train = load_adapter("ibm_claim_stance", f"{REAL_IBM}#train", AdapterConfig())
    test = load_adapter("ibm_claim_stance", f"{REAL_IBM}#test", AdapterConfig())
    assert 500 <= len(train) <= 2000 and 500 <= len(test) <= 2000
    assert not {e.doc_id for e in train} & {e.doc_id for e in test}


def test_ibm_claim_stance_splits():
    path = FIXTURES / "ibm" / "claim_stance.csv"
    train = load_adapter("ibm_claim_stance", f"{path}#train", AdapterConfig())
    assert [e.label for e in train] == ["support", "oppose"]
    assert train[0].actor == "author" and train[0].doc_id == "ibm-topic-7"
    assert train[0].proposal == "This house would ban single-use plastic bags"
    assert train[1].id == "ibm-702" and train[1].text.startswith("Reusable bags cost more")
    assert len(load_adapter("ibm_claim_stance", str(path), AdapterConfig())) == 4
    with pytest.raises(DataError, match="unknown split"):
        load_adapter("ibm_claim_stance", f"{path}#valid", AdapterConfig())


def test_ibm_unknown_label_names_file_row_and_field(tmp_path):
    text = (FIXTURES / "ibm" / "claim_stance.csv").read_text().replace(",801,PRO,", ",801,MAYBE,")
    path = tmp_path / "claims.csv"
    path.write_text(text)
    with pytest.raises(DataError, match="unknown label 'MAYBE'") as err:
        load_adapter("ibm_claim_stance", str(path), AdapterConfig())
    # The header is line 1, so the third row (claim 801) is line 4.
    assert (err.value.path, err.value.line, err.value.field) == (str(path), 4, "claims.stance")


def test_missing_file_is_a_data_error(tmp_path):
    for fmt in ("ibm_claim_stance", "semeval", "vast"):
        with pytest.raises(DataError, match="file not found"):
            load_adapter(fmt, str(tmp_path / "absent.csv"), AdapterConfig())


def test_semeval_tsv_in_cp1252():
    examples = load_adapter("semeval", str(FIXTURES / "semeval" / "semeval_train.txt"),
                            AdapterConfig())
    assert [e.label for e in examples] == ["support", "oppose", "neutral", "neutral"]
    assert [e.proposal for e in examples[:3]] == ["legalisation of abortion", "atheism",
                                                  "action on climate change"]
    assert examples[1].text.startswith('"Faith gives')  # bare quotes kept
    assert examples[2].text.startswith("It\u2019s raining")
    assert examples[0].id == "semeval-101" and examples[3].proposal == "Donald Trump"


def test_tweeteval_folder():
    root = FIXTURES / "tweeteval" / "stance"
    everything = load_adapter("semeval", str(root), AdapterConfig())
    assert len(everything) == 5
    train = load_adapter("semeval", f"{root}#train", AdapterConfig())
    assert [(e.proposal, e.label) for e in train] == [
        ("legalisation of abortion", "support"), ("legalisation of abortion", "oppose"),
        ("Hillary Clinton", "support")]
    valid = load_adapter("semeval", f"{root / 'abortion'}#valid", AdapterConfig())
    assert [(e.label, e.id) for e in valid] == [("neutral", "tweeteval-abortion-val-1")]


def test_tweeteval_bad_label_and_length_mismatch(tmp_path):
    root = Path(shutil.copytree(FIXTURES / "tweeteval" / "stance" / "abortion",
                                tmp_path / "abortion"))
    (root / "train_labels.txt").write_text("2\n7\n")
    with pytest.raises(DataError, match="unknown label '7'") as err:
        load_adapter("semeval", f"{root}#train", AdapterConfig())
    assert (err.value.line, err.value.field) == (2, "label")
    (root / "train_labels.txt").write_text("2\n")
    with pytest.raises(DataError, match="2 lines of text but 1 labels"):
        load_adapter("semeval", f"{root}#train", AdapterConfig())


def test_vast():
    path = FIXTURES / "vast" / "vast_dev.csv"
    examples = load_examples(path, fmt="vast")
    assert [(e.proposal, e.label) for e in examples] == [
        ("bike lanes", "support"), ("street parking", "oppose"),
        ("public stadium funding", "neutral")]
    assert "\n" in examples[0].text  # the whole post
    assert examples[0].doc_id == examples[1].doc_id == "vast-11"
    assert examples[2].id == "vast-1201" and examples[2].actor == "author"
    with pytest.raises(DataError, match="one file per split"):
        load_adapter("vast", f"{path}#dev", AdapterConfig())


def test_vast_error_cites_start_line_of_row(tmp_path):
    text = (FIXTURES / "vast" / "vast_dev.csv").read_text().replace(",2,1201,", ",5,1201,")
    path = tmp_path / "vast.csv"
    path.write_text(text)
    with pytest.raises(DataError, match="unknown label '5'") as err:
        load_adapter("vast", str(path), AdapterConfig())
    assert (err.value.line, err.value.field) == (6, "label")


def test_unknown_format():
    with pytest.raises(DataError, match="unknown dataset format"):
        load_adapter("nope", "x", AdapterConfig())
