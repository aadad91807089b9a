"""Clause reading: with two proposals in one sentence, each pair is read on its own clause."""

from __future__ import annotations

import pytest

from stancemap.inference.actor_table import default_table
from stancemap.inference.actors import find_actors
from stancemap.inference.pairing import make_candidates
from stancemap.inference.proposals import ProposalSpec, match_proposals
from stancemap.inference.scorer import load_spacy
from stancemap.inference.sentences import split_sentences


@pytest.fixture(scope="module")
def nlp():
    return load_spacy()


def _texts_with(nlp, text: str, specs: list[ProposalSpec]) -> dict[tuple[str, str], str]:
    """(actor, proposal id) -> what the classifier reads for that pair."""
    doc = nlp(text)
    props = match_proposals(text, specs)
    found = find_actors(text, doc, default_table(), blocked=[(p.start, p.end) for p in props])
    return {(c.actor.actor, c.proposal_id): c.classifier_text
            for c in make_candidates(split_sentences(text), found, props, text, doc=doc)}


FREEZE = [ProposalSpec("freeze", "Five-year fare freeze", ("fare freeze",)),
          ProposalSpec("merger", "Merger of Tsubasa and Kansai Sky", ("merger",))]
DUTIES = [ProposalSpec("duties", "Duties on solar glass", ("solar glass duties",)),
          ProposalSpec("floor", "Minimum-price deal instead of duties", ("minimum-price deal",))]
PENSIONS = [ProposalSpec("reform", "Pension reform raising the age to 66", ("pension reform",)),
            ProposalSpec("rise", "Rise in employer contributions", ("contribution rise",))]


@pytest.mark.parametrize("specs, text, expected", [
    # coordinated verbs, one subject
    (FREEZE, "The Kansai Consumers Association praised the fare freeze but said it would "
             "still oppose the merger.",
     {("Kansai Consumers Association", "freeze"):
      "The Kansai Consumers Association praised the fare freeze.",
      ("Kansai Consumers Association", "merger"):
      "The Kansai Consumers Association said it would still oppose the merger."}),
    # a back-reference beside another proposal's name
    (DUTIES, "Brussels imposed solar glass duties on Monday. The Solar Glass Council welcomed "
             "the decision but said a minimum-price deal would lock in Chinese dominance.",
     {("Solar Glass Council", "duties"): "The Solar Glass Council welcomed the decision.",
      ("Solar Glass Council", "floor"):
      "The Solar Glass Council said a minimum-price deal would lock in Chinese dominance."}),
    # a relative clause holding the other proposal
    (PENSIONS, "The Employers Federation, which supports the pension reform, dismissed the "
               "contribution rise as a tax on jobs.",
     {("Employers Federation", "rise"):
      "The Employers Federation dismissed the contribution rise as a tax on jobs."}),
])
def test_each_proposal_is_read_on_its_own_clause(nlp, specs, text, expected) -> None:
    texts = _texts_with(nlp, text, specs)
    assert {k: texts[k] for k in expected} == expected


def test_a_clause_with_its_own_subject_is_read_alone(nlp) -> None:
    specs = [ProposalSpec("res", "U.N. human rights resolution", ("resolution",)),
             ProposalSpec("icc", "Referral to the International Criminal Court",
                          ("International Criminal Court",))]
    text = ("South Korea backed the resolution, but Beijing opposes referring the case to the "
            "International Criminal Court.")
    texts = _texts_with(nlp, text, specs)
    assert texts[("China", "icc")].startswith("Beijing opposes referring")
    assert "Beijing" not in texts[("South Korea", "res")]
    # one proposal in the sentence: read whole
    one = "Seoul backed the resolution on Monday."
    assert _texts_with(nlp, one, specs)[("South Korea", "res")] == one
