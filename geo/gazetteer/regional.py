"""The regional file: the districts, villages and features of the conflict's region that GeoNames'
cities500 lacks, and names in the region's languages it lacks for its towns (issue 24, item 1).

``data/regional.toml`` is kept by hand, one entry per place, each from a public page that gives its
coordinates (``source``) and, for its Arabic, Hebrew or Turkish names, the pages that give them
(``name_sources``)::

    [[place]]
    id = "mezzeh"                 # the place id is regional:mezzeh
    name = "Mezzeh"               # as English news spells it most
    kind = "district"             # district | town | village | camp | dam | mountain | bridge | crossing | ...
    country = "SY"
    division = "Damascus"         # the first-level division, as Natural Earth names it
    lat = 33.50306
    lon = 36.25833
    source = "https://…"
    aliases = ["Mazzeh", "al-Mazzah"]
    names = { ar = ["المزة"] }

    [[names]]                     # names a GeoNames town lacks (or a place of this file, from other pages)
    place = "geonames:170063"
    names = { he = ["חלב"] }
    name_sources = ["https://…"]

``data/regional-divisions.geojson`` holds those divisions' outlines (Natural Earth, through
``tools/make_regional.py``): the tests check that every point lies in the division its entry names.
The index gives each place a GeoNames admin1 code (``nearest_admin1``: of the first-level region nearest
it in its division), as the resolver compares a place's province with its towns' ("a town of the
province the article places"); Natural Earth's divisions are not always GeoNames' (its Beqaa holds
Baalbek-Hermel).
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REGIONAL = "regional.toml"
DIVISIONS = "regional-divisions.geojson"
# A town, village, camp or city district is a town to the resolver (its local lens, its small-town
# rules); a feature keeps its kind, and its kind words ("Nasib crossing") from data/name_words.toml.
TOWN_KINDS = frozenset({"town", "village", "district", "camp"})
KIND_NAMES = {"crossing": "border crossing"}
_REQUIRED = ("id", "name", "kind", "country", "division", "lat", "lon", "source")


@dataclass
class Regional:
    """What data/regional.toml adds: index entries (dicts as the special layer keeps them), names for GeoNames
    towns (``{"geonames_id": id, "names": {language: names}}``), and what was left out and why."""

    entries: list[dict] = field(default_factory=list)
    names: list[dict] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_divisions(data_dir: Path) -> dict[tuple[str, str], dict]:
    """(country, Natural Earth name) -> the division's feature in data/regional-divisions.geojson ({} when missing)."""
    try:
        collection = json.loads((data_dir / DIVISIONS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {(f["properties"]["country"], f["properties"]["name"]): f for f in collection.get("features", [])
            if isinstance(f.get("properties"), dict) and {"country", "name"} <= f["properties"].keys()}


def read_regional(data_dir: Path) -> Regional:
    """The entries of data/regional.toml the index can take, and a line for each one it cannot."""
    found = Regional()
    path = data_dir / REGIONAL
    if not path.exists():
        return found
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        found.problems.append(f"cannot read the regional file: {error}")
        return found
    divisions = read_divisions(data_dir)
    by_id: dict[str, dict] = {}
    for number, row in enumerate(table.get("place", []), start=1):
        entry, problem = _entry(row, divisions)
        if entry is not None and entry["place_id"] in by_id:
            entry, problem = None, f"duplicate id {row['id']!r}"
        if entry is None:
            found.problems.append(f"place {number} ({row.get('name') or row.get('id') or 'unnamed'}): {problem}; skipped")
            continue
        by_id[entry["place_id"]] = entry
        found.entries.append(entry)
    for number, row in enumerate(table.get("names", []), start=1):
        place = str(row.get("place", ""))
        if place in by_id and row.get("name_sources"):  # more names of a place of this file, from other pages
            for language, names in _language_names(row).items():
                by_id[place]["names"].setdefault(language, []).extend(names)
            continue
        if not place.startswith("geonames:") or not place.split(":", 1)[1].isdigit() or not row.get("name_sources"):
            found.problems.append(f"names {number} ({place or 'no place'}): needs a geonames:<id> place or one of this "
                                  "file's, and its name_sources; skipped")
            continue
        found.names.append({"geonames_id": int(place.split(":", 1)[1]), "names": _language_names(row)})
    return found


def _language_names(row: dict) -> dict[str, list[str]]:
    names = row.get("names") or {}
    return {str(language): [str(n) for n in values if str(n).strip()]
            for language, values in names.items() if isinstance(values, list)} if isinstance(names, dict) else {}


def _entry(row: dict, divisions: dict) -> tuple[dict | None, str]:
    missing = [key for key in _REQUIRED if row.get(key) in (None, "")]
    if missing:
        return None, f"lacks {', '.join(missing)}"
    try:
        lat, lon = float(row["lat"]), float(row["lon"])
    except (TypeError, ValueError):
        return None, "lat and lon must be numbers"
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
        return None, f"no such point ({lat}, {lon})"
    if not str(row["source"]).startswith(("https://", "http://")):
        return None, "its source is no web address"
    division = divisions.get((row["country"], row["division"]))
    if division is None:
        known = sorted(name for country, name in divisions if country == row["country"])
        return None, f"no division {row['division']!r} of {row['country']} (known: {', '.join(known) or 'none'})"
    kind = str(row["kind"])
    description = str(row.get("description") or "")
    return {
        "place_id": f"regional:{row['id']}", "name": str(row["name"]),
        "kind": "city" if kind in TOWN_KINDS else KIND_NAMES.get(kind, kind), "country_code": str(row["country"]),
        "lat": lat, "lon": lon, "population": int(row.get("population") or 0), "method": "regional",
        "priority": 0.0, "admin1": "", "division": division["properties"]["name"], "precision": "exact",
        "description": description or f"{kind.capitalize()} in {row.get('within') or row['division']}.",
        "source": str(row["source"]), "related": [], "near": "",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "aliases": [str(a) for a in row.get("aliases", [])], "names": _language_names(row),
    }, ""


def misplaced(entries: list[dict], divisions: dict, tolerance_km: float = 3.0) -> list[str]:
    """A line for each entry whose point lies outside the division it names (``divisions``: the GeoJSON
    collection of data/regional-divisions.geojson), by more than ``tolerance_km``: the outlines are
    generalized, so a point on a boundary may fall just across it."""
    from shapely.geometry import Point, shape

    outlines = {(f["properties"]["country"], f["properties"]["name"]): shape(f["geometry"])
                for f in divisions.get("features", [])}
    lines = []
    for entry in entries:
        name = entry["division"]
        outline = outlines.get((entry["country_code"], name))
        point = Point(entry["lon"], entry["lat"])
        if outline is None:
            lines.append(f"{entry['place_id']}: no outline for its division")
            continue
        # Degrees to km at the point's latitude, roughly: enough to tell a boundary's width from a wrong division.
        km = outline.distance(point) * 111.0 * max(math.cos(math.radians(entry["lat"])), 0.5)
        if km > tolerance_km:
            lines.append(f"{entry['place_id']} ({entry['lat']}, {entry['lon']}) lies {km:.0f} km outside {name}, "
                         f"the division it names")
    return lines


def nearest_admin1(lat: float, lon: float, towns: list[tuple[float, float, str]], count: int = 5) -> str:
    """The admin1 code most of the ``count`` points nearest (lat, lon) carry (``towns``: lat, lon, admin1 of one
    country's towns or regions), the nearest one's on a tie; "" without any."""
    from collections import Counter

    nearest = sorted(towns, key=lambda town: (town[0] - lat) ** 2 + ((town[1] - lon) * math.cos(math.radians(lat))) ** 2)
    codes = [town[2] for town in nearest[:count]]
    votes = Counter(codes)
    return next((code for code in codes if votes[code] == max(votes.values())), "")
