"""Find the actors of an article and give each one a canonical name.

Sources of mentions, in order of trust (a later source never claims a span already taken):

0. **Appositive names**: "a residents' group, Kitaura Citizens for Safety," or "Mothers
   Against Noise, a group representing ...": the proper name beside "group" is the actor.
1. **People** (spaCy PERSON, and "Seoul Mayor Kang Min-ho"-style titled names spaCy
   misses) with the role phrase around them: in "China's foreign ministry spokeswoman Hua
   Chunying" the actor is Hua Chunying, title "foreign ministry spokeswoman", affiliation
   China.
2. **Multi-word organisations** spaCy finds that contain a country ("Japan Innovation
   Party"), so the country inside them is not read as the state; bodies owned by a named
   company ("Acme Rail's labor union"); and capitalised names ending in Association,
   Council, Union ... that spaCy misses.
3. **Demonyms** with what follows: "the Chinese side", "Chinese diplomats" -> China;
   "Dutch farmers" -> the group "Dutch farmers", affiliation Netherlands.
4. **The gazetteer** (:class:`~stancemap.inference.actor_table.ActorTable`): country
   names, capitals, metonyms, organisations and users' aliases, so "Beijing", "the PRC"
   and "China" are all China. Forms the table flags as ambiguous ("Georgia",
   "Washington") count only when spaCy does not call them a person.
5. **Groups NER misses**: "opposition lawmakers", "farm groups", "bank workers' unions";
   and government bodies: "the foreign ministry" belongs to the country named with it
   ("China's", "in Seoul", "the German"), else to the dateline's country.
6. **Other named entities**: organisations and places spaCy finds that the table lacks
   (news agencies, which only report, are left out); local bodies ("the prefectural
   assembly" after "Nara Prefecture"); and later repeats of an organisation's name.

:mod:`.actor_names` then gives every actor one name across the article ("Yun" -> "Yun
Byung-se"). Each mention also records its grammatical ``role`` (subject, requested,
location, object, members, descriptor, background, other; see :class:`ActorMention`),
which pairing uses: the party asked to back something, or merely acted on, takes no stance.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from stancemap.inference.actor_names import ROLE_NOUNS as _ROLE_NOUNS
from stancemap.inference.actor_names import drop_possessors, one_name_per_actor
from stancemap.inference.actor_table import ActorTable, normalize

# Nouns after a demonym that make the phrase speak for the state ("the Chinese side").
STATE_NOUNS = frozenset("""
side government officials official diplomats diplomat delegation delegates delegate authorities
ministry leaders leader president premier envoy envoys negotiators negotiator spokesman
spokeswoman spokesperson embassy mission administration cabinet regime counterpart
counterparts military army navy troops state
""".split())
# Plural nouns after a demonym or place that name a group actor ("Dutch farmers").
GROUP_NOUNS = ("farmers|fishermen|residents|workers|activists|protesters|lawmakers|legislators|"
               "companies|firms|exporters|importers|automakers|carmakers|businesses|unions|"
               "students|doctors|nurses|teachers|retailers|employers|producers|growers|"
               "environmentalists|voters|citizens|groups|industry|shipowners|airlines|banks")
_GROUP = re.compile(
    # a party or country may come first: "Peronist opposition lawmakers"
    r"\b(?:(?:[A-Z][a-z]+\s+)?(?i:opposition|ruling|governing|conservative|liberal|progressive|centrist|"
    r"right-wing|left-wing|Democratic|Republican|Labour|Labor|Green|coalition)\s+"
    r"(?:lawmakers|legislators|MPs|senators|parties|politicians|members|"
    r"(?i:coalition|bloc|alliance|camp))"  # "the opposition Coalition" (Australia's)
    # "a teachers' union": one body of a trade, named by whose it is
    r"|[a-z]+s['\u2019]\s+(?:union|group|association|lobby|federation|council)"
    r"|(?:[A-Za-z-]+(?:['\u2019]s?)?\s+){0,2}(?:groups|unions|associations|federations|lobbies|"
    r"organisations|organizations|coalitions|communities)"  # "indigenous communities"
    r"|(?:[A-Za-z]+\s+)?(?:attorneys\s+general"  # "Beef exporters" opening a sentence too
    r"|farmers|fishermen|residents|workers|activists|protesters|doctors|"
    r"nurses|teachers|students|exporters|automakers|carmakers|retailers|employers|truckers|"
    r"environmentalists|shipowners)(?![\u2019']))\b")  # "teachers' union" is one body
_GROUP_NOUN_STOP = frozenset("the a an some many several most other these those both all "
                             "and or of by with against for about".split())
_COUNTED = re.compile(r"\d[\d,]*|two|three|four|five|six|seven|eight|nine|ten|both", re.I)
_BODY = re.compile(
    r"\b(?:the\s+)?(?:(?:foreign|defen[cs]e|finance|trade|unification|justice|interior|"
    r"economy|agriculture|farm|health|education|environment|energy|industry|commerce|"
    r"transport|labou?r|housing|tourism|culture|fisheries|forestry|mines|mining|water|"
    r"communications|infrastructure|welfare|consumer\s+affairs|human\s+resources)"
    r"(?:\s+and\s+\w+)?\s+ministry|ministry\s+of\s+(?:foreign\s+affairs|\w+)"
    r"|presidential\s+office|presidency|state\s+department|government|cabinet"
    # a finance ministry by its other name; not "Treasury bonds" nor a title
    r"|treasury(?!\s+(?:bonds?|bills?|yields?|notes?|securities|[Ss]ecretary|[Mm]inister)\b))\b",
    re.IGNORECASE)
AGENCIES = frozenset("ap afp reuters yonhap xinhua kyodo dpa ansa efe tass upi bloomberg "
                     "associated press agence france-presse".split())
_REQUEST_VERBS = frozenset("ask urge press call pressure lobby persuade encourage invite "
                           "push implore beg exhort tell "
                           # wishing or letting someone act is no stance of theirs either
                           "want prefer expect allow require force".split())
# Nouns of a stance: a possessor or "of"/"from" phrase on them holds it ("Spain's request").
_STANCE_NOUNS = frozenset("backing support opposition objection request call demand proposal "
                          "push offer veto approval rejection endorsement criticism".split())
# Collective heads whose "of" phrase names who acts ("the board of Credito Alpino", "a group
# of 14 state attorneys general").
_BODY_NOUNS = frozenset("board government leadership management cabinet group coalition "
                        "bloc majority number alliance delegation team".split())
# Heads that name an organisation's members, not the organisation ("EU governments").
_MEMBER_NOUNS = frozenset("members member ministers governments countries nations states "
                          "diplomats diplomat".split())
_VOTE_LEMMAS = frozenset("abstain vote object dissent oppose support back reject favour favor "
                         "approve endorse".split())
# What "under ..." names when a clause spells out a proposal's terms ("under which").
_TERMS_NOUNS = frozenset("which agreement deal plan proposal bill law scheme rule system terms "
                         "accord arrangement pact treaty measure settlement quota levy tax "
                         "cap mechanism programme program reform".split())
# Verbs whose object shares the subject's stance: "France joined Germany in opposing it".
_COMPANY_VERBS = frozenset("join echo follow".split())
# Verbs whose object is an audience, not a target: "told reporters", "said in a statement".
_SPEECH_LEMMAS = frozenset("say tell add state announce write".split())
_LOCATIVE = frozenset("in at from into near across throughout inside outside around to".split())


@dataclass(frozen=True)
class ActorMention:
    """A span of the article naming an actor, already mapped to its canonical name.

    ``role`` is the mention's part in its clause: ``subject`` (does or says something),
    ``requested`` (the object of ask/urge/press: asked to act, so no stance of its own),
    ``location`` ("talks in Geneva"), ``object`` (acted on: "misled doctors"),
    ``members`` ("EU governments" are not the EU), ``descriptor`` (inside another actor's
    apposition: "Keidanren, Japan's business lobby"), ``background`` (a "with ..." scene or
    a proposal's terms: "a deal under which Acme would pay") or ``other``.
    """

    start: int
    end: int
    text: str
    actor: str
    actor_type: str
    affiliation: str | None = None
    role: str = "other"
    title: str | None = None  # a person's role phrase: "foreign ministry spokeswoman"


@lru_cache(maxsize=8)
def _alias_pattern(table: ActorTable) -> re.Pattern[str]:
    forms = sorted({re.sub(r"^the\s+", "", a.form, flags=re.IGNORECASE) for a in table.aliases},
                   key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:the\s+)?(?:" + "|".join(map(re.escape, forms))
                      + r")(?![\w])", re.IGNORECASE)


@lru_cache(maxsize=8)
def _demonym_pattern(table: ActorTable) -> re.Pattern[str]:
    forms = "|".join(map(re.escape, table.demonym_forms))
    return re.compile(rf"(?<![\w])(?:[Tt]he\s+|[Aa]n?\s+)?(?:{forms})(?:s)?"
                      r"(?:\s+(\w+))?(?:\s+(\w+))?")


def _same_case(found: str, form: str, case_sensitive: bool) -> bool:
    """"China"/"CHINA" match the form China, "china" does not; "US" matches only "US"."""
    found = re.sub(r"^the\s+", "", found, flags=re.IGNORECASE)
    form = re.sub(r"^the\s+", "", form, flags=re.IGNORECASE)
    if case_sensitive:
        return found == form
    return found == form or (found[:1].isupper() and found.lower() == form.lower())


def _overlaps(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start < e and s < end for s, e in spans)


class _Collector:
    """Mentions found so far; a span already taken cannot be claimed again."""

    def __init__(self, blocked: Sequence[tuple[int, int]], skip_before: int = 0) -> None:
        self.mentions: list[ActorMention] = []
        self.taken: list[tuple[int, int]] = [(0, skip_before), *blocked]
        self.blocked = list(blocked)  # proposal spans (the dateline stays taken)

    def add(self, mention: ActorMention, *, over_blocked: bool = False) -> bool:
        """Claim the mention's span; ``over_blocked`` lets a name cover proposal words."""
        spans = ([t for t in self.taken if t not in self.blocked] if over_blocked
                 else self.taken)
        if _overlaps(mention.start, mention.end, spans):
            return False
        self.mentions.append(mention)
        self.taken.append((mention.start, mention.end))
        return True


def find_actors(
    text: str, doc: Any, table: ActorTable, *, skip_before: int = 0,
    blocked: Sequence[tuple[int, int]] = (), home: str | None = None,
) -> list[ActorMention]:
    """All actor mentions in an article, sorted by position, with canonical names.

    ``doc`` is the spaCy parse of ``text``; ``skip_before`` is where the story starts after
    its dateline; ``blocked`` spans (proposal mentions) hold no actors, since "the U.N.
    resolution" names a proposal, not the UN's stance; ``home`` is the country a bare "the
    foreign ministry" belongs to (the dateline's), if known.
    """
    out = _Collector(blocked, skip_before)
    if skip_before:
        _trim_entities_at(doc, skip_before)
    _described_bodies(text, doc, table, out)
    _named_legislatures(text, table, out)
    _appositive_names(text, doc, table, out)
    _which_names(text, doc, table, out)  # before people: "which" never stands for one
    _people(text, doc, table, out)
    _titled_names(text, table, out)
    _people_by_role(text, doc, table, out)
    _owned_bodies(text, table, out)
    _possessive_names(text, table, out)
    _named_organisations(text, doc, table, out)
    _titled_organisations(text, doc, table, out)
    _demonyms(text, table, out)  # before the gazetteer: "the North Korean envoy" is not "the North"
    _local_bodies(text, out)
    _area_governments(text, table, out)
    _gazetteer(text, doc, table, out)
    _groups(text, doc, table, out, home)
    _other_entities(doc, table, out)
    _acronym_bodies(doc, table, out)
    _repeated_names(text, out)
    mentions = drop_possessors(text, sorted(out.mentions, key=lambda m: m.start))
    mentions = [m for m in mentions if not _PLACE_OF.match(text, m.end)]
    mentions = one_name_per_actor(text, mentions, out.taken)
    mentions = _brussels_as_the_eu(mentions)
    spans = [(m.start, m.end) for m in mentions]
    return [replace(m, role=_role(doc, m, [t for t in spans if t != (m.start, m.end)]))
            for m in sorted(mentions, key=lambda m: m.start)]


def _brussels_as_the_eu(mentions: list[ActorMention]) -> list[ActorMention]:
    """ "Brussels" is the European Union, not Belgium, in a story where the EU acts: news
    names the EU by the city of its institutions ("Brussels was cool on the offer").

    >>> eu = ActorMention(0, 2, "EU", "European Union", "organisation")
    >>> city = ActorMention(9, 17, "Brussels", "Belgium", "state")
    >>> [m.actor for m in _brussels_as_the_eu([eu, city])], _brussels_as_the_eu([city])[0].actor
    (['European Union', 'European Union'], 'Belgium')
    """
    if not any(m.actor in ("European Union", "European Commission") for m in mentions):
        return mentions
    return [replace(m, actor="European Union", actor_type="organisation")
            if m.text == "Brussels" and m.actor == "Belgium" else m for m in mentions]


# "Lagos-based Okonkwo Holdings", "a Dublin-registered fund": the place only says where
# the next actor is, as a compound adjective; it takes no stance. Nor does the owner in "a
# WHO-run fund" ("U.S.-backed", by contrast, is a stance and stays).
_PLACE_OF = re.compile(r"-(?:based|born|registered|headquartered|listed|run|owned|operated|"
                       r"managed|funded)\b")


def _trim_entities_at(doc: Any, boundary: int) -> None:
    """Cut entities that run across the end of the dateline back to the words after it.

    spaCy reads the dateline and the story's first words as one text, and may tag
    "Kyodo) - Tsubasa Airlines" as one organisation; the dateline holds no actor, so
    without the cut the story's first actor would be lost with it. Changes ``doc.ents``.
    """
    from spacy.tokens import Span

    ents, changed = [], False
    for ent in doc.ents:
        if ent.start_char < boundary < ent.end_char:
            changed = True
            first = next((t.i for t in ent if t.idx >= boundary), None)
            if first is not None:
                ents.append(Span(doc, first, ent.end, label=ent.label_))
        else:
            ents.append(ent)
    if changed:
        doc.ents = ents


# Capitalised words before a name that are titles, not first names ("Health Secretary").
_TITLE_WORDS = re.compile(rf"(?i:{_ROLE_NOUNS}|undersecretary|general|deputy|vice|prime|"
                          r"professor|prof|dr|mr|mrs|ms|sir|dame|lord|king|queen|prince|"
                          r"princess|sheikh|bishop|cardinal|pope|rev|captain|colonel|"
                          r"coordinator|counsel|adviser|advisor|ceo|councill?or|"
                          r"council(?:wo)?man|alder(?:wo)?man|assembly(?:wo)?man|"
                          r"congress(?:wo)?man|mp)")


def _with_name_words(doc: Any, ent: Any, table: ActorTable) -> Any:
    """A PERSON with the capitalised name words the small NER model left out around it:
    "co-chair Ana Lucia Ferreira" is tagged "Lucia Ferreira", "Nguyen Thi Lan Anh" only
    "Lan Anh", "Marcelo Aguiar Fontes" only "Marcelo". At most four words in all, and never
    a title, a known place or a body word ("Trade Minister", "Brazil", "Union").
    """
    def name_word(tok: Any) -> bool:
        return (tok.pos_ == "PROPN" and tok.is_alpha and tok.is_title and not tok.ent_type_
                and tok.text not in _NOT_NAME_WORDS and not _TITLE_WORDS.fullmatch(tok.text)
                and not _BODY_WORD.fullmatch(tok.text) and table.lookup(tok.text) is None
                and table.demonym(tok.text) is None)

    if table.lookup(ent.text) is not None:
        return ent  # "Vanuatu" tagged PERSON before "Foreign Minister": a place
    start, end = ent.start, ent.end
    while end - start < 4 and end < len(doc) and name_word(doc[end]):
        end += 1
    if end < len(doc) and _TITLE_WORDS.fullmatch(doc[end].text):
        end = ent.end  # "... Foreign Minister": the words before a title are its own
    while end - start < 4 and start > 0 and name_word(doc[start - 1]):
        start -= 1
    return ent if (start, end) == (ent.start, ent.end) else doc[start:end]


# Kinds of area with a government of its own: "Ceara's state government"
_AREA_KINDS = r"regional|state|provincial|territorial|autonomous"
_AREA_OF = re.compile(rf"['\u2019]s\s+(?:{_AREA_KINDS})\s+government\b")


def _people(text: str, doc: Any, table: ActorTable, out: _Collector) -> None:
    for ent in doc.ents:
        if ent.label_ != "PERSON" or _overlaps(ent.start_char, ent.end_char, out.taken):
            continue
        ent = _with_name_words(doc, ent, table)
        if len(ent) > 1 and _TITLE_WORDS.fullmatch(ent[-1].text):
            continue  # "Mendoza Governor" (before "Lucia Araoz"): a title, not a person
        if _AREA_OF.match(text, ent.end_char):
            continue  # "Ceara's state government" (_area_governments): a place's
        if re.search(r"s['\u2019]\s*$", text[:ent.start_char]):
            continue  # "Producers' Guild": the end of a body's name (_possessive_names)
        if len(ent) > 1 and _BODY_WORD.fullmatch(ent[-1].text) and table.lookup(ent.text) is None:
            # "The Kivu Justice Collective" tagged PERSON: a body's name
            out.add(ActorMention(ent.start_char, ent.end_char, ent.text, ent.text,
                                 "organisation"))
            continue
        name = re.sub(r"^(?:Mr|Mrs|Ms|Dr)\.?\s+", "", ent.text).strip(" '\u2019")
        name = re.sub(r"['\u2019]s$", "", name)
        if not name or table.lookup(name) is not None:
            continue  # "Jordan" tagged PERSON is handled by the gazetteer's ambiguity rule
        title, affiliation, title_span = _title_before(doc, ent, table)
        if title is None:
            title, affiliation, title_span = _apposition_after(doc, ent, table)
        start = ent.start_char
        out.add(ActorMention(start, start + len(ent.text.rstrip("'\u2019s")) if
                             ent.text.endswith(("'s", "\u2019s")) else ent.end_char,
                             text[start:ent.end_char].removesuffix("'s").removesuffix("\u2019s"),
                             name, "person", affiliation, title=title))
        if title_span:
            employer = _employer_in(text, title_span, table)
            if employer is not None:
                out.add(employer)
            out.taken.append(title_span)  # the affiliation there describes the person


_TITLED_NAME = re.compile(
    r"\b(?:Mayor|Governor|President|Premier|Minister|Senator|Sen\.|Rep\.|Judge|Secretary|"
    r"Chairman|Chairwoman|Speaker|Ambassador|Commissioner|Director|Chancellor|"
    r"[Ss]pokesman|[Ss]pokeswoman|[Ss]pokesperson|[Ll]awmaker|[Cc]hief|"
    # "Trade Representative Marcus Hale", "Attorney General Dana Whitcomb"
    r"Representative|Prosecutor|Envoy|Negotiator|"
    r"(?:Attorney|Advocate|Solicitor|Inspector|Auditor)[ -]General|"
    # local and U.S. legislators: "Council member Ann Lee" (spaCy may read a place)
    r"[Cc]ouncil\s+member|[Cc]ouncilmember|[Cc]ouncil(?:wo)?man|[Cc]ouncill?or|"
    r"[Aa]lderman|[Aa]lderwoman|[Aa]ssembly(?:wo)?man|Congress(?:wo)?man)\s+"
    # "Kang Min-ho": after a hyphen a lowercase part; after a space only a capital one
    r"([A-Z][a-z]+(?: [A-Z][a-z]+|-[A-Z]?[a-z]+){1,2})\b")


def _titled_names(text: str, table: ActorTable, out: _Collector) -> None:
    """"Seoul Mayor Kang Min-ho": names after a title that spaCy did not tag as people."""
    for m in _TITLED_NAME.finditer(text):
        name = m.group(1)
        if table.lookup(name) or table.lookup(name.split()[0]) or name.split()[0] in (
                "The", "Of", "And"):
            continue
        start = m.start(1)
        title = text[max(0, m.start() - 40):m.end(1) - len(name)].strip()
        title = re.split(r"[,.;:\"\u201c\u201d]", title)[-1].strip()
        if out.add(ActorMention(start, m.end(1), name, name, "person",
                                _affiliation_in(title, table), title=title or None)) and title:
            # "Seoul Mayor": the place describes the person, as in :func:`_people`.
            title_start = text.rfind(title, 0, start)
            if title_start >= 0:
                out.taken.append((title_start, title_start + len(title)))


# "Yuko Shimada, chief executive of ...": two or three capitalised words set off by a comma
# and a role phrase name a person, whatever NER made of them (spaCy may read a place).
_NAME_THEN_ROLE = re.compile(
    r"(?<![\w.\u2019'-])([A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2}),\s+"
    rf"((?:the\s+|an?\s+)?(?!whose\b)(?:[a-z][\w-]*\s+){{0,2}}?(?:{_ROLE_NOUNS})\b[^,.;]*)")


# "the association's head, Masaru Urakawa, said": the role first, then the name between
# commas; spaCy often misses a name it has not seen in such a frame.
_ROLE_THEN_NAME = re.compile(
    r"\b((?:[Tt]he|[Ii]ts|[Tt]heir|[A-Z][\w.-]*['\u2019]s)\s+[^,.;\"\u201c\u201d]{0,50}?\b"
    # "Maria do Socorro Lima": a name's lowercase particle
    rf"(?:{_ROLE_NOUNS})),\s+([A-Z][a-z]+(?:(?: (?:da|de|do|dos|das|del|van|von|bin))?"
    r"[ -][A-Z][a-z]+){1,3})"
    r"(?=,\s+(?:said|says|told|added|warned)\b|\.)")


_BODY_WORD = re.compile(r"\b(?:Union|Association|Party|Council|Group|Bank|Ministry|Office|"
                        r"Network|Forum|Alliance|Federation|Society|Church|Institute|Centre|"
                        r"Center|Foundation|Coalition|Collective|Guild|Fund|Trust|Court|"
                        r"Agency|Authority|Board|Commission|Committee|League|Movement|Corp|Inc|"
                        r"Ltd|Airlines|Energy|Power|Health|Holdings|Partners|Resources|Metals|"
                        r"Industry|Industries|Gaming)\b")


def _people_by_role(text: str, doc: Any, table: ActorTable, out: _Collector) -> None:
    """People NER missed or called a place, known by the role phrase after their name."""
    orgs = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("ORG", "NORP")
            # "Sophie Kerbrat, secretary general of ..." tagged ORG: a first and last name
            # before a person's role is the person's, unless a word names a body
            and not (re.fullmatch(r"[A-Z][a-z]+ [A-Z][a-z]+", e.text)
                     and not _BODY_WORD.search(e.text))]
    for m in _NAME_THEN_ROLE.finditer(text):
        name = m.group(1)
        if (_overlaps(m.start(1), m.end(1), orgs) or table.lookup(name) is not None
                or any(table.lookup(w) or table.demonym(w) or w in _NOT_NAME_WORDS
                       for w in name.split())):
            continue  # an organisation, a place we know, or "In Lima"
        title_span = (m.start(2), m.end(2))
        title = re.sub(r"^(?:the|an?)\s+", "", m.group(2))
        if out.add(ActorMention(m.start(1), m.end(1), name, name, "person",
                                _affiliation_in(title, table), title=title)):
            employer = _employer_in(text, title_span, table)
            if employer is not None:
                out.add(employer)
            out.taken.append(title_span)
    for m in _ROLE_THEN_NAME.finditer(text):
        name = m.group(2)
        if (any(a <= m.start(2) and m.end(2) <= b for a, b in orgs)  # a body's name
                or table.lookup(name) is not None
                # the role frame is strong: only a first word that is a place or a nation
                # speaks against a person ("Maria do Socorro Lima" ends on a capital's name)
                or table.lookup(name.split()[0]) or table.demonym(name.split()[0])
                or any(w in _NOT_NAME_WORDS or _BODY_WORD.fullmatch(w) for w in name.split())):
            continue
        title = re.sub(r"^(?:the|its|their)\s+", "", m.group(1), flags=re.I)
        out.add(ActorMention(m.start(2), m.end(2), name, name, "person",
                             _affiliation_in(title, table), title=title))


