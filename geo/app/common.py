"""What more than one part of the page uses: a source's excerpts shown in part, the map's rerun."""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException

EXCERPTS_SHOWN = 5  # per source, before "show all"


def rerun_map() -> None:
    """Rerun the map and panel alone when this run is theirs, else the whole page."""
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:  # a whole-page run: the fragment scope is not open to it
        st.rerun()


def shown(items: list, total: int, key: str) -> list:
    """The first EXCERPTS_SHOWN of a source's ``total`` sentences, or all once the reader asks (a place can have thousands)."""
    if total > EXCERPTS_SHOWN and not st.toggle(f"Show all {total} sentences", key=key):
        return items[:EXCERPTS_SHOWN]
    return items
