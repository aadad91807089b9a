"""Readers that turn public stance datasets into validated :class:`Example` rows.

Each dataset keeps its own layout on disk; :func:`load_adapter` picks the reader for a
format and the split named after ``#`` in the path::

    >>> load_adapter("seesaw", "../shared/datasets/seesaw#valid", AdapterConfig())  # doctest: +SKIP
    [Example(text='...', actor='Barack Obama', proposal='Congress', label='oppose', ...)]

Formats: ``seesaw`` (a folder), ``ibm_claim_stance`` (one CSV with a split column),
``semeval`` (SemEval-2016 Task 6 TSV/CSV files or the tweeteval ``stance/`` folder) and
``vast`` (one CSV per split). Only SEESAW names stance holders; in the others the author
holds the stance, so their actor is always ``"author"`` and ``options.author`` does not apply.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from stancemap.config import AdapterConfig
from stancemap.errors import DataError
from stancemap.labels import normalize_label
from stancemap.records import Example

log = logging.getLogger(__name__)

AUTHOR = "author"
_SEESAW_LABELS = {"POS": "support", "NEG": "oppose"}
_NOT_NAMED = {"", "none", "not in the list"}  # SEESAW's "no entity from the list"
_TWEETEVAL_LABELS = {"0": "neutral", "1": "oppose", "2": "support"}
_VAST_LABELS = {"0": "oppose", "1": "support", "2": "neutral"}
# SemEval-2016 targets (and tweeteval folder names) as readable proposals; both layouts agree.
SEMEVAL_TARGETS = {
    "abortion": "legalisation of abortion", "legalization of abortion": "legalisation of abortion",
    "atheism": "atheism", "climate": "action on climate change",
    "climate change is a real concern": "action on climate change",
    "feminist": "feminism", "feminist movement": "feminism",
    "hillary": "Hillary Clinton", "hillary clinton": "Hillary Clinton",
}
# Function words never start or end a partial name; generic words never make one on their
# own ("Department" alone is not the Department of Justice, "United States" not the Senate).
_FUNCTION_WORDS = {"the", "of", "and", "for", "a", "an", "in", "on", "to", "at", "by", "mr",
                   "mrs", "ms", "dr", "jr", "sr"}
_GENERIC_WORDS = _FUNCTION_WORDS | {"united", "states", "department", "party", "national"}
# US parties go by their members' plural or a nickname far more often than by their full
# name ("Democrats blocked...", "the GOP"); these are tried after the name's own parts.
_PARTY_NAMES = {"democratic party": ("Democrats", "Democrat", "Dems"),
                "republican party": ("Republicans", "Republican", "GOP")}
# When a sentence names its stance holder only by a pronoun ("He did not ...", "'...,' she
# said"), the pronoun is the mention to mark, as scoring marks it
# (inference.pairing.pronoun_subject). Tried in order: the pronoun of a speech verb, a
# pronoun opening the sentence, then "I" (persons) or "we" (groups) speaking in a quote.
# A pronoun elsewhere in the sentence too often stands for someone else.
_SPEECH = r"(?:said|says|added|told|argued|wrote|noted|continued|explained|insisted|warned)"
_PRONOUN_PATTERNS = {
    person: (re.compile(rf"(?<!\w)({words})\s+{_SPEECH}(?!\w)", re.IGNORECASE),
             re.compile(rf"^[\"'“‘\s]*({words})(?!\w)", re.IGNORECASE),
             re.compile(rf"(?<!\w)({first})(?!\w)"))
    for person, words, first in ((True, "he|she", "I"), (False, "they|we", "we|We"))}


def load_adapter(fmt: str, path: str, options: AdapterConfig) -> list[Example]:
    """Read the dataset at ``path`` (``PATH`` or ``PATH#SPLIT``) in format ``fmt``.

    >>> load_adapter("vast", "vast/vast_dev.csv", AdapterConfig())  # doctest: +SKIP
    """
    readers = {"seesaw": read_seesaw, "ibm_claim_stance": read_ibm_claim_stance,
               "semeval": read_semeval, "vast": read_vast}
    if fmt not in readers:
        raise DataError(f"unknown dataset format {fmt!r}; known: {sorted(readers)}", path=path)
    root, _, split = path.partition("#")
    examples = readers[fmt](Path(root), split.strip() or None, options)
    if not examples:
        raise DataError("no examples", path=path)
    return examples


# --- shared helpers -----------------------------------------------------------------------

def _read_json(path: Path) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise DataError("file not found", path=str(path)) from None
    except json.JSONDecodeError as err:
        raise DataError(f"invalid JSON: {err.msg} (column {err.colno})", path=str(path),
                        line=err.lineno) from None
    except (OSError, UnicodeDecodeError) as err:
        raise DataError(f"cannot read: {err}", path=str(path)) from None
    if not isinstance(data, dict):
        raise DataError("expected a JSON object", path=str(path))
    return data


def _decode(raw: bytes) -> str:
    # SemEval's files are cp1252/latin-1 rather than UTF-8; latin-1 always decodes.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    return raw.decode("latin-1")


def _read_table(path: Path, required: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line, row)`` from a CSV or TSV (tab in the header); ``line`` is where it starts."""
    if not path.is_file():
        raise DataError("file not found", path=str(path))
    text = _decode(path.read_bytes())
    tsv = "\t" in text.split("\n", 1)[0]
    # Tweets contain bare quotes: a TSV is read without quoting, a CSV with it.
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter="\t" if tsv else ",",
                            quoting=csv.QUOTE_NONE if tsv else csv.QUOTE_MINIMAL)
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(f"missing column(s) {missing}", path=str(path), line=1, field=missing[0])
    start = 2
    for row in reader:
        yield start, {k: (v or "").strip() for k, v in row.items() if k is not None}
        start = reader.line_num + 1


