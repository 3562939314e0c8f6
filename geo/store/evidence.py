"""What a "does not mention" answer rests on: each outlet's articles in view, and the names a place goes by.

An outlet "does not mention" a place when none of its articles in view is placed there; a reader
judging that answer wants to know over how many articles, in which languages, and by which names
the articles were searched (the page adds the gazetteer's own names, ``geo.gazetteer.names``).
"""

from __future__ import annotations

from typing import NamedTuple

from . import read
from .read import Store, View

__all__ = ["OutletArticles", "corpus_names", "outlet_articles"]


class OutletArticles(NamedTuple):
    """One outlet's articles in a view: how many, and their languages ("" for one not told), most first."""

    articles: int
    languages: tuple[str, ...]


def outlet_articles(store: Store, view: View) -> dict[str, OutletArticles]:
    """``outlet -> OutletArticles`` for each outlet with an article in ``view``."""
    # Every outlet's, kept for the readers of the same dates: each takes its own outlets' rows.
    where, params = view.where("a", "a", mentions=False, outlets=False)
    rows = read.every_outlet(store, view, f"""
        SELECT outlet, coalesce(language, '') AS language, count(*) AS n FROM {store.relation("articles")} a
        WHERE {where} GROUP BY ALL ORDER BY outlet, n DESC, language""", params)
    found: dict[str, tuple[int, list[str]]] = {}
    for outlet, language, number in zip(*(rows.column(c).to_pylist() for c in ("outlet", "language", "n")), strict=True):
        total, languages = found.setdefault(outlet, (0, []))
        languages.append(language)
        found[outlet] = (total + int(number), languages)
    return {outlet: OutletArticles(total, tuple(languages)) for outlet, (total, languages) in found.items()}


def corpus_names(store: Store, place_id: str) -> dict[str, list[tuple[str, int]]]:
    """``language -> [(name as written, mentions)]`` placing ``place_id`` anywhere in the corpus, most used first.

    The names the articles themselves use (in every outlet and date, the reader's filters aside): the
    spellings the geoparser found, which the gazetteer's own list may not show (GeoNames' alternates).
    """
    # Per language, one entry per name case aside, written as first met: {folded: [name, mentions]}.
    found: dict[str, dict[str, list]] = {}
    for language, surface, number in sorted(read.place_names(store, place_id), key=lambda n: (n[0], -n[2], n[1])):
        name = " ".join(str(surface).split())
        found.setdefault(language, {}).setdefault(name.casefold(), [name, 0])[1] += int(number)
    return {language: sorted(((name, n) for name, n in by_name.values()), key=lambda item: (-item[1], item[0]))
            for language, by_name in found.items()}
