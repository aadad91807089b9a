"""Pairing: which actor is asked about which proposal in which sentence."""

from __future__ import annotations

import pytest

from stancemap.inference.actor_table import default_table
from stancemap.inference.actors import find_actors
from stancemap.inference.pairing import make_candidates
from stancemap.inference.proposals import ProposalSpec, match_proposals
from stancemap.inference.scorer import load_spacy
from stancemap.inference.sentences import split_sentences

SPECS = [ProposalSpec("toll", "Congestion toll for the city centre", ("congestion toll",)),
         ProposalSpec("fare-cap", "Cap on bus fares", ("fare cap",)),
         ProposalSpec("bill", "Opposition bill on night trains", ("night trains bill",))]


@pytest.fixture(scope="module")
def nlp():
    return load_spacy()


def pairs(nlp, text: str) -> set[tuple[str, str, str]]:
    """(actor, proposal id, via) of every candidate, as the scorer makes them."""
    doc = nlp(text)
    props = match_proposals(text, SPECS)
    found = find_actors(text, doc, default_table(), blocked=[(p.start, p.end) for p in props])
    return {(c.actor.actor, c.proposal_id, c.via)
            for c in make_candidates(split_sentences(text), found, props, text, doc=doc)}


def test_a_sentence_opening_pronoun_stands_for_the_actor_named_before(nlp) -> None:
    assert pairs(nlp, "Transport Minister Ana Lima spoke on Monday. She rejected the "
                      "congestion toll.") == {("Ana Lima", "toll", "sentence")}
    assert pairs(nlp, "Greek farmers marched in Athens. They also opposed the congestion "
                      "toll.") == {("Greek farmers", "toll", "sentence")}


def test_it_stands_for_a_body_only_before_a_verb_of_speaking_or_stance(nlp) -> None:
    found = pairs(nlp, "The Liberal Party met on Monday. It said it supported the congestion "
                       "toll.")
    assert ("Liberal Party", "toll", "sentence") in found
    # "It" that is the proposal itself pairs no one.
    assert pairs(nlp, "The Liberal Party met on Monday. It would raise the congestion toll "
                      "for drivers.") == set()


def test_a_quote_whose_source_the_next_sentence_names(nlp) -> None:
    text = ('"The congestion toll will empty the high street. Shops will close." The warning '
            'came from the Retailers Association, which said it would sue.')
    assert ("Retailers Association", "toll", "quote") in pairs(nlp, text)


def test_the_one_urged_after_a_quote_is_not_its_speaker(nlp) -> None:
    text = ('"The congestion toll is fair," Transport Minister Anna-Karin Lindqvist-Berg said, '
            'urging the EU to act.')
    assert pairs(nlp, text) == {("Anna-Karin Lindqvist-Berg", "toll", "quote")}


def test_a_person_reporting_a_bodys_position_holds_it_too(nlp) -> None:
    text = ('The Green Farmers Party met on Monday. "The fare cap helps nobody," party chief '
            'Jun Ito said, adding that the party "cannot accept" the night trains bill.')
    assert ("Jun Ito", "bill", "sentence") in pairs(nlp, text)


def test_a_reference_before_a_named_proposal_points_back(nlp) -> None:
    text = ("Oslo approved the congestion toll. The Oslo Riders Association welcomed the "
            "decision but said a fare cap would hurt bus drivers.")
    found = pairs(nlp, text)
    assert ("Oslo Riders Association", "toll", "back-reference") in found
    assert ("Oslo Riders Association", "fare-cap", "sentence") in found
    text = ("Oslo approved the congestion toll. The Oslo Riders Association called the idea of "
            "a fare cap naive.")
    assert ("Oslo Riders Association", "toll", "back-reference") not in pairs(nlp, text)


def test_abstaining_refers_to_the_proposal_just_voted_on(nlp) -> None:
    found = pairs(nlp, "Oslo approved the congestion toll. Sweden abstained.")
    assert ("Sweden", "toll", "back-reference") in found


def test_objects_and_members_take_no_stance(nlp) -> None:
    assert pairs(nlp, "Lisbon warned exporters about the congestion toll.") == {
        ("Portugal", "toll", "sentence")}
    assert pairs(nlp, "EU governments will vote on the congestion toll.") == set()


