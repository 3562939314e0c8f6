"""News geoparsing map: where a story's articles place it, and what each outlet wrote there.

A thin Streamlit layer over ``geo``: ``streamlit run dashboard.py``. The page reads the corpus
store (``geo.store``): it opens it, builds it first when it is missing or out of date, and asks
it for what is in view; it never holds every mention. Article text is data: it reaches the page
only as escaped HTML or escaped Markdown, never the map.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import sys
from collections.abc import Iterator
from typing import NamedTuple

import streamlit as st
import streamlit_folium
from streamlit.errors import StreamlitAPIException

from geo import Geoparser
from geo.frames import related_places
from geo.gazetteer.index import GazetteerError, index_is_ready, load_gazetteer
from geo.page.colours import outlet_colours
from geo.page.corpus import PagePaths, build_page_store, corrections_mode, open_current_store, page_parser, page_paths
from geo.page.editors import corrections_settings, identity, sign_in_controls
from geo.page.excerpts import escape_label, escape_markdown
from geo.page.facts import CorpusFacts, ViewFacts
from geo.page.mapping import STICKY_MAP, build_map, component_arguments, selection_arguments, too_large_to_draw
from geo.page.overlay import (
    MAX_UPLOADS,
    keep_correction,
    overlay_docs,
    session_corrections,
    session_overlay,
    take_back,
    upload_article,
    upload_key,
    upload_refusal,
)
from geo.page.parsing import PARSE_MEMORY_MB, PARSE_SECONDS, ParseRefused, ParseSlot
from geo.page.review import (
    LOW_CONFIDENCE,
    alternative_labels,
    candidate_label,
    correction_rows,
    correction_scope,
    needs_review,
    review_rows,
)
from geo.page.session import held, link, map_selection, select_place, shown_in_full, take_click
from geo.page.story import derived_story, nationality_label, silent_outlets, story_caption
from geo.page.timeline import DAY_SELECTION, timeline_chart
from geo.page.views import (
    MAX_UPLOAD_BYTES,
    Upload,
    article_label,
    colour_dot,
    date_filter,
    excerpt_paragraphs,
    language_name,
    linked_dates,
    linked_dates_notice,
    make_upload,
    mention_label,
    mentions_csv,
    outlet_heading_html,
    paragraph_html,
    phrase_html,
    place_caption,
    places_geojson,
    places_shown,
    sentence_html,
    shade_single_sources,
    silent_html,
    source_line,
    summary_counts,
)
from geo.resolution.corrections import (
    corrections_text,
    new_correction,
)
from geo.store import read
from geo.store.engine import EngineError
from geo.store.read import Store, StoreError, View
from geo.text.corpus import ArticleError, load_story
from geo.types import Correction

RETURNED = ["last_object_clicked_tooltip", "last_object_clicked_count"]  # clicks only: pan and zoom do not rerun
EXCERPTS_SHOWN = 5  # per source, before "show all"
COMPARE_AT_ONCE = 8  # sources in view up to which the comparison is built with every click
COMPARE_COLUMNS = 4  # sources side by side at most: a column each, readable on a laptop
UPLOAD_LANGUAGES = {"": "Detect it", "en": "English", "ar": "Arabic", "he": "Hebrew", "tr": "Turkish"}
st.set_page_config(page_title="News geoparsing map", page_icon="🗺️", layout="wide")


def geocoder_secrets() -> dict:
    """The ``[geocoder]`` table of Streamlit's secrets ({} without a secrets file)."""
    try:
        return dict(st.secrets.get("geocoder", {}))
    except FileNotFoundError:  # no secrets file: environment and defaults only
        return {}


@st.cache_resource(show_spinner="Loading the gazetteer…")
def shared_parser() -> tuple[Geoparser, list[str]]:
    """One read-only pipeline for all sessions (the gazetteer, corrections, the place search), with the geocoder
    when secrets turn it on; parsing for a reader happens in the parse slot, not here."""
    return page_parser(geocoder_secrets())


@st.cache_resource(show_spinner="Opening the corpus store…")
def opened_store(paths: PagePaths) -> Store:
    """The store every session shares; StoreError (not cached) when it is missing or behind its articles folder."""
    return open_current_store(paths)  # no gazetteer loaded: the page loads it only to parse


