"""The shipped sample articles (``data/articles/``) keep the rules their README states.

Read-only checks on the data: aliases occur in their own article and no other, gold names
known proposals of the same article, and a third of the articles stay held out.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

ARTICLES = Path(__file__).resolve().parents[1] / "data" / "articles"


@pytest.fixture(scope="module")
def sample() -> tuple[dict[str, dict], list[dict], list[dict]]:
    articles = {r["id"]: r for r in map(json.loads, (ARTICLES / "articles.jsonl").open())}
    proposals = yaml.safe_load((ARTICLES / "proposals.yaml").read_text())["proposals"]
    gold = [json.loads(line) for line in (ARTICLES / "gold.jsonl").open() if line.strip()]
    return articles, proposals, gold


def _occurs(alias: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", text, re.IGNORECASE) is not None


def test_aliases_occur_in_their_article_and_match_no_other(sample) -> None:
    from stancemap.inference.proposals import load_proposals, match_proposals

    articles, proposals, _ = sample
    assert len({p["id"] for p in proposals}) == len(proposals), "proposal ids repeat"
    for p in proposals:
        text = articles[p["article"]]["text"]
        missing = [a for a in p["aliases"] if not _occurs(a, text)]
        assert not missing, f"{p['id']}: aliases not in {p['article']}: {missing}"
    # Scored with every proposal loaded, an article must find only its own proposals (an
    # alias inside a longer alias of another proposal loses to it, as in the matcher).
    specs = load_proposals(ARTICLES / "proposals.yaml")
    own = {a: {p["id"] for p in proposals if p["article"] == a} for a in articles}
    for a, r in articles.items():
        found = {m.proposal_id for m in match_proposals(r["text"], specs, heads=False)}
        assert found <= own[a], f"{a}: matches proposals of other articles {found - own[a]}"


def test_gold_names_proposals_of_its_own_article_once(sample) -> None:
    articles, proposals, gold = sample
    home = {p["id"]: p["article"] for p in proposals}
    keys = Counter((g["doc_id"], g["actor"].lower(), g["proposal_id"]) for g in gold)
    assert not [k for k, n in keys.items() if n > 1], "repeated gold tuples"
    for g in gold:
        assert g["label"] in ("support", "oppose", "neutral"), g
        assert home.get(g["proposal_id"]) == g["doc_id"] in articles, g
    assert {g["doc_id"] for g in gold} == set(articles)  # every article has gold


def test_a_third_of_the_articles_are_held_out(sample) -> None:
    articles, _, _ = sample
    parts = Counter(r["part"] for r in articles.values())
    assert set(parts) == {"dev", "heldout"}
    n = len(articles)
    assert parts["heldout"] * 3 >= n - 1, f"{parts['heldout']} of {n} held out"  # a third, ±1
    for r in articles.values():
        assert 150 <= len(r["text"].split()) <= 600, r["id"]
