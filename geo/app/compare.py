"""Compare sources: what each outlet wrote about the place, side by side, and who is silent."""

from __future__ import annotations

import streamlit as st

from geo.frames import related_places
from geo.gazetteer.names import known_names
from geo.page.excerpts import escape_markdown
from geo.page.silence import evidence_html, silent_html, silent_outlets
from geo.store.evidence import corpus_names
from geo.store.read import Store
from geo.text.outlet import NOT_STATED

from .common import COMPARE_ANCHOR, COMPARE_KEY, side_by_side_at_first
from .panel import excerpts_by_source

COMPARE_COLUMNS = 4  # sources side by side at most: a column each, readable on a laptop


@st.cache_resource(max_entries=256, show_spinner=False)
def names_used(_store: Store, generation: str, place_id: str) -> dict[str, list[tuple[str, int]]]:
    """The names the corpus's articles use for a place, by language (one query per place and store generation)."""
    return corpus_names(_store, place_id)


def compare_sources(store: Store, generation: str, place, found, outlets: list[str], counts, colours: dict[str, str],
                    names: dict[str, str], articles: dict) -> None:
    """Every source in view side by side, full width: what each wrote, and who is silent on the place.

    Side by side while few sources are in view, unless the reader says otherwise; the panel then lists
    each source without its sentences, so no excerpt is on the screen twice (``common.side_by_side``).
    """
    by_outlet, totals = found.by_outlet, found.totals
    st.subheader(escape_markdown(f"Compare sources on {place['name']}"), anchor=COMPARE_ANCHOR)
    if st.toggle("Side by side", value=side_by_side_at_first(len(outlets)), key=COMPARE_KEY,
                 help="Each source's sentences in a column here, instead of one after another beside the map."):
        speaking = sorted(by_outlet, key=lambda o: (-totals[o], o))
        excerpts_by_source(store, {o: by_outlet[o] for o in speaking}, totals, found.articles, colours,
                           layout=in_columns, level="h6", switch="compare-all")
    # The articles whose source is not stated are no outlet: their silence says nothing of anyone's coverage.
    silent = silent_outlets(outlets, set(by_outlet), related_places(place), counts, names, articles,
                            not_counted=frozenset({NOT_STATED}))
    draw_silent(store, generation, place, silent, colours)


def in_columns(outlets: list[str]) -> dict:
    """Every source a column, in rows of as many columns as a laptop can read side by side."""
    width = max(1, min(COMPARE_COLUMNS, len(outlets)))
    columns = {}
    for row in range(0, len(outlets), width):
        columns |= dict(zip(outlets[row:row + width], st.columns(width), strict=False))
    return columns


def draw_silent(store: Store, generation: str, place, silent: list, colours: dict[str, str]) -> None:
    """The sources that do not mention the place, and what that answer rests on (side by side or not)."""
    if silent:  # one paragraph, however many outlets are in view, and what the answer rests on
        st.html(silent_html(place["name"], silent, colours))
        st.html(evidence_html(known_names(place["place_id"]), names_used(store, generation, place["place_id"])))
