"""A country, region or zone named with a compass word is that side of it (issue 24, item 4):
geo.gazetteer.sides builds the sides, geo.resolution.sides reads the words."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, shape

from conftest import parse_text
from geo.gazetteer.sides import SIDES, side_entries, side_id, side_point

SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [3, 0], [3, 3], [0, 3], [0, 0]]]}


@pytest.mark.parametrize("side, inside", [("north", lambda lat, lon: lat >= 2), ("south", lambda lat, lon: lat <= 1),
                                          ("east", lambda lat, lon: lon >= 2), ("west", lambda lat, lon: lon <= 1)])
def test_a_side_is_a_point_in_the_third_on_that_side(side, inside):
    lat, lon = side_point(SQUARE, side)
    assert inside(lat, lon) and shape(SQUARE).contains(Point(lon, lat))


def test_a_side_is_of_the_largest_part_not_an_island_far_off():
    island = [[[10, 10], [10.1, 10], [10.1, 10.1], [10, 10.1], [10, 10]]]
    lat, lon = side_point({"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"], island]}, "north")
    assert 2 <= lat <= 3 and 0 <= lon <= 3


def test_sides_are_built_for_countries_regions_and_zones_not_towns_nor_places_already_drawn():
    def entry(place_id, kind):
        return {"place_id": place_id, "name": place_id, "kind": kind, "country_code": "XX", "geometry": SQUARE}

    wholes = [entry("country:XX", "country"), entry("curated:zone", "zone"), entry("curated:town", "city")]
    built = side_entries(wholes, {}, taken={side_id("country:XX", "south")})
    assert {e["place_id"] for e in built} == (
        {side_id("country:XX", s) for s in SIDES if s != "south"} | {side_id("curated:zone", s) for s in SIDES})
    assert all(e["side_of"][0] in ("country:XX", "curated:zone") and "not a boundary" in e["description"] for e in built)


def test_every_country_with_an_outline_has_four_sides_each_inside_it_and_on_its_side(gazetteer):
    shapes = gazetteer._country_shapes
    wrong = []
    for place_id, outline in shapes.items():
        geometry = shape(outline).buffer(0)
        points = {side: gazetteer.place(gazetteer.side(place_id, side)) for side in SIDES if gazetteer.side(place_id, side)}
        if len(points) < 4:
            wrong.append(f"{place_id}: {sorted(points)}")
            continue
        if not all(geometry.contains(Point(p.lon, p.lat)) for p in points.values()):
            wrong.append(f"{place_id}: a side outside")
        if not (points["north"].lat > points["south"].lat and points["east"].lon > points["west"].lon):
            wrong.append(f"{place_id}: sides crossed")
    assert len(shapes) > 150
    assert not wrong, wrong


@pytest.mark.parametrize("text, surface, place_id", [
    ("Israeli jets struck villages in southern Lebanon on Sunday.", "southern Lebanon", "side:country:LB:south"),
    ("Turkish drones hit targets in the north of Iraq overnight.", "north of Iraq", "side:country:IQ:north"),
    ("Rockets were fired at north Gaza and at Israel.", "north Gaza", "side:curated:gaza-strip:north"),
    ("Fighting in eastern DRC displaced thousands.", "eastern DRC", "side:country:CD:east"),
    ("قصفت الطائرات الإسرائيلية قرى بجنوب لبنان يوم الأحد، وقالت مصادر محلية إن القصف استمر.", "جنوب لبنان",
     "side:country:LB:south"),
    ("צה\"ל תקף הלילה מטרות בדרום לבנון, כך נמסר מדובר הצבא.", "דרום לבנון", "side:country:LB:south"),
    ("Türk jetleri dün Irak'ın kuzeyinde hedefleri vurdu, bakanlık açıkladı.", "Irak'ın kuzeyinde", "side:country:IQ:north"),
    ("Kuzey Irak ile Güney Lübnan'da çatışmalar dün de sürdü, yetkililer açıkladı.", "Kuzey Irak", "side:country:IQ:north"),
    ("Israeli strikes hit Lebanon's south overnight.", "Lebanon's south", "side:country:LB:south"),
    # A nationality word with the word for a side: after it in English, before it in Arabic.
    ("Calm returned to the Iraqi north on Sunday.", "Iraqi north", "side:country:IQ:north"),
    ("قصفت الطائرات الإسرائيلية مواقع في الجنوب اللبناني يوم الأحد، وقالت مصادر محلية إن القصف استمر.",
     "الجنوب اللبناني", "side:country:LB:south"),
    # A curated place that is a country's side is that side: it was drawn by hand.
    ("واستهدفت الغارات مواقع بالشمال السوري يوم الأحد، وقالت مصادر محلية إن القصف استمر.", "الشمال السوري",
     "curated:northern-syria"),
    ("قالت مصادر إن القوات الإسرائيلية توغلت في جنوب سوريا يوم الأحد.", "جنوب سوريا", "curated:southern-syria"),
])
def test_a_compass_word_with_a_name_is_that_side_of_the_place(parser, text, surface, place_id):
    mentions = {m.surface: m for m in parse_text(parser, text).mentions}
    assert surface in mentions, list(mentions)
    mention = mentions[surface]
    assert mention.place_id == place_id and text[mention.start:mention.end] == surface


@pytest.mark.parametrize("text, surface, place_id", [
    ("The convoy stopped ten miles north of Lebanon's border with Syria.", "Lebanon", "country:LB"),
    ("Fighting spread to the north of Aleppo, in Syria.", "Aleppo", "geonames:170063"),  # a town: no sides
    ("Talks between North Korea and South Sudan resumed.", "North Korea", "country:KP"),
    ("Storms hit north Georgia near Atlanta and Macon.", "Georgia", "region:US-GA"),  # the state: no sides
    # A capital after the possessive begins a name: the West Bank, not Israel's west.
    ("Israel's West Bank settlements grew last year.", "Israel", "country:IL"),
    ("Israel's West Bank settlements grew last year.", "West Bank", "curated:west-bank"),
])
def test_a_compass_word_leaves_what_is_not_a_side(parser, text, surface, place_id):
    mentions = {m.surface: m.place_id for m in parse_text(parser, text).mentions}
    assert mentions.get(surface) == place_id, mentions


@pytest.mark.parametrize("text", ["Southern Lebanese villagers fled north.", "Syrians fled north and east.",
                                  "The Syrian army pushed east toward the river."])
def test_a_nationality_word_without_the_word_for_a_side_after_it_is_not_a_side(parser, text):
    mentions = parse_text(parser, text).mentions
    assert not any(m.place_id.startswith("side:") for m in mentions)
