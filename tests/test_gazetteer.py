import json
import math
import os
import shutil
import sys

import pytest

from geo.gazetteer.index import DATA_DIR, INDEX_FILES, _fingerprint, load_gazetteer, validate_curated


def km(a, b):
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b.lon - a.lon) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(h))


def test_gazetteer_t4_is_a_separate_place_near_palmyra(gazetteer):
    t4, palmyra = gazetteer.place("curated:t4-air-base"), gazetteer.place("curated:palmyra")
    assert 40 < km(t4, palmyra) < 70 and gazetteer.details("curated:t4-air-base")["near"] == "curated:palmyra"


def test_gazetteer_zones_have_polygons(gazetteer):
    for place_id in ("curated:southern-syria-buffer-zone", "curated:northern-syria", "curated:gaza-strip"):
        assert gazetteer.details(place_id)["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_gazetteer_southern_syria_is_the_region_and_the_buffer_zone_lies_in_it(gazetteer, parser):
    from shapely.geometry import Point, shape

    from conftest import parse_text

    region = shape(gazetteer.details("curated:southern-syria")["geometry"])
    zone = shape(gazetteer.details("curated:southern-syria-buffer-zone")["geometry"])
    for lat, lon in ((32.62, 36.10), (32.71, 36.57), (33.12, 35.82)):  # Daraa, Suwayda, Quneitra
        assert region.contains(Point(lon, lat))
    assert not region.contains(Point(36.29, 33.51))  # Damascus is not the south
    assert zone.centroid.within(region.buffer(0.05))
    assert gazetteer.details("curated:southern-syria-buffer-zone")["related"] == ["curated:southern-syria"]
    for text, name in (("Israel holds parts of southern Syria.", "southern Syria"),
                       ("تواصل القوات الإسرائيلية انتشارها في جنوب سوريا.", "جنوب سوريا"),
                       ("İsrail'in güney Suriye'deki faaliyetleri sürüyor.", "güney Suriye"),
                       ("נמשכת הפעילות בדרום סוריה.", "דרום סוריה")):
        assert [(m.surface, m.place_id) for m in parse_text(parser, text).mentions if m.surface == name] == [
            (name, "curated:southern-syria")], text
    assert [m.place_id for m in parse_text(parser, "Israel set up a buffer zone inside Syrian territory.").mentions
            if m.surface == "buffer zone"] == ["curated:southern-syria-buffer-zone"]


def test_gazetteer_countries_have_outlines(gazetteer):
    assert gazetteer.details("country:SY")["geometry"]["type"] in ("Polygon", "MultiPolygon")


@pytest.mark.parametrize("file", ["gazetteer.geojson", "physical.geojson"])
def test_gazetteer_every_curated_place_states_its_source(file):
    features = json.loads((DATA_DIR / file).read_text())["features"]
    assert features and all(f["properties"]["source"] and f["properties"]["description"] for f in features)
    assert validate_curated(DATA_DIR / file) == []


def test_gazetteer_a_country_s_point_is_its_label_point_unless_far_from_the_factbook_s():
    from geo.gazetteer.build import LABEL_POINT_KM, country_point, haversine_km

    factbook, near, far = (38.0, -97.0), (39.5, -97.5), (60.0, 100.0)
    assert haversine_km(*factbook, *near) < LABEL_POINT_KM < haversine_km(*factbook, *far)
    assert country_point(factbook, near) == near
    assert country_point(factbook, far) == factbook
    assert country_point(factbook, None) == factbook and country_point(None, near) == near


@pytest.mark.parametrize(("name", "plain"), [("‘Afrīn", "Afrīn"), ("Ra’s al ‘Ayn", "Ras al Ayn"), ("N'Djamena", "N'Djamena")])
def test_gazetteer_transliterations_lose_the_marks_of_ayn_and_hamza(name, plain):
    from geo.gazetteer.build import _without_ayn

    assert _without_ayn(name) == plain


def test_gazetteer_second_level_divisions_carry_their_state(gazetteer):
    districts = [gazetteer.candidate(e) for e, _, _ in gazetteer.records("orange county")]
    states = {(d.country_code, d.admin1) for d in districts if d.kind == "district"}
    assert {("US", "CA"), ("US", "FL"), ("US", "NY")} <= states


def test_gazetteer_regions_carry_geonames_admin1_codes(gazetteer):
    # Canada's provinces are "02" (BC) and so on in GeoNames, as its towns' admin1 codes are.
    assert gazetteer.place("region:CA-BC").admin1 == gazetteer.place("geonames:6173331").admin1  # Vancouver


def test_gazetteer_finds_a_geonames_city_by_id(gazetteer):
    place = gazetteer.place("geonames:4352728")  # Damascus, Maryland
    assert (place.name, place.country_code) == ("Damascus", "US")


def test_gazetteer_knows_first_level_regions(gazetteer):
    records = gazetteer.records("tamil nadu")
    assert any(gazetteer.candidate(entry).kind == "region" for entry, _, _ in records)


def write_collection(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))


