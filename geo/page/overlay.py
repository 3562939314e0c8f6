"""A session's own layer over the shared store: its uploads, and the articles its corrections change (no Streamlit here).

On a shared deployment the store is read-only, so a reader's corrections cannot rebuild it:
the articles a correction can change are parsed again in the session, corrected, and laid
over the store's (an overlay article replaces the store's of the same id). Uploads are
parsed with the same corrections, so a name corrected everywhere is corrected in them too.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from ..resolution.corrections import CorrectionStage, load_corrections, merged, without, write_corrections
from ..store import read
from ..store.read import Store
from ..types import Correction
from .views import parse_uploads

__all__ = ["Kept", "keep_correction", "session_corrections", "session_overlay", "take_back"]


def session_corrections(store: Store, own: list[Correction]) -> list[Correction]:
    """The store's corrections with a session's own on top (a later one for the same name and place replaces it)."""
    corrections = read.built_corrections(store)
    for correction in own:
        corrections = merged(corrections, correction)
    return corrections


def session_overlay(store: Store, uploads: tuple, own: tuple[Correction, ...], parser) -> tuple | None:
    """The overlay tables and places of a session's uploads and corrected articles (None when it has neither)."""
    if not uploads and not own:
        return None
    stage = CorrectionStage(session_corrections(store, list(own)), parser.gazetteer)
    docs = parse_uploads(uploads, parser)
    if own:
        docs += [parser(article) for article in read.texts_for_reparse(store, read.articles_touched(store, list(own)))]
    if stage:
        docs = [stage(doc) for doc in docs]
    return read.overlay_from_docs(docs, parser.gazetteer)


class Kept(NamedTuple):
    """What became of a reader's correction: the session's own corrections now, whether the file
    was written (the store is then rebuilt with it), and what to tell the reader."""

    own: list[Correction]
    written: bool
    level: str  # "saved", or "kept": in the session only, for the reason in the message
    message: str


def _file_corrections(path: Path) -> tuple[list[Correction] | None, str]:
    corrections, problems = load_corrections(path)
    unreadable = next((p for p in problems if not p.loaded), None)
    return (None, unreadable.reason) if unreadable else (corrections, "")


def keep_correction(mode: str, path: Path | None, own: list[Correction], correction: Correction) -> Kept:
    """Keep a correction: in "file" mode written to the corrections file (whole, atomically), else in the
    session. A file that cannot be read or written is left as it is and the correction kept in the session."""
    if mode == "file" and path is not None:
        existing, unreadable = _file_corrections(path)
        if existing is None:
            return Kept(merged(own, correction), False, "kept",
                        f"{unreadable}. Your correction is kept in this session until the file is fixed.")
        try:
            write_corrections(path, merged(existing, correction))
        except OSError as error:
            return Kept(merged(own, correction), False, "kept",
                        f"Cannot write {path}: {error.strerror or error}. Your correction is kept in this session.")
        return Kept(without(own, correction), True, "saved", f"Saved to {path}; the map is updated.")
    return Kept(merged(own, correction), False, "saved",
                "Applied in your session. Download the corrections file under Corrections to keep it.")


def take_back(mode: str, path: Path | None, own: list[Correction], correction: Correction) -> Kept:
    """Take a correction back: from the session, and in "file" mode from the corrections file."""
    own = without(own, correction)
    if mode != "file" or path is None:
        return Kept(own, False, "saved", "Taken back.")
    existing, unreadable = _file_corrections(path)
    if existing is None:
        return Kept(own, False, "kept", f"{unreadable}. Nothing was changed in the file.")
    try:
        write_corrections(path, without(existing, correction))
    except OSError as error:
        return Kept(own, False, "kept", f"Cannot write {path}: {error.strerror or error}.")
    return Kept(own, True, "saved", f"Taken back from {path}; the map is updated.")
