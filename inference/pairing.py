"""Candidate (actor, proposal) pairs: which sentence may show which actor's stance on what.

Three rules decide the candidates of a sentence:

1. **Same sentence.** Every actor mention paired with every proposal mentioned in it,
   except mentions that take no stance by their grammar: the party *asked* to back
   something ("Seoul asked Beijing to back the resolution": Beijing), places that
   are only a location ("talks in Geneva"), and objects, members, descriptors and
   scene-setting clauses (:data:`SKIP_ROLES`). A sentence-opening "He"/"She"/"They"
   counts as a mention of the actor it stands for. When a sentence names two proposals,
   an actor is paired only with those its clause reaches in the parse (:func:`linked`).
2. **Quotes belong to their speaker.** In ``"We will veto it," the envoy said`` the
   stance is the speaker's: the speaker (a named actor, or "he"/"she" for the person
   named last) is paired with the proposals of the sentence, and actors named *inside*
   the quote are not (they are talked about, not talking). A quote split over several
   sentences is attributed to the speaker named where it closes.
3. **Back-references.** A sentence with an actor but no proposal, that refers back
   ("the measure", "the text", "it", "abstained"), is paired with the proposal mentioned
   last within ``window`` sentences before; that sentence travels along as context. So is
   a reference that comes before the first proposal a sentence names ("welcomed the
   decision but said a price deal would ..."). A plural reference ("these measures")
   means every proposal of the window; a reference of a kind ("the agreement") a
   proposal of that kind; a resolved reference keeps its proposal in view for the next.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from typing import Any

from stancemap.inference.actors import ActorMention
from stancemap.inference.clauses import read_as
from stancemap.inference.proposals import (
    BOTH,
    ProposalMention,
    ProposalSpec,
    back_references,
    head_nouns,
)
from stancemap.inference.sentences import Sentence, quote_spans

SPEECH_VERBS = re.compile(
    r"\b(?:said|says|say|told|tells|added|stressed|warned|insisted|noted|argued|declared|"
    r"stated|wrote|asserted|explained|claimed|countered|replied|sneered|scoffed|quipped|"
    r"according to)\b", re.IGNORECASE)
_PRONOUN_SPEAKER = re.compile(
    r"(?:[,\u201d\"]\s*(he|she|they)\s+(?:said|added|told|says|stressed|warned|insisted)\b"
    r"|\b(?:said|added)\s+(he|she)\b"
    r"|^[\"\u201c]?(He|She)\s)")  # "She rejected the plan." stands for the person named last
# Roles that hold no stance: asked to act, a place, acted on, an organisation's members,
# describing another actor, or part of the scene (see :func:`.actors._role`).
SKIP_ROLES = frozenset({"requested", "location", "object", "members", "descriptor",
                        "background"})
# "China's commerce ministry", "Seoul's envoy": the body or official that speaks for the
# possessor. The training corpus marks such a phrase whole (384 of 403 possessive
# mentions in train), so the classifier is shown it whole here too.
_SPOKESBODY = re.compile(
    r"['\u2019]s\s+(?:[a-z][\w-]*\s+){0,3}?(?:ministry|minister|government|administration|"
    r"cabinet|parliament|legislature|assembly|senate|council|office|board|committee|"
    r"department|regulator|treasury|embassy|envoy|ambassador|delegation|delegate|mission|"
    r"president|premier|chancellor|mayor|governor|spokesman|spokeswoman|spokesperson|"
    r"negotiator|representative|military|junta|leadership)(?![\w-])")


@dataclass(frozen=True)
class Candidate:
    """One sentence-level question for the classifier: where does this actor stand on this?

    ``mention`` is the text to mark in the sentence (it may be a pronoun speaker);
    ``via`` says which rule made the pair: ``sentence``, ``quote`` or ``back-reference``.
    """

    sentence: Sentence
    actor: ActorMention
    proposal_id: str
    proposal: str
    mention: str
    via: str = "sentence"
    context: str | None = None
    proposal_mention: str | None = None  # the sentence's own words for the proposal, if any
    text: str | None = None  # what the classifier reads, when not the whole sentence

    @property
    def classifier_text(self) -> str:
        """The words the classifier reads: the sentence, or its clause for this proposal."""
        return self.text or self.sentence.text


def marked_phrase(actor: ActorMention, text: str) -> str:
    """The words to mark for ``actor``: its mention, with the body it owns when one follows.

    >>> text = "China's commerce ministry said it firmly opposes the duties."
    >>> marked_phrase(ActorMention(0, 5, "China", "China", "state"), text)
    "China's commerce ministry"
    >>> marked_phrase(ActorMention(0, 5, "China", "China", "state"), "China's exports fell.")
    'China'
    """
    body = _SPOKESBODY.match(text, actor.end)
    return text[actor.start:body.end()] if body else actor.text


def _within(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def _gap(actor: ActorMention, start: int, end: int) -> int:
    """Characters between a mention and the span ``start:end`` (0 when they touch)."""
    if actor.start >= end:
        return actor.start - end
    return max(0, start - actor.end)


def _speaker(sentence: Sentence, actors: Sequence[ActorMention],
             quotes: Sequence[tuple[int, int]], recent: Sequence[ActorMention]):
    """The actor a sentence's quotation belongs to, and the text naming it, if any."""
    # The audience of "told the council" or a place ("in Geneva") never speaks.
    outside = [a for a in actors if not _within(a.start, a.end, quotes)
               and a.role not in SKIP_ROLES]
    text = sentence.text
    rel_quotes = [(a - sentence.start, b - sentence.start) for a, b in quotes]
    for verb in SPEECH_VERBS.finditer(text):
        if _within(verb.start(), verb.end(), rel_quotes):
            continue
        # The speaker is the actor nearest the speech verb outside the quote ("..., the
        # envoy said" / "Yun said: ..." / "said Yun"), measured from the nearer edge so a
        # long name before the verb is not beaten by a short one after it.
        start, end = sentence.start + verb.start(), sentence.start + verb.end()
        near = sorted(outside, key=lambda a: _gap(a, start, end))
        if near and _gap(near[0], start, end) < 60:
            return near[0], near[0].text
    pronoun = _PRONOUN_SPEAKER.search(text)
    if pronoun and recent:
        word = next(g for g in pronoun.groups() if g)
        if word.lower() in ("he", "she"):
            people = [a for a in recent if a.actor_type == "person"]
            if people:
                return people[-1], word
        elif word.lower() == "they" and recent:
            return recent[-1], word
    return None, None


