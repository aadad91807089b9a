"""Dataset statistics for labelled stance files: the ``stancemap data stats`` command.

Counts, label balance per split, distinct actors and proposals (by kind and domain when the
rows carry ``actor_type`` / ``domain``), multi-actor and alias shares, sentence lengths, and
near-duplicate sentences.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np

from stancemap.labels import LABELS
from stancemap.records import Example

# Function words ignored when comparing sentences: sharing "the", "of" and "said" does not make
# two news sentences near-duplicates; sharing their names, verbs and nouns does.
STOPWORDS = frozenset("""
a an the of to in on at for by with from and or but nor as is are was were be been being has
have had do does did will would shall should can could may might must that this these those
it its it's their they them he she his her him we our you your i not no than then so such also
which who whom whose what when where while after before over under into out up down about
against between during said says say told tell
""".split())
NEAR_DUPLICATE_JACCARD = 0.5  # two sentences sharing more than half their content words


def content_words(text: str) -> frozenset[str]:
    """Lower-cased word set without function words.

    >>> sorted(content_words("The Senate passed the bill, officials said."))
    ['bill', 'officials', 'passed', 'senate']
    """
    return frozenset(w for w in re.findall(r"[a-z0-9']+", text.lower()) if w not in STOPWORDS)


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def near_duplicates(
    texts: Sequence[str], threshold: float = NEAR_DUPLICATE_JACCARD,
) -> list[tuple[str, str, float]]:
    """Pairs of distinct sentences whose content-word Jaccard similarity exceeds ``threshold``.

    Only pairs sharing a rare-enough word are compared, which keeps this fast on thousands
    of sentences.

    >>> near_duplicates(["Paris backs the tax plan.", "Paris backs the tax plan today.",
    ...                  "Rome rejects a border deal."])
    [('Paris backs the tax plan.', 'Paris backs the tax plan today.', 0.8)]
    """
    unique = list(dict.fromkeys(texts))
    words = [content_words(t) for t in unique]
    index: dict[str, list[int]] = defaultdict(list)
    for i, ws in enumerate(words):
        for w in ws:
            index[w].append(i)
    candidates: set[tuple[int, int]] = set()
    for ids in index.values():
        if len(ids) <= 200:  # very common words cannot make a pair similar on their own
            candidates.update(combinations(ids, 2))
    out = []
    for i, j in sorted(candidates):
        score = jaccard(words[i], words[j])
        if score > threshold:
            out.append((unique[i], unique[j], round(score, 3)))
    return out


def split_name(path: str | Path) -> str:
    return Path(str(path).split("#")[0]).stem


def _share(count: int, total: int) -> float:
    return round(count / total, 3) if total else 0.0


def dataset_stats(splits: dict[str, list[Example]]) -> dict[str, Any]:
    """Statistics of named splits (e.g. ``{"train": [...], "dev": [...]}``) as a dict."""
    everything = [ex for part in splits.values() for ex in part]
    per_split: dict[str, Any] = {}
    for name, part in splits.items():
        labels = Counter(ex.label for ex in part)
        by_text: dict[str, list[Example]] = defaultdict(list)
        for ex in part:
            by_text[ex.text].append(ex)
        multi = sum(1 for rows in by_text.values()
                    if len({r.actor for r in rows}) > 1 and len({r.label for r in rows}) > 1)
        # The corpus marks aliases itself; otherwise a mention unlike the actor's name counts.
        alias = sum(1 for ex in part if ex.extra.get(
            "alias", bool(ex.actor_mention and ex.actor_mention.lower() != ex.actor.lower())))
        per_split[name] = {
            "examples": len(part),
            "sentences": len(by_text),
            "documents": len({ex.doc_id for ex in part if ex.doc_id}),
            "labels": {lab: labels.get(lab, 0) for lab in LABELS},
            "label_share": {lab: _share(labels.get(lab, 0), len(part)) for lab in LABELS},
            "multi_actor_sentence_share": _share(multi, len(by_text)),
            "alias_share": _share(alias, len(part)),
        }
    docs: dict[str, set[str]] = defaultdict(set)
    for name, part in splits.items():
        for ex in part:
            if ex.doc_id:
                docs[ex.doc_id].add(name)
    lengths = np.array([len(t.split()) for t in {ex.text for ex in everything}] or [0])
    actor_kinds: dict[str, set[str]] = defaultdict(set)
    domains: dict[str, set[str]] = defaultdict(set)
    for ex in everything:
        actor_kinds[str(ex.extra.get("actor_type", "unknown"))].add(ex.actor)
        domains[str(ex.extra.get("domain", "unknown"))].add(ex.proposal)
    dupes = near_duplicates([ex.text for ex in everything])
    return {
        "splits": per_split,
        "total_examples": len(everything),
        "distinct_actors": len({ex.actor for ex in everything}),
        "distinct_proposals": len({ex.proposal for ex in everything}),
        "actors_by_kind": {k: len(v) for k, v in sorted(actor_kinds.items())},
        "proposals_by_domain": {k: len(v) for k, v in sorted(domains.items())},
        "documents_in_two_splits": sorted(d for d, names in docs.items() if len(names) > 1),
        "sentence_words": {"min": int(lengths.min()), "median": float(np.median(lengths)),
                           "p90": float(np.percentile(lengths, 90)), "max": int(lengths.max())},
        "near_duplicates": [{"a": a, "b": b, "jaccard": s} for a, b, s in dupes],
    }


def format_stats(stats: dict[str, Any]) -> str:
    """Markdown tables of :func:`dataset_stats` output (the dataset card is built from it)."""
    lines = ["| split | examples | sentences | documents | support | oppose | neutral "
             "| multi-actor sentences | alias mentions |",
             "|---|---|---|---|---|---|---|---|---|"]
    for name, s in stats["splits"].items():
        shares = " | ".join(f"{s['labels'][lab]} ({s['label_share'][lab]:.0%})" for lab in LABELS)
        lines.append(f"| {name} | {s['examples']} | {s['sentences']} | {s['documents']} | "
                     f"{shares} | {s['multi_actor_sentence_share']:.0%} | "
                     f"{s['alias_share']:.0%} |")
    w = stats["sentence_words"]
    lines += [
        "",
        f"- examples: {stats['total_examples']}; distinct actors: {stats['distinct_actors']}; "
        f"distinct proposals: {stats['distinct_proposals']}",
        "- actors by kind: " + ", ".join(f"{k} {v}" for k, v in stats["actors_by_kind"].items()),
        "- proposals by domain: "
        + ", ".join(f"{k} {v}" for k, v in stats["proposals_by_domain"].items()),
        f"- sentence length in words: min {w['min']}, median {w['median']:.0f}, "
        f"90th percentile {w['p90']:.0f}, max {w['max']}",
        f"- documents in more than one split: {len(stats['documents_in_two_splits'])}",
        f"- near-duplicate sentence pairs (content-word Jaccard > {NEAR_DUPLICATE_JACCARD}): "
        f"{len(stats['near_duplicates'])}",
    ]
    for d in stats["near_duplicates"][:20]:
        lines.append(f"  - {d['jaccard']:.2f}: {d['a']!r} / {d['b']!r}")
    return "\n".join(lines)


def stats_for_files(paths: Iterable[str], fmt: str = "auto") -> dict[str, Any]:
    """Load each file as one split (named by its file stem) and compute statistics."""
    from stancemap.training.data import load_examples

    return dataset_stats({split_name(p): load_examples(p, fmt=fmt) for p in paths})
