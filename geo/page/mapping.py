"""The places in view as a folium map that renders offline (no Streamlit here).

Layers, bottom to top: a base layer, either "Offline map" (static/basemap.js drawing the
files of static/basemap/: country outlines, lakes, rivers and first-level boundaries from
zoom 4 and 5, and country and town names thinned by zoom; the default) or OpenStreetMap
tiles (whose requests fail offline, which the map then says);
"Countries", only with ``show_countries``, muted; "Places", the one interactive layer, with
one clickable shape per place: a filled circle for points (sized by mentions in view,
a grey the darker the more sources in view mention it, white where only one does) or the
polygon of a zone or region, plus dashed lines between related places (Palmyra and T4);
then one layer per source (outlet): a ring in the source's mark (``geo.page.colours``: a
colour fixed per outlet, never a grey, and past eight outlets a dashed or dotted line) around
each point it mentions, so ticking sources in the layer control shows who said what. The rings
are drawn by static/view.js from the view's counts, while RINGS_UP_TO sources or fewer are in
view (more nest past reading): the map's file holds none. Rings take no clicks: the sidebar
stays the source of truth for which mentions are in view. A region too large to point at (the Middle East) is
not drawn: it would take every click; the page lists it instead (``too_large_to_draw``).

A click returns the clicked shape's tooltip text, whose first line is the place's label,
unique on the map: ``build_map`` returns ``label -> place_id``; ``label_from_tooltip``
reads the label back. Equal inputs give an equal script (element ids follow the tree,
see ``stable_ids``): streamlit-folium remounts the map, losing pan and zoom, whenever the
script changes. The selected place is therefore not in the script: ``selection_arguments``
gives the component a highlight layer and a centre, which it applies to the mounted map
(static/view.js's ``newsgeoFocus`` zooms to a selected shape too small to see, and centres it).
static/labels.js names the marked places in view where the names fit; the key folds (a "Key" button,
folded on a phone).

Scripts and stylesheets are all local (static/vendor, see static/README.md). Text from data
goes through ``escape_for_tooltip``: folium writes tooltips into a JavaScript template
literal, and Leaflet reads tooltips and layer names as HTML.

Beside this module: ``tooltips`` (labels, tooltips, escaping), ``map_elements`` (our own folium
elements, ``stable_ids``, ``component_arguments``) and ``selection`` (``selection_arguments``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import folium
import numpy as np
import pandas as pd
import shapely
from folium.plugins import MarkerCluster
from shapely.geometry import mapping

from ..frames import COUNTRY_KINDS, VENUE_PRECISION, related_places
from .colours import FILL_GREYS, OUTLINE, RING_LINES, SINGLE_SOURCE_FILL, fill_colour, outlet_colours, ring_marks
from .map_elements import Chooser, Legend, OfflineBasemap, PointsGeoJson, ViewTargets, stable_ids
from .reader_view import MapNumbers
from .tooltips import escape_for_tooltip, tooltip_extra, tooltip_html, unique_labels

__all__ = ["ASSET_ROOT", "BASEMAP", "PAGE_STYLE", "POLYGON_KINDS", "RINGS_UP_TO", "build_map", "drawn_places",
    "is_polygon", "load_basemap", "marker_radius", "point_style", "ring_specs", "shape_style", "simplified",
    "too_large_to_draw"]

ASSET_ROOT = "../../app/static"  # from inside streamlit-folium's component iframe
BASEMAP = Path(__file__).resolve().parents[2] / "static" / "basemap" / "countries.geojson"
POLYGON_KINDS = {"zone", "region"}
CLUSTER_ABOVE = 300  # point markers; clustering costs a plugin and hides counts
RINGS_UP_TO = 8  # sources in view whose rings the map draws: more rings round one marker nest past reading
MAX_ZOOM = 18
LARGE_AREA = 25  # square degrees: a region this big (the Middle East) covers the view; it is listed, not drawn
# Our own CSS: sea around the outlines; no focus box round a shape clicked with the mouse (keyboard focus stays).
SEA_STYLE = ("<style>.leaflet-container { background: #dce8f0; } "
             # A group of places is white with the places' outline, not the plugin's green, yellow and orange,
             # which the key's greys would contradict (more specific than the plugin's rules, loaded after ours).
             ".leaflet-container .marker-cluster { background-color: rgba(255, 255, 255, 0.6); } "
             ".leaflet-container .marker-cluster div { background-color: #fff; box-shadow: inset 0 0 0 2px #424242; "
             "color: #212121; font-weight: 600; } "
             ".leaflet-interactive:focus:not(:focus-visible) { outline: none; } "
             ".newsgeo-label span { position: absolute; transform: translate(-50%, -50%); white-space: nowrap; "
             "font: 11px/1.2 sans-serif; color: #5f5f5f; text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff; } "
             ".newsgeo-place-name span { display: block; white-space: nowrap; font: 600 12px/16px sans-serif; "
             "padding: 0 3px; color: #212121; text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; } "
             # The key lets clicks through to the places under it (a large zone fills the corner it sits in), and
             # shows them through its background; only its fold button takes a click.
             ".leaflet-control.newsgeo-legend { background: rgba(255,255,255,.82); font: 12px sans-serif; "
             "border-radius: 4px; line-height: 16px; box-shadow: 0 0 4px rgba(0,0,0,.3); pointer-events: none; } "
             ".newsgeo-legend button { font: 600 12px sans-serif; background: #fff; border: 0; border-radius: 4px; "
             "padding: 5px 8px; cursor: pointer; min-height: 28px; pointer-events: auto; } "
             ".newsgeo-legend-body { padding: 0 8px 6px; } "
             ".newsgeo-country span { font-weight: 600; letter-spacing: 0.06em; text-transform: uppercase; "
             "color: #8a8a8a; font-size: 10px; } "
             ".newsgeo-tile-note { background: #fff3cd; color: #5c4400; padding: 4px 8px; max-width: 220px; "
             "font: 12px sans-serif; border-radius: 4px; box-shadow: 0 0 4px rgba(0,0,0,.3); } "
             ".newsgeo-chooser { font: 12px sans-serif; min-width: 160px; } "
             ".newsgeo-chooser button { display: block; width: 100%; min-height: 36px; margin: 4px 0 0; "
             "padding: 6px 8px; text-align: left; font: 13px sans-serif; background: #f5f5f5; "
             "border: 1px solid #ccc; border-radius: 4px; cursor: pointer; }</style>")
# Panes keep the stacking order when the layer control re-adds a layer (it would go on top).
PANES = {"basemap": 210, "countries": 380, "zones": 390, "rings": 410}

# On a wide screen the map's column stays in view while the reader scrolls a long excerpt list
# (our own fixed CSS; a phone stacks the columns, where it does not apply).
PAGE_STYLE = """<style>@media (min-width: 900px) {
  div[data-testid="stColumn"]:has(iframe[title="streamlit_folium.st_folium"]) {
    position: sticky; top: 3.75rem; align-self: flex-start; }
}
div[data-testid="stElementContainer"]:has(#newsgeo-view) { display: none; }
@media (max-width: 640px) {
  [data-testid="stMain"] h1 { font-size: 1.6rem !important; line-height: 1.25 !important; padding-top: 0 !important; }
  div[data-testid="stHorizontalBlock"]:has(div[data-testid="stMetric"]) { flex-wrap: nowrap; gap: 0.4rem; }
  div[data-testid="stHorizontalBlock"]:has(div[data-testid="stMetric"]) > div { min-width: 0; flex: 1 1 0; }
  div[data-testid="stMetricValue"] > div { font-size: 1.2rem; }
}
</style>"""  # the view's data element (geo.page.reader_view) takes no room; on a phone the title and the four
# counters are small enough for the map to come within the first screen, the counters in one row


def load_basemap(path: str | Path = BASEMAP) -> dict:
    """The offline country outlines (GeoJSON FeatureCollection)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def too_large_to_draw(row) -> bool:
    """A region so large (the Middle East) that its polygon would cover the view and take every click."""
    return row["kind"] in POLYGON_KINDS and is_polygon(row) and row["geometry"].area >= LARGE_AREA


def build_map(places, outlet_counts, *, outlets: list[str], colours: dict[str, str] | None = None,
              show_countries: bool = False, asset_root: str = ASSET_ROOT,
              cluster: bool | None = None) -> tuple[folium.Map, dict[str, str]]:
    """The map of the places in view: those ``outlet_counts`` (mentions per place and outlet) name.

    ``outlets`` are the sources in view; counts of other outlets are ignored. ``colours``
    (``geo.page.colours.outlet_colours`` of the whole corpus) fixes each outlet's ring
    mark (``ring_marks``); without it the outlets in view take the palette by name. The offline outlines
    are fetched by the browser from ``{asset_root}/basemap/`` by ``{asset_root}/basemap.js`` (cached
    there, and kept out of the payload). ``cluster`` None clusters point markers when there
    are more than CLUSTER_ABOVE of them.
    Returns ``(map, {label: place_id})`` for every place drawn (not the regions
    ``too_large_to_draw``).
    """
    outlet_counts = outlet_counts[outlet_counts["outlet"].isin(outlets)].sort_values(["place_id", "outlet"])
    counts: dict[str, dict[str, int]] = {}
    for place_id, outlet, number in zip(outlet_counts["place_id"].tolist(), outlet_counts["outlet"].tolist(),
                                        outlet_counts["mentions"].tolist(), strict=True):
        counts.setdefault(place_id, {})[outlet] = int(number)
    view = drawn_places(places[places["place_id"].isin(counts)], show_countries)
    colours = colours if colours is not None else outlet_colours(outlets)
    labels = unique_labels(view)
    numbers = MapNumbers(labels, outlets)  # static/view.js's numbers for places and sources
    m = _new_map(asset_root)
    for name, z_index in PANES.items():
        folium.map.CustomPane(name, z_index=z_index, pointer_events=name != "rings").add_to(m)
    _add_base_layers(m, asset_root)
    rows = view.to_dict("records")  # plain dicts: a Series per row costs more than drawing it
    for row in rows:  # what static/view.js needs to redraw a place for a reader's view
        row["_i"], row["_label"], row["_extra"] = numbers.places[row["place_id"]], \
            escape_for_tooltip(labels[row["place_id"]]), tooltip_extra(row)
    targets = ViewTargets(list(numbers.outlets), [SINGLE_SOURCE_FILL, *FILL_GREYS], RINGS_UP_TO)
    tooltips = {row["place_id"]: tooltip_html(labels[row["place_id"]], row, counts[row["place_id"]], outlets) for row in rows}
    if show_countries:
        countries = folium.FeatureGroup(name="Countries", overlay=True).add_to(m)
        country_rows = [r for r in rows if r["kind"] in COUNTRY_KINDS]
        for row in (r for r in country_rows if is_polygon(r)):
            targets.shapes.append((_add_shape(countries, row, tooltips[row["place_id"]], counts[row["place_id"]],
                                              muted=True), countries, True))
        if muted_points := [r for r in country_rows if not is_polygon(r)]:
            layer = _points_layer([(r, point_style(r, counts[r["place_id"]], muted=True), tooltips[r["place_id"]])
                                   for r in muted_points], interactive=True, pane="countries").add_to(countries)
            targets.points.append((layer, layer, True))
    group = folium.FeatureGroup(name="Places", overlay=True).add_to(m)
    drawn = [row for row in rows if row["kind"] not in COUNTRY_KINDS]
    # Largest polygons first, so a small zone inside a large region stays clickable.
    for row in sorted((r for r in drawn if is_polygon(r)), key=lambda r: -r["geometry"].area):
        targets.shapes.append((_add_shape(group, row, tooltips[row["place_id"]], counts[row["place_id"]]), group, False))
    if links := _links(drawn):
        targets.links.append(links.add_to(group))
    # Larger circles first, so a small place next to a big one (T4 by Palmyra) stays clickable.
    points = sorted((row for row in drawn if not is_polygon(row)),
                    key=lambda r: (-sum(counts[r["place_id"]].values()), r["place_id"]))
    use_cluster = len(points) > CLUSTER_ABOVE if cluster is None else cluster
    target = _cluster(asset_root).add_to(group) if use_cluster and points else group
    if points:
        layer = _points_layer([(row, point_style(row, counts[row["place_id"]]), tooltips[row["place_id"]])
                               for row in points], interactive=True).add_to(target)
        # What a marker is taken out of and put back into: the cluster, which holds each marker itself, or else
        # the points' own layer (the "Places" group holds that layer, not its markers).
        targets.points.append((layer, target if target is not group else layer, False))
    targets.rings = ring_specs(numbers.outlets, colours)
    Legend(RINGS_UP_TO, clustered=bool(use_cluster and points)).add_to(m)
    Chooser().add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)  # expanded, it hides markers on a narrow map
    targets.add_to(m)  # after the layer control: static/view.js takes the rings' lines out of it
    _fit(m, drawn or rows)
    stable_ids(m)
    return m, {label: place_id for place_id, label in labels.items()}


