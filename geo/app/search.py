"""Search the articles: the box above the map, and the sentences that hold the words."""

from __future__ import annotations

import streamlit as st

from geo.page.excerpts import escape_markdown
from geo.page.session import link
from geo.page.views import (
    outlet_heading_html,
    paragraph_html,
    phrase_html,
    stacked_html,
)
from geo.store import read
from geo.store.read import Store
from geo.words import counted

from .common import show_all_switch, shown
from .resources import BY_VIEW_TOKEN, ViewKey


def search_box(where, store: Store, key: ViewKey) -> tuple[str, set[str]]:
    """The search over the articles' sentences (in the link as ``q``); the phrase and the places its sentences name."""
    st.session_state.setdefault("search", st.query_params.get("q", ""))
    phrase = " ".join(where.text_input("Search the articles", key="search", placeholder="e.g. air base",
                                       max_chars=200).split())
    link(st.query_params, "q", phrase or None)
    if not phrase:
        return "", set()
    hits = sentence_hits(store, key, phrase)
    return phrase, {place for places in hits["places"] for place in places}


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=BY_VIEW_TOKEN)
def sentence_hits(_store: Store, key: ViewKey, phrase: str):
    """The sentences in view holding a phrase, with the places each names; shared by readers searching the same."""
    return read.search_sentences(_store, phrase, key.view)


def search_results(store: Store, key: ViewKey, phrase: str, colours: dict[str, str], expanded: bool) -> None:
    """The sentences holding the phrase, by outlet, the phrase in bold; their places are highlighted on the map."""
    hits = sentence_hits(store, key, phrase)
    outlets = hits["outlet"].nunique()
    title = (f"{counted(len(hits), 'sentence')} with “{phrase}” in {counted(outlets, 'source')}; their places are "
             "highlighted on the map" if len(hits) else f"No sentence in view has “{phrase}”")
    with st.expander(escape_markdown(title), expanded=expanded and bool(len(hits))):
        for outlet, group in hits.groupby("outlet", sort=True):
            rows = shown(list(group.itertuples()), len(group), f"search-all:{outlet}")
            st.html(stacked_html([outlet_heading_html(outlet, colours.get(outlet)),
                                  *(paragraph_html(phrase_html(row.sentence, phrase)) for row in rows)]))
            show_all_switch(len(group), f"search-all:{outlet}")