# A proper name: capitalised words, with the small words names carry ("Parents Against
# Prescription Addiction", "Fondazione Cassa di Lombardia").
_NAME = (r"[A-Z][\w&.\u2019'-]*(?: (?:(?:of|for|and|against|on|de|di|del|des|la|le)"
         # "Residents Under the Flight Path": a capitalised preposition before "the"
         r"(?: the| a)? |(?:Under|Over|Against|Beyond|Without) the )?"
         r"[A-Z][\w&.\u2019'-]*)+")  # "Taxpayers for a Fair Deal"
# Capitalised words that open a sentence or a time phrase, not a name ("In Lima, ...").
_NOT_NAME_WORDS = frozenset("""
The A An In On At After Before But And When While Under Last This That Meanwhile Since Until
Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June
July August September October November December Earlier Later Also Both
""".split())


def _trim_name(name: str) -> str:
    """A name without the capitalised function words before it: "In Lima" -> "Lima", nor
    what a sentence end before it left ("Senate. The Bar Council" -> "Bar Council").

    >>> _trim_name("On Monday the Council"), _trim_name("Senate. The Nara Bar Association")
    ('Council', 'Nara Bar Association')
    """
    words = re.split(r"(?<=[a-z]{2}[.!?])\s+", name)[-1].split()
    while words and (words[0] in _NOT_NAME_WORDS or words[0] in ("the", "of", "and")):
        words = words[1:]
    return " ".join(words)


