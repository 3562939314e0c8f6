"""What runs keep between them: the entries used last, up to a limit."""

from collections import OrderedDict

from geo.store.kept import evict_oldest


def test_kept_eviction_drops_the_entries_used_longest_ago_down_to_the_limit():
    kept = OrderedDict((n, f"excerpt {n}") for n in range(10))
    kept.move_to_end(2)  # used again: among the last now
    evict_oldest(kept, 6)
    assert list(kept) == [5, 6, 7, 8, 9, 2]


def test_kept_eviction_counts_each_entry_by_its_size():
    kept = OrderedDict([("a", [1] * 5), ("b", [1] * 3), ("c", [1] * 4), ("d", [1] * 2)])
    evict_oldest(kept, 6, len)  # 14 in all: "a" and then "b" go, leaving 4 + 2
    assert list(kept) == ["c", "d"]
    evict_oldest(kept, 6, len)  # within the limit: nothing goes
    assert list(kept) == ["c", "d"]


def test_kept_eviction_of_many_entries_adds_their_sizes_up_once():
    sized = []
    kept = OrderedDict((n, n) for n in range(2000))
    evict_oldest(kept, 1000, lambda value: sized.append(value) or 1)
    assert len(kept) == 1000 and next(iter(kept)) == 1000
    assert len(sized) == 2000 + 1000  # each entry once, and each dropped one once more: not once per drop
