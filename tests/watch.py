"""The resident memory of a process tree, read from /proc: what the tests' and benchmarks' memory watches sample."""

from __future__ import annotations

import os

__all__ = ["tree_mb"]


def tree_mb(root: int, unit: float = 2**20) -> float:
    """Resident memory of process ``root`` and all its descendants, in ``unit`` bytes (MiB by default)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(name))
            rss[int(name)] = int(fields[21])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total * os.sysconf("SC_PAGE_SIZE") / unit
