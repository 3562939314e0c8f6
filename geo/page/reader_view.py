"""A reader's view as the small piece of data static/view.js applies to the corpus's map (no Streamlit here).

The page draws one folium map per corpus generation (``geo.page.mapping.build_map`` over
the whole corpus), the same script for every reader, so the browser keeps it mounted and
the server never renders it again for a view. What differs between readers is only which
places are in their view and with how many mentions per source: ``view_element`` writes
that as numbers (the map's place numbers, its source numbers, counts) into the data of a
hidden element of the page, which the map's script reads from its frame. The map
component's own arguments then stay the same from view to view, so Streamlit sends the
browser a reference to them instead of the map again (its message cache).
"""

from __future__ import annotations

import hashlib
import html
import json

import pandas as pd

__all__ = ["VIEW_ELEMENT_ID", "MapNumbers", "view_data", "view_element"]

VIEW_ELEMENT_ID = "newsgeo-view"  # static/view.js looks for it in the page


class MapNumbers:
    """The numbers a generation's map gives its places and sources (static/view.js's indexes)."""

    def __init__(self, place_ids, outlets) -> None:
        """``place_ids``: every place the map draws; ``outlets``: every source it was drawn with."""
        self.places = {place_id: number for number, place_id in enumerate(sorted(place_ids))}
        self.outlets = {outlet: number for number, outlet in enumerate(sorted(outlets))}

    def extended(self, place_ids, outlets) -> MapNumbers:
        """These numbers, then ``place_ids`` and ``outlets`` not among them numbered after them (a session's own)."""
        more = MapNumbers((), ())
        more.places = dict(self.places)
        more.outlets = dict(self.outlets)
        for place_id in sorted(set(place_ids) - set(more.places)):
            more.places[place_id] = len(more.places)
        for outlet in sorted(set(outlets) - set(more.outlets)):
            more.outlets[outlet] = len(more.outlets)
        return more


def view_data(numbers: MapNumbers, outlet_counts: pd.DataFrame, outlets) -> dict:
    """The view for the mounted map: ``outlet_counts`` (mentions per place and outlet in view), ``outlets`` the
    sources in view, in the sidebar's order, as ``{"outlets", "counts", "key"}``.

    Places the map does not draw (countries when hidden, a region too large to draw) and
    sources it was not drawn with are left out; what remains is numbers only.
    """
    in_view = [outlet for outlet in outlets if outlet in numbers.outlets]
    outlet_numbers = {outlet: numbers.outlets[outlet] for outlet in in_view}
    rows: dict[int, list[int]] = {}
    # Plain lists: iterating a frame's Arrow-backed strings boxes each value (a third of a view change at 10k).
    for place_id, outlet, mentions in zip(outlet_counts["place_id"].tolist(), outlet_counts["outlet"].tolist(),
                                          outlet_counts["mentions"].tolist(), strict=True):
        if mentions > 0 and outlet in outlet_numbers and place_id in numbers.places:
            rows.setdefault(numbers.places[place_id], []).extend((outlet_numbers[outlet], int(mentions)))
    view = {"outlets": [numbers.outlets[outlet] for outlet in in_view],
            "counts": [[place, *pairs] for place, pairs in sorted(rows.items())]}
    text = json.dumps(view, separators=(",", ":"))
    # The key tells a new view from the one shown (the element is sent again on every run): only a new one is drawn.
    view["key"] = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    return view


def view_element(view: dict) -> str:
    """The hidden element that carries ``view`` (``view_data``) to the map's script, as HTML."""
    data = html.escape(json.dumps(view, separators=(",", ":")), quote=True)
    return f'<div id="{VIEW_ELEMENT_ID}" data-view="{data}" hidden></div>'

