"""A generated corpus of wire-news articles (~400 words each) for the throughput benchmark.

Articles are composed from sentence templates: a dateline, a lead naming who backs or
opposes what, quotes with titled speakers, requests ("X urged Y to back ..."), group
actors, back-references ("the measure"), and the background sentences real stories carry.
Actors come from the shipped country table (names, capitals, demonyms); proposals from
:data:`PROPOSALS`, written out as a proposals file. The same seed gives the same corpus.

    python benchmarks/corpus.py --articles 1000 --output /tmp/articles.jsonl \
        --proposals /tmp/proposals.yaml

>>> a = make_articles(2, seed=1)
>>> [x["id"] for x in a], 330 < len(a[0]["text"].split()) < 480
(['gen-000000', 'gen-000001'], True)
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

# id, name, aliases (the first alias is how stories usually name it).
PROPOSALS: list[tuple[str, str, list[str]]] = [
    ("carbon-border-tax", "Carbon border adjustment tax on imports",
     ["carbon border tax", "border levy on carbon"]),
    ("shipping-levy", "Global carbon levy on shipping emissions",
     ["shipping levy", "levy on shipping emissions"]),
    ("ceasefire-resolution", "Security Council resolution demanding a ceasefire",
     ["ceasefire resolution", "draft resolution on a ceasefire"]),
    ("arms-embargo", "Arms embargo on the military government",
     ["arms embargo", "embargo on weapons sales"]),
    ("icc-referral", "Referral of the case to the International Criminal Court",
     ["referral to the International Criminal Court", "ICC referral"]),
    ("plastics-treaty", "Global treaty to cap plastic production",
     ["plastics treaty", "cap on plastic production"]),
    ("pandemic-accord", "WHO pandemic accord", ["pandemic accord", "pandemic treaty"]),
    ("steel-tariffs", "Tariffs on steel imports", ["steel tariffs", "duties on steel imports"]),
    ("digital-services-tax", "Digital services tax on large technology firms",
     ["digital services tax", "tax on tech giants"]),
    ("debt-relief-plan", "Debt relief plan for low-income countries",
     ["debt relief plan", "debt restructuring framework"]),
    ("fishing-quota-deal", "Fishing quota deal for the northern waters",
     ["fishing quota deal", "catch limits agreement"]),
    ("nuclear-deal", "Revived nuclear deal", ["nuclear deal", "nuclear accord"]),
    ("grain-corridor", "Black Sea grain corridor agreement",
     ["grain corridor deal", "grain export corridor"]),
    ("pension-reform", "Pension reform bill raising the retirement age",
     ["pension reform bill", "pension overhaul"]),
    ("sanctions-package", "New package of sanctions on oil exports",
     ["sanctions package", "sanctions on oil exports"]),
    ("trade-pact", "Regional free trade pact", ["free trade pact", "trade agreement"]),
]

SUPPORT = ["backed", "welcomed", "endorsed", "voted for", "signed on to", "threw its weight "
           "behind"]
OPPOSE = ["rejected", "opposed", "denounced", "voted against", "vowed to block",
          "criticised"]
NEUTRAL = ["said it was still studying", "abstained on", "declined to take a position on",
           "said it needed more time to review"]
FIRST = ["Anna", "Lars", "Mei", "Carlos", "Fatima", "Hiroshi", "Olga", "Samuel", "Priya",
         "Jonas", "Amara", "Pedro", "Ingrid", "Kwame", "Leila", "Tomasz"]
LAST = ["Berg", "Okafor", "Tanaka", "Silva", "Haddad", "Novak", "Lindqvist", "Mensah",
        "Rahman", "Costa", "Petrov", "Moreau", "Schultz", "Nakamura", "Duarte", "Kowalski"]
TITLES = ["Foreign Minister", "Trade Minister", "Prime Minister", "Finance Minister",
          "Environment Minister", "President"]
AGENCIES = ["Reuters", "AFP", "AP", "Yonhap", "Kyodo", "dpa"]
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
          "Nov.", "Dec."]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
GROUPS = ["farm groups", "business groups", "opposition lawmakers", "environmental groups",
          "steel workers' unions", "fishermen"]
# Wire sentences run to about 25 words; these clauses give the short templates that length.
TAILS = [
    ", according to a statement released after the meeting",
    ", a move that surprised several delegations at the talks",
    ", officials familiar with the negotiations said on condition of anonymity",
    ", in what diplomats described as a significant shift in its position",
    ", days before ministers are due to meet to settle the remaining differences",
    ", despite pressure from its largest trading partners over recent months",
]
BACKGROUND = [
    "The talks, which began in {month}, are expected to run for several more weeks.",
    "Trade between the two sides reached {n} billion dollars last year, according to "
    "official figures.",
    "Diplomats said a final text could be ready before the summit at the end of the month, "
    "although several key questions, including how the rules would be enforced, remain open.",
    "Negotiators met behind closed doors for more than six hours on {day}, and several "
    "delegations left without speaking to reporters waiting outside the building.",
    "The issue has divided the bloc for more than two years, with smaller economies "
    "warning of the cost to their exporters.",
    "Analysts said the outcome would depend largely on how the largest economies vote.",
    "Prices rose sharply after the announcement, with traders citing uncertainty over "
    "supplies.",
    "A similar proposal failed to win a majority three years ago, when a group of "
    "developing countries walked out of the talks in protest over financing.",
    "Officials from {n2} countries attended the meeting, the organisers said.",
    "The secretariat is expected to publish a revised draft ahead of the next round.",
]


@dataclass(frozen=True)
class Country:
    name: str
    capital: str
    demonym: str


def _with_article(name: str) -> str:
    """"the Philippines", "the United States", "the Czech Republic"; "France" as it is."""
    if name.startswith("Saint "):
        return name
    plural = name.endswith(("Islands", "lands", "ines", "mas", "ives", "elles", "oros"))
    if plural or name.startswith("United ") or name.endswith(("Republic", "Emirates")):
        return f"the {name}"
    return name


def load_countries() -> list[Country]:
    """Countries of the shipped table with an unambiguous capital and a demonym."""
    path = resources.files("stancemap") / "resources" / "countries.yaml"
    table = yaml.safe_load(path.read_text(encoding="utf-8"))
    out = []
    for entry in table["countries"]:
        if entry.get("ambiguous_capital") or entry.get("ambiguous_name"):
            continue
        if entry.get("capitals") and entry.get("demonyms"):
            out.append(Country(_with_article(entry["name"]), entry["capitals"][0],
                               entry["demonyms"][0]))
    return out


def _cap(text: str) -> str:
    return text[0].upper() + text[1:]


class _Writer:
    """Builds one article: picks its cast and proposals, then writes paragraphs."""

    def __init__(self, rng: random.Random, countries: list[Country]) -> None:
        self.rng = rng
        self.cast = rng.sample(countries, 6)
        self.props = rng.sample(PROPOSALS, 2)
        self.people = [(f"{rng.choice(FIRST)} {rng.choice(LAST)}", rng.choice(TITLES), c)
                       for c in self.cast[:4]]

    def alias(self, i: int = 0) -> str:
        return self.rng.choice(self.props[i][2])

    def stance(self) -> str:
        return self.rng.choice(self.rng.choice([SUPPORT, OPPOSE, NEUTRAL]))

    def lead(self) -> str:
        r, c, home = self.rng, self.cast, self.cast[0]
        return (f"{home.capital.upper()}, {r.choice(MONTHS)} {r.randint(1, 28)} "
                f"({r.choice(AGENCIES)}) - {_cap(c[1].name)} {self.stance()} the {self.alias()} "
                f"on {r.choice(DAYS)}, while {c[2].name} {self.stance()} the {self.alias(1)}, "
                f"officials in {home.capital} said.")

    def sentence(self) -> str:
        r, c = self.rng, self.rng.choice(self.cast)
        other = self.rng.choice([x for x in self.cast if x != c])
        name, title, country = r.choice(self.people)
        last = name.split()[1]
        options = [
            lambda: f"{c.capital} has said it will {r.choice(['support', 'oppose'])} the "
                    f"{self.alias(r.randrange(2))} when it comes to a vote.",
            lambda: f"\"We cannot accept the {self.alias()} in its current form,\" "
                    f"{country.demonym} {title} {name} told reporters.",
            lambda: f"\"This is a good day for all of us,\" {last} said of the "
                    f"{self.alias(1)}.",
            lambda: f"{c.name} has urged {other.name} to back the {self.alias()}.",
            lambda: f"The {c.demonym} government {self.stance()} the {self.alias(1)} in a "
                    "statement issued late on " + r.choice(DAYS) + ".",
            lambda: f"{r.choice(GROUPS).capitalize()} in {c.name} protested against the "
                    f"{self.alias()} outside parliament.",
            lambda: f"{c.name} said the measure would {r.choice(['help', 'hurt'])} its "
                    "exporters and called for further talks.",
            lambda: f"{c.name}'s foreign ministry {self.stance()} the "
                    f"{self.alias(r.randrange(2))}.",
            lambda: f"{name}, {country.name}'s {title.lower()}, said the {self.alias()} "
                    f"was \"{r.choice(['long overdue', 'deeply flawed', 'a step forward'])}\".",
        ]
        text = _cap(r.choice(options)())
        if r.random() < 0.6 and text.endswith(".") and not text.endswith('".'):
            text = text[:-1] + r.choice(TAILS) + "."
        return text

    def background(self) -> str:
        return self.rng.choice(BACKGROUND).format(
            month=self.rng.choice(MONTHS), day=self.rng.choice(DAYS),
            n=self.rng.randint(20, 900), n2=self.rng.randint(20, 190))

    def fresh(self, used: set[str]) -> str:
        """A sentence not yet in the article (stories do not repeat themselves)."""
        for _ in range(20):
            text = self.sentence() if self.rng.random() < 0.6 else self.background()
            if text not in used:
                break
        used.add(text)
        return text

    def article(self, words: int) -> str:
        paragraphs = [self.lead()]
        used: set[str] = set()
        count = len(paragraphs[0].split())
        while count < words:
            para = " ".join(self.fresh(used) for _ in range(self.rng.randint(1, 3)))
            paragraphs.append(para)
            count += len(para.split())
        return "\n\n".join(paragraphs)


def iter_articles(n: int, *, seed: int = 0, words: int = 400) -> Iterator[dict[str, Any]]:
    """``n`` articles of about ``words`` words (``id``, ``title``, ``date``, ``text``)."""
    rng = random.Random(seed)
    countries = load_countries()
    for i in range(n):
        writer = _Writer(rng, countries)
        text = writer.article(words - 20)
        yield {"id": f"gen-{i:06d}", "title": f"{writer.props[0][1]}: talks continue",
               "date": f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
               "source": "stancemap generated", "text": text}


def make_articles(n: int, *, seed: int = 0, words: int = 400) -> list[dict[str, Any]]:
    return list(iter_articles(n, seed=seed, words=words))


def write_corpus(path: str | Path, n: int, *, seed: int = 0, words: int = 400) -> Path:
    """Write ``n`` articles as JSONL (streamed: 10,000 articles never sit in memory)."""
    path = Path(path)
    with open(path, "w", encoding="utf-8") as f:
        for article in iter_articles(n, seed=seed, words=words):
            f.write(json.dumps(article, ensure_ascii=False) + "\n")
    return path


def write_proposals(path: str | Path) -> Path:
    """The proposals file the generated articles refer to."""
    rows = [{"id": pid, "name": name, "aliases": aliases} for pid, name, aliases in PROPOSALS]
    Path(path).write_text(yaml.safe_dump({"proposals": rows}, sort_keys=False),
                          encoding="utf-8")
    return Path(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--output", required=True)
    parser.add_argument("--proposals", help="also write the proposals file here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--words", type=int, default=400)
    args = parser.parse_args(argv)
    write_corpus(args.output, args.articles, seed=args.seed, words=args.words)
    if args.proposals:
        write_proposals(args.proposals)


if __name__ == "__main__":
    main()
