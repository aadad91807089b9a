"""The shipped corpus meets the counts its card and codebook promise (checked on every run)."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from stancemap.labels import LABELS
from stancemap.training.data import load_examples
from stancemap.training.stats import dataset_stats

from .conftest import REPO

STANCE = REPO / "data" / "stance"
SPLITS = ("train", "dev", "test")
ACTOR_KINDS = {"state", "government_body", "official", "party", "union", "company", "ngo",
               "court", "international_org", "person", "group"}


EXTRA = ("quotes",)  # optional training documents (data.extra_train), checked alike


@pytest.fixture(scope="module")
def stats():
    return dataset_stats({s: load_examples(STANCE / f"{s}.jsonl") for s in SPLITS + EXTRA})


def test_size_and_variety(stats):
    assert stats["total_examples"] >= 2400
    assert stats["distinct_actors"] >= 200
    assert stats["distinct_proposals"] >= 150
    assert ACTOR_KINDS <= set(stats["actors_by_kind"])
    domains = {"diplomacy", "security", "trade_economy", "climate_energy", "health",
               "domestic_legislation", "courts", "corporate_deals", "local_government"}
    assert domains <= set(stats["proposals_by_domain"])


@pytest.mark.parametrize("split", SPLITS)
def test_label_balance_and_hard_cases_per_split(stats, split):
    s = stats["splits"][split]
    for label in LABELS:
        assert s["label_share"][label] >= 0.25, (split, label)
    assert s["multi_actor_sentence_share"] >= 0.30
    assert s["alias_share"] >= 0.15


def test_no_near_duplicate_sentences(stats):
    assert stats["near_duplicates"] == []


def test_documents_stay_in_one_split(stats):
    assert stats["documents_in_two_splits"] == []


def test_alias_mentions_occur_in_their_sentence():
    for split in SPLITS + EXTRA:
        for ex in load_examples(STANCE / f"{split}.jsonl"):
            assert ex.doc_id, ex.id
            if ex.actor_mention:
                assert ex.actor_mention in ex.text, ex.id


def test_challenge_set_is_minimal_pairs():
    path = STANCE / "challenge.jsonl"
    if not path.exists():
        pytest.skip("challenge set not written yet")
    examples = load_examples(path)
    pairs: dict[str, list] = defaultdict(list)
    for ex in examples:
        pairs[ex.extra["pair_id"]].append(ex)
    assert len(pairs) >= 300
    for pair_id, members in pairs.items():
        assert len(members) == 2, pair_id
        assert members[0].label != members[1].label, pair_id
    kinds = Counter(members[0].extra["kind"] for members in pairs.values())
    assert set(kinds) == {"actor_swap", "cue_swap"}
    train_texts = {ex.text for ex in load_examples(STANCE / "train.jsonl")}
    assert not train_texts & {ex.text for ex in examples}
