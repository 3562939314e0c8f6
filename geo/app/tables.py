"""Below the map: the story over time, the coverage table's picks, the page furniture left out."""

from __future__ import annotations

import datetime as dt
import functools

import streamlit as st

from geo.page.excerpts import escape_markdown
from geo.page.session import held, select_place
from geo.page.timeline import DAY_SELECTION, timeline_chart
from geo.store import read
from geo.store.read import Store
from geo.words import counted

from .resources import ViewKey, this_view


def picked_row(places: list[str], table: str) -> None:
    """A row picked in a table (coverage, review) selects its place (a callback: only when the reader picks)."""
    rows = st.session_state[table].selection.rows
    if rows:
        select_place(st.session_state, st.query_params, places[rows[0]])


def furniture_report(store: Store, key: ViewKey) -> None:
    """What body detection left out of each article in view, one article at a time."""
    articles, (listed, with_furniture, pieces) = this_view(store, key).articles
    st.caption(f"{counted(pieces, 'piece')} of page furniture (related headlines, ads, comment prompts…) left out of "
               f"{with_furniture:,} of the {counted(articles, 'article')} in view"
               + (f"; the first {len(listed)} are listed." if len(listed) < with_furniture else "."))
    if listed.empty:
        return
    titles = {r.article_id: f"{r.outlet} · {r.title} ({r.pieces} left out)" for r in listed.itertuples()}
    article_id = st.selectbox("Article", list(titles), key="furniture_article", format_func=titles.get)
    for reason, text in read.article_furniture(store, article_id):
        with st.expander(escape_markdown(f"{reason}: {' '.join(text.split())[:80]}")):
            st.text(text[:5000])


def timeline(store: Store, key: ViewKey, colours: dict[str, str]) -> None:
    """Mentions per day and outlet; a click on a day narrows the dates to it (double click: all again)."""
    daily = held(st.session_state, "daily", key, lambda: read.daily_mentions(store, key.view))
    days = sorted(daily["day"].unique())
    if len(days) < 2 and not key.view.since:  # one day, or none: nothing to follow over time, and said so
        st.caption(f"Every dated article in view was published on {days[0]}: no timeline to follow." if days
                   else "No article in view has a publication date: no timeline to follow.")
        return
    dates_key = st.session_state.get("dates_key")
    data, spec = timeline_chart(daily, colours)
    st.vega_lite_chart(data, spec, key="timeline", on_select=functools.partial(picked_day, dates_key),
                       selection_mode=DAY_SELECTION, width="stretch")


def picked_day(dates_key: str | None) -> None:
    """A day clicked on the chart becomes the date range, in the sidebar and the link."""
    picked = (st.session_state["timeline"].selection.get(DAY_SELECTION) or [{}])[0].get("day")
    if not picked or not dates_key:
        return
    day = dt.date.fromisoformat(picked)
    st.session_state[dates_key] = (day, day)
    st.query_params["since"] = st.query_params["until"] = picked