def _cell(row: Mapping[str, str], column: str, path: Path, line: int) -> str:
    if not row.get(column):
        raise DataError("missing or empty", path=str(path), line=line, field=column)
    return row[column]


def _label(raw: str, table: Mapping[str, str] | None, path: Path, line: int, field: str) -> str:
    label = normalize_label(raw, table)
    if label is None:
        raise DataError(f"unknown label {raw!r}", path=str(path), line=line, field=field)
    return label


def _check_split(split: str | None, seen: set[str], path: Path) -> None:
    if split is not None and split not in seen:
        raise DataError(f"unknown split {split!r}; this dataset has {sorted(seen)}", path=str(path))


def _no_split(split: str | None, path: Path) -> None:
    if split is not None:
        raise DataError(f"#{split}: this layout has one file per split; give that file",
                        path=str(path))


# --- SEESAW -------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _name_patterns(name: str, person: bool) -> tuple[re.Pattern[str], ...]:
    """Patterns for ``name`` in the order they are tried: whole name, surname, shorter runs."""
    tokens = name.split()
    runs = [tokens] + ([tokens[-1:]] if person and len(tokens) > 1 else [])
    for size in range(len(tokens) - 1, 0, -1):  # longest first: "Republican Party" -> "Republican"
        for i in range(len(tokens) - size + 1):
            run = tokens[i:i + size]
            words = [t.lower() for t in run]
            if words[0] in _FUNCTION_WORDS or words[-1] in _FUNCTION_WORDS:
                continue
            if not set(words) <= _GENERIC_WORDS:
                runs.append(run)
    # Lookarounds rather than \b so names ending in "." ("U.S.") match; a trailing "s" lets
    # "Republican" find "Republicans".
    bodies = [r"\s+".join(map(re.escape, run)) for run in runs]
    bodies += [re.escape(alias) for alias in _PARTY_NAMES.get(name.lower(), ())]
    return tuple(re.compile(rf"(?<!\w){body}s?(?!\w)", re.IGNORECASE) for body in bodies)