def test_a_plural_reference_points_back_to_every_proposal_named(nlp) -> None:
    text = ('Oslo proposed a congestion toll and a fare cap. "These measures will clear the '
            'streets," Mayor Ola Berg said.')
    found = pairs(nlp, text)
    assert {("Ola Berg", "toll", "quote"), ("Ola Berg", "fare-cap", "quote")} <= found
    text = 'Oslo proposed a congestion toll and a fare cap. "The measure is fair," Berg said.'
    assert len([p for p in pairs(nlp, text) if p[0] == "Berg"]) == 1


def test_a_reference_of_a_kind_means_a_proposal_of_that_kind(nlp) -> None:
    text = ("Oslo approved the night trains bill. It also proposed a congestion toll. "
            "Sweden welcomed the law.")
    found = {(a, p) for a, p, _ in pairs(nlp, text) if a == "Sweden"}
    assert found == {("Sweden", "bill")}


def test_a_resolved_reference_keeps_its_proposal_in_view(nlp) -> None:
    text = ("Oslo proposed a congestion toll, and critics attacked the congestion toll. "
            "Denmark slammed the measure and called for a fare cap. Talks ran late. "
            "Sweden rejected the plan.")
    found = {(a, p) for a, p, _ in pairs(nlp, text) if a == "Sweden"}
    assert found == {("Sweden", "toll")}


@pytest.mark.parametrize("attribution", [
    "The warning came on Monday from the Retailers Association, which said it would sue.",
    "That was the verdict of the Retailers Association, which said it would sue.",
    "Those were the words of the Retailers Association, which said it would sue.",
    "So said the Retailers Association, which said it would sue.",
])
def test_a_quotes_source_named_after_it_in_other_words(nlp, attribution: str) -> None:
    text = f'"The congestion toll will empty the high street. Shops will close." {attribution}'
    assert ("Retailers Association", "toll", "quote") in pairs(nlp, text)


def test_it_wanting_something_is_the_bodys_stance(nlp) -> None:
    found = pairs(nlp, "The Liberal Party met on Monday. It wants a fare cap instead.")
    assert ("Liberal Party", "fare-cap", "sentence") in found


@pytest.mark.parametrize("verb", ["dismissed", "endorsed", "challenged", "voted against"])
def test_it_before_any_verb_of_stance_is_the_body(nlp, verb: str) -> None:
    found = pairs(nlp, f"The Liberal Party met on Monday. It also {verb} the congestion toll.")
    assert ("Liberal Party", "toll", "sentence") in found


def test_a_proper_word_in_a_reference_picks_the_proposal_named_with_it(nlp) -> None:
    specs = [ProposalSpec("cap", "Swiss proposal for a fare cap", ("fare cap",)),
             ProposalSpec("toll", "Congestion toll for the city centre", ("congestion toll",))]
    text = ("Switzerland proposed a fare cap. Austria opposed the congestion toll, and the "
            "congestion toll split the talks. Italy backed the Swiss idea.")
    doc = nlp(text)
    props = match_proposals(text, specs)
    found = find_actors(text, doc, default_table(), blocked=[(p.start, p.end) for p in props])
    italy = {c.proposal_id for c in make_candidates(split_sentences(text), found, props, text,
                                                    doc=doc) if c.actor.actor == "Italy"}
    assert italy == {"cap"}


def test_the_two_companies_are_the_two_named_together_before(nlp) -> None:
    text = ("Helvetia Rail and Danube Express said on Monday they would merge, with hubs in "
            "Vienna and Zurich. The two companies also pledged a fare cap.")
    found = {(a, p) for a, p, _ in pairs(nlp, text)}
    assert {("Helvetia Rail", "fare-cap"), ("Danube Express", "fare-cap")} <= found
    assert not {a for a, p in found if p == "fare-cap"} & {"Austria", "Switzerland"}


def _pairs_with(nlp, text: str, specs: list[ProposalSpec]) -> set[tuple[str, str]]:
    doc = nlp(text)
    props = match_proposals(text, specs)
    found = find_actors(text, doc, default_table(), blocked=[(p.start, p.end) for p in props])
    return {(c.actor.actor, c.proposal_id)
            for c in make_candidates(split_sentences(text), found, props, text, doc=doc)}


