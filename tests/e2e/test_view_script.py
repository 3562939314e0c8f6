"""static/view.js on its own, in Chromium: a Leaflet map built here (no server), with markers in a cluster as the page
builds them past CLUSTER_ABOVE places. A source's rings go round the markers a reader can see, never round one
hidden in a cluster, and follow the clusters as the reader zooms."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static"

# 300 places packed near Damascus (clustered at the first zoom) and one alone, far off; two sources name them all.
MAP = """() => {
  var map = L.map("map", {center: [33.5, 36.3], zoom: 4, maxZoom: 18});
  map.createPane("rings");
  var features = [];
  for (var n = 0; n < 300; n++) {
    features.push({type: "Feature", properties: {i: n, label: "Place " + n},
                   geometry: {type: "Point", coordinates: [36.3 + (n % 20) * 0.01, 33.5 + Math.floor(n / 20) * 0.01]}});
  }
  features.push({type: "Feature", properties: {i: 300, label: "Alone"}, geometry: {type: "Point", coordinates: [44.4, 33.3]}});
  var points = L.geoJSON({type: "FeatureCollection", features: features},
                         {pointToLayer: function (f, at) { return L.circleMarker(at, {radius: 8}); }});
  var cluster = L.markerClusterGroup({animate: false}).addTo(map);
  points.addTo(cluster);
  newsgeoTrack(map, {outlets: ["A", "B"], fills: ["#ffffff", "#bdbdbd"], ringsUpTo: 8, points: [[points, cluster, false]],
                     shapes: [], rings: [[0, "#0072b2", "", "A"], [1, "#e69f00", "5 3", "B"]], links: []});
  var counts = [];
  for (var i = 0; i <= 300; i++) { counts.push([i, 0, 1, 1, 2]); }
  newsgeoView(map, {key: "all", outlets: [0, 1], counts: counts});
  window.map = map;
}"""

SEEN = """() => {
  var shown = 0, rings = document.querySelectorAll('.leaflet-rings-pane path').length;
  window.map.eachLayer(function (layer) { if (layer.feature && layer.feature.properties.label) { shown += 1; } });
  return {shown: shown, rings: rings};
}"""


def test_e2e_view_script_rings_go_round_the_markers_shown_and_follow_the_clusters(page):
    page.set_content('<div id="map" style="width:800px;height:600px"></div>')
    for script in ("vendor/leaflet/leaflet.js", "vendor/leaflet.markercluster/leaflet.markercluster.js", "view.js"):
        page.add_script_tag(path=STATIC / script)
    page.add_style_tag(path=STATIC / "vendor" / "leaflet" / "leaflet.css")
    page.evaluate(MAP)
    first = page.evaluate(SEEN)
    # At the first zoom the 300 are clusters: only the lone marker is shown, with one ring per source.
    assert first == {"shown": 1, "rings": 2}, first
    page.evaluate("() => window.map.setView([33.6, 36.4], 15, {animate: false})")
    page.wait_for_function("() => document.querySelectorAll('.leaflet-rings-pane path').length > 2")
    zoomed = page.evaluate(SEEN)
    assert zoomed["shown"] > 1 and zoomed["rings"] == 2 * zoomed["shown"], zoomed
    # A view with more sources than rings can be told apart: none.
    page.evaluate("() => newsgeoView(window.map, {key: 'many', outlets: [0, 1, 2, 3, 4, 5, 6, 7, 8], "
                  "counts: [[300, 0, 1, 1, 2]]})")
    assert page.evaluate(SEEN)["rings"] == 0
