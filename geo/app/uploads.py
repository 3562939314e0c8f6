"""A reader's own articles: the upload form, each upload parsed once in the parse slot, and the session's layer over the store."""

from __future__ import annotations

import streamlit as st

from geo.page.excerpts import escape_markdown
from geo.page.overlay import (
    MAX_UPLOADS,
    overlay_docs,
    session_overlay,
    upload_article,
    upload_key,
    upload_refusal,
)
from geo.page.parsing import PARSE_MEMORY_MB, PARSE_SECONDS, ParseRefused
from geo.page.session import held
from geo.page.views import (
    MAX_UPLOAD_BYTES,
    Upload,
    make_upload,
)
from geo.store.read import Store
from geo.text.corpus import ArticleError

from .resources import Layer, parse_slot, shared_parser
from .slots import slot_set_aside

UPLOAD_LANGUAGES = {"": "Detect it", "en": "English", "ar": "Arabic", "he": "Hebrew", "tr": "Turkish"}


def parsed_aside(articles: list) -> list:
    """The articles parsed in the parse slot's process, this run's slot let go meanwhile (``slots``)."""
    with slot_set_aside():
        return parse_slot().parse(articles)


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
            docs = overlay_docs(store, keyed, layer.corrections, parsed, parsed_aside)
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
        [doc] = parsed_aside([upload_article(upload)])
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
    if wanted := st.query_params.get("sources"):  # a link naming its sources: the reader's new one joins them, ticked
        st.query_params["sources"] = f"{wanted}|{upload.outlet}"
    state["upload_flash"] = ("added", f"Added {upload.filename} as {upload.outlet}" + (f" ({caveat})." if caveat else "."))
