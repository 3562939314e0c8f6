"""How sure the map is and what needs a look; a reader's corrections, made, kept and taken back."""

from __future__ import annotations

import functools
import os

import streamlit as st

from geo.page.corpus import PagePaths, corrections_mode
from geo.page.excerpts import escape_markdown
from geo.page.overlay import (
    keep_correction,
    session_corrections,
    take_back,
)
from geo.page.review import (
    LOW_CONFIDENCE,
    alternative_labels,
    candidate_label,
    correction_effect,
    correction_rows,
    correction_scope,
    needs_review,
    review_html,
    review_rows,
)
from geo.page.session import held
from geo.page.views import (
    article_label,
    mention_label,
)
from geo.resolution.corrections import (
    NOT_A_PLACE,
    corrections_text,
    new_correction,
)
from geo.store import read
from geo.store.read import Store
from geo.types import Correction
from geo.words import counted

from .editors import corrections_settings, identity, sign_in_controls
from .resources import Layer, ViewKey, corpus_facts, opened_store, shared_parser, this_view
from .tables import picked_row


def review_queue(store: Store, key: ViewKey) -> None:
    """Every name in view worth a second look, the least sure first; a row opens its place."""
    queue = held(st.session_state, "review", key, lambda: needs_review(read.review_queue(store, key.view),
                                                                       len(key.view.outlets)))
    st.caption(f"{counted(len(queue), 'name')} to check: confidence under {LOW_CONFIDENCE:.0%}, a close call with another "
               "place, located online only, a venue inferred, or one source alone. Sort by a column; pick a row to "
               "open the place and correct it there.")
    if queue.empty:
        return
    st.dataframe(queue.drop(columns="place_id"), hide_index=True, width="stretch", selection_mode="single-row",
                 on_select=functools.partial(picked_row, list(queue["place_id"]), "review"), key="review",
                 column_config={"confidence": st.column_config.ProgressColumn("confidence", min_value=0, max_value=1,
                                                                              format="percent")})


def review_place(store: Store, place_id: str, key: ViewKey, paths: PagePaths, mean: float | None,
                 corrected: bool) -> None:
    """How sure the geoparser was of this place (``mean``, whether a reader ``corrected`` it: asked with its
    sentences), why, what else each name could be, and a way to correct it."""
    if mean is None:
        return
    # Built when opened (it stays open from place to place): a click that only reads costs one small query.
    with st.expander(f"How sure: {mean:.0%}{' (corrected by a reader)' if corrected else ''} · check or correct",
                     key="review_open", on_change="rerun") as box:
        if not box.open:
            return
        review = read.place_review(store, place_id, key.view)
        st.html(review_html(review_rows(review)))  # wrapped to the panel's width: a table there scrolled sideways
        surface = st.selectbox("Name as written", list(review["surface"]), key=f"fix-name:{place_id}")
        row = review[review["surface"] == surface].iloc[0]
        # Nothing is chosen for the reader: a form that opened on the first alternative and "every article"
        # moved every Palmyra of the corpus to a 2 % namesake with one click.
        choices = alternative_labels(row["alternatives"], place_id) | {ANOTHER: "Another place…"}
        chosen = st.selectbox("It is", list(choices), format_func=choices.get, index=None,
                              placeholder="Choose the place it is", key=f"fix-place:{place_id}")
        label = alternative_labels(row["alternatives"], place_id, scores=False).get(chosen, "")
        if chosen == ANOTHER:
            chosen, label = gazetteer_choice(f"fix-search:{place_id}")
        article, start = correction_target(store, place_id, surface, key)
        note = st.text_input("Note (optional)", key=f"fix-note:{place_id}", max_chars=300)
        ready = chosen is not None and article is not None
        if ready:
            mentions, articles = ((1, 1) if start is not None
                                  else read.name_counts(store, place_id, surface, article or None))
            here = this_view(store, key).labels.get(place_id, place_id)  # "Palmyra (city, SY)", as the map says
            to = NOT_A_PLACE if chosen == NOT_A_PLACE else label
            st.caption(escape_markdown(correction_effect(surface, here, to, mentions, articles,
                                                         correction_mode(paths)[0] == "file")))
        if st.button("Save correction", type="primary", disabled=not ready, key=f"fix-save:{place_id}"):
            save_correction(paths, new_correction(surface, chosen, article or "", start, note))


ANOTHER = "\0another"  # not a place id: the choice that opens the gazetteer search


def correction_target(store: Store, place_id: str, surface: str, key: ViewKey) -> tuple[str | None, int | None]:
    """``(article or "" for every article, offset or None)`` a correction is for; article None until one is picked."""
    scope = st.radio("Where", ["Every article", "One article", "One mention"], horizontal=True, index=None,
                     key=f"fix-scope:{place_id}")
    if scope is None:
        return None, None
    if scope == "Every article":
        return "", None
    mentions = read.name_mentions(store, place_id, surface, key.view)
    if scope == "One article":
        titles = article_titles(store, key.generation, key.layer, tuple(sorted(set(mentions["article_id"]))))
        article = st.selectbox("Article", list(titles), format_func=titles.get, key=f"fix-article:{place_id}")
        return article, None
    # The article first, then its mentions in full words around the name: a narrow panel cut a list of every
    # mention at both ends ("…establishment of Turkish bases in cent").
    titles = article_titles(store, key.generation, key.layer, tuple(sorted(set(mentions["article_id"]))))
    article = st.selectbox("Article", list(titles), format_func=titles.get, key=f"fix-mention-article:{place_id}")
    in_article = mentions[mentions["article_id"] == article]
    labels = {int(row.start): mention_label(row) for row in in_article.itertuples()}
    picked = st.radio("Mention", list(labels), format_func=labels.get, index=None, key=f"fix-mention:{place_id}:{article}")
    if picked is None:
        return None, None
    return str(article), int(picked)


def gazetteer_choice(key: str) -> tuple[str | None, str]:
    """``(place id, label)`` of a place found by name in the gazetteer (loaded on first use), or ``(None, "")``."""
    query = st.text_input("Find the place", key=key, placeholder="e.g. Georgia", max_chars=100)
    if not query.strip():
        return None, ""
    gazetteer = shared_parser()[0].gazetteer
    found = {c.place_id: candidate_label(c, gazetteer.country_name) for c in gazetteer.search(query, 30)}
    if not found:
        st.caption("No place of that name in the gazetteer.")
        return None, ""
    picked = st.selectbox("Place", list(found), format_func=found.get, index=None, placeholder="Choose the place",
                          key=f"{key}:pick")
    return picked, found.get(picked, "")


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
    place, _ = gazetteer_choice("add_search")
    if name.strip() and article:
        found = read.occurrences(store, article, name.strip())
        st.caption(f"{counted(found, 'occurrence')} of that name in the article's text; each in its body is linked.")
    if st.button("Link it", type="primary", disabled=not (name.strip() and article and place), key="add_save"):
        save_correction(paths, new_correction(name.strip(), place, article))
