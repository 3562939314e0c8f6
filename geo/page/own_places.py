"""A session's own places (its uploads', its corrections'), laid on the corpus's map in the browser (no Streamlit here).

Every reader of a corpus gets the same map script (``geo.app.mapview.corpus_map``), drawn once
per generation. A session's uploads and corrections add places the corpus never named and
sources it does not have; rather than a map of its own for each such session (a whole folium
map, half a second of the server's time at 10,000 articles), the session's additions travel as
a small piece of data in the map's per-reader channel (streamlit-folium's ``feature_group``,
which the selection uses too): static/view.js's ``newsgeoOwn`` draws them on the mounted map,
numbers them after the corpus's places and sources, and the view's counts then apply to them
as to every other place. Text in it (labels, outlet names) is escaped HTML, as the map's own.
"""

from __future__ import annotations

import hashlib
import json
from typing import NamedTuple

import pandas as pd
from shapely.geometry import mapping

from ..frames import COUNTRY_KINDS, VENUE_PRECISION
from .colours import valid_colour
from .mapping import drawn_places, is_polygon, point_style, ring_specs, shape_style, simplified
from .reader_view import MapNumbers
from .tooltips import escape_for_tooltip, tooltip_extra, unique_labels

__all__ = ["OwnMap", "own_map"]



class OwnMap(NamedTuple):
    """A session's additions to the corpus's map: ``script`` (for the map's feature_group: calls
    ``newsgeoOwn``), the labels a click may send back (``label -> place_id``, the corpus's too), and the numbers
    of every place and source, the corpus's first."""

    script: str
    labels: dict[str, str]
    numbers: MapNumbers


def own_map(corpus_numbers: MapNumbers, corpus_labels: dict[str, str], places: pd.DataFrame,
            outlet_counts: pd.DataFrame, colours: dict[str, str], show_countries: bool,
            corpus_places: pd.DataFrame | None = None) -> OwnMap:
    """What a session adds to the corpus's map: ``places`` and ``outlet_counts`` are its whole layer's (the store
    with its uploads and corrections, every source); ``corpus_numbers`` and ``corpus_labels`` (``label ->
    place_id``) the corpus map's, which stay as they are. ``corpus_places``, the corpus map's places, tell
    which of them the session's articles give another tooltip ending (a name an Arabic upload writes)."""
    counted = outlet_counts[outlet_counts["mentions"] > 0]
    per_place: dict[str, dict[str, int]] = {}
    for place_id, outlet, mentions in zip(counted["place_id"].tolist(), counted["outlet"].tolist(),
                                          counted["mentions"].tolist(), strict=True):
        per_place.setdefault(place_id, {})[outlet] = int(mentions)
    drawn = drawn_places(places[places["place_id"].isin(per_place)], show_countries)
    own = drawn[~drawn["place_id"].isin(corpus_numbers.places)]
    outlets = sorted(set(counted["outlet"].tolist()) - set(corpus_numbers.outlets))
    numbers = corpus_numbers.extended(own["place_id"].tolist(), outlets)
    labels = unique_labels(own, taken=corpus_labels)  # a label the corpus's map uses already is numbered
    extras = _changed_extras(drawn, corpus_places, corpus_numbers) if corpus_places is not None else []
    if not len(own) and not outlets and not extras:
        return OwnMap("", dict(corpus_labels), numbers)
    rings = {spec[0]: spec for spec in ring_specs(numbers.outlets, colours)}  # the corpus's marks, then the session's
    data = {"places": [_place(row, labels[row["place_id"]], numbers.places[row["place_id"]], per_place[row["place_id"]])
                       for row in own.to_dict("records")],
            "outlets": [_outlet(outlet, numbers, rings.get(numbers.outlets[outlet])) for outlet in outlets],
            "extras": extras}
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    data["key"] = hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
    # "<\/" as JSON allows; the script is run by streamlit-folium in the map's frame, after the map's own.
    script = ("if (window.newsgeoOwn) { window.newsgeoOwn(map_div, "
              + json.dumps(data, separators=(",", ":")).replace("</", "<\\/") + "); }\n")
    return OwnMap(script, {**corpus_labels, **{label: place_id for place_id, label in labels.items()}}, numbers)


def _place(row, label: str, number: int, per_outlet: dict[str, int]) -> dict:
    """One of the session's places as static/view.js draws it: a circle or a shape, its label and tooltip ending."""
    muted = row["kind"] in COUNTRY_KINDS
    place = {"i": number, "label": escape_for_tooltip(label)}
    if extra := tooltip_extra(row):
        place["extra"] = extra
    if muted:
        place["muted"] = True
    if row["precision"] == VENUE_PRECISION:
        place["venue"] = True
    if is_polygon(row):
        geometry = simplified(row["geometry"]) if muted else row["geometry"]
        place.update(shape=mapping(geometry), style=shape_style(geometry, len(per_outlet), muted))
    else:
        place.update(at=[round(float(row["lat"]), 5), round(float(row["lon"]), 5)],
                     style=point_style(row, per_outlet, muted))
    return place


def _outlet(outlet: str, numbers: MapNumbers, ring: tuple | None) -> dict:
    """One of the session's sources: its number, name (escaped) and ring (``mapping.ring_specs``: colour, dashArray,
    its line in the layer control; none past the marks, or for a colour that is not one)."""
    entry = {"i": numbers.outlets[outlet], "name": escape_for_tooltip(outlet)}
    if ring and valid_colour(ring[1]):  # what a ring's colour may be in the script: nothing else reaches it
        entry["ring"] = list(ring[1:])
    return entry


def _changed_extras(drawn: pd.DataFrame, corpus_places: pd.DataFrame, corpus_numbers: MapNumbers) -> list:
    """``[[number, tooltip ending], …]`` of the corpus's places whose ending the session's articles change."""
    before = {row["place_id"]: tooltip_extra(row) for row in corpus_places.to_dict("records")
              if row["place_id"] in corpus_numbers.places}
    return [[corpus_numbers.places[row["place_id"]], extra] for row in drawn.to_dict("records")
            if row["place_id"] in before and (extra := tooltip_extra(row)) != before[row["place_id"]]]


def dropped_script() -> str:
    """The script that takes a session's additions off the map (its uploads and corrections are gone)."""
    return "if (window.newsgeoOwn) { window.newsgeoOwn(map_div, null); }\n"