def drawn_places(places, show_countries: bool = False):
    """Of ``places`` (the places in view), those the map draws, by id: countries only when shown, and never a
    region ``too_large_to_draw`` (it is listed under the map)."""
    view = places.sort_values("place_id")
    if not show_countries:
        view = view[~view["kind"].isin(COUNTRY_KINDS)]
    # A boolean Series, not a list: an empty list would select no *columns* and drop place_id.
    return view[pd.Series([not too_large_to_draw(row) for row in view.to_dict("records")], index=view.index, dtype=bool)]


def _new_map(asset_root: str) -> folium.Map:
    m = folium.Map(location=[30, 35], zoom_start=4, tiles=None, control_scale=True)
    m.options["maxZoom"] = MAX_ZOOM  # MarkerCluster needs it, and no tile layer sets it here
    # Per map object (folium's class lists stay untouched): only our vendored files, no CDN.
    m.default_js = [("leaflet", f"{asset_root}/vendor/leaflet/leaflet.js"),
                    ("leaflet_setup", f"{asset_root}/leaflet-setup.js"),
                    ("newsgeo_basemap", f"{asset_root}/basemap.js"),
                    ("newsgeo_places", f"{asset_root}/places.js"),
                    ("newsgeo_labels", f"{asset_root}/labels.js"),
                    ("newsgeo_view", f"{asset_root}/view.js")]
    m.default_css = [("leaflet_css", f"{asset_root}/vendor/leaflet/leaflet.css")]
    m.get_root().header.add_child(folium.Element(SEA_STYLE), name="newsgeo_sea")
    return m


