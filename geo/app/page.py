"""The page: the heading, the notices, the sidebar, the map and panel, the figures and the tabs below."""

from __future__ import annotations

import functools
import sys

import streamlit as st

from geo.page.colours import outlet_colours
from geo.page.corpus import PagePaths, page_paths
from geo.page.excerpts import escape_markdown
from geo.page.story import derived_story, story_caption
from geo.page.views import (
    Upload,
    mentions_csv,
    places_geojson,
    places_shown,
    shade_single_sources,
    summary_counts,
)
from geo.store import read
from geo.store.read import Store, View

from .mapview import map_and_panel, view_beside_map
from .memory import memory_given_back
from .resources import Layer, ViewKey, corpus_facts, corpus_store, parse_slot, shared_parser, store_faults, story_file, this_view
from .review import corrections_tab, review_queue
from .sidebar import countries_toggle, sidebar_view
from .slots import run_slot, settle_once
from .tables import furniture_report, header_width, picked_row, timeline
from .uploads import session_layer, sidebar_upload


def main() -> None:
    memory_given_back()
    with run_slot():
        draw_page()
    settle_once()


def draw_page() -> None:
    uploads: list[Upload] = st.session_state.setdefault("uploads", [])
    # Slots filled after the map: the browser draws elements in the order the script makes
    # them, and the form's and metrics' widgets cost the first paint a second here.
    upload_slot = st.sidebar.container()
    heading = st.container()
    paths = page_paths(sys.argv[1:])
    # The store's preparation speaks in a slot of its own, there in every run: the map then keeps its place among
    # the page's elements whether or not this run built the store (a map moved is mounted anew, losing its view).
    with st.container():
        store = corpus_store(paths)
    if store is None:
        with heading:
            st.title("News geoparsing map")
    else:
        with store_faults(paths):
            page(store, paths, uploads, heading)
            st.session_state.pop("store_fault", None)
    with upload_slot:
        sidebar_upload(uploads)


def story_heading(store: Store, paths: PagePaths, layer: Layer) -> list:
    """The story's title and line (the sources file's [story], else the corpus describing itself); its problems."""
    story, _, problems = story_file(paths)
    if story is None or not story.title:
        counts = store.manifest["counts"]
        facts = corpus_facts(store, store.generation, layer)
        story = derived_story(facts.most_named, facts.date_range, counts["articles"] + len(layer.uploads),
                              len(facts.sources))
    st.title(escape_markdown(story.title))
    if caption := story_caption(story):
        st.caption(escape_markdown(caption))
    return problems


def empty_view_notice(view: View, in_view, any_article: bool) -> str:
    """What to do when the view shows no place (the map is drawn empty), or "" when it shows some."""
    if not any_article or not in_view.empty:
        return ""
    if not view.outlets:
        return "No source in view — tick one in the sidebar."
    if view.dated:
        return ("No place in view: the sources ticked name none with these dates, focus or languages — widen them "
                "in the sidebar.")
    return "No place in view: the sources ticked name none — tick another in the sidebar."


def page(store: Store, paths: PagePaths, uploads: list[Upload], heading) -> None:
    """Everything below the title: the sidebar's filters, the map and panel, figures and tabs."""
    # Colours come from the corpus and the sources file, uploads after: a filter or an upload moves none.
    chosen = story_file(paths)[1]
    colours = outlet_colours(corpus_facts(store, store.generation, ()).outlets, chosen,
                             later=[upload.outlet for upload in uploads])
    layer, overlay = session_layer(store, uploads)
    if overlay:
        store = store.with_overlay(*overlay)
    with heading:
        story_problems = story_heading(store, paths, layer)
    view = sidebar_view(store, layer, colours)
    countries = countries_toggle()
    st.session_state.setdefault("place", st.query_params.get("place"))
    key = ViewKey(store.generation, layer, view)
    notices = st.container()
    if flash := st.session_state.pop("correction_flash", None):
        (st.success if flash[0] == "saved" else st.warning)(escape_markdown(flash[1]))
        # Also where the reader is looking: the message above is out of view for one who saved from the panel.
        st.toast(escape_markdown(flash[1]), icon=":material/check_circle:" if flash[0] == "saved" else ":material/warning:",
                 duration="long")
    map_and_panel(store, key, countries, paths, tuple(sorted(colours.items())))
    view_beside_map(store, key, countries, colours)
    summary = st.container()  # below the map: on a phone the map comes first, the counters after
    with notices:
        if not store.manifest["counts"]["articles"] and not uploads:
            st.info("No article could be loaded into the store. Add one with \"Add an article\" in the sidebar.")
        # The parser is loaded only to parse; the slot's warnings are its child's pipeline's (the online geocoder's).
        warnings = list(dict.fromkeys(shared_parser()[1] + parse_slot().warnings)) if uploads or layer.corrections else []
        problems = (store.manifest.get("problems", []) + store.manifest.get("correction_problems", [])
                    + [{"path": p.path, "reason": p.reason} for p in story_problems])
        for problem in problems + [{"path": "", "reason": w} for w in warnings]:
            st.warning(escape_markdown(f"{problem['path']}: {problem['reason']}" if problem["path"] else problem["reason"]))
    facts = this_view(store, key)
    in_view, counts = facts.figures
    with notices:
        if emptiness := empty_view_notice(view, in_view, bool(store.manifest["counts"]["articles"] or uploads)):
            st.info(emptiness)
    with summary:
        figures = summary_counts(facts.articles, counts)
        for column, (label, value) in zip(st.columns(4), figures.items(), strict=True):
            column.metric(label.capitalize() + " in view", value)
    # Only the tab on show is built: the matrix and the furniture list cost a whole-page run most of its time.
    tab_matrix, tab_review, tab_corrections, tab_furniture, tab_downloads = st.tabs(
        ["Coverage by source", "Needs review", "Corrections", "Left out as page furniture", "Downloads"],
        key="tables_tab", on_change="rerun")
    if tab_matrix.open:
        with tab_matrix:
            timeline(store, key, colours)
            st.caption("Mentions per place and source; places only one source names come first, shaded. "
                       "Pick a row to read about that place.")
            matrix = facts.matrix
            # The place stays pinned while many outlets scroll by, in narrow columns (a grid label is plain text).
            outlets = {c: st.column_config.NumberColumn(c, width=header_width(c), help=c) for c in matrix.columns
                       if c not in ("place", "sources")}
            st.dataframe(shade_single_sources(matrix), hide_index=True, width="stretch", selection_mode="single-row",
                         on_select=functools.partial(picked_row, matrix.index.tolist(), "matrix"), key="matrix",
                         column_config={"place": st.column_config.TextColumn("place", pinned=True), **outlets})
    if tab_review.open:
        with tab_review:
            review_queue(store, key)
    if tab_corrections.open:
        with tab_corrections:
            corrections_tab(store, key, paths)
    if tab_furniture.open:
        with tab_furniture:
            furniture_report(store, key)
    if tab_downloads.open:
        with tab_downloads:
            # Built when clicked, not on every rerun: a large corpus makes tens of megabytes.
            st.download_button("Places on the map (GeoJSON)", lambda: places_geojson(places_shown(in_view, countries)),
                               "places.geojson", "application/geo+json", on_click="ignore")
            st.download_button("Mentions in view (CSV)", lambda: mentions_csv(read.download_mentions(store, view)),
                               "mentions.csv", "text/csv", on_click="ignore")
