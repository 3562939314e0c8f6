"""A session's own layer over the shared store: its uploads, and the articles its corrections change (no Streamlit here).

On a shared deployment the store is read-only, so a reader's corrections cannot rebuild it:
the articles a correction can change are parsed again for the session, corrected, and laid
over the store's (an overlay article replaces the store's of the same id). Uploads are
corrected with the same corrections, so a name corrected everywhere is corrected in them too.

Each upload and each article is parsed once per session (``parsed`` keeps their documents, as
parsed, before corrections), by the server's one budgeted parse slot (``geo.page.parsing``);
corrections are applied to the kept documents each time they change, which costs no parse.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, MutableMapping
from pathlib import Path, PurePath
from typing import NamedTuple

from ..files import locked
from ..resolution.corrections import CorrectionStage, edit_corrections, load_corrections, merged, without
from ..store import read
from ..store.read import Store
from ..text.corpus import read_article
from ..types import Article, Correction, Document, Source
from .parsing import ParseRefused
from .views import Upload

__all__ = ["MAX_REPARSED", "MAX_SESSION_MENTIONS", "MAX_UPLOADS", "Kept", "keep_correction", "overlay_docs",
           "session_corrections", "session_overlay", "take_back", "upload_article", "upload_key", "upload_refusal"]

MAX_UPLOADS = 10  # a session's uploads (each up to 2 MB): what one reader can make the server hold
MAX_REPARSED = 300  # store articles a session's corrections may have parsed again for it
# The mentions a session's uploads may hold together (the page keeps them, about 1.2 KB each in
# memory: 60 MB at most per session); one upload may send back PARSE_MENTIONS (geo.page.parsing).
MAX_SESSION_MENTIONS = 50_000


def upload_refusal(held: list[Document], doc: Document, filename: str) -> str:
    """Why ``doc``, a new upload, cannot join the session's uploads ``held``, or "" when it can."""
    count = sum(len(each.mentions) for each in held)
    if count + len(doc.mentions) <= MAX_SESSION_MENTIONS:
        return ""
    return (f"{filename}: not added; it names places {len(doc.mentions):,} times and this session's uploads already "
            f"{count:,}, more than the {MAX_SESSION_MENTIONS:,} one session may keep (reload the page to start again)")


def upload_key(upload: Upload) -> str:
    """The upload's id and a digest of everything parsed from it: two sessions' "upload-1-note" are not one."""
    digest = hashlib.sha256(upload.data)
    for part in (upload.filename, upload.outlet, upload.title, upload.published, upload.language):
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return f"{upload.article_id}:{digest.hexdigest()[:24]}"


def upload_article(upload: Upload) -> Article:
    """An upload as the article it becomes (it was checked by ``make_upload`` already)."""
    source = Source(outlet=upload.outlet, title=upload.title, published=upload.published, attribution="stated",
                    language=upload.language)
    return read_article(upload.article_id, upload.data, PurePath(upload.filename).suffix, source, upload.filename)[0]


def session_corrections(store: Store, own: list[Correction]) -> list[Correction]:
    """The store's corrections with a session's own on top (a later one for the same name and place replaces it)."""
    corrections = read.built_corrections(store)
    for correction in own:
        corrections = merged(corrections, correction)
    return corrections


def overlay_docs(store: Store, uploads: list[tuple[str, Upload]], own: tuple[Correction, ...],
                 parsed: MutableMapping, parse: Callable[[list[Article]], list[Document]]) -> list[Document]:
    """The documents a session lays over the store, as parsed: its uploads (``(key, upload)``), and the store's
    articles its corrections can change. Each is parsed once (``parse``), then kept in ``parsed``.

    Raises ParseRefused when the corrections touch more than MAX_REPARSED articles or the parse is refused;
    an upload's own refusal is raised with its file name first.
    """
    docs = []
    for key, upload in uploads:
        if key not in parsed:
            try:
                parsed[key] = parse([upload_article(upload)])[0]
            except ParseRefused as error:
                raise ParseRefused(f"{upload.filename}: {error.reason}", subject=key) from None
        docs.append(parsed[key])
    if own:
        touched = read.articles_touched(store, list(own))
        if len(touched) > MAX_REPARSED:
            raise ParseRefused(f"it would parse {len(touched):,} articles again for this session, and a session may have "
                               f"{MAX_REPARSED:,} parsed again")
        missing = [a for a in touched if (store.generation, a) not in parsed]
        for article_id, doc in zip(missing, parse(read.texts_for_reparse(store, missing)), strict=True):
            parsed[(store.generation, article_id)] = doc
        docs += [parsed[(store.generation, a)] for a in touched]
    return docs


def session_overlay(store: Store, docs: list[Document], own: tuple[Correction, ...], gazetteer) -> tuple | None:
    """The overlay tables and places of a session's documents (``overlay_docs``), corrected (None when none)."""
    if not docs:
        return None
    stage = CorrectionStage(session_corrections(store, list(own)), gazetteer)
    if stage:
        docs = [stage(doc) for doc in docs]
    return read.overlay_from_docs(docs, gazetteer)


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


def _rewrite_file(path: Path, change: Callable[[list[Correction]], list[Correction]]) -> tuple[bool, str]:
    """Read the corrections file, change it, write it whole, under the file's lock (two editors saving at
    once each keep their change); ``(written, why not)``. A file that cannot be read is left as it is."""
    try:
        with locked(path):
            existing, unreadable = _file_corrections(path)
            if existing is None:
                return False, unreadable
            edit_corrections(path, change)  # its comments and order kept
    except OSError as error:
        return False, f"Cannot write {path}: {error.strerror or error}"
    return True, ""


def keep_correction(mode: str, path: Path | None, own: list[Correction], correction: Correction) -> Kept:
    """Keep a correction: in "file" mode written to the corrections file (whole, atomically), else in the
    session. A file that cannot be read or written is left as it is and the correction kept in the session."""
    if mode == "file" and path is not None:
        written, why = _rewrite_file(path, lambda existing: merged(existing, correction))
        if not written:
            return Kept(merged(own, correction), False, "kept",
                        f"{why}. Your correction is kept in this session until the file is fixed.")
        return Kept(without(own, correction), True, "saved", f"Saved to {path}; the map is updated.")
    return Kept(merged(own, correction), False, "saved",
                "Applied in your session. Download the corrections file under Corrections to keep it.")


def take_back(mode: str, path: Path | None, own: list[Correction], correction: Correction) -> Kept:
    """Take a correction back: from the session, and in "file" mode from the corrections file."""
    own = without(own, correction)
    if mode != "file" or path is None:
        return Kept(own, False, "saved", "Taken back.")
    written, why = _rewrite_file(path, lambda existing: without(existing, correction))
    if not written:
        return Kept(own, False, "kept", f"{why}. Nothing was changed in the file.")
    return Kept(own, True, "saved", f"Taken back from {path}; the map is updated.")
