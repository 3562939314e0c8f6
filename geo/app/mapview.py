"""The map and, beside it, the place list and the panel: a fragment that a click reruns alone."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st
import streamlit_folium

from geo.page.corpus import PagePaths
from geo.page.map_elements import component_arguments
from geo.page.mapping import PAGE_STYLE, build_map
from geo.page.own_places import OwnMap, dropped_script, own_map
from geo.page.payload import served_script
from geo.page.reader_view import MapNumbers, view_data, view_element
from geo.page.selection import selection_arguments
from geo.page.session import held, map_selection, select_place, shown_in_full, take_click
from geo.store import read
from geo.store.read import Store, View

from .common import rerun_map
from .compare import compare_sources
from .panel import panel_sentences, place_panel
from .resources import BY_VIEW_TOKEN, Layer, ViewKey, corpus_facts, store_faults, this_view, view_facts
from .search import search_box, search_results
from .slots import run_slot

RETURNED = ["last_object_clicked_tooltip", "last_object_clicked_count"]  # clicks only: pan and zoom do not rerun
FIND_KEY = "find_place"  # the "Find a place" box's state


class CorpusMap(NamedTuple):
    """The map of a whole corpus generation: the component's arguments, its labels and the numbers static/view.js
    knows its places and sources by."""

    arguments: dict
    labels: dict[str, str]
    numbers: MapNumbers
    places: object  # the places it draws, as the corpus's view has them (a shared frame: read it, never change it)


@st.cache_resource(max_entries=8, show_spinner=False)
def corpus_map(_store: Store, generation: str, countries: bool, colours: tuple) -> CorpusMap:
    """The map component's arguments for every place of the corpus, as st_folium computes them, once per generation.

    st_folium renders the whole folium map on every call (0.2 s and more at 10,000 articles);
    here it is rendered once for every reader, and each reader's view is applied to it in the
    browser (``view_html``). The script is the same for all of them (a file, in no reader's
    messages), so the browser keeps the mounted map, its pan and its zoom, when a view changes;
    a session's uploads and corrections are laid on it there too (``session_additions``).
    ``_store`` is the store without any session's own articles.
    """
    outlets = corpus_facts(_store, generation, Layer()).outlets
    in_corpus, counts = view_facts(_store, ViewKey(generation, Layer(), View(outlets))).figures
    fmap, labels = build_map(in_corpus, counts, outlets=list(outlets), colours=dict(colours), show_countries=countries)
    captured = component_arguments(streamlit_folium.st_folium, fmap, key="map", height=560, use_container_width=True,
                                   returned_objects=RETURNED)
    return CorpusMap(served_script(captured), labels, MapNumbers(labels.values(), outlets), in_corpus)


def session_additions(store: Store, key: ViewKey, drawn: CorpusMap, countries: bool, colours: dict[str, str]) -> OwnMap:
    """What a session's uploads and corrections add to the corpus's map (``geo.page.own_places``): the places and
    sources of its whole layer that the corpus's map lacks, as a script for the map's per-reader channel."""
    if key.layer == Layer():
        return OwnMap("", drawn.labels, drawn.numbers)
    outlets = corpus_facts(store, key.generation, key.layer).outlets
    in_layer, counts = view_facts(store, ViewKey(key.generation, key.layer, View(outlets))).figures
    return own_map(drawn.numbers, drawn.labels, in_layer, counts, colours, countries, drawn.places)


@st.cache_resource(max_entries=64, show_spinner=False, hash_funcs=BY_VIEW_TOKEN)
def view_html(_store: Store, _numbers: MapNumbers, key: ViewKey, countries: bool) -> str:
    """The reader's view for the corpus's map, as the hidden element static/view.js reads: numbers, a few
    kilobytes, shared by every reader of the view."""
    return view_element(view_data(_numbers, view_facts(_store, key).figures[1], key.view.outlets))


@st.fragment
def map_and_panel(store: Store, key: ViewKey, countries: bool, paths: PagePaths, colours: tuple) -> None:
    """Map, place list and panel rerun alone on a click: the rest of the page stays."""
    with run_slot(whole_page=False), store_faults(paths):
        map_place_list_and_panel(store, key, countries, dict(colours), paths)


class ReaderMap(NamedTuple):
    """A reader's map: the corpus's, what the session adds to it, and the reader's view of it (``view_html``)."""

    drawn: CorpusMap
    own: OwnMap
    view: str


def reader_map(store: Store, key: ViewKey, countries: bool, colours: dict[str, str]) -> ReaderMap:
    """The reader's map, kept in the session while the view, uploads and colours stay the same (``held``)."""
    colour_key = tuple(sorted(colours.items()))
    corpus = store.without_overlay()
    in_corpus = corpus_facts(corpus, key.generation, Layer()).outlets
    corpus_colours = tuple(item for item in colour_key if item[0] in in_corpus)  # an upload's colour moves no map
    drawn = held(st.session_state, "map", (key.generation, countries, corpus_colours),
                 lambda: corpus_map(corpus, key.generation, countries, corpus_colours))
    own = held(st.session_state, "own_map", (key.generation, key.layer, countries, colour_key),
               lambda: session_additions(store, key, drawn, countries, colours))
    view = held(st.session_state, "view_html", (key, countries), lambda: view_html(store, own.numbers, key, countries))
    return ReaderMap(drawn, own, view)


