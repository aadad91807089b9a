"""Proposals: load the proposals file, find proposal mentions, and find references back.

A proposals file (YAML; JSON is valid YAML) lists what to look for::

    proposals:
      - id: icc-referral
        name: Referral of North Korea's leaders to the International Criminal Court
        aliases: ["International Criminal Court", "ICC"]

Aliases (and the name) match case-insensitively on word boundaries. Without a file,
:func:`discover_proposals` finds mentions itself: noun phrases headed by a word such as
resolution, bill, treaty, sanctions, referral, plan, deal, ban, tax or reform, grouped so
that "the draft U.N. resolution" and "the resolution" in one article are one proposal.

Later sentences often refer back ("the measure", "the text", "it");
:func:`back_references` finds those phrases so pairing can link them to the proposal
mentioned just before.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from stancemap.errors import DataError

# Head nouns of proposals (singular lemmas; plural forms are matched through the lemma).
TRIGGERS = frozenset("""
resolution bill treaty sanction sanctions referral plan deal ban tax reform accord agreement
pact proposal amendment law legislation measure embargo tariff levy merger takeover
acquisition bid budget ceasefire truce moratorium motion initiative scheme package
convention protocol charter mandate referendum subsidy cap quota pipeline decree
""".split())
# Phrases that point back to a proposal already named; "the measure" is not a proposal of
# its own. "it"/"its" count only in a sentence with no proposal mention (decided by pairing).
BACK_REFERENCE = re.compile(
    r"\b(?:the|this|that|these|those|such a|the proposed|the draft|both)\s+"
    # one describing word may come between: "the final text", "the committee vote", and it
    # may be a possessive: "the council's vote", "the conservatives' proposal"
    r"(?:[a-z][\w-]*(?:['\u2019]s|(?<=s)['\u2019])?\s+)?"
    # or a sum: "the $1.9 billion project", "the 2 billion euro deal"
    r"(?:[$\u20ac\u00a3]?\d[\d.,]*\s+(?:million|billion|trillion)?\s*(?:[a-z]+\s+)?)?"
    r"(?:measure|proposal|plan|text|draft|move|idea|bill|resolution|deal|initiative|motion|"
    r"scheme|package|step|decision|policy|document|accord|agreement|pact|treaty|law|"
    r"change|overhaul|reform|"  # what a proposal does: "the change would close a deficit"
    r"increase|rise|hike|"  # a proposed rise in a fare, tariff or rate
    r"legislation|vote|decree|"
    r"project|"
    # what a party files or puts on the table, and the stop it asks for
    r"application|request|petition|notification|bid|offer|pause|freeze|"
    r"transaction|tie-up|takeover|merger|acquisition|buyout|"  # a merger by another name
    r"plant|facility|"  # a facility to be built: "the plant would burn 800 tons a day"
    r"levy|levie|duty|dutie|tariff|tax|taxe)"  # a charge by another name: "the levies"
    r"s?\b"  # "these measures"
    # abstaining is a stance on the motion just put to the vote ("India abstained.")
    r"|\babstain(?:ed|ing|s)?\b"
    # and so is a vote with no object: "The Freedom Front Plus voted against, saying ..."
    r"|\bvot(?:ed|es|ing)\s+(?:against|for|in\s+favou?r)(?=\s*[,.;]|\s+(?:and|but)\b)"
    # "it" only as the object of a stance verb: in "Madrid said it can..." it is the actor.
    r"|\b(?:back|backs|backed|support|supports|supported|oppose|opposes|opposed|reject|"
    r"rejects|rejected|against|approve|approved|block|blocked|veto|vetoed|endorse|endorsed|"
    r"sign|signed|accept|accepted|scrap|scrapped|criticised|criticized|welcomed|welcome|"
    r"denounced|condemned|praised|defended|favour|favor|on|about|rule|rules|ruled|"
    # what a legislature or a court does with a proposal: "urged senators to pass it"
    r"pass|passed|adopt|adopted|ratify|ratified|challenge|challenged|contest|contested|"
    r"withdraw|withdrew|drop|dropped|renew|renewed|"
    r"throw|threw|kill|killed|strike|struck|vote|voted)\s+(it)\b",  # "throw it out"
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ProposalSpec:
    """One proposal to look for: a stable id, a display name and the aliases that match it.

    >>> spec = ProposalSpec("icc-referral", "Referral to the ICC", ("ICC",))
    >>> [p.search("Beijing opposes an ICC referral") is not None for p in spec.patterns()]
    [False, True]
    """

    id: str
    name: str
    aliases: tuple[str, ...] = ()

    def patterns(self) -> list[re.Pattern[str]]:
        """Whole-word, case-insensitive patterns, longest alias first."""
        terms = sorted({a.strip() for a in (*self.aliases, self.name) if a.strip()},
                       key=len, reverse=True)
        return [re.compile(rf"(?<!\w){re.escape(t)}(?!\w)", re.IGNORECASE) for t in terms]


@dataclass(frozen=True)
class ProposalMention:
    """A span of the article that names a proposal."""

    start: int
    end: int
    text: str
    proposal_id: str
    proposal: str  # the display name written to output rows


@dataclass
class _Group:
    head: str
    modifiers: set[str] = field(default_factory=set)
    mentions: list[tuple[int, int, str]] = field(default_factory=list)


def slugify(text: str) -> str:
    """A lower-case id made of the words of ``text``.

    >>> slugify("the U.N. resolution on North Korea's human rights")
    'un-resolution-on-north-koreas-human-rights'
    """
    words = re.sub(r"[^\w\s-]", "", text.lower()).split()
    if words and words[0] in ("the", "a", "an", "this", "that"):
        words = words[1:]
    return "-".join(words)[:80] or "proposal"


def load_proposals(path: str | Path) -> list[ProposalSpec]:
    """Read a proposals file, checking every entry; errors name the file, entry and field.

    >>> load_proposals("data/articles/proposals.yaml")[0].id  # doctest: +SKIP
    'icc-referral'
    """
    return [ProposalSpec(e["id"], e["name"], tuple(e["aliases"]))
            for e in read_alias_file(path, "proposals", require_id=True)]


def read_alias_file(path: str | Path, key: str, *, require_id: bool) -> list[dict[str, Any]]:
    """Entries of a ``{key: [{id, name, aliases, ...}]}`` YAML file, validated.

    Shared with the actor alias file, which has the same shape. Unknown per-entry keys
    are kept (the actor file may add ``type`` and ``affiliation``).
    """
    import yaml

    path = str(path)
    if not Path(path).exists():
        raise DataError("file not found", path=path)
    try:
        doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise DataError(f"invalid YAML: {getattr(err, 'problem', err)}", path=path,
                        line=mark.line + 1 if mark else None) from None
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise DataError(f"expected a top-level '{key}:' list", path=path)
    entries, seen = [], set()
    for i, entry in enumerate(doc[key]):
        where = f"{key}[{i}]"
        if not isinstance(entry, dict):
            raise DataError("expected a mapping with id, name, aliases", path=path, field=where)
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise DataError("missing or empty", path=path, field=f"{where}.name")
        ident = entry.get("id")
        if ident is None and not require_id:
            ident = name
        if not isinstance(ident, str) or not ident.strip():
            raise DataError("missing or empty", path=path, field=f"{where}.id")
        if ident in seen:
            raise DataError(f"duplicate id {ident!r}", path=path, field=f"{where}.id")
        seen.add(ident)
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            raise DataError("expected a list of strings", path=path, field=f"{where}.aliases")
        entries.append({**entry, "id": ident.strip(), "name": name.strip(),
                        "aliases": [a for a in aliases if a.strip()]})
    return entries


def match_proposals(
    text: str, specs: Sequence[ProposalSpec], *, heads: bool = True,
) -> list[ProposalMention]:
    """Every alias match of every proposal in ``text``; overlapping matches keep the longest.

    With ``heads``, definite references by head noun ("the bill") count too
    (:func:`match_head_references`).

    >>> specs = [ProposalSpec("icc", "ICC referral", ("International Criminal Court", "ICC"))]
    >>> [m.text for m in match_proposals("It backs the International Criminal Court.", specs)]
    ['International Criminal Court']
    """
    found: list[ProposalMention] = []
    for spec in specs:
        for pattern in spec.patterns():
            for m in pattern.finditer(text):
                found.append(ProposalMention(m.start(), m.end(), m.group(0), spec.id, spec.name))
    found = _longest_first(found)
    return with_head_references(text, specs, found) if heads else found


def with_head_references(
    text: str, specs: Sequence[ProposalSpec], named: Sequence[ProposalMention],
) -> list[ProposalMention]:
    """``named`` (the alias matches of :func:`match_proposals` with ``heads=False``) plus
    the definite references by head noun, overlaps keeping the longest.

    >>> specs = [ProposalSpec("b", "Clean Air Bill", ("clean air bill",))]
    >>> text = "Oslo backs the clean air bill. Rome opposes the bill."
    >>> named = match_proposals(text, specs, heads=False)
    >>> [m.text for m in with_head_references(text, specs, named)]
    ['clean air bill', 'the bill']
    """
    refs = match_head_references(text, specs, named)
    named_ids = {m.proposal_id for m in named}
    refs += _short_forms(text, [s for s in specs if s.id in named_ids], [*named, *refs])
    kept = _longest_first([*named, *refs])
    # "both bills" is one span naming several proposals: keep each of them.
    spans = {(k.start, k.end) for k in kept}
    kept += [r for r in refs if (r.start, r.end) in spans and r not in kept]
    return sorted(kept, key=lambda m: m.start)


def drop_modifiers(mentions: Sequence[ProposalMention], named: Sequence[ProposalMention],
                   doc: Any) -> list[ProposalMention]:
    """Head-noun references whose head only modifies the next noun ("its tax base" is a
    base, not "the tax"), found in the parse; mentions by name (``named``) all stay.
    """
    by_name = {(m.start, m.end, m.proposal_id) for m in named}
    kept = []
    for m in mentions:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        last = span[-1] if span is not None and len(span) else None
        if ((m.start, m.end, m.proposal_id) not in by_name and last is not None
                and all(t.pos_ not in ("VERB", "AUX") for t in span)  # not "merge into ..."
                and last.dep_ == "compound" and last.head.i > last.i
                and last.head.pos_ == "NOUN"):
            continue
        kept.append(m)
    return kept


_HEAD_STOP = re.compile(
    r"\s(?:of|on|for|to|in|with|by|from|at|against|over|under|into|that|which|\()\s"
    # "bill allowing couples ..." ends the head at the -ing word; in "food advertising ban"
    # the -ing word only modifies the last word, which is the head. A name that opens on
    # the -ing word ("Paving of the highway") has it as its head.
    r"|(?<=\w)\s\w+ing\s(?=\S+\s+\S)|\s\(")
# Verbs that open an alias naming an action ("renew the arms embargo"): the noun after
# them is what is acted on, not the proposal, so it is no head noun ("the mission").
_ACTION_VERBS = frozenset("""
raise lower cut extend renew send refer cover impose lift allow adopt approve create set
introduce increase reduce suspend delay declare keep make give grant scrap end
resettle relocate admit deport return accept take hire build close sell buy
""".split())
_PREPOSITIONS = frozenset("of on for to in with by from at against over under into".split())
_DETERMINERS = r"the two|both|the|this|that|these|those|its|their|his|her|a|an|any|such a"
# Heads that never stand for a proposal: bodies that hold stances ("Central government
# funding ..." must not make "the government" a mention of the funding), pronouns and
# fragments a name can end on.
_NOT_HEADS = frozenset("""
government governments council councils party parties ministry ministries union unions court
courts commission parliament assembly congress senate country countries state states people
group groups company companies board agency committee federation association authority
authorities administration office city cities side it its part parts vote votes proposed
province provinces region regions municipality municipalities prefecture county
""".split())


# Offices name the people who hold them: "the president" in a story about electing one
# directly is a person ("its president"), never a reference to the proposal.
_OFFICES = frozenset("""
president presidents premier prime minister ministers chancellor governor governors mayor
mayors chair chairman chairwoman speaker leader leaders head heads king queen
""".split())


def head_nouns(spec: ProposalSpec) -> dict[str, set[str]]:
    """Head nouns of a proposal's name and aliases, each with the words that modify it.

    >>> sorted(head_nouns(ProposalSpec("b", "Opposition bill allowing separate surnames",
    ...                                ("separate surnames bill",))))
    ['bill', 'bills']
    """
    heads: dict[str, set[str]] = {}
    for phrase in (spec.name, *spec.aliases):
        if _is_action(phrase):
            continue
        stem = _HEAD_STOP.split(f" {phrase} ", maxsplit=1)[0].split()
        if len(stem) > 1 and any(c.isdigit() for c in stem[-1]) and stem[-2].lower() in TRIGGERS:
            stem.pop()  # "Senate Bill 214": the number names the bill, the head is "Bill"
        if not stem or not stem[-1].replace("-", "").isalpha():
            continue  # a hyphened head is a word: "the spin-off", "the phase-out"
        if stem[-1][0].isupper() and len(stem) > 1 and stem[-1].lower() not in TRIGGERS:
            continue  # a word of a name ("Food Council"), unless it is a proposal noun
        # ("the Paris Agreement", "Senate Bill 214": "the agreement", "the bill")
        # The head, and trigger nouns modifying it ("hostile takeover bid": "the takeover").
        candidates = {stem[-1].lower()} | {w.lower() for w in stem[:-1] if w.lower() in TRIGGERS}
        for head in candidates - _NOT_HEADS - _OFFICES:
            words = {w.lower() for w in re.findall(r"[\w-]+", phrase)} - {head}
            for form in _number_forms(head):
                heads.setdefault(form, set()).update(words)
    return heads


def _is_action(phrase: str) -> bool:
    """Does the alias name an action ("raise oil output by 5%") rather than a thing?

    >>> _is_action("raise oil output by 5%"), _is_action("delay of the vote")
    (True, False)
    >>> _is_action("lower the tariff"), _is_action("lower wolf population target")
    (True, False)
    """
    words = phrase.split()
    if len(words) > 1 and words[0].lower() in _ADJECTIVE_VERBS:
        # "lower wolf population target" is a target; "lower the tariff" an action
        return bool(re.fullmatch(_DETERMINERS, words[1].lower()))
    return (len(words) > 1 and words[0].lower() in _ACTION_VERBS
            and words[1].lower() not in _PREPOSITIONS)


# Action verbs that also modify a noun as adjectives ("a lower age limit").
_ADJECTIVE_VERBS = frozenset({"lower"})


def _number_forms(noun: str) -> set[str]:
    if noun.endswith("ies"):
        return {noun, noun[:-3] + "y"}
    if noun.endswith("y"):
        return {noun, noun[:-1] + "ies"}
    if noun.endswith(("ses", "xes")):
        return {noun, noun[:-2]}
    if noun.endswith("s"):
        return {noun, noun[:-1]}
    return {noun, noun + ("es" if noun.endswith(("x", "s", "ch")) else "s")}


def match_head_references(
    text: str, specs: Sequence[ProposalSpec], explicit: Sequence[ProposalMention],
) -> list[ProposalMention]:
    """Definite noun phrases headed by a proposal's head noun: "the bill", "the duties".

    Files list a proposal's telling aliases, but articles then say "the bill". When two
    proposals share the head ("the opposition bill"), a modifier that occurs in one of
    them decides; otherwise the proposal the article names most often. Spans already
    matched by an alias are left alone.

    >>> specs = [ProposalSpec("b", "Bill on surnames", ("surnames bill",))]
    >>> named = match_proposals("The surnames bill.", specs, heads=False)
    >>> [m.text for m in match_head_references("The surnames bill. It backed the bill.",
    ...                                        specs, named)]
    ['the bill']
    """
    counts = {spec.id: sum(1 for m in explicit if m.proposal_id == spec.id) for spec in specs}
    # Only proposals this article names: "the budget" is not every budget in the file.
    heads = {spec.id: head_nouns(spec) for spec in specs if counts[spec.id]}
    by_id = {spec.id: spec for spec in specs}
    vocab = sorted({h for hs in heads.values() for h in hs}, key=len, reverse=True)
    if not vocab:
        return []
    pattern = re.compile(
        rf"\b(?:{_DETERMINERS})\s+((?:[\w'\u2019-]+\s+){{0,2}}?)"  # "the city's toll"
        rf"({'|'.join(map(re.escape, vocab))})\b"
        # "the flight ban": the last of two head nouns is the head
        rf"(?!\s+(?:{'|'.join(map(re.escape, vocab))})\b)",
        re.IGNORECASE)
    found = []
    for m in pattern.finditer(text):
        if any(m.start() < e.end and e.start < m.end() for e in explicit):
            continue
        if m.group(2)[:1].isupper() and _NAME_GOES_ON.match(text, m.end()):
            continue  # "The Food and Beverage Council": a word of a name, not a reference
        if _NOT_MODIFIERS & {w.lower() for w in m.group(1).split()}:
            continue  # "the city will ban": a verb phrase, not "the ban"
        if _OTHER_THAN & {w.lower() for w in m.group(1).split()}:
            continue  # "financed a similar joint post": another one, not the proposal
        head = m.group(2).lower()
        modifiers = {w.lower() for w in m.group(1).split()}
        options = [pid for pid, hs in heads.items() if head in hs]
        narrowed = [pid for pid in options if modifiers & heads[pid][head]]
        options = narrowed or options
        if BOTH.match(m.group(0)) and head.endswith("s") and len(options) > 1:
            # "both bills" names every bill the article names, each one a mention.
            found += [ProposalMention(m.start(), m.end(), m.group(0), pid, by_id[pid].name)
                      for pid in options]
            continue
        best = max(options, key=lambda pid: counts[pid])
        found.append(ProposalMention(m.start(), m.end(), m.group(0), best, by_id[best].name))
    found += _bare_plurals(text, heads, by_id, counts, [*explicit, *found])
    return found + _verb_references(text, specs, heads, explicit)


def short_forms(spec: ProposalSpec) -> set[str]:
    """An alias cut before its last "in/on/for/..." phrase, as articles shorten it once
    named: "state of exception in Limon" -> "state of exception". Only cuts that keep two
    words or more, one of them not a word of a body or an office.

    >>> sorted(short_forms(ProposalSpec("x", "State of exception in Limon province",
    ...                                 ("state of exception in Limon", "levy on sugar"))))
    ['state of exception']
    """
    forms = set()
    for phrase in (spec.name, *spec.aliases):
        words = phrase.split()
        cuts = [i for i, w in enumerate(words) if w.lower() in _PREPOSITIONS and i >= 2]
        if not cuts or _is_action(phrase):
            continue
        head = words[:cuts[-1]]
        if head[-1].lower() in _PREPOSITIONS or head[-1].lower() in ("the", "a", "and"):
            continue
        if {w.lower() for w in head} - _NOT_HEADS - _OFFICES - _PREPOSITIONS:
            forms.add(" ".join(head).lower())
    return forms


def _short_forms(text: str, specs: Sequence[ProposalSpec],
                 taken: Sequence[ProposalMention]) -> list[ProposalMention]:
    """ "the state of exception" for a proposal named "state of exception in Limon"."""
    found = []
    for spec in specs:
        for form in short_forms(spec):
            for m in re.finditer(rf"\bthe\s+{re.escape(form)}\b", text, re.IGNORECASE):
                if not any(m.start() < t.end and t.start < m.end() for t in taken):
                    found.append(ProposalMention(m.start(), m.end(), m.group(0), spec.id,
                                                 spec.name))
    return found


# Verbs of stance before a bare plural head: "could not support fixed ratios".
_STANCE_VERB = re.compile(r"\b(?:support|supports|supported|oppose|opposes|opposed|back|backs|"
                          r"backed|reject|rejects|rejected|accept|accepts|accepted|endorse|"
                          r"endorses|endorsed)\s+((?:[a-z-]+\s+)?)([a-z]+s)\b")


def _bare_plurals(text: str, heads: dict[str, dict[str, set[str]]], by_id, counts,
                  taken: Sequence[ProposalMention]) -> list[ProposalMention]:
    """A proposal's plural head noun with no determiner, right after a verb of stance:
    "Warsaw could not support fixed ratios" when the article names "minimum nurse ratios".

    >>> spec = ProposalSpec("r", "Minimum nurse ratios", ("nurse ratios",))
    >>> [m.text for m in _bare_plurals("Oslo opposed fixed ratios.", {"r": head_nouns(spec)},
    ...                                {"r": spec}, {"r": 1}, [])]
    ['fixed ratios']
    """
    found = []
    for m in _STANCE_VERB.finditer(text):
        start = m.start(1) if m.group(1) else m.start(2)
        if any(start < t.end and t.start < m.end() for t in taken):
            continue
        options = [pid for pid, hs in heads.items() if m.group(2) in hs]
        if not options or m.group(1).strip() in _NOT_MODIFIERS:
            continue
        best = max(options, key=lambda pid: counts[pid])
        found.append(ProposalMention(start, m.end(), text[start:m.end()], best,
                                     by_id[best].name))
    return found


@lru_cache(maxsize=256)
def _verb_pattern(verbs: tuple[str, ...]) -> re.Pattern[str]:
    """Head nouns used as verbs, after a modal or "to", or as a gerund ("increasing")."""
    forms = [*verbs, *(_gerund(v) for v in verbs)]  # "proposed increasing the fare"
    return re.compile(rf"\b(?:(?:will|would|to|shall|must)\s+(?:not\s+)?)?"
                      rf"({'|'.join(map(re.escape, forms))})((?:\s+[\w'\u2019-]+){{1,8}})")


def _gerund(verb: str) -> str:
    """ "increase" -> "increasing", "ban" -> "banning", "tax" -> "taxing"."""
    if verb.endswith("e") and not verb.endswith("ee"):
        return verb[:-1] + "ing"
    if re.fullmatch(r"[a-z]*[^aeiou][aeiou][bdgmnpt]", verb):
        return verb + verb[-1] + "ing"
    return verb + "ing"


_NOT_MODIFIERS = frozenset("will would shall should must can could may might to not is are was "
                           "were be been has have had do does did "
                           # adverbs make the head a verb: "the government also plans to"
                           "also still now already then later first again only just never "
                           "instead meanwhile".split())
# Modifiers that make a head noun another thing of the kind, not the proposal.
_OTHER_THAN = frozenset("similar other another previous earlier former separate different".split())
_NAME_GOES_ON = re.compile(r"\s+(?:(?:and|of|for|&)\s+)?[A-Z]")
# "both bills", "the two plans": a phrase naming two proposals at once
BOTH = re.compile(r"(?:both|the two)\s", re.IGNORECASE)
_CONTENT = re.compile(r"[a-z][a-z-]{3,}")


def _verb_of_noun(noun: str) -> str | None:
    """The verb a proposal's head noun is made from, if it is one: "merger" -> "merge",
    "ratification" -> "ratify", "suspension" -> "suspend".

    >>> _verb_of_noun("merger"), _verb_of_noun("ratification"), _verb_of_noun("ban")
    ('merge', 'ratify', None)
    """
    for ending, verb in (("ification", "ify"), ("nsion", "nd"), ("ger", "ge")):
        if noun.endswith(ending) and len(noun) > len(ending) + 2:
            return noun[:-len(ending)] + verb
    return None


def _plural_free(word: str) -> str:
    """ "airlines" -> "airline", so "merge into an airline group" shares a word with
    "Merger of Tsubasa Airlines and ..."."""
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _verb_references(text: str, specs: Sequence[ProposalSpec], heads: dict[str, dict],
                     explicit: Sequence[ProposalMention]) -> list[ProposalMention]:
    """A proposal's head noun used as the verb of a plan: "will ban junk food advertising".

    "X will ban ..." states X's support as plainly as "X backs the ban"; it counts only
    when a word of the proposal's name follows within a few words, so "will ban" alone or
    "to tax incomes" for a sugar tax does not.

    >>> spec = ProposalSpec("ad-ban", "Ban on junk food advertising", ("advertising ban",))
    >>> text = "Oslo will ban advertising of junk food."
    >>> [m.text for m in _verb_references(text, [spec], {"ad-ban": head_nouns(spec)}, [])]
    ['ban advertising of junk food']
    """
    by_id = {spec.id: spec for spec in specs}
    found = []
    for pid, hs in heads.items():
        spec = by_id[pid]
        words = {_plural_free(w) for w in
                 _CONTENT.findall(" ".join((spec.name, *spec.aliases)).lower())}
        nouns = sorted(h for h in hs if not h.endswith("s"))
        verbs = sorted({v for h in nouns for v in (h, _verb_of_noun(h)) if v})
        if not verbs:
            continue
        for m in _verb_pattern(tuple(verbs)).finditer(text):
            if m.group(1) in verbs and m.start(1) == m.start():
                continue  # a bare "ban ..." may be the noun; the verb needs "will"/"to"
            tail = m.group(2)
            shared = [w for w in _CONTENT.finditer(tail.lower())
                      if _plural_free(w.group(0)) in words and w.group(0) not in verbs]
            if not shared:
                continue
            start, end = m.start(1), m.start(2) + shared[-1].end()
            if any(start < e.end and e.start < end for e in explicit):
                continue
            found.append(ProposalMention(start, end, text[start:end], pid, spec.name))
    return found


def _longest_first(mentions: Iterable[ProposalMention]) -> list[ProposalMention]:
    kept: list[ProposalMention] = []
    for m in sorted(mentions, key=lambda m: (-(m.end - m.start), m.start)):
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: m.start)


_LEADING = frozenset("the a an this that these those any such its their his her our both all "
                     "\" \u201c '".split())
# Heads too vague to name a proposal alone: "the measure" refers back (see pairing).
_GENERIC = frozenset("measure measures proposal proposals initiative initiatives move step".split())
_STOP = frozenset("the a an this that its their his her our new proposed draft planned "
                  "latest controversial so-called".split())


def discover_proposals(doc: Any, *, skip_before: int = 0) -> list[ProposalMention]:
    """Proposal mentions found in a spaCy ``doc`` without a proposals file.

    A mention is a noun chunk whose head lemma is in :data:`TRIGGERS`, extended with a
    following "on/against/to/for ..." phrase ("the resolution on North Korea's human
    rights"). Mentions with the same head are one proposal unless both carry modifiers
    that share no word ("carbon tax" vs "fuel tax"). The proposal is named by its
    longest mention and its id is the slug of that name.
    """
    groups: list[_Group] = []
    for chunk in doc.noun_chunks:
        head = chunk.root
        lemma = head.lemma_.lower()
        if chunk.start_char < skip_before or (lemma not in TRIGGERS
                                              and head.text.lower() not in TRIGGERS):
            continue
        end = chunk.end
        # Take a following prepositional phrase: it usually says what the proposal is about.
        nxt = doc[end] if end < len(doc) else None
        # The parser often hangs the phrase on the verb ("opposed the referral to the ICC"),
        # so take it whatever its head when it directly follows the chunk.
        if nxt is not None and nxt.dep_ == "prep" and nxt.lower_ in (
                "on", "against", "to", "for", "of", "over"):
            end = max(t.i for t in nxt.subtree) + 1
        start = chunk.start
        while start < end and (doc[start].lower_ in _LEADING or doc[start].dep_ == "poss"
                               or doc[start].dep_ == "case"):
            start += 1  # "China's plan" names the plan; the possessor is an actor
        span = doc[start:end]
        if not span.text.strip():
            continue
        modifiers = {t.lower_ for t in chunk if t.i != head.i and t.is_alpha
                     and t.lower_ not in _STOP and t.lower_ not in _LEADING}
        if lemma in _GENERIC and not modifiers and end == chunk.end:
            continue
        group = _find_group(groups, lemma, modifiers)
        if group is None:
            group = _Group(lemma)
            groups.append(group)
        group.modifiers |= modifiers
        group.mentions.append((span.start_char, span.end_char, span.text))
    mentions = []
    for group in groups:
        name = max((text for _, _, text in group.mentions), key=len)
        ident = slugify(name)
        mentions += [ProposalMention(s, e, t, ident, name) for s, e, t in group.mentions]
    return _longest_first(mentions)


def _find_group(groups: list[_Group], head: str, modifiers: set[str]) -> _Group | None:
    for group in groups:
        if group.head != head:
            continue
        if not modifiers or not group.modifiers or modifiers & group.modifiers:
            return group
    return None


def back_references(text: str) -> list[tuple[int, int, str]]:
    """Spans of ``text`` that may refer back to an earlier proposal.

    >>> back_references("China said the measure was unhelpful and voted against it.")
    [(11, 22, 'the measure'), (55, 57, 'it')]
    >>> back_references("Madrid said it can meet its goals.")
    []
    """
    return [(m.start(1), m.end(1), "it") if m.group(1) else (m.start(), m.end(), m.group(0))
            for m in BACK_REFERENCE.finditer(text) if m.group(1) or not _in_name(m.group(0))]


def _in_name(words: str) -> bool:
    """Is a reference's noun capitalised, so a word of a name ("the Law of the Sea", "the
    Paris Agreement") rather than a reference back?

    >>> _in_name("the Law"), _in_name("The law"), _in_name("abstained")
    (True, False, False)
    """
    return len(words.split()) > 1 and words.split()[-1][:1].isupper()
