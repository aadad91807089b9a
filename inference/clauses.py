"""Reading one clause per proposal: the words the classifier sees for a pair.

The classifier pays little heed to which proposal it is asked about (benchmarks/RESULTS.md:
in 24 of 34 dev sentences where one actor took two stances on two proposals it gave both
the same label), so when coordinated verbs each carry a proposal, each pair is classified
on its own clause, cut from the spaCy parse. The evidence still shows the whole sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from stancemap.inference.proposals import ProposalMention, back_references
from stancemap.inference.sentences import Sentence


def read_as(doc: Any, sentence: Sentence, s_props: Sequence[ProposalMention], pid: str,
            via: str, targets: Sequence[tuple], mentions: Sequence[str],
            ) -> tuple[str, str | None]:
    """(the actor's words to mark, the clause to read or ``None`` for the whole sentence).

    With two proposals in view, the classifier reads only the clause of ``pid``
    (:func:`own_clause`), and the actor must be named in it: the first of ``mentions``
    (ways the sentence names the actor) that the clause contains is marked.
    """
    here = _mention_in(sentence, s_props, pid, via)
    if doc is None or here is None or len(targets) < 2:
        return mentions[0], None
    others = [m for other, _, o_via, *_ in targets if other != pid
              for m in [_mention_in(sentence, s_props, other, o_via)] if m is not None]
    own = own_clause(doc, sentence, here, others)
    shown = next((m for m in mentions if own and m.lower() in own.lower()), None)
    return (shown, own) if shown is not None else (mentions[0], None)


def _mention_in(sentence: Sentence, s_props: Sequence[ProposalMention], pid: str,
                via: str) -> ProposalMention | None:
    """Where the sentence speaks of proposal ``pid``: its name, or for a back-reference
    beside another proposal's name ("welcomed the decision but said a price deal ..."),
    the reference."""
    if via == "sentence":
        return next((p for p in s_props if p.proposal_id == pid), None)
    if via != "back-reference" or not s_props:
        return None
    for start, end, words in back_references(sentence.text):
        start, end = sentence.start + start, sentence.start + end
        if words != "it" and not any(start < p.end and p.start < end for p in s_props):
            return ProposalMention(start, end, words, pid, words)
    return None


def own_clause(doc: Any, sentence: Sentence, proposal: ProposalMention,
               others: Sequence[ProposalMention]) -> str | None:
    """The sentence cut down to the clause that holds ``proposal`` when coordinated verbs
    each hold a proposal of their own; ``None`` to read the sentence whole.

    "The association praised the fare freeze but said it would oppose the merger" is
    read as "The association praised the fare freeze." for the freeze and as "The
    association said it would oppose the merger." for the merger: the classifier pays
    little heed to which proposal it is asked about (RESULTS.md), so the other verb's
    stance must be out of view.
    """
    def chain(token: Any) -> list[Any]:
        out = [token]
        while token.head.i != token.i:
            token = token.head
            out.append(token)
        return out

    def root_of(m: ProposalMention) -> Any:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        return span.root if span is not None and len(span) else None

    def is_verb_conj(t: Any) -> bool:
        return t.dep_ == "conj" and t.pos_ in ("VERB", "AUX")

    p_root = root_of(proposal)
    if p_root is None:
        return None
    mine = chain(p_root)
    drop: set[int] = set()
    for other in others:
        o_root = root_of(other)
        if o_root is None or o_root in mine:
            continue
        theirs = chain(o_root)
        split = next((t for t in theirs if t not in mine and (
            is_verb_conj(t) and t.head in mine
            or t.dep_ == "relcl" and p_root not in t.subtree)), None)
        if split is not None:  # the other proposal is in a verb coordinated after mine
            drop |= {t.i for t in split.subtree}
            k = min(t.i for t in split.subtree) - 1
            while k >= 0 and doc[k].dep_ in ("cc", "punct") and doc[k].head == split.head:
                drop.add(k)  # the ", but" before it
                k -= 1
            after = max(t.i for t in split.subtree) + 1
            if split.dep_ == "relcl" and after < len(doc) and doc[after].text == ",":
                drop.add(after)  # ", which backs the reform," is cut with both commas
            continue
        own = next((t for t in mine if is_verb_conj(t) and t.head in theirs), None)
        if own is not None:  # mine is in the coordinated verb: keep it and the subject
            keep = {t.i for t in own.subtree}
            if not any(c.dep_ in ("nsubj", "nsubjpass") for c in own.children):
                keep |= {t.i for c in own.head.children if c.dep_ in ("nsubj", "nsubjpass")
                         for t in c.subtree}
            drop |= {t.i for t in own.head.subtree} - keep
    if not drop:
        return None
    span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
    if span is None:
        return None
    pieces: list[str] = []
    for t in span:
        if t.i not in drop:
            pieces.append(t.text_with_ws)
        elif t.whitespace_ and pieces and not pieces[-1].endswith(" "):
            pieces.append(" ")  # "federation, which ..., dismissed": keep a word gap
    text = "".join(pieces).strip()
    text = re.sub(r"^(?:but|and|while|whereas)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+([.,;!?])", r"\1", text).strip(" ,;")
    if not text:
        return None
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", '"', "\u201d")) else f"{text}."
