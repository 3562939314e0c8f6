"""What clicks and views read again and again, kept across sessions per opened generation, bounded: the entries
used last kept (``kept_or_read``)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from .database import Store

# What clicks and views keep of an opened generation (``_Opened``), the entries used last kept: mentions over all
# the places kept (about 100 bytes each), views' article ids, excerpts' texts (a few hundred characters each),
# and views' counts per outlet.
PLACE_MENTIONS_KEPT = 200_000
VIEWS_KEPT = 64
EVERY_OUTLET_ROWS_KEPT = 400_000  # views' counts per place and outlet, per day and outlet… (``every_outlet``)
EXCERPTS_KEPT = 20_000


def kept_or_read(store: Store, kept: OrderedDict, key, read_it: Callable[[], object], limit: int,
                 size: Callable[[object], int] = lambda value: 1):
    """``kept[key]``, else ``read_it()`` kept there, the entries used last kept up to ``limit`` in ``size`` (one
    larger than a quarter of it is not kept). A session's uploads change what is read: never kept then."""
    if store.overlay:
        return read_it()
    with store._shared.lock:
        if (value := kept.get(key)) is not None:
            kept.move_to_end(key)
            return value
    value = read_it()
    if size(value) <= limit // 4:
        with store._shared.lock:
            kept[key] = value
            evict_oldest(kept, limit, size)
    return value


def evict_oldest(kept: OrderedDict, limit: int, size: Callable[[object], int] = lambda value: 1) -> None:
    """Drop the entries used longest ago until those left are ``limit`` in ``size`` at most (the lock held)."""
    while sum(map(size, kept.values())) > limit:
        kept.popitem(last=False)
