"""Which corpus and which store the page reads (``streamlit run dashboard.py -- --articles DIR --store DIR``)."""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

from ..gazetteer.index import DATA_DIR, default_cache_dir, gazetteer_fingerprint, load_gazetteer
from ..pipeline import Geoparser
from ..words import counted

_ROOT = DATA_DIR.parent
_PARSED = re.compile(r"parsed ([\d,]+)/([\d,]+) articles")

__all__ = ["PagePaths", "build_page_store", "can_write", "corrections_mode", "open_current_store", "page_parser",
           "page_paths"]


class PagePaths(NamedTuple):
    """The articles folder the store is kept up to date with (None: a store built elsewhere), the store,
    the readers' corrections file, and what to tell the owner about where the store went ("" when nothing)."""

    articles: Path | None
    sources: Path | None
    store: Path
    corrections: Path | None = None
    note: str = ""


def page_paths(argv: list[str]) -> PagePaths:
    """Read the page's arguments; the bundled corpus and ``data/build`` by default.

    ``--store DIR`` alone opens a store built elsewhere (by a cluster) as it is. With
    ``--articles DIR`` the page keeps its store up to date with that folder; another folder's
    store lives in the cache directory, keyed by the folder's path, unless ``--store`` says where.
    """
    parser = argparse.ArgumentParser(prog="dashboard.py", add_help=False)
    parser.add_argument("--articles", type=Path, default=None)
    parser.add_argument("--sources", type=Path, default=None)
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--corrections", type=Path, default=DATA_DIR / "corrections.toml")
    args, _ = parser.parse_known_args(argv)
    if args.store and not args.articles:
        return PagePaths(None, None, args.store, args.corrections)
    articles = args.articles or DATA_DIR / "articles"
    bundled = articles.resolve() == (DATA_DIR / "articles").resolve()
    sources = args.sources or (DATA_DIR / "sources.toml" if bundled else None)
    if args.store:
        return PagePaths(articles, sources, args.store, args.corrections)
    if bundled:
        if can_write(DATA_DIR / "build"):
            return PagePaths(articles, sources, DATA_DIR / "build", args.corrections)
        # A host whose copy of the repository is read-only: the store goes where the page may write.
        store = default_cache_dir() / "stores" / "bundled"
        note = f"{DATA_DIR} cannot be written: the corpus store is built in {store} instead"
        logging.getLogger("geo").warning("geo: %s", note)
        return PagePaths(articles, sources, store, args.corrections, note)
    digest = hashlib.sha256(f"{articles.resolve()}|{sources.resolve() if sources else ''}".encode()).hexdigest()[:16]
    return PagePaths(articles, sources, default_cache_dir() / "stores" / digest, args.corrections)


def can_write(folder: Path) -> bool:
    """Whether ``folder`` (or, when it does not exist yet, the nearest folder above it) can be written."""
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return os.access(folder, os.W_OK | os.X_OK)


def page_parser(secrets: dict) -> tuple[Geoparser, list[str]]:
    """The page's pipeline, with the online geocoder when its settings (secrets, then environment) turn it on.

    Returns the parser and warnings for the reader (bad settings turn the geocoder off, never the page).
    """
    from ..gazetteer.geocoder import CachedGeocoder, GeocoderStage, settings_from_env, settings_from_mapping

    gazetteer = load_gazetteer()
    try:
        settings = settings_from_mapping(secrets, settings_from_env())
    except ValueError as error:
        return Geoparser(gazetteer), [f"Online geocoder off: {error}"]
    if not settings.enabled:
        return Geoparser(gazetteer), []
    geocoder = CachedGeocoder(settings)
    return Geoparser(gazetteer, geocoder=GeocoderStage(geocoder, gazetteer)), geocoder.warnings


def open_current_store(paths: PagePaths):
    """The page's store, opened; StoreError when it is missing, broken, or behind its articles folder.

    Behind means a build would change something (files are compared by size and time; only
    those that differ are read); with no articles folder (a store built elsewhere) it is
    opened as it is.
    """
    from ..store.read import StoreError, open_store

    if paths.articles is not None:
        from ..store.build import plan_build  # only here: a store built elsewhere never loads the build code

        plan = plan_build(paths.articles, paths.sources, paths.store, gazetteer_fingerprint(),
                          corrections_path=paths.corrections)
        if not plan.up_to_date:
            raise StoreError(plan.reason or f"{counted(len(plan.parse), 'article')} to parse, {len(plan.removed):,} to drop")
        return plan.current  # up to date: the plan has opened it already
    return open_store(paths.store)