def view_beside_map(store: Store, key: ViewKey, countries: bool, colours: dict[str, str]) -> None:
    """The page's style and the reader's view (the hidden element static/view.js reads), drawn by the whole page's
    run after the map's fragment, not by it: a view changes only in a whole-page run, and a click, which reruns the
    fragment alone, then leaves them as they are instead of sending the view again (67 KB at 10,000 articles)."""
    st.html(PAGE_STYLE)
    # The view, beside the map and not in its arguments: they stay the same from view to view, and Streamlit
    # then sends the browser a reference to the map it has instead of the map (its message cache).
    st.html(reader_map(store, key, countries, colours).view)


def map_place_list_and_panel(store: Store, key: ViewKey, countries: bool, colours: dict[str, str],
                             paths: PagePaths) -> None:
    facts = this_view(store, key)
    counts = facts.figures[1]
    drawn, own, _ = reader_map(store, key, countries, colours)
    arguments, labels, numbers = drawn.arguments, own.labels, own.numbers
    found = facts.labels
    # The click that reran the fragment is in the session before the map is drawn: the map can
    # then show the place it selected at once.
    take_click(st.session_state, st.query_params, st.session_state.get(arguments["key"]), labels)
    current = st.session_state.get("place")
    left, right = st.columns([3, 2], gap="medium")
    with left:
        find, search = st.columns(2)
        # Keyed, and told the selection before it is drawn: a box whose default index changed with each pick was a
        # new widget after every pick, and the next pick went to the old one (every second pick was lost).
        shown_in_box = current if current in found else None
        if st.session_state.get(FIND_KEY) != shown_in_box:
            st.session_state[FIND_KEY] = shown_in_box
        find.selectbox("Find a place", list(found), format_func=found.get, placeholder="Type a place name",
                       index=None, key=FIND_KEY, on_change=picked_in_list, filter_mode="contains")
        phrase, hits = search_box(search, store, key)
        place = facts.row(current)  # the selection in view, if it is
        drawn_ids = numbers.places  # every place the map draws, by id (a dict kept with the map)
        selected = place if place is not None and current in drawn_ids else None
        # The few rows a search found, in the view's order, not every place's (10k: 445 rows).
        hit_ids = {p for p in hits if p in drawn_ids and p in facts.positions}
        found_rows = [facts.row(p) for p in sorted(hit_ids, key=facts.positions.get)]
        # The selection is drawn anew when it leaves the view or comes back, or the search's places change.
        found_ids = ",".join(sorted(r["place_id"] for r in found_rows))
        away = bool(current) and selected is None
        # A session's own places ride with the selection (the map's one per-reader channel); once shown, they are
        # taken off again when its uploads and corrections are gone.
        additions = own.script or (dropped_script() if st.session_state.get("own_shown") else "")
        st.session_state["own_shown"] = bool(own.script)
        shown = map_selection(st.session_state, f"{arguments['key']}|{phrase}|{found_ids}|{away}|{additions}",
                              lambda: with_additions(selection_arguments(selected, found_rows, drawn_ids), additions))
        clicked = streamlit_folium._component_func(**{**arguments, **shown})
        if take_click(st.session_state, st.query_params, clicked, labels):
            rerun_map()  # a click the session did not hold yet: draw the map with it selected
        large_regions(facts.large_regions)
    if read.current_generation(store.path) != store.generation:
        st.rerun(scope="app")  # rebuilt or removed meanwhile: the page moves on, with the place just chosen
    with right:
        if phrase:
            search_results(store, key, phrase, colours, expanded=not current)
        if current and place is None:
            known = current in corpus_facts(store, key.generation, key.layer).names
            st.info("That place is not mentioned by the sources in view." if known
                    else "The link names a place this corpus does not mention; choose one from the list.")
        elif current:
            place_panel(store, current, place, key, colours, paths)
        else:
            st.caption("Click a place on the map, or find it in the list, to read what each source wrote.")
    if place is not None:
        found = panel_sentences(store, key, current, shown_in_full(st.session_state, key.view.outlets))
        compare_sources(store, key.generation, place, found, list(key.view.outlets), counts, colours,
                        corpus_facts(store, key.generation, key.layer).names, facts.outlet_articles)


def with_additions(shown: dict, additions: str) -> dict:
    """The selection's arguments with a session's additions' script run before it."""
    return {**shown, "feature_group": additions + (shown["feature_group"] or "")} if additions else shown


def large_regions(names: dict[str, str]) -> None:
    """The regions too large to draw (the Middle East), as choices under the map (``names``: place id -> name)."""
    if names:
        st.pills("Also named, too large to draw", list(names), format_func=names.get, key="large_region",
                 on_change=picked_region)


def picked_in_list() -> None:
    """A place found in the list: selected (a callback: only when the reader picks)."""
    if chosen := st.session_state.get(FIND_KEY):
        select_place(st.session_state, st.query_params, chosen)


def picked_region() -> None:
    """A region chosen under the map: selected, and the choice let go (a callback: only when the reader picks)."""
    if region := st.session_state.get("large_region"):
        select_place(st.session_state, st.query_params, region)
        st.session_state["large_region"] = None