def corpus_store(paths: PagePaths) -> Store | None:
    """The shared store, built here first (with a progress bar) when it is missing or stale.

    A store rebuilt meanwhile (by ``python -m geo build``) is opened anew, so each run reads
    the current generation; one that cannot be brought up to date is shown as last built.
    """
    try:
        store = opened_store(paths)
        if read.current_generation(paths.store) != store.generation:  # rebuilt, or removed
            opened_store.clear()
            store = opened_store(paths)
        return store
    except StoreError as error:
        if paths.articles is None:
            st.error(escape_markdown(f"Cannot open the corpus store: {error.reason}. Build it with "
                                     f"python -m geo build --store {paths.store}"))
            return None
    failed = st.session_state.get("build_failed")
    if failed and failed[0] == read.current_generation(paths.store):  # this session saw it fail: do not retry each run
        return last_built(paths, failed[1])
    # The first visitor of a fresh server: the steps, never a blank page. A second visitor meanwhile waits on
    # the same work (the parser is one cached resource, the store's build holds a lock) and sees it too.
    steps = 1 if index_is_ready() else 2
    bar = st.progress(0.0, text=f"Preparing the map, once: step 1 of {steps}, "
                                + ("compiling the place index (about 20 s)…" if steps == 2 else "the corpus store…"))
    try:
        if steps == 2:
            load_gazetteer()  # compiled in a child process, once for every process that asks (a lock)
        if paths.note:
            st.info(escape_markdown(paths.note + "."))
        if said := build_page_store(paths, geocoder_secrets(), lambda done, total: bar.progress(
                done / total, f"Preparing the map, once: step {steps} of {steps}, geoparsing {done:,} of {total:,} "
                              "articles…")):
            st.info(escape_markdown(said))
        return opened_store(paths)
    except GazetteerError as error:  # not cached: the next visit tries again
        st.error(escape_markdown(f"Cannot prepare the map: {error}. Reload the page to try again."))
        return None
    except (StoreError, EngineError) as error:
        st.session_state["build_failed"] = (read.current_generation(paths.store), str(error))
        return last_built(paths, str(error))
    finally:
        bar.empty()


@st.cache_resource(max_entries=1, show_spinner=False)
def opened_as_built(paths: PagePaths, generation: str | None) -> Store:
    """The store as it is, without asking whether it is up to date (one: an older one would keep its lease)."""
    return read.open_store(paths.store)


def last_built(paths: PagePaths, problem: str) -> Store | None:
    """The store as it was last built, when it could not be brought up to date (a full disk…), with why."""
    try:
        store = opened_as_built(paths, read.current_generation(paths.store))
    except StoreError:
        st.error(escape_markdown(f"Cannot build the corpus store: {problem}"))
        return None
    st.warning(escape_markdown(f"Cannot bring the corpus store up to date: {problem}. Showing it as it was last "
                               f"built ({store.manifest.get('built_at', 'unknown time')})."))
    return store


@contextlib.contextmanager
def store_faults(paths: PagePaths) -> Iterator[None]:
    """A store damaged while the page reads it (deleted, truncated): opened afresh once, else a clear message."""
    try:
        yield
    except StoreError as error:
        opened_store.clear()
        opened_as_built.clear()
        if not st.session_state.get("store_fault"):
            st.session_state["store_fault"] = error.reason
            st.rerun(scope="app")  # the next run reopens it, or rebuilds it from the articles folder
        advice = ("reload the page to rebuild it" if paths.articles is not None
                  else f"rebuild it with python -m geo build --store {paths.store}")
        st.error(escape_markdown(f"The corpus store cannot be read: {error.reason}. Your own uploads are kept; {advice}."))


class Layer(NamedTuple):
    """What a session lays over the shared store: its uploads (``upload_key`` of each) and its own corrections."""

    uploads: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()


@st.cache_resource(show_spinner=False, on_release=lambda slot: slot.close())
def parse_slot() -> ParseSlot:
    """The server's one parse slot: every session's uploads and re-parses, one at a time, in a child process
    within a time and memory budget (geo.page.parsing)."""
    return ParseSlot(geocoder_secrets(), gazetteer=shared_parser()[0].gazetteer)


def session_layer(store: Store, uploads: list[Upload]) -> tuple[Layer, tuple | None]:
    """The session's layer and its overlay tables (uploads and corrected articles, each parsed once, in the parse
    slot; the shared store is not touched). What the slot refuses is taken out, with the reason."""
    keys = st.session_state.setdefault("upload_keys", {})
    parsed = st.session_state.setdefault("parsed", {})
    while True:
        keyed = [(keys.setdefault(u.article_id, upload_key(u)), u) for u in uploads]
        own = st.session_state.get("own_corrections", [])
        layer = Layer(tuple(k for k, _ in keyed), tuple(own))

        def overlay(keyed=keyed, layer=layer) -> tuple | None:
            # The pipeline and the slot are loaded only for a session that has something to parse.
            docs = overlay_docs(store, keyed, layer.corrections, parsed, lambda articles: parse_slot().parse(articles))
            return session_overlay(store, docs, layer.corrections, shared_parser()[0].gazetteer) if docs else None

        key = (store.generation, layer)
        try:
            if (st.session_state.get("held_views", {}).get("overlay") or (None,))[0] == key:
                return layer, held(st.session_state, "overlay", key, overlay)  # kept: no spinner, no element
            with st.spinner("Geoparsing your articles…"):
                return layer, held(st.session_state, "overlay", key, overlay)
        except ParseRefused as error:
            refused = [u for k, u in keyed if k == error.subject]
            if refused:  # an upload the page had not parsed yet (one put in the session): it is not added
                uploads.remove(refused[0])
                st.session_state["upload_flash"] = ("error", f"{error.reason}; not added.")
            elif own:  # the newest correction asked for the parse: it is not applied
                st.session_state["own_corrections"] = own[:-1]
                st.session_state["correction_flash"] = (
                    "kept", f"Your correction of {own[-1].surface} was not applied: {error.reason}. Ask an editor to "
                            "save it for everyone, or narrow it to one article.")
            else:
                raise


