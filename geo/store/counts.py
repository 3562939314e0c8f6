"""Counts of a view: per place, per outlet, per day, per language; the sources and the places themselves."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .database import Store, StoreError, View, first_line
from .kept import EVERY_OUTLET_ROWS_KEPT, kept_or_read


def places(store: Store):
    """Every place of the store (and the overlay) as a GeoDataFrame: shapes and details, corpus-wide counts.

    Shared between callers: read it, never change it.
    """
    import geopandas as gpd

    with store._shared.lock:
        if store._shared.places is None:  # a few thousand rows at most: read once per store
            try:
                store._shared.places = gpd.read_parquet(store.table_path("places"))
            except (OSError, ValueError, pa.ArrowException) as error:
                store._damaged({"places": f"unreadable: {first_line(error)}"})
                raise StoreError(f"{store.table_path('places')}: cannot be read ({first_line(error)})") from None
        frame = store._shared.places
        extra = store.overlay_places
        if extra is None or not len(extra):
            return frame
        # A session's uploads are the same objects run after run: join them to the store's places once.
        joined = store._shared.with_uploads.get(id(extra))
        if joined is None or joined[0] is not extra:
            joined = (extra, pd.concat([frame, extra[~extra["place_id"].isin(frame["place_id"])]], ignore_index=True))
            store._shared.with_uploads[id(extra)] = joined
            while len(store._shared.with_uploads) > 64:
                store._shared.with_uploads.pop(next(iter(store._shared.with_uploads)))
        return joined[1]


def _summed(view: View) -> tuple[str, str, list]:
    """``(mentions column, other names column, WHERE and its parameters)`` of a view's counts over
    ``{place_articles} p``, every outlet's (``every_outlet`` takes the view's): with demonyms hidden, the named
    mentions only, and the articles that have one."""
    where, params = view.where("p", "p", mentions=False, outlets=False)
    if view.demonyms:
        return "mentions", "other_names", [where, *params]
    return "named", "named_other_names", [f"{where} AND p.named > 0", *params]


def every_outlet(store: Store, view: View, sql: str, params: list) -> pa.Table:
    """The rows of the view's outlets of ``sql``, a query of a view's counts grouped by outlet (among others) over
    every outlet's articles (``View.where(outlets=False)``).

    What the query answers is kept per view with its outlets set aside: readers who tick other
    sources over the same dates (most of them) share it, each taking its own outlets' rows.
    """

    def read_it() -> pa.Table:
        with store.reading(sql), store.cursor() as cursor:
            return cursor.sql(sql, params=params).to_arrow_table()

    every = kept_or_read(store, store._shared.every_outlet, (sql, dataclasses.replace(view, outlets=())), read_it,
                         EVERY_OUTLET_ROWS_KEPT, lambda table: table.num_rows)
    return every.filter(pc.is_in(every.column("outlet"), value_set=pa.array(list(view.outlets), pa.string())))


def _by_place_and_outlet(store: Store, view: View) -> pa.Table:
    """Mentions, articles and names in other letters per place and outlet in view (``every_outlet``)."""
    mentions, others, (where, *params) = _summed(view)
    return every_outlet(store, view, f"""
        SELECT place_id, outlet, sum({mentions})::BIGINT AS mentions, count(*)::BIGINT AS articles,
               list_distinct(flatten(list({others}))) AS others
        FROM {store.relation("place_articles")} p WHERE {where} GROUP BY place_id, outlet""", params)


def place_counts(store: Store, view: View) -> pd.DataFrame:
    """Per place in view: mentions, articles, sources and the outlets naming it (``a; b``), and up to three
    names written in other letters than its own (``دمشق, Şam``: an Arabic or Turkish article's); an article has
    one outlet, so its articles are the sum of its outlets'."""
    rows = _by_place_and_outlet(store, view)
    # Summed by Arrow (a Python loop over every place and outlet held the GIL 13 ms a view at 10k, 12 outlets); the
    # names in other letters, rare, by hand.
    places = rows.group_by("place_id", use_threads=False).aggregate(
        [("mentions", "sum"), ("articles", "sum"), ("outlet", "list")])
    named = rows.filter(pc.greater(pc.list_value_length(rows.column("others")), 0))
    written: dict[str, set[str]] = {}
    for place_id, others in zip(named.column("place_id").to_pylist(), named.column("others").to_pylist(), strict=True):
        written.setdefault(place_id, set()).update(others)
    ids = places.column("place_id").to_pylist()
    outlets = [sorted(outlet) for outlet in places.column("outlet_list").to_pylist()]
    return pd.DataFrame({
        "place_id": pd.Series(ids, dtype="str"),
        "mention_count": pd.Series(places.column("mentions_sum").to_numpy(), dtype="int64"),
        "article_count": pd.Series(places.column("articles_sum").to_numpy(), dtype="int64"),
        "source_count": pd.Series([len(outlet) for outlet in outlets], dtype="int64"),
        "outlets": pd.Series(["; ".join(outlet) for outlet in outlets], dtype="str"),
        "other_names": pd.Series([", ".join(sorted(written.get(p, ()))[:3]) for p in ids], dtype="str")})


def coverage_counts(store: Store, view: View) -> pd.DataFrame:
    """Mentions per (place, outlet) in view, in long form."""
    return _by_place_and_outlet(store, view).select(["place_id", "outlet", "mentions"]).to_pandas()


def articles_in_view(store: Store, view: View) -> int:
    """How many articles the view's outlets and dates take in."""
    where, params = view.where("a", "a", mentions=False)
    return int(store.query(f"SELECT count(*) AS n FROM {{articles}} a WHERE {where}", params)["n"].iloc[0])


def source_summaries(store: Store) -> pd.DataFrame:
    """Per outlet: how many articles, first and last date, attributions, the title when it has one article, the
    place its articles are most often about (``focus``), their languages, and the agencies whose copy they are
    (``wires``, over ``wire_articles`` of them)."""
    return store.query("""
        SELECT outlet, count(*) AS articles, min(published) FILTER (WHERE published <> '') AS first_published,
               max(published) FILTER (WHERE published <> '') AS last_published,
               string_agg(DISTINCT coalesce(nullif(attribution, ''), 'unknown'), '/' ORDER BY
                          coalesce(nullif(attribution, ''), 'unknown')) AS attributions,
               any_value(coalesce(nullif(title, ''), article_id)) AS title, any_value(published) AS published,
               mode(nullif(focus, '')) AS focus,
               string_agg(DISTINCT nullif(language, ''), '/' ORDER BY nullif(language, '')) AS languages,
               string_agg(DISTINCT nullif(wire, ''), '/' ORDER BY nullif(wire, '')) AS wires,
               count(*) FILTER (WHERE wire <> '') AS wire_articles
        FROM {articles} GROUP BY outlet ORDER BY outlet""")


def nationality_examples(store: Store, limit: int = 3) -> list[str]:
    """The nationality words this corpus uses most ("Turkish", "Israeli"), for the toggle that hides them."""
    return list(store.query("""SELECT surface, count(*) AS n FROM {mentions} WHERE type = 'demonym'
                               GROUP BY surface ORDER BY n DESC, surface LIMIT ?""", [limit])["surface"])


def date_range(store: Store) -> tuple[str, str] | None:
    """The first and last publication date of the store's (and the overlay's) articles; None when none is dated."""
    row = store.query("""SELECT min(published) AS first, max(published) AS last FROM {articles}
                         WHERE published <> '' """).iloc[0]
    return None if pd.isna(row["first"]) else (row["first"], row["last"])


def daily_mentions(store: Store, view: View) -> pd.DataFrame:
    """Mentions per publication day and outlet in view (undated articles left out: they have no day)."""
    mentions, _, (where, *params) = _summed(view)
    return every_outlet(store, view, f"""
        SELECT p.published AS day, p.outlet, sum({mentions})::BIGINT AS mentions FROM {store.relation("place_articles")} p
        WHERE {where} AND p.published <> '' GROUP BY ALL ORDER BY day, p.outlet""", params).to_pandas()


def undated_articles(store: Store, view: View) -> int:
    """How many articles of the view's outlets have no date."""
    where, params = view.where("a", "a", mentions=False)
    return int(store.query(f"SELECT count(*) AS n FROM {{articles}} a WHERE {where} AND a.published = ''",
                           params)["n"].iloc[0])


def article_focus(store: Store) -> pd.DataFrame:
    """Each article's focus place (id, name) with its outlet: what the sources list says each is about."""
    return store.query("""SELECT a.article_id, a.outlet, a.focus, a.focus_reason FROM {articles} a
                          WHERE a.focus <> ''""")


def article_ids(store: Store, view: View, limit: int = 5000) -> list[str]:
    """The articles in view, by outlet and id (the first ``limit``)."""
    where, params = view.where("a", "a", mentions=False)
    return list(store.query(f"SELECT article_id FROM {{articles}} a WHERE {where} ORDER BY outlet, article_id LIMIT ?",
                            [*params, limit])["article_id"])


def article_languages(store: Store) -> dict[str, int]:
    """``language -> articles`` in the store ("" for those whose language could not be told)."""
    frame = store.query("SELECT coalesce(language, '') AS language, count(*) AS n FROM {articles} GROUP BY ALL ORDER BY n DESC")
    return dict(zip(frame["language"], frame["n"].astype(int), strict=True))
