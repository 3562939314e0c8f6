"""The sides of a place with an outline, as places of their own: "southern Lebanon" is the south of
Lebanon, not Lebanon (issue 24, item 4).

News names a country's part by a compass word ("southern Lebanon", "جنوب لبنان", "דרום לבנון",
"Kuzey Irak", "Irak'ın kuzeyinde"); a marker at the country's middle puts the fighting in the wrong
place. Each side is the third of the place's largest part (its mainland) on that side, by latitude
for north and south and by longitude for east and west, drawn as a point inside it: an
approximation, said so in its description, not a boundary. A curated place that is such a side
("Southern Syria", drawn by hand from its governorates) says so with ``side_of`` and is used instead.

Built once with the index (``sides``); read by ``geo.resolution.sides``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

SIDES = ("north", "south", "east", "west")
SIDE_NAMES = {"north": "Northern", "south": "Southern", "east": "Eastern", "west": "Western"}
# A country's side, a region's, a zone's ("northern Gaza Strip"); not a town's: "north of Damascus" is outside it.
WHOLE_KINDS = frozenset({"country", "region", "zone"})
SIDE_SHARE = 1 / 3  # of the mainland's extent: a third on each side, the middle left to the whole


def side_words_table(path: Path) -> dict:
    """data/sides.toml as it is written (language -> before / after / ... -> side -> words); {} when missing or
    broken. Read by the pipeline (geo.resolution.sides) and the page's list of a place's names (geo.gazetteer.names)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def side_id(place_id: str, side: str) -> str:
    """``side:country:LB:south``: the side's place id, made from the whole's (one place, one id)."""
    return f"side:{place_id}:{side}"


def side_point(outline: dict, side: str) -> tuple[float, float] | None:
    """(lat, lon) of a point inside ``side`` of the outline's largest part (a GeoJSON Polygon or
    MultiPolygon), or None when it has no area."""
    from shapely.geometry import box, shape

    try:
        geometry = shape(outline)
    except (ValueError, TypeError, AttributeError, KeyError):
        return None
    if geometry.is_empty or geometry.area <= 0:
        return None
    mainland = max(getattr(geometry, "geoms", [geometry]), key=lambda part: part.area)
    west, south, east, north = mainland.bounds
    height, width = (north - south) * SIDE_SHARE, (east - west) * SIDE_SHARE
    band = {"north": box(west, north - height, east, north), "south": box(west, south, east, south + height),
            "east": box(east - width, south, east, north), "west": box(west, south, west + width, north)}[side]
    part = mainland.buffer(0).intersection(band)
    if part.is_empty or part.area <= 0:
        return None
    point = part.centroid if part.contains(part.centroid) else part.representative_point()
    return point.y, point.x


def side_entries(wholes: list[dict], outlines: dict[str, dict], taken: set[str]) -> list[dict]:
    """The side entries of every place among ``wholes`` (gazetteer entries) with an outline in
    ``outlines`` (place id → GeoJSON geometry) or of its own, but those in ``taken`` (the side ids
    a curated place already is)."""
    entries = []
    for whole in wholes:
        if whole["kind"] not in WHOLE_KINDS or whole.get("side_of"):
            continue
        outline = outlines.get(whole["place_id"]) or whole.get("geometry")
        if not outline or outline.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        for side in SIDES:
            place_id = side_id(whole["place_id"], side)
            if place_id in taken or (point := side_point(outline, side)) is None:
                continue
            axis = "latitude" if side in ("north", "south") else "longitude"
            entries.append({
                "place_id": place_id, "name": f"{SIDE_NAMES[side]} {whole['name']}", "kind": "region",
                "country_code": whole["country_code"], "lat": point[0], "lon": point[1], "population": 0,
                "method": "side", "priority": 0.0, "admin1": "", "precision": "approximate",
                "description": f"The {side} of {whole['name']}: the third of its mainland furthest {side} by {axis}, "
                               "drawn as a point inside it; an approximation, not a boundary.",
                "source": f"the outline of {whole['name']} in this gazetteer, its third furthest {side}",
                "related": [whole["place_id"]], "near": "", "side_of": [whole["place_id"], side],
            })
    return entries
