"""Is a generation whole? Each of its files' sha256 is kept in the manifest when it is committed,
checked when a build starts and once when the page opens the generation, and a query that fails
on a file marks the generation damaged.

Parquet damage behind an intact footer (bytes overwritten in the middle of a file, the size
unchanged) passes ``open_store``'s footer check and shows only when DuckDB reads the pages hit,
maybe on one reader's click and not another's; only a full hash finds it at once. A damaged
generation is never read into a new one: the next build parses every article again.

The mark is a small file, ``damaged``, in the generation's folder (``{file: why}``): it lets a
build that finds a generation marked skip hashing it, and repairs it even when the damage is
one a hash does not see (a file the manifest has no hash for).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import write_atomically
from .schema import TABLES

if TYPE_CHECKING:
    from .read import Store

__all__ = ["CORRECTIONS_FILE", "MARKER", "corrections_digest", "damaged_files", "file_name", "file_sha256",
           "mark_damaged", "marked", "store_damage", "verify_store"]

CORRECTIONS_FILE = "corrections.json"  # the corrections a generation was built with (the manifest keeps their digest)
MARKER = "damaged"
_CHUNK = 1 << 20  # hashed a MiB at a time: memory stays flat whatever the table's size


def file_sha256(path: Path, sync: bool = False) -> str:
    """The sha256 of the file at ``path``, read in chunks; ``sync`` also flushes it to disk (one pass for both)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
        if sync:
            os.fsync(handle.fileno())
    return digest.hexdigest()


def corrections_digest(text: str) -> str:
    """The sha256 of ``corrections.json``'s text: what the manifest keeps, and what a build compares."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_name(name: str) -> str:
    """The file of ``name`` (a table, or ``corrections``) in a generation's folder."""
    return f"{name}.parquet" if name in TABLES else CORRECTIONS_FILE


def marked(folder: Path) -> dict[str, str]:
    """``name -> why`` of the files a failed query marked damaged in the generation at ``folder`` ({} for none)."""
    try:
        found = json.loads((folder / MARKER).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):  # a mark that cannot be read is still a mark
        return {name: "marked damaged" for name in (*TABLES, "corrections")}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def mark_damaged(folder: Path, damaged: dict[str, str]) -> None:
    """Add ``damaged`` (``name -> why``) to the generation's mark, so the next build rebuilds it.

    Written to a temporary name and renamed; a folder that cannot be written (a read-only
    store) keeps no mark, and the build's hash check is then what finds the damage.
    """
    if not damaged:
        return
    with contextlib.suppress(OSError):
        write_atomically(folder / MARKER, json.dumps(marked(folder) | damaged, indent=1, ensure_ascii=False))


def damaged_files(folder: Path, manifest: dict, names: tuple[str, ...] | None = None) -> dict[str, str]:
    """``name -> why`` for the generation's files (``names``, default every table and the corrections) that
    are not as committed: marked damaged, missing or unreadable, or not matching their hash.

    Reads each file whole: a few seconds for a large store, so never on a reader's click.
    A file without a recorded hash is taken as it is.
    """
    names = names or (*TABLES, "corrections")
    found = {name: why for name, why in marked(folder).items() if name in names}
    hashes = dict(manifest.get("hashes") or {})
    if manifest.get("corrections_sha256"):
        hashes["corrections"] = manifest["corrections_sha256"]
    for name in names:
        if name in found or not hashes.get(name):
            continue
        try:
            if file_sha256(folder / file_name(name)) != hashes[name]:
                found[name] = "hash mismatch"
        except OSError as error:
            found[name] = f"unreadable: {error.strerror or error}"
    return found


def store_damage(store: Store, names: list[str] | None = None) -> dict[str, str]:
    """``name -> why`` for the files of the store's generation (``names``: these only) that are not as built:
    see ``verify_store``, which this is with the reasons (``"hash mismatch"``, ``"unreadable: …"``)."""
    # Kept with what every Store over the opened generation shares: hashed once per generation.
    with store._shared.file_lock:
        first = store._shared.damage is None
        if first:
            store._shared.damage = damaged_files(store.folder, store.manifest)
        found = dict(store._shared.damage)
    if first:
        mark_damaged(store.folder, found)
    return {name: why for name, why in found.items() if names is None or name in names}


def verify_store(store: Store) -> list[str]:
    """The damaged files of the store's generation: table names (``mentions``…), and ``corrections`` for its
    corrections file; [] when it is whole.

    Hashes every file in full (a same-size overwrite behind an intact Parquet footer is found no
    other way), so it takes a while on a large store: call it once per opened generation, off a
    reader's click (the answer is kept with the opened generation, and a later call is free). A
    damaged generation is marked so that the next build rebuilds it; its queries may still fail.
    """
    return sorted(store_damage(store))