# Common nouns a news story puts beside an organisation's name to say what it is.
_KIND_NOUNS = (r"group|union|association|coalition|organi[sz]ation|alliance|network|campaign|"
               r"lobby|federation|movement|charity|watchdog|foundation|body|platform|"
               r"bloc|party|faction|caucus")  # "The Historic Pact, the largest bloc, said"
_APPOSITIVE_AFTER = re.compile(
    # not "a spokesman for the group, John Smith," (the name is the spokesman's)
    rf"(?<!for )(?<!of )(?<!from )\b(?:[Aa]n?|[Tt]he)\s+(?:[\w\u2019'-]+\s+){{0,3}}?"
    rf"(?:{_KIND_NOUNS})s?,\s+({_NAME})(?=\s*,|\s+[a-z])")
# "Lumen Play, a U.S. streaming service with ..., rejected": a company described after its
# name (the one-word case is _COMPANY_BEFORE, below)
_COMPANY_NOUNS = (r"operator|company|firm|carrier|airline|maker|producer|manufacturer|miner|"
                  r"lender|bank|insurer|retailer|developer|exporter|importer|utility|"
                  r"conglomerate|supplier|distributor|shipper|refiner|brewer|startup|venture|"
                  r"consortium")
_APPOSITIVE_BEFORE = re.compile(
    rf"(?:^|(?<=[\s\"\u201c]))({_NAME}),\s+(?:an?|the)\s+(?:[\w.\u2019'-]+\s+){{0,4}}?"
    # not "Jan Novak, the group's founder"
    rf"(?:{_KIND_NOUNS}|{_COMPANY_NOUNS}|service|broadcaster|chain)(?![\w\u2019'])",
    re.MULTILINE)


