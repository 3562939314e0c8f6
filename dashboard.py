"""News geoparsing map: where a story's articles place it, and what each outlet wrote there.

A thin Streamlit layer over ``geo``: ``streamlit run dashboard.py``. Article text is data:
it reaches the page only through escaped Markdown or plain-text elements, never the map.
"""

from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path
from typing import NamedTuple

import pandas as pd
import streamlit as st
import streamlit_folium

from geo import Geoparser, load_gazetteer
from geo.frames import to_frames
from geo.gazetteer.index import DATA_DIR
from geo.page.excerpts import escape_html, escape_label, escape_markdown, highlighted_html, isolated
from geo.page.mapping import build_map
from geo.page.views import (
    Upload,
    coverage_matrix,
    link_target,
    make_upload,
    mentions_csv,
    mentions_in_view,
    neighbour_sentences,
    place_for_tooltip,
    places_geojson,
    places_in_view,
    precision_text,
    safe_url,
    sentence_mentions,
    summary_counts,
)
from geo.text.corpus import ArticleError, load_corpus, read_article
from geo.types import Source

STATIC = Path(__file__).resolve().parent / "static"
RETURNED = ["last_object_clicked_tooltip", "last_object_clicked_count"]  # clicks only: pan and zoom do not rerun
SHADE_ROWS = 300
EXCERPTS_SHOWN = 5  # per source, before "show all"
st.set_page_config(page_title="News geoparsing map", page_icon="🗺️", layout="wide")


def corpus_paths(argv: list[str]) -> tuple[Path, Path | None]:
    """``streamlit run dashboard.py -- --articles DIR --sources FILE``; the bundled corpus by default."""
    parser = argparse.ArgumentParser(prog="dashboard.py", add_help=False)
    parser.add_argument("--articles", type=Path, default=DATA_DIR / "articles")
    parser.add_argument("--sources", type=Path, default=None)
    args, _ = parser.parse_known_args(argv)
    sources = args.sources or (DATA_DIR / "sources.toml" if args.articles == DATA_DIR / "articles" else None)
    return args.articles, sources


@st.cache_resource(show_spinner="Loading the gazetteer…")
def shared_parser() -> tuple[Geoparser, list[str]]:
    """One read-only pipeline for all sessions, with the geocoder when secrets turn it on."""
    from geo.gazetteer.geocoder import CachedGeocoder, GeocoderStage, settings_from_env, settings_from_mapping

    gazetteer = load_gazetteer()
    try:
        secrets = dict(st.secrets.get("geocoder", {}))
    except FileNotFoundError:  # no secrets file: environment and defaults only
        secrets = {}
    try:
        settings = settings_from_mapping(secrets, settings_from_env())
    except ValueError as error:
        return Geoparser(gazetteer), [f"Online geocoder off: {error}"]
    if not settings.enabled:
        return Geoparser(gazetteer), []
    geocoder = CachedGeocoder(settings)
    return Geoparser(gazetteer, geocoder=GeocoderStage(geocoder, gazetteer)), geocoder.warnings


def parsed(articles: list, problems: list) -> dict:
    """Articles geoparsed into what the page needs (no Streamlit state)."""
    parser, _ = shared_parser()
    docs = list(parser.pipe(articles))
    places, mentions = to_frames(docs, parser.gazetteer)
    mentions = pd.DataFrame(mentions.drop(columns="geometry"))  # places hold the geometry; 100,000 points cost MBs
    return {
        "articles": {d.article.id: d.article for d in docs},
        "sentences": {d.article.id: [(s.start, s.end) for s in d.sentences] for d in docs},
        "furniture": {d.article.id: [(f.reason, d.text[f.start:f.end]) for f in d.furniture] for d in docs},
        "places": places, "mentions": mentions,
        "problems": [f"{p.path}: {p.reason}" for p in problems],
        "sources": sources_summary(d.article for d in docs),
    }


@st.cache_resource(show_spinner="Geoparsing the articles…", max_entries=2)
def bundled(articles_dir: Path, sources: Path | None) -> dict:
    """The corpus every session shares, parsed once per server."""
    return parsed(*load_corpus(articles_dir, sources))


@st.cache_resource(show_spinner="Geoparsing your article…", max_entries=64)
def uploaded(uploads: tuple[Upload, ...]) -> dict:
    """One session's uploads alone, parsed (the shared corpus is not parsed again)."""
    articles = []
    for upload in uploads:
        source = Source(outlet=upload.outlet, title=upload.title, published=upload.published, attribution="stated")
        article, _ = read_article(upload.article_id, upload.data, Path(upload.filename).suffix, source, upload.filename)
        articles.append(article)
    return parsed(articles, [])


