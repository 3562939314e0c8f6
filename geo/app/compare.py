"""Compare sources: what each outlet wrote about the place, side by side, and who is silent."""

from __future__ import annotations

import streamlit as st

from geo.frames import related_places
from geo.gazetteer.names import known_names
from geo.page.excerpts import escape_markdown
from geo.page.silence import evidence_html, silent_html, silent_outlets
from geo.page.views import (
    outlet_heading_html,
    paragraph_html,
    sentence_html,
)
from geo.store.evidence import corpus_names
from geo.store.read import Store

from .common import shown

COMPARE_AT_ONCE = 8  # sources in view up to which the comparison is built with every click
COMPARE_COLUMNS = 4  # sources side by side at most: a column each, readable on a laptop


@st.cache_resource(max_entries=256, show_spinner=False)
def names_used(_store: Store, generation: str, place_id: str) -> dict[str, list[tuple[str, int]]]:
    """The names the corpus's articles use for a place, by language (one query per place and store generation)."""
    return corpus_names(_store, place_id)


def compare_sources(store: Store, generation: str, place, by_outlet: dict[str, list], totals: dict[str, int],
                    outlets: list[str], counts, colours: dict[str, str], names: dict[str, str], articles: dict) -> None:
    """Every source in view side by side, full width: what each wrote, and who is silent on the place.

    Built on every click while few sources are in view; with many (a newsroom's months), on
    request: side by side, 25 outlets' sentences cost a click more than the panel does.
    """
    st.subheader(escape_markdown(f"Compare sources on {place['name']}"))
    if not st.toggle("Side by side", value=len(outlets) <= COMPARE_AT_ONCE, key="compare_on",
                     help="Each source's sentences in a column, and the sources that do not mention the place."):
        return
    silent = silent_outlets(outlets, set(by_outlet), related_places(place), counts, names, articles)
    speaking = sorted(by_outlet, key=lambda o: (-totals[o], o))
    compared = speaking if len(speaking) <= COMPARE_COLUMNS else st.multiselect(
        "Sources side by side", speaking, default=speaking[:3], max_selections=COMPARE_COLUMNS, key="compare")
    for column, outlet in zip(st.columns(max(1, len(compared))), compared, strict=False):
        with column:
            st.html(outlet_heading_html(outlet, colours.get(outlet), "h6"))
            for item in shown(by_outlet[outlet], totals[outlet], f"compare-all:{outlet}"):
                st.html(paragraph_html(sentence_html(item)))
    if silent:  # one paragraph, however many outlets are in view, and what the answer rests on
        st.html(silent_html(place["name"], silent, colours))
        st.html(evidence_html(known_names(place["place_id"]), names_used(store, generation, place["place_id"])))
