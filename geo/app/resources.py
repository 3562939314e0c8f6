"""What all sessions share: the pipeline, the parse slot, the corpus store (built first when it must be),
the figures of a corpus and a view."""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Iterator
from typing import NamedTuple

import streamlit as st

from geo import Geoparser
from geo.gazetteer.index import GazetteerError, index_is_ready, load_gazetteer
from geo.page.corpus import PagePaths, build_page_store, open_current_store, page_parser
from geo.page.excerpts import escape_markdown
from geo.page.facts import CorpusFacts, ViewFacts
from geo.page.parsing import ParseSlot
from geo.page.session import held
from geo.store import read
from geo.store.read import Store, StoreError, View
from geo.text.corpus import load_story
from geo.types import Correction


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
    except StoreError as error:  # the build's child says why (geo.page.corpus.build_page_store)
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


class ViewKey(NamedTuple):
    """Everything a view's figures depend on: the store's generation, the session's layer, the filters."""

    generation: str
    layer: Layer
    view: View


@st.cache_resource(max_entries=16, show_spinner=False)
def corpus_facts(_store: Store, generation: str, layer: Layer) -> CorpusFacts:
    """The corpus's sources, dates and names, shared by every reader of a generation and session layer."""
    return CorpusFacts(_store)


@functools.lru_cache(maxsize=1024)
def view_token(key: ViewKey) -> str:
    """A short string naming a view key, for Streamlit's caches to hash: they hash their arguments on every call,
    a ViewKey (its outlets, dates, a session's uploads) in a quarter of a millisecond, this in a fiftieth."""
    return hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest()


BY_VIEW_TOKEN = {ViewKey: view_token}  # ``hash_funcs`` of the caches keyed by a view


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs=BY_VIEW_TOKEN)
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