# A time phrase may come first ("On Monday he asked ..."), and a closing ", she said."
# makes the sentence hers as well.
_LEAD_PRONOUN = re.compile(
    r"(?:(?:On|By|Last|Earlier|Later)\s+[A-Za-z]+(?:\s+\d+)?,?\s+)?(?i:(He|She|They))\s+"
    r"(?:also\s+|later\s+|then\s+)?[a-z]")
_CLOSING_PRONOUN = re.compile(r",\s+(he|she)\s+(?:said|added|says)\.$")
# "It" opens as many sentences about a proposal ("It would raise fares") as about a body,
# so it stands for a body only before a verb of speaking or taking a stance.
_LEAD_IT = re.compile(
    r"(It)\s+(?:also\s+|later\s+|then\s+)?(?:said|says|added|argued|warned|urged|called|"
    r"backed|opposed|rejected|welcomed|supported|vowed|pledged|insisted|stressed|noted|"
    r"criticised|criticized|praised|accused|condemned|told|plans|planned|would vote|will vote|"
    # wanting or demanding something is a stance too, and the present tense as well
    r"wants|wanted|demands|demanded|backs|opposes|rejects|welcomes|supports|favours|favors|"
    r"dismissed|endorsed|denounced|hailed|defended|objected|refused|proposed|announced|"
    r"challenged|questioned|appealed|threatened|promised|agreed|voted|signed|sued|lobbied|"
    # "It was the main sponsor of the amendment": a proposal is no one's sponsor
    r"(?:is|was)\s+(?:the\s+|a\s+|an\s+)?(?:\w+\s+)?(?:sponsor|author|architect|opponent|"
    r"supporter|backer|champion|critic))"
    r"\b")


