"""Article scoring end to end: pairing, quotes, aggregation, rows, outputs, bad input.

Labels here come from :class:`CueWordClassifier`, a test double that reads cue words after
the marked actor; it checks the pipeline, not stance quality. One test at the end runs the
real command with a tiny trained MiniLM, only to check the rows' shape. Scoring files (streaming,
resume, errors files, the score command's flags) is tested in test_batch_score.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stancemap.cli import main
from stancemap.errors import StancemapError
from stancemap.inference.aggregate import Evidence, aggregate
from stancemap.inference.proposals import ProposalSpec
from stancemap.inference.scorer import ArticleScorer, as_article, score_articles
from stancemap.inference.spokespeople import spokespeople
from tests.fixtures.cue_classifier import CueWordClassifier

FIXTURES = Path(__file__).parent / "fixtures" / "articles"
ROW_KEYS = {"doc_id", "actor", "actor_type", "affiliation", "actor_mentions", "proposal_id",
            "proposal", "label", "confidence", "scores", "evidence", "model"}
EVIDENCE_KEYS = {"sentence_index", "start", "end", "text", "label", "scores", "via", "mention"}
SPECS = [
    ProposalSpec("un-resolution", "UN resolution on North Korean human rights",
                 ("U.N. resolution", "UN resolution", "the resolution")),
    ProposalSpec("icc-referral", "Referral to the International Criminal Court",
                 ("International Criminal Court", "ICC")),
    ProposalSpec("accord", "Paris climate accord", ("climate accord",)),
]


@pytest.fixture(scope="module")
def scorer() -> ArticleScorer:
    return ArticleScorer(CueWordClassifier(), proposals=SPECS)


def rows_by_pair(scorer: ArticleScorer, text: str) -> dict[tuple[str, str], object]:
    return {(r.actor, r.proposal_id): r for r in scorer.score_text(text)}


def test_two_actors_with_opposite_stances_in_one_sentence(scorer) -> None:
    rows = rows_by_pair(scorer, "Paris welcomed the climate accord, but Rome rejected it.")
    assert rows[("France", "accord")].label == "support"
    assert rows[("Italy", "accord")].label == "oppose"


def test_beijing_and_china_collapse_into_one_row_with_every_mention(scorer) -> None:
    text = ("SEOUL, Feb. 17 (Yonhap) -- Seoul backed the UN resolution. Beijing rejected the "
            "UN resolution on Monday. China also rejected the U.N. resolution in a statement.")
    rows = rows_by_pair(scorer, text)
    assert set(rows) == {("South Korea", "un-resolution"), ("China", "un-resolution")}
    china = rows[("China", "un-resolution")]
    assert china.actor_mentions == ["Beijing", "China"]
    assert [e.sentence_index for e in china.evidence] == [1, 2]
    for ev in china.evidence:  # offsets point into the article
        assert text[ev.start:ev.end] == ev.text
    assert rows[("South Korea", "un-resolution")].actor_mentions == ["Seoul"]


def test_a_quote_is_attributed_to_its_speaker(scorer) -> None:
    text = ('"Japan must never back the resolution, it is a provocation," the North Korean '
            "envoy said.")
    rows = rows_by_pair(scorer, text)
    # The speaker holds the stance; Japan is only talked about inside the quote.
    assert set(rows) == {("North Korea", "un-resolution")}
    (ev,) = rows[("North Korea", "un-resolution")].evidence
    assert ev.via == "quote" and ev.mention == "the North Korean envoy"


def test_a_quote_by_a_pronoun_speaker_is_the_last_named_persons(scorer) -> None:
    text = ('Foreign Minister Yun Byung-se spoke on Monday. "We back the resolution fully," '
            "he said.")
    rows = rows_by_pair(scorer, text)
    assert ("Yun Byung-se", "un-resolution") in rows


def test_the_asked_party_takes_no_stance(scorer) -> None:
    rows = rows_by_pair(scorer, "Seoul asked Beijing to back the UN resolution.")
    assert set(rows) == {("South Korea", "un-resolution")}
    assert rows[("South Korea", "un-resolution")].label == "support"


def test_the_design_example_two_proposals_one_sentence(scorer) -> None:
    rows = rows_by_pair(scorer, "Seoul asked Beijing to back the UN resolution, but China "
                                "rejected referring the case to the ICC.")
    # China was only asked to back the resolution, and each actor keeps its own clause.
    assert {k: r.label for k, r in rows.items()} == {
        ("South Korea", "un-resolution"): "support", ("China", "icc-referral"): "oppose"}


def test_a_proposal_found_only_by_its_alias(scorer) -> None:
    (row,) = scorer.score_text("Moscow rejected the ICC on Tuesday.")
    assert (row.actor, row.proposal_id, row.label) == ("Russia", "icc-referral", "oppose")
    assert row.proposal == "Referral to the International Criminal Court"


def test_back_references_reach_back_within_the_window() -> None:
    text = "Tokyo drafted the UN resolution. Weeks passed. Canberra rejected the measure."
    near = ArticleScorer(CueWordClassifier(), proposals=SPECS, window=2).score_text(text)
    row = next(r for r in near if r.actor == "Australia")
    assert row.evidence[0].via == "back-reference" and row.proposal_id == "un-resolution"
    text = "Tokyo drafted the UN resolution. One. Two. Three. Canberra rejected it."
    none = ArticleScorer(CueWordClassifier(), proposals=SPECS, window=2).score_text(text)
    assert [r.actor for r in none] == ["Japan"]


@pytest.mark.parametrize("text", [
    "The weather in the capital was mild and the markets were calm.",  # no actors
    "Seoul and Tokyo held talks on fisheries and tourism on Monday.",  # no proposals
])
def test_an_article_with_no_actors_or_no_proposals_gives_no_rows(scorer, text: str) -> None:
    result = scorer.score([{"id": "x", "text": text}])
    assert result.rows == [] and result.errors == []


def test_bad_articles_are_reported_and_the_rest_is_scored(scorer) -> None:
    result = scorer.score([
        {"id": "ok1", "text": "Moscow rejected the ICC."},
        {"id": "empty", "text": "   "},
        {"id": "number", "text": 42},
        {"text": "No id here."},
        {"id": "ok2", "text": "Paris welcomed the climate accord."},
    ])
    assert {r.doc_id for r in result.rows} == {"ok1", "ok2"}
    assert [str(e) for e in result.errors] == [
        "article 1 (id empty): field text: empty article text",
        "article 2 (id number): field text: expected article text (a string), got int",
        "article 3: field id: missing or empty",
    ]


def test_rows_have_the_design_format_and_name_their_model(scorer) -> None:
    result = scorer.score(["Moscow rejected the ICC."])
    (row,) = result.to_dicts()
    assert set(row) == ROW_KEYS
    assert set(row["evidence"][0]) == EVIDENCE_KEYS
    assert row["model"] == "cue-word-test-double" and row["doc_id"] == "0"
    assert row["confidence"] == row["scores"][row["label"]]
    frame = result.to_frame()
    assert list(frame.columns) == list(row) and len(frame) == 1


def test_people_can_be_rolled_up_to_their_affiliation() -> None:
    text = "China's foreign ministry spokeswoman Hua Chunying rejected the ICC."
    keep = ArticleScorer(CueWordClassifier(), proposals=SPECS).score_text(text)
    assert [(r.actor, r.affiliation) for r in keep] == [("Hua Chunying", "China")]
    up = ArticleScorer(CueWordClassifier(), proposals=SPECS, people="affiliation")
    assert [r.actor for r in up.score_text(text)] == ["China"]


def test_a_minister_speaks_for_the_government_of_the_dateline(scorer):
    text = ("LIMA, March 3 (Reuters) - Transport Minister Ana Lopez rejected the climate "
            "accord on Monday. Lopez said talks would go on.")
    rows = rows_by_pair(scorer, text)
    assert rows[("Ana Lopez", "accord")].label == "oppose"
    peru = rows[("Peru", "accord")]
    assert peru.label == "oppose" and peru.actor_type == "state"
    assert [(e.via, e.mention) for e in peru.evidence] == [("spokesperson", "Ana Lopez")]
    # a former minister speaks for herself alone
    text = ("LIMA, March 3 (Reuters) - Former Transport Minister Ana Lopez rejected the climate "
            "accord on Monday.")
    assert ("Peru", "accord") not in rows_by_pair(scorer, text)


def test_a_minister_and_the_state_are_labelled_on_their_evidence_together(scorer):
    text = ("LIMA, March 3 (Reuters) - Transport Minister Ana Lopez rejected the climate "
            "accord on Monday. On Tuesday Lopez rejected the climate accord again. Peru backed "
            "the climate accord, the statement said.")
    rows = rows_by_pair(scorer, text)
    peru, lopez = rows[("Peru", "accord")], rows[("Ana Lopez", "accord")]
    assert peru.label == lopez.label == "oppose"  # two sentences of hers against one
    assert [e.label for e in peru.evidence] == ["support"]  # each row lists its own
    assert [e.label for e in lopez.evidence] == ["oppose", "oppose"]


def test_a_person_who_leads_a_body_states_its_position_unless_it_gives_its_own(scorer):
    text = ("The Lima Dockers Union met on Monday. Rosa Quispe, secretary general of the Lima "
            "Dockers Union, said the union rejected the climate accord. Ana Ruiz, an analyst "
            "at the Lima Policy Institute, backed the climate accord.")
    rows = rows_by_pair(scorer, text)
    union = rows[("Lima Dockers Union", "accord")]
    assert union.label == "oppose" and union.actor_type == "organisation"
    assert [e.via for e in union.evidence] == ["sentence"]  # its own words, not hers
    assert ("Lima Policy Institute", "accord") not in rows  # an analyst speaks for herself
    # the body named in the role by the acronym given after its name
    text = ("The Lima Dockers Union (LDU) met on Monday. LDU leader Rosa Quispe rejected the "
            "climate accord.")
    union = rows_by_pair(scorer, text)[("Lima Dockers Union", "accord")]
    assert union.label == "oppose"
    assert [(e.via, e.mention) for e in union.evidence] == [("spokesperson", "Rosa Quispe")]
    # or by its initials ("IFA president" for the Irish Farmers' Association)
    text = ("The Lima Dockers Union met on Monday. LDU leader Rosa Quispe rejected the "
            "climate accord.")
    assert rows_by_pair(scorer, text)[("Lima Dockers Union", "accord")].label == "oppose"


def test_without_a_proposals_file_proposals_are_found_automatically() -> None:
    rows = ArticleScorer(CueWordClassifier()).score_text(
        "Farm groups protested against the carbon tax. Brazil backed the carbon tax.")
    assert {(r.actor, r.proposal_id, r.label) for r in rows} == {
        ("farm groups", "carbon-tax", "oppose"), ("Brazil", "carbon-tax", "support")}


def test_settings_are_checked() -> None:
    with pytest.raises(StancemapError, match="aggregation"):
        ArticleScorer(CueWordClassifier(), aggregation="vote")
    with pytest.raises(StancemapError, match="window"):
        ArticleScorer(CueWordClassifier(), window=-1)


def ev(label: str, s: float, o: float, n: float, start: int = 0) -> Evidence:
    return Evidence(0, start, start + 1, "x", label, {"support": s, "oppose": o, "neutral": n})


@pytest.mark.parametrize("rule, label", [
    ("polar", "oppose"), ("mean", "neutral"), ("max", "neutral"), ("last", "oppose")])
def test_aggregation_rules(rule: str, label: str) -> None:
    evidence = [ev("neutral", 0.05, 0.05, 0.9, 0), ev("neutral", 0.2, 0.1, 0.7, 5),
                ev("oppose", 0.1, 0.6, 0.3, 9)]
    assert aggregate(evidence, rule)[0] == label


# ----------------------------------------------------------------------------- real model
def test_score_articles_with_a_real_tiny_model(classifier, tmp_path: Path) -> None:
    """The real classifier through the one-call API and the CLI: rows have the right shape."""
    result = score_articles([{"id": "t1", "text": "Seoul backed the UN resolution, but Beijing "
                                                  "rejected the ICC."}],
                            classifier, proposals=SPECS)
    assert {(r.actor, r.proposal_id) for r in result.rows} >= {
        ("South Korea", "un-resolution"), ("China", "icc-referral")}
    for row in result.to_dicts():
        assert set(row) == ROW_KEYS and row["label"] in row["scores"]
        assert abs(sum(row["scores"].values()) - 1) < 1e-3
    out = tmp_path / "rows.jsonl"
    code = main(["score", "--model", classifier.name, "--input",
                 str(FIXTURES / "articles.jsonl"), "--output", str(out), "--proposals",
                 str(FIXTURES / "proposals.yaml")])
    assert code == 0
    rows = [json.loads(x) for x in out.read_text().splitlines()]
    assert rows and all(set(r) == ROW_KEYS and r["model"] == classifier.name for r in rows)


def test_a_dateline_with_city_and_country_is_no_actor_and_gives_the_home_country(scorer):
    text = ("BUSAN, South Korea, May 20 (Yonhap) - The foreign ministry backed the U.N. "
            "resolution on Monday.")
    assert scorer._home(text) == "South Korea"
    rows = scorer.score([{"id": "a", "text": text}]).rows
    assert {r.actor for r in rows} == {"South Korea"}  # the ministry, not the dateline
    assert all(e.start >= text.index("The foreign") for r in rows for e in r.evidence)


def test_the_dateline_does_not_take_part_in_the_parse(scorer) -> None:
    # Parsed with its dateline, the story's first subjects hang on the news agency.
    text = ("KINGSTON, Jamaica, March 19 (Reuters) - France and Chile on Thursday backed the "
            "climate accord.")
    rows = scorer.score([{"id": "k", "text": text}]).rows
    assert {(r.actor, r.proposal_id, r.label) for r in rows} == {
        ("France", "accord", "support"), ("Chile", "accord", "support")}


def test_spacy_is_loaded_once_per_process() -> None:
    # Each scorer, worker and evaluation asks for the pipeline; loading takes seconds.
    from stancemap.inference.scorer import load_spacy

    assert load_spacy() is load_spacy()


def test_the_pact_refers_back_and_a_sentence_opening_group_keeps_its_modifier(scorer):
    rows = rows_by_pair(scorer, "Paris welcomed the climate accord. Beef exporters lined up "
                                "against the pact as well.")
    assert ("beef exporters", "accord") in rows


def test_context_modes_choose_the_neighbouring_sentence_the_classifier_sees() -> None:
    text = ("Seoul backed the UN resolution on Monday. Beijing rejected the UN resolution. "
            "Tokyo said it would study the measure.")

    def contexts(mode: object) -> dict[str, str | None]:
        s = ArticleScorer(CueWordClassifier(), proposals=SPECS, context=mode)
        an = s.analyze(as_article(text, 0))
        return {c.actor.actor: s.pair_input(c, an.sentences)["context"] for c in an.candidates}

    first = "Seoul backed the UN resolution on Monday."
    second = "Beijing rejected the UN resolution."
    # By default only the back-reference ("the measure") is shown the sentence naming it.
    assert contexts("reference") == {"South Korea": None, "China": None, "Japan": second}
    assert contexts(True) == contexts("reference")
    # "previous" (models trained with data.doc_context) gives every pair its sentence before.
    assert contexts("previous") == {"South Korea": None, "China": first, "Japan": second}
    assert set(contexts("none").values()) == {None}
    # "auto", the default, reads what the model was trained with.
    assert contexts("auto") == contexts("reference")
    trained_with_context = CueWordClassifier()
    trained_with_context.doc_context = True
    auto = ArticleScorer(trained_with_context, proposals=SPECS)
    an = auto.analyze(as_article(text, 0))
    assert [auto.pair_input(c, an.sentences)["context"] for c in an.candidates] == [
        None, first, second]
    with pytest.raises(StancemapError, match="context"):
        ArticleScorer(CueWordClassifier(), proposals=SPECS, context="all")


def test_a_founder_states_the_position_of_the_group_she_founded(scorer) -> None:
    text = ("The Lima Youth Network met on Monday. Ana Ruiz, founder of the Lima Youth Network, "
            "rejected the climate accord.")
    network = rows_by_pair(scorer, text)[("Lima Youth Network", "accord")]
    assert [(e.via, e.mention) for e in network.evidence] == [("spokesperson", "Ana Ruiz")]


@pytest.mark.parametrize("role", ["Its president", "The union's president"])
def test_a_leader_named_by_its_or_the_bodys_kind_speaks_for_the_body_just_named(scorer, role):
    # the party asked to back the accord is not the body the next speaker leads
    text = ("The minister asked the Lima Green Party to back the climate accord. The Lima "
            f"Dockers Union met on Monday. {role}, Rosa Quispe, said she rejected the climate "
            "accord.")
    analysis = scorer.analyze(as_article(text, 0))
    speaking = spokespeople(text, analysis.actors)
    assert {p: b.actor for p, b in speaking.items()} == {"Rosa Quispe": "Lima Dockers Union"}
    rows = rows_by_pair(scorer, text)
    assert rows[("Lima Dockers Union", "accord")].label == "oppose"
    assert ("Lima Green Party", "accord") not in rows