class CorpusKey(NamedTuple):
    """What a session reads: the shared corpus (where it is) and the session's own uploads."""

    articles_dir: Path
    sources: Path | None
    uploads: tuple[Upload, ...]


@st.cache_resource(max_entries=8, show_spinner=False)
def corpus(key: CorpusKey) -> dict:
    """The shared corpus plus one session's uploads; shared between callers, so read-only."""
    base = bundled(key.articles_dir, key.sources)
    uploads = key.uploads
    if not uploads:
        return base
    extra = uploaded(uploads)
    merged = {key: base[key] | extra[key] for key in ("articles", "sentences", "furniture")}
    return merged | {
        "places": pd.concat([base["places"], extra["places"]]).drop_duplicates("place_id", ignore_index=True),
        "mentions": pd.concat([base["mentions"], extra["mentions"]], ignore_index=True),
        "problems": base["problems"], "sources": sources_summary(merged["articles"].values()),
    }


def sources_summary(articles) -> dict[str, str]:
    """``outlet -> one line on its articles``, outlets sorted."""
    by_outlet: dict[str, list] = {}
    for article in articles:
        by_outlet.setdefault(article.source.outlet, []).append(article)
    return {outlet: source_summary(group) for outlet, group in sorted(by_outlet.items())}


@st.cache_resource(max_entries=16, show_spinner=False)
def view_of(key: CorpusKey, outlets: tuple[str, ...], demonyms: bool) -> tuple:
    """``(mentions in view, places in view)`` for one view; shared and read-only, so a click recomputes nothing."""
    data = corpus(key)
    view = mentions_in_view(data["mentions"], outlets, demonyms)
    return view, places_in_view(data["places"], view)


@st.cache_resource(max_entries=32, show_spinner=False)
def map_component(key: CorpusKey, outlets: tuple[str, ...], demonyms: bool,
                  countries: bool) -> tuple[dict, dict[str, str]]:
    """The map component's arguments for a view, as st_folium computes them, and its labels.

    st_folium renders the whole folium map on every call (about 0.2 s here); a click reruns
    the app, so the arguments are computed once per view and replayed. Equal views give equal
    arguments, so the browser keeps the mounted map, its pan and its zoom.
    """
    data = corpus(key)
    view, _ = view_of(key, outlets, demonyms)
    fmap, labels = build_map(data["places"], view, outlets=list(outlets), show_countries=countries)
    captured: dict = {}

    def record(**kwargs):
        captured.update(kwargs)
        return kwargs.get("default")

    # A copy of st_folium whose global _component_func is our recorder: nothing shared is
    # swapped, so concurrent sessions cannot see each other's capture (Streamlit re-executes
    # this script per run, so a module-level lock here would not be shared either).
    original = streamlit_folium.st_folium
    capturing = types.FunctionType(original.__code__, {**original.__globals__, "_component_func": record},
                                   original.__name__, original.__defaults__, original.__closure__)
    capturing.__kwdefaults__ = original.__kwdefaults__
    capturing(fmap, key="map", height=560, use_container_width=True, returned_objects=RETURNED)
    captured.pop("on_change", None)  # st_folium's callback only mirrors the value into session state
    return captured, labels


def sidebar_sources(data: dict) -> list[str]:
    """A checkbox per source with what is known of it; defaults from the URL."""
    st.sidebar.header("Sources")
    by_outlet = data["sources"]
    wanted = st.query_params.get("sources")
    wanted = set(wanted.split("|")) if wanted else set(by_outlet)
    chosen = []
    for outlet, summary in by_outlet.items():
        # Labels are Markdown: escaped, an outlet's name shows as written and formats nothing.
        if st.sidebar.checkbox(escape_label(outlet), value=outlet in wanted, key=f"source:{outlet}"):
            chosen.append(outlet)
        paragraph(summary, caption=True, where=st.sidebar)
    if set(chosen) == set(by_outlet):
        st.query_params.pop("sources", None)
    else:
        st.query_params["sources"] = "|".join(chosen)
    return chosen


def source_summary(articles: list) -> str:
    """One line on a source's articles, as escaped HTML: the title when there is one article, else the count and dates."""
    attributions = {a.source.attribution or "unknown" for a in articles}
    attribution = "attribution " + "/".join(sorted({"stated": "stated in the text"}.get(a, a) for a in attributions))
    if len(articles) == 1:
        a = articles[0]
        return f"{isolated(a.source.title or a.id)} · {isolated(a.source.published or 'undated')} · {attribution}"
    dates = sorted(a.source.published for a in articles if a.source.published)
    span = f"{dates[0]} to {dates[-1]}" if dates else "undated"
    return escape_html(f"{len(articles)} articles · {span} · {attribution}")


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


