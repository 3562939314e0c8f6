"""Files the package writes (the store's manifest, the corrections): whole or not at all."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

__all__ = ["write_atomically"]


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
