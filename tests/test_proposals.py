"""Proposals: the proposals file, alias and head-noun matching, discovery, back-references."""

from __future__ import annotations

from pathlib import Path

import pytest

from stancemap.errors import DataError
from stancemap.inference.proposals import (
    ProposalSpec,
    back_references,
    discover_proposals,
    load_proposals,
    match_proposals,
    short_forms,
)
from stancemap.inference.scorer import load_spacy

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
ICC = ProposalSpec("icc-referral", "Referral of North Korea's leaders to the ICC",
                   ("International Criminal Court", "ICC"))


def test_load_the_proposals_file() -> None:
    specs = load_proposals(FIXTURES / "proposals.yaml")
    assert [s.id for s in specs] == ["un-resolution", "icc-referral", "carbon-tax"]
    assert "ICC" in specs[1].aliases


@pytest.mark.parametrize("content, field", [
    ("proposals:\n  - name: x\n", r"proposals\[0\]\.id"),
    ("proposals:\n  - id: a\n", r"proposals\[0\]\.name"),
    ("proposals:\n  - {id: a, name: x}\n  - {id: a, name: y}\n", r"proposals\[1\]\.id"),
    ("proposals:\n  - {id: a, name: x, aliases: 3}\n", r"proposals\[0\]\.aliases"),
    ("items: []\n", None),
])
def test_bad_proposals_file_names_file_and_field(tmp_path: Path, content: str,
                                                 field: str | None) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=rf"p\.yaml: (field {field})?" if field else "p.yaml"):
        load_proposals(path)


def test_invalid_yaml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("proposals: [\n", encoding="utf-8")
    with pytest.raises(DataError, match="invalid YAML"):
        load_proposals(path)
    with pytest.raises(DataError, match="file not found"):
        load_proposals(tmp_path / "none.yaml")


def test_a_proposal_found_only_by_its_alias() -> None:
    text = "Beijing opposes sending the case to the international criminal court."
    (m,) = match_proposals(text, [ICC])
    assert (m.proposal_id, m.proposal) == ("icc-referral", ICC.name)
    assert text[m.start:m.end] == "international criminal court"


def test_aliases_match_whole_words_only_and_longest_wins() -> None:
    assert match_proposals("The ICCPR is a treaty.", [ICC]) == []
    (m,) = match_proposals("It backs the International Criminal Court.", [ICC])
    assert m.text == "International Criminal Court"


def test_head_nouns_refer_to_proposals_the_article_names() -> None:
    bills = [ProposalSpec("surnames", "Opposition bill allowing separate surnames",
                          ("separate surnames bill",)),
             ProposalSpec("alias", "LDP bill expanding maiden names as aliases",
                          ("alias system",)),
             ProposalSpec("budget", "France's 2026 budget", ("2026 budget",))]
    text = ("The separate surnames bill and the alias system were debated. The LDP cannot accept "
            "the opposition bill. Nobody mentioned the budget.")
    found = [(m.text, m.proposal_id) for m in match_proposals(text, bills)]
    assert ("the opposition bill", "surnames") in found  # the modifier picks the bill
    assert not any(pid == "budget" for _, pid in found)  # never named here: no head match


def test_discovery_without_a_proposals_file_groups_mentions() -> None:
    doc = load_spacy()("Seoul backed the U.N. resolution on North Korea's human rights. The "
                       "draft resolution passed, but farmers fought the carbon tax and the "
                       "fuel tax.")
    found = discover_proposals(doc)
    ids = {m.text: m.proposal_id for m in found}
    assert ids["draft resolution"] == ids["U.N. resolution on North Korea's human rights"]
    assert ids["carbon tax"] != ids["fuel tax"]
    assert found[0].proposal == "U.N. resolution on North Korea's human rights"


def test_back_references() -> None:
    assert [r[2] for r in back_references("China said the measure was bad and voted "
                                          "against it.")] == ["the measure", "it"]
    assert back_references("Madrid said it can meet its goals.") == []