def select_place(place_id: str | None) -> None:
    st.session_state["place"] = place_id
    if place_id:
        st.query_params["place"] = place_id
    else:
        st.query_params.pop("place", None)


@st.fragment
def map_and_panel(key: CorpusKey, outlets: list[str], demonyms: bool, countries: bool) -> None:
    """Map, place list and panel rerun alone on a click: the rest of the page stays."""
    data = corpus(key)
    view, in_view = view_of(key, tuple(outlets), demonyms)
    arguments, labels = map_component(key, tuple(outlets), demonyms, countries)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        search = st.container()
        clicked = streamlit_folium._component_func(**arguments)
        count = (clicked or {}).get("last_object_clicked_count")
        if count and count != st.session_state.get("clicks"):  # a new click, not a rerun's echo
            st.session_state["clicks"] = count
            select_place(place_for_tooltip((clicked or {}).get("last_object_clicked_tooltip") or "", labels))
        names = dict(zip(in_view["place_id"], in_view["name"], strict=True))
        current = st.session_state.get("place")
        with search:
            chosen = st.selectbox("Find a place", list(names), format_func=names.get, placeholder="Type a place name",
                                  index=list(names).index(current) if current in names else None)
            if chosen != current and chosen is not None:
                select_place(chosen)
                current = chosen
    with right:
        if current and current not in names:
            known = current in set(data["places"]["place_id"])
            st.info("That place is not mentioned by the sources in view." if known
                    else "The link names a place this corpus does not mention; choose one from the list.")
        elif current:
            place_panel(data, in_view.set_index("place_id").loc[current], view[view["place_id"] == current])
        else:
            st.caption("Click a place on the map, or find it in the list, to read what each source wrote.")


def place_panel(data: dict, place, mentions) -> None:
    st.subheader(escape_markdown(place["name"]))
    where = place["country_code"] or "supranational"
    located = precision_text(place["precision"], place["geometry"].geom_type)
    source = f" · location from {place['source']}" if place["source"] else ""
    st.caption(escape_markdown(f"{place['kind']} · {where} · {located} · {place['lat']:.4f}, {place['lon']:.4f}{source}"))
    if place["description"]:
        st.text(place["description"])
    if place["venue_note"]:
        st.info(escape_markdown(place["venue_note"]))
    related = [r for r in (place["related"] or "").split("; ") if r]
    for other in related:
        name = data["places"].set_index("place_id")["name"].get(other, other)
        if st.button(escape_markdown(f"Related: {name}"), key=f"rel:{other}"):
            select_place(other)
            st.rerun(scope="fragment")
    by_outlet: dict[str, list] = {}
    for item in sentence_mentions(mentions):
        by_outlet.setdefault(item.outlet, []).append(item)
    tab_excerpts, tab_compare = st.tabs(["Excerpts by source", "Compare sources"])
    with tab_excerpts:
        context = st.toggle("Show the sentences around each excerpt", key="context")
        for outlet, items in by_outlet.items():
            st.markdown(f"##### {escape_markdown(outlet)}")
            for item in shown(items, f"all:{outlet}"):
                excerpt(data, item, context)
    with tab_compare:
        outlets = list(by_outlet)
        busiest = sorted(outlets, key=lambda o: -len(by_outlet[o]))[:3]
        compared = outlets if len(outlets) <= 4 else st.multiselect(
            "Sources side by side", outlets, default=sorted(busiest), max_selections=6, key="compare")
        for column, outlet in zip(st.columns(max(1, len(compared))), compared, strict=False):
            with column:
                st.markdown(f"**{escape_markdown(outlet)}**")
                for item in shown(by_outlet[outlet], f"compare-all:{outlet}"):
                    text = data["articles"][item.article_id].text
                    paragraph(highlighted_html(text, item.sentence_start, item.sentence_end, item.spans))


def shown(items: list, key: str) -> list:
    """The first EXCERPTS_SHOWN items, or all of them once the reader asks (a place can have thousands)."""
    if len(items) > EXCERPTS_SHOWN and not st.toggle(f"Show all {len(items)} sentences", key=key):
        return items[:EXCERPTS_SHOWN]
    return items


def excerpt(data: dict, row, context: bool) -> None:
    article = data["articles"][row.article_id]
    text = article.text
    sentences = data["sentences"][row.article_id]
    before, after = neighbour_sentences(sentences, row.sentence_index) if context else ([], [])
    for start, end in before:
        paragraph(escape_html(text[start:end]), caption=True)
    paragraph(highlighted_html(text, row.sentence_start, row.sentence_end, row.spans))
    for start, end in after:
        paragraph(escape_html(text[start:end]), caption=True)
    meta = (f"sentence {row.sentence_index + 1} of {len(sentences)} · {isolated(article.source.title or article.id)} · "
            f"{isolated(article.source.published or 'undated')} · {escape_html(row.kinds)}")
    url = safe_url(article.source.url)
    link = (f' · <a href="{escape_html(link_target(url))}" target="_blank" rel="noopener noreferrer">original article</a>'
            if url else "")
    paragraph(meta + link, caption=True)