def pronoun_subject(sentence: Sentence,
                    recent: Sequence[ActorMention]) -> ActorMention | None:
    """The actor a sentence-opening "He"/"She"/"They"/"It" stands for, as a mention of it.

    A pronoun subject acts as much as a name does ("He said Rome was neutral on the bid"
    gives the man named before a stance), so it takes part in pairing: "He"/"She" is the
    person named last, "They" the last non-person subject, and so is "It" before a verb of
    speaking or taking a stance ("It said it supported the licence").

    >>> s = Sentence(1, 20, 44, "They opposed the plan.")
    >>> ag = ActorMention(0, 8, "Farmers", "farmers", "group", role="subject")
    >>> pronoun_subject(s, [ag]).text
    'They'
    """
    m = (_LEAD_PRONOUN.match(sentence.text) or _LEAD_IT.match(sentence.text)
         or _CLOSING_PRONOUN.search(sentence.text))
    if m is None:
        return None
    if m.group(1).capitalize() in ("They", "It"):
        pool = [a for a in recent if a.actor_type != "person" and a.role == "subject"]
    else:
        pool = [a for a in recent if a.actor_type == "person"]
    if not pool:
        return None
    start = sentence.start + m.start(1)
    return replace(pool[-1], start=start, end=start + len(m.group(1)), text=m.group(1),
                   role="subject")


def make_candidates(
    sentences: Sequence[Sentence], actors: Sequence[ActorMention],
    proposals: Sequence[ProposalMention], article_text: str, *, window: int = 2,
    skip_roles: frozenset[str] = SKIP_ROLES, doc: Any = None,
) -> list[Candidate]:
    """All candidate pairs of one article, in sentence order.

    >>> from stancemap.inference.sentences import split_sentences
    >>> text = "Seoul asked Beijing to back the plan."
    >>> s = split_sentences(text)
    >>> a = [ActorMention(0, 5, "Seoul", "South Korea", "state", role="subject"),
    ...      ActorMention(12, 19, "Beijing", "China", "state", role="requested")]
    >>> p = [ProposalMention(32, 36, "plan", "plan", "the plan")]
    >>> [(c.actor.actor, c.proposal_id) for c in make_candidates(s, a, p, text)]
    [('South Korea', 'plan')]
    """
    quotes = quote_spans(article_text)
    by_sentence = [
        ([a for a in actors if s.start <= a.start < s.end],
         _with_kind_references(s, [p for p in proposals if s.start <= p.start < s.end]))
        for s in sentences]
    # What each sentence talks about: the proposals it names, and those its references
    # ("the measure") were resolved to, so a later reference can follow the chain.
    talk = [(a, list(p)) for a, p in by_sentence]
    candidates: list[Candidate] = []
    seen: set[tuple[int, str, str]] = set()

    def add(c: Candidate) -> None:
        key = (c.sentence.index, c.actor.actor, c.proposal_id)
        if key not in seen:
            seen.add(key)
            candidates.append(c)

    recent: list[ActorMention] = []
    for i, sentence in enumerate(sentences):
        s_actors, s_props = by_sentence[i]
        attribution = _LATE_ATTRIBUTION.match(sentence.text)
        if attribution:
            # "Those were the words of X, ...": X speaks here as in the quote before
            named = [a for a in s_actors if a.start >= sentence.start + attribution.end()]
            if named:
                first = min(named, key=lambda a: a.start)
                s_actors = [replace(a, role="subject") if a is first else a for a in s_actors]
        lead = pronoun_subject(sentence, recent)
        if lead is not None and all(a.actor != lead.actor for a in s_actors):
            s_actors = [lead, *s_actors]
        s_quotes = [(a, b) for a, b in quotes if a < sentence.end and b > sentence.start]
        speaker, speaker_text = _speaker(sentence, s_actors, s_quotes, recent)
        if speaker is None and s_quotes:
            speaker, speaker_text = _run_on_speaker(i, sentences, by_sentence, quotes, recent)
        if speaker is None and s_quotes:
            speaker, speaker_text = _late_speaker(i, sentences, by_sentence, quotes)
        if speaker is not None and not s_quotes and _relays(speaker, sentence, article_text,
                                                            s_actors):
            speaker = None  # it only relays the subject's position
        targets = _targets(i, sentences, talk, window, bool(s_quotes) and speaker is not None)
        if any(_is_noun_reference(r[2]) for r in back_references(sentence.text)):
            talk[i][1].extend(_last_mention(talk, i, pid) for pid, _, via, *_ in targets
                              if via == "back-reference")
        for pid, name, via, context, words in targets:
            if speaker is not None and (via != "sentence" or any(
                    _within(p.start, p.end, s_quotes) for p in s_props if p.proposal_id == pid)):
                shown, own = read_as(doc, sentence, s_props, pid, via, targets,
                                      [speaker_text or speaker.text])
                add(Candidate(sentence, speaker, pid, name, shown,
                              "quote" if s_quotes else via, context, words, own))
            for actor in _ordered(s_actors):
                if actor.role in skip_roles or (via == "lead" and actor.role != "subject"):
                    continue
                if not s_quotes and _relays(actor, sentence, article_text, s_actors):
                    continue
                if s_quotes and speaker is not None and _within(actor.start, actor.end,
                                                                  s_quotes):
                    if actor.actor != speaker.actor:
                        continue  # named inside someone else's quote: talked about
                # With two proposals in one sentence, each actor keeps the one its clause
                # reaches ("Seoul backed the resolution, while Beijing opposed the referral").
                # Measured on the dev articles, applying this to every sentence cost more
                # true pairs than it saved.
                others = [o for o in s_actors if o.actor != actor.actor]
                if doc is not None and via == "sentence" and len(targets) > 1 and not any(
                        linked(doc, actor, p, others) for p in s_props if p.proposal_id == pid):
                    continue
                shown, own = read_as(doc, sentence, s_props, pid, via, targets, [
                    marked_phrase(a, article_text) for a in (actor, *s_actors)
                    if a.actor == actor.actor])
                add(Candidate(sentence, actor, pid, name, shown, via, context, words, own))
        recent.extend(s_actors)
    return candidates


