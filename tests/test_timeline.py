"""The timeline chart: one bar per day, the outlets' own colours, a click that selects a day."""

import altair as alt
import pandas as pd

from geo.page.timeline import DAY_SELECTION, timeline_chart


def test_timeline_uses_the_outlets_colours_and_selects_days():
    daily = pd.DataFrame({"day": ["2025-04-09", "2025-04-09", "2025-04-12"], "outlet": ["B", "A", "A"],
                          "mentions": [3, 2, 5]})
    data, spec = timeline_chart(daily, {"A": "#0072b2", "B": "#e69f00"})
    # A valid Vega-Lite chart (Altair checks it against the schema), the counts 32-bit for Vega's sums.
    alt.Chart.from_dict({**spec, "data": {"values": data.to_dict("records")}}).to_dict(validate=True)
    assert str(data["mentions"].dtype) == "int32"
    scale = spec["encoding"]["color"]["scale"]
    assert scale == {"domain": ["A", "B"], "range": ["#0072b2", "#e69f00"]}
    assert spec["params"][0]["name"] == DAY_SELECTION and spec["params"][0]["select"]["fields"] == ["day"]
    assert spec["encoding"]["x"]["type"] == "ordinal"


def test_timeline_keeps_the_days_outside_the_dates_chosen_muted():
    daily = pd.DataFrame({"day": ["2025-04-09", "2025-04-10", "2025-04-12"], "outlet": ["A", "A", "B"],
                          "mentions": [3, 2, 5]})
    data, spec = timeline_chart(daily, {}, since="2025-04-10", until="2025-04-10")
    assert list(data["day"]) == ["2025-04-09", "2025-04-10", "2025-04-12"]  # every day stays, to pick another
    assert list(data["chosen"]) == [False, True, False]
    assert spec["encoding"]["opacity"]["condition"]["test"] == "datum.chosen"
    assert spec["encoding"]["detail"]["field"] == "chosen"  # grouped by, so the summed bars keep it
    alt.Chart.from_dict({**spec, "data": {"values": data.to_dict("records")}}).to_dict(validate=True)
    assert list(timeline_chart(daily, {})[0]["chosen"]) == [True, True, True]
