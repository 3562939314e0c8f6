"""The names the gazetteer's own files give a place, by language: what a "does not mention" answer looked for.

Read from the data files themselves (the curated features, the country aliases, CLDR's country
names through Babel), not from the compiled index: the page shows them without loading the index,
which it needs only to parse. GeoNames' alternate names of towns are in the index alone; a town's
names here are the ones its curated entry adds, if any.
"""

from __future__ import annotations

import functools
import json
import tomllib
from pathlib import Path

from .build import load_languages
from .index import DATA_DIR
from .regional import read_regional
from .sides import side_words_table

__all__ = ["known_names"]


@functools.cache  # the data files do not change under a running page
def _curated(data_dir: Path) -> dict[str, dict[str, list[str]]]:
    """``place id -> {language: names}`` from gazetteer.geojson, aliases.toml and regional.toml ({} for a file that is
    missing or broken)."""
    found: dict[str, dict[str, list[str]]] = {}
    try:
        features = json.loads((data_dir / "gazetteer.geojson").read_text(encoding="utf-8")).get("features", [])
    except (OSError, ValueError, AttributeError):
        features = []
    for feature in features:
        props = feature.get("properties") or {} if isinstance(feature, dict) else {}
        place_id = props.get("id")
        if not isinstance(place_id, str):
            continue
        names = found.setdefault(place_id, {})
        # The name and its aliases are written in Latin letters for English news; "names" adds other languages'.
        english = [props.get("name"), *(props.get("aliases") or []), *(props.get("context_aliases") or [])]
        names.setdefault("en", []).extend(n for n in english if isinstance(n, str))
        for language, more in (props.get("names") or {}).items():
            names.setdefault(language, []).extend(n for n in more if isinstance(n, str))
    try:
        aliases = tomllib.loads((data_dir / "aliases.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        aliases = {}
    for row in [*aliases.get("alias", []), *aliases.get("abbreviation", [])]:
        if isinstance(row.get("place"), str):
            found.setdefault(row["place"], {}).setdefault("en", []).extend(
                n for n in row.get("names", []) if isinstance(n, str))
    for entry in read_regional(data_dir).entries:  # the region's districts, villages and features
        names = found.setdefault(entry["place_id"], {})
        names.setdefault("en", []).extend([entry["name"], *entry["aliases"]])
        for language, more in entry["names"].items():
            names.setdefault(language, []).extend(more)
    return found


def _country_names(code: str, languages: list[str]) -> dict[str, list[str]]:
    """CLDR's name of a country in English and in each language the geoparser reads (as the index has them)."""
    from babel import Locale

    names: dict[str, list[str]] = {}
    for language in ["en", *languages]:
        try:
            name = Locale.parse(language).territories.get(code)
        except (ValueError, TypeError):  # a language Babel does not know: nothing to add
            continue
        if name:
            names.setdefault(language, []).append(name)
    return names


@functools.cache
def _side_words(data_dir: Path) -> dict[str, dict[str, list[str]]]:
    """``language -> side -> the words written before a name`` (data/sides.toml; {} when missing or broken)."""
    table = side_words_table(data_dir / "sides.toml")
    return {language: {side: [w for w in words if isinstance(w, str)] for side, words in (entry.get("before") or {}).items()
                       if isinstance(words, list)}
            for language, entry in table.items() if isinstance(entry, dict)}


@functools.lru_cache(maxsize=1024)  # asked on every render of a comparison: read the files and CLDR once per place
def known_names(place_id: str, data_dir: str | Path | None = None) -> dict[str, list[str]]:
    """``{language: names}`` the data files give ``place_id``: each name once per language (case aside), English first.

    Shared between callers (cached): read it, never change it."""
    data_dir = Path(data_dir) if data_dir else DATA_DIR
    names: dict[str, list[str]] = {}
    if place_id.startswith("side:"):  # "side:country:LB:south": the words for the side before the whole's names
        whole, side = place_id[len("side:"):].rsplit(":", 1)
        words = _side_words(data_dir)
        for language, whole_names in known_names(whole, data_dir).items():
            names[language] = [f"{phrase} {name}" for phrase in words.get(language, {}).get(side, [])
                               for name in whole_names]
    elif place_id.startswith("country:"):
        names = _country_names(place_id.split(":", 1)[1], sorted(load_languages(data_dir / "languages.toml")))
    for language, more in _curated(data_dir).get(place_id, {}).items():
        names.setdefault(language, []).extend(more)
    unique = {}
    for language in sorted(names, key=lambda code: (code != "en", code)):
        # Once per language, case aside (a sentence's first word is capitalised; the index folds case too).
        kept: dict[str, str] = {}
        for name in names[language]:
            if name := " ".join(name.split()):
                kept.setdefault(name.casefold(), name)
        if kept:
            unique[language] = list(kept.values())
    return unique