# "..., a European Commission spokeswoman said.": an unnamed source closing the sentence.
_TRAILING_SOURCE = re.compile(r"[,\u2014-]\s*an?\s+(?:[\w.'\u2019-]+\s+){0,4}$")
_SAID_END = re.compile(r"(?:\s+[\w-]+){0,3}?\s+(?:said|says|told\s+\w+)\W*$")


def _relays(actor: ActorMention, sentence: Sentence, text: str,
            actors: Sequence[ActorMention]) -> bool:
    """Is ``actor`` an unnamed source that closes a sentence reporting another actor's
    position ("The EU is weighing the proposal, a European Commission spokeswoman said")?

    The position is the subject's; the source only relays it (rule 5 of the article gold).
    """
    before = text[sentence.start:actor.start]
    after = text[actor.end:sentence.end]
    if not (_TRAILING_SOURCE.search(before) and _SAID_END.match(after)):
        return False
    return any(a.role == "subject" and a.actor != actor.actor and a.start < actor.start
               for a in actors)


def _with_kind_references(sentence: Sentence,
                          props: list[ProposalMention]) -> list[ProposalMention]:
    """A sentence's proposal mentions, with its references of a kind to one it named just
    before: in "The federation endorsed the pay deal, but the union rejected the offer and
    called a strike ballot", "the offer" is the pay deal, a mention in the union's clause.
    """
    if len({p.proposal_id for p in props}) < 2:
        return props
    out = list(props)
    for start, end, words in back_references(sentence.text):
        start, end = sentence.start + start, sentence.start + end
        kinds = [k for k in _KINDS if _singular(words.split()[-1]) in k]
        if not kinds or any(start < p.end and p.start < end for p in props):
            continue
        before = {p.proposal_id: p for p in props if p.end <= start
                  and any(_of_kind(p, k) for k in kinds)}
        if len(before) == 1:
            (p,) = before.values()
            out.append(ProposalMention(start, end, words, p.proposal_id, p.proposal))
    return sorted(out, key=lambda p: p.start)


