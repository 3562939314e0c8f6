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
