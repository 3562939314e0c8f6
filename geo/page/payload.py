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
the scripts it links (Leaflet, its plugins, our own) are put in the same file, in their order, before
the map's script, where they ran before it: one fetch instead of eight, and a deploy that changes a
script is a new file, never a browser's stale copy. A session's own places (its uploads, its
corrections) are never in the file: they travel in its own messages (``geo.page.own_places``).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from pathlib import Path

from .mapping import ASSET_ROOT

__all__ = ["KEPT", "MAP_START", "MODIFIED", "SERVED", "STATIC_DIR", "served_script"]

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"  # Streamlit serves the app's static/ at app/static
SERVED = "generated"  # its folder for written maps (not in the repository)
MAP_START = "/* the map's own script */\n"  # after the scripts it links: where the corpus's map itself begins
KEPT = 16  # maps kept, newest used first: generations and the countries switch of each, for a few builds
MODIFIED = 946_684_800  # 2000-01-01: what a map file says of its age (a browser keeps it a tenth of that)


def served_script(arguments: dict, static_dir: Path = STATIC_DIR, asset_root: str = ASSET_ROOT) -> dict:
    """The component's ``arguments`` with their script moved to a file under ``static_dir`` (the last of
    ``js_links``), the scripts of ``static_dir`` they link put in it first, in their order; unchanged when the
    file cannot be written (a read-only app folder)."""
    folded = {link: path for link in arguments["js_links"] if (path := _static_script(link, static_dir, asset_root))}
    try:
        script = "".join(f"/* {link.removeprefix(asset_root + '/')} */\n" + path.read_text(encoding="utf-8") + "\n;\n"
                         for link, path in folded.items()) + MAP_START + arguments["script"]
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
    links = [link for link in arguments["js_links"] if link not in folded]
    return {**arguments, "script": "", "js_links": [*links, f"{asset_root}/{SERVED}/{name}"]}


def _static_script(link: str, static_dir: Path, asset_root: str) -> Path | None:
    """The file of ``static_dir`` that ``link`` names, when it is a script there (not a written map), else None."""
    name = link.removeprefix(f"{asset_root}/")
    path = (static_dir / name).resolve()
    inside = path.is_relative_to(static_dir.resolve()) and not path.is_relative_to((static_dir / SERVED).resolve())
    return path if name != link and name.endswith(".js") and inside and path.is_file() else None


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