def _verb_of(token):
    """The verb whose clause a token sits in (``None`` outside any verb)."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token if token.pos_ in ("VERB", "AUX") else None


def linked(doc: Any, actor: ActorMention, proposal: ProposalMention,
           others: Sequence[ActorMention] = ()) -> bool:
    """Does the parse let this actor's clause reach this proposal?

    Climbing from the proposal towards the root, a clause whose subject is another actor
    (``others``) claims the proposal before the actor's own verb is reached: in "X backed
    the resolution, while Y rejected the referral" X does not reach the referral. A
    relative clause on the proposal ("the accord that Rome rejected") reaches it; when the
    parse gives no verb or no other actor in the way, the pair stays.
    """
    a_span = doc.char_span(actor.start, actor.end, alignment_mode="expand")
    p_span = doc.char_span(proposal.start, proposal.end, alignment_mode="expand")
    if a_span is None or p_span is None or not len(a_span) or not len(p_span):
        return True
    verb = _verb_of(a_span.root)
    if verb is None:
        return True
    p_root = p_span.root
    if verb in p_root.subtree or any(verb in t.subtree for t in p_span):
        return True  # a relative clause on the proposal
    token = p_root
    reported = False
    while token.head.i != token.i:
        token = token.head
        if token == verb:
            return True
        if token.pos_ in ("VERB", "AUX"):
            subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
            if token.dep_ in ("advcl", "pcomp") and any(
                    c.pos_ in ("NOUN", "PROPN") and c not in p_span for c in subjects):
                # "X urged a moratorium, a day after a company applied for a licence": a
                # clause set beside X's with a doer of its own is not X's act.
                return False
            if any(o.start <= c.idx < o.end for c in subjects for o in others):
                if actor.actor_type == "person" and _reported(token) and not reported:
                    # "Harada said, adding that the party cannot accept the bill": a
                    # person who reports a body's position states it too (gold rule 6).
                    reported = True
                    continue
                return False  # that clause is another actor's
    return not reported


_SPEECH_LEMMAS = frozenset("say add tell state insist stress warn explain note".split())


def _reported(clause: Any) -> bool:
    """Is ``clause`` what a speech verb reports ("said [the party would veto it]")?"""
    return clause.dep_ == "ccomp" and clause.head.lemma_.lower() in _SPEECH_LEMMAS


def _ordered(actors: Sequence[ActorMention]) -> list[ActorMention]:
    """Subjects first, so a sentence's pair for an actor uses its most telling mention."""
    return sorted(actors, key=lambda a: (a.role != "subject", a.start))


def _targets(i: int, sentences: Sequence[Sentence], by_sentence, window: int,
             quoted_speaker: bool):
    """(proposal id, name, via, context, words) the actors of sentence ``i`` may relate to.

    A sentence naming proposals relates to those. Otherwise a reference back ("the
    measure", "it"), or a quotation whose speaker is named (news quotes elaborate the
    sentence before), relates to the proposal the last ``window`` sentences talk about
    most; "the measure" with nothing in the window falls back to the article's main one.
    """
    s_props = by_sentence[i][1]
    if s_props:
        out, seen = [], set()
        for p in s_props:
            if p.proposal_id not in seen:
                seen.add(p.proposal_id)
                out.append((p.proposal_id, p.proposal, "sentence", None, p.text))
        # "X welcomed the decision but said a price deal would ...": a reference before the
        # sentence's first proposal cannot mean that one, so it points back as usual.
        # "the idea of a price deal" describes the deal itself, so not when "of" links them.
        text = sentences[i].text
        first = min(p.start for p in s_props) - sentences[i].start
        before = [r for r in back_references(text)
                  if r[1] <= first and r[2] != "it" and not _OF_LINK.match(text[r[1]:first])]
        if before:
            kinds = _describing_kinds(before) + [
                _FACILITIES for r in before
                if _singular(r[2].split()[-1]) in _FACILITY_REFERENCES]
            out += [back for back in _referent(i, sentences, by_sentence, window, nominal=True,
                                               kinds=kinds)
                    if back[0] not in seen][:1]
        if i > 0 and any(BOTH.match(p.text) for p in s_props) and len(seen) == 1:
            # "welcomed both decisions" where only one decision was named as such: the
            # other is the story's other main proposal
            out += [t for t in _two_main(i, sentences, by_sentence) if t[0] not in seen]
            seen.update(t[0] for t in out)
        if i == 0 and _PROPOSING.search(text):
            # "South Africa's government proposed keeping a coal plant open, a move that puts
            # a loan at risk": the lead names the loan but describes what it proposes
            out += [t for t in _described_in_lead(sentences, by_sentence, window)
                    if t[0] not in seen]
        return out
    refs = back_references(sentences[i].text)
    if i == 0 and not refs and _PROPOSING.search(sentences[i].text):
        return _described_in_lead(sentences, by_sentence, window)
    if not refs and not quoted_speaker:
        return []
    if not refs and i > 0 and len({p.proposal_id for p in by_sentence[i - 1][1]}) == 1:
        # A quote that names nothing elaborates the sentence just before it when that one
        # names a single proposal ("... asked City Hall to support an exemption for taxis.
        # 'A filter that stops a cab ...,' said Malone"). After a sentence naming several,
        # pairing the quote with each was tried and dropped: more right tuples on the dev
        # stories but a lower F1 on three blind batches (benchmarks/RESULTS.md).
        p = by_sentence[i - 1][1][0]
        source = sentences[i - 1].text
        return [(p.proposal_id, p.proposal, "back-reference", source, None)]
    # A named speaker's quote with nothing to point at is about the story's main proposal
    nominal = any(not r[2].lower().startswith("it") for r in refs) or (
        quoted_speaker and not refs)
    # "the levies", "the duties" name one measure as often as several
    plural = any(_is_plural_reference(r[2]) and _singular(r[2].split()[-1]) not in _CHARGES
                 for r in refs)
    kinds = [kind for r in refs for kind in _KINDS if _singular(r[2].split()[-1]) in kind]
    kinds += [_FACILITIES for r in refs if _singular(r[2].split()[-1]) in _FACILITY_REFERENCES]
    kinds += [_VOTED for r in refs if r[2].split()[-1].lower() == "vote"
              or r[2].lower().startswith("vot")]  # "voted against": what was put to a vote
    if any(BOTH.match(r[2]) for r in refs):
        return _two_main(i, sentences, by_sentence)
    return _referent(i, sentences, by_sentence, window, nominal, plural=plural,
                     kinds=kinds + _describing_kinds(refs))