def find_mention(sentence: str, name: str, person: bool = False,
                 pronoun: bool = False) -> str | None:
    """The surface form of ``name`` in ``sentence``, or ``None`` if it is not there.

    With ``pronoun``, a sentence that does not name the holder gives the pronoun that most
    likely stands for it: the subject of a speech verb, else a pronoun opening the sentence,
    else a first-person one ("he", "she", "I" for a person; "they", "we" for others).

    >>> find_mention("Mr. Obama blasted Republicans.", "Barack Obama", person=True)
    'Obama'
    >>> find_mention("Democrats blocked the vote.", "Democratic Party")
    'Democrats'
    >>> find_mention("He blocked the vote.", "Barack Obama", person=True, pronoun=True)
    'He'
    >>> find_mention('"He is wrong," she said.', "Nancy Pelosi", person=True, pronoun=True)
    'she'
    """
    for pattern in _name_patterns(name, person):
        match = pattern.search(sentence)
        if match:
            return match.group(0)
    for pattern in _PRONOUN_PATTERNS[person] if pronoun else ():
        match = pattern.search(sentence)
        if match:
            return match.group(1)
    return None


def _seesaw_sentences(path: Path) -> tuple[list[str], dict[str, int]]:
    """An article's sentence texts in order, and sentence id -> position."""
    sentences = _read_json(path).get("text")
    if not isinstance(sentences, list):
        raise DataError("expected a list of {id, text} sentences", path=str(path), field="text")
    texts, index = [], {}
    for i, s in enumerate(sentences):
        if not isinstance(s, dict) or "id" not in s or not isinstance(s.get("text"), str):
            raise DataError("expected {id, text}", path=str(path), field=f"text[{i}]")
        index[str(s["id"])] = len(texts)
        texts.append(s["text"].strip())
    return texts, index


def _entity_types(ann: Mapping[str, Any], path: Path) -> dict[str, set[str]]:
    types: dict[str, set[str]] = {}
    for i, entity in enumerate(ann.get("entity lists") or []):
        if not (isinstance(entity, list) and entity and isinstance(entity[0], str)):
            raise DataError("expected [name, [type], ...]", path=str(path),
                            field=f"entity lists[{i}]")
        kinds = entity[1] if len(entity) > 1 and isinstance(entity[1], list) else []
        types.setdefault(entity[0], set()).update(map(str, kinds))
    return types


def _seesaw_article(path: Path, ann_path: Path, options: AdapterConfig,
                    dropped: Counter[str]) -> Iterator[Example]:
    """One article's stance triplets as examples (``doc_id`` unset); skips go to ``dropped``."""
    texts, index = _seesaw_sentences(path)
    ann = _read_json(ann_path)
    types = _entity_types(ann, ann_path)
    stances = ann.get("sentence-level stances")
    if not isinstance(stances, dict):
        raise DataError("expected {sentence id: [stances]}", path=str(ann_path),
                        field="sentence-level stances")
    for sid, items in stances.items():
        where = f"sentence-level stances.{sid}"
        if str(sid) not in index or not isinstance(items, list):
            problem = "not a list" if str(sid) in index else "no such sentence in the article"
            raise DataError(problem, path=str(ann_path), field=where)
        pos = index[str(sid)]
        for k, item in enumerate(items):
            item = item if isinstance(item, dict) else {}
            for name in ("sentiment", "object"):
                if not isinstance(item.get(name), str):
                    raise DataError("missing or not a string", path=str(ann_path),
                                    field=f"{where}[{k}].{name}")
            subject, proposal = str(item.get("subject") or "").strip(), item["object"].strip()
            author = subject.lower() in _NOT_NAMED
            label = _SEESAW_LABELS.get(item["sentiment"].strip().upper())
            reasons = {"sentiment other than POS/NEG": label is None,
                       "object not named": proposal.lower() in _NOT_NAMED,
                       "author stance (adapter.author: drop)": author and options.author == "drop",
                       "empty sentence": not texts[pos]}
            skip = next((reason for reason, applies in reasons.items() if applies), None)
            if skip:
                dropped[skip] += 1
                continue
            person = "People" in types.get(subject, ())
            mention = None if author else find_mention(texts[pos], subject, person,
                                                       pronoun=True)
            yield Example(text=texts[pos], actor=AUTHOR if author else subject, proposal=proposal,
                          label=label, id=f"{path.stem}:{sid}:{k}", actor_mention=mention,
                          context=texts[pos - 1] if options.context and pos > 0 else None)


