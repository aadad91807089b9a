"""Sentence segmentation that survives wire copy: datelines, abbreviations and quotes.

General-purpose splitters break news in three familiar places, so this one is rule-based
and deals with each explicitly:

- **Datelines** ("SEOUL, Feb. 17 (Yonhap) --", "Seoul - Yonhap -", "GENEVA (Reuters) -")
  are not part of the first sentence: left in, their city would read as an actor.
- **Abbreviations** ("U.N. resolution", "Feb. 17", "Mr. Yun", "John F. Kennedy") do not
  end a sentence; "the U.S. The next day..." still does, because the next word is a
  common sentence opener.
- **Quotes spanning sentences** stay with their attribution: in
  ``"We reject it. It is a provocation," the diplomat said.`` the two quoted sentences and
  "the diplomat said" form one unit, so the speaker and the stance are read together.
  A quote that runs on past its paragraph or :data:`MAX_QUOTE_CHARS` is split normally.

Offsets are character offsets into the article text, so evidence can point back into it.

>>> [s.text for s in split_sentences('SEOUL, Feb. 17 (Yonhap) -- Seoul backed the U.N. '
...     'resolution. "We reject it. It is unfair," the envoy said.')]
['Seoul backed the U.N. resolution.', '"We reject it. It is unfair," the envoy said.']
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_QUOTE_CHARS = 600  # a longer quote is split into its sentences (speaker found by pairing)

# Words whose final period never ends a sentence: titles and name particles.
TITLES = frozenset("""
mr mrs ms mx dr prof gen lt col maj capt cpt sgt cmdr adm sen rep gov pres supt insp
fr rev hon amb st mt ft messrs mme mlle sr jr
""".split())
# Period-final words that end a sentence only before a clear sentence opener.
SOFT_ABBREVIATIONS = frozenset("""
jan feb mar apr jun jul aug sep sept oct nov dec vs etc approx est dept univ
inc corp co ltd plc bros assn govt
""".split())
# Words that typically begin a sentence; after "U.S." or "Inc." they signal a boundary.
SENTENCE_OPENERS = frozenset("""
the a an it its he she they we i you his her their our this that these those there
but and yet so however meanwhile earlier later last next after before when while as if
in on at for by with under since although though both neither officials analysts
""".split())

# A lone hyphen needs spaces around it ("SEOUL - "), or "Yun Byung-se" would be a dateline.
_DASH = r"(?:(?<=\s)-(?=\s)|--|\u2013|\u2014)"
_AGENCIES = r"(?:AP|AFP|Reuters|Yonhap|Xinhua|Kyodo|dpa|ANSA|EFE|TASS|IANS|PTI|Bernama|UPI)"
# "SEOUL, Feb. 17 (Yonhap) --", "GENEVA (Reuters) -", "Seoul - Yonhap -", "BRUSSELS -- ".
_DATELINE = re.compile(
    rf"""^\s*
    (?P<place>[A-Z][A-Za-z.'\u2019]*(?:(?:,\s*|\s)[A-Z][A-Za-z.'\u2019]*){{0,3}}  # ROME, Italy
      |[A-Z][A-Z.'\u2019]*(?:\s[A-Z][A-Z.'\u2019]*){{4,6}}(?:,\s*[A-Z][A-Za-z.'\u2019]*){{0,2}})
                                        # SAN FERNANDO DEL VALLE DE CATAMARCA, Argentina
    (?:,\s*(?:[A-Z][a-z]{{2,4}}\.?\s+\d{{1,2}}(?:,?\s*\d{{4}})?))?           # , Feb. 17 (2026)
    \s*(?:\((?:{_AGENCIES}|[A-Z][A-Za-z ]{{1,20}})\))?                       # (Yonhap)
    \s*{_DASH}\s*
    (?:{_AGENCIES}\s*(?:{_DASH}|\n|:)\s*)?                                   # Yonhap -
    """,
    re.VERBOSE,
)
_CANDIDATE = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s)")
_OPEN_QUOTES = "\u201c"
_CLOSE_QUOTES = "\u201d"


@dataclass(frozen=True)
class Sentence:
    """One sentence of an article; ``start``/``end`` index into the article text."""

    index: int
    start: int
    end: int
    text: str


def dateline_end(text: str) -> int:
    """Offset where the story starts after a leading dateline (0 when there is none).

    >>> text = "SEOUL, Feb. 17 (Yonhap) -- South Korea said..."
    >>> text[dateline_end(text):]
    'South Korea said...'
    >>> text = "SAN FERNANDO DEL VALLE DE CATAMARCA, Argentina, April 14 (Reuters) - It rained."
    >>> text[dateline_end(text):]
    'It rained.'
    >>> dateline_end("Seoul - Yonhap - Seoul said..."), dateline_end("South Korea said...")
    (17, 0)
    """
    match = _DATELINE.match(text)
    if not match:
        return 0
    place = match.group("place")
    # A dateline city is short and sits before a dash; a real sentence has a verb before
    # any dash, so insist on a capitalised place of at most four words (up to seven when
    # set in capitals, as long city names are) and no lowercase word.
    if any(word[:1].islower() for word in place.replace(",", " ").split()):
        return 0
    return match.end()


def dateline_place(text: str) -> str | None:
    """The place a leading dateline names, if there is one: the city, and the country when
    the dateline adds it.

    >>> dateline_place("SEOUL, Feb. 17 (Yonhap) -- South Korea said..."), dateline_place("Hi.")
    ('SEOUL', None)
    >>> dateline_place("KINGSTON, Jamaica, March 19 (Reuters) - France said...")
    'KINGSTON, Jamaica'
    """
    if not dateline_end(text):
        return None
    match = _DATELINE.match(text)
    return match.group("place").strip() if match else None


def quote_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every quotation closed within its paragraph (quote marks included).

    Straight double quotes open after whitespace or at the start, and close otherwise.

    >>> t = 'Yun said: "We back it." Then "no."'
    >>> [t[a:b] for a, b in quote_spans(t)]
    ['"We back it."', '"no."']
    """
    spans: list[tuple[int, int]] = []
    open_at: int | None = None
    for i, ch in enumerate(text):
        if ch == "\n" and open_at is not None:
            open_at = None  # news style: a quote running on to the next paragraph never closes
            continue
        opening = ch in _OPEN_QUOTES or (
            ch == '"' and open_at is None and (i == 0 or not text[i - 1].isalnum()))
        if opening and open_at is None:
            open_at = i
        elif open_at is not None and (ch in _CLOSE_QUOTES or ch == '"'):
            spans.append((open_at, i + 1))
            open_at = None
    return spans


def _word_before(text: str, end: int) -> str:
    """The token that ends at ``end`` (just before the sentence-final punctuation)."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end].lstrip("\"'(\u201c[")


def _next_word(text: str, start: int) -> str:
    match = re.match(r"\s*[\"'(\u201c\u2018\[]*([\w\u2019'-]*)", text[start:])
    return match.group(1) if match else ""


def _is_boundary(text: str, stop: int, end: int) -> bool:
    """Is the punctuation run ``text[stop:end]`` (already followed by space) a boundary?"""
    nxt = _next_word(text, end)
    follows = text[end:].lstrip()
    if not follows:
        return True
    if not (nxt[:1].isupper() or nxt[:1].isdigit() or follows[0] in "\"\u201c'(["):
        return False  # "the U.N. resolution", "said the minister. and" (lowercase goes on)
    if text[stop] != ".":
        return True  # ! and ? before a capital end the sentence
    word = _word_before(text, stop)
    bare = word.rstrip(".").lower()
    if bare in TITLES:
        return False
    if len(bare) == 1 and bare.isalpha():
        return False  # an initial: "John F. Kennedy"
    if bare in ("no", "nos"):
        return not nxt[:1].isdigit()  # "No. 3" goes on; a quoted "No." ends
    multi_dot = "." in word.rstrip(".")  # U.S., U.N., e.g.
    if bare in SOFT_ABBREVIATIONS or multi_dot:
        if nxt[:1].isdigit():
            return False  # "Feb. 17", "No. 3"
        return nxt.lower() in SENTENCE_OPENERS
    return True


def split_sentences(text: str, *, skip_dateline: bool = True) -> list[Sentence]:
    """Split an article into sentences with offsets into ``text``.

    Line breaks always end a sentence (headlines, bylines and paragraphs carry no
    period); inside a paragraph a ``.``/``!``/``?`` run ends one unless it belongs to an
    abbreviation or sits inside a quotation that closes later in the paragraph.

    >>> [s.text for s in split_sentences("Mr. Yun met U.S. envoys on Feb. 17. It went well.")]
    ['Mr. Yun met U.S. envoys on Feb. 17.', 'It went well.']
    >>> [s.text for s in split_sentences("It hit the U.S. The talks ended.")]
    ['It hit the U.S.', 'The talks ended.']
    """
    body = dateline_end(text) if skip_dateline else 0
    quotes = [(a, b) for a, b in quote_spans(text) if b - a <= MAX_QUOTE_CHARS]
    pieces: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        start = max(para.start(), body)
        if start >= para.end():
            continue
        piece_start = start
        for match in _CANDIDATE.finditer(text, start, para.end()):
            end = match.end()
            if any(a < match.start() and end < b for a, b in quotes):
                continue  # inside a quotation that closes later: keep it with its speaker
            if _is_boundary(text, match.start(), end):
                pieces.append((piece_start, end))
                piece_start = end
        pieces.append((piece_start, para.end()))
    sentences: list[Sentence] = []
    for start, end in pieces:
        # Trim whitespace so offsets frame exactly the sentence text.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start and any(ch.isalnum() for ch in text[start:end]):
            sentences.append(Sentence(len(sentences), start, end, text[start:end]))
    return sentences