class ViewKey(NamedTuple):
    """Everything a view's figures depend on: the store's generation, the session's layer, the filters."""

    generation: str
    layer: Layer
    view: View


@st.cache_resource(max_entries=16, show_spinner=False)
def corpus_facts(_store: Store, generation: str, layer: Layer) -> CorpusFacts:
    """The corpus's sources, dates and names, shared by every reader of a generation and session layer."""
    return CorpusFacts(_store)


@st.cache_resource(max_entries=16, show_spinner=False)
def view_facts(_store: Store, key: ViewKey) -> ViewFacts:
    """A view's figures, shared and read-only, so a click recomputes nothing."""
    return ViewFacts(_store, key.view)


def this_view(store: Store, key: ViewKey) -> ViewFacts:
    """The view's figures, held in the session too (the shared cache is evicted by other readers' views)."""
    return held(st.session_state, "view", key, lambda: view_facts(store, key))


@st.cache_resource(max_entries=8, show_spinner=False)
def story_file(paths: PagePaths) -> tuple:
    """``(story or None, outlet colours, problems)`` from the sources file (re-read when the page restarts)."""
    return load_story(paths.sources)


@st.cache_resource(max_entries=32, show_spinner=False)
def map_component(_store: Store, key: ViewKey, countries: bool, colours: tuple) -> tuple[dict, dict[str, str]]:
    """The map component's arguments for a view, as st_folium computes them, and its labels.

    st_folium renders the whole folium map on every call (about 0.2 s here); a click reruns
    the app, so the arguments are computed once per view and replayed. Equal views give equal
    arguments, so the browser keeps the mounted map, its pan and its zoom.
    """
    in_view, counts = view_facts(_store, key).figures
    fmap, labels = build_map(in_view, counts, outlets=list(key.view.outlets), colours=dict(colours),
                             show_countries=countries)
    captured = component_arguments(streamlit_folium.st_folium, fmap, key="map", height=560, use_container_width=True,
                                   returned_objects=RETURNED)
    return captured, labels


@st.cache_resource(max_entries=256, show_spinner=False)
def panel_sentences(_store: Store, key: ViewKey, place_id: str, every: tuple[str, ...]) -> tuple:
    """``(excerpts per outlet, sentences per outlet, their articles)`` of a place in a view, shared by its readers.

    The first EXCERPTS_SHOWN per outlet, all for the outlets in ``every``; small, so many are kept.
    """
    excerpts, totals = read.place_excerpts(_store, place_id, key.view, EXCERPTS_SHOWN, every)
    by_outlet: dict[str, list] = {}
    for item in excerpts:
        by_outlet.setdefault(item.outlet, []).append(item)
    return by_outlet, totals, read.article_details(_store, sorted({i.article_id for i in excerpts}))


def sidebar_view(store: Store, layer: Layer, colours: dict[str, str]) -> View:
    """A checkbox per source with what is known of it (defaults from the URL), the dates, the focus, the toggles."""
    st.sidebar.header("Sources")
    facts = corpus_facts(store, store.generation, layer)
    summaries = facts.sources
    wanted = st.query_params.get("sources")
    wanted = set(wanted.split("|")) if wanted else set(summaries["outlet"])
    chosen = []
    for row in summaries.itertuples():
        # Labels are Markdown: escaped, an outlet's name shows as written and formats nothing.
        if st.sidebar.checkbox(escape_label(row.outlet), value=row.outlet in wanted, key=f"source:{row.outlet}"):
            chosen.append(row.outlet)
        st.sidebar.html(paragraph_html(colour_dot(colours.get(row.outlet)) + source_line(row, facts.names), caption=True))
    link(st.query_params, "sources", None if set(chosen) == set(summaries["outlet"]) else "|".join(chosen))
    since, until = sidebar_dates(facts.dates)
    undated = True
    if facts.undated:
        undated = linked_toggle("undated", f"Include the {facts.undated} undated article(s)", st.sidebar.toggle)
    focus = sidebar_focus(facts)
    languages = sidebar_languages(facts)
    st.sidebar.header("Show")
    demonyms = st.sidebar.toggle(nationality_label(facts.nationality_words), value=True, key="demonyms",
                                 help="Words like these name a country through its people; off, the map shows place names only.")
    return View(tuple(chosen), demonyms, since, until, undated, focus, languages)


