"""Sentence segmentation: datelines, abbreviations, quotes, offsets."""

from __future__ import annotations

import pytest

from stancemap.inference.sentences import (
    dateline_end,
    dateline_place,
    quote_spans,
    split_sentences,
)


def texts(text: str) -> list[str]:
    return [s.text for s in split_sentences(text)]


@pytest.mark.parametrize("dateline", [
    "SEOUL, Feb. 17 (Yonhap) -- ",
    "SEOUL, March 2 (Yonhap) - ",
    "Seoul - Yonhap - ",
    "GENEVA (Reuters) - ",
    "BRUSSELS -- ",
    "NEW YORK, Jan. 22 - ",
    "KINGSTON, Jamaica, March 19 (Reuters) - ",  # city, country, date (Reuters style)
    "ACCRA, Ghana (AP) - ",
    "GENEVA, Feb. 3 2026 (AFP) -- ",
])
def test_datelines_are_not_part_of_the_first_sentence(dateline: str) -> None:
    text = dateline + "South Korea backed the resolution. China did not."
    assert texts(text) == ["South Korea backed the resolution.", "China did not."]
    assert text[dateline_end(text):].startswith("South Korea")


def test_dateline_place_and_no_dateline() -> None:
    assert dateline_place("SEOUL, Feb. 17 (Yonhap) -- Seoul said.") == "SEOUL"
    assert dateline_end("South Korea said the plan - a new one - was fine.") == 0
    assert dateline_place("The talks ended.") is None
    assert dateline_place("RIGA, Latvia, Jan. 14 (AP) - Riga said.") == "RIGA, Latvia"


@pytest.mark.parametrize("text, expected", [
    ("Seoul backed the U.N. resolution on Monday. Beijing did not.",
     ["Seoul backed the U.N. resolution on Monday.", "Beijing did not."]),
    ("The vote is on Feb. 17 in Geneva. It may slip.",
     ["The vote is on Feb. 17 in Geneva.", "It may slip."]),
    ("Mr. Yun met Dr. Kim and Gen. Lee. They talked.",
     ["Mr. Yun met Dr. Kim and Gen. Lee.", "They talked."]),
    ("John F. Kennedy backed it. So did others.",
     ["John F. Kennedy backed it.", "So did others."]),
    ("Sanctions hit the U.S. The talks ended.", ["Sanctions hit the U.S.", "The talks ended."]),
    ("Sanctions hit U.S. Steel hard.", ["Sanctions hit U.S. Steel hard."]),
    ("Is it over? Nobody knows! Talks go on.", ["Is it over?", "Nobody knows!", "Talks go on."]),
])
def test_abbreviations(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_a_quote_spanning_sentences_stays_with_its_speaker() -> None:
    text = ('Seoul backed the text. "We reject it. It is a provocation," the envoy said. '
            "Talks go on.")
    assert texts(text) == ["Seoul backed the text.",
                           '"We reject it. It is a provocation," the envoy said.',
                           "Talks go on."]


def test_curly_quotes_and_a_quote_ending_a_sentence() -> None:
    text = "\u201cWe back it. Fully.\u201d The minister left. \u201cNo.\u201d Then silence."
    assert texts(text) == ["\u201cWe back it. Fully.\u201d", "The minister left.",
                           "\u201cNo.\u201d", "Then silence."]


def test_an_unclosed_quote_does_not_swallow_the_paragraph() -> None:
    text = '"We will fight it. We will win.\n"The talks failed," she said.'
    assert texts(text) == ['"We will fight it.', "We will win.", '"The talks failed," she said.']


def test_line_breaks_end_sentences_and_offsets_index_the_article() -> None:
    text = "HEADLINE WITHOUT A PERIOD\n\n  Seoul backed it.  Tokyo did not.\n"
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == ["HEADLINE WITHOUT A PERIOD", "Seoul backed it.",
                                           "Tokyo did not."]
    for i, s in enumerate(sentences):
        assert s.index == i and text[s.start:s.end] == s.text


def test_quote_spans() -> None:
    text = 'Yun said: "We back it." Then "no."'
    assert [text[a:b] for a, b in quote_spans(text)] == ['"We back it."', '"no."']
    assert quote_spans('It was "open\nand shut"') == []


def test_empty_text_has_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences("  \n -- \n") == []


def test_a_hyphenated_name_is_not_a_dateline() -> None:
    assert dateline_end("Foreign Minister Yun Byung-se spoke on Monday.") == 0
