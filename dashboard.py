"""News geoparsing dashboard: the places a story's articles mention, and what each outlet wrote.

A thin Streamlit layer over ``geo``: run ``streamlit run dashboard.py``. This first page lists
places and their sourced excerpts; the map comes next.
"""

from __future__ import annotations

import streamlit as st

from geo import Geoparser, load_gazetteer
from geo.corpus import load_corpus
from geo.excerpts import escape_markdown, highlighted_sentence
from geo.frames import to_frames
from geo.gazetteer import DATA_DIR

st.set_page_config(page_title="News geoparsing map", page_icon="🗺️", layout="wide")


@st.cache_resource(show_spinner="Loading the gazetteer…")
def shared_parser() -> Geoparser:
    """One read-only gazetteer and pipeline for every session."""
    return Geoparser(load_gazetteer())


@st.cache_data(show_spinner="Geoparsing the articles…")
def bundled_corpus():
    """Articles, problems, places and mentions of the bundled corpus (copies per caller)."""
    parser = shared_parser()
    articles, problems = load_corpus(DATA_DIR / "articles", DATA_DIR / "sources.toml")
    docs = list(parser.pipe(articles))
    places, mentions = to_frames(docs, parser.gazetteer)
    texts = {a.id: a.text for a in articles}
    return articles, [(p.path, p.reason) for p in problems], places, mentions, texts


def main() -> None:
    articles, problems, places, mentions, texts = bundled_corpus()
    st.title("News geoparsing map")
    st.caption(f"{len(articles)} articles · {places.shape[0]} places · {mentions.shape[0]} mentions")
    for path, reason in problems:
        st.warning(escape_markdown(f"{path}: {reason}"))

    outlets = sorted(mentions["outlet"].unique())
    chosen = st.sidebar.multiselect("Sources", outlets, default=outlets)
    include_demonyms = st.sidebar.toggle("Include demonyms (Syrian, Israeli…)", value=True)
    view = mentions[mentions["outlet"].isin(chosen)]
    if not include_demonyms:
        view = view[view["type"] != "demonym"]
    counts = view.groupby("place_id").size().rename("mentions_in_view")
    table = places.drop(columns="geometry").join(counts, on="place_id", how="inner")
    table = table.sort_values("mentions_in_view", ascending=False)

    left, right = st.columns([2, 3])
    with left:
        st.subheader("Places")
        st.dataframe(table[["name", "kind", "country_code", "mentions_in_view", "outlets", "precision"]],
                     hide_index=True, width="stretch")
    with right:
        labels = dict(zip(table["place_id"], table["name"], strict=True))
        place_id = st.selectbox("Place", list(labels), format_func=labels.get, index=0 if labels else None)
        if place_id:
            show_place(place_id, places, view, texts)


def show_place(place_id: str, places, view, texts: dict[str, str]) -> None:
    place = places.set_index("place_id").loc[place_id]
    st.subheader(escape_markdown(place["name"]))
    st.caption(escape_markdown(f"{place['kind']} · {place['country_code'] or 'supranational'} · precision: "
                               f"{place['precision']} · {place['lat']:.4f}, {place['lon']:.4f}"))
    if place["description"]:
        st.text(place["description"])
    if place["venue_note"]:
        st.info(escape_markdown(place["venue_note"]))
    for outlet, group in view[view["place_id"] == place_id].groupby("outlet"):
        st.markdown(f"#### {escape_markdown(outlet)}")
        for row in group.itertuples():
            text = texts[row.article_id]
            st.markdown(highlighted_sentence(text, row.sentence_start, row.sentence_end, row.start, row.end))
            st.caption(f"sentence {row.sentence_index + 1} · {row.type} · {row.method} · confidence {row.confidence:.2f}")


main()
