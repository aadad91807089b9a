"""Actor swapping: training rows that name another actor of the same kind."""

from __future__ import annotations

from stancemap.records import Example
from stancemap.training.augment import ActorSwapper


def row(text: str, actor: str, kind: str, mention: str | None = None,
        label: str = "support") -> Example:
    return Example(text, actor, "the plan", label, actor_mention=mention,
                   extra={"actor_type": kind})


ROWS = [row("Japan backed the plan on Monday.", "Japan", "state"),
        row("Officials in Beijing rejected the plan.", "China", "state", "Beijing", "oppose"),
        row("The plan was welcomed by Greenpeace.", "Greenpeace", "ngo"),
        row("Oxfam said the plan falls short.", "Oxfam", "ngo", label="oppose"),
        row("The European Union endorsed the plan.", "European Union", "international_org"),
        row("Analysts expect a vote soon.", "Analysts", "group", "market analysts")]


def test_swapped_rows_keep_their_label_and_take_a_name_of_the_same_kind():
    swapped = ActorSwapper(ROWS).swap(ROWS, rate=1.0, seed=3)
    assert [ex.label for ex in swapped] == [ex.label for ex in ROWS]
    japan, china, greenpeace, oxfam = swapped[:4]
    assert (japan.text, japan.actor, japan.mention) == (
        "Beijing backed the plan on Monday.", "China", "Beijing")
    assert china.text == "Officials in Japan rejected the plan." and china.actor == "Japan"
    assert greenpeace.text == "The plan was welcomed by Oxfam."
    assert oxfam.text == "Greenpeace said the plan falls short."


def test_rows_without_a_partner_or_a_findable_mention_stay_as_written():
    swapped = ActorSwapper(ROWS).swap(ROWS, rate=1.0, seed=3)
    # the only international organisation, and a mention that is not in its sentence
    assert swapped[4] is ROWS[4] and swapped[5] is ROWS[5]
    assert ActorSwapper(ROWS).swap(ROWS, rate=0.0, seed=3) == ROWS


def test_the_rate_is_the_share_of_rows_swapped_and_the_seed_fixes_them():
    rows = [row(f"Country{i} backed the plan.", f"Country{i}", "state") for i in range(400)]
    swapper = ActorSwapper(rows)
    first = swapper.swap(rows, rate=0.5, seed=1)
    changed = sum(a is not b for a, b in zip(rows, first))
    assert 160 < changed < 240
    assert swapper.swap(rows, rate=0.5, seed=1) == first
    assert swapper.swap(rows, rate=0.5, seed=2) != first


def test_a_name_after_the_is_swapped_only_for_one_that_also_takes_the():
    rows = [row("The European Union backed the plan.", "European Union", "international_org"),
            row("The African Union opposed the plan.", "African Union", "international_org",
                label="oppose"),
            row("NATO said nothing about the plan.", "NATO", "international_org",
                label="neutral")]
    swapped = ActorSwapper(rows).swap(rows, rate=1.0, seed=0)
    assert swapped[0].text == "The African Union backed the plan."
    assert swapped[1].text == "The European Union opposed the plan."
    assert swapped[2] is rows[2]  # NATO takes no "the": no partner
