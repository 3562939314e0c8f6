"""A reader's session: what they selected, clicked and opened, kept in two mappings (no Streamlit here).

The page hands in its session state and its URL's query parameters; both are plain mappings
here, so the rules (a click's echo is not a new click, a link names the selection) are tested
without a browser.
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

from .views import place_for_tooltip

__all__ = ["held", "link", "map_selection", "select_place", "shown_in_full", "take_click"]


def held(state: MutableMapping, name: str, key, compute: Callable):
    """``compute()``, kept in the session while ``key`` stays the same.

    The shared caches share a view's work between readers; with many readers' views they evict
    each other, and this keeps a reader's clicks from redoing its own view (a reference to the
    shared object, so nothing is copied).
    """
    kept = state.setdefault("held_views", {})
    if name not in kept or kept[name][0] != key:
        kept[name] = (key, compute())
    return kept[name][1]


def link(params: MutableMapping, name: str, value: str | None) -> None:
    """Keep one part of the view in the link: ``name=value``, or nothing when it is None (the default)."""
    if value is None:
        params.pop(name, None)
    else:
        params[name] = value


def select_place(state: MutableMapping, params: MutableMapping, place_id: str | None, on_map: bool = False) -> None:
    """Make ``place_id`` the selection and the link's; ``on_map``: clicked there, so already in view."""
    state["place"] = place_id
    state["picked_on_map"] = on_map
    state["choices"] = state.get("choices", 0) + 1  # each choice, the same place again included
    link(params, "place", place_id or None)


def take_click(state: MutableMapping, params: MutableMapping, value: dict | None, labels: dict[str, str]) -> bool:
    """Select the place a new map click names; True when the selection changed."""
    count = (value or {}).get("last_object_clicked_count")
    if not count or count == state.get("clicks"):  # no click, or a rerun's echo of the last one
        return False
    state["clicks"] = count
    chosen = place_for_tooltip((value or {}).get("last_object_clicked_tooltip") or "", labels)
    changed = chosen != state.get("place")
    select_place(state, params, chosen, on_map=True)
    return changed


def map_selection(state: MutableMapping, map_key: str, drawn: Callable[[], dict]) -> dict:
    """The map component's selection arguments for this run.

    They stay as they were, so the map's payload is not sent again, while ``map_key`` stays
    the same and no place has been chosen since; and a place clicked on this map is outlined
    there already and not moved under the pointer, so a click keeps them too. A choice made
    elsewhere (the list, a link) is drawn anew, numbered: the same place chosen again is
    drawn again.
    """
    kept = state.get("map_selection")
    choices = state.get("choices", 0)
    if kept and kept[0] == map_key and (kept[1] == choices or state.get("picked_on_map")):
        return kept[2]
    shown = drawn()
    if shown["feature_group"]:
        number = state["selection_number"] = state.get("selection_number", 0) + 1
        shown["feature_group"] = f"/* selection {number} */\n" + shown["feature_group"]
    state["map_selection"] = (map_key, choices, shown)
    return shown


def shown_in_full(state: MutableMapping, outlets) -> tuple[str, ...]:
    """The sources of ``outlets`` (those in view: only theirs have a switch) whose "show all" is on, in the panel
    or the comparison."""
    # Each switch asked by its key: going through a session's keys reads back every widget's value (a tenth of a
    # click's time at 10,000 articles).
    return tuple(sorted({outlet for outlet in outlets
                         if state.get(f"all:{outlet}") or state.get(f"compare-all:{outlet}")}))
