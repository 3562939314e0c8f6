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
import sys
from collections.abc import Iterator
from typing import NamedTuple

import streamlit as st
import streamlit_folium
from streamlit.errors import StreamlitAPIException

from geo import Geoparser
from geo.frames import related_places
from geo.page.colours import outlet_colours
from geo.page.corpus import PagePaths, build_page_store, open_current_store, page_parser, page_paths
from geo.page.excerpts import escape_label, escape_markdown
from geo.page.facts import CorpusFacts, ViewFacts
from geo.page.mapping import STICKY_MAP, build_map, component_arguments, selection_arguments, too_large_to_draw
from geo.page.session import held, map_selection, select_place, shown_in_full, take_click
from geo.page.story import derived_story, nationality_label, silent_outlets, story_caption
from geo.page.views import (
    Upload,
    colour_dot,
    date_filter,
    excerpt_paragraphs,
    linked_dates,
    make_upload,
    mentions_csv,
    outlet_heading_html,
    paragraph_html,
    parse_uploads,
    place_caption,
    places_geojson,
    places_shown,
    sentence_html,
    shade_single_sources,
    silent_html,
    source_line,
    summary_counts,
)
from geo.store import read
from geo.store.engine import EngineError
from geo.store.read import Store, StoreError, View
from geo.text.corpus import ArticleError, load_story

RETURNED = ["last_object_clicked_tooltip", "last_object_clicked_count"]  # clicks only: pan and zoom do not rerun
EXCERPTS_SHOWN = 5  # per source, before "show all"
COMPARE_AT_ONCE = 8  # sources in view up to which the comparison is built with every click
COMPARE_COLUMNS = 4  # sources side by side at most: a column each, readable on a laptop
st.set_page_config(page_title="News geoparsing map", page_icon="🗺️", layout="wide")


@st.cache_resource(show_spinner="Loading the gazetteer…")
def shared_parser() -> tuple[Geoparser, list[str]]:
    """One read-only pipeline for all sessions, with the geocoder when secrets turn it on."""
    try:
        secrets = dict(st.secrets.get("geocoder", {}))
    except FileNotFoundError:  # no secrets file: environment and defaults only
        secrets = {}
    return page_parser(secrets)


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
    bar = st.progress(0.0, text="Building the corpus store…")
    try:
        if said := build_page_store(paths, shared_parser()[0], lambda done, total: bar.progress(
                done / total, f"Geoparsing {done:,} of {total:,}…")):
            st.info(escape_markdown(said))
        return opened_store(paths)
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


@st.cache_resource(show_spinner="Geoparsing your article…", max_entries=64)
def uploaded(uploads: tuple[Upload, ...]) -> tuple:
    """One session's uploads alone, parsed into overlay tables (the shared store is not touched)."""
    return read.overlay_from_docs(parse_uploads(uploads, shared_parser()[0]), shared_parser()[0].gazetteer)


class ViewKey(NamedTuple):
    """Everything a view's figures depend on: the store's generation, the session's uploads, the filters."""

    generation: str
    uploads: tuple[Upload, ...]
    view: View


@st.cache_resource(max_entries=16, show_spinner=False)
def corpus_facts(_store: Store, generation: str, uploads: tuple[Upload, ...]) -> CorpusFacts:
    """The corpus's sources, dates and names, shared by every reader of a generation and set of uploads."""
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


def sidebar_view(store: Store, uploads: tuple[Upload, ...], colours: dict[str, str]) -> View:
    """A checkbox per source with what is known of it (defaults from the URL), the date range, the toggles."""
    st.sidebar.header("Sources")
    facts = corpus_facts(store, store.generation, uploads)
    summaries = facts.sources
    wanted = st.query_params.get("sources")
    wanted = set(wanted.split("|")) if wanted else set(summaries["outlet"])
    chosen = []
    for row in summaries.itertuples():
        # Labels are Markdown: escaped, an outlet's name shows as written and formats nothing.
        if st.sidebar.checkbox(escape_label(row.outlet), value=row.outlet in wanted, key=f"source:{row.outlet}"):
            chosen.append(row.outlet)
        st.sidebar.html(paragraph_html(colour_dot(colours.get(row.outlet)) + source_line(row), caption=True))
    if set(chosen) == set(summaries["outlet"]):
        st.query_params.pop("sources", None)
    else:
        st.query_params["sources"] = "|".join(chosen)
    since, until = sidebar_dates(facts.dates)
    st.sidebar.header("Show")
    demonyms = st.sidebar.toggle(nationality_label(facts.nationality_words), value=True, key="demonyms",
                                 help="Words like these name a country through its people; off, the map shows place names only.")
    return View(tuple(chosen), demonyms, since, until)


