"""The selected place and a search's places, outlined on the mounted map without remounting it."""

from __future__ import annotations

import json

from shapely.geometry import mapping

from .colours import SELECTED
from .mapping import is_polygon, marker_radius, simplified, too_large_to_draw


def selection_arguments(row, found=(), numbers: dict[str, int] | None = None) -> dict:
    """Component arguments that outline the selected place (and, dashed, the places a search found) and bring
    the selected one into view.

    streamlit-folium applies ``feature_group`` (a script it runs in the map's frame, after
    removing the previous one) and ``center`` to the mounted map, without remounting it, so
    pan and zoom stay the reader's. The script holds numbers and our own styles only. A place
    clicked on the map is outlined there at once by static/places.js, so the page need not
    send the map's arguments again (300 KB at 10,000 articles): it keeps the last ones.
    ``numbers`` (the map's place numbers, ``geo.page.reader_view.MapNumbers.places``) mark each
    ring with its place, so static/view.js keeps it round the marker as a view resizes it.
    """
    numbers = numbers or {}
    layers = [_outline(r, FOUND_STYLE, numbers.get(r.get("place_id"))) for r in found
              if row is None or r["place_id"] != row.get("place_id")]
    selected = ""
    if row is not None:  # named, for static/view.js's newsgeoFocus below
        selected = f"var newsgeo_selected = {_outline(row, SELECTED_STYLE, numbers.get(row.get('place_id')))};\n"
        layers.append("newsgeo_selected")
    if not layers:
        return {"feature_group": None, "center": None}
    center = None if row is None else [round(float(row["lat"]), 5), round(float(row["lon"]), 5)]
    script = ("if (window.newsgeoClearSelection) { window.newsgeoClearSelection(); }\n" + selected +
              f"var newsgeo_selection = L.featureGroup([{', '.join(layers)}]);\n"
              "map_div.addLayer(newsgeo_selection);\n"
              "window.feature_group = window.feature_group || [];\n"
              "window.feature_group.push(newsgeo_selection);\n"
              "if (window.newsgeoFitRings) { window.newsgeoFitRings(map_div); }\n")
    if row is not None:  # zoomed to when small or out of view, centred (static/view.js); then the centre below
        script += f"if (window.newsgeoFocus) {{ window.newsgeoFocus(map_div, newsgeo_selected, {json.dumps(center)}); }}\n"
    return {"feature_group": script, "center": center}


SELECTED_STYLE = {"color": SELECTED, "weight": 4}
# A search's places: a wide soft halo, like a highlighter's, unlike any ring (dashes mean an inferred venue).
FOUND_STYLE = {"color": SELECTED, "weight": 9, "opacity": 0.28}


def _outline(row, style: dict, number: int | None = None) -> str:
    """A Leaflet layer outlining one place (its shape, or a ring round its marker), not clickable."""
    if is_polygon(row) and not too_large_to_draw(row):
        shape = json.dumps(mapping(simplified(row["geometry"])), separators=(",", ":"))
        options = json.dumps({**style, "weight": style["weight"] - 0.5, "fill": False})
        return f"L.geoJson({shape}, {{style: {options}, interactive: false, pane: \"rings\"}})"
    radius = marker_radius(int(row.get("mention_count") or 1)) + 4
    options = json.dumps({**style, "radius": radius, "fill": False, "interactive": False, "pane": "rings",
                          **({"newsgeoPlace": int(number)} if number is not None else {})})
    return f"L.circleMarker([{float(row['lat']):.5f}, {float(row['lon']):.5f}], {options})"
