"""Write data/regional-divisions.geojson, the first-level divisions of the regional file's countries,
and check data/regional.toml against them.

The outlines are Natural Earth's 1:10m Admin 1 (v4.1.0, public domain) as Debian's qgis-common ships
them in ``resources/data/world_map.gpkg`` (the file tools/admin1_region.py reads):

    apt-get download qgis-common && dpkg-deb -x qgis-common_*.deb qgis-common
    python tools/make_regional.py qgis-common/usr/share/qgis/resources/data/world_map.gpkg

Each division keeps its Natural Earth name (what an entry's ``division`` says) and its country. Then
every entry of data/regional.toml is checked (geo.gazetteer.regional.misplaced): its point must
lie in the division it names. The file is written to a temporary name and renamed. Afterwards
rebuild the shipped index: ``python -m geo index``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import shapely
from shapely.geometry import mapping

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.gazetteer.regional import DIVISIONS, misplaced, read_regional  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "data"
COUNTRIES = ("SY", "IQ", "LB", "IL", "PS", "JO", "TR")  # the conflict's region and its borders
TOLERANCE = 0.005  # degrees (about 500 m) of simplification
DECIMALS = 4


def divisions(gpkg: Path, countries: tuple[str, ...]) -> dict:
    """The named divisions of ``countries`` as a GeoJSON FeatureCollection."""
    import pyogrio

    layer = pyogrio.read_dataframe(gpkg, layer="states_provinces", columns=["iso_a2", "name", "fips"])
    features = []
    for row in layer[layer["iso_a2"].isin(countries)].sort_values(["iso_a2", "name"]).itertuples():
        outline = shapely.set_precision(row.geometry.simplify(TOLERANCE), 10 ** -DECIMALS)
        features.append({"type": "Feature", "properties": {"country": row.iso_a2, "name": row.name},
                         "geometry": mapping(outline)})
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gpkg", type=Path, help="world_map.gpkg of Debian's qgis-common")
    args = parser.parse_args()
    collection = divisions(args.gpkg, COUNTRIES)
    handle, temporary = tempfile.mkstemp(dir=DATA, prefix=".regional-divisions-", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(collection, out, ensure_ascii=False, separators=(",", ":"))
    os.chmod(temporary, 0o644)
    os.replace(temporary, DATA / DIVISIONS)
    print(f"{DATA / DIVISIONS}: {len(collection['features'])} divisions of {', '.join(COUNTRIES)}")
    regional = read_regional(DATA)
    wrong = misplaced(regional.entries, collection)
    for line in regional.problems + wrong:
        print(line, file=sys.stderr)
    print(f"{len(regional.entries)} places, {len(regional.names)} name rows; {len(regional.problems) + len(wrong)} problems")
    raise SystemExit(1 if regional.problems or wrong else 0)


if __name__ == "__main__":
    main()
