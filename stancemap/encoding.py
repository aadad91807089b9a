"""The one pair encoding that training and inference share.

A stance is a relation between an actor and a proposal inside a sentence, so the
model must be told *which* actor to look at: the same sentence with two actors
can carry two labels ("Seoul backs the resolution but Beijing opposes it").
The encoding therefore (1) wraps the actor's mention in the sentence with
markers and (2) names the actor and the proposal in the second segment.

Bump :data:`ENCODING_VERSION` whenever the output of :func:`pair_text` changes;
it is saved with every model and checked on load.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol

ENCODING_VERSION = 1
MARK_OPEN, MARK_CLOSE = "<<", ">>"


class PairLike(Protocol):
    text: str
    actor: str
    proposal: str
    context: str | None

    @property
    def mention(self) -> str: ...


def mention_pattern(mention: str) -> re.Pattern[str]:
    """Whole-word, case-blind occurrences of ``mention``: where the marker goes.

    >>> [m.group(0) for m in mention_pattern("EU").finditer("The EU and eu, not EUR.")]
    ['EU', 'eu']
    """
    return re.compile(rf"(?<!\w){re.escape(mention)}(?!\w)", re.IGNORECASE)


def mark_mention(text: str, mention: str) -> str:
    """Wrap every whole-word occurrence of ``mention`` in ``text`` with markers.

    Matching ignores case; a mention not found leaves the text unchanged (the
    second segment still names the actor).

    >>> mark_mention("Seoul asked Beijing to back it, Beijing said no.", "Beijing")
    'Seoul asked << Beijing >> to back it, << Beijing >> said no.'
    >>> mark_mention("Nothing here.", "China")
    'Nothing here.'
    """
    mention = mention.strip()
    if not mention:
        return text
    return mention_pattern(mention).sub(lambda m: f"{MARK_OPEN} {m.group(0)} {MARK_CLOSE}", text)


def pair_text(
    text: str, actor: str, proposal: str, *, mention: str | None = None,
    context: str | None = None, mark_actor: bool = True, use_context: bool = True,
) -> tuple[str, str]:
    """Return the (first, second) segments the classifier reads for one pair.

    >>> pair_text("Beijing rejected the referral.", "China", "ICC referral", mention="Beijing")
    ('<< Beijing >> rejected the referral.', 'China on ICC referral')
    >>> pair_text("It passed.", "Japan", "the bill", context="Japan backed the bill.")
    ('It passed.', 'Japan on the bill | context: Japan backed the bill.')
    """
    first = mark_mention(text, mention or actor) if mark_actor else text
    second = f"{actor} on {proposal}"
    if use_context and context:
        second = f"{second} | context: {context}"
    return first, second


def encode_pairs(
    tokenizer: Any, pairs: Sequence[PairLike], *, max_length: int, mark_actor: bool = True,
    use_context: bool = True,
) -> dict[str, list[list[int]]]:
    """Tokenize pairs without padding (batches are padded later, to their longest item).

    Truncation cuts the longer segment first, so a long context never pushes the
    sentence itself out of the window.
    """
    segments = [
        pair_text(p.text, p.actor, p.proposal, mention=p.mention, context=p.context,
                  mark_actor=mark_actor, use_context=use_context)
        for p in pairs
    ]
    return tokenizer(
        [s[0] for s in segments], [s[1] for s in segments],
        truncation="longest_first", max_length=max_length,
    )
