"""The selected place's panel: what it is, and each sentence that names it, by source."""

from __future__ import annotations

import contextlib
from typing import NamedTuple

import streamlit as st

from geo.frames import related_places
from geo.gazetteer.names import known_names
from geo.page.corpus import PagePaths
from geo.page.excerpts import escape_html, escape_markdown
from geo.page.session import select_place, shown_in_full
from geo.page.views import (
    excerpt_paragraphs,
    outlet_heading_html,
    paragraph_html,
    place_caption,
    stacked_html,
)
from geo.store import read
from geo.store.read import Store
from geo.words import counted

from .common import COMPARE_ANCHOR, EXCERPTS_SHOWN, rerun_map, show_all_switch, shown, side_by_side
from .resources import BY_VIEW_TOKEN, ViewKey, corpus_facts
from .review import review_place
from .tables import scroll_to_panel_once


class PanelSentences(NamedTuple):
    """A place's sentences in a view as the panel and the comparison show them (``read.place_sentences``)."""

    by_outlet: dict[str, list]  # the excerpts kept, per outlet
    totals: dict[str, int]  # sentences per outlet
    articles: dict[str, dict]  # the excerpts' articles
    confidence: float | None
    corrected: bool


@st.cache_resource(max_entries=256, show_spinner=False, hash_funcs=BY_VIEW_TOKEN)
def panel_sentences(_store: Store, key: ViewKey, place_id: str, every: tuple[str, ...]) -> PanelSentences:
    """A place's excerpts, their articles and how sure the map is of it, in a view, shared by its readers.

    The first EXCERPTS_SHOWN per outlet, all for the outlets in ``every``; small, so many are kept.
    """
    found = read.place_sentences(_store, place_id, key.view, EXCERPTS_SHOWN, every)
    by_outlet: dict[str, list] = {}
    for item in found.excerpts:
        by_outlet.setdefault(item.outlet, []).append(item)
    return PanelSentences(by_outlet, found.totals, found.articles, found.confidence, found.corrected)


def place_panel(store: Store, place_id: str, place, key: ViewKey, colours: dict[str, str], paths: PagePaths) -> None:
    # The map's script scrolls a phone to this mark after a tap (static/leaflet-setup.js).
    st.html('<div id="newsgeo-panel" style="scroll-margin-top:4.5rem"></div>')
    scroll_to_panel_once()
    st.subheader(escape_markdown(place["name"]))
    st.caption(escape_markdown(place_caption(place)))
    if place["description"]:
        st.text(place["description"])
    if place["venue_note"]:
        st.info(escape_markdown(place["venue_note"]))
    names = corpus_facts(store, key.generation, key.layer).names
    for other in related_places(place):
        # A related place the corpus never names (a side's country) by the gazetteer's own name for it, not its id.
        label = names.get(other) or next(iter(known_names(other).get("en", [])), other)
        if st.button(escape_markdown(f"Related: {label}"), key=f"rel:{other}"):
            select_place(st.session_state, st.query_params, other)
            rerun_map()
    # The first few sentences per source, all of them for the sources whose "show all" is on.
    found = panel_sentences(store, key, place_id, shown_in_full(st.session_state, key.view.outlets))
    review_place(store, place_id, key, paths, found.confidence, found.corrected)
    if side_by_side(len(key.view.outlets)):  # the sentences are under the map: here, who wrote how many
        sources_named(found.by_outlet, found.totals, colours)
    else:
        excerpts_by_source(store, found.by_outlet, found.totals, found.articles, colours)


def sources_named(by_outlet: dict[str, list], totals: dict[str, int], colours: dict[str, str]) -> None:
    """Each source naming the place and how often, when their sentences are side by side under the map."""
    st.caption(f"Each source's sentences are [side by side below](#{COMPARE_ANCHOR}), under “Compare sources”.")
    if by_outlet:  # one element for them all: one message, however many sources
        st.html(stacked_html([block for outlet in by_outlet for block in (
            outlet_heading_html(outlet, colours.get(outlet)),
            paragraph_html(escape_html(counted(totals[outlet], "sentence") + " naming it"), caption=True))]))


def one_after_another(outlets: list[str]) -> dict:
    """Each source where the page is, one under the other (the panel's layout)."""
    return dict.fromkeys(outlets, contextlib.nullcontext())


def excerpts_by_source(store: Store, by_outlet: dict[str, list], totals: dict[str, int], articles: dict,
                       colours: dict[str, str], layout=one_after_another, level: str = "h5", switch: str = "all") -> None:
    """Each source's sentences naming the place, with its article's title and date (and, asked, the sentences around).

    ``layout`` gives each source its place (one after another in the panel, columns side by side in the
    comparison); ``level`` is its heading's, ``switch`` the prefix of its "show all" switch's key.
    """
    context = st.toggle("Show the sentences around each excerpt", key="context")
    shown_items = {outlet: shown(items, totals[outlet], f"{switch}:{outlet}") for outlet, items in by_outlet.items()}
    everything = [item for items in shown_items.values() for item in items]
    if context:  # the texts too, for the sentences around: not kept in the shared cache
        articles = read.article_details(store, sorted({i.article_id for i in everything}), with_text=True)
    around = read.neighbour_spans(store, [(i.article_id, i.sentence_index) for i in everything]) if context else {}
    # Each source in order: its heading and excerpts as one element, its "show all" switch under them.
    groups = layout(list(by_outlet))
    for outlet, items in shown_items.items():
        with groups[outlet]:
            draw_excerpts(outlet_heading_html(outlet, colours.get(outlet), level), items, articles, around)
            show_all_switch(totals[outlet], f"{switch}:{outlet}")


def draw_excerpts(heading: str, items: list, articles: dict, around: dict) -> None:
    """One source's heading and excerpts, each with its caption (and the sentences around it when asked), as one
    element."""
    paragraphs = [heading]
    for item in items:
        around_item = around.get((item.article_id, item.sentence_index), ([], []))
        paragraphs += [paragraph_html(fragment, caption)
                       for fragment, caption in excerpt_paragraphs(item, articles[item.article_id], around_item)]
    st.html(stacked_html(paragraphs))
