"""Who speaks for a body: "Sophie Kerbrat, secretary general of the CFDT" speaks for the union.

News gives a union's, company's or party's position through the person who leads or
speaks for it, and the reader takes it as the body's position too: when the chief
executive of ClubsNSW calls the card a policy "nobody has tested", ClubsNSW opposes the
card. The sample gold says so (rule 6 of ``data/articles/README.md``: "a person who speaks
for a group gets the person plus the group"), and on the dev articles every person
introduced with such a role, whose stance is in gold, has the same stance as the body in
gold (13 of 13 tuples, counted before this module existed; see ``benchmarks/RESULTS.md``).

A role may name its body only by kind or pronoun ("the association's director, X",
"Its chairman, X"): the body is then the one the story just named (:func:`_body_named_before`).
On the dev articles, 110 of 112 gold tuples of people so introduced have the body with the
same label in gold.

A minister speaks for the government (:func:`ministers`): in the sample gold, when a
minister with a known country takes a stance, the country takes the same one (dev: 120 of
125 tuples; the three blind batches art-170..art-205: 48 of 48). Other organs of a state
(embassies, missions) are read by the pairing from the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from stancemap.inference.actor_names import ACRONYM_AFTER, initials
from stancemap.inference.actors import ActorMention
from stancemap.inference.sentences import quote_spans

# Roles whose holder states the body's position, not only their own.
_SPEAKING_ROLE = re.compile(
    r"\b(?:president|chair(?:man|woman|person)?|chief\s+executive|CEO|secretary[- ]general|"
    r"general\s+secretary|leader|head|(?:executive\s+|managing\s+)?director|"
    r"(?:co-?)?founder|coordinator|convenor|convener|"
    r"spokes(?:man|woman|person))\b", re.IGNORECASE)
# A ministry's or embassy's spokesman speaks for the state, which the pairing handles
_STATE_ORGAN = re.compile(r"\b(?:Ministry|Department|Embassy|Mission|Office)\b", re.IGNORECASE)


def spokespeople(text: str, actors: Sequence[ActorMention]) -> dict[str, ActorMention]:
    """Each person (by actor name) who leads or speaks for a body named in their role
    phrase, mapped to a mention of that body.

    The body is found by its name, one of its mentions, or the acronym given after it in
    parentheses ("LSK president Agnes Mwikali" after "The Law Society of Kenya (LSK)").

    >>> text = "ClubsNSW is angry. Martin Kells, chief executive of ClubsNSW, said so."
    >>> body = ActorMention(0, 8, "ClubsNSW", "ClubsNSW", "organisation")
    >>> kells = ActorMention(19, 31, "Martin Kells", "Martin Kells", "person",
    ...                      title="chief executive of ClubsNSW")
    >>> {p: b.actor for p, b in spokespeople(text, [body, kells]).items()}
    {'Martin Kells': 'ClubsNSW'}
    """
    bodies: dict[str, tuple[ActorMention, set[str]]] = {}
    for m in actors:
        if m.actor_type in ("state", "place") or m.title or _STATE_ORGAN.search(m.actor):
            continue  # a person with a role is not a body; a state and its organs are left out
        names = bodies.setdefault(m.actor, (m, {m.actor}))[1]
        names.add(m.text.removeprefix("the ").removeprefix("The "))
        after = ACRONYM_AFTER.match(text, m.end)
        if after:
            names.add(after.group(1))
        spelled = initials(m.actor)
        if len(spelled) > 1:  # "IFA president" for the Irish Farmers' Association
            names.add(spelled)
    out: dict[str, ActorMention] = {}
    quotes = quote_spans(text)
    for person in actors:
        if person.actor_type != "person" or person.actor in out:
            continue
        body = None
        if person.title and _SPEAKING_ROLE.search(person.title):
            body = next((mention for actor, (mention, names) in bodies.items()
                         if actor != person.actor and any(
                             re.search(rf"(?<!\w){re.escape(n)}(?!\w)", person.title)
                             for n in names)), None)
        body = body or _body_named_before(person, actors, text, quotes)
        if body is not None:
            out[person.actor] = body
    return out


# "the forum's president, Ewa Sobczak", "its chairman, Le Van Khiem": a role whose body is
# named only by its kind or by a pronoun, meaning a body the story has just named
_KIND_ROLE = re.compile(
    r"(?:\b(?:the\s+)?([a-z]+)['\u2019]s|\b[Ii]ts|\b[Tt]heir)\s+(?:[a-z-]+\s+)?[a-z-]+,\s*$")
_NEAR = 400  # characters back to look for the body: about two sentences


def _body_named_before(person: ActorMention, actors: Sequence[ActorMention], text: str,
                       quotes: Sequence[tuple[int, int]] = ()) -> ActorMention | None:
    """The body a kind-named role before a person refers to: the last organisation named
    shortly before whose name has that kind ("the forum's president, ..." after "the Retail
    Forum"), or, for "its"/"their", the last organisation named shortly before. ``quotes``
    are the text's quotation spans (:func:`.sentences.quote_spans`).

    >>> text = "The Retail Forum objected. Its chairman, Jan Nowak, said so."
    >>> forum = ActorMention(4, 16, "Retail Forum", "Retail Forum", "organisation")
    >>> nowak = ActorMention(41, 50, "Jan Nowak", "Jan Nowak", "person", title="chairman")
    >>> _body_named_before(nowak, [forum, nowak], text).actor
    'Retail Forum'
    >>> text = "The Retail Forum objected. The union's chairman, Jan Nowak, said so."
    >>> nowak = ActorMention(49, 58, "Jan Nowak", "Jan Nowak", "person")
    >>> _body_named_before(nowak, [forum, nowak], text)
    """
    m = _KIND_ROLE.search(text, max(0, person.start - 60), person.start)
    if m is None or not _SPEAKING_ROLE.search(m.group(0)):
        return None
    before = [a for a in actors if a.start < m.start()
              and a.actor_type not in ("person", "state", "place", "group")
              # "asked the Labour Party to back the bill": not the body that speaks next
              and a.role not in ("requested", "object", "location")
              # "... Parliament should vote," said its director: the body named in a
              # quote is talked about, not the speaker's own
              and not any(q0 <= a.start < q1 for q0, q1 in quotes)]
    near = [a for a in before if a.start >= person.start - _NEAR]
    subjects = [a for a in near if a.role == "subject"]
    if m.group(1) is not None:
        # "the association's director": the last association, however far back; "the
        # party's leader" after "Sinn Fein, the largest opposition party, said": the subject
        kind = [a for a in before if re.search(rf"\b{m.group(1)}", a.actor, re.IGNORECASE)]
        before = [a for a in kind if a in near] or kind or subjects
    else:  # "its": the body the sentences just before are about, their subject
        before = subjects or near
    body = max(before, key=lambda a: a.start, default=None)
    return None if body is None or _STATE_ORGAN.search(body.actor) else body


# "Transport Minister", "minister of finance", "Prime Minister"; not a former or shadow one
_MINISTER = re.compile(r"\bminister\b", re.IGNORECASE)
_NOT_IN_OFFICE = re.compile(r"\b(?:former|ex-|shadow|opposition|deputy\s+leader)\b",
                            re.IGNORECASE)


def ministers(actors: Sequence[ActorMention], home: str | None,
              is_state: Callable[[str], bool]) -> dict[str, ActorMention]:
    """Each serving minister (by actor name) mapped to the state whose government they speak
    for: their affiliation when it is a state, else the dateline's country (``home``).

    >>> lima = ActorMention(0, 9, "Ana Lopez", "Ana Lopez", "person", title="Finance Minister")
    >>> {p: s.actor for p, s in ministers([lima], "Peru", lambda name: True).items()}
    {'Ana Lopez': 'Peru'}
    >>> ministers([lima], None, lambda name: True)
    {}
    """
    out: dict[str, ActorMention] = {}
    for person in actors:
        if (person.actor_type != "person" or not person.title or person.actor in out
                or not _MINISTER.search(person.title) or _NOT_IN_OFFICE.search(person.title)):
            continue
        state = (person.affiliation if person.affiliation and is_state(person.affiliation)
                 else home)
        if state is not None:
            out[person.actor] = next(
                (a for a in actors if a.actor == state and a.actor_type == "state"),
                ActorMention(person.start, person.start, state, state, "state"))
    return out
