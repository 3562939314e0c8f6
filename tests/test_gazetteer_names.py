"""The names the gazetteer's files give a place, by language, read without the compiled index."""

from __future__ import annotations

import json

from geo.gazetteer.names import known_names


def test_gazetteer_names_of_a_curated_place_in_each_language():
    palmyra = known_names("curated:palmyra")
    assert list(palmyra)[0] == "en" and "Palmyra" in palmyra["en"] and "Tadmur" in palmyra["en"]
    assert palmyra["ar"] == ["تدمر"] and palmyra["he"] and palmyra["tr"]


def test_gazetteer_names_of_a_country_come_from_cldr_and_the_aliases():
    syria = known_names("country:SY")
    assert "Syria" in syria["en"] and "سوريا" in syria["ar"] and "Suriye" in syria["tr"] and syria["he"]


def test_gazetteer_names_once_per_language_case_aside_and_none_for_an_unknown_place(tmp_path):
    feature = {"type": "Feature", "geometry": None, "properties": {
        "id": "curated:x", "name": "Xville", "aliases": ["xville", "X  Town"], "names": {"ar": ["إكس", "إكس"]}}}
    (tmp_path / "gazetteer.geojson").write_text(json.dumps({"features": [feature, "not a feature"]}), encoding="utf-8")
    assert known_names("curated:x", tmp_path) == {"en": ["Xville", "X Town"], "ar": ["إكس"]}
    assert known_names("geonames:1", tmp_path) == {}


def test_gazetteer_names_of_broken_files_are_none(tmp_path):
    (tmp_path / "gazetteer.geojson").write_text("{not json", encoding="utf-8")
    (tmp_path / "aliases.toml").write_text("[[alias]\n", encoding="utf-8")
    assert known_names("curated:palmyra", tmp_path) == {}


def test_gazetteer_names_a_first_level_region_by_its_aliases_with_a_division_word():
    from geo.gazetteer.build import ALTERNATE, _region_names

    aliases = ["Anbar", "Anbar Governorate", "Anbar Province", "محافظة الأنبار", "الانبار", "Southern District", "מחוז הדרום"]
    words = ("Governorate", "Province", "District")
    compass = frozenset({"Southern", "Northern"})
    assert _region_names("Al Anbar", aliases, words, bare_script=False, compass_words=compass) == [
        ("Anbar Governorate", ALTERNATE), ("Anbar governorate", ALTERNATE), ("Anbar Province", ALTERNATE),
        ("Anbar province", ALTERNATE), ("محافظة الأنبار", 0), ("מחוז הדרום", 0)]
    # Where news names divisions bare (Syria, Iraq), their names in the script without the word too; never the
    # Latin bare alias (a town's name as often), nor compass words with a division word ("Southern District").
    assert ("الانبار", 0) in _region_names("Al Anbar", aliases, words, bare_script=True, compass_words=compass)


def test_gazetteer_names_of_a_side_are_its_words_before_its_whole_s_names():
    south = known_names("side:country:LB:south")
    assert "southern Lebanon" in south["en"] and "the south of Lebanon" in south["en"]
    assert "جنوب لبنان" in south["ar"] and "דרום לבנון" in south["he"] and "güney Lübnan" in south["tr"]


def test_known_names_of_a_regional_place():
    from geo.gazetteer.names import known_names

    names = known_names("regional:tabqa-dam")
    assert "Tabqa Dam" in names["en"] and "سد الطبقة" in names["ar"]