def test_a_body_in_a_proposal_name_is_not_a_head_noun() -> None:
    funding = ProposalSpec("subsidy", "Central government funding for free subway rides",
                           ("cover part of the cost of free rides",))
    text = ("The Seoul Metropolitan Government asked the central government to cover part of "
            "the cost of free rides.")
    found = [m.text for m in match_proposals(text, [funding])]
    assert found == ["cover part of the cost of free rides"]


def test_more_back_references() -> None:
    assert [r[2] for r in back_references("Spain is assessing the final text.")] == [
        "the final text"]
    assert [r[2] for r in back_references("The union welcomed the committee vote.")] == [
        "the committee vote"]
    assert [r[2] for r in back_references("Chile and Peru abstained.")] == ["abstained"]
    assert [r[2] for r in back_references("The firm welcomed the council's vote.")] == [
        "the council's vote"]
    assert [r[2] for r in back_references('"These measures will work," Lee said.')] == [
        "These measures"]
    assert [r[2] for r in back_references("Lima sees the project as a bridge.")] == [
        "the project"]


AD_BAN = ProposalSpec("ad-ban", "Ban on junk food advertising after 6 p.m.",
                      ("junk food advertising ban", "advertising ban"))


def test_an_ing_modifier_does_not_end_the_head() -> None:
    from stancemap.inference.proposals import head_nouns

    assert sorted(head_nouns(AD_BAN)) == ["ban", "bans"]  # not "food"


def test_a_name_opening_on_an_ing_noun_has_it_as_head() -> None:
    from stancemap.inference.proposals import head_nouns

    paving = ProposalSpec("paving", "Paving of the coast highway", ("N-7", "Paving the N-7"))
    assert sorted(head_nouns(paving)) == ["paving", "pavings"]  # not "the" from the alias
    text = "Lisbon will pave the N-7. Porto asked lawmakers to back the paving."
    assert [m.text for m in match_proposals(text, [paving])] == ["N-7", "the paving"]


def test_a_numbered_bill_is_headed_by_its_noun() -> None:
    from stancemap.inference.proposals import head_nouns

    bill = ProposalSpec("sb-214", "Senate Bill 214 on social media for minors", ("SB 214",))
    assert sorted(head_nouns(bill)) == ["bill", "bills"]
    text = "The Senate passed SB 214. The governor said she would veto the bill."
    assert [m.text for m in match_proposals(text, [bill])] == ["SB 214", "the bill"]


def test_a_capitalised_head_inside_a_name_is_no_reference() -> None:
    tax = ProposalSpec("fuel-tax", "Fuel tax on diesel", ("fuel tax",))
    text = "The fuel tax was tabled. The Tax Justice Network said the tax was too low."
    assert [m.text for m in match_proposals(text, [tax])] == ["fuel tax", "the tax"]


def test_the_object_of_an_action_alias_is_no_head_noun() -> None:
    from stancemap.inference.proposals import head_nouns

    spec = ProposalSpec("mandate", "One-year extension of the peace mission's mandate",
                        ("mandate renewal", "extend the peace mission"))
    assert "mission" not in head_nouns(spec)
    text = "Ghana backed the mandate renewal. The mission has 9,000 troops."
    assert [m.text for m in match_proposals(text, [spec])] == ["mandate renewal"]
    quota = ProposalSpec("quota", "Quota to resettle refugees", ("resettle 500 refugees",))
    text = "Rome plans to resettle 500 refugees. Towns that take no refugees would pay."
    assert [m.text for m in match_proposals(text, [quota])] == ["resettle 500 refugees"]


def test_both_bills_names_each_bill() -> None:
    bills = [ProposalSpec("night", "Opposition bill on night trains", ("night trains bill",)),
             ProposalSpec("cargo", "Government bill on rail cargo", ("rail cargo bill",))]
    text = ("The night trains bill and the rail cargo bill were tabled. Greens will study "
            "both bills.")
    both = [m.proposal_id for m in match_proposals(text, bills) if m.text == "both bills"]
    assert sorted(both) == ["cargo", "night"]


