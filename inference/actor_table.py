"""The actor gazetteer: countries, organisations and users' own aliases, by surface form.

The package ships ``stancemap/resources/countries.yaml`` (names, official and other forms,
capitals, demonyms, metonyms for every state, and the main international organisations).
Users add their own actors in a YAML file shaped like the proposals file::

    actors:
      - name: Liberal Democratic Party     # the canonical name written to output rows
        aliases: [LDP, the ruling party]
        type: party                        # optional; default "organisation"
        affiliation: Japan                 # optional

A user's entry wins over the shipped table for the same alias.

>>> table = ActorTable.load()
>>> table.lookup("Beijing").name, table.lookup("the U.S.").name, table.demonym("Chinese")
('China', 'United States', 'China')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from stancemap.errors import DataError

COUNTRY_FIELDS = ("name", "official", "other", "capitals", "metonyms")


@dataclass(frozen=True)
class ActorEntry:
    """A canonical actor the table knows: ``type`` is state, organisation, or a user's type."""

    name: str
    type: str
    affiliation: str | None = None


@dataclass(frozen=True)
class Alias:
    """One surface form of an entry, with how it may be matched."""

    form: str
    entry: ActorEntry
    case_sensitive: bool = False  # "US", "WHO": their lower-case forms are ordinary words
    ambiguous: bool = False  # "Georgia", "Washington": confirm with NER before trusting


def normalize(form: str) -> str:
    """The lookup key of a surface form: no leading "the", no possessive, single spaces.

    >>> normalize("the  Kremlin's"), normalize("The U.S.")
    ('kremlin', 'u.s.')
    """
    form = form.replace("\u2019", "'").strip()
    form = re.sub(r"'s?$", "", form)
    form = re.sub(r"^the\s+", "", form, flags=re.IGNORECASE)
    return " ".join(form.split()).lower()


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str) and v.strip()]


class ActorTable:
    """Surface form -> canonical actor, and demonym -> country.

    Build it with :meth:`load` (the shipped table plus an optional user file).
    """

    def __init__(self, aliases: list[Alias], demonyms: dict[str, str]) -> None:
        self.aliases = aliases
        self._by_form: dict[str, Alias] = {}
        for alias in aliases:  # later aliases (user entries) override earlier ones
            self._by_form[normalize(alias.form)] = alias
        self._demonyms = {normalize(k): v for k, v in demonyms.items()}
        self.demonym_forms = sorted(demonyms, key=len, reverse=True)

    # ------------------------------------------------------------------------- loading
    @classmethod
    def load(cls, path: str | Path | None = None, *,
             user_aliases: str | Path | None = None) -> ActorTable:
        """The shipped country table (or ``path``), plus a user's alias file if given."""
        aliases, demonyms = _read_table(str(path) if path else None)
        if user_aliases is not None:
            aliases = aliases + read_user_aliases(user_aliases)
        return cls(aliases, demonyms)

    # ------------------------------------------------------------------------- lookup
    def lookup(self, form: str) -> ActorEntry | None:
        """The entry a surface form names, or ``None``; honours case-sensitive aliases."""
        alias = self.alias(form)
        return alias.entry if alias else None

    def alias(self, form: str) -> Alias | None:
        alias = self._by_form.get(normalize(form))
        if alias is None:
            return None
        if alias.case_sensitive and re.sub(r"^the\s+", "", form.strip()) != alias.form:
            return None
        return alias

    def demonym(self, form: str) -> str | None:
        """The country a demonym ("Chinese", "South Korean") belongs to, or ``None``."""
        return self._demonyms.get(normalize(form))

    def country_names(self) -> set[str]:
        return {a.entry.name for a in self.aliases if a.entry.type == "state"}


@lru_cache(maxsize=4)
def _read_table(path: str | None) -> tuple[list[Alias], dict[str, str]]:
    import yaml

    if path is None:
        text = (resources.files("stancemap") / "resources" / "countries.yaml").read_text(
            encoding="utf-8")
        where = "stancemap/resources/countries.yaml"
    else:
        text, where = Path(path).read_text(encoding="utf-8"), path
    doc = yaml.safe_load(text) or {}
    if not isinstance(doc, dict):
        raise DataError("expected 'countries:' and 'organisations:' lists", path=where)
    aliases: list[Alias] = []
    demonyms: dict[str, str] = {}
    for i, item in enumerate(doc.get("countries") or []):
        if not isinstance(item, dict) or not item.get("name"):
            raise DataError("missing or empty", path=where, field=f"countries[{i}].name")
        entry = ActorEntry(item["name"], "state")
        sensitive = set(_as_list(item.get("case_sensitive")))
        for key in COUNTRY_FIELDS:
            ambiguous = bool(item.get(f"ambiguous_{'capital' if key == 'capitals' else 'name'}"))
            if key in ("official", "other", "metonyms"):
                ambiguous = False  # long and specific forms are safe
            for form in _as_list(item.get(key)):
                aliases.append(Alias(form, entry, form in sensitive, ambiguous))
        for form in _as_list(item.get("demonyms")):
            demonyms.setdefault(form, entry.name)
    for i, item in enumerate(doc.get("organisations") or []):
        if not isinstance(item, dict) or not item.get("name"):
            raise DataError("missing or empty", path=where, field=f"organisations[{i}].name")
        entry = ActorEntry(item["name"], "organisation")
        sensitive = set(_as_list(item.get("case_sensitive")))
        for form in [item["name"], *_as_list(item.get("aliases"))]:
            aliases.append(Alias(form, entry, form in sensitive))
    return aliases, demonyms


def read_user_aliases(path: str | Path) -> list[Alias]:
    """A user's actor file (``actors: [{name, aliases, type?, affiliation?}]``) as aliases."""
    from stancemap.inference.proposals import read_alias_file

    out: list[Alias] = []
    for entry in read_alias_file(path, "actors", require_id=False):
        actor = ActorEntry(entry["name"], str(entry.get("type") or "organisation"),
                           entry.get("affiliation"))
        for form in [entry["name"], *entry["aliases"]]:
            out.append(Alias(form, actor))
    return out


@lru_cache(maxsize=1)
def default_table() -> ActorTable:
    """The shipped table, loaded once per process."""
    return ActorTable.load()
