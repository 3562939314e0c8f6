"""What the page asks the store, computed once and kept together (no Streamlit here).

A corpus's facts (its sources, dates, names) and a view's (places and counts, articles, the
coverage table, the labels to find a place by) are each one object: the page caches that
object per store generation, uploads and filters, and each figure in it is computed the first
time a run asks for it, once, however many sessions ask at the same time.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pandas as pd

from ..store import evidence, read
from ..store.read import Store, View
from .mapping import POLYGON_KINDS, too_large_to_draw
from .tooltips import unique_labels
from .views import coverage_matrix, date_bounds, places_in_view, source_line

__all__ = ["CorpusFacts", "ViewFacts"]


class _Once:
    """A method's result computed on first use and kept on the instance; one thread computes it, others wait."""

    def __init__(self, compute: Callable) -> None:
        self.compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        kept = instance.__dict__
        if self.name not in kept:
            with instance._lock:  # per instance: two views are computed side by side
                if self.name not in kept:
                    kept[self.name] = self.compute(instance)
        return kept[self.name]


class CorpusFacts:
    """What is known of a store (with a session's uploads) whatever the filters."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.RLock()

    @_Once
    def sources(self) -> pd.DataFrame:
        """Per-outlet summaries, one row per outlet (the sidebar's list)."""
        return read.source_summaries(self.store)

    @_Once
    def outlets(self) -> tuple[str, ...]:
        """The outlets, in the sidebar's order."""
        return tuple(self.sources["outlet"])

    @_Once
    def source_lines(self) -> list[tuple[str, str]]:
        """``(outlet, the line on its articles as escaped HTML)`` per outlet, in the sidebar's order (``source_line``)."""
        return [(row.outlet, source_line(row, self.names)) for row in self.sources.itertuples()]

    @_Once
    def most_named(self) -> list[str]:
        """The three places named most (continents aside): the corpus describing itself."""
        shown = read.places(self.store)
        shown = shown[shown["kind"] != "continent"].sort_values(["mention_count", "name"], ascending=[False, True])
        return list(shown["name"].head(3))

    @_Once
    def nationality_words(self) -> list[str]:
        """The nationality words used most, for the toggle that hides them."""
        return read.nationality_examples(self.store)

    @_Once
    def date_range(self) -> tuple[str, str] | None:
        """The first and last publication date as written, None with no dated article."""
        return read.date_range(self.store)

    @_Once
    def dates(self) -> tuple[dt.date, dt.date] | None:
        """The first and last publication date, as dates."""
        return date_bounds(self.date_range)

    @_Once
    def undated(self) -> int:
        """How many articles have no publication date."""
        return read.undated_articles(self.store, read.View(tuple(self.sources["outlet"])))

    @_Once
    def focus_counts(self) -> dict[str, int]:
        """``place id -> articles mainly about it``, most first."""
        focus = read.article_focus(self.store)
        counts = focus["focus"].value_counts()
        return {place: int(n) for place, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))}

    @_Once
    def languages(self) -> dict[str, int]:
        """``language -> articles`` ("" for those whose language could not be told), most first."""
        return read.article_languages(self.store)

    @_Once
    def names(self) -> dict[str, str]:
        """``place_id -> name`` of every place the corpus mentions."""
        places = read.places(self.store)
        return dict(zip(places["place_id"], places["name"], strict=True))


class ViewFacts:
    """A view's figures: the places in it and their counts per outlet, its articles, its tables."""

    def __init__(self, store: Store, view: View) -> None:
        self.store = store
        self.view = view
        self._lock = threading.RLock()
        self._rows: dict[str, dict] = {}  # the rows asked for by place id (``row``)

    @_Once
    def figures(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """``(places in view, mentions per place and outlet)``."""
        counts = read.place_counts(self.store, self.view)
        return places_in_view(read.places(self.store), counts), read.coverage_counts(self.store, self.view)

    @_Once
    def articles(self) -> int:
        """How many articles are in view (each outlet's, added up: one query less per view)."""
        return sum(outlet.articles for outlet in self.outlet_articles.values())

    @_Once
    def furniture(self) -> tuple[pd.DataFrame, int, int]:
        """``(furniture listing, articles with furniture, pieces)``, asked only by its tab."""
        return read.furniture_articles(self.store, self.view)

    @_Once
    def outlet_articles(self) -> dict[str, evidence.OutletArticles]:
        """``outlet -> (articles, languages)`` in view: what a "does not mention" answer was read over."""
        return evidence.outlet_articles(self.store, self.view)

    @_Once
    def positions(self) -> dict[str, int]:
        """``place_id -> its row's position`` in the places in view: a click looks its place up here instead of
        comparing every row's id (a fifth of a click's time)."""
        return {place_id: n for n, place_id in enumerate(self.figures[0]["place_id"].tolist())}

    def row(self, place_id: str | None) -> dict | None:
        """The place's row in view as a dict (the caller's own), None when it is not in view."""
        position = self.positions.get(place_id)
        if position is None:
            return None
        # Read from the frame once per place and view: a row of a GeoDataFrame by position costs a click a millisecond.
        row = self._rows.get(place_id)
        if row is None:
            row = self._rows.setdefault(place_id, self.figures[0].iloc[position].to_dict())
        return dict(row)

    @_Once
    def labels(self) -> dict[str, str]:
        """``place_id -> "Hyderabad (city, PK)"`` for every place in view, as the map labels them."""
        return unique_labels(self.figures[0])

    @_Once
    def large_regions(self) -> dict[str, str]:
        """``place_id -> name`` of the regions in view too large to draw (the Middle East), listed under the map."""
        in_view = self.figures[0]
        polygons = in_view[in_view["kind"].isin(list(POLYGON_KINDS))]  # only zones and regions can be too large
        rows = polygons[["place_id", "name", "kind", "geometry"]].to_dict("records")  # what the rule reads
        return {row["place_id"]: row["name"] for row in rows if too_large_to_draw(row)}

    @_Once
    def matrix(self) -> pd.DataFrame:
        """The coverage matrix (read-only: it is styled per run, as a Styler changes itself as it renders)."""
        return coverage_matrix(self.figures[1], read.places(self.store), self.labels)
