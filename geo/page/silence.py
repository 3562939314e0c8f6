"""Who does not mention a place, over which of their articles, and what they name instead (no Streamlit here).

"Does not mention" is an answer a reader acts on, so it comes with what it rests on: how many
of each outlet's articles in view were read, in which languages, and the names looked for.
"""

from __future__ import annotations

from ..words import counted
from .excerpts import escape_html, isolated
from .views import colour_dot, language_name, paragraph_html

__all__ = ["NAMES_SHOWN", "evidence_html", "silent_html", "silent_outlets"]

NAMES_SHOWN = 8  # names per language in the evidence line; the rest are counted


def silent_outlets(outlets: list[str], speaking: set[str], related: list[str], counts, names: dict[str, str],
                   articles: dict | None = None, not_counted: frozenset[str] = frozenset()) -> list:
    """``(outlet, what backs the answer)`` for the outlets in view that do not name the place.

    ``related``: the place's related places (Palmyra's T4 base); ``counts``: mentions per
    place and outlet in view; ``articles``: ``outlet -> (articles, languages)`` in view
    (``geo.store.evidence.outlet_articles``). The note says over how many articles (and in which
    languages, when not English), then which related place the outlet names instead and how
    often. An outlet with no article in view says nothing either way, and neither does one in
    ``not_counted`` (the articles whose source is not stated are no outlet): both are left out.
    """
    by_outlet: dict[str, list[tuple[str, int]]] = {}
    if related:
        rows = counts[counts["place_id"].isin(related)]
        for place_id, outlet, number in zip(rows["place_id"], rows["outlet"], rows["mentions"], strict=True):
            by_outlet.setdefault(outlet, []).append((names.get(place_id, place_id), int(number)))
    silent = []
    for outlet in outlets:
        if outlet in speaking or outlet in not_counted:
            continue
        parts = []
        if articles is not None:
            if outlet not in articles:
                continue
            read, languages = articles[outlet]
            told = [language_name(code) for code in languages if code and code != "en"]
            parts.append(f"{counted(read, 'article')} in view" + (f", in {' and '.join(told)}" if told else ""))
        instead = sorted(by_outlet.get(outlet, []), key=lambda item: (-item[1], item[0]))
        parts += [f"names {name} {counted(n, 'time')}" for name, n in instead]
        silent.append((outlet, "; ".join(parts)))
    return silent


def silent_html(place_name: str, silent: list[tuple[str, str | None]], colours: dict[str, str]) -> str:
    """One caption naming the outlets that do not mention a place, each with what backs it."""
    entries = "; ".join(f"{colour_dot(colours.get(outlet))}<b>{escape_html(outlet)}</b>"
                        + (f" ({escape_html(instead)})" if instead else "") for outlet, instead in silent)
    return paragraph_html(f"{escape_html('Do not mention ' + place_name)}: {entries}", caption=True)


def _names_html(names: list[str], shown: int = NAMES_SHOWN) -> str:
    listed = ", ".join(isolated(name) for name in names[:shown])
    return listed + (escape_html(f" and {len(names) - shown} more") if len(names) > shown else "")


def evidence_html(known: dict[str, list[str]], used: dict[str, list[tuple[str, int]]]) -> str:
    """What "does not mention" looked for, as a caption: the gazetteer's names by language (``known``, from
    ``geo.gazetteer.names``), then the names the corpus's articles use for the place (``used``, with counts)."""
    if known:
        by_language = "; ".join(f"{escape_html(language_name(code))}: {_names_html(names)}" for code, names in known.items())
        looked = f"Looked for by every name the gazetteer gives it, among them {by_language}."
    else:  # a GeoNames town: its names are in the index, not in a file the page reads
        looked = "Looked for by every name the gazetteer gives it (GeoNames' name and alternate names)."
    spoken = [f"in {escape_html(language_name(code) if code else 'an undetected language')} " + ", ".join(
        f"{isolated(name)} {escape_html(counted(n, 'time'))}" for name, n in names[:NAMES_SHOWN])
        for code, names in used.items()]
    if spoken:
        looked += " This corpus's articles name it " + "; ".join(spoken) + "."
    return paragraph_html(looked, caption=True)
