"""What the page says the corpus is about, and the words it uses for what it found (no Streamlit here).

The heading comes from the sources file's ``[story]`` table when it has one; a folder
without one is described by its own data: the places its articles name most and their
dates. Mention types are said in a reader's words, not the geoparser's.
"""

from __future__ import annotations

import datetime as dt

from ..types import Story

__all__ = ["TYPE_WORDS", "derived_story", "nationality_label", "story_caption", "type_words"]

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
