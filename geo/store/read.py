"""Open a corpus store and ask it what the page shows: plain functions over DuckDB, in process.

Nothing here holds the mentions in memory: each function runs one SQL query over the Parquet
files of the store's current generation and returns a small frame. A ``Store`` is shared by
every session of the dashboard, and sessions run in threads, so each query takes a cursor of
its own (a DuckDB connection must not be used by two threads at once). A session's uploads ride
along as ``overlay`` tables with the same columns, queried together with the store's.

The functions live by what they answer: ``database`` (the store, the view), ``counts`` (a view's
counts), ``sentences`` (excerpts, search, downloads), ``reviewing`` (review and corrections), and
``kept`` (what is kept between runs); this module names them all for the page and the command line.
"""

from __future__ import annotations

from .counts import (
    article_focus,
    article_ids,
    article_languages,
    articles_in_view,
    coverage_counts,
    daily_mentions,
    date_range,
    every_outlet,
    nationality_examples,
    place_counts,
    places,
    source_summaries,
    undated_articles,
)
from .database import Store, StoreError, View, current_generation, open_store
from .reviewing import (
    article_furniture,
    articles_naming,
    articles_touched,
    built_corrections,
    furniture_articles,
    name_counts,
    name_mentions,
    occurrences,
    overlay_from_docs,
    place_confidence,
    place_review,
    review_queue,
    texts_for_reparse,
)
from .sentences import (
    EXCERPT_CHARS,
    PlaceSentences,
    article_details,
    download_mentions,
    excerpt_window,
    neighbour_spans,
    place_excerpts,
    place_names,
    place_sentences,
    search_sentences,
    view_mentions,
)
from .verify import store_damage, verify_store

__all__ = ["EXCERPT_CHARS", "PlaceSentences", "Store", "StoreError", "View", "article_details", "article_focus",
    "article_furniture", "article_ids", "article_languages", "articles_in_view", "articles_naming", "articles_touched",
    "built_corrections", "coverage_counts", "current_generation", "daily_mentions", "date_range",
    "download_mentions", "every_outlet", "excerpt_window", "furniture_articles", "name_counts", "name_mentions",
    "nationality_examples", "neighbour_spans", "occurrences", "open_store", "overlay_from_docs", "place_confidence",
    "place_counts", "place_excerpts", "place_names", "place_review", "place_sentences", "places", "review_queue",
    "search_sentences", "source_summaries", "store_damage", "texts_for_reparse", "undated_articles", "verify_store",
    "view_mentions"]