def sidebar_languages(facts: CorpusFacts) -> tuple[str, ...]:
    """The languages in view, when the corpus has more than one (in the link as ``lang``); () for all."""
    if len(facts.languages) < 2:
        return ()
    st.session_state.setdefault(  # the link seeds it once, the reader moves it
        "languages", [code for code in (st.query_params.get("lang") or "").split("|") if code in facts.languages])
    labels = {code: f"{language_name(code)} ({count})" for code, count in facts.languages.items()}
    chosen = st.sidebar.multiselect("Languages", list(labels), format_func=labels.get, key="languages",
                                    placeholder="All languages")
    link(st.query_params, "lang", "|".join(chosen) or None)
    return tuple(chosen)


def linked_toggle(name: str, label: str, widget) -> bool:
    """A yes/no kept in the link as ``name=no`` when off (on by default)."""
    st.session_state.setdefault(name, st.query_params.get(name) != "no")
    on = widget(label, key=name)
    link(st.query_params, name, None if on else "no")
    return on


def sidebar_focus(facts: CorpusFacts) -> str:
    """"Articles about": the places articles are mainly about (their dateline, else the place named most)."""
    about = facts.focus_counts
    if not about:
        return ""
    st.session_state.setdefault("about", st.query_params.get("about") if st.query_params.get("about") in about else None)
    labels = {place: f"{facts.names.get(place, place)} ({count})" for place, count in about.items()}
    chosen = st.sidebar.selectbox("Articles about", list(labels), format_func=labels.get, key="about",
                                  placeholder="Any place",
                                  help="Each article's focus: its dateline's place, else the specific place it names most.")
    link(st.query_params, "about", chosen or None)
    return chosen or ""


def sidebar_dates(bounds: tuple[dt.date, dt.date] | None) -> tuple[str, str]:
    """The publication dates in view (defaults from the URL); ("", "") for all of them, undated articles included."""
    if bounds is None:
        return "", ""
    first, last = bounds
    key = f"dates:{first}:{last}"
    st.session_state["dates_key"] = key  # for the timeline: a day clicked there is set here
    if key not in st.session_state:  # the link seeds the picker: say when it asked for dates the articles do not reach
        st.session_state["dates_notice"] = (linked_dates_notice(st.query_params.get("since"), st.query_params.get("until"),
                                                                bounds),
                                            linked_dates(st.query_params.get("since"), st.query_params.get("until"), bounds))
    picked = st.sidebar.date_input("Published between", min_value=first, max_value=last, format="YYYY-MM-DD",
                                   value=linked_dates(st.query_params.get("since"), st.query_params.get("until"), bounds),
                                   key=f"dates:{first}:{last}")  # keyed: the link seeds it once, the reader moves it
    notice, seeded = st.session_state.get("dates_notice", ("", ()))
    if notice and tuple(picked or ()) == seeded:  # until the reader moves the picker
        st.sidebar.info(escape_markdown(notice))
    since, until = date_filter(picked, bounds)
    for name, value in (("since", since), ("until", until)):
        link(st.query_params, name, value or None)
    return since, until


def sidebar_upload(uploads: list[Upload]) -> None:
    """The upload form; a good file joins this session's uploads (see ``add_upload``) and the page reruns with it."""
    # The message's place is always there, empty or not: an element appearing above the expander
    # would make it a new one, folded, and the reader would lose the form they were filling in.
    message = st.container()
    if flash := st.session_state.pop("upload_flash", None):
        with message:
            (st.success if flash[0] == "added" else st.error)(escape_markdown(flash[1]))
    with st.expander("Add an article (this session only)"):
        with st.form("upload", clear_on_submit=True):
            st.file_uploader("Article (.txt, .md, .html)", type=["txt", "md", "html", "htm"], key="upload_file")
            st.text_input("Outlet", placeholder="e.g. Example News", key="upload_outlet")
            st.text_input("Title", key="upload_title")
            st.date_input("Published", value=None, key="upload_published")
            st.selectbox("Language", list(UPLOAD_LANGUAGES), format_func=UPLOAD_LANGUAGES.get, key="upload_language")
            st.form_submit_button("Add to the map", on_click=add_upload)
        st.caption(f"Up to {MAX_UPLOADS} articles of up to {MAX_UPLOAD_BYTES // 2**20} MB each; "
                   f"each is geoparsed within {PARSE_SECONDS:g} s and {PARSE_MEMORY_MB} MB.")


