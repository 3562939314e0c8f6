"""Who does not mention a place, and what they name instead (no Streamlit here)."""

from __future__ import annotations

from .excerpts import escape_html
from .views import colour_dot, paragraph_html

__all__ = ["silent_html", "silent_outlets"]


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


def silent_html(place_name: str, silent: list[tuple[str, str | None]], colours: dict[str, str]) -> str:
    """One caption naming the outlets that do not mention a place, each with what they named instead."""
    entries = "; ".join(f"{colour_dot(colours.get(outlet))}<b>{escape_html(outlet)}</b>"
                        + (f" ({escape_html(instead)})" if instead else "") for outlet, instead in silent)
    return paragraph_html(f"{escape_html('Do not mention ' + place_name)}: {entries}", caption=True)
