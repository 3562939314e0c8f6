"""What clicks and views read again and again, kept across sessions per opened generation, bounded: the entries
used last kept (``kept_or_read``)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from .database import Store

# What clicks and views keep of an opened generation (``_Opened``), the entries used last kept: mentions over all
# the places kept (about 100 bytes each), excerpts' texts (a few hundred characters each), and views' counts per
# outlet.
PLACE_MENTIONS_KEPT = 200_000
EVERY_OUTLET_ROWS_KEPT = 400_000  # views' counts per place and outlet, per day and outlet… (``every_outlet``)
EXCERPTS_KEPT = 20_000


def kept_or_read(store: Store, kept: OrderedDict, key, read_it: Callable[[], object], limit: int,
                 size: Callable[[object], int] | None = None):
    """``kept[key]``, else ``read_it()`` kept there, the entries used last kept up to ``limit`` in ``size`` (one
    larger than a quarter of it is not kept). A session's uploads change what is read: never kept then."""
    if store.overlay:
        return read_it()
    with store._shared.lock:
        if (value := kept.get(key)) is not None:
            kept.move_to_end(key)
            return value
    value = read_it()
    if (1 if size is None else size(value)) <= limit // 4:
        with store._shared.lock:
            kept[key] = value
            evict_oldest(kept, limit, size)
    return value


def evict_oldest(kept: OrderedDict, limit: int, size: Callable[[object], int] | None = None) -> None:
    """Drop the entries used longest ago until those left are ``limit`` in ``size`` at most (each counts one without
    it), the lock held.

    The sizes are added up once, not once per entry dropped: with 20,000 excerpts kept, adding them
    up again after each drop held the lock and the GIL for tens of milliseconds a click.
    """
    total = len(kept) if size is None else sum(map(size, kept.values()))
    while total > limit:
        _, value = kept.popitem(last=False)
        total -= 1 if size is None else size(value)