def read_seesaw(root: Path, split: str | None, options: AdapterConfig) -> list[Example]:
    """SEESAW's sentence-level (subject, POS/NEG, object) triplets as examples.

    The split is the story's (``meta/<TRIPLET>.json``) and ``doc_id`` is the triplet id, so
    a story's three articles never span two splits.

    >>> read_seesaw(Path("seesaw"), "valid", AdapterConfig(author="keep"))  # doctest: +SKIP
    """
    for sub in ("meta", "articles", "annotations"):
        if not (root / sub).is_dir():
            raise DataError(f"not a SEESAW folder: {sub}/ is missing", path=str(root))
    kept: dict[tuple[str, str, str], Example] = {}
    conflicts: set[tuple[str, str, str]] = set()
    dropped: Counter[str] = Counter()
    splits: dict[str, str] = {}  # triplet -> its split
    for path in sorted((root / "articles").glob("*.json")):
        triplet = path.stem.split("_DOCUMENT_")[0]
        if triplet not in splits:
            splits[triplet] = str(_read_json(root / "meta" / f"{triplet}.json").get("Split"))
        if split is not None and splits[triplet] != split:
            continue
        for ex in _seesaw_article(path, root / "annotations" / path.name, options, dropped):
            ex.doc_id = triplet
            # The key data.drop_duplicates uses: a repeat is dropped there, a conflict fails.
            key = (" ".join(ex.text.split()).lower(), ex.actor.lower(), ex.proposal.lower())
            if key not in kept:
                kept[key] = ex
            elif kept[key].label != ex.label:
                conflicts.add(key)
            else:
                dropped["duplicate"] += 1
    _check_split(split, set(splits.values()), root)
    # Annotators disagreeing on one pair leave no usable label: drop the pair altogether.
    dropped["conflicting labels (pairs)"] = len(conflicts)
    examples = [ex for key, ex in kept.items() if key not in conflicts]
    log.info("seesaw %s%s: %d examples; dropped %s", root, f"#{split}" if split else "",
             len(examples), dict(+dropped) or "none")
    return examples


# --- IBM Debater Claim Stance, SemEval-2016 / tweeteval, VAST -------------------------------

def read_ibm_claim_stance(path: Path, split: str | None, options: AdapterConfig) -> list[Example]:
    """IBM claims (PRO/CON) toward debate motions; ``#train`` / ``#test`` pick a split.

    A row ``topicId=1, topicText="This house would ban X", claims.stance=PRO`` gives
    ``Example(text=<claim>, actor="author", proposal="This house would ban X", label="support")``.
    """
    cols = ("topicId", "topicText", "claims.claimCorrectedText", "claims.stance", "split")
    examples, seen = [], set()
    for line, row in _read_table(path, cols):
        seen.add(row["split"])
        if split is not None and row["split"] != split:
            continue
        examples.append(Example(
            text=_cell(row, "claims.claimCorrectedText", path, line), actor=AUTHOR,
            proposal=_cell(row, "topicText", path, line),
            label=_label(row["claims.stance"], None, path, line, "claims.stance"),
            id=f"ibm-{row.get('claims.claimId') or line}", doc_id=f"ibm-topic-{row['topicId']}"))
    _check_split(split, seen, path)
    return examples