# "Andesmovil, Chile's largest mobile operator, said": one word at a sentence's start
# described as a company between commas
_COMPANY_BEFORE = re.compile(
    rf"(?:^|(?<=[.!?]\s)|(?<=\n))([A-Z][\w&-]+),\s+(?:an?|the|[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?"
    rf"['\u2019]s?)\s+(?:[\w\u2019'-]+\s+){{0,4}}?(?:{_COMPANY_NOUNS})s?\b[^,.]{{0,60}},",
    re.MULTILINE)


def _appositive_names(text: str, doc: Any, table: ActorTable, out: _Collector) -> None:
    """"A residents' group, Kitaura Citizens for Safety, said": the name is the actor; so
    is a one-word company described between commas ("Andesmovil, Chile's largest mobile
    operator, said").

    The descriptor says what the named body is, so it holds no actor of its own
    ("residents"), and the name wins even over proposal words inside it ("... Against
    Restart"): a comma-framed proper name beside "group" is a strong sign of an actor.
    """
    people = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
    for pattern in (_APPOSITIVE_AFTER, _APPOSITIVE_BEFORE):
        for m in pattern.finditer(text):
            name = _trim_name(m.group(1))
            start = m.end(1) - len(name)
            if (table.lookup(name) is not None or len(name.split()) < 2
                    or _overlaps(start, m.end(1), people)):
                continue  # a known actor, a lone capitalised word, or a person
            if out.add(ActorMention(start, m.end(1), name, name, "organisation"),
                       over_blocked=True):
                out.taken.append((m.start(), m.end()))
    for m in _COMPANY_BEFORE.finditer(text):
        name = m.group(1)
        if table.lookup(name) is None and not table.demonym(name) \
                and not _overlaps(m.start(1), m.end(1), people):
            out.add(ActorMention(m.start(1), m.end(1), name, name, "organisation"))


# "Latvia's parliament, the Saeima,", "Japan's lower house, the House of Representatives,":
# a national body introduced by what it is, then by its own name.
_NAMED_LEGISLATURE = re.compile(
    r"\b(?:([A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?)['\u2019]s?\s+)?(?:[a-z]+\s+)?"
    r"(?:parliament|legislature|congress|senate|assembly|upper\s+house|lower\s+house|"
    r"central\s+bank|constitutional\s+court|supreme\s+court),\s+(?:the\s+)?"
    rf"({_NAME}|[A-Z][\w-]+)(?=,)")


def _named_legislatures(text: str, table: ActorTable, out: _Collector) -> None:
    """"Latvia's parliament, the Saeima, approved ...": the named body is the actor.

    A domestic body acting in its own right keeps its own name (rule 7 of the article
    gold); the country before it only says whose body it is, so it is no actor there.
    """
    for m in _NAMED_LEGISLATURE.finditer(text):
        name = m.group(2)
        if table.lookup(name) is not None:
            continue
        if out.add(ActorMention(m.start(2), m.end(2), name, name, "organisation")):
            out.taken.append((m.start(), m.start(2)))


# "Pesa Link Mobile, which runs ...": a name with a "which" clause is a body, not a person.
_WHICH_NAME = re.compile(rf"(?:^|(?<=[\s\"\u201c]))({_NAME}),\s+which\s", re.MULTILINE)


def _which_names(text: str, doc: Any, table: ActorTable, out: _Collector) -> None:
    """Multi-word names that a ", which ..." clause marks as organisations, though NER
    called them people ("Kansai Sky, which ..." is no person); not places ("Lake
    Victoria, which ...")."""
    places = [(e.start_char, e.end_char) for e in doc.ents
              if e.label_ in ("GPE", "LOC", "FAC")]
    people = {e.start_char: e.end_char for e in doc.ents if e.label_ == "PERSON"}
    for m in _WHICH_NAME.finditer(text):
        name = _trim_name(m.group(1))
        start = m.end(1) - len(name)
        of = re.match(r"\s+of\s+(?:the\s+)?", text[people.get(start, start):m.end(1)])
        if start in people and of:
            # "Rosa Huaman of the Peru Forward Party, which drafted the bill": the party
            start = people[start] + of.end()
            name = text[start:m.end(1)]
        if (len(name.split()) < 2 or table.lookup(name) is not None
                # not "Lake Victoria, which ...", but "Property Council New Zealand, which"
                or (_overlaps(start, m.end(1), places) and not _BODY_WORD.search(name))
                or _TITLE_WORDS.fullmatch(name.split()[0])):
            continue  # "an amendment tabled by Senator Joaquin Alcaraz, which ...": a person
        out.add(ActorMention(start, m.end(1), name, name, "organisation"))


# "Seoul Metro's labor union": a body owned by a named company or city.
_OWNED = re.compile(
    r"\b((?:[A-Z][\w&.-]*\s+){0,3}[A-Z][\w&.-]*)['\u2019]s\s+"
    r"((?:[a-z-]+(?:s['\u2019])?\s+)?union"  # "labor union", "pilots' union"
    r"|board(?:\s+of\s+directors)?)\b")


def _owned_bodies(text: str, table: ActorTable, out: _Collector) -> None:
    """"Acme Rail's labor union" is its own actor, "Acme Rail labor union"; a company's
    board speaks for the company ("Acme Rail's board rejected the bid" -> Acme Rail).

    Without this, the owner alone ("Seoul" -> the state) would take the union's stance.
    """
    for m in _OWNED.finditer(text):
        owner, body = re.sub(r"^The\s+", "", m.group(1)), m.group(2)
        entry = table.lookup(owner)
        if entry is not None and entry.type == "state":
            continue  # "Japan's union" is some union of the country, not one it owns
        start = m.end(1) - len(owner)
        if body.startswith("board"):
            out.add(ActorMention(start, m.end(), text[start:m.end()], owner, "organisation"))
        else:
            name = owner + " " + body.replace("\u2019", "'")
            out.add(ActorMention(start, m.end(), text[start:m.end()], name, "organisation"))


_NOT_NAME = "|".join(sorted(_NOT_NAME_WORDS))  # as a regex alternation
_ORG_HEADS = ("Association|Council|Federation|Confederation|Union|Party|Committee|Commission|"
              "Authority|Agency|Institute|Foundation|Alliance|Coalition|Society|League|"
              "Movement|Network|Forum|Chamber|Solidarity|Assembly|Lobby|Fund|Bloc|Front|Bank|"
              "Board|Bureau|Collective|Trust|Guild|Cooperative")
_TITLED_ORG = re.compile(
    rf"(?<![\w\u2019'-])(?:[A-Z][\w&.\u2019'-]* (?:(?:of|for|and|on)(?: the)? )??){{1,6}}"
    rf"(?:{_ORG_HEADS})s?\b"
    # "Chamber of Commerce", "Union of Concerned Scientists", "Commission on Human Rights",
    # "Association of Medical Deans of Maharashtra": the name may go on (not "on Tuesday",
    # nor "of March")
    rf"(?: (?:of|for|on)(?: the)? (?!(?:{_NOT_NAME})\b)[A-Z][\w&\u2019'-]*"
    # "Union of Forestry and Wood Workers"
    r"(?: (?:and )?[A-Z][\w&\u2019'-]*)*){0,2}")


# A capitalised plural possessive and the capitalised words after it: "Parents' Voice
# Ireland", "the Farmers' Alliance of Kenya". spaCy cuts such names at the apostrophe
# ("Parents'" and "Voice Ireland"), and the country in them is no actor of its own.
_POSSESSIVE_NAME = re.compile(
    r"(?<![\w\u2019'-])(?:[A-Z][\w-]* )*[A-Z][\w-]*s['\u2019](?: [A-Z][\w&-]*)+"
    rf"(?: (?:of|for)(?: the)? (?!(?:{_NOT_NAME})\b)[A-Z][\w&-]*"
    r"(?: [A-Z][\w&-]*)*)?")
# Last words that make such a phrase a proposal ("the Workers' Pension Bill"), not a body.
_PROPOSAL_HEADS = frozenset("""Act Bill Law Plan Deal Agreement Treaty Reform Tax Levy Ban
Scheme Package Proposal Resolution Charter Code Initiative Programme Program""".split())


