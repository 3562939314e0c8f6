"""A session's own places and sources, laid on the corpus's map: numbered after the corpus's, labelled apart from
its labels, their text escaped, nothing when the session adds nothing."""

from __future__ import annotations

import json
import re

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point, box

from geo.page.mapping import ring_specs
from geo.page.own_places import dropped_script, own_map
from geo.page.reader_view import MapNumbers, view_data

CORPUS_LABELS = {"Damascus (city, SY)": "g:1", "Palmyra (city, SY)": "g:3"}
CORPUS_NUMBERS = MapNumbers(CORPUS_LABELS.values(), ["AP", "Reuters"])


def places(*rows) -> gpd.GeoDataFrame:
    """Places as the store reads them: id, name, kind, country, a point or a shape."""
    frame = pd.DataFrame([{"place_id": p, "name": n, "kind": k, "country_code": c, "lat": geom.centroid.y,
                           "lon": geom.centroid.x, "precision": "exact", "other_names": "", "geometry": geom}
                          for p, n, k, c, geom in rows])
    return gpd.GeoDataFrame(frame, geometry="geometry")


LAYER = places(("g:1", "Damascus", "city", "SY", Point(36.3, 33.5)), ("g:3", "Palmyra", "city", "SY", Point(38.3, 34.6)),
               ("g:7", "Palmyra", "city", "SY", Point(38.0, 34.0)),  # a second Palmyra: its label taken by the corpus's
               ("g:9", "<img src=x onerror=alert(1)>", "city", "SY", Point(37.0, 36.0)),
               ("z:1", "The zone", "zone", "SY", box(35.8, 32.8, 36.0, 33.2)),
               ("country:SY", "Syria", "country", "SY", box(35.7, 32.3, 42.4, 37.3)))


def counts(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["place_id", "outlet", "mentions"])


def handed(script: str) -> dict:
    return json.loads(re.fullmatch(r"if \(window.newsgeoOwn\) \{ window.newsgeoOwn\(map_div, (.*)\); \}\n", script)[1])


def test_own_places_are_numbered_after_the_corpus_s_and_labelled_apart_from_its_labels():
    own = own_map(CORPUS_NUMBERS, CORPUS_LABELS, LAYER,
                  counts(("g:1", "AP", 2), ("g:3", "My desk", 1), ("g:7", "My desk", 2), ("g:9", "My desk", 1),
                         ("z:1", "Reuters", 1), ("country:SY", "My desk", 4)),
                  {"AP": "#112233", "Reuters": "#445566", "My desk": "#778899"}, show_countries=False)
    assert own.numbers.places == {"g:1": 0, "g:3": 1, "g:7": 2, "g:9": 3, "z:1": 4}  # countries hidden: not drawn
    assert own.numbers.outlets == {"AP": 0, "Reuters": 1, "My desk": 2}
    data = handed(own.script)
    labels = {p["i"]: p["label"] for p in data["places"]}
    assert labels[2] == "Palmyra (city, SY) #2" and own.labels["Palmyra (city, SY) #2"] == "g:7"
    assert own.labels["Palmyra (city, SY)"] == "g:3"  # the corpus's label stays the corpus's place
    assert "<img" not in labels[3] and "&lt;img" in labels[3]
    assert [p["i"] for p in data["places"] if "shape" in p] == [4] and data["places"][0]["at"] == [34.0, 38.0]
    assert [{k: o[k] for k in ("i", "name")} for o in data["outlets"]] == [{"i": 2, "name": "My desk"}]
    assert data["outlets"][0]["ring"][:2] == ["#778899", ""] and "My desk" in data["outlets"][0]["ring"][2]
    # The view's counts then reach the session's places and source like any other.
    view = view_data(own.numbers, counts(("g:7", "My desk", 2), ("g:1", "AP", 2)), ["AP", "My desk"])
    assert view["counts"] == [[0, 0, 2], [2, 2, 2]]


def test_own_places_give_no_ring_colour_that_is_not_a_colour():
    own = own_map(CORPUS_NUMBERS, CORPUS_LABELS, LAYER, counts(("g:7", "Desk", 1)),
                  {"Desk": "red;background:url(x)"}, show_countries=False)
    assert "ring" not in handed(own.script)["outlets"][0]


def test_own_places_a_source_past_the_palette_rings_dashed_after_the_corpus_s():
    corpus = [f"outlet {i:02d}" for i in range(9)]  # eight colours, one dashed ring
    numbers = MapNumbers(CORPUS_LABELS.values(), corpus)
    colours = {outlet: f"#0000{i:02d}" for i, outlet in enumerate(corpus[:8])}
    own = own_map(numbers, CORPUS_LABELS, LAYER, counts(("g:7", "Zed desk", 1)), colours, show_countries=False)
    ring = handed(own.script)["outlets"][0]["ring"]
    assert ring[1] == "5 3" and "dashed" in ring[2] and "Zed desk" in ring[2]
    first_dashed = ring_specs(numbers.outlets, colours)[8]
    assert first_dashed[2] == "5 3" and first_dashed[1] != ring[0]  # the corpus's ninth keeps its own mark


def test_own_places_with_nothing_the_corpus_lacks_add_no_script():
    own = own_map(CORPUS_NUMBERS, CORPUS_LABELS, LAYER, counts(("g:1", "AP", 2), ("g:3", "Reuters", 1)), {},
                  show_countries=False)
    assert own.script == "" and own.labels == CORPUS_LABELS and own.numbers.places == CORPUS_NUMBERS.places
    assert "newsgeoOwn(map_div, null)" in dropped_script()


def test_own_places_shown_countries_are_muted_shapes():
    own = own_map(CORPUS_NUMBERS, CORPUS_LABELS, LAYER, counts(("country:SY", "AP", 3)), {}, show_countries=True)
    (country,) = handed(own.script)["places"]
    assert country["muted"] and country["shape"]["type"] == "Polygon" and country["style"]["color"] == "#888888"


def test_own_places_carry_the_new_tooltip_ending_of_a_corpus_place_the_session_s_articles_name_otherwise():
    layer = LAYER.copy()
    layer.loc[layer["place_id"] == "g:3", "other_names"] = "تدمر"  # an Arabic upload wrote Palmyra so
    own = own_map(CORPUS_NUMBERS, CORPUS_LABELS, layer, counts(("g:1", "AP", 2), ("g:3", "مكتب", 1)), {},
                  show_countries=False, corpus_places=LAYER[LAYER["place_id"].isin(["g:1", "g:3"])])
    (changed,) = handed(own.script)["extras"]
    assert changed[0] == CORPUS_NUMBERS.places["g:3"] and "<bdi>تدمر</bdi>" in changed[1]
