"""Actors: the gazetteer, canonical names, people with roles, groups, grammatical roles."""

from __future__ import annotations

from pathlib import Path

import pytest

from stancemap.errors import DataError
from stancemap.inference.actor_table import ActorTable, default_table
from stancemap.inference.actors import ActorMention, find_actors
from stancemap.inference.scorer import load_spacy
from stancemap.inference.sentences import dateline_end

FIXTURES = Path(__file__).parent / "fixtures" / "articles"


@pytest.fixture(scope="module")
def nlp():
    return load_spacy()


def actors(nlp, text: str, table: ActorTable | None = None, **kw) -> list[ActorMention]:
    return find_actors(text, nlp(text), table or default_table(),
                       skip_before=dateline_end(text), **kw)


def canon(mentions: list[ActorMention]) -> dict[str, str]:
    return {m.text: m.actor for m in mentions}


def test_table_lookup_of_capitals_short_forms_and_case_sensitive_aliases() -> None:
    table = default_table()
    assert table.lookup("Beijing").name == "China"
    assert table.lookup("the U.S.").name == "United States"
    assert table.lookup("Republic of Korea").name == "South Korea"
    assert table.lookup("the Kremlin").name == "Russia"
    assert table.lookup("US").name == "United States"
    assert table.lookup("us") is None  # "US" is case-sensitive: "us" is a pronoun
    assert table.demonym("South Korean") == "South Korea"


def test_beijing_china_and_the_chinese_side_collapse_and_seoul_is_south_korea(nlp) -> None:
    found = canon(actors(nlp, "Seoul and South Korea's allies met. Beijing said the Chinese "
                              "side and China would not move."))
    assert found["Seoul"] == "South Korea" and found["South Korea"] == "South Korea"
    assert found["Beijing"] == found["the Chinese side"] == found["China"] == "China"


def test_dateline_city_is_not_an_actor_but_gives_the_home_country(nlp) -> None:
    text = "SEOUL, Feb. 17 (Yonhap) -- The foreign ministry said it backed the plan."
    found = actors(nlp, text, home="South Korea")
    assert [(m.text, m.actor) for m in found] == [("The foreign ministry", "South Korea")]


def test_person_with_role_and_affiliation(nlp) -> None:
    text = "China's foreign ministry spokeswoman Hua Chunying said the plan was unhelpful."
    (hua,) = [m for m in actors(nlp, text) if m.actor_type == "person"]
    assert (hua.actor, hua.affiliation) == ("Hua Chunying", "China")
    assert "spokeswoman" in hua.title
    # Her affiliation describes her; it is not a second actor in the sentence.
    assert [m.actor for m in actors(nlp, text)] == ["Hua Chunying"]


def test_short_forms_and_role_nouns_resolve_to_the_named_person(nlp) -> None:
    text = ("South Korean Foreign Minister Yun Byung-se backed the plan. Yun said it was vital. "
            '"We need it," the minister said.')
    found = actors(nlp, text)
    assert {m.text: m.actor for m in found if m.actor_type == "person"} == {
        "Yun Byung-se": "Yun Byung-se", "Yun": "Yun Byung-se", "the minister": "Yun Byung-se"}
    assert found[0].affiliation == "South Korea"


def test_group_actors_ner_misses(nlp) -> None:
    text = ("Opposition lawmakers and farm groups protested, while Dutch farmers and bank "
            "workers' unions marched.")
    found = {m.text: m for m in actors(nlp, text)}
    assert found["Opposition lawmakers"].actor == "opposition lawmakers"
    assert found["farm groups"].actor_type == "group"
    assert found["Dutch farmers"].affiliation == "Netherlands"
    assert "bank workers' unions" in found


def test_organisations_named_in_full_then_shortened(nlp) -> None:
    text = ("The Constitutional Democratic Party of Japan (CDP) backed the bill. The European "
            "Commission agreed, and the Commission said so. The CDP cheered.")
    found = canon(actors(nlp, text))
    assert found["Constitutional Democratic Party of Japan"] == (
        "Constitutional Democratic Party of Japan")
    assert found["CDP"] == "Constitutional Democratic Party of Japan"
    assert found["Commission"] == "European Commission"
    assert "Japan" not in found  # part of the party's name, not the state


def test_ambiguous_names_need_ner_support(nlp) -> None:
    found = actors(nlp, "Jordan Henderson backed the deal.")
    assert [(m.actor, m.actor_type) for m in found] == [("Jordan Henderson", "person")]
    found = actors(nlp, "Jordan and Egypt opposed the deal.")
    assert [(m.actor, m.actor_type) for m in found] == [("Jordan", "state"), ("Egypt", "state")]


def test_grammatical_roles(nlp) -> None:
    found = {m.text: m.role for m in actors(nlp, "Seoul asked Beijing to back the resolution "
                                                  "at talks in Geneva.")}
    assert found["Seoul"] == "subject"
    assert found["Beijing"] == "requested"
    assert found["Geneva"] == "location"


def test_blocked_spans_hold_no_actors(nlp) -> None:
    text = "Japan backed the U.N. resolution."
    start = text.index("U.N.")
    found = actors(nlp, text, blocked=[(start, start + len("U.N. resolution"))])
    assert [m.actor for m in found] == ["Japan"]


def test_user_alias_file(nlp) -> None:
    table = ActorTable.load(user_aliases=FIXTURES / "actors.yaml")
    found = {m.text: m for m in actors(nlp, "The ruling party backed the bill.", table)}
    assert found["The ruling party"].actor == "Liberal Democratic Party"
    assert found["The ruling party"].actor_type == "party"
    assert found["The ruling party"].affiliation == "Japan"


def test_bad_user_alias_file_names_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text("actors:\n  - aliases: [x]\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"actors\.yaml: field actors\[0\]\.name"):
        ActorTable.load(user_aliases=path)