def _possessive_names(text: str, table: ActorTable, out: _Collector) -> None:
    """Organisation names with a plural possessive inside ("Workers' Voice Scotland")."""
    for m in _POSSESSIVE_NAME.finditer(text):
        name = m.group(0)
        words = name.split()
        if words[0] in _NOT_NAME_WORDS:  # "The Farmers' Alliance": the article is no part
            name = name[len(words[0]) + 1:]
            words = words[1:]
        possessor = re.split(r"['\u2019](?= )", name, maxsplit=1)[0]
        if (words[-1] in _PROPOSAL_HEADS or table.lookup(name) is not None
                or table.lookup(possessor) is not None):
            continue  # a proposal; a known name; "the Philippines' Department of Health"
        start = m.end() - len(name)
        out.add(ActorMention(start, m.end(), name, name, "organisation"))


def _titled_organisations(text: str, doc: Any, table: ActorTable, out: _Collector) -> None:
    """Capitalised names ending in a word such as Association or Council that spaCy missed
    ("The Tallinn Pensioners Association said"): the head noun marks an organisation.
    A name spaCy read further stays whole ("The Freedom Front Plus": not "Freedom Front")."""
    orgs = [e for e in doc.ents if e.label_ == "ORG"]
    for m in _TITLED_ORG.finditer(text):
        end = next((e.end_char for e in orgs if e.start_char <= m.start() < m.end() < e.end_char
                    and re.fullmatch(r"(?: [A-Z][\w&-]*)+", text[m.end():e.end_char])), m.end())
        # "South Korea's Fair Trade Commission": the commission (its country says whose)
        name = _trim_name(text[m.start():end])
        name = _state_owned_name(name, table) or name
        if len(name.split()) < 2 or table.lookup(name) is not None or re.search(
                r"\bNews\b|\band the\b", name):
            continue  # known; a news agency (it only reports); "X and the Y" is two actors
        start = end - len(name)
        state = _state_spoken_for(name, table)
        if state is not None:
            # "the British High Commission": the country's embassy speaks for the country
            out.add(ActorMention(start, end, name, state, "state"))
            continue
        out.add(ActorMention(start, end, name, name, "organisation"))


_LOCAL_BODY = re.compile(
    r"\b(prefectural|provincial|municipal|county|regional)\s+"
    r"(assembly|council|legislature|parliament|government)\b")
_LOCAL_UNIT = {"prefectural": "Prefecture", "provincial": "Province", "municipal": "City",
               "county": "County", "regional": "Region"}


# A body named by whose it is and a lowercase word for what it is: "the Senate energy
# committee", "the East African Community secretariat", "the congressional farm caucus".
_DESCRIBED_BODY = re.compile(
    r"\b(?:(?:[A-Z][\w-]+\s+){1,4}|(?:congressional|parliamentary)\s+)"
    r"(?:[a-z][a-z-]+\s+){0,2}(?:office|committee|council|caucus|secretariat)\b")


def _described_bodies(text: str, doc: Any, table: ActorTable, out: _Collector) -> None:
    """Bodies such as "the South Moravian public health office": a proper name or an
    adjective of a legislature, then what the body is. The name is the whole phrase.

    Every word before the body noun must be a name, noun or adjective ("Kim said the
    committee" is no body), and one at least lowercase unless the body is a secretariat
    or caucus ("a Philippine Senate committee" is only a committee of the Senate).
    """
    for m in _DESCRIBED_BODY.finditer(text):
        span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
        tokens = list(span) if span is not None else []
        while tokens and (tokens[0].text in _NOT_NAME_WORDS or tokens[0].is_stop):
            tokens = tokens[1:]  # "The", "On Monday": no part of the name
        if len(tokens) < 2 or any(t.pos_ not in ("PROPN", "NOUN", "ADJ") or t.is_stop
                                  for t in tokens[:-1]):
            continue
        proper = [t.text for t in tokens[:-1] if t.text[:1].isupper()]
        if len(proper) == len(tokens) - 1 and tokens[-1].lower_ not in (
                "secretariat", "caucus"):
            continue
        if not proper and len(tokens) < 3:
            continue  # "a parliamentary committee": which one, the story does not say
        entry = table.lookup(" ".join(proper)) if proper else None
        if entry is not None and entry.type == "state":
            continue  # "Kenya council": a country's body is the country (see _BODY)
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
        out.add(ActorMention(start, end, text[start:end], text[start:end], "organisation"))


def _local_bodies(text: str, out: _Collector) -> None:
    """"the prefectural assembly" after "Nara Prefecture" is the "Nara prefectural assembly".

    A local body acts in its own right, not as the state, and articles name its area
    once ("the governor of Nara Prefecture") and then say only "the prefectural assembly".
    """
    for m in _LOCAL_BODY.finditer(text):
        unit = _LOCAL_UNIT[m.group(1)]
        owners = re.findall(rf"\b([A-Z][\w-]+)\s+{unit}\b", text[:m.start()])
        # or the body named in full before: "the Hokkaido prefectural government"
        owners += re.findall(rf"\b([A-Z][\w-]+)\s+{m.group(0)}\b", text[:m.start()])
        if not owners:
            continue
        name = f"{owners[-1]} {m.group(0)}"
        out.add(ActorMention(m.start(), m.end(), m.group(0), name, "government body"))


# "The New South Wales government", "the Balearic regional government": a government
# below the state, named by its area; spaCy seldom tags the area in this position.
_AREA_GOVERNMENT = re.compile(
    r"\b(?:[Tt]he\s+((?:[A-Z][\w'\u2019-]+\s+){1,3}?)|((?:[A-Z][\w-]+\s+){0,2}[A-Z][\w-]+)"
    rf"['\u2019]s\s+)((?:(?:{_AREA_KINDS})\s+)?government"
    # "Tangier's city council": the council of a city the table does not know
    r"|(?<=['\u2019]s\s)(?:city|town|municipal|district|county)\s+council)\b")


def _area_governments(text: str, table: ActorTable, out: _Collector) -> None:
    """Governments of regions, states and provinces ("Manitoba's government" too), each an
    actor in its own right.

    A country's government is the country ("the British government" -> United Kingdom,
    found by :func:`_demonyms` before this runs), so areas the table knows are skipped.

    >>> out = _Collector([])
    >>> _area_governments("The Balearic government froze licences.", ActorTable.load(), out)
    >>> [(m.text, m.actor) for m in out.mentions]
    [('The Balearic government', 'Balearic government')]
    """
    for m in _AREA_GOVERNMENT.finditer(text):
        area = (m.group(1) or m.group(2)).strip()
        if (table.lookup(area) or table.demonym(area) or table.demonym(area.rstrip("s"))
                or area in ("The", "Its", "Their")):
            continue
        out.add(ActorMention(m.start(), m.end(), m.group(0), f"{area} {m.group(3)}",
                             "government body"))


# Words that say what a company does, dropped in its later short name.
_CORPORATE = frozenset("""Energie Energy Power Nuclear Health Healthcare Medical Partners Group
Holdings Holding Resources Airlines Air Airways Bank Pharmaceuticals Pharma Metals Mining
Industries Industry Motors Systems Capital Gaming Terminals Meats Foods Telecom Technologies
Corp Corporation Inc Ltd Plc SA AG""".split())
_GENERIC_OPENING = re.compile(r"(?:National|United|European|International|Federal|Central|"
                              r"General|Royal|New|South|North|East|West|The)\b")


def _repeated_names(text: str, out: _Collector) -> None:
    """Later mentions of an organisation name that NER missed the second time.

    spaCy tags a name by its context, so "Acme Rail said ..." may go untagged after
    "Acme Rail, the operator, ..." was found, and "Eskom, which applied for the loan,
    said ..." after "Eskom's oldest power stations"; the name itself is enough. One-word
    names need four letters or more: shorter ones are too often something else.
    """
    names = {m.actor for m in out.mentions
             if m.actor_type == "organisation" and m.text.removeprefix("the ").removeprefix(
                 "The ") == m.actor and (len(m.actor.split()) > 1 or len(m.actor) > 3)}
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
            out.add(ActorMention(m.start(), m.end(), name, name, "organisation"))
    # A company's name without its line of business: "Veloris said" after "Veloris Energie"
    for name in sorted(names, key=len, reverse=True):
        words = name.split()
        k = len(words)
        while k > 1 and words[k - 1] in _CORPORATE:
            k -= 1
        short = " ".join(words[:k])
        if k == len(words) or len(short) < 4 or _GENERIC_OPENING.match(short):
            continue
        first = text.find(name)
        for m in re.finditer(rf"(?<![\w-]){re.escape(short)}(?![\w-])(?!\s+[A-Z])", text):
            if m.start() > first >= 0:
                out.add(ActorMention(m.start(), m.end(), short, name, "organisation"))