def build_page_store(paths: PagePaths, secrets: dict, progress) -> str:
    """Bring the page's store up to date with its articles folder; what changed, for the reader.

    In a child process (``python -m geo build``, one worker): the pipeline it loads (language
    models, the resolver: ~90 MB that a server never gave back) is the child's and returned when it
    exits, so a server that built its store holds what one that found it built does; the page
    loads the pipeline only to parse for a reader. ``secrets`` are the online geocoder's
    (Streamlit's ``[geocoder]`` table), passed on as its environment variables. ``progress(done,
    total)`` follows the articles parsed. Raises StoreError when it cannot be built (the child's
    reason); "" when there was nothing to say.
    """
    from ..gazetteer.geocoder import environment_of
    from ..store.read import StoreError

    existed = (paths.store / "generations").exists()
    command = [sys.executable, "-m", "geo", "build", "--articles", str(paths.articles), "--store", str(paths.store),
               "--processes", "1", "--progress-every", "1"]
    command += ["--sources", str(paths.sources)] if paths.sources else []
    command += ["--corrections", str(paths.corrections)] if paths.corrections else []
    reason, errors = "", []
    with subprocess.Popen(command, cwd=_ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, encoding="utf-8", errors="replace",
                          env={**os.environ, **environment_of(secrets)}) as child:
        for line in child.stderr:
            if parsed := _PARSED.match(line):
                progress(int(parsed[1].replace(",", "")), int(parsed[2].replace(",", "")))
            elif line.startswith("parsing every article: "):
                reason = line.removeprefix("parsing every article: ").strip()
            elif line.startswith("error: "):
                errors.append(line.removeprefix("error: ").strip())
    if child.returncode == 2 and not paths.articles.is_dir():  # the command's usage error: no such folder
        raise StoreError(f"cannot read the articles folder {paths.articles}: no such folder")
    if child.returncode != 0:
        raise StoreError(errors[-1] if errors else f"the build stopped (exit status {child.returncode})")
    if reason and existed and "no store here yet" not in reason:
        return f"The corpus store was rebuilt: {reason}."
    return ""


CORRECTION_MODES = ("file", "session")


def corrections_mode(paths: PagePaths, setting: str | None, editor: str | None = None) -> tuple[str, str]:
    """``("file" or "session", why)``: where a reader's corrections go.

    "file": written to the corrections file at once, and the store rebuilt with them, so every
    reader sees them. "session": kept in the reader's session, to download as a file. A visitor
    must not change the map everyone sees, so "file" needs one of two explicit grants: the
    owner's opt-in (``setting`` "file": NEWSGEO_CORRECTIONS or secrets ``[corrections] mode``,
    for one's own machine), or ``editor``, the address of a signed-in editor on the allow-list
    (the caller checks it; see ``geo.app.editors``). Never the peer address: behind a proxy every
    visitor comes from 127.0.0.1. Without a grant, or when the file cannot be written, "session".
    """
    setting = (setting or "").strip().lower()
    if setting and setting not in CORRECTION_MODES:
        return "session", f"corrections mode {setting!r} is not file or session; corrections stay in this session"
    target = paths.corrections
    writable = (paths.articles is not None and target is not None
                and (os.access(target, os.W_OK) if target.exists() else os.access(target.parent, os.W_OK)))
    granted = setting == "file" or (setting != "session" and bool(editor))
    if not granted:
        why = ("this deployment keeps them per session" if setting == "session"
               else "only an editor's corrections change the map everyone sees")
        return "session", f"Corrections apply to your session only ({why}); download them as a file to keep them."
    if not writable:
        return "session", (f"cannot write {target}; corrections apply to your session only, download them to keep them")
    who = f" (signed in as {editor}, an editor)" if editor and setting != "file" else ""
    return "file", f"Corrections are saved to {target} for every reader and applied to the store at once{who}."
