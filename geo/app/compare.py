"""Compare sources: what each outlet wrote about the place, side by side, and who is silent."""

from __future__ import annotations

import streamlit as st

from geo.frames import related_places
from geo.page.excerpts import escape_markdown
from geo.page.silence import silent_html, silent_outlets
from geo.page.views import (
    outlet_heading_html,
    paragraph_html,
    sentence_html,
)

from .common import shown

COMPARE_AT_ONCE = 8  # sources in view up to which the comparison is built with every click
COMPARE_COLUMNS = 4  # sources side by side at most: a column each, readable on a laptop


def compare_sources(place, by_outlet: dict[str, list], totals: dict[str, int], outlets: list[str], counts,
                    colours: dict[str, str], names: dict[str, str]) -> None:
    """Every source in view side by side, full width: what each wrote, and who is silent on the place.

    Built on every click while few sources are in view; with many (a newsroom's months), on
    request: side by side, 25 outlets' sentences cost a click more than the panel does.
    """
    st.subheader(escape_markdown(f"Compare sources on {place['name']}"))
    if not st.toggle("Side by side", value=len(outlets) <= COMPARE_AT_ONCE, key="compare_on",
                     help="Each source's sentences in a column, and the sources that do not mention the place."):
        return
    silent = silent_outlets(outlets, set(by_outlet), related_places(place), counts, names)
    speaking = sorted(by_outlet, key=lambda o: (-totals[o], o))
    compared = speaking if len(speaking) <= COMPARE_COLUMNS else st.multiselect(
        "Sources side by side", speaking, default=speaking[:3], max_selections=COMPARE_COLUMNS, key="compare")
    for column, outlet in zip(st.columns(max(1, len(compared))), compared, strict=False):
        with column:
            st.html(outlet_heading_html(outlet, colours.get(outlet), "h6"))
            for item in shown(by_outlet[outlet], totals[outlet], f"compare-all:{outlet}"):
                st.html(paragraph_html(sentence_html(item)))
    if silent:  # one paragraph, however many outlets are in view
        st.html(silent_html(place["name"], silent, colours))
