"""What an article is mainly about: its dateline's place, else the specific place it names most.

A wire story opens with its dateline ("ANKARA, Turkey (AP) —", "BAKU, April 9 (Reuters) -"):
the place the reporter files from, which the story is about more often than not. Without one,
the article's focus is the specific place (a town, a base, a zone: not a country or a larger
region) it names most, the first named on a tie; a story that names only countries is about
the country it names most. Nationality words ("Syrian") do not count: they name a people.
"""

from __future__ import annotations

import re
from collections import Counter

from ..gazetteer.index import Gazetteer
from ..types import Document

__all__ = ["BROAD_KINDS", "article_focus"]

BROAD_KINDS = frozenset({"country", "continent", "region"})
DATELINE_REACH = 48  # characters after the place where the dateline's dash or agency may stand
_DATELINE_END = re.compile(r"[^\n]*?(?:\s[—–-]\s|\((?:AP|AFP|Reuters|dpa|UPI)\))")


def article_focus(doc: Document, gazetteer: Gazetteer) -> tuple[str, str]:
    """``(place id, "dateline" or "most named")``, or ``("", "")`` when the article names no place."""
    named = [m for m in doc.mentions if m.type in ("toponym", "venue") or m.method == "corrected"]
    if not named:
        return "", ""
    body_start = doc.body.start if doc.body else 0
    first = min(named, key=lambda m: m.start)
    opening = doc.text[body_start:first.start]
    if not opening.strip() and _DATELINE_END.match(doc.text, first.end, first.end + DATELINE_REACH):
        return first.place_id, "dateline"
    counts = Counter(m.place_id for m in named)
    first_at = {}
    for mention in sorted(named, key=lambda m: m.start):
        first_at.setdefault(mention.place_id, mention.start)
    specific = [p for p in counts if gazetteer.place(p).kind not in BROAD_KINDS]
    pool = specific or list(counts)
    return min(pool, key=lambda p: (-counts[p], first_at[p])), "most named"