def sidebar_dates(bounds: tuple[dt.date, dt.date] | None) -> tuple[str, str]:
    """The publication dates in view (defaults from the URL); ("", "") for all of them, undated articles included."""
    if bounds is None:
        return "", ""
    first, last = bounds
    picked = st.sidebar.date_input("Published between", min_value=first, max_value=last, format="YYYY-MM-DD",
                                   value=linked_dates(st.query_params.get("since"), st.query_params.get("until"), bounds),
                                   key=f"dates:{first}:{last}")  # keyed: the link seeds it once, the reader moves it
    since, until = date_filter(picked, bounds)
    for name, value in (("since", since), ("until", until)):
        if value:
            st.query_params[name] = value
        else:
            st.query_params.pop(name, None)
    return since, until


def sidebar_upload(uploads: list[Upload]) -> None:
    """The upload form; a good file joins this session's uploads and the page reruns with it."""
    if flash := st.session_state.pop("upload_added", None):
        st.success(escape_markdown(flash))
    with st.expander("Add an article (this session only)"):
        with st.form("upload", clear_on_submit=True):
            file = st.file_uploader("Article (.txt, .md, .html)", type=["txt", "md", "html", "htm"])
            outlet = st.text_input("Outlet", placeholder="e.g. Example News")
            title = st.text_input("Title")
            published = st.date_input("Published", value=None)
            submitted = st.form_submit_button("Add to the map")
        if submitted and file is None:
            st.error("Choose a file first.")
        elif submitted:
            try:
                upload, caveat = make_upload(file.name, file.getvalue(), outlet, title,
                                             published.isoformat() if published else "", len(uploads) + 1)
            except ArticleError as error:
                st.error(escape_markdown(str(error)))
                return
            uploads.append(upload)
            st.session_state["upload_added"] = f"Added {upload.filename} as {upload.outlet}" + (
                f" ({caveat})." if caveat else ".")
            st.rerun()


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
        map_place_list_and_panel(store, key, countries, dict(colours))


def map_place_list_and_panel(store: Store, key: ViewKey, countries: bool, colours: dict[str, str]) -> None:
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
        chosen = st.selectbox("Find a place", list(found), format_func=found.get, placeholder="Type a place name",
                              index=list(found).index(current) if current in found else None, filter_mode="contains")
        if chosen != current and chosen is not None:
            select_place(st.session_state, st.query_params, chosen)
            current = chosen
        rows = in_view.loc[in_view["place_id"] == current]
        place = rows.iloc[0] if len(rows) else None  # the selection in view, if it is
        selected = place.to_dict() if place is not None and current in labels.values() else None
        shown = map_selection(st.session_state, arguments["key"], lambda: selection_arguments(selected))
        clicked = streamlit_folium._component_func(**{**arguments, **shown})
        if take_click(st.session_state, st.query_params, clicked, labels):
            rerun_map()  # a click the session did not hold yet: draw the map with it selected
        large_regions(in_view)
    if read.current_generation(store.path) != store.generation:
        st.rerun(scope="app")  # rebuilt or removed meanwhile: the page moves on, with the place just chosen
    with right:
        if current and place is None:
            known = current in corpus_facts(store, key.generation, key.uploads).names
            st.info("That place is not mentioned by the sources in view." if known
                    else "The link names a place this corpus does not mention; choose one from the list.")
        elif current:
            place_panel(store, current, place, key, colours)
        else:
            st.caption("Click a place on the map, or find it in the list, to read what each source wrote.")
    if place is not None:
        by_outlet, totals, _ = panel_sentences(store, key, current, shown_in_full(st.session_state))
        compare_sources(place, by_outlet, totals, list(key.view.outlets), counts, colours,
                        corpus_facts(store, key.generation, key.uploads).names)


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


def picked_row(places: list[str]) -> None:
    """A row picked in the coverage table selects its place (a callback: only when the reader picks)."""
    rows = st.session_state["matrix"].selection.rows
    if rows:
        select_place(st.session_state, st.query_params, places[rows[0]])