def add_upload() -> None:
    """The form's callback: the file checked, parsed once in the parse slot, and added, or refused with the reason.

    A callback runs before the page does: handled at the end of the page's run, a submission
    was lost when the reader's next click interrupted that run (one upload in twenty, under load).
    """
    state = st.session_state
    uploads = state.setdefault("uploads", [])
    file = state.get("upload_file")
    if file is None:
        state["upload_flash"] = ("error", "Choose a file first.")
        return
    if len(uploads) >= MAX_UPLOADS:
        state["upload_flash"] = ("error", f"{file.name}: not added; this session holds {MAX_UPLOADS} uploads, the most "
                                          "one session may (reload the page to start again).")
        return
    published = state.get("upload_published")
    try:
        upload, caveat = make_upload(file.name, file.getvalue(), state.get("upload_outlet") or "",
                                     state.get("upload_title") or "", published.isoformat() if published else "",
                                     len(uploads) + 1, language=state.get("upload_language") or "")
        key = upload_key(upload)
        [doc] = parse_slot().parse([upload_article(upload)])
        parsed = state.setdefault("parsed", {})
        keys = state.setdefault("upload_keys", {})
        if refusal := upload_refusal([parsed[k] for k in keys.values() if k in parsed], doc, file.name):
            state["upload_flash"] = ("error", refusal)
            return
        parsed[key] = doc
    except ArticleError as error:
        state["upload_flash"] = ("error", str(error))
        return
    except ParseRefused as error:
        state["upload_flash"] = ("error", f"{file.name}: not added; {error.reason}.")
        return
    state.setdefault("upload_keys", {})[upload.article_id] = key
    uploads.append(upload)
    state["upload_flash"] = ("added", f"Added {upload.filename} as {upload.outlet}" + (f" ({caveat})." if caveat else "."))


def rerun_map() -> None:
    """Rerun the map and panel alone when this run is theirs, else the whole page."""
    try:
        st.rerun(scope="fragment")
    except StreamlitAPIException:  # a whole-page run: the fragment scope is not open to it
        st.rerun()


@st.fragment
def map_and_panel(store: Store, key: ViewKey, countries: bool, paths: PagePaths, colours: tuple) -> None:
    """Map, place list and panel rerun alone on a click: the rest of the page stays."""
    with store_faults(paths):
        map_place_list_and_panel(store, key, countries, dict(colours), paths)


def map_place_list_and_panel(store: Store, key: ViewKey, countries: bool, colours: dict[str, str],
                             paths: PagePaths) -> None:
    facts = this_view(store, key)
    in_view, counts = facts.figures
    colour_key = tuple(sorted(colours.items()))
    arguments, labels = held(st.session_state, "map", (key, countries, colour_key),
                             lambda: map_component(store, key, countries, colour_key))
    found = facts.labels
    # The click that reran the fragment is in the session before the map is drawn: the map can
    # then show the place it selected at once.
    take_click(st.session_state, st.query_params, st.session_state.get(arguments["key"]), labels)
    current = st.session_state.get("place")
    left, right = st.columns([3, 2], gap="medium")
    st.html(STICKY_MAP)
    with left:
        find, search = st.columns(2)
        chosen = find.selectbox("Find a place", list(found), format_func=found.get, placeholder="Type a place name",
                                index=list(found).index(current) if current in found else None, filter_mode="contains")
        if chosen != current and chosen is not None:
            select_place(st.session_state, st.query_params, chosen)
            current = chosen
        phrase, hits = search_box(search, store, key)
        rows = in_view.loc[in_view["place_id"] == current]
        place = rows.iloc[0] if len(rows) else None  # the selection in view, if it is
        selected = place.to_dict() if place is not None and current in labels.values() else None
        named = set(labels.values())
        found_rows = [r for r in in_view.to_dict("records") if r["place_id"] in hits and r["place_id"] in named]
        shown = map_selection(st.session_state, f"{arguments['key']}|{phrase}",
                              lambda: selection_arguments(selected, found_rows))
        clicked = streamlit_folium._component_func(**{**arguments, **shown})
        if take_click(st.session_state, st.query_params, clicked, labels):
            rerun_map()  # a click the session did not hold yet: draw the map with it selected
        large_regions(in_view)
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
        by_outlet, totals, _ = panel_sentences(store, key, current, shown_in_full(st.session_state))
        compare_sources(place, by_outlet, totals, list(key.view.outlets), counts, colours,
                        corpus_facts(store, key.generation, key.layer).names)


def large_regions(in_view) -> None:
    """The regions too large to draw (the Middle East), as choices under the map."""
    regions = [row for row in in_view.to_dict("records") if too_large_to_draw(row)]
    if regions:
        names = {row["place_id"]: row["name"] for row in regions}
        st.pills("Also named, too large to draw", list(names), format_func=names.get, key="large_region",
                 on_change=picked_region)


def picked_region() -> None:
    """A region chosen under the map: selected, and the choice let go (a callback: only when the reader picks)."""
    if region := st.session_state.get("large_region"):
        select_place(st.session_state, st.query_params, region)
        st.session_state["large_region"] = None


def picked_row(places: list[str], table: str) -> None:
    """A row picked in a table (coverage, review) selects its place (a callback: only when the reader picks)."""
    rows = st.session_state[table].selection.rows
    if rows:
        select_place(st.session_state, st.query_params, places[rows[0]])


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


@st.cache_resource(max_entries=64, show_spinner=False)
def sentence_hits(_store: Store, key: ViewKey, phrase: str):
    """The sentences in view holding a phrase, with the places each names; shared by readers searching the same."""
    return read.search_sentences(_store, phrase, key.view)