def test_the_plant_is_the_facility_proposed_not_a_fund_named_after_it(nlp) -> None:
    specs = [ProposalSpec("burner", "Waste incinerator at the Vaise site", ("waste incinerator",)),
             ProposalSpec("fund", "Compensation fund for residents near the incinerator",
                          ("compensation fund",))]
    text = ("Lyon chose a site for a waste incinerator. The mayor also offered a compensation "
            "fund. The Rhone Valley Alliance said it would sue to stop the plant.")
    found = _pairs_with(nlp, text, specs)
    assert ("Rhone Valley Alliance", "burner") in found
    assert ("Rhone Valley Alliance", "fund") not in found
    # With no facility proposed, "the plant" is one that stands already.
    specs = [ProposalSpec("restart", "Restart of the Penly reactor", ("restart",))]
    text = ("Paris backed the restart. The Nuclear Safety Authority approved repairs at the "
            "plant's turbine hall.")
    assert ("Nuclear Safety Authority", "restart") not in _pairs_with(nlp, text, specs)


def test_a_named_speakers_quote_falls_back_to_the_main_proposal(nlp) -> None:
    text = ("Oslo approved the congestion toll on Monday. Traffic on the ring road fell by a "
            "tenth. Buses ran on time. \"Every step was followed,\" Mayor Ola Berg said.")
    assert ("Ola Berg", "toll", "quote") in pairs(nlp, text)


def test_it_as_a_proposals_sponsor_is_the_body(nlp) -> None:
    found = pairs(nlp, "The Liberal Party met on Monday. It was the main sponsor of the fare "
                       "cap.")
    assert ("Liberal Party", "fare-cap", "sentence") in found


def test_a_clause_beside_the_actors_with_its_own_doer_is_not_the_actors(nlp) -> None:
    text = ("Norway on Monday backed the congestion toll, a day after a bus company proposed "
            "a fare cap.")
    found = {(a, p) for a, p, _ in pairs(nlp, text)}
    assert ("Norway", "toll") in found and ("Norway", "fare-cap") not in found


def test_a_charge_by_another_name_refers_to_the_charge(nlp) -> None:
    specs = [ProposalSpec("duties", "Anti-dumping duties on Chinese steel", ("steel duties",)),
             ProposalSpec("quota", "Import quota for Chinese steel", ("import quota",))]
    text = ("Brussels imposed steel duties on Monday. Beijing offered an import quota instead. "
            "The Steel Users Association warned that the levies would raise car prices.")
    found = _pairs_with(nlp, text, specs)
    assert ("Steel Users Association", "duties") in found
    assert ("Steel Users Association", "quota") not in found


def test_an_unnamed_source_closing_the_sentence_only_relays_the_subjects_stance(nlp) -> None:
    found = {a for a, p, _ in pairs(nlp, "The Liberal Party is weighing the fare cap, a Green "
                                         "Party spokeswoman said.")}
    assert found == {"Liberal Party"}


def test_an_offer_is_a_deal(nlp) -> None:
    specs = [ProposalSpec("pay", "Three-year pay deal for nurses", ("nurses' pay deal",)),
             ProposalSpec("shifts", "Longer night shifts", ("longer night shifts",))]
    text = ("The union endorsed a nurses' pay deal on Monday. In return, staff would work "
            "longer night shifts. \"It is the best offer we have seen,\" union head Mia Holm "
            "said.")
    found = _pairs_with(nlp, text, specs)
    assert ("Mia Holm", "pay") in found and ("Mia Holm", "shifts") not in found


def test_a_reference_of_a_kind_is_a_mention_in_its_clause(nlp) -> None:
    specs = [ProposalSpec("pay", "Three-year pay deal for nurses", ("nurses' pay deal",)),
             ProposalSpec("strike", "Nurses' strike ballot", ("strike ballot",))]
    text = ("The Nurses Federation endorsed a nurses' pay deal, but the smaller Midwives "
            "Association rejected the offer and said it would hold a strike ballot.")
    found = _pairs_with(nlp, text, specs)
    assert ("Midwives Association", "pay") in found
    assert ("Nurses Federation", "strike") not in found


def test_lawmakers_opening_a_sentence_are_the_parliament_named_before(nlp) -> None:
    text = ("The Nordic Parliament approved the congestion toll on Monday. Lawmakers also "
            "approved a fare cap.")
    assert ("Nordic Parliament", "fare-cap", "sentence") in pairs(nlp, text)


