"""Write data/gazetteer.geojson from the table below (run once; then edit the GeoJSON).

Kept for provenance: it shows how the derived polygons (northern Syria) were made.
Usage: python tools/make_gazetteer.py > data/gazetteer.geojson
"""

import json

from countryinfo import CountryInfo
from shapely.geometry import box, mapping, shape

SYRIA = shape(CountryInfo("Syria").geo_json()["features"][0]["geometry"])


def point(lat, lon):
    return {"type": "Point", "coordinates": [lon, lat]}  # GeoJSON order: lon, lat


def polygon(*lon_lat):
    ring = list(lon_lat) + [lon_lat[0]]
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


def feature(id_, name, kind, cc, geometry, description, source, precision="exact", **extra):
    props = {"id": id_, "name": name, "kind": kind, "country_code": cc, "precision": precision,
             "description": description, "source": source}
    props.update(extra)
    props.setdefault("aliases", [])
    return {"type": "Feature", "id": id_, "properties": props, "geometry": geometry}


northern = SYRIA.intersection(box(35.0, 35.55, 43.0, 37.5)).simplify(0.01)
F = [
    feature("curated:damascus", "Damascus", "city", "SY", point(33.5102, 36.29128),
            "Capital of Syria.", "GeoNames 170654", geonames_id=170654, aliases=["Dimashq", "Damascus City"], priority=1),
    feature("curated:palmyra", "Palmyra", "city", "SY", point(34.5624, 38.28402),
            "Ancient and modern city in the central Syrian desert (Homs governorate).", "GeoNames 163808",
            geonames_id=163808, aliases=["Tadmor", "Tadmur", "Tudmur"], related=["curated:t4-air-base"], priority=1),
    feature("curated:t4-air-base", "T4 (Tiyas) air base", "air base", "SY", point(34.5225, 37.6297),
            "Syrian military airfield near Palmyra, about 55 km west of the city; struck by Israel in March-April 2025.",
            "Position of Tiyas Military Airbase (34°31′21″N 37°37′47″E) as given in public references; near Palmyra",
            aliases=["T4", "T-4", "T4 base", "T4 airbase", "T4 air base", "T-4 air base", "Tiyas", "Tiyas Air Base",
                     "Tiyas airbase", "Tiyas Military Airbase", "Tiyas airfield"],
            near="curated:palmyra", related=["curated:palmyra"], priority=1),
    feature("curated:southern-syria-buffer-zone", "Israeli-held buffer zone in southern Syria", "zone", "SY",
            polygon((35.78, 33.33), (35.87, 33.43), (35.96, 33.36), (35.93, 33.20), (35.91, 33.05), (35.94, 32.90),
                    (35.89, 32.75), (35.82, 32.70), (35.79, 32.73), (35.85, 32.86), (35.81, 33.05), (35.84, 33.25)),
            "Strip east of the Golan ceasefire line (the 1974 UN area of separation and Syrian Mount Hermon) that Israel has held since December 2024.",
            "Hand-drawn approximation of the UNDOF area of separation and Mount Hermon after published maps; not a legal boundary",
            precision="approximate",
            aliases=["southern Syria", "south Syria", "south of Syria", "buffer zone in Syria", "Israeli-held buffer zone",
                     "area of separation", "UN buffer zone"],
            context_aliases=["buffer zone", "demilitarized zone", "demilitarised zone"], priority=1),
    feature("curated:northern-syria", "Northern Syria", "region", "SY", mapping(northern),
            "The north of Syria, where Turkey deploys troops and Kurdish-led forces hold the north-east.",
            "Syria's outline (countryinfo, Natural Earth derived) clipped north of 35.55°N", precision="approximate",
            aliases=["northern Syria", "north Syria", "north of Syria", "north-east Syria", "northeast Syria",
                     "north-eastern Syria", "northeastern Syria", "north-west Syria", "northwest Syria",
                     "Kurdistan of Syria", "Syrian Kurdistan", "Rojava"], priority=1),
    feature("curated:golan-heights", "Golan Heights", "region", "SY",
            polygon((35.62, 33.24), (35.69, 33.26), (35.78, 33.33), (35.84, 33.25), (35.81, 33.05), (35.85, 32.86),
                    (35.79, 32.73), (35.63, 32.68), (35.64, 32.83), (35.60, 32.97), (35.63, 33.10)),
            "Plateau captured by Israel from Syria in 1967 and annexed in 1981, west of the ceasefire line.",
            "Hand-drawn approximation after published maps", precision="approximate", aliases=["Golan", "occupied Golan"], priority=1),
    feature("curated:gaza-strip", "Gaza Strip", "region", "PS",
            polygon((34.2196, 31.3232), (34.2673, 31.2198), (34.3822, 31.3929), (34.4811, 31.5033), (34.5669, 31.5432),
                    (34.4905, 31.5960)),
            "Palestinian territory on the Mediterranean coast, at war with Israel since October 2023.",
            "Hand-drawn approximation of the 1949 armistice line and coast", precision="approximate",
            aliases=["Gaza", "Gaza strip"], priority=1),
    feature("curated:west-bank", "West Bank", "region", "PS",
            polygon((34.95, 31.35), (35.20, 31.35), (35.55, 31.75), (35.57, 32.40), (35.30, 32.55), (35.05, 32.40),
                    (35.00, 31.90)),
            "Palestinian territory west of the Jordan river, occupied by Israel since 1967.",
            "Hand-drawn approximation of the 1949 armistice line", precision="approximate", aliases=["occupied West Bank"], priority=1),
    feature("curated:middle-east", "Middle East", "region", "",
            polygon((25.0, 41.5), (44.8, 41.5), (48.0, 39.5), (61.0, 37.3), (63.3, 25.2), (57.5, 18.5), (52.0, 15.0),
                    (43.3, 12.0), (42.5, 15.5), (36.9, 22.0), (25.0, 22.0)),
            "The region from Egypt and Turkey to Iran and the Arabian Peninsula.",
            "Hand-drawn outline of the usual extent of the region", precision="approximate",
            aliases=["Mideast", "Middle-East"], priority=1),
    feature("curated:baku", "Baku", "city", "AZ", point(40.37767, 49.89201),
            "Capital of Azerbaijan.", "GeoNames 587084", geonames_id=587084, aliases=["Baki"], priority=1),
    feature("curated:ankara", "Ankara", "city", "TR", point(39.91987, 32.85427),
            "Capital of Turkey; in the news, often the Turkish government.", "GeoNames 323786", geonames_id=323786, priority=1),
    feature("curated:tel-aviv", "Tel Aviv", "city", "IL", point(32.08088, 34.78057),
            "Israel's second city; in the news, often the Israeli government.", "GeoNames 293397", geonames_id=293397,
            aliases=["Tel Aviv-Yafo", "Tel-Aviv"], priority=1),
    feature("curated:jerusalem", "Jerusalem", "city", "IL", point(31.76904, 35.21633),
            "City claimed as capital by Israel and Palestine.", "GeoNames 281184", geonames_id=281184, aliases=["Al-Quds"], priority=1),
    feature("curated:erbil", "Erbil", "city", "IQ", point(36.19257, 44.01062),
            "Capital of the Kurdistan Region of Iraq.", "GeoNames 95446", geonames_id=95446, aliases=["Arbil", "Hewler", "Irbil"], priority=1),
    feature("curated:gaza-city", "Gaza City", "city", "PS", point(31.50161, 34.46672),
            "Largest city of the Gaza Strip.", "GeoNames 281133", geonames_id=281133, priority=1),
    feature("curated:mount-hermon", "Mount Hermon", "site", "SY", point(33.4162, 35.8572),
            "Mountain on the Syria-Lebanon border above the Golan; its Syrian summit has been held by Israel since December 2024.",
            "Summit position from public references", aliases=["Hermon", "Jabal al-Sheikh", "Jabal el-Sheikh"], priority=1),
    feature("curated:hmeimim-air-base", "Hmeimim air base", "air base", "SY", point(35.4011, 35.9486),
            "Russian air base near Latakia.", "Public references", aliases=["Hmeimim", "Khmeimim", "Hmeimim Air Base", "Khmeimim air base"], priority=1),
    feature("curated:mezzeh-air-base", "Mezzeh military airport", "air base", "SY", point(33.4778, 36.2233),
            "Military airfield south-west of Damascus.", "Public references", aliases=["Mezzeh airbase", "Mezzeh air base", "Mezzeh military airport"], priority=1),
    feature("curated:shayrat-air-base", "Shayrat air base", "air base", "SY", point(34.4903, 36.9092),
            "Military airfield south-east of Homs.", "Public references", aliases=["Shayrat", "Al Shayrat", "Shayrat airbase", "Shayrat Airbase"], priority=1),
    feature("curated:hama-air-base", "Hama military airport", "air base", "SY", point(35.1183, 36.7111),
            "Military airfield west of Hama, struck by Israel in April 2025.", "Public references, approximate",
            precision="approximate", aliases=["Hama airbase", "Hama air base", "Hama military airport"], priority=1),
    feature("curated:kuweires-air-base", "Kuweires air base", "air base", "SY", point(36.1866, 37.5830),
            "Military airfield east of Aleppo.", "Public references", aliases=["Kuweires", "Kweiris"], priority=1),
    feature("curated:bab-al-hawa", "Bab al-Hawa border crossing", "border crossing", "SY", point(36.2372, 36.6719),
            "Crossing between Idlib province and Turkey's Hatay.", "Public references, approximate", precision="approximate",
            aliases=["Bab al-Hawa", "Bab al Hawa", "Cilvegözü"], priority=1),
    feature("curated:quneitra-crossing", "Quneitra crossing", "border crossing", "SY", point(33.1256, 35.8231),
            "Crossing on the Golan ceasefire line.", "Public references, approximate", precision="approximate",
            aliases=["Quneitra crossing"], priority=1),
    feature("curated:nasib-crossing", "Nasib border crossing", "border crossing", "SY", point(32.5469, 36.1978),
            "Crossing between Syria's Daraa and Jordan (Jaber).", "Public references, approximate", precision="approximate",
            aliases=["Nasib", "Nassib", "Jaber crossing", "Nasib-Jaber crossing"], priority=1),
    feature("curated:al-tanf", "Al-Tanf", "military base", "SY", point(33.5047, 38.6186),
            "US-led coalition garrison at the Syria-Iraq-Jordan border.", "Public references, approximate", precision="approximate",
            aliases=["al-Tanf", "Tanf", "At Tanf", "al-Tanf garrison"], priority=1),
    feature("curated:idlib-governorate", "Idlib governorate", "region", "SY", point(35.8, 36.6),
            "North-western Syrian governorate, long held by the rebels now in power in Damascus.",
            "Point inside the governorate; no boundary is shipped", precision="approximate",
            aliases=["Idlib province", "Idlib governorate", "Idlib Governorate"], priority=1),
    feature("curated:daraa-governorate", "Daraa governorate", "region", "SY", point(32.85, 36.25),
            "Southern Syrian governorate bordering Jordan and the Golan.", "Point inside the governorate; no boundary is shipped",
            precision="approximate", aliases=["Daraa province", "Daraa governorate", "Deraa province"], priority=1),
    feature("curated:quneitra-governorate", "Quneitra governorate", "region", "SY", point(33.0, 35.9),
            "South-western Syrian governorate east of the Golan Heights.", "Point inside the governorate; no boundary is shipped",
            precision="approximate", aliases=["Quneitra province", "Quneitra governorate"], priority=1),
    feature("curated:suwayda-governorate", "Suwayda governorate", "region", "SY", point(32.7, 36.7),
            "Southern Syrian governorate, home of the Druze community.", "Point inside the governorate; no boundary is shipped",
            precision="approximate", aliases=["Suwayda province", "Sweida province", "As-Suwayda governorate"], priority=1),
    feature("curated:homs-governorate", "Homs governorate", "region", "SY", point(34.5, 37.8),
            "Syria's largest governorate, spanning the central desert (Palmyra, T4).", "Point inside the governorate; no boundary is shipped",
            precision="approximate", aliases=["Homs province", "Homs governorate"], priority=1),
    feature("curated:kurdistan-region-iraq", "Kurdistan Region (Iraq)", "region", "IQ", point(36.4, 44.3),
            "Autonomous region of northern Iraq, capital Erbil.", "Point inside the region; no boundary is shipped",
            precision="approximate", aliases=["Kurdistan Region", "Iraqi Kurdistan", "Kurdistan Region of Iraq"], priority=1),
]
print(json.dumps({"type": "FeatureCollection", "features": F}, ensure_ascii=False, indent=1))