def paragraph(fragment: str, *, caption: bool = False, where=st) -> None:
    """A paragraph of escaped HTML from geo.page.excerpts.

    st.html, not Markdown: Streamlit's Markdown turns URLs into links, ``:material/…:`` into
    icons and ``->`` into arrows even when escaped, and article text must show as written.
    Every character of article text is escaped, and Streamlit sanitizes st.html besides.
    """
    style = "margin:0;overflow-wrap:anywhere" + (";font-size:0.875rem;opacity:0.7" if caption else "")
    where.html(f'<p dir="auto" style="{style}">{fragment}</p>')


def main() -> None:
    uploads: list[Upload] = st.session_state.setdefault("uploads", [])
    # Slots filled after the map: the browser draws elements in the order the script makes
    # them, and the form's and metrics' widgets cost the first paint a second here.
    upload_slot = st.sidebar.container()
    key = CorpusKey(*corpus_paths(sys.argv[1:]), tuple(uploads))
    data = corpus(key)
    parser_warnings = shared_parser()[1]
    outlets = sidebar_sources(data)
    st.sidebar.header("Show")
    demonyms = st.sidebar.toggle("Demonyms (Syrian, Israeli…)", value=True)
    countries = st.sidebar.toggle("Country-level places on the map", value=False)
    if "place" not in st.session_state:
        st.session_state["place"] = st.query_params.get("place")

    st.title("News geoparsing map")
    notices, summary = st.container(), st.container()
    map_and_panel(key, outlets, demonyms, countries)
    with notices:
        if not data["articles"]:
            st.info(escape_markdown(f"No article could be loaded from {key.articles_dir}. Add one with "
                                    "\"Add an article\" in the sidebar."))
        for message in data["problems"] + parser_warnings:
            st.warning(escape_markdown(message))
    view, in_view = view_of(key, tuple(outlets), demonyms)
    figures = summary_counts(len([a for a in data["articles"].values() if a.source.outlet in outlets]), view)
    with summary:
        for column, (label, value) in zip(st.columns(4), figures.items(), strict=True):
            column.metric(label.capitalize() + " in view", value)

    tab_matrix, tab_furniture, tab_downloads = st.tabs(["Coverage by source", "Left out as page furniture", "Downloads"])
    with tab_matrix:
        matrix = coverage_matrix(view, data["places"])
        st.caption("Mentions per place and source; places only one source names come first, shaded.")
        # Styling every cell costs seconds on a large corpus: shade small tables only.
        shaded = matrix.style.apply(lambda r: ["background-color: #fde7e4" if r["sources"] == 1 else ""] * len(r),
                                    axis=1) if len(matrix) <= SHADE_ROWS else matrix
        st.dataframe(shaded, hide_index=True, width="stretch")
    with tab_furniture:
        furniture_report(data, outlets)
    with tab_downloads:
        # Built when clicked, not on every rerun: a large corpus makes tens of megabytes.
        st.download_button("Places in view (GeoJSON)", lambda: places_geojson(in_view), "places.geojson",
                           "application/geo+json", on_click="ignore")
        st.download_button("Mentions in view (CSV)", lambda: mentions_csv(view), "mentions.csv", "text/csv",
                           on_click="ignore")
    with upload_slot:
        sidebar_upload(uploads)


def furniture_report(data: dict, outlets: list[str]) -> None:
    """What body detection left out of each article in view, one article at a time."""
    in_view = [i for i, a in data["articles"].items() if a.source.outlet in outlets]
    left_out = {i: data["furniture"][i] for i in in_view if data["furniture"][i]}
    total = sum(len(p) for p in left_out.values())
    st.caption(f"{total} piece(s) of page furniture (related headlines, ads, comment prompts…) left out of "
               f"{len(left_out)} of the {len(in_view)} article(s) in view.")
    if not left_out:
        return
    articles = data["articles"]
    article_id = st.selectbox("Article", list(left_out), key="furniture_article",
                              format_func=lambda i: f"{articles[i].source.outlet} · {articles[i].source.title or i} "
                                                    f"({len(left_out[i])} left out)")
    for reason, text in left_out.get(article_id, []):
        with st.expander(escape_markdown(f"{reason}: {' '.join(text.split())[:80]}")):
            st.text(text[:5000])


main()