def _cluster(asset_root: str) -> MarkerCluster:
    cluster = MarkerCluster(control=False, options={"showCoverageOnHover": False})
    folder = f"{asset_root}/vendor/leaflet.markercluster"
    cluster.default_js = [("markerclusterjs", f"{folder}/leaflet.markercluster.js")]
    cluster.default_css = [("markerclustercss", f"{folder}/MarkerCluster.css"),
                           ("markerclusterdefaultcss", f"{folder}/MarkerCluster.Default.css")]
    return cluster


def _add_base_layers(m: folium.Map, asset_root: str) -> None:
    OfflineBasemap(asset_root, name="Offline map").add_to(m)
    folium.TileLayer("OpenStreetMap", name="OpenStreetMap (online)", overlay=False, show=False,
                     max_zoom=MAX_ZOOM).add_to(m)


def is_polygon(row) -> bool:
    return row["kind"] in (POLYGON_KINDS | COUNTRY_KINDS) and row["geometry"].geom_type in ("Polygon", "MultiPolygon")


def marker_radius(count: int) -> float:
    return round(min(6 + 3 * math.sqrt(count), 30), 1)


def _add_shape(parent, row, tooltip: str, per_outlet: dict[str, int], muted: bool = False) -> folium.GeoJson:
    """The place's one clickable shape: its polygon, or a filled circle (hollow ones miss centre clicks)."""
    if is_polygon(row):
        geom = simplified(row["geometry"]) if muted else row["geometry"]
        style = shape_style(geom, len(per_outlet), muted)
        feature = {"type": "Feature", "properties": {"place_id": row["place_id"], "tooltip": tooltip,
                                                     **_view_properties(row)},
                   "geometry": mapping(geom)}
        # Bound on the feature's own path (not the GeoJSON group) so streamlit-folium returns its text.
        on_each = folium.JsCode("function (feature, layer) { layer.bindTooltip(feature.properties.tooltip, "
                                "{sticky: true}); }")
        return folium.GeoJson({"type": "FeatureCollection", "features": [feature]}, style_function=lambda _: style,
                              on_each_feature=on_each, control=False,
                              pane="countries" if muted else "zones").add_to(parent)
    raise ValueError(f"{row['place_id']} is a point: draw it with _points_layer")