def place_panel(store: Store, place_id: str, place, key: ViewKey, colours: dict[str, str]) -> None:
    # The map's script scrolls a phone to this mark after a tap (static/leaflet-setup.js).
    st.html('<div id="newsgeo-panel" style="scroll-margin-top:4.5rem"></div>')
    st.subheader(escape_markdown(place["name"]))
    st.caption(escape_markdown(place_caption(place)))
    if place["description"]:
        st.text(place["description"])
    if place["venue_note"]:
        st.info(escape_markdown(place["venue_note"]))
    names = corpus_facts(store, key.generation, key.uploads).names
    for other in related_places(place):
        if st.button(escape_markdown(f"Related: {names.get(other, other)}"), key=f"rel:{other}"):
            select_place(st.session_state, st.query_params, other)
            rerun_map()
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


def story_heading(store: Store, paths: PagePaths, uploads: tuple[Upload, ...]) -> list:
    """The story's title and line (the sources file's [story], else the corpus describing itself); its problems."""
    story, _, problems = story_file(paths)
    if story is None or not story.title:
        counts = store.manifest["counts"]
        facts = corpus_facts(store, store.generation, uploads)
        story = derived_story(facts.most_named, facts.date_range, counts["articles"] + len(uploads), len(facts.sources))
    st.title(escape_markdown(story.title))
    if caption := story_caption(story):
        st.caption(escape_markdown(caption))
    return problems


def page(store: Store, paths: PagePaths, uploads: list[Upload], heading) -> None:
    """Everything below the title: the sidebar's filters, the map and panel, figures and tabs."""
    # Colours come from the corpus and the sources file, uploads after: a filter or an upload moves none.
    chosen = story_file(paths)[1]
    colours = outlet_colours(corpus_facts(store, store.generation, ()).sources["outlet"], chosen,
                             later=[upload.outlet for upload in uploads])
    if uploads:
        store = store.with_overlay(*uploaded(tuple(uploads)))
    with heading:
        story_problems = story_heading(store, paths, tuple(uploads))
    view = sidebar_view(store, tuple(uploads), colours)
    countries = st.sidebar.toggle("Country-level places on the map", value=False)
    if "place" not in st.session_state:
        st.session_state["place"] = st.query_params.get("place")
    key = ViewKey(store.generation, tuple(uploads), view)
    notices = st.container()
    map_and_panel(store, key, countries, paths, tuple(sorted(colours.items())))
    summary = st.container()  # below the map: on a phone the map comes first, the counters after
    with notices:
        if not store.manifest["counts"]["articles"] and not uploads:
            st.info("No article could be loaded into the store. Add one with \"Add an article\" in the sidebar.")
        warnings = shared_parser()[1] if uploads else []  # the parser is loaded only to parse
        problems = store.manifest.get("problems", []) + [{"path": p.path, "reason": p.reason} for p in story_problems]
        for problem in problems + [{"path": "", "reason": w} for w in warnings]:
            st.warning(escape_markdown(f"{problem['path']}: {problem['reason']}" if problem["path"] else problem["reason"]))
    facts = this_view(store, key)
    in_view, counts = facts.figures
    with summary:
        figures = summary_counts(facts.articles[0], counts)
        for column, (label, value) in zip(st.columns(4), figures.items(), strict=True):
            column.metric(label.capitalize() + " in view", value)
    # Only the tab on show is built: the matrix and the furniture list cost a whole-page run most of its time.
    tab_matrix, tab_furniture, tab_downloads = st.tabs(["Coverage by source", "Left out as page furniture", "Downloads"],
                                                       key="tables_tab", on_change="rerun")
    if tab_matrix.open:
        with tab_matrix:
            st.caption("Mentions per place and source; places only one source names come first, shaded. "
                       "Pick a row to read about that place.")
            matrix = facts.matrix
            # The place stays pinned while many outlets scroll by, in narrow columns (a grid label is plain text).
            outlets = {c: st.column_config.NumberColumn(c, width="small") for c in matrix.columns
                       if c not in ("place", "sources")}
            st.dataframe(shade_single_sources(matrix), hide_index=True, width="stretch", selection_mode="single-row",
                         on_select=functools.partial(picked_row, list(matrix.index)), key="matrix",
                         column_config={"place": st.column_config.TextColumn("place", pinned=True), **outlets})
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