def _named_organisations(text: str, doc: Any, table: ActorTable, out: _Collector) -> None:
    """Multi-word organisations first, so "Japan Innovation Party" is not Japan."""
    for ent in doc.ents:
        if ent.label_ != "ORG" or len(ent) < 2:
            continue
        name = re.sub(r"^the\s+", "", ent.text, flags=re.IGNORECASE)
        # "the opposition Ecuador Primero party": the name is "Ecuador Primero"
        name = _proper_part(re.sub(r"['\u2019]s$", "", name))
        owned = _state_owned_name(name, table)
        if owned is not None:
            # "Chile's Environmental Assessment Service": the service, which
            # :func:`.actor_names.drop_possessors` then keeps apart from Chile.
            start = text.find(owned, ent.start_char)
            out.add(ActorMention(start, start + len(owned), owned, owned, "organisation"))
            continue
        words = name.split()
        generic = " ".join(w for w in words if not (table.lookup(w) or table.demonym(w)))
        if (table.lookup(name) is not None or _BODY.fullmatch(generic) or len(words) < 2
                or _speaks_for_state(name, table)
                or not all(w[:1].isupper() or w.lower() in ("of", "for", "and", "the", "&")
                           for w in words)):
            continue  # a known alias, a ministry (its country decides), or not a proper name
        if not any(table.lookup(w) or table.demonym(w) for w in words):
            continue  # no country inside: the later passes handle it the same way
        start = text.find(name, ent.start_char)
        out.add(ActorMention(start, start + len(name), name, name, "organisation"))


# An organisation named inside a person's role phrase: "general secretary of the Dock
# Workers' Union", "chief executive of low-cost carrier Hayate Air". The name follows "of",
# "at" or "for", or a lowercase word saying what the body is; a name opening the phrase
# is a title ("Transport Minister").
_EMPLOYER = re.compile(rf"(?:\b(?:of|at|for)\s+(?:the\s+)?|\b[a-z][a-z-]+\s+)({_NAME})")


def _speaks_for_state(name: str, table: ActorTable) -> bool:
    """Is ``name`` a country's embassy, mission or delegation, which states its position
    (gold rule 5), rather than a body of its own?

    >>> t = ActorTable.load()
    >>> _speaks_for_state("U.S. Embassy", t), _speaks_for_state("British High Commission", t)
    (True, True)
    >>> _speaks_for_state("Kenya Revenue Authority", t)
    False
    """
    return _state_spoken_for(name, table) is not None


def _state_spoken_for(name: str, table: ActorTable) -> str | None:
    """The country whose embassy, mission or delegation ``name`` is, else ``None``.

    >>> _state_spoken_for("British High Commission", ActorTable.load())
    'United Kingdom'
    """
    # a High Commission is a Commonwealth country's embassy, a consulate a smaller one
    name = re.sub(r"\s+(?:High\s+Commission|Consulate(?:\s+General)?)$", " embassy", name)
    *owner, noun = name.split() or [""]
    owner_name = " ".join(owner)
    if not owner or noun.lower() not in STATE_NOUNS:
        return None
    entry = table.lookup(owner_name)
    return table.demonym(owner_name) or (entry.name if entry is not None else None)


def _employer_in(text: str, span: tuple[int, int], table: ActorTable) -> ActorMention | None:
    """The organisation a person's role phrase names, as a mention of its own.

    The phrase says who the person speaks for, and news goes on to quote the body itself
    ("the union would strike") or to give it a clause ("..., which tabled a motion"), so
    the body must not vanish into the person's title.

    >>> text = "Jo Tan, leader of the Green Left Party, said no."
    >>> _employer_in(text, (8, 38), ActorTable.load()).actor
    'Green Left Party'
    >>> _employer_in("Jo Tan, Transport Minister, said no.", (8, 26), ActorTable.load())
    """
    for m in _EMPLOYER.finditer(text, span[0], span[1]):
        name = _trim_name(m.group(1))
        start = m.end(1) - len(name)
        if (len(name.split()) < 2 or table.lookup(name) is not None
                or re.search(rf"\b(?:{_ROLE_NOUNS})\b", name, re.IGNORECASE)):
            continue  # a lone word, a known actor, or a title ("Foreign Minister")
        return ActorMention(start, m.end(1), name, name, "organisation")
    return None


def _state_owned_name(name: str, table: ActorTable) -> str | None:
    """The body's own name when NER took its country's possessive into it, else ``None``.

    >>> _state_owned_name("Chile's Environmental Assessment Service", ActorTable.load())
    'Environmental Assessment Service'
    >>> _state_owned_name("Philippines' Commission on Elections", ActorTable.load())
    'Commission on Elections'
    >>> _state_owned_name("Chile's foreign ministry", ActorTable.load()) is None  # lowercase
    True
    """
    m = re.match(r"((?:[A-Z][\w.-]*\s+)?[A-Z][\w.-]*)['\u2019]s?\s+(.+)$", name)
    if m is None or not re.fullmatch(_NAME, m.group(2)):
        return None  # not "X's Name Of Body", or the rest is not a proper name
    entry = table.lookup(m.group(1))
    return m.group(2) if entry is not None and entry.type == "state" else None


def _affiliation_in(span_text: str, table: ActorTable) -> str | None:
    for m in _alias_pattern(table).finditer(span_text):
        alias = table.alias(m.group(0))
        if alias and _same_case(m.group(0), alias.form, alias.case_sensitive):
            return alias.entry.name
    for m in _demonym_pattern(table).finditer(span_text):
        word = re.sub(r"^(?:[Tt]he|[Aa]n?)\s+", "", m.group(0)).split()
        for n in (2, 1):  # "South Korean" before "South"
            country = table.demonym(" ".join(word[:n]))
            if country:
                return country
    return None


def _title_before(doc: Any, ent: Any, table: ActorTable):
    """Role phrase directly before a name: "China's foreign ministry spokeswoman"."""
    i = ent.start - 1
    floor = max(ent.sent.start, ent.start - 9)
    while i >= floor:
        tok = doc[i]
        if tok.is_punct and tok.text != "-" or tok.pos_ in ("VERB", "AUX", "PRON") \
                or tok.lower_ in ("and", "said", "says", "told", "by", "that", "with", "to"):
            break
        i -= 1
    span = doc[i + 1:ent.start]
    words = [t for t in span if t.lower_ not in ("the", "a", "an")]
    if not words or not re.search(rf"(?:{_ROLE_NOUNS})s?\b", span.text, re.IGNORECASE):
        return None, None, None
    affiliation = _affiliation_in(span.text, table)
    title = re.sub(r"^(?:the|a|an)\s+", "", span.text, flags=re.IGNORECASE)
    return title, affiliation, (span.start_char, span.end_char)


def _apposition_after(doc: Any, ent: Any, table: ActorTable):
    """", South Korea's foreign minister," after a name."""
    if ent.end >= len(doc) or doc[ent.end].text != ",":
        return None, None, None
    j = ent.end + 1
    while j < len(doc) and j < ent.end + 12 and doc[j].text not in (",", ".", ";"):
        j += 1
    span = doc[ent.end + 1:j]
    if not re.search(rf"\b(?:{_ROLE_NOUNS})\b", span.text, re.IGNORECASE):
        return None, None, None
    title = re.sub(r"^(?:the|a|an)\s+", "", span.text, flags=re.IGNORECASE)
    return title, _affiliation_in(span.text, table), (span.start_char, span.end_char)


_REGION_BEFORE = re.compile(r"\b(?:South|Central|North|Latin|Middle)\s+$")


def _gazetteer(text: str, doc: Any, table: ActorTable, out: _Collector) -> None:
    people = [(e.start_char, e.end_char) for e in doc.ents if e.label_ == "PERSON"]
    for m in _alias_pattern(table).finditer(text):
        alias = table.alias(m.group(0))
        if alias is None or not _same_case(m.group(0), alias.form, alias.case_sensitive):
            continue
        if alias.form.lower().startswith("the ") and not m.group(0).lower().startswith("the "):
            continue  # "the North" is North Korea; "North" alone is not
        if alias.form.lower().startswith("the ") and re.match(r"[ -][A-Z]", text[m.end():]):
            continue  # nor is "the North Sea" or "the North-East Atlantic": the name goes on
        if alias.ambiguous and _overlaps(m.start(), m.end(), people):
            continue  # "Jordan Peterson", "George Washington"
        if _REGION_BEFORE.search(text, max(0, m.start() - 10), m.start()):
            continue  # "Latin America", "South America's grid": a region, not the U.S.
        if m.group(0).lower().startswith("the ") and not alias.form.lower().startswith("the "):
            # "the U.S." names the state; the mention is the name itself.
            start = m.start() + len(m.group(0)) - len(m.group(0).split(None, 1)[-1])
        else:
            start = m.start()
        group = _STATE_GROUP.match(text, m.end()) if alias.entry.type == "state" else None
        if group is not None and group.group(1):
            word = doc.char_span(group.start(1), group.end(1))
            if word is None or word.root.pos_ not in ("NOUN", "ADJ", "PROPN"):
                group = None  # "Lisbon warned exporters": a verb, not a modifier
        if group is not None:
            # "U.S. shale producers" are a group of the country, not the state itself,
            # as "Dutch farmers" are (see :func:`_demonyms`).
            phrase = text[start:group.end()]
            out.add(ActorMention(start, group.end(), phrase, phrase, "group", alias.entry.name))
            continue
        out.add(ActorMention(start, m.end(), text[start:m.end()], alias.entry.name,
                             alias.entry.type, alias.entry.affiliation))