def feature(id_, geometry, aliases=()):
    return {"type": "Feature", "properties": {"id": id_, "name": id_, "aliases": list(aliases)}, "geometry": geometry}


def test_gazetteer_reports_invalid_geometry(tmp_path):
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    write_collection(tmp_path / "g.geojson", [feature("x", bowtie)])
    assert "invalid geometry" in validate_curated(tmp_path / "g.geojson")[0].reason


def test_gazetteer_reports_empty_geometry(tmp_path):
    write_collection(tmp_path / "g.geojson", [feature("x", {"type": "Polygon", "coordinates": []})])
    assert "geometry" in validate_curated(tmp_path / "g.geojson")[0].reason


def test_gazetteer_reports_a_missing_id(tmp_path):
    write_collection(tmp_path / "g.geojson", [{"type": "Feature", "properties": {"name": "x"},
                                               "geometry": {"type": "Point", "coordinates": [1, 2]}}])
    assert "no id" in validate_curated(tmp_path / "g.geojson")[0].reason


def test_gazetteer_reports_a_duplicate_alias(tmp_path):
    point = {"type": "Point", "coordinates": [1, 2]}
    write_collection(tmp_path / "g.geojson", [feature("a", point, ["Twin"]), feature("b", point, ["twin"])])
    assert "also names a" in validate_curated(tmp_path / "g.geojson")[0].reason


