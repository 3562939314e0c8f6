"""Below the map: the story over time, the coverage table's picks, the page furniture left out."""

from __future__ import annotations

import dataclasses
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
        st.session_state[SCROLL_TO_PANEL] = True  # the panel is above the table, out of view: bring it in, once


SCROLL_TO_PANEL = "scroll_to_panel"
# Our own script, no data in it: the panel's mark, scrolled to once the page has drawn it.
SCROLL_SCRIPT = """<script>(function () {
  var tries = 0;
  var timer = setInterval(function () {
    var anchor = document.getElementById("newsgeo-panel");
    if (anchor || ++tries > 40) {
      clearInterval(timer);
      if (anchor) { anchor.scrollIntoView({ behavior: "smooth", block: "start" }); }
    }
  }, 100);
})();</script>"""


def scroll_to_panel_once() -> None:
    """After a pick in a table below, scroll the page up to the place's panel (else nothing visible happens)."""
    if st.session_state.pop(SCROLL_TO_PANEL, False):
        st.html(SCROLL_SCRIPT, unsafe_allow_javascript=True)


HEADER_PX_PER_CHARACTER = 7.5  # the grid's header font (Source Sans, 14 px), an average character
HEADER_PADDING_PX = 36  # the cell's padding and the menu icon a header shows on hover


def header_width(name: str, widest: int = 240) -> int:
    """Pixels a coverage-table column needs to show its outlet's name whole ("Al Mayadeen English" was cut at
    "small"); a name longer than ``widest`` allows shows whole in the column's help."""
    return max(60, min(widest, round(HEADER_PX_PER_CHARACTER * len(name)) + HEADER_PADDING_PX))


def furniture_report(store: Store, key: ViewKey) -> None:
    """What body detection left out of each article in view, one article at a time."""
    facts = this_view(store, key)
    articles, (listed, with_furniture, pieces) = facts.articles, facts.furniture
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
    """Mentions per day and outlet, every day of the sources in view, the days outside the dates chosen muted; a click
    on a day narrows the dates to it, a double click or "All dates" lets go of it."""
    every_day = dataclasses.replace(key.view, since="", until="")
    daily = held(st.session_state, "daily", (key.generation, key.layer, every_day),
                 lambda: read.daily_mentions(store, every_day))
    days = sorted(daily["day"].unique())
    if len(days) < 2:  # one day, or none: nothing to follow over time, and said so
        st.caption(f"Every dated article in view was published on {days[0]}: no timeline to follow." if days
                   else "No article in view has a publication date: no timeline to follow.")
        return
    dates_key = st.session_state.get("dates_key")
    data, spec = timeline_chart(daily, colours, key.view.since, key.view.until)
    st.vega_lite_chart(data, spec, key="timeline", on_select=functools.partial(picked_day, dates_key),
                       selection_mode=DAY_SELECTION, width="stretch")
    if key.view.since or key.view.until:
        st.button("All dates", key="all_dates", on_click=all_dates, args=(dates_key,),
                  help="Let go of the dates chosen: every day of the sources in view.")


def all_dates(dates_key: str | None) -> None:
    """Every date again, in the sidebar and the link (a callback: before the picker is drawn)."""
    bounds = st.session_state.get("dates_bounds")
    if dates_key and bounds:
        st.session_state[dates_key] = bounds
    for name in ("since", "until"):
        st.query_params.pop(name, None)


def picked_day(dates_key: str | None) -> None:
    """A day clicked on the chart becomes the date range, in the sidebar and the link; a double click (the selection
    let go) gives every date back."""
    picked = (st.session_state["timeline"].selection.get(DAY_SELECTION) or [{}])[0].get("day")
    if not dates_key:
        return
    if not picked:
        all_dates(dates_key)
        return
    day = dt.date.fromisoformat(picked)
    st.session_state[dates_key] = (day, day)
    st.query_params["since"] = st.query_params["until"] = picked
