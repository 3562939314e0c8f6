"""What more than one part of the page uses: a source's excerpts shown in part, side by side or not, the map's rerun."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

EXCERPTS_SHOWN = 5  # per source, before "show all"
COMPARE_AT_ONCE = 8  # sources in view up to which the sources are side by side unless the reader says otherwise
COMPARE_KEY = "compare_on"
COMPARE_ANCHOR = "compare"  # the comparison's heading, linked from the panel (a fixed name: the place's is data)


def side_by_side(outlets: int) -> bool:
    """Whether the sources' sentences are side by side under the map (then the panel does not repeat them).

    The reader's switch once it is drawn; before, on while few sources are in view: side by side, 25
    outlets' sentences cost a click more than the panel does.
    """
    return bool(st.session_state.get(COMPARE_KEY, side_by_side_at_first(outlets)))


def side_by_side_at_first(outlets: int) -> bool:
    """The side-by-side switch before the reader touches it: on while ``outlets`` in view are few."""
    return outlets <= COMPARE_AT_ONCE


def rerun_map() -> None:
    """Rerun the map and panel alone when this run is theirs, else the whole page."""
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:  # a whole-page run: the fragment scope is not open to it
        st.rerun()


def shown(items: list, total: int, key: str) -> list:
    """The first EXCERPTS_SHOWN of a source's ``total`` sentences, or all once the reader asks (a place can have
    thousands) with the switch ``show_all_switch`` draws under them."""
    if total > EXCERPTS_SHOWN and not st.session_state.get(key, False):
        return items[:EXCERPTS_SHOWN]
    return items


def show_all_switch(total: int, key: str) -> None:
    """Under a source's first sentences, the switch that shows all ``total`` of them, when there are more.

    Under them, not above: a source's heading and sentences are then one element, one message to
    the browser instead of three (a click with 25 sources in view sent a hundred).
    """
    if total > EXCERPTS_SHOWN:
        st.toggle(f"Show all {total} sentences", key=key)