def test_gazetteer_fingerprint_changes_with_the_curated_file(tmp_path):
    for name in ("gazetteer.geojson", "aliases.toml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    before = _fingerprint(tmp_path)
    with open(tmp_path / "gazetteer.geojson", "a") as handle:
        handle.write("\n")
    assert _fingerprint(tmp_path) != before


@pytest.fixture
def unshipped(tmp_path):
    """The data folder's files without its shipped index: loading it compiles one."""
    data = tmp_path / "data"
    data.mkdir()
    for path in DATA_DIR.iterdir():
        if path.is_file():
            shutil.copy(path, data / path.name)
    return data


@pytest.fixture
def counted_builds(monkeypatch):
    """Replace the 17-second compile in a child process by a copy of the shipped index; count the compiles."""
    import geo.gazetteer.index as module

    built = []

    def fake_compile(data_dir, index_dir, fingerprint):
        shutil.copytree(DATA_DIR / "index", index_dir, dirs_exist_ok=True)
        built.append(index_dir)

    monkeypatch.setattr(module, "_compile_in_child", fake_compile)
    return built


def test_gazetteer_the_shipped_index_is_loaded_as_it_is_and_nothing_is_compiled(tmp_path, counted_builds):
    gazetteer = load_gazetteer(cache_dir=tmp_path / "cache")
    assert gazetteer.index_dir == DATA_DIR / "index" and counted_builds == []
    assert not (tmp_path / "cache").exists()  # a cold start writes nothing


def test_gazetteer_the_shipped_index_is_what_its_data_compiles_to(tmp_path):
    """A rebuild from the data files and the pinned packages gives the shipped index byte for byte (run
    ``python -m geo index`` after editing them). In a child process: the compile peaks near 1.1 GB."""
    from conftest import run_watched

    done = run_watched([sys.executable, "-m", "geo", "index", "--out", str(tmp_path / "index")], memory_mb=2500,
                       seconds=300)
    assert done.returncode == 0, done.stderr
    shipped = {path.name: path.read_bytes() for path in (DATA_DIR / "index").iterdir()}
    rebuilt = {path.name: path.read_bytes() for path in (tmp_path / "index").iterdir()}
    assert sorted(shipped) == sorted(rebuilt) == sorted(INDEX_FILES)
    stale = [name for name in shipped if shipped[name] != rebuilt[name]]
    assert not stale, f"data/index is not what the data compiles to ({', '.join(stale)}): run python -m geo index"


def test_gazetteer_compiles_a_missing_index_once(unshipped, tmp_path, counted_builds):
    first = load_gazetteer(unshipped, cache_dir=tmp_path / "cache")
    load_gazetteer(unshipped, cache_dir=tmp_path / "cache")
    assert len(counted_builds) == 1 and first.index_dir.parent == tmp_path / "cache"


def test_gazetteer_rebuilds_a_corrupt_index(unshipped, tmp_path, counted_builds):
    first = load_gazetteer(unshipped, cache_dir=tmp_path)
    (first.index_dir / "meta.json").write_text("{trunc")
    load_gazetteer(unshipped, cache_dir=tmp_path)
    assert len(counted_builds) == 2


def test_gazetteer_two_processes_starting_cold_at_once_compile_once(unshipped, tmp_path):
    """Two servers of a fresh container: one compiles (in its child), the other waits on the lock and loads it."""
    from conftest import run_watched

    script = ("import sys; from geo.gazetteer.index import load_gazetteer; "
              f"g = load_gazetteer({str(unshipped)!r}, cache_dir={str(tmp_path / 'cache')!r}); "
              "print(g.index_dir, g.lookup_place('curated:palmyra').name)")
    both = [run_watched([sys.executable, "-c", script], memory_mb=2500, seconds=300, wait=False) for _ in range(2)]
    done = [each.result() for each in both]
    assert all(d.returncode == 0 for d in done), [d.stderr for d in done]
    assert len({d.stdout for d in done}) == 1 and "Palmyra" in done[0].stdout
    compiles = sum("compiling the place index" in d.stderr for d in done)
    assert compiles == 1, [d.stderr for d in done]


def test_gazetteer_an_unwritable_cache_directory_falls_back_to_a_temporary_one(tmp_path, caplog):
    from geo.gazetteer.index import writable_cache_dir

    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    with caplog.at_level("WARNING", logger="geo"):
        chosen = writable_cache_dir(blocked / "cache")
    assert chosen != blocked / "cache" and os.access(chosen, os.W_OK)
    assert "cannot be written" in caplog.text and str(blocked / "cache") in caplog.text




def test_gazetteer_a_curated_name_with_a_word_for_its_kind_after_it_is_a_name_of_it():
    from geo.gazetteer.build import _with_kind_words

    assert _with_kind_words(["Nasib", "Nasib border crossing"], ["crossing", "border crossing"]) == [
        "Nasib crossing", "Nasib border crossing"]  # not "Nasib border crossing crossing"
    # A name written with one word for its kind has the others too, never the bare stem (another place's name).
    assert _with_kind_words(["Masnaa crossing"], ["crossing", "border crossing"]) == ["Masnaa border crossing"]


@pytest.mark.parametrize(("text", "surface", "place_id"), [
    ("Trucks waited for days at the Nasib crossing on the Jordanian border.", "Nasib crossing", "curated:nasib-crossing"),
    ("Missiles struck the Shayrat air base overnight.", "Shayrat air base", "curated:shayrat-air-base"),
    ("Rus uçakları Hmeymim hava üssünden kalktı, bakanlık açıkladı.", "Hmeymim hava üssünden", "curated:hmeimim-air-base"),
    ("Tırlar Cilvegözü sınır kapısında bekletildi, yetkililer açıkladı.", "Cilvegözü sınır kapısında", "curated:bab-al-hawa"),
])
def test_gazetteer_a_crossing_or_a_base_is_named_with_the_word_for_its_kind(parser, text, surface, place_id):
    from conftest import parse_text

    assert (surface, place_id) in [(m.surface, m.place_id) for m in parse_text(parser, text).mentions]