def test_the_head_noun_as_a_verb_names_the_proposal() -> None:
    text = ("The advertising ban was debated. Norway will ban television advertising of junk "
            "food, and the levy will ban nothing.")
    assert [m.text for m in match_proposals(text, [AD_BAN])] == [
        "advertising ban", "ban television advertising of junk food"]
    fare = ProposalSpec("fare", "Increase in the base bus fare", ("fare increase",))
    text = ("The fare increase was announced. Lyon proposed increasing the base bus fare by 10 "
            "cents. Costs are increasing fast.")
    assert [m.text for m in match_proposals(text, [fare])] == [
        "fare increase", "increasing the base bus fare"]


def test_an_office_is_no_head_noun() -> None:
    direct = ProposalSpec("direct-vote", "Amendment for a directly elected president",
                          ("directly elected president",))
    text = ("The directly elected president was approved. Chile has chosen its president by "
            "popular vote since 1990, and the president backed the change.")
    assert [m.text for m in match_proposals(text, [direct])] == ["directly elected president"]


def test_a_capitalised_reference_noun_is_part_of_a_name() -> None:
    assert back_references("Peru never ratified the Law of the Sea.") == []
    assert back_references("Peru never ratified the Paris Agreement.") == []
    assert [r[2] for r in back_references("The law was passed.")] == ["The law"]


def test_filings_and_pauses_refer_back() -> None:
    assert [r[2] for r in back_references("Peru is studying the Chilean notification.")] == [
        "the Chilean notification"]
    assert [r[2] for r in back_references("Fiji endorsed the pause.")] == ["the pause"]
    assert [r[2] for r in back_references("Oslo rejected the application.")] == [
        "the application"]


def test_a_reference_may_carry_a_sum() -> None:
    assert [r[2] for r in back_references("Acme, which leads the $2.4 billion project, "
                                          "said no.")] == ["the $2.4 billion project"]
    assert [r[2] for r in back_references("Rome signed the 3 billion euro deal.")] == [
        "the 3 billion euro deal"]


def test_a_bare_plural_head_after_a_verb_of_stance() -> None:
    ratios = ProposalSpec("ratios", "Minimum nurse-to-patient ratios", ("nurse ratios",))
    text = ("The union wants nurse ratios. Oslo could not support fixed ratios. Ratios vary "
            "and staff ratios are published.")
    found = [m.text for m in match_proposals(text, [ratios])]
    assert found == ["nurse ratios", "fixed ratios"]  # not every plural of the head


def test_the_verb_a_head_noun_is_made_from_names_the_proposal() -> None:
    merger = ProposalSpec("merger", "Merger of Nordic Rail and Baltic Ferries",
                          ("rail-ferry merger",))
    text = ("Nordic Rail and Baltic Ferries agreed to merge into Europe's biggest ferries "
            "group. The rail-ferry merger needs approval. Banks often merge quietly.")
    found = [m.text for m in match_proposals(text, [merger])]
    assert found[0].startswith("merge into Europe's biggest ferries")
    assert len(found) == 2  # "merge quietly" shares no word of the proposal


def test_a_head_that_only_modifies_the_next_noun_is_no_reference() -> None:
    from stancemap.inference.proposals import drop_modifiers

    tax = ProposalSpec("tax", "Tax on bank transfers", ("tax on bank transfers",))
    text = "Quito backed a tax on bank transfers. Lenders urged it to widen its tax base."
    found = match_proposals(text, [tax])
    assert [m.text for m in found] == ["tax on bank transfers", "its tax"]
    kept = drop_modifiers(found, match_proposals(text, [tax], heads=False), load_spacy()(text))
    assert [m.text for m in kept] == ["tax on bank transfers"]


