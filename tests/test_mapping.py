"""The folium map: offline assets, layers, shapes, labels, escaping and a stable script."""

import html
import re
from pathlib import Path

import folium
import pytest
from folium.plugins import MarkerCluster

from geo.frames import VENUE_PRECISION, geoparse
from geo.page import mapping
from geo.page.colours import outlet_colours
from geo.page.map_elements import ViewTargets
from geo.page.mapping import ASSET_ROOT, build_map, load_basemap, too_large_to_draw
from geo.page.selection import selection_arguments
from geo.page.tooltips import escape_for_tooltip, label_from_tooltip, tooltip_texts, unique_labels
from geo.page.views import outlet_counts

STATIC = Path(__file__).resolve().parent.parent / "static"
CDN_HOSTS = ("jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "unpkg", "googleapis")


@pytest.fixture(scope="module")
def frames(parser, seed_articles):
    return geoparse(seed_articles.values(), parser)


@pytest.fixture(scope="module")
def basemap():
    return load_basemap()


@pytest.fixture(scope="module")
def outlets(frames):
    return sorted(frames[1]["outlet"].unique())


@pytest.fixture(scope="module")
def built(frames, basemap, outlets):
    places, mentions = frames
    return build_map(places, outlet_counts(mentions), outlets=outlets)


def walk(element):
    yield element
    for child in element._children.values():
        yield from walk(child)


def text_of(tooltip_html: str) -> str:
    """What streamlit-folium returns for a click: the tooltip's text content."""
    return html.unescape(re.sub(r"<[^>]+>", "", tooltip_html))


def shapes(group) -> dict[str, dict]:
    """Label -> clickable GeoJSON feature (a point drawn as a circle, or a polygon) in a layer."""
    found = {}
    for element in walk(group):
        if isinstance(element, folium.GeoJson) and element.control is False:
            for feature in element.data["features"]:
                if "tooltip" in feature["properties"]:
                    found[label_from_tooltip(text_of(feature["properties"]["tooltip"]))] = feature
    return found


def ring_features(element) -> list[dict]:
    """Features drawn as non-interactive rings below ``element``."""
    return [f for e in walk(element) if isinstance(e, folium.GeoJson) and e.marker is not None
            and e.marker.options.get("interactive") is False for f in e.data["features"]]


def ring_specs_of(m) -> list:
    """The rings static/view.js draws: ``(outlet number, colour, dashArray, layer control line)`` per source."""
    return next(e for e in walk(m) if isinstance(e, ViewTargets)).rings


def layer(m, name: str):
    return next(c for c in m._children.values() if isinstance(c, folium.FeatureGroup) and c.layer_name == name)


def test_mapping_assets_are_local_and_vendored(frames, basemap, outlets):
    m, _ = build_map(frames[0], outlet_counts(frames[1]), outlets=outlets, cluster=True)
    page = m.get_root().render()
    urls = [url for e in walk(m) for _, url in [*getattr(e, "default_js", []), *getattr(e, "default_css", [])]]
    urls += re.findall(r'<(?:script|link)[^>]*(?:src|href)="([^"]+)"', page)
    assert urls and all(url.startswith(ASSET_ROOT + "/") for url in urls)
    assert all((STATIC / url.removeprefix(ASSET_ROOT + "/")).is_file() for url in urls)
    assert not [host for host in CDN_HOSTS if host in page]


def test_mapping_a_group_of_places_does_not_look_like_a_grey_of_the_key(frames, basemap, outlets):
    clustered, _ = build_map(frames[0], outlet_counts(frames[1]), outlets=outlets, cluster=True)
    page = clustered.get_root().render()
    # Our rule outranks the plugin's green, yellow and orange (".marker-cluster-small div", loaded after ours) by
    # specificity: white groups, said in the key.
    assert "MarkerCluster.Default.css" in page and ".leaflet-container .marker-cluster div { background-color: #fff" in page
    assert "places grouped: zoom in" in page
    plain, _ = build_map(frames[0], outlet_counts(frames[1]), outlets=outlets, cluster=False)
    assert "places grouped" not in plain.get_root().render()


def test_mapping_clusters_only_many_points(frames, basemap, outlets, monkeypatch):
    def clustered():
        m, _ = build_map(frames[0], outlet_counts(frames[1]), outlets=outlets)
        return any(isinstance(e, MarkerCluster) for e in walk(m))

    assert not clustered()
    monkeypatch.setattr(mapping, "CLUSTER_ABOVE", 3)
    assert clustered()


def test_mapping_has_a_layer_per_outlet_in_view(built, outlets):
    m, _ = built
    names = [spec[3] for spec in ring_specs_of(m)]  # each a line of the layer control, added by static/view.js
    assert all(sum(name.endswith(" " + escape_for_tooltip(o)) for name in names) == 1 for o in outlets)


def test_mapping_draws_zones_and_regions_as_geojson_polygons(built):
    m, labels = built
    drawn = shapes(layer(m, "Places"))
    for place_id in ("curated:southern-syria-buffer-zone", "curated:northern-syria"):
        element = drawn[next(label for label, pid in labels.items() if pid == place_id)]
        assert element["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_mapping_links_palmyra_and_t4(built, frames):
    m, labels = built
    points = frames[0].set_index("place_id")
    drawn = shapes(layer(m, "Places"))
    ends = [tuple(points.loc[p, ["lat", "lon"]]) for p in ("curated:palmyra", "curated:t4-air-base")]
    assert all(drawn[label]["geometry"]["type"] == "Point" for label, pid in labels.items() if pid in
               ("curated:palmyra", "curated:t4-air-base"))
    lines = [(feature, e) for e in walk(m) if isinstance(e, folium.GeoJson) for feature in e.data["features"]
             if feature["geometry"]["type"] == "LineString"]
    assert any(sorted((lat, lon) for lon, lat in feature["geometry"]["coordinates"]) == sorted(ends)
               and layer.options["interactive"] is False and layer.style_function(feature)["interactive"] is False
               for feature, layer in lines)


def test_mapping_countries_only_when_asked(frames, basemap, outlets, built):
    m, labels = built
    assert "country:SY" not in labels.values()
    assert not [c for c in m._children.values() if getattr(c, "layer_name", "") == "Countries"]
    with_countries, labels = build_map(frames[0], outlet_counts(frames[1]), outlets=outlets, show_countries=True)
    syria = next(label for label, pid in labels.items() if pid == "country:SY")
    assert shapes(layer(with_countries, "Countries"))[syria]["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_mapping_escape_for_tooltip_neutralises_html_and_template_literals():
    assert escape_for_tooltip("<a href='x'>&\"`${1}\\") == (
        "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&#96;&#36;&#123;1&#125;&#92;")


def test_mapping_a_tooltip_is_never_evaluated_as_a_jinja_template():
    """branca renders each element's output again as a Jinja template: "{{ 7*7 }}" would become 49 on the server."""
    import folium

    from geo.page.mapping import _points_layer

    m = folium.Map()
    row = {"place_id": "p", "lon": 1.0, "lat": 2.0, "_i": 0, "_label": "p", "_extra": "", "precision": "exact"}
    _points_layer([(row, {"radius": 3}, escape_for_tooltip("{{ 7*7 }} {% if true %}x{% endif %}"))],
                  interactive=True).add_to(m)
    page = m.get_root().render()
    assert "7*7" in page and "49" not in page.split('"tooltip"', 1)[1][:80]
    raw = folium.Map()  # the points layer keeps its rendered script as it is, braces and all
    _points_layer([(row, {"radius": 3}, "{{ 7*7 }}")], interactive=True).add_to(raw)
    assert "{{ 7*7 }}" in raw.get_root().render()


def test_mapping_rendered_html_escapes_hostile_names(frames, basemap):
    places, mentions = frames
    places = places.copy()
    places.loc[places["place_id"] == "curated:palmyra", "name"] = "${document.title='x'}"
    places.loc[places["place_id"] == "curated:damascus", "name"] = "\\x3cimg src=y onerror=alert(2)>"
    mentions = mentions.copy()
    mentions["outlet"] = mentions["outlet"].replace("The Cradle", "<img src=x onerror=alert(1)>")
    m, labels = build_map(places, outlet_counts(mentions), outlets=sorted(mentions["outlet"].unique()))
    page = m.get_root().render()
    assert "${document" not in page and "<img" not in page and "\\u003cimg" not in page and "\\x3cimg" not in page
    assert "${document.title='x'} (city, SY)" in labels


def test_mapping_same_inputs_render_identical_html(frames, basemap, outlets):
    first, _ = build_map(frames[0], outlet_counts(frames[1]), outlets=outlets)
    second, _ = build_map(frames[0], outlet_counts(frames[1]), outlets=outlets)
    assert first.get_root().render() == second.get_root().render()


def test_mapping_reused_map_gives_streamlit_folium_the_same_script(built):
    from streamlit_folium import generate_leaflet_string

    m, _ = built
    scripts = []
    for _ in range(2):  # what st_folium does on each rerun with a cached map object
        m.get_root().render()
        scripts.append(generate_leaflet_string(m))
    assert scripts[0] == scripts[1]


def test_mapping_the_selection_is_a_layer_beside_the_map_not_in_its_script(frames):
    places = frames[0].set_index("place_id")
    palmyra = selection_arguments(places.loc["curated:palmyra"].to_dict())
    assert palmyra["center"] == [round(float(places.loc["curated:palmyra", "lat"]), 5),
                                 round(float(places.loc["curated:palmyra", "lon"]), 5)]
    assert "L.circleMarker" in palmyra["feature_group"] and "window.feature_group.push" in palmyra["feature_group"]
    zone = selection_arguments(places.loc["curated:southern-syria-buffer-zone"].to_dict())
    assert "L.geoJson" in zone["feature_group"]
    assert selection_arguments(None) == {"feature_group": None, "center": None}


def test_mapping_a_selection_is_brought_to_the_middle_by_static_view_js(frames):
    """The selected place is named in the script and handed to newsgeoFocus with its centre (it zooms to a small
    shape and centres it); places a search found are outlined only."""
    places = frames[0].set_index("place_id")
    zone = places.loc["curated:southern-syria-buffer-zone"].to_dict()
    found = [places.loc["curated:palmyra"].to_dict() | {"place_id": "curated:palmyra"}]
    script = selection_arguments(zone | {"place_id": "curated:southern-syria-buffer-zone"}, found)["feature_group"]
    centre = f"[{round(float(zone['lat']), 5)}, {round(float(zone['lon']), 5)}]"
    assert script.count("var newsgeo_selected = L.geoJson(") == 1
    assert f"window.newsgeoFocus(map_div, newsgeo_selected, {centre})" in script
    assert "newsgeo_selected]);" in script  # the selection's group holds it after the found places
    assert "newsgeoFocus" not in selection_arguments(None, found)["feature_group"]


def test_mapping_loads_the_place_names_script_before_the_view(built):
    scripts = [url for _, url in built[0].default_js]
    assert scripts.index(f"{ASSET_ROOT}/labels.js") < scripts.index(f"{ASSET_ROOT}/view.js")
    assert (STATIC / "labels.js").is_file()
    assert "innerHTML" not in (STATIC / "labels.js").read_text(encoding="utf-8")  # names are set as text


def test_mapping_a_region_too_large_to_point_at_is_not_drawn(built, frames):
    _, labels = built
    places = frames[0].set_index("place_id")
    assert too_large_to_draw(places.loc["curated:middle-east"].to_dict())
    assert "curated:middle-east" not in labels.values() and "curated:southern-syria-buffer-zone" in labels.values()


def test_mapping_an_outlet_keeps_its_colour_whatever_is_in_view(frames, outlets):
    places, mentions = frames
    colours = outlet_colours(outlets)
    rings_of = {}
    for in_view in (outlets, outlets[2:3]):
        m, _ = build_map(places, outlet_counts(mentions[mentions["outlet"].isin(in_view)]), outlets=in_view,
                         colours=colours)
        rings_of[len(in_view)] = {spec[1] for spec in ring_specs_of(m)}
    assert rings_of[1] == {colours[outlets[2]]} and rings_of[1] <= rings_of[len(outlets)]


def test_mapping_fills_are_greys_that_no_outlet_colour_can_be_taken_for(built, outlets):
    fills = {f["properties"]["style"]["fillColor"] for f in shapes(layer(built[0], "Places")).values()
             if "style" in f["properties"]}
    assert fills and not fills & {c.lower() for c in outlet_colours(outlets).values()}
    assert all(len({c[1:3], c[3:5], c[5:7]}) == 1 for c in fills)  # r = g = b: a grey (or white)


def test_mapping_labels_cover_every_drawn_place(built, frames):
    m, labels = built
    firsts = [text.splitlines()[0] for text in tooltip_texts(m)]  # what a click on each shape returns
    in_view = {p for p in frames[1]["place_id"] if not p.startswith("country:") and p != "curated:middle-east"}
    assert sorted(firsts) == sorted(labels) and set(labels.values()) == in_view


def test_mapping_unique_labels_number_duplicates(frames):
    places = frames[0].head(2).copy()
    places[["name", "kind", "country_code"]] = ["Springfield", "city", "US"]
    assert sorted(unique_labels(places).values()) == ["Springfield (city, US)", "Springfield (city, US) #2"]
    # Labels another map uses already (the corpus's, under a session's own places) are numbered past.
    assert sorted(unique_labels(places, taken={"Springfield (city, US)"}).values()) == [
        "Springfield (city, US) #2", "Springfield (city, US) #3"]


def test_mapping_label_from_tooltip_reads_the_first_line():
    assert label_from_tooltip("  Palmyra (city, SY)\nThe Cradle: 4 mentions\n") == "Palmyra (city, SY)"
    assert label_from_tooltip(None) is None


def test_mapping_rendered_size_fits_the_budget(frames, basemap, outlets):
    m, _ = build_map(frames[0], outlet_counts(frames[1]), outlets=outlets, show_countries=True)
    assert len(m.get_root().render().encode()) <= 500_000


def test_mapping_filtering_to_one_outlet_drops_places_only_others_mention(frames, basemap):
    places, mentions = frames
    _, labels = build_map(places, outlet_counts(mentions[mentions["outlet"] == "Kurdistan24"]), outlets=["Kurdistan24"])
    assert {"curated:erbil", "curated:northern-syria"} <= set(labels.values())
    assert not {"curated:palmyra", "curated:t4-air-base"} & set(labels.values())


def test_mapping_baku_is_marked_as_an_inferred_venue(built):
    m, labels = built
    baku = shapes(layer(m, "Places"))[next(label for label, pid in labels.items() if pid == "curated:baku")]
    assert baku["properties"]["style"]["dashArray"] and VENUE_PRECISION in baku["properties"]["tooltip"]


def test_mapping_rings_past_eight_sources_are_dashed_and_drawn_in_the_browser(frames):
    places, mentions = frames
    many = mentions.assign(outlet=[f"outlet {i % 12:02d}" for i in range(len(mentions))])
    m, _ = build_map(places, outlet_counts(many), outlets=sorted(many["outlet"].unique()))
    specs = ring_specs_of(m)
    assert [spec[0] for spec in specs] == list(range(12))  # every source, by its number
    assert [spec[2] for spec in specs] == [""] * 8 + ["5 3"] * 4 and specs[8][1] == specs[0][1]
    assert "border:2px dashed" in specs[8][3] and "outlet 08" in specs[8][3]
    # The map's file holds no ring: static/view.js draws them from the view's counts, up to eight sources in view.
    assert not ring_features(m) and '"ringsUpTo": 8' in m.get_root().render()


def test_mapping_a_source_past_every_mark_has_no_ring(frames):
    places, mentions = frames
    many = mentions.assign(outlet=[f"outlet {i % 30:02d}" for i in range(len(mentions))])
    outlets = sorted(many["outlet"].unique())
    m, _ = build_map(places, outlet_counts(many), outlets=outlets)
    assert len(outlets) > 24 and [spec[0] for spec in ring_specs_of(m)] == list(range(24))


def test_mapping_outlines_are_fetched_not_embedded(built):
    script = built[0].get_root().render()
    assert "../../app/static/basemap.js" in script and 'newsgeoBasemap(' in script and "Offline map" in script
    for name in ("countries.geojson", "lakes.geojson", "rivers.geojson", "admin1.geojson", "labels.json"):
        assert (STATIC / "basemap" / name).stat().st_size > 1000  # shipped with the page, fetched by basemap.js
    assert len(script.encode()) < 100_000


def _rings(geometry):
    if geometry["type"] in ("LineString", "Polygon", "MultiLineString", "MultiPolygon"):
        depth = {"LineString": 0, "Polygon": 1, "MultiLineString": 1, "MultiPolygon": 2}[geometry["type"]]
        parts = [geometry["coordinates"]]
        for _ in range(depth):
            parts = [inner for part in parts for inner in part]
        yield from parts


@pytest.mark.parametrize("name", ["countries", "lakes", "rivers", "admin1"])
def test_basemap_lines_never_cross_the_world(name):
    """Leaflet draws flat: a step from 180° to -180° is a band across the map (Russia's at 65-75° N, Fiji's,
    Antarctica's), so every layer is cut at the antimeridian (tools/make_basemap.py)."""
    import json

    collection = json.loads((STATIC / "basemap" / f"{name}.geojson").read_text(encoding="utf-8"))
    steps = [(feature["properties"].get("name"), a, b) for feature in collection["features"]
             for ring in _rings(feature["geometry"]) for a, b in zip(ring, ring[1:], strict=False)
             if abs(a[0] - b[0]) > 180 and not abs(a[1]) == abs(b[1]) == 90]  # along a pole is the map's edge
    assert not steps, steps[:5]
    assert all(-180 <= x <= 180 for feature in collection["features"] for ring in _rings(feature["geometry"])
               for x, _ in ring)


def test_mapping_tooltips_name_the_busiest_sources_and_count_the_rest(frames):
    places, mentions = frames
    many = mentions.assign(outlet=[f"outlet {i % 8}" for i in range(len(mentions))])
    m, _ = build_map(places, outlet_counts(many), outlets=sorted(many["outlet"].unique()))
    busiest = max(tooltip_texts(m), key=lambda t: len(t.splitlines()))
    assert len(busiest.splitlines()) == 1 + 5 + 1 and re.match(r"\d+ more sources?: \d+ mentions?$", busiest.splitlines()[-1])
