"""Files the package writes (the store's manifest, the corrections): whole or not at all."""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

__all__ = ["locked", "write_atomically"]


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock for ``path`` while a read-change-write of it runs: two editors (or two
    server processes) saving at once would otherwise each write their own change over the other's.

    The lock is on a sidecar file (``.NAME.lock``), not on ``path``: ``write_atomically`` replaces
    ``path``'s inode, and a lock on the old inode would not stop the next writer. OSError when the
    folder cannot hold the sidecar (the caller reports it as it reports a failed write).
    """
    sidecar = path.with_name(f".{path.name}.lock")
    descriptor = os.open(sidecar, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to a temporary name beside ``path``, flush it to disk, then rename it over
    ``path``: a reader sees the old file or the new one, never half of either."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(3)}")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
