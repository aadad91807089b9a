"""One canonical name per actor per article.

Articles name an actor once in full and then shorten it; these rules map the short
forms back, so all of an actor's mentions carry one name:

- people: "Yun" or "Byung-se" after "Yun Byung-se"; "the spokeswoman" after "foreign
  ministry spokeswoman Hua Chunying"; a surname spaCy tagged as an organisation;
- organisations: "the Commission" after "the European Commission"; an acronym defined in
  parentheses ("Constitutional Democratic Party of Japan (CDP)"); "the party" or "the
  department" for the last organisation with that word in its name;
- groups: "the attorneys general" after "state attorneys general".

:func:`drop_possessors` also removes a place that only says whose organisation speaks
("The Philippines' Department of Health").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # actors.py imports this module; mentions are only read and copied here
    from stancemap.inference.actors import ActorMention

# Nouns of office: they mark a title before a name and refer back to it ("the minister").
ROLE_NOUNS = ("spokeswoman|spokesman|spokesperson|minister|diplomat|envoy|ambassador|"
              "attorney|judge|executive|speaker|head|founder|"
              "president|premier|chancellor|official|senator|lawmaker|mayor|governor|"
              "secretary|chief|leader|negotiator|commissioner|director|chairman|chairwoman|"
              "chair|representative|delegate")
_ROLE_REF = re.compile(rf"\b[Tt]he\s+(?:[a-z]+\s+){{0,2}}({ROLE_NOUNS})\b")
_ORG_REF = re.compile(r"\b(?:[Tt]he|[Hh]is|[Hh]er|[Tt]heir)\s+(?:([a-z]+)\s+)?"
                      r"(party|department|ministry|commission|company|bank|council|union|"
                      r"federation|association|agency|court|committee|group|forum|board|fund|"
                      r"alliance|bloc|organisation|organization|province|prefecture|society|"
                      r"church|network|institute|centre|center|foundation|coalition|chamber|"
                      r"confederation|league|movement|corporation|trust|office)\b")
_LEGISLATURE = re.compile(r"\b(?:Parliament|Assembly|Congress|Senate|Diet|Legislature)$")
_LAWMAKERS = re.compile(r"(?:^|(?<=[.!?]\s)|(?<=\n))(?:Lawmakers|Legislators|MPs)\b")
# "the two companies", "both sides": the two actors last named together ("X and Y").
_PAIR_REF = re.compile(r"\b(?:[Tt]he\s+two|[Bb]oth)\s+(?:companies|firms|carriers|airlines|"
                       r"banks|groups|parties|unions|countries|governments|sides|partners|"
                       r"lenders|insurers|utilities|operators)\b")
_AFTER_PREPOSITION = re.compile(r"\b(?:in|at|from|to|into|between|near|across|with|of|for|"
                                r"on|by)\s+(?:the\s+)?$")
# An acronym given in parentheses right after a name: "the Law Society of Kenya (LSK)".
ACRONYM_AFTER = re.compile(r"\s*\(([A-Z][A-Za-z&.]{1,10})\)")
_LOCAL_GOVERNMENT = re.compile(r"\b(?:Province|Prefecture)\b")
# "the city" is the city's government named before ("Osaka Metropolitan Government").
_CITY_REF = re.compile(r"\b[Tt]he\s+city\b(?!['\u2019])")
_CITY_GOVERNMENT = re.compile(r"\b(?:Metropolitan|City|Municipal)\s+(?:Government|Hall)\b"
                              r"|\bCity Hall\b")


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


def one_name_per_actor(
    text: str, mentions: list[ActorMention], taken: list[tuple[int, int]],
) -> list[ActorMention]:
    """One name per actor: "Yun" -> "Yun Byung-se"; "the spokeswoman" -> the last one named;
    an acronym given in parentheses -> the full name it follows."""
    people: list[ActorMention] = []
    acronyms: dict[str, str] = {}
    resolved: list[ActorMention] = []
    mentions = _bodies_tagged_as_people(_surnames_over_places(mentions))
    everyone = [m for m in mentions if m.actor_type == "person"]
    for m in mentions:
        if m.actor_type == "person":
            # Prefer a full name given earlier; a surname may also come first in a lead.
            full = _full_name(m.actor, people) or _full_name(m.actor, everyone)
            if full is not None:
                m = replace(m, actor=full.actor, affiliation=m.affiliation or full.affiliation,
                            title=m.title or full.title)
            people.append(m)
        if m.actor_type == "person" and " " in m.actor:
            # "Laurel Ridge" (tagged PERSON) after "Laurel Ridge Health": the opening words
            # of an organisation's name are its short name
            org = _prefix_of(m.actor, mentions)
            if org is not None:
                m = replace(m, actor=org.actor, actor_type=org.actor_type,
                            affiliation=None, title=None)
        if m.actor_type in ("organisation", "place", "person") and " " not in m.actor:
            # "Veltro" (tagged PERSON) after "Veltro Pharmaceuticals"; "Rezaei" (tagged ORG)
            # after "Hamid Rezaei".
            person = _full_name(m.actor, everyone) if m.actor_type != "person" else None
            longer = person or _longer_name(m.actor, mentions)
            if longer is not None and longer.actor != m.actor:
                m = replace(m, actor=longer.actor, actor_type=longer.actor_type,
                            affiliation=longer.affiliation, title=longer.title)
        if m.actor_type in ("organisation", "place"):
            longer = _longer_name(m.actor, mentions)
            if longer is not None:  # "the Commission" after "the European Commission"
                m = replace(m, actor=longer.actor, actor_type=longer.actor_type)
            after = ACRONYM_AFTER.match(text[m.end:m.end + 14])
            if after:
                acronyms[after.group(1)] = m.actor
            if m.actor in acronyms:
                m = replace(m, actor=acronyms[m.actor])
            elif re.fullmatch(r"[A-Z]{2,6}", m.actor):
                # "LDP" for the "Liberal Democratic Party" named in full, no parentheses
                full = _initials_of(m.actor, mentions)
                if full is not None:
                    m = replace(m, actor=full)
        resolved.append(m)
    # Role nouns referring back to a named person: "..., the spokeswoman said".
    for ref in _ROLE_REF.finditer(text):
        if _overlaps(ref.start(), ref.end(), taken):
            continue
        noun = ref.group(1).lower()
        named = [p for p in people if p.start < ref.start() and p.title
                 and noun in p.title.lower()]
        if named:
            p = named[-1]
            resolved.append(replace(p, start=ref.start(), end=ref.end(), text=ref.group(0)))
            taken.append((ref.start(), ref.end()))
    groups = [m for m in resolved if m.actor_type == "group"]
    for k, m in enumerate(resolved):
        if m.actor_type == "group":
            fuller = next((g for g in groups if g.actor != m.actor and g.start < m.start
                           and set(m.actor.lower().split()) < set(g.actor.lower().split())),
                          None)
            if fuller is not None:
                resolved[k] = replace(m, actor=fuller.actor, affiliation=fuller.affiliation)
                continue
            named = _named_body(m.actor, resolved) or _party_of_members(m.actor, resolved)
            if named is not None:  # "a teachers' union" -> "Metro Teachers Union"
                resolved[k] = replace(m, actor=named.actor, actor_type=named.actor_type,
                                      affiliation=named.affiliation)
    # "the department", "the party": the last organisation whose name has that word; so is
    # "her party" ("Aasen said her party would vote for it"), a person's own body.
    # "the province" likewise: the "Province of Utrecht" named before (a place that acts)
    orgs = [m for m in resolved if m.actor_type == "organisation" or (
        m.actor_type == "place" and _LOCAL_GOVERNMENT.search(m.actor))]
    for ref in _ORG_REF.finditer(text):
        if _overlaps(ref.start(), ref.end(), taken):
            continue
        # "the health department" -> "Department of Health": a describing word must be
        # in the name too ("the ruling party" is not every party).
        words = {w for w in (ref.group(1), ref.group(2).lower()) if w}
        named = [o for o in orgs if o.start < ref.start()
                 and words <= set(o.actor.lower().split()) | set(o.text.lower().split())]
        if words == {"party"}:
            # Parties are often named otherwise ("the opposition People's Renewal Alliance",
            # "Sinn Fein, the largest opposition party"): the last party of either kind
            named = [o for o in orgs if o.start < ref.start() and (
                _party_like(text, o) or o in named)]
        if not named and words == {"company"}:
            # Companies seldom have the word in their names: the last one named that is
            # not a body of another kind ("Pesa Link Mobile ... said the company would")
            named = [o for o in orgs if o.start < ref.start() and not _NOT_COMPANY.search(
                o.actor)]
        if named:
            o = named[-1]
            resolved.append(replace(o, start=ref.start(), end=ref.end(), text=ref.group(0)))
            taken.append((ref.start(), ref.end()))
    def refer_back(refs: re.Pattern[str], kind: re.Pattern[str]) -> None:
        # Each reference stands for the last body of ``kind`` named before it.
        bodies = [o for o in orgs if kind.search(o.actor)]
        for ref in refs.finditer(text):
            named = [o for o in bodies if o.start < ref.start()]
            if named and not _overlaps(ref.start(), ref.end(), taken):
                resolved.append(replace(named[-1], start=ref.start(), end=ref.end(),
                                        text=ref.group(0)))
                taken.append((ref.start(), ref.end()))

    refer_back(_CITY_REF, _CITY_GOVERNMENT)
    # "Lawmakers also approved ..." after "The European Parliament approved ...": its members
    # acting as the body, when nothing else names them ("opposition lawmakers" is a group).
    refer_back(_LAWMAKERS, _LEGISLATURE)
    # "the two companies" after "Tsubasa Airlines and Kansai Sky said ...": both of them.
    ordered = sorted(resolved, key=lambda m: m.start)
    couples = [(a, b) for a, b in zip(ordered, ordered[1:])
               if a.actor != b.actor and re.fullmatch(r"\s+and\s+", text[a.end:b.start])
               and not _AFTER_PREPOSITION.search(text, 0, a.start)]  # not "hubs in X and Y"
    for ref in _PAIR_REF.finditer(text):
        named = [c for c in couples if c[1].end <= ref.start()]
        if ref.group(0).split()[-1] in ("countries", "governments", "sides"):
            # "the two governments" are the story's two main states, not two others it
            # merely names together ("asked Tanzania and Rwanda to ...")
            main = _two_main_states(ordered, ref.start())
            named = [main] if main else named
        if named and not _overlaps(ref.start(), ref.end(), taken):
            resolved += [replace(m, start=ref.start(), end=ref.end(), text=ref.group(0))
                         for m in named[-1]]
            taken.append((ref.start(), ref.end()))
    # Bare surnames spaCy missed or mislabelled ("Yun said"): tokens of a known full name.
    for p in {p.actor: p for p in people if " " in p.actor or "-" in p.actor}.values():
        for part in p.actor.replace("-", " ").split()[:1] + p.actor.split()[-1:]:
            if len(part) < 3:
                continue
            for m in re.finditer(rf"(?<![\w-]){re.escape(part)}(?![\w-])", text):
                if m.start() > p.start and not _overlaps(m.start(), m.end(), taken):
                    resolved.append(replace(p, start=m.start(), end=m.end(), text=part))
                    taken.append((m.start(), m.end()))
    return resolved


# Between a possessor and its body: the possessive, and perhaps a describing word or two
# ("Poland's largest nurses' union", "Ghana's main dockworkers' union").
_POSSESSOR_GAP = re.compile(r"['\u2019]s?\s+(?:[a-z][\w-]*\s+){0,2}")


_PARTY_WORDS = "Party|Alliance|Movement|Bloc|Front|Coalition|Congress|League"
_PARTY_NAME = re.compile(rf"\b(?:{_PARTY_WORDS})$")
_PARTY_BEFORE = re.compile(r"\b(?:opposition|ruling|governing|centrist|nationalist|populist|"
                           r"conservative|liberal|socialist|left-wing|right-wing)\s+$", re.I)


_NOT_COMPANY = re.compile(
    rf"\b(?:{_PARTY_WORDS}|Union|Association|"
    r"Federation|Council|Committee|Commission|Ministry|Department|Agency|Authority|Court|"
    r"Bank of|Fund|Foundation|Forum|Institute|Network|Society|Parliament|Assembly|Senate|"
    r"Government|Office|Organi[sz]ation|Watch|Campaign|Trust|Chamber)\b")


def _surnames_over_places(mentions: list[ActorMention]) -> list[ActorMention]:
    """A place or state spelled like the surname of a person named before is that person:
    "Santiago dismissed the Thai proposal" after "Secretary Liza Santiago" is not Chile."""
    people = [m for m in mentions if m.actor_type == "person" and " " in m.actor]
    out = []
    for m in mentions:
        if m.actor_type in ("state", "place"):
            m = next((replace(p, start=m.start, end=m.end, text=m.text) for p in people
                      if p.start < m.start and p.actor.split()[-1] == m.text), m)
        out.append(m)
    return out


def _bodies_tagged_as_people(mentions: list[ActorMention]) -> list[ActorMention]:
    """A name NER tags as an organisation once is one everywhere ("Sinn Fein, the largest
    opposition party, said" may come out as a person)."""
    bodies = {m.actor for m in mentions if m.actor_type == "organisation"}
    return [replace(m, actor_type="organisation", title=None, affiliation=None)
            if m.actor_type == "person" and m.actor in bodies and not m.title else m
            for m in mentions]


def _two_main_states(mentions: Sequence[ActorMention], before: int) -> tuple | None:
    """The last mentions of the two states named most (twice or more) before ``before``."""
    counts = Counter(m.actor for m in mentions if m.actor_type == "state" and m.end <= before)
    main = [max((m for m in mentions if m.actor == name), key=lambda m: m.start)
            for name, n in counts.most_common(2) if n > 1]
    return tuple(main) if len(main) == 2 else None


def _party_like(text: str, org: ActorMention) -> bool:
    """Could "the party" mean this organisation: named like a party, or introduced as one
    ("the opposition People's Renewal Alliance")?"""
    return bool(_PARTY_NAME.search(org.actor) or _PARTY_BEFORE.search(text[:org.start])
                or _PARTY_AFTER.match(text, org.end))


# "Sinn Fein, the largest opposition party, said": a party described after its name
_PARTY_AFTER = re.compile(r",\s+(?:the|a|an|its|their)\s+(?:[\w'\u2019-]+\s+){0,3}party\b",
                          re.IGNORECASE)


def drop_possessors(text: str, mentions: list[ActorMention]) -> list[ActorMention]:
    """Drop a place that only says whose body speaks: "The Philippines' Department of Health"
    is the department, "Seoul Metro's labor union" the union. State bodies ("China's
    foreign ministry") are already the state itself."""
    keep = []
    for k, m in enumerate(mentions):
        nxt = mentions[k + 1] if k + 1 < len(mentions) else None
        if (m.actor_type in ("state", "place") and nxt is not None
                and nxt.actor_type in ("organisation", "group", "government body")
                and _POSSESSOR_GAP.fullmatch(text[m.end:nxt.start])):
            continue
        keep.append(m)
    return keep


def _named_body(group: str, mentions: Sequence[ActorMention]) -> ActorMention | None:
    """The organisation whose name has every word of a described body ("teachers' union").

    Stories introduce a body by what it is and name it later (or the other way round);
    both are one actor, under the name.

    >>> org = ActorMention(0, 24, "Metro Teachers Union", "Metro Teachers Union",
    ...                    "organisation")  # doctest: +SKIP
    >>> _named_body("teachers' union", [org]).actor  # doctest: +SKIP
    'Metro Teachers Union'
    """
    words = set(re.findall(r"[a-z]+", re.sub(r"['\u2019]s?\b", "", group.lower())))
    if len(words) < 2:
        return None
    stems = {_stem(w) for w in words}
    return next((o for o in mentions if o.actor_type == "organisation"
                 and stems <= {_stem(w) for w in re.findall(r"[a-z]+", o.actor.lower())}),
                None)


def _stem(word: str) -> str:
    """A word without the ending that makes a noun plural, a doer ("-er") or a verb's
    "-ing" form, so "nurses' union" finds the "Federation of Nursing Unions" and "farmers'
    union" the "Farming Union".

    >>> _stem("nurses"), _stem("nursing"), _stem("unions"), _stem("farmers"), _stem("farming")
    ('nurs', 'nurs', 'union', 'farm', 'farm')
    """
    return re.sub(r"(?:ing|ers|er|es|s|e)$", "", word) if len(word) > 4 else word


def _party_of_members(group: str, mentions: Sequence[ActorMention]) -> ActorMention | None:
    """The party a plural of its members names: "the Conservatives" after "Conservative Party".

    News names a party in full once and then by its members ("Democrats", "Social
    Democrats"); both are one actor, under the party's name.

    >>> party = ActorMention(0, 18, "Conservative Party", "Conservative Party",
    ...                      "organisation")  # doctest: +SKIP
    >>> _party_of_members("Conservatives", [party]).actor  # doctest: +SKIP
    'Conservative Party'
    """
    if not re.fullmatch(r"(?:[A-Z][a-z]+ )?[A-Z][a-z]+s", group):
        return None
    stem = group[:-1]  # "Democrats" -> "Democrat", a prefix of "Democratic Party"
    return next((o for o in mentions if o.actor_type == "organisation"
                 and re.fullmatch(rf"{re.escape(stem)}\w* Party", o.actor)), None)


def initials(name: str) -> str:
    """The first letters of a name's capitalised words: what an acronym of it spells.

    >>> initials("Irish Farmers' Association"), initials("Bank of England")
    ('IFA', 'BE')
    """
    return "".join(w[0] for w in name.split() if w[:1].isupper())


def _initials_of(acronym: str, mentions: Sequence[ActorMention]) -> str | None:
    """The organisation whose capitalised words spell ``acronym``.

    >>> m = ActorMention(0, 26, "Liberal Democratic Party", "Liberal Democratic Party",
    ...                  "organisation")  # doctest: +SKIP
    >>> _initials_of("LDP", [m])  # doctest: +SKIP
    'Liberal Democratic Party'
    """
    for m in mentions:
        if m.actor_type == "organisation" and initials(m.actor) == acronym:
            return m.actor
    return None


def _longer_name(short: str, mentions: Sequence[ActorMention]) -> ActorMention | None:
    """An organisation in the article whose name contains every word of ``short``, not
    as the place it is "of" ("Pennsylvania" is not "United Nurses of Western Pennsylvania").

    >>> from stancemap.inference.actors import ActorMention as M
    >>> orgs = [M(0, 5, "x", "United Nurses of Western Pennsylvania", "organisation"),
    ...         M(9, 12, "y", "European Commission", "organisation")]
    >>> _longer_name("Pennsylvania", orgs), _longer_name("Commission", orgs).actor
    (None, 'European Commission')
    """
    words = set(short.lower().split())
    for m in mentions:
        if (m.actor_type == "organisation" and m.actor != short
                and words < set(m.actor.lower().split())
                and not re.search(rf"\bof\b.*\b{re.escape(short)}$", m.actor)
                and (words & _STAFF_BODY  # "Union": the union named in full
                     or not (set(m.actor.lower().split()) - words) & _STAFF_BODY)):
            return m
    return None


# Words that make a name another body: "Hanseong Chemical Workers' Union" is not
# "Hanseong Chemical" (though "the union" is that union).
_STAFF_BODY = frozenset("union unions association federation council workers' workers "
                        "employees' employees staff pensioners shareholders".split())


def _prefix_of(short: str, mentions: Sequence[ActorMention]) -> ActorMention | None:
    """An organisation whose name opens with the words of ``short`` and goes on.

    >>> from stancemap.inference.actors import ActorMention
    >>> org = ActorMention(0, 19, "x", "Laurel Ridge Health", "organisation")
    >>> _prefix_of("Laurel Ridge", [org]).actor, _prefix_of("Ridge Health", [org])
    ('Laurel Ridge Health', None)
    """
    return next((m for m in mentions if m.actor_type == "organisation"
                 and m.actor.startswith(short + " ")
                 and not set(m.actor[len(short):].lower().split()) & _STAFF_BODY), None)


def _full_name(short: str, people: Sequence[ActorMention]) -> ActorMention | None:
    """The earlier person whose full name contains every word of ``short``."""
    words = set(short.split())
    for p in reversed(people):
        if p.actor != short and words <= set(p.actor.split()) | set(
                p.actor.replace("-", " ").split()):
            return p
    return None