def read_semeval(path: Path, split: str | None, options: AdapterConfig) -> list[Example]:
    """SemEval-2016 Task 6 (``ID, Target, Tweet, Stance`` with FAVOR/AGAINST/NONE), or tweeteval.

    A file is read as SemEval's TSV/CSV; a folder as tweeteval's ``<target>/<split>_text.txt``
    with ``<split>_labels.txt`` (0 none, 1 against, 2 favor), e.g. ``stance#train``.
    """
    if path.is_dir():
        return _read_tweeteval(path, split)
    _no_split(split, path)
    examples = []
    for line, row in _read_table(path, ("Target", "Tweet", "Stance")):
        target = _cell(row, "Target", path, line)
        examples.append(Example(
            text=_cell(row, "Tweet", path, line), actor=AUTHOR,
            proposal=SEMEVAL_TARGETS.get(target.lower(), target),
            label=_label(row["Stance"], None, path, line, "Stance"),
            id=f"semeval-{row.get('ID') or line}"))
    return examples


def _lines(path: Path) -> list[str]:
    # Not str.splitlines(): a tweet may hold U+2028 or U+0085, which it would split on.
    if not path.is_file():
        raise DataError("file not found", path=str(path))
    text = _decode(path.read_bytes()).removesuffix("\n")
    return [line.rstrip("\r") for line in text.split("\n")] if text else []


def _read_tweeteval(root: Path, split: str | None) -> list[Example]:
    # Accept the stance/ folder (one sub-folder per target) or a single target's folder.
    folders = [root] if any(root.glob("*_text.txt")) else sorted(
        p for p in root.iterdir() if p.is_dir() and any(p.glob("*_text.txt")))
    if not folders:
        raise DataError("no tweeteval <split>_text.txt files found", path=str(root))
    split = {"valid": "val", "dev": "val"}.get(split or "", split)
    examples = []
    for folder in folders:
        proposal = SEMEVAL_TARGETS.get(folder.name.lower(), folder.name.replace("_", " "))
        for name in [split] if split else ["train", "val", "test"]:
            text_path, label_path = folder / f"{name}_text.txt", folder / f"{name}_labels.txt"
            if split is None and not text_path.exists():
                continue
            texts, labels = _lines(text_path), _lines(label_path)
            if len(texts) != len(labels):
                raise DataError(f"{len(texts)} lines of text but {len(labels)} labels",
                                path=str(label_path))
            for line, (text, raw) in enumerate(zip(texts, labels), 1):
                if not text.strip():
                    raise DataError("empty tweet", path=str(text_path), line=line, field="text")
                examples.append(Example(
                    text=text.strip(), actor=AUTHOR, proposal=proposal,
                    label=_label(raw, _TWEETEVAL_LABELS, label_path, line, "label"),
                    id=f"tweeteval-{folder.name}-{name}-{line}"))
    return examples


def read_vast(path: Path, split: str | None, options: AdapterConfig) -> list[Example]:
    """VAST (``post``, ``topic_str``/``new_topic``, ``label`` 0 con / 1 pro / 2 neutral).

    The post is kept whole (the tokenizer truncates); ``doc_id`` comes from ``ori_id`` so
    the topics drawn from one post stay in one split.
    """
    _no_split(split, path)
    examples = []
    for line, row in _read_table(path, ("post", "label")):
        topic_col = "topic_str" if row.get("topic_str") else "new_topic"
        examples.append(Example(
            text=_cell(row, "post", path, line), actor=AUTHOR,
            proposal=_cell(row, topic_col, path, line),
            label=_label(row["label"], _VAST_LABELS, path, line, "label"),
            id=f"vast-{row.get('new_id') or line}",
            doc_id=f"vast-{row['ori_id']}" if row.get("ori_id") else None,
            extra={"seen": row["seen?"]} if row.get("seen?") else {}))
    return examples