def shape_style(geom, sources: int, muted: bool = False) -> dict:
    """A zone's or region's polygon (``geom``, as drawn), its fill's grey by ``sources``; a country's muted."""
    return {"color": "#888888" if muted else OUTLINE, "weight": 1 if muted else 1.5,
            "fillColor": "#888888" if muted else fill_colour(sources),
            "fillOpacity": 0.06 if muted else 0.35 if geom.area < LARGE_AREA else 0.08}


def point_style(row, per_outlet: dict[str, int], muted: bool = False) -> dict:
    """A filled circle (hollow ones miss centre clicks), sized by mentions, its grey by sources."""
    fill = "#888888" if muted else fill_colour(len(per_outlet))
    venue = row["precision"] == VENUE_PRECISION  # Baku: the articles name only the country
    style = {"radius": marker_radius(sum(per_outlet.values())), "color": "#888888" if muted else OUTLINE,
             "weight": 2.5 if venue or fill == SINGLE_SOURCE_FILL else 1.5, "fill": True,
             "fillColor": "#ffffff" if venue else fill, "fillOpacity": 0.9, "opacity": 1}
    if venue:
        style["dashArray"] = "4 3"
    return style


def _points_layer(items, *, interactive: bool, pane: str | None = None) -> folium.GeoJson:
    """Circle markers as one GeoJSON layer: about 250 bytes a place, against a kilobyte of folium code each.

    ``items`` are ``(row, style, tooltip_html)``; a tooltip of None binds none.
    """
    features = []
    for row, style, tooltip in items:
        properties = {"place_id": row["place_id"], "style": style, "i": row["_i"]}
        if tooltip is not None:
            properties.update(tooltip=tooltip, **_view_properties(row))
        features.append({"type": "Feature", "properties": properties,
                         "geometry": {"type": "Point", "coordinates": [round(float(row["lon"]), 5),
                                                                       round(float(row["lat"]), 5)]}})
    marker = folium.CircleMarker()
    marker.options.update(interactive=interactive, **({"pane": pane} if pane else {}))
    # Bound on each marker (not the GeoJSON group) so streamlit-folium returns the clicked text.
    # What a click does besides (outline, close the tooltip, a phone's scroll) is static/places.js's.
    on_each = folium.JsCode("function (feature, layer) { if (feature.properties.tooltip) { "
                            "layer.bindTooltip(feature.properties.tooltip, {sticky: true}); } }") if interactive else None
    return PointsGeoJson({"type": "FeatureCollection", "features": features}, marker=marker, control=False,
                          on_each_feature=on_each)