def test_a_possessive_may_describe_a_reference_and_a_province_is_no_head() -> None:
    toll = ProposalSpec("toll", "Utrecht congestion toll", ("congestion toll",))
    buses = ProposalSpec("buses", "Province of Utrecht's bus subsidy", ("bus subsidy",))
    text = ("Utrecht proposed a congestion toll and the province a bus subsidy. The province "
            "had no view on the city's toll.")
    found = [(m.text, m.proposal_id) for m in match_proposals(text, [toll, buses])]
    assert found == [("congestion toll", "toll"), ("bus subsidy", "buses"),
                     ("the city's toll", "toll")]


def test_ruling_it_out_refers_back() -> None:
    assert [r[2] for r in back_references("The minister ruled it out flatly.")] == ["it"]


def test_a_plural_possessive_may_describe_a_reference() -> None:
    found = [r[2] for r in back_references("He would not say if he could live with the "
                                           "conservatives' proposal.")]
    assert found == ["the conservatives' proposal"]


def test_a_hyphened_head_noun_refers_back() -> None:
    spin = ProposalSpec("spin", "Spin-off of the battery unit", ("battery unit spin-off",))
    text = "Greyfield backs the battery unit spin-off. Meridian also backs the spin-off."
    assert [m.text for m in match_proposals(text, [spin])] == [
        "battery unit spin-off", "the spin-off"]


def test_an_adverb_makes_a_head_noun_a_verb() -> None:
    prison = ProposalSpec("prison", "Plan to build a prison in Upala", ("prison plan",))
    text = "The party has no view on the prison plan. The government also plans to build roads."
    assert [m.text for m in match_proposals(text, [prison])] == ["prison plan"]


def test_an_alias_shortened_before_its_last_phrase_names_the_proposal() -> None:
    state = ProposalSpec("soe", "State of exception in Limon province",
                         ("state of exception in Limon",))
    assert short_forms(state) == {"state of exception"}
    text = ("The government seeks a state of exception in Limon. Traders urged deputies to "
            "approve the state of exception.")
    assert [m.text for m in match_proposals(text, [state])] == [
        "state of exception in Limon", "the state of exception"]
    # only for proposals the article names: the short form alone finds nothing
    assert match_proposals("Deputies debated the state of exception.", [state]) == []


@pytest.mark.parametrize("text, expected", [
    ("It rejected the decree.", ["the decree"]),
    ("It was reviewing the federation's petition.", ["the federation's petition"]),
    ("The Broad Front said it would oppose both proposals.", ["both proposals"]),
    ("The coalition urged senators to pass it.", ["it"]),
    ("The forum urged lawmakers to throw it out.", ["it"]),
])
def test_more_references_back(text: str, expected: list[str]) -> None:
    assert [r[2] for r in back_references(text)] == expected


def test_a_lower_target_is_a_thing_its_head_refers_back_to() -> None:
    spec = ProposalSpec("t", "Lower wolf population target", ("lower wolf population target",))
    text = "Oslo set a lower wolf population target. The Greens would overturn the target."
    assert [m.text for m in match_proposals(text, [spec])][-1] == "the target"


def test_of_two_head_nouns_in_a_row_the_last_is_the_head() -> None:
    specs = [ProposalSpec("ban", "Ban on short flights", ("short-haul flight ban",
                                                           "ban scheduled domestic flights")),
             ProposalSpec("carve", "Carve-out for connecting flights", ("connecting carve-out",))]
    text = ("Madrid backed the short-haul flight ban and the connecting carve-out. "
            "The party would vote against the flight ban.")
    found = [(m.text, m.proposal_id) for m in match_proposals(text, specs)]
    assert ("the flight ban", "ban") in found


def test_a_similar_one_is_another_thing_of_the_kind() -> None:
    spec = ProposalSpec("post", "Joint border post at Seme", ("joint border post at Seme",))
    text = ("Abuja backed the joint border post at Seme. The World Bank financed a similar "
            "joint post at Noepe. Lagos welcomed the post.")
    found = [m.text for m in match_proposals(text, [spec])]
    assert "a similar joint post" not in found and "the post" in found