def _two_main(i: int, sentences: Sequence[Sentence], by_sentence) -> list[tuple]:
    """ "both measures", "the two proposals": the two proposals the article has talked
    about most before sentence ``i``, however far back they were named."""
    earlier = list({id(p): p for j in range(i) for p in by_sentence[j][1]}.values())
    counts = Counter(p.proposal_id for p in earlier)
    out = []
    for pid, _ in counts.most_common(2):
        p = _last_mention(by_sentence, i, pid)
        source = next(s.text for s in sentences if s.start <= p.start < s.end)
        out.append((p.proposal_id, p.proposal, "back-reference", source, None))
    return out


# A lead that puts forward or decides on a proposal it only describes: "South Africa's
# government on Tuesday proposed keeping one of Eskom's oldest power stations running".
_PROPOSING = re.compile(
    r"\b(?:proposed|introduced|unveiled|tabled|submitted|presented|announced|launched|"
    r"(?:voted|moved|decided|agreed|pledged)(?:\s+[\d-]+)?(?:\s+on\s+\w+)?\s+to)\b")


def _described_in_lead(sentences: Sequence[Sentence], by_sentence, window: int) -> list[tuple]:
    """The proposal a naming-free lead describes: the one the next sentences go on to name
    (news expands its lead next: "Under the life extension, its six units would ..."),
    else none. Only the lead's subject is paired with it (see :func:`make_candidates`).
    """
    for j in range(1, min(len(sentences), window + 2)):
        if by_sentence[j][1]:
            p = min(by_sentence[j][1], key=lambda p: p.start)
            return [(p.proposal_id, p.proposal, "lead", None, None)]
    return []


def _describing_kinds(refs: Sequence[tuple[int, int, str]]) -> list[frozenset[str]]:
    """Words describing a reference, each as a kind its proposal must name: "the Thai idea"
    means the proposal named with "Thai", "the transfer scheme" the one named with
    "transfers", not the one talked about most (when none is, the usual choice stands).

    >>> _describing_kinds([(0, 13, "the Thai idea"), (20, 30, "The measure"),
    ...                    (40, 60, "the new plan")])
    [frozenset({'thai'})]
    """
    return [frozenset({re.sub(r"['\u2019]s?$", "", w).lower()}) for r in refs
            for w in r[2].split()[1:-1] if w[:1].isupper() or (
                w.isalpha() and w.lower() not in _PLAIN_DESCRIBERS)]


# Describing words of a reference that say nothing of which proposal is meant ("the new
# plan"); any other ("the transfer scheme") picks the proposal named with it, if one is.
_PLAIN_DESCRIBERS = frozenset("""new old proposed draft final latest original revised whole
entire same current controversial planned amended full first second third main
government's government""".split())


