"""Actor swapping: train on the words around an actor, not on who the actor is.

A classifier fine-tuned on a few thousand news sentences learns priors about names:
if "China" mostly opposes in the training data, "Russia, China and Algeria voted
against it" can come out as support for China and oppose for Algeria. Relation
extraction work finds the same shortcut and removes it by hiding or replacing entity
names during training (Peng et al. 2020, "Learning from Context or Names?"). Here each
epoch replaces, with probability ``rate``, a training row's marked actor mention by the
mention of another actor of the same kind from the training data ("Beijing"/China by
"Tokyo"/Japan, "the foreign ministry in Seoul" by "Kenya's treasury"); the label
stays, because by the codebook it follows from the sentence, not from the name.
Only training rows change; dev and test are read as written.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from stancemap.encoding import mention_pattern
from stancemap.records import Example

_DETERMINER = re.compile(r"(?i)^(the|a|an|its|their|his|her)\s")
_THE_BEFORE = re.compile(r"(?i)\bthe\s+$")


def _slot(ex: Example) -> tuple[str, bool] | None:
    """The row's kind of actor and whether its mention follows "the", or None if unusable.

    Swapping only within a slot keeps the sentence grammatical: "the European Union"
    becomes "the African Union", never "the Japan"; a mention that carries its own
    determiner ("the foreign ministry") or ends a plural possessive ("farmers' union")
    is left alone.
    """
    mention = ex.mention.strip()
    match = mention_pattern(mention).search(ex.text) if mention else None
    if match is None or _DETERMINER.match(mention):
        return None
    after = ex.text[match.end():match.end() + 2]
    if after[:1] in ("'", "\u2019") and after[1:2] != "s":
        return None
    after_the = bool(_THE_BEFORE.search(ex.text[:match.start()]))
    return str(ex.extra.get("actor_type") or "any"), after_the


class ActorSwapper:
    """Replace actors' mentions with other actors' mentions of the same kind.

    The pool holds every (actor, mention) pair of the rows given to it whose mention
    occurs in its sentence, grouped by ``actor_type`` where the data has one and by
    whether the mention follows "the".

    >>> rows = [Example("Japan backed the plan.", "Japan", "plan", "support",
    ...                 extra={"actor_type": "state"}),
    ...         Example("Beijing rejected the plan.", "China", "plan", "oppose",
    ...                 actor_mention="Beijing", extra={"actor_type": "state"})]
    >>> swapped = ActorSwapper(rows).swap(rows, rate=1.0, seed=0)
    >>> [(ex.text, ex.actor) for ex in swapped]
    [('Beijing backed the plan.', 'China'), ('Japan rejected the plan.', 'Japan')]
    """

    def __init__(self, examples: Sequence[Example]):
        seen: dict[tuple[str, bool], dict[tuple[str, str], None]] = defaultdict(dict)
        for ex in examples:
            slot = _slot(ex)
            if slot is not None:
                seen[slot][(ex.actor, ex.mention.strip())] = None
        self.pool = {slot: list(pairs) for slot, pairs in seen.items()}

    def swap(self, examples: Sequence[Example], *, rate: float, seed: int) -> list[Example]:
        """A copy of ``examples`` in which about ``rate`` of the rows name another actor.

        A row keeps its actor when its mention is not in its sentence, when its kind has
        no other actor, or when the chosen name already occurs in the sentence (two
        different actors would then share one name).
        """
        rng = random.Random(seed)
        out = []
        for ex in examples:
            if rate <= 0 or rng.random() >= rate:
                out.append(ex)
                continue
            out.append(self._swap_one(ex, rng) or ex)
        return out

    def _swap_one(self, ex: Example, rng: random.Random) -> Example | None:
        slot = _slot(ex)
        if slot is None:
            return None
        pattern = mention_pattern(ex.mention.strip())
        choices = [p for p in self.pool.get(slot, []) if p[0] != ex.actor]
        if not choices:
            return None
        actor, mention = rng.choice(choices)
        present = mention_pattern(mention)
        if present.search(ex.text) or (ex.context and present.search(ex.context)):
            return None

        def put(match: re.Match[str]) -> str:
            # A name at the start of a sentence keeps its capital ("the EU" -> "The EU").
            at_start = match.start() == 0 or match.string[:match.start()].rstrip().endswith(
                (".", "\"", "'"))
            return mention[:1].upper() + mention[1:] if at_start else mention

        context = pattern.sub(put, ex.context) if ex.context else ex.context
        return replace(ex, text=pattern.sub(put, ex.text), actor=actor, actor_mention=mention,
                       context=context)