def _view_properties(row) -> dict:
    """A clickable place's number, label and tooltip ending for static/view.js (escaped HTML, as the tooltip's)."""
    properties = {"i": row["_i"], "label": row["_label"]}
    if row["_extra"]:
        properties["extra"] = row["_extra"]
    if row["precision"] == VENUE_PRECISION:
        properties["venue"] = True
    return properties


def simplified(geom):
    """Country outlines are large: simplify and round (3 decimals) before they go into the page."""
    return shapely.transform(shapely.simplify(geom, 0.05, preserve_topology=True), lambda xy: np.round(xy, 3))


def _links(rows) -> folium.GeoJson | None:
    """A dashed line between related places in view (each pair once), never taking clicks; None without any."""
    where = {row["place_id"]: row for row in rows}
    features = []
    for row in rows:
        for other in related_places(row):
            if other in where and row["place_id"] < other:
                ends = [[round(float(r["lon"]), 5), round(float(r["lat"]), 5)] for r in (row, where[other])]
                features.append({"type": "Feature", "properties": {"a": row["_i"], "b": where[other]["_i"]},
                                 "geometry": {"type": "LineString", "coordinates": ends}})
    if not features:
        return None
    style = {"color": "#555555", "weight": 1.5, "dashArray": "5 5", "opacity": 0.8, "interactive": False}
    return folium.GeoJson({"type": "FeatureCollection", "features": features}, style_function=lambda _: style,
                          control=False, interactive=False)


def ring_specs(outlet_numbers: dict[str, int], colours: dict[str, str]) -> list[tuple]:
    """Each source's rings as static/view.js draws them: ``(number, colour, dashArray, its line in the layer control)``.

    ``outlet_numbers`` (``MapNumbers.outlets``, in the order outlets take their marks); sources past the marks
    (``geo.page.colours.ring_marks``) have none. The line's swatch is a CSS circle, the outlet's name escaped.
    """
    marks = ring_marks(list(outlet_numbers), colours)
    return [(outlet_numbers[outlet], mark.colour, RING_LINES[mark.line],
             '<span style="display:inline-block;width:8px;height:8px;border-radius:50%;'
             f'border:2px {mark.line} {mark.colour}"></span> {escape_for_tooltip(outlet)}')
            for outlet, mark in sorted(marks.items(), key=lambda item: outlet_numbers[item[0]])]


def _fit(m: folium.Map, rows) -> None:
    if rows:
        lats, lons = [r["lat"] for r in rows], [r["lon"] for r in rows]
        m.fit_bounds([[min(lats), min(lons)], [max(lats), max(lons)]], padding=(30, 30), max_zoom=8)