def search_results(store: Store, key: ViewKey, phrase: str, colours: dict[str, str], expanded: bool) -> None:
    """The sentences holding the phrase, by outlet, the phrase in bold; their places are highlighted on the map."""
    hits = sentence_hits(store, key, phrase)
    outlets = hits["outlet"].nunique()
    title = (f"{len(hits)} sentence(s) with “{phrase}” in {outlets} source(s); their places are highlighted on the map"
             if len(hits) else f"No sentence in view has “{phrase}”")
    with st.expander(escape_markdown(title), expanded=expanded and bool(len(hits))):
        for outlet, group in hits.groupby("outlet", sort=True):
            st.html(outlet_heading_html(outlet, colours.get(outlet)))
            for row in shown(list(group.itertuples()), len(group), f"search-all:{outlet}"):
                st.html(paragraph_html(phrase_html(row.sentence, phrase)))


def place_panel(store: Store, place_id: str, place, key: ViewKey, colours: dict[str, str], paths: PagePaths) -> None:
    # The map's script scrolls a phone to this mark after a tap (static/leaflet-setup.js).
    st.html('<div id="newsgeo-panel" style="scroll-margin-top:4.5rem"></div>')
    st.subheader(escape_markdown(place["name"]))
    st.caption(escape_markdown(place_caption(place)))
    if place["description"]:
        st.text(place["description"])
    if place["venue_note"]:
        st.info(escape_markdown(place["venue_note"]))
    names = corpus_facts(store, key.generation, key.layer).names
    for other in related_places(place):
        if st.button(escape_markdown(f"Related: {names.get(other, other)}"), key=f"rel:{other}"):
            select_place(st.session_state, st.query_params, other)
            rerun_map()
    review_place(store, place_id, key, paths)
    # The first few sentences per source, all of them for the sources whose "show all" is on.
    by_outlet, totals, articles = panel_sentences(store, key, place_id, shown_in_full(st.session_state))
    excerpts_by_source(store, by_outlet, totals, articles, colours)


def excerpts_by_source(store: Store, by_outlet: dict[str, list], totals: dict[str, int], articles: dict,
                       colours: dict[str, str]) -> None:
    """Each source's sentences naming the place, with its article's title and date (and, asked, the sentences around)."""
    context = st.toggle("Show the sentences around each excerpt", key="context")
    shown_items = {outlet: shown(items, totals[outlet], f"all:{outlet}") for outlet, items in by_outlet.items()}
    everything = [item for items in shown_items.values() for item in items]
    if context:  # the texts too, for the sentences around: not kept in the shared cache
        articles = read.article_details(store, sorted({i.article_id for i in everything}), with_text=True)
    around = read.neighbour_spans(store, [(i.article_id, i.sentence_index) for i in everything]) if context else {}
    for outlet, items in shown_items.items():
        st.html(outlet_heading_html(outlet, colours.get(outlet)))
        for item in items:
            around_item = around.get((item.article_id, item.sentence_index), ([], []))
            for fragment, caption in excerpt_paragraphs(item, articles[item.article_id], around_item):
                st.html(paragraph_html(fragment, caption))


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


def shown(items: list, total: int, key: str) -> list:
    """The first EXCERPTS_SHOWN of a source's ``total`` sentences, or all once the reader asks (a place can have thousands)."""
    if total > EXCERPTS_SHOWN and not st.toggle(f"Show all {total} sentences", key=key):
        return items[:EXCERPTS_SHOWN]
    return items


def furniture_report(store: Store, key: ViewKey) -> None:
    """What body detection left out of each article in view, one article at a time."""
    articles, (listed, with_furniture, pieces) = this_view(store, key).articles
    st.caption(f"{pieces} piece(s) of page furniture (related headlines, ads, comment prompts…) left out of "
               f"{with_furniture} of the {articles} article(s) in view"
               + (f"; the first {len(listed)} are listed." if len(listed) < with_furniture else "."))
    if listed.empty:
        return
    titles = {r.article_id: f"{r.outlet} · {r.title} ({r.pieces} left out)" for r in listed.itertuples()}
    article_id = st.selectbox("Article", list(titles), key="furniture_article", format_func=titles.get)
    for reason, text in read.article_furniture(store, article_id):
        with st.expander(escape_markdown(f"{reason}: {' '.join(text.split())[:80]}")):
            st.text(text[:5000])


def timeline(store: Store, key: ViewKey, colours: dict[str, str]) -> None:
    """Mentions per day and outlet; a click on a day narrows the dates to it (double click: all again)."""
    daily = held(st.session_state, "daily", key, lambda: read.daily_mentions(store, key.view))
    if daily["day"].nunique() < 2 and not key.view.since:
        return  # one day, or none: nothing to follow over time
    dates_key = st.session_state.get("dates_key")
    st.altair_chart(timeline_chart(daily, colours), key="timeline", on_select=functools.partial(picked_day, dates_key),
                    selection_mode=DAY_SELECTION, width="stretch")