def test_the_vote_is_on_what_was_put_to_a_vote(nlp) -> None:
    text = ("The Oslo council approved the congestion toll by 30 votes to 12. Mayor Ola Berg "
            "later proposed a fare cap. Sweden welcomed the vote.")
    found = {(a, p) for a, p, _ in pairs(nlp, text)}
    assert ("Sweden", "toll") in found and ("Sweden", "fare-cap") not in found


def test_a_state_is_shown_to_the_classifier_with_the_body_that_speaks_for_it(nlp):
    text = ("China's commerce ministry said it firmly opposes the congestion toll. "
            "China's exports of buses would suffer from the fare cap.")
    doc = nlp(text)
    props = match_proposals(text, SPECS)
    found = find_actors(text, doc, default_table(), blocked=[(p.start, p.end) for p in props])
    marked = {(c.proposal_id, c.mention)
              for c in make_candidates(split_sentences(text), found, props, text, doc=doc)
              if c.actor.actor == "China"}
    assert ("toll", "China's commerce ministry") in marked
    # a possessive that names no body ("China's exports") marks the name alone
    assert all(m == "China" for pid, m in marked if pid == "fare-cap")


def test_a_merger_by_another_name_is_the_merger_not_a_remedy_naming_it(nlp) -> None:
    specs = [ProposalSpec("merger", "Merger of Nordbank and Fjordbank", ("merger of Nordbank",)),
             ProposalSpec("sale", "Sale of 40 branches as a merger remedy", ("branch sale",))]
    text = ("Regulators are studying the merger of Nordbank and Fjordbank. Nordbank has "
            "offered a branch sale. The Kragh Trust recommended the transaction on Monday.")
    found = {(a, p) for a, p in _pairs_with(nlp, text, specs) if a == "Kragh Trust"}
    assert found == {("Kragh Trust", "merger")}


def test_the_law_is_the_bill_not_an_amendment_to_it(nlp) -> None:
    specs = [ProposalSpec("bill", "Senate Bill 12 on phone bans in schools", ("SB 12",)),
             ProposalSpec("amend", "Amendment exempting high schools", ("high-school exemption",))]
    text = ("The Senate passed SB 12. Its author will offer a high-school exemption later. "
            "The Parents Union said it would sue to block the law.")
    found = {(a, p) for a, p in _pairs_with(nlp, text, specs) if a == "Parents Union"}
    assert found == {("Parents Union", "bill")}


@pytest.mark.parametrize("sentence", [
    "On Monday she rejected the congestion toll.",
    "Her ministry would reject the congestion toll, she said.",
])
def test_a_pronoun_after_a_time_phrase_or_in_a_closing_attribution(nlp, sentence) -> None:
    found = pairs(nlp, f"Transport Minister Ana Lima spoke to reporters. {sentence}")
    assert ("Ana Lima", "toll", "sentence") in found



def test_a_lead_that_only_describes_a_proposal_pairs_its_subject_with_the_one_named_next(nlp):
    text = ("Utrecht's city council on Tuesday proposed charging drivers 6 euros a day to enter "
            "the centre, a plan Dutch motorists' groups called unfair. Under the congestion "
            "toll, buses would be exempt.")
    assert ("Utrecht city council", "toll", "lead") in pairs(nlp, text)
    # a lead that proposes nothing ties no one to the story's proposal
    text = ("Utrecht's city council met on Tuesday to discuss the weather. Under the congestion "
            "toll, buses would be exempt.")
    assert not any(via == "lead" for *_, via in pairs(nlp, text))


def test_a_quote_naming_nothing_elaborates_the_single_proposal_named_just_before(nlp):
    text = ("Lima backed the congestion toll. Quito backed the congestion toll too. The union "
            "asked the city to adopt a fare cap. \"Buses are for everyone,\" said union leader "
            "Rosa Quispe.")
    assert ("Rosa Quispe", "fare-cap", "quote") in pairs(nlp, text)
    assert not any(a == "Rosa Quispe" and p == "toll" for a, p, _ in pairs(nlp, text))


def test_a_describing_word_in_a_reference_picks_the_proposal_named_with_it(nlp) -> None:
    text = ("Lima backed the fare cap. Unions criticised the congestion toll. Truckers "
            "protested against the congestion toll. Bolivia rejected the fare scheme.")
    assert ("Bolivia", "fare-cap", "back-reference") in pairs(nlp, text)
    assert ("Bolivia", "toll", "back-reference") not in pairs(nlp, text)


