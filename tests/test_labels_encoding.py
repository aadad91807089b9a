from __future__ import annotations

from stancemap.encoding import encode_pairs, mark_mention, pair_text
from stancemap.labels import ID2LABEL, LABEL2ID, LABELS, normalize_label
from stancemap.records import Example


def test_label_order_is_fixed():
    assert LABELS == ("support", "oppose", "neutral")
    assert [LABEL2ID[x] for x in LABELS] == [0, 1, 2]
    assert ID2LABEL[1] == "oppose"


def test_normalize_known_spellings_and_custom_map():
    assert normalize_label("FAVOR") == "support"
    assert normalize_label("against") == "oppose"
    assert normalize_label("NONE") == "neutral"
    assert normalize_label("POS") == "support" and normalize_label("NEG") == "oppose"
    assert normalize_label("1", {"1": "support"}) == "support"
    assert normalize_label("maybe") is None
    assert normalize_label("x", {"x": "not-a-label"}) is None


def test_mark_mention_is_case_insensitive_and_whole_word():
    assert mark_mention("beijing said", "Beijing") == "<< beijing >> said"
    assert mark_mention("Beijingers said", "Beijing") == "Beijingers said"


def test_two_actors_in_one_sentence_get_different_encodings():
    text = "Seoul backs the resolution but Beijing opposes it."
    a = pair_text(text, "South Korea", "resolution", mention="Seoul")
    b = pair_text(text, "China", "resolution", mention="Beijing")
    assert a != b
    assert "<< Seoul >>" in a[0] and "<< Beijing >>" not in a[0]
    assert "<< Beijing >>" in b[0]


def test_marking_can_be_switched_off():
    first, second = pair_text("Seoul backs it.", "South Korea", "it", mention="Seoul",
                              mark_actor=False)
    assert first == "Seoul backs it." and second == "South Korea on it"


def test_context_only_when_enabled():
    _, with_ctx = pair_text("It passed.", "Japan", "bill", context="Japan backed the bill.")
    _, without = pair_text("It passed.", "Japan", "bill", context="Japan backed the bill.",
                           use_context=False)
    assert "context" in with_ctx and "context" not in without


class _FakeTokenizer:
    def __call__(self, first, second, truncation, max_length):
        return {"pairs": list(zip(first, second)), "max_length": max_length}


def test_encode_pairs_uses_pair_text():
    ex = Example(text="Beijing said no.", actor="China", proposal="plan", actor_mention="Beijing")
    out = encode_pairs(_FakeTokenizer(), [ex], max_length=32)
    assert out["pairs"] == [("<< Beijing >> said no.", "China on plan")]
