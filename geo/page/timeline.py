"""The story over time: mentions per publication day and outlet, as a Vega-Lite chart (no Streamlit here)."""

from __future__ import annotations

import pandas as pd

__all__ = ["DAY_SELECTION", "timeline_chart"]

DAY_SELECTION = "picked_day"  # the chart's point selection: the page reads the day a reader clicks from it


def timeline_chart(daily: pd.DataFrame, colours: dict[str, str], since: str = "", until: str = "") -> tuple[pd.DataFrame, dict]:
    """``(data, Vega-Lite spec)``: stacked bars of mentions per day, one colour per outlet as on the map; a click
    selects a day.

    ``daily``: ``geo.store.read.daily_mentions`` (day as YYYY-MM-DD, outlet, mentions). Days are
    ordinal, so a click gives back the day as written and days without articles take no room. Days outside
    ``since``..``until`` (the dates chosen; "" for no bound) stay on the chart, muted, so another can be picked.
    The spec is written out rather than built with Altair: Altair validates a chart against
    the whole Vega-Lite schema each time it is drawn, which was a third of a view change's time.
    """
    # 32-bit counts: a 64-bit column reaches the browser as BigInt through Arrow, which Vega cannot add up.
    daily = daily.astype({"mentions": "int32", "day": "object", "outlet": "object"})
    daily["chosen"] = [(not since or day >= since) and (not until or day <= until) for day in daily["day"]]
    outlets = sorted(daily["outlet"].unique())
    day = {"field": "day", "type": "ordinal", "title": "published"}
    mentions = {"field": "mentions", "aggregate": "sum", "type": "quantitative", "title": "mentions"}
    spec = {
        "mark": {"type": "bar"},
        "encoding": {
            "x": {**day, "axis": {"labelAngle": -40}},
            "y": mentions,
            "color": {"field": "outlet", "type": "nominal",
                      "scale": {"domain": outlets, "range": [colours.get(outlet, "#999999") for outlet in outlets]},
                      "legend": {"orient": "right", "labelLimit": 160}},
            "opacity": {"condition": {"test": "datum.chosen", "value": 1.0}, "value": 0.3},
            "detail": {"field": "chosen", "type": "nominal"},  # kept through the sum, for the opacity's test
            "tooltip": [day, {"field": "outlet", "type": "nominal"}, mentions],
        },
        "params": [{"name": DAY_SELECTION, "select": {"type": "point", "fields": ["day"], "on": "click",
                                                      "clear": "dblclick"}}],
        # The whole chart, axes and labels included, fits this height on the page (Streamlit fits it to
        # its container): a short one leaves the bars no room under the day labels.
        "height": 260,
    }
    return daily, spec
