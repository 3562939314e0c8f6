"""What the page says the corpus is about, and the words it uses for what it found (no Streamlit here).

The heading comes from the sources file's ``[story]`` table when it has one; a folder
without one is described by its own data: the places its articles name most and their
dates. Mention types are said in a reader's words, not the geoparser's.
"""

from __future__ import annotations

import datetime as dt

from ..types import Story

__all__ = ["TYPE_WORDS", "derived_story", "nationality_label", "silent_outlets", "story_caption", "type_words"]

TYPE_WORDS = {"toponym": "place name", "demonym": "nationality word", "people": "people's name",
              "venue": "venue inferred"}


def _date_text(day: str) -> str:
    try:
        parsed = dt.date.fromisoformat(day)
    except (TypeError, ValueError):
        return day
    return f"{parsed.day} {parsed:%B %Y}"


def derived_story(most_named: list[str], date_range: tuple[str, str] | None, articles: int, sources: int) -> Story:
    """A heading for a corpus whose sources file says nothing of its story."""
    named = " and ".join([", ".join(most_named[:-1]), most_named[-1]] if len(most_named) > 1 else most_named)
    title = f"News naming {named}" if named else "News geoparsing map"
    dates = ""
    if date_range:
        first, last = (_date_text(d) for d in date_range)
        dates = first if first == last else f"{first} to {last}"
    summary = f"{articles} article{'s' if articles != 1 else ''} from {sources} source{'s' if sources != 1 else ''}"
    return Story(title=title, dates=dates, summary=summary)


def story_caption(story: Story) -> str:
    """The line under the title: dates and summary (plain text)."""
    return " · ".join(part for part in (story.dates, story.summary) if part)


def type_words(kinds: str) -> str:
    """"demonym, toponym" (the store's mention types) in a reader's words."""
    return ", ".join(TYPE_WORDS.get(kind.strip(), kind.strip()) for kind in kinds.split(",") if kind.strip())


def nationality_label(examples: list[str]) -> str:
    """The toggle that hides nationality words, with this corpus's own examples."""
    shown = ", ".join(examples[:3])
    return f"Nationality words ({shown}…)" if shown else "Nationality words"


def silent_outlets(outlets: list[str], speaking: set[str], related: list[str], counts, names: dict[str, str]) -> list:
    """``(outlet, what it says instead)`` for the outlets in view that do not name the place.

    ``related``: the place's related places (Palmyra's T4 base); ``counts``: mentions per
    place and outlet in view. An outlet that names a related place says which, with how
    often; else "".
    """
    by_outlet: dict[str, list[tuple[str, int]]] = {}
    if related:
        rows = counts[counts["place_id"].isin(related)]
        for place_id, outlet, number in zip(rows["place_id"], rows["outlet"], rows["mentions"], strict=True):
            by_outlet.setdefault(outlet, []).append((names.get(place_id, place_id), int(number)))
    silent = []
    for outlet in outlets:
        if outlet in speaking:
            continue
        instead = sorted(by_outlet.get(outlet, []), key=lambda item: (-item[1], item[0]))
        note = "; ".join(f"names {name} {n} time{'s' if n != 1 else ''}" for name, n in instead)
        silent.append((outlet, note))
    return silent
