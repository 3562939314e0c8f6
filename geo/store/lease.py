"""Readers' leases on a store generation: a build removes an old generation only when nobody reads it.

A reader that opens a generation takes a shared ``flock`` on its folder and keeps it for as long
as it holds the opened store; a build that wants the folder gone takes an exclusive one without
waiting, and leaves the folder for a later build when it cannot. Locks are advisory and belong to
the open file, so they work between threads of one server as between processes of one machine,
and the kernel drops them when a process dies: a crashed reader never pins a generation. On a
file system without ``flock`` (or on Windows) leases are no-ops and the build's rule of keeping
the previous generation is what protects readers.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no advisory locks of this kind
    fcntl = None

__all__ = ["GenerationGone", "hold", "release", "remove_unless_held"]


class GenerationGone(Exception):
    """The generation's folder is gone, or a build is removing it: read the manifest again."""


def hold(folder: Path) -> int | None:
    """A shared lease on ``folder``, as an open descriptor for ``release``; GenerationGone when it cannot be held."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except FileNotFoundError:
        raise GenerationGone(str(folder)) from None
    except OSError:
        return None  # unreadable as a folder: open_store says why when it reads the tables
    if fcntl is None:
        return descriptor
    try:
        fcntl.flock(descriptor, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:  # a build holds it exclusively: it is being removed
        os.close(descriptor)
        raise GenerationGone(str(folder)) from None
    except OSError:  # no flock here (some network file systems): no lease, the build's keep rule still holds
        pass
    return descriptor


def release(descriptor: int | None) -> None:
    """Give a lease back (closing the descriptor drops the lock)."""
    if descriptor is not None:
        with contextlib.suppress(OSError):
            os.close(descriptor)


def remove_unless_held(folder: Path) -> bool:
    """Remove ``folder`` if no reader holds a lease on it; True when it was removed."""
    try:
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        return not folder.exists()
    try:
        if fcntl is not None:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # read by someone: a later build removes it
            except OSError:
                pass
        shutil.rmtree(folder, ignore_errors=True)  # held exclusively: no reader can take it meanwhile
        return not folder.exists()
    finally:
        os.close(descriptor)
