"""The story over time: mentions per publication day and outlet, as an Altair chart (no Streamlit here)."""

from __future__ import annotations

import altair as alt
import pandas as pd

__all__ = ["DAY_SELECTION", "timeline_chart"]

DAY_SELECTION = "picked_day"  # the chart's point selection: the page reads the day a reader clicks from it


def timeline_chart(daily: pd.DataFrame, colours: dict[str, str]) -> alt.Chart:
    """Stacked bars of mentions per day, one colour per outlet as on the map; a click selects a day.

    ``daily``: ``geo.store.read.daily_mentions`` (day as YYYY-MM-DD, outlet, mentions). Days are
    ordinal, so a click gives back the day as written and days without articles take no room.
    """
    # 32-bit counts: a 64-bit column reaches the browser as BigInt through Arrow, which Vega cannot add up.
    daily = daily.astype({"mentions": "int32", "day": "object", "outlet": "object"})
    outlets = sorted(daily["outlet"].unique())
    palette = [colours.get(outlet, "#999999") for outlet in outlets]
    pick = alt.selection_point(name=DAY_SELECTION, fields=["day"], on="click", clear="dblclick")
    return (
        alt.Chart(daily)
        .mark_bar()
        .encode(
            x=alt.X("day:O", title="published", axis=alt.Axis(labelAngle=-40)),
            y=alt.Y("sum(mentions):Q", title="mentions"),
            color=alt.Color("outlet:N", scale=alt.Scale(domain=outlets, range=palette),
                            legend=alt.Legend(orient="right", labelLimit=160)),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
            tooltip=[alt.Tooltip("day:O", title="published"), alt.Tooltip("outlet:N"), alt.Tooltip("sum(mentions):Q",
                                                                                                     title="mentions")],
        )
        .add_params(pick)
        # The whole chart, axes and labels included, fits this height on the page (Streamlit fits it to
        # its container): a short one leaves the bars no room under the day labels.
        .properties(height=260)
    )