def test_the_speaker_named_after_a_quote_acts_in_that_sentence_too(nlp) -> None:
    text = ("\"We cannot wait,\" she said. Those were the words of Ana Lima, head of the Lima "
            "Dockers Union (LDU), which has asked Peru to adopt the fare cap.")
    found = pairs(nlp, text)
    assert ("Lima Dockers Union", "fare-cap", "sentence") in found


def test_the_change_refers_back_to_the_proposal(nlp) -> None:
    text = "Lima backed the congestion toll. Quito says the change would cut traffic."
    assert ("Ecuador", "toll", "back-reference") in pairs(nlp, text)


def test_a_lead_naming_another_proposal_still_pairs_what_it_describes(nlp) -> None:
    text = ("Utrecht's city council on Tuesday proposed charging drivers 6 euros a day, a move "
            "that puts the fare cap at risk. Under the congestion toll, buses would be exempt.")
    assert ("Utrecht city council", "toll", "lead") in pairs(nlp, text)


def test_a_bodys_relative_clause_may_follow_a_description_of_it(nlp) -> None:
    text = ("\"We cannot wait,\" she said. Those were the words of Ana Lima, head of the Lima "
            "Dockers Union (LDU), the port's largest union, which has asked Peru to adopt the "
            "fare cap.")
    assert ("Lima Dockers Union", "fare-cap", "sentence") in pairs(nlp, text)


def test_both_measures_are_the_two_the_story_talks_about_most(nlp) -> None:
    text = ("Oslo proposed a congestion toll. The congestion toll would start in May. Rome "
            "backed the night trains bill, and the night trains bill passed. Bergen wants a "
            "fare cap. The Drivers Union said it opposed both measures.")
    found = {(a, p) for a, p, _ in pairs(nlp, text) if a == "Drivers Union"}
    # not the fare cap, though the window holds only it: the two named most
    assert found == {("Drivers Union", "toll"), ("Drivers Union", "bill")}


def test_a_spokeswoman_for_a_body_gives_the_bodys_position(nlp) -> None:
    text = ("Oslo backed a fare cap. A spokeswoman for the East African Community secretariat "
            "said it was reviewing the fare cap.")
    assert ("East African Community secretariat", "fare-cap", "sentence") in pairs(nlp, text)


def test_a_vote_with_no_object_is_on_the_proposal_voted_on(nlp) -> None:
    text = ("The council passed the night trains bill by 12 votes to 9. The Greens voted "
            "against, saying it was rushed.")
    assert ("Greens", "bill") in {(a, p) for a, p, _ in pairs(nlp, text)}


def test_the_increase_is_a_proposed_rise(nlp) -> None:
    specs = [ProposalSpec("rise", "A 33 percent rise in water tariffs", ("water tariff rise",)),
             ProposalSpec("ban", "Ban on new borewells", ("borewell ban",))]
    text = ("The board proposed a water tariff rise. The state announced a borewell ban and "
            "said the borewell ban was final. The Labour Party said it would protest "
            "against the increase.")
    doc = nlp(text)
    props = match_proposals(text, specs)
    found = find_actors(text, doc, default_table(), blocked=[(p.start, p.end) for p in props])
    got = {(c.actor.actor, c.proposal_id)
           for c in make_candidates(split_sentences(text), found, props, text, doc=doc)
           if c.sentence.index == 2}
    assert got == {("Labour Party", "rise")}


def test_both_decisions_where_one_was_named_a_decision_means_the_two_main_proposals(nlp):
    specs = [ProposalSpec("target", "Government decision lowering the wolf population target",
                          ("lower wolf population target",)),
             ProposalSpec("hunt", "Licensed hunt of 48 wolves", ("licensed hunt of 48 wolves",))]
    text = ("Sweden set a lower wolf population target and approved a licensed hunt of 48 "
            "wolves. The target would let county boards issue licences. The National Hunters' "
            "Alliance welcomed both decisions.")
    found = _pairs_with(nlp, text, specs)
    assert ("National Hunters' Alliance", "target") in found
    assert ("National Hunters' Alliance", "hunt") in found