def picked_day(dates_key: str | None) -> None:
    """A day clicked on the chart becomes the date range, in the sidebar and the link."""
    picked = (st.session_state["timeline"].selection.get(DAY_SELECTION) or [{}])[0].get("day")
    if not picked or not dates_key:
        return
    day = dt.date.fromisoformat(picked)
    st.session_state[dates_key] = (day, day)
    st.query_params["since"] = st.query_params["until"] = picked


def review_queue(store: Store, key: ViewKey) -> None:
    """Every name in view worth a second look, the least sure first; a row opens its place."""
    queue = held(st.session_state, "review", key, lambda: needs_review(read.review_queue(store, key.view),
                                                                       len(key.view.outlets)))
    st.caption(f"{len(queue)} name(s) to check: confidence under {LOW_CONFIDENCE:.0%}, a close call with another "
               "place, located online only, a venue inferred, or one source alone. Sort by a column; pick a row to "
               "open the place and correct it there.")
    if queue.empty:
        return
    st.dataframe(queue.drop(columns="place_id"), hide_index=True, width="stretch", selection_mode="single-row",
                 on_select=functools.partial(picked_row, list(queue["place_id"]), "review"), key="review",
                 column_config={"confidence": st.column_config.ProgressColumn("confidence", min_value=0, max_value=1,
                                                                              format="percent")})


def review_place(store: Store, place_id: str, key: ViewKey, paths: PagePaths) -> None:
    """How sure the geoparser was of this place, why, what else each name could be, and a way to correct it."""
    mean, corrected = read.place_confidence(store, place_id, key.view)
    if mean is None:
        return
    # Built when opened (it stays open from place to place): a click that only reads costs one small query.
    with st.expander(f"How sure: {mean:.0%}{' (corrected by a reader)' if corrected else ''} · check or correct",
                     key="review_open", on_change="rerun") as box:
        if not box.open:
            return
        review = read.place_review(store, place_id, key.view)
        st.dataframe(review_rows(review), hide_index=True, width="stretch")
        surface = st.selectbox("Name as written", list(review["surface"]), key=f"fix-name:{place_id}")
        row = review[review["surface"] == surface].iloc[0]
        article, start = correction_target(store, place_id, surface, key)
        choices = alternative_labels(row["alternatives"], place_id) | {ANOTHER: "Another place…"}
        chosen = st.selectbox("It is", list(choices), format_func=choices.get, key=f"fix-place:{place_id}")
        if chosen == ANOTHER:
            chosen = gazetteer_choice(f"fix-search:{place_id}")
        note = st.text_input("Note (optional)", key=f"fix-note:{place_id}", max_chars=300)
        if st.button("Save correction", type="primary", disabled=chosen is None or (article is None),
                     key=f"fix-save:{place_id}"):
            save_correction(paths, new_correction(surface, chosen, article or "", start, note))


ANOTHER = "\0another"  # not a place id: the choice that opens the gazetteer search


def correction_target(store: Store, place_id: str, surface: str, key: ViewKey) -> tuple[str | None, int | None]:
    """``(article or "" for every article, offset or None)`` a correction is for; article None until one is picked."""
    scope = st.radio("Where", ["Every article", "One article", "One mention"], horizontal=True,
                     key=f"fix-scope:{place_id}")
    if scope == "Every article":
        return "", None
    mentions = read.name_mentions(store, place_id, surface, key.view)
    if scope == "One article":
        titles = article_titles(store, key.generation, key.layer, tuple(sorted(set(mentions["article_id"]))))
        article = st.selectbox("Article", list(titles), format_func=titles.get, key=f"fix-article:{place_id}")
        return article, None
    labels = {i: mention_label(row) for i, row in enumerate(mentions.itertuples())}
    picked = st.selectbox("Mention", list(labels), format_func=labels.get, key=f"fix-mention:{place_id}")
    if picked is None:
        return None, None
    return str(mentions["article_id"].iloc[picked]), int(mentions["start"].iloc[picked])


def gazetteer_choice(key: str) -> str | None:
    """A place found by name in the gazetteer (loaded on first use), or None."""
    query = st.text_input("Find the place", key=key, placeholder="e.g. Georgia", max_chars=100)
    if not query.strip():
        return None
    gazetteer = shared_parser()[0].gazetteer
    found = {c.place_id: candidate_label(c, gazetteer.country_name) for c in gazetteer.search(query, 30)}
    if not found:
        st.caption("No place of that name in the gazetteer.")
        return None
    return st.selectbox("Place", list(found), format_func=found.get, key=f"{key}:pick")


@st.cache_resource(max_entries=64, show_spinner=False)
def article_titles(_store: Store, generation: str, layer: Layer, article_ids: tuple[str, ...]) -> dict[str, str]:
    """``article id -> "Outlet · Title (date)"`` for a list of articles."""
    details = read.article_details(_store, list(article_ids))
    return {a: article_label(details[a], a) for a in article_ids if a in details}


