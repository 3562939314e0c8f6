"""The corpus's map script served as a file, named by its content (no Streamlit here).

The map of a store generation is the same script for every reader (``geo.app.mapview.corpus_map``):
330 KB at 10,000 articles. Sent in the page's messages it travels again on every visit and
every reload. Written once under Streamlit's static serving (``static/generated/``) and named by
its digest, it is one file served gzip-compressed outside the page's messages, and a click's
rerun no longer serialises it into the component's arguments (server CPU per click at 10,000
articles 18-26 -> 14 ms). Streamlit's static server (1.67, Starlette) sends no Cache-Control and
answers a revalidation in full, but it sends the file's modification time, from which a browser
reckons how long to keep a file without asking (a tenth of its age, RFC 9111's heuristic): the
file says it was last modified in 2000, so a reload takes the map from the browser's cache. That
is true of it: its name is its content's digest, and a changed map is another file. When a map
was used last is its access time, set here. streamlit-folium loads its ``js_links`` one after the
other before it runs the component's script (a round trip each: some 50 ms on a busy server), so
our own static scripts are put in the same file, before the map's script, where they ran before it:
the map comes two hundred milliseconds sooner, and a deploy that changes one of them is a new file,
never a browser's stale copy. ``leaflet-setup.js`` stays a file of its own: it finds the vendored
images from its own address. A session's own places (its uploads, its corrections) are never in
the file: they travel in its own messages (``geo.page.own_places``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from pathlib import Path

from .mapping import ASSET_ROOT

__all__ = ["KEPT", "MODIFIED", "SERVED", "STATIC_DIR", "served_script"]

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"  # Streamlit serves the app's static/ at app/static
SERVED = "generated"  # its folder for written maps (not in the repository)
STANDALONE = {"leaflet-setup.js"}  # our scripts that must stay files of their own (above)
KEPT = 16  # maps kept, newest used first: generations and the countries switch of each, for a few builds
MODIFIED = 946_684_800  # 2000-01-01: what a map file says of its age (a browser keeps it a tenth of that)


def served_script(arguments: dict, static_dir: Path = STATIC_DIR, asset_root: str = ASSET_ROOT) -> dict:
    """The component's ``arguments`` with their script moved to a file under ``static_dir`` (the last of
    ``js_links``), our own static scripts among the links put in it first, in their order; unchanged when the
    file cannot be written (a read-only app folder)."""
    own = [link for link in arguments["js_links"] if _own_script(link, static_dir, asset_root)]
    try:
        script = "".join(f"/* {link.rsplit('/', 1)[1]} */\n" + (static_dir / link.rsplit("/", 1)[1]).read_text(
            encoding="utf-8") + "\n;\n" for link in own) + arguments["script"]
    except OSError:
        return arguments
    name = f"map-{hashlib.sha256(script.encode()).hexdigest()[:24]}.js"
    folder = static_dir / SERVED
    path = folder / name
    try:
        folder.mkdir(exist_ok=True)
        if not path.exists():  # written whole under another name, then renamed: a reader never fetches half a map
            partial = folder / f".{name}.{os.getpid()}.{secrets.token_hex(4)}"
            partial.write_text(script, encoding="utf-8")
            os.replace(partial, path)
        os.utime(path, (time.time(), MODIFIED))  # used now (the maps used last are kept); old, so browsers keep it
        _prune(folder)
    except OSError:
        return arguments
    links = [link for link in arguments["js_links"] if link not in own]
    return {**arguments, "script": "", "js_links": [*links, f"{asset_root}/{SERVED}/{name}"]}


def _own_script(link: str, static_dir: Path, asset_root: str) -> bool:
    """Whether ``link`` is one of our own scripts at the top of ``static_dir`` (not a vendored one) that may be
    put in the map's file."""
    name = link.removeprefix(f"{asset_root}/")
    return (name != link and "/" not in name and name.endswith(".js") and name not in STANDALONE
            and (static_dir / name).is_file())


def _prune(folder: Path) -> None:
    """Only the KEPT maps used last stay (another process may have just renamed or removed one)."""
    maps = []
    for path in folder.glob("map-*.js"):
        try:
            maps.append((path.stat().st_atime_ns, path))
        except FileNotFoundError:
            continue
    for _, path in sorted(maps, reverse=True)[KEPT:]:
        path.unlink(missing_ok=True)