# Kinds of proposal a reference noun can only mean: "the agreement" is a deal or a pact,
# never a tax, wherever the last sentences point; "the measure" or "the plan" is any kind.
_CHARGES = frozenset("levy levie duty dutie tariff tax taxe charge toll".split())
_KINDS = (frozenset("""deal agreement accord pact arrangement settlement treaty offer
                     merger takeover acquisition transaction tie-up buyout""".split()),
          frozenset("bill law legislation act".split()),
          frozenset({"amendment"}),  # "the law" is the bill, not an amendment to it
          _CHARGES,
          frozenset("increase rise hike".split()))  # "the increase": a proposed rise
# "the plant" is a proposal to build something: one whose head noun is a facility ("waste
# incinerator on a hillside"), not one that merely names it ("a fund for residents near
# the incinerator").
_FACILITIES = frozenset("""plant plants facility facilities incinerator incinerators refinery
factory terminal mine smelter reactor station port airport runway dam pipeline""".split())
_FACILITY_REFERENCES = frozenset({"plant", "facility", "facilitie"})


# "the vote" is of the proposals named where a vote is told of.
_VOTED = frozenset({"vote"})
_VOTE_WORDS = re.compile(r"\bvot(?:e|es|ed|ing)\b", re.IGNORECASE)


def _singular(word: str) -> str:
    """ "deals" -> "deal" (enough for the nouns of :data:`_KINDS`)."""
    word = word.lower()
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _of_kind(mention: ProposalMention, kind: frozenset[str], *, by_head: bool = False) -> bool:
    """Is the proposal named by a noun of ``kind`` ("pay deal" is a deal)? A kind may
    also be a set of proposal ids (those put to a vote). ``by_head``: only the head noun
    of its name or mention counts, so "sale of branches as a merger remedy" is no merger.

    >>> sale = ProposalMention(0, 11, "branch sale", "sale", "Sale of branches as a merger remedy")
    >>> _of_kind(sale, _KINDS[0]), _of_kind(sale, _KINDS[0], by_head=True)
    (True, False)
    """
    if mention.proposal_id in kind:
        return True
    if kind is _FACILITIES or by_head:
        heads = head_nouns(ProposalSpec(mention.proposal_id, mention.proposal,
                                        () if kind is _FACILITIES else (mention.text,)))
        return any(_singular(h) in kind for h in heads)
    words = re.findall(r"[a-z]+", f"{mention.proposal} {mention.text}".lower())
    return any(_singular(w) in kind for w in words)


def _is_noun_reference(words: str) -> bool:
    """Is a back-reference a noun phrase ("the measure"), not "it" or "abstained"?"""
    return len(words.split()) > 1


def _last_mention(talk, i: int, pid: str) -> ProposalMention:
    """The last mention of proposal ``pid`` before sentence ``i``."""
    return next(p for j in range(i - 1, -1, -1) for p in reversed(talk[j][1])
                if p.proposal_id == pid)


def _is_plural_reference(words: str) -> bool:
    """Does a back-reference name several things ("these measures", "the two plans")?

    >>> _is_plural_reference("These measures"), _is_plural_reference("the measure")
    (True, False)
    >>> _is_plural_reference("abstains"), _is_plural_reference("it")
    (False, False)
    """
    noun = words.split()[-1].lower()
    return len(words.split()) > 1 and noun.endswith("s") and not noun.endswith("ss")


_OF_LINK = re.compile(r"\s*(?:of|for|on|to|about)\b")