def save_correction(paths: PagePaths, correction: Correction, taking_back: bool = False) -> None:
    """Keep (or take back) a correction, in the file or the session (see ``corrections_mode``), and show the map with it."""
    mode = correction_mode(paths)[0]
    own = st.session_state.get("own_corrections", [])
    kept = (take_back if taking_back else keep_correction)(mode, paths.corrections, own, correction)
    st.session_state["own_corrections"] = kept.own
    st.session_state["correction_flash"] = (kept.level, kept.message)
    if kept.written:
        opened_store.clear()  # the next run finds the store behind its corrections and rebuilds it
    st.rerun(scope="app")


def correction_mode(paths: PagePaths) -> tuple[str, str]:
    """Where this reader's corrections go (see ``corrections_mode``): decided on every run, since it
    depends on who is signed in, from secrets ``[corrections]`` and NEWSGEO_CORRECTIONS."""
    settings = corrections_settings()
    reader = identity(settings)
    setting = settings.get("mode") if isinstance(settings.get("mode"), str) else None
    return corrections_mode(paths, setting or os.environ.get("NEWSGEO_CORRECTIONS"),
                            reader.email if reader.editor else None)


def corrections_tab(store: Store, key: ViewKey, paths: PagePaths) -> None:
    """The corrections in force, how they are kept, a download, taking one back, and adding a name the map missed."""
    mode, why = correction_mode(paths)
    st.caption(escape_markdown(why))
    sign_in_controls(identity(corrections_settings()))
    in_force = session_corrections(store, list(key.layer.corrections))
    names = corpus_facts(store, key.generation, key.layer).names
    if in_force:
        titles = article_titles(store, key.generation, key.layer, tuple(sorted({c.article for c in in_force if c.article})))
        st.dataframe(correction_rows(in_force, names, titles), hide_index=True, width="stretch")
        labels = {i: f"{c.surface} · {correction_scope(c, titles)}" for i, c in enumerate(in_force)}
        taken = st.selectbox("Take a correction back", list(labels), format_func=labels.get, index=None,
                             key="undo_pick", placeholder="Choose one")
        if st.button("Take it back", disabled=taken is None, key="undo"):
            save_correction(paths, in_force[taken], taking_back=True)
        st.download_button("Download the corrections (corrections.toml)", corrections_text(in_force),
                           "corrections.toml", "application/toml", on_click="ignore")
    else:
        st.caption("No correction yet: open a place and use \"How sure\" to correct it.")
    st.subheader("Add a name the map missed")
    name = st.text_input("Name as written in the article", key="add_name", max_chars=200)
    articles = article_titles(store, key.generation, key.layer, tuple(read.article_ids(store, key.view)))
    article = st.selectbox("Article", list(articles), format_func=articles.get, index=None, key="add_article",
                           placeholder="Choose the article")
    place = gazetteer_choice("add_search")
    if name.strip() and article:
        found = read.occurrences(store, article, name.strip())
        st.caption(f"{found} occurrence(s) of that name in the article's text; each in its body is linked.")
    if st.button("Link it", type="primary", disabled=not (name.strip() and article and place), key="add_save"):
        save_correction(paths, new_correction(name.strip(), place, article))


def main() -> None:
    uploads: list[Upload] = st.session_state.setdefault("uploads", [])
    # Slots filled after the map: the browser draws elements in the order the script makes
    # them, and the form's and metrics' widgets cost the first paint a second here.
    upload_slot = st.sidebar.container()
    heading = st.container()
    paths = page_paths(sys.argv[1:])
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
    colours = outlet_colours(corpus_facts(store, store.generation, ()).sources["outlet"], chosen,
                             later=[upload.outlet for upload in uploads])
    layer, overlay = session_layer(store, uploads)
    if overlay:
        store = store.with_overlay(*overlay)
    with heading:
        story_problems = story_heading(store, paths, layer)
    view = sidebar_view(store, layer, colours)
    countries = st.sidebar.toggle("Country-level places on the map", value=False)
    st.session_state.setdefault("place", st.query_params.get("place"))
    key = ViewKey(store.generation, layer, view)
    notices = st.container()
    if flash := st.session_state.pop("correction_flash", None):
        (st.success if flash[0] == "saved" else st.warning)(escape_markdown(flash[1]))
    map_and_panel(store, key, countries, paths, tuple(sorted(colours.items())))
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
        figures = summary_counts(facts.articles[0], counts)
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
            outlets = {c: st.column_config.NumberColumn(c, width="small") for c in matrix.columns
                       if c not in ("place", "sources")}
            st.dataframe(shade_single_sources(matrix), hide_index=True, width="stretch", selection_mode="single-row",
                         on_select=functools.partial(picked_row, list(matrix.index), "matrix"), key="matrix",
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


if __name__ == "__main__":  # Streamlit runs the page as __main__; a worker process importing it does nothing
    main()
