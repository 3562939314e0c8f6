"""A reader's view as numbers for the corpus's map: only what the map draws, only the sources in view, no text."""

from __future__ import annotations

import html
import json
import re

import pandas as pd

from geo.page.reader_view import MapNumbers, view_data, view_element

LABELS = {"Aleppo (city, SY)": "g:2", "Damascus (city, SY)": "g:1", "Palmyra (city, SY)": "g:3"}
OUTLETS = ["Reuters", "AP", "The Cradle"]


def counts(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["place_id", "outlet", "mentions"])


def handed(element: str) -> dict:
    """The view as static/view.js reads it from the element's data."""
    return json.loads(html.unescape(re.fullmatch(r'<div id="newsgeo-view" data-view="([^"]*)" hidden></div>', element)[1]))


def view_script(numbers, outlet_counts, outlets) -> str:
    return view_element(view_data(numbers, outlet_counts, outlets))


def test_reader_view_numbers_places_by_id_and_sources_by_name():
    numbers = MapNumbers(LABELS.values(), OUTLETS)
    assert numbers.places == {"g:1": 0, "g:2": 1, "g:3": 2}
    assert numbers.outlets == {"AP": 0, "Reuters": 1, "The Cradle": 2}


def test_reader_view_sends_counts_of_drawn_places_and_sources_in_view_only():
    numbers = MapNumbers(LABELS.values(), OUTLETS)
    view = handed(view_script(numbers, counts(("g:1", "Reuters", 3), ("g:1", "AP", 2), ("g:3", "The Cradle", 1),
                                              ("country:SY", "AP", 9), ("g:2", "Someone else", 4)),
                              ["Reuters", "AP", "Someone else"]))
    assert view["outlets"] == [1, 0]  # the sidebar's order, as numbers
    assert view["counts"] == [[0, 1, 3, 0, 2]]  # Palmyra: only a source out of view; the country: not drawn
    assert re.fullmatch(r"[0-9a-f]{16}", view["key"])


def test_reader_view_key_tells_views_apart_and_not_selections():
    numbers = MapNumbers(LABELS.values(), OUTLETS)
    one = view_script(numbers, counts(("g:1", "AP", 2)), ["AP"])
    assert view_script(numbers, counts(("g:1", "AP", 2)), ["AP"]) == one
    assert handed(view_script(numbers, counts(("g:1", "AP", 3)), ["AP"]))["key"] != handed(one)["key"]


def test_reader_view_carries_no_text_from_the_corpus():
    labels = {"</script><script>alert(1)</script> (city)": "x:</script>"}
    numbers = MapNumbers(labels.values(), ["`${alert(1)}`"])
    script = view_script(numbers, counts(("x:</script>", "`${alert(1)}`", 1)), ["`${alert(1)}`"])
    assert "alert" not in script and "script>" not in script and "<" not in script.split(">", 1)[1][:-6]