def _referent(i: int, sentences: Sequence[Sentence], by_sentence, window: int,
              nominal: bool, *, plural: bool = False,
              kinds: Collection[frozenset[str]] = ()) -> list[tuple]:
    """The proposals a reference in sentence ``i`` points back to, as target tuples.

    ``by_sentence[j][1]`` holds the proposals sentence ``j`` names or was resolved to.

    The last ``window`` sentences decide; a noun reference ("the measure") with nothing
    in the window falls back to the whole article before it. A singular reference means
    one proposal, the most talked-about; a plural one ("these measures") every proposal
    the window names. A reference of a kind (``kinds``: "the agreement") means a proposal
    of that kind, looked for in the window first and then in the article before it.
    """
    earlier = [p for j in range(i) for p in by_sentence[j][1]]
    # A resolved reference repeats its referent's mention object: it brings the proposal
    # into the window, but counts once, as the mention it is.
    counts = Counter(p.proposal_id for p in {id(p): p for p in earlier}.values())
    recent = [p for j in range(max(0, i - window), i) for p in by_sentence[j][1]]
    if _VOTED in kinds:
        # "the vote": what was put to one ("approved the pact by 412 votes to 201")
        voted = {j for j in range(i) if _VOTE_WORDS.search(sentences[j].text)}
        kinds = [k for k in kinds if k is not _VOTED] + [frozenset(
            p.proposal_id for j in voted for p in by_sentence[j][1])]
    if kinds:
        # A proposal whose head is of the kind ("the transaction": the merger) before one
        # that only names the kind ("a branch sale as a merger remedy")
        fitting = ([p for p in earlier if any(_of_kind(p, k, by_head=True) for k in kinds)]
                   or [p for p in earlier if any(_of_kind(p, kind) for kind in kinds)])
        if not fitting and all(kind is _FACILITIES for kind in kinds):
            return []  # "the plant's reactor" with no plant proposed: the plant that stands
        if fitting:  # else no proposal is of that kind: fall back to the usual choice
            recent = [p for p in recent if p in fitting]
            earlier = fitting
    pool = recent or (earlier if nominal else [])
    if not pool:
        return []
    # The most talked-about proposal wins; among equals, the one named last.
    ranked = sorted(pool, key=lambda p: (counts[p.proposal_id], p.start), reverse=True)
    out, seen = [], set()
    for best in ranked if plural and recent else ranked[:1]:
        if best.proposal_id not in seen:
            seen.add(best.proposal_id)
            source = next(s.text for s in sentences if s.start <= best.start < s.end)
            out.append((best.proposal_id, best.proposal, "back-reference", source, None))
    return out


# "The warning came from Yuko Shimada, ...", "The charge was laid by ...": a speaker named
# in the sentence after the quote, by a noun for what was said. A time phrase may come
# between ("came hours later from"); the speaker may own the words ("That was the verdict
# of X", "Those were the words of X"); or the sentence may open on the verb ("So said X").
_LATE_ATTRIBUTION = re.compile(
    r"(?:(?:The|That|This|Those|These|Such)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:(?:came|comes)\s+(?:[\w-]+\s+){0,3}?from"
    r"|(?:was|were)\s+(?:from|(?:made|laid|issued|voiced|delivered|given|levelled|leveled|"
    r"posted)\s+by|the\s+(?:[\w-]+\s+)?(?:verdict|view|words|warning|message|assessment|"
    r"reaction|response|argument|complaint|position)\s+of))"
    r"|So\s+(?:said|says|argued|argues|warned|warns))\s")


def _late_speaker(i: int, sentences: Sequence[Sentence], by_sentence,
                  quotes: Sequence[tuple[int, int]]):
    """For a quote in sentence ``i`` with no speaker of its own: the actor that the sentence
    right after the quote's end names as its source ("The warning came from X")."""
    sentence = sentences[i]
    end = max((b for a, b in quotes if a < sentence.end and b > sentence.start), default=None)
    if end is None:
        return None, None
    j = next((k for k in range(i, len(sentences)) if sentences[k].end >= end), None)
    if j is None or j + 1 >= len(sentences):
        return None, None
    after = sentences[j + 1]
    m = _LATE_ATTRIBUTION.match(after.text)
    if m is None:
        return None, None
    named = sorted((a for a in by_sentence[j + 1][0] if a.start >= after.start + m.end()),
                   key=lambda a: a.start)
    return (named[0], named[0].text) if named else (None, None)


def _run_on_speaker(i: int, sentences: Sequence[Sentence], by_sentence,
                    quotes: Sequence[tuple[int, int]], recent: Sequence[ActorMention]):
    """For a quote opened in sentence ``i`` and closed later: the speaker where it closes."""
    sentence = sentences[i]
    for a, b in quotes:
        if a < sentence.end and b > sentence.end:  # runs on past this sentence
            for j in range(i + 1, len(sentences)):
                if sentences[j].start <= b <= sentences[j].end:
                    closing = [(a2, b2) for a2, b2 in quotes if a2 < sentences[j].end
                               and b2 > sentences[j].start]
                    return _speaker(sentences[j], by_sentence[j][0], closing, recent)
    return None, None