_STATE_GROUP = re.compile(rf"\s+(?:([a-z]+)\s+)?(?:{GROUP_NOUNS})\b")


def _demonyms(text: str, table: ActorTable, out: _Collector) -> None:
    for m in _demonym_pattern(table).finditer(text):
        words = m.group(0).split()
        det = words[0] if words[0].lower() in ("the", "a", "an") else None
        body = words[1:] if det else words
        # Longest demonym first ("South Korean" before "South").
        for n in (3, 2, 1):
            country = table.demonym(" ".join(body[:n]).rstrip("s")) or table.demonym(
                " ".join(body[:n]))
            if country:
                break
        else:
            continue
        rest = body[n:]
        nxt = rest[0].lower() if rest else ""
        start = m.start()
        # "a Thai trade official": a lowercase word of office may come before the noun
        office = (len(rest) > 1 and rest[0].islower() and rest[1].lower() in STATE_NOUNS
                  and rest[0].lower() not in STATE_NOUNS)
        if nxt in STATE_NOUNS or (nxt in ("foreign", "prime", "defense", "defence") and rest) \
                or office:
            end = start + len(" ".join([*([det] if det else []), *body[:n + 1 + office]]))
            if det and det.lower() != "the":  # "a Chinese diplomat": mark "Chinese diplomat"
                start += len(det) + 1
            out.add(ActorMention(start, end, text[start:end], country, "state"))
        elif nxt and re.fullmatch(GROUP_NOUNS, nxt):
            if det:
                start += len(det) + 1
            end = start + len(" ".join(body[:n + 1]))
            out.add(ActorMention(start, end, text[start:end], text[start:end], "group", country))
        elif not rest and body[-1].endswith("s") and det and det.lower() == "the":
            pass  # "the Americans" is usually a sports team or people, not a state stance


_NAMED_BEFORE = re.compile(r"(?<![.!?]\s)(?<!^)\b(?!The\b|A\b|An\b)[A-Z][\w&-]+\s+$")


def _groups(text: str, doc: Any, table: ActorTable, out: _Collector, home: str | None) -> None:
    for m in _GROUP.finditer(text):
        last = doc.char_span(m.end() - 1, m.end(), alignment_mode="expand")
        if last is not None and last.root.pos_ == "VERB":
            continue  # "which groups the four companies": a verb, no body
        words = m.group(0).split()
        while words and (words[0].lower() in _GROUP_NOUN_STOP or words[0] in _NOT_NAME_WORDS):
            words = words[1:]  # "On Monday farm groups said": the day is no modifier
        # Keep only modifiers that are adjectives or nouns: not "from doctors", "burden teachers".
        while len(words) > 1:
            first = doc.char_span(m.end() - len(" ".join(words)),
                                  m.end() - len(" ".join(words)) + len(words[0]),
                                  alignment_mode="expand")
            if first is not None and first.root.pos_ in ("ADJ", "NOUN", "PROPN", "NUM"):
                break
            words = words[1:]
        if not words or _COUNTED.fullmatch(words[0]):
            continue  # "the two unions", "14 groups": bodies named before, counted again
        start = m.end() - len(" ".join(words))
        if _NAMED_BEFORE.search(text, 0, start) and re.search("['\u2019]", m.group(0)):
            continue  # "The Medef employers' federation": what the name before it is
        phrase = text[start:m.end()]
        first = phrase.split()[0]
        name = phrase
        if (first[:1].isupper() and not (table.lookup(first) or table.demonym(first))
                and text[:start].rstrip()[-1:] in ("", ".", "!", "?", '"', "\u201c", "\n")):
            name = first.lower() + phrase[len(first):]  # capitalised only as a sentence start
        out.add(ActorMention(start, m.end(), phrase, name, "group"))
    for m in _BODY.finditer(text):
        country = _nearby_country(text, m.start(), m.end(), table) or home
        if country is None and m.group(0).lower().endswith(("government", "cabinet")):
            continue  # whose government? without a country it names no one
        if country is None:
            out.add(ActorMention(m.start(), m.end(), m.group(0),
                                 normalize(m.group(0)), "government body"))
        else:
            out.add(ActorMention(m.start(), m.end(), m.group(0), country, "state"))


def _nearby_country(text: str, start: int, end: int, table: ActorTable) -> str | None:
    """The country in "China's foreign ministry" or "the foreign ministry in Seoul"."""
    head = text[max(0, start - 40):start]
    demonym = re.search(r"(?:^|\s)((?:[A-Z][a-z]+\s+)?[A-Z][a-z]+)\s+$", head)
    if demonym:
        for words in (demonym.group(1), demonym.group(1).split()[-1]):
            if table.demonym(words):
                return table.demonym(words)  # "the German economy ministry"
    before = re.search(r"(\S+(?:\s+\S+)?)['\u2019]s\s+$", head)
    if before:
        entry = table.lookup(before.group(1).split()[-1]) or table.lookup(before.group(1))
        if entry and entry.type == "state":
            return entry.name
    after = re.match(r"\s+in\s+([A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)", text[end:end + 40])
    if after:
        entry = table.lookup(after.group(1))
        if entry and entry.type == "state":
            return entry.name
    if re.search(r"\b(?:his|her|their)\s+$", head):
        # "Solomon Islands Police Minister Jonah Ruoka said his government": the country
        # named last before it in the sentence, the speaker's
        opening = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
        named = [table.lookup(m.group(0)) for m in re.finditer(
            r"[A-Z][\w-]+(?:\s+[A-Z][\w-]+)?", text[opening:start])]
        states = [e.name for e in named if e is not None and e.type == "state"]
        if states:
            return states[-1]
    return None


def _proper_part(name: str) -> str:
    """An organisation's name without a lowercase word saying what it is after it: in "the
    Civic Renewal party" the name is "Civic Renewal", as in "the Civic Renewal Party".

    >>> _proper_part("Civic Renewal party"), _proper_part("Civic Renewal Party")
    ('Civic Renewal', 'Civic Renewal Party')
    >>> _proper_part("Law and Justice party")
    'Law and Justice'
    """
    m = re.fullmatch(r"([A-Z][\w&.'\u2019-]*(?: (?:(?:and|of|for|the) )*[A-Z][\w&.'\u2019-]*)*)"
                     r" (?:party|group|movement|"
                     r"alliance|bloc|coalition|union|campaign)", name)
    return m.group(1) if m else name


def _other_entities(doc: Any, table: ActorTable, out: _Collector) -> None:
    for ent in doc.ents:
        if ent.label_ not in ("ORG", "GPE", "NORP"):
            continue
        name = re.sub(r"^the\s+", "", ent.text, flags=re.IGNORECASE).removesuffix("'s")
        if (not name or not name[:1].isupper() or name.lower() in AGENCIES
                or re.search(r"\bNews Agency\b|\bNews Service\b", name)
                or (len(ent) == 1 and ent[0].is_stop) or name.lower() in _NOT_BODIES):
            continue
        if _speaks_for_state(name, table):
            continue  # "the U.S. Embassy": the state, found by the gazetteer
        if ent.label_ == "NORP" and not name.endswith("s"):
            continue  # "Muslim", "Catholic": adjectives, not actors; "Democrats" are
        if ent.label_ == "ORG" and len(ent) == 1 and ent.root.dep_ == "pobj" \
                and ent.root.head.lower_ == "of":
            continue  # "Secretary of State"
        if ent.label_ == "ORG":
            name = _proper_part(name)
        kind = {"ORG": "organisation", "GPE": "place", "NORP": "group"}[ent.label_]
        out.add(ActorMention(ent.start_char, ent.start_char + len(ent.text.removesuffix("'s")),
                             ent.text.removesuffix("'s"), name, kind))


# Capitalised abbreviations that are seldom actors when they head a clause.
_NOT_BODIES = frozenset("""ceo cfo gdp vat lng hiv aids covid gmt utc tv id ai ev evs ngo ngos
    mp mps icu dna ipo usd eur gbp co2 pm am ok lgbt lgbtq suv vip ppp fdi iou""".split())
# The words that introduce a party, union or other body around its abbreviated name.
_BODY_DESCRIPTIONS = frozenset("""party partner union federation alliance coalition bloc
    movement group association confederation congress front league opposition""".split())


def _acronym_bodies(doc: Any, table: ActorTable, out: _Collector) -> None:
    """Bodies known by an all-capitals name that the tagger left out: "PASOK, the
    third-largest party, said", "The main opposition party, SYRIZA, said", "The FNV trade
    union asked ...". Such a word is an organisation when it heads a clause, stands in
    apposition to a word for a body, or names the body a noun after it stands for.

    >>> nlp = spacy.load("en_core_web_sm")  # doctest: +SKIP
    >>> out, doc = _Collector([]), nlp("PASOK, the third-largest party, said no.")  # doctest: +SKIP
    >>> _acronym_bodies(doc, ActorTable(), out)  # doctest: +SKIP
    >>> [m.actor for m in out.mentions]  # doctest: +SKIP
    ['PASOK']
    """
    for tok in doc:
        word = tok.text
        if not re.fullmatch(r"[A-Z]{2,}(?:-[A-Z][\w]*)*", word) or word.lower() in _NOT_BODIES \
                or table.lookup(word) is not None or word.lower() in AGENCIES:
            continue
        head = tok.head
        described = any(c.dep_ == "appos" and c.lemma_.lower() in _BODY_DESCRIPTIONS
                        for c in tok.children) \
            or (tok.dep_ == "appos" and head.lemma_.lower() in _BODY_DESCRIPTIONS)
        named_body = tok.dep_ == "compound" and head.lemma_.lower() in _BODY_DESCRIPTIONS
        subject = tok.dep_ in ("nsubj", "nsubjpass") and head.pos_ in ("VERB", "AUX")
        if described or named_body or subject:
            out.add(ActorMention(tok.idx, tok.idx + len(word), word, word, "organisation"))


def _role(doc: Any, mention: ActorMention,
          others: Sequence[tuple[int, int]] = ()) -> str:
    """The mention's part in its clause, from the dependency parse.

    >>> nlp = spacy.load("en_core_web_sm")  # doctest: +SKIP
    >>> text = "Oslo warned investors about the tax."  # doctest: +SKIP
    >>> _role(nlp(text), ActorMention(12, 21, "investors", "investors", "group"))  # doctest: +SKIP
    'object'
    """
    span = doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None or not len(span):
        return "other"
    if mention.actor_type != "person" and _WHICH_CLAUSE.match(doc.text, mention.end):
        # "..., leader of the Green Left Party, which tabled the motion": whatever the
        # phrase around the name, the body acts in its own clause.
        return "subject"
    tok = span.root
    # The parser may hang a multi-word name on the head as "nmod" ("European Union
    # interior ministers"), as it does with "compound" for a single word ("EU ministers").
    if mention.actor_type != "state" and tok.dep_ in ("compound", "amod", "nmod") \
            and tok.head.lower_ in _MEMBER_NOUNS:
        return "members"  # "EU governments", "OPEC+ members": the members, not the body
    if mention.actor_type in ("place", "state") and tok.dep_ == "compound" \
            and tok.head.lower_ not in STATE_NOUNS and tok.head.lower_ not in _BODY_NOUNS \
            and not re.fullmatch(GROUP_NOUNS, tok.head.lower_) and tok.head.pos_ == "NOUN":
        return "descriptor"  # "whose Halmahera nickel concession": where, not who
    if tok.dep_ == "appos" and any(a <= tok.head.idx < b for a, b in others):
        # "The AFL-CIO, the largest federation of unions": a description of that actor
        return "descriptor"
    # Climb out of the noun phrase: "China's foreign ministry" -> the ministry's role.
    start = tok
    while True:
        if tok.dep_ == "appos" and tok != start:
            # "Komeito, the LDP's coalition partner, said": the LDP only describes Komeito.
            return "descriptor"
        if tok.dep_ in ("poss", "compound") and tok.head.lemma_.lower() in _STANCE_NOUNS:
            return "subject"  # "Spain's request for an exemption": Spain asks
        if tok.dep_ == "pobj" and tok.head.lower_ in ("of", "from", "by") \
                and tok.head.head.lemma_.lower() in _STANCE_NOUNS:
            return "subject"  # "with the backing of the United States", "calls from Poland"
        if tok.dep_ == "pobj" and tok.head.lower_ == "of" \
                and tok.head.head.lower_ in _BODY_NOUNS:
            tok = tok.head.head  # "the board of Credito Alpino" acts as the company
            continue
        if tok.dep_ == "pobj" and tok.head.lower_ in ("for", "of", "at") \
                and tok.head.head.lower_ in _VOICES:
            tok = tok.head.head  # "a spokeswoman for the secretariat said": the body speaks
            continue
        if tok.dep_ not in ("poss", "compound", "amod", "appos", "conj", "nmod") \
                or tok.head == tok:
            break
        tok = tok.head
    if tok.dep_ in ("nsubj", "nsubjpass", "csubj"):
        if _asked_to_act(tok):
            return "requested"  # "Berlin would prefer the Commission to negotiate a deal"
        if _background(tok.head):
            return "background"
        return "subject"
    if tok.dep_ == "pobj" and tok.head.dep_ == "agent":
        return "subject"  # "drafted by the EU"
    if tok.dep_ in ("dobj", "pobj", "dative"):
        verb = tok.head if tok.dep_ != "pobj" else tok.head.head
        if verb.lemma_.lower() in _REQUEST_VERBS and any(
                c.dep_ in ("xcomp", "ccomp") for c in verb.children):
            return "requested"  # "Seoul asked Beijing to back it": Beijing takes no stance
        if tok.dep_ == "pobj" and tok.head.lower_ in _LOCATIVE:
            return "location"
        # What a clause acts on is talked about, not talking: "misleading doctors about the
        # risks", "the rights of Chinese companies" (rule 4 of the article gold).
        if verb.lemma_.lower() not in _SPEECH_LEMMAS | _COMPANY_VERBS:
            return "object"
    return "other"


# Unnamed people through whom a body speaks ("a spokeswoman for the council said")
_VOICES = frozenset("spokeswoman spokesman spokesperson representative official officials "
                    "source sources".split())


# A relative clause on a body that says what it did or said: ", which tabled a motion",
# also after the body's acronym or a description of it: "... Trade Unions (COTU), which has
# asked ...", "... Labour (CFDT), the country's largest union, which has called ...".
_WHICH_CLAUSE = re.compile(r"(?:\s+\([A-Z][A-Za-z&.]{1,10}\))?"
                           r"(?:,\s+(?:the|a|an)\s+[^,()]{1,60})?"
                           r",\s+which\s+"
                           r"(?:has\s+|had\s+|have\s+)?(?:also\s+)?"
                           r"(?:said|says|tabled|proposed|asked|urged|called|backed|opposed|"
                           r"supported|rejected|welcomed|lobbied|campaigned|filed|wants|wanted|"
                           r"drafted|sponsored|pushed|plans|planned|vowed|pledged|threatened)\b")


_RUNNING_VERBS = frozenset("collect administer operate run pay manage oversee process".split())
_MODALS = frozenset("will would could should can may might must".split())


def _background(verb: Any) -> bool:
    """Does the clause of ``verb`` set the scene rather than state a stance?

    "..., with Irish exporters already cutting jobs" (an absolute "with" clause) and the
    terms of a proposal ("a deal under which Acme would pay $1 billion", "Under the plan,
    Oslo would ...") tell what happens, not what the actor thinks of it.
    """
    if verb.dep_ == "pcomp" and verb.head.lower_ in ("with", "without"):
        return verb.lemma_.lower() not in _VOTE_LEMMAS  # "with Peru abstaining" is a vote
    if _no_comment(verb):
        return True  # "Laos has not commented on the Thai plans": no stance at all
    if verb.lemma_.lower() in _RUNNING_VERBS and not any(
            c.dep_ in ("aux", "auxpass") and c.lower_ in _MODALS for c in verb.children):
        # "The Revenue Authority, which collects the levy, has raised ...", "NNPC pays for
        # the subsidy": running a measure is a job, not a position on it
        return True
    return any(c.dep_ == "prep" and (c.lower_ == "under" and any(
        g.dep_ == "pobj" and g.lemma_.lower() in _TERMS_NOUNS for g in c.children)
        # "In return, teachers would accept a longer day": what one side gives in a deal
        or c.lower_ == "in" and any(g.dep_ == "pobj" and g.lower_ in ("return", "exchange")
                                    for g in c.children))
        for c in verb.children)


def _no_comment(verb: Any) -> bool:
    """ "has not commented", "declined to comment": the actor says nothing (rule 4 of the
    article gold), unlike "said it had no view", which is a neutral stance."""
    lemma = verb.lemma_.lower()
    negated = any(c.dep_ == "neg" for c in verb.children)
    if lemma == "comment" and negated:
        return True
    declined = lemma in ("decline", "refuse") and any(
        c.dep_ == "xcomp" and c.lemma_.lower() == "comment" for c in verb.children)
    # "declined to comment, saying it was a matter for Tokyo" says where it stands
    return declined and not any(c.dep_ == "advcl" for c in verb.subtree)


def _asked_to_act(tok: Any) -> bool:
    """Is ``tok`` the subject of an infinitive a request verb governs ("want X to go")?"""
    clause = tok.head
    return (clause.dep_ in ("ccomp", "xcomp")
            and clause.head.lemma_.lower() in _REQUEST_VERBS
            and any(c.dep_ == "aux" and c.lower_ == "to" for c in clause.children))
