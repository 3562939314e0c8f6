"""The review tables: why a name is on the list, what else it could be, the corrections in words."""

import pandas as pd

from geo.page.review import (
    alternative_labels,
    candidate_label,
    correction_effect,
    correction_rows,
    method_words,
    needs_review,
    review_html,
    review_rows,
)
from geo.resolution.corrections import NOT_A_PLACE
from geo.types import Candidate, Correction
from geo.words import counted


def queue_row(**values) -> dict:
    row = {"place_id": "geonames:1", "name": "Palmyra", "kind": "city", "country_code": "US", "surface": "Palmyra",
           "mentions": 2, "lowest": 0.95, "margin": 0.9, "online": False, "venue": False, "corrected": False,
           "runner_up": None, "runner_up_country": None, "outlets": 3}
    return row | values


def test_review_needs_review_says_why_and_leaves_out_the_sure():
    queue = pd.DataFrame([queue_row(), queue_row(place_id="a", lowest=0.4, margin=0.1, runner_up="Palmyra",
                                                 runner_up_country="SY"),
                          queue_row(place_id="b", online=True), queue_row(place_id="c", venue=True, outlets=1)])
    shown = needs_review(queue, outlets_in_view=3)
    assert set(shown["place_id"]) == {"a", "b", "c"}
    why = dict(zip(shown["place_id"], shown["why"], strict=True))
    assert why["a"] == "low confidence; close call with Palmyra, SY"
    assert why["b"] == "only the online geocoder knew it"
    assert why["c"] == "venue inferred, not named; one source alone names it"
    assert shown["place_id"].iloc[0] == "a"  # the least sure first
    assert needs_review(queue.iloc[[3]], outlets_in_view=1)["why"].iloc[0] == "venue inferred, not named"


def test_review_rows_and_alternatives_tell_namesakes_apart():
    alternatives = [{"place_id": "geonames:2", "name": "Palmyra", "kind": "city", "admin1": "NY", "country_code": "US",
                     "score": 0.12},
                    {"place_id": "geonames:3", "name": "Palmyra", "kind": "city", "admin1": "08", "country_code": "AU",
                     "score": 0.02}]
    frame = pd.DataFrame([{"surface": "Palmyra", "mentions": 3, "articles": 2, "lowest": 0.5, "mean": 0.7,
                           "methods": "curated, corrected", "why": "Syria is named 3 times", "alternatives": alternatives}])
    row = review_rows(frame).iloc[0]
    assert row["confidence"] == "70% (lowest 50%)" and row["placed by"] == "the story's own gazetteer, corrected by a reader"
    assert row["it could also be"] == "Palmyra (city, NY, US) 12%; Palmyra (city, AU) 2%"
    labels = alternative_labels(alternatives, current="geonames:3")
    assert list(labels) == ["geonames:2", "none"] and labels["none"] == "Not a place"
    assert method_words("geocoder") == "located online"


def test_review_candidate_label_and_correction_rows():
    town = Candidate("geonames:5", "Damascus", "city", "US", 39.2, -77.2, 15000, "geonames", admin1="MD")
    assert candidate_label(town, {"US": "United States"}.get) == "Damascus (city, MD, United States)"
    rows = correction_rows([Correction("Georgia", "region:US-GA", note="state"),
                            Correction("Tadmur", "none", article="a1", start=4)],
                           {"region:US-GA": "Georgia"}, {"a1": "Reuters · Talks"})
    assert list(rows["where"]) == ["every article", "Reuters · Talks, at character 4"]
    assert list(rows["now means"]) == ["Georgia", "not a place"]


def test_review_correction_effect_says_how_many_from_where_to_where_and_for_whom():
    assert counted(1, "mention") == "1 mention" and counted(14, "mention") == "14 mentions"
    assert counted(0, "article") == "0 articles" and counted(2, "country", "countries") == "2 countries"
    assert correction_effect("Palmyra", "Palmyra (city, SY)", "Palmyra (city, NJ, US)", 14, 5, everyone=True) == (
        "Saving moves 14 mentions of “Palmyra” in 5 articles from Palmyra (city, SY) to Palmyra (city, NJ, US), "
        "for every reader of this map.")
    assert correction_effect("Tadmor", "Palmyra (city, SY)", NOT_A_PLACE, 1, 1, everyone=False) == (
        "Saving takes 1 mention of “Tadmor” in 1 article off Palmyra (city, SY): not a place, in your session only.")


def test_review_html_wraps_one_block_per_name_and_escapes_it():
    frame = pd.DataFrame([{"surface": "<img src=x onerror=alert(1)>", "mentions": 1, "articles": 1, "lowest": 0.5,
                           "mean": 0.5, "methods": "geonames", "why": "", "alternatives": []}])
    html = review_html(review_rows(frame))
    assert "<img" not in html and "&lt;img src=x" in html and "overflow-wrap:anywhere" in html
    assert "1 mention" in html and "why:" not in html and "it could also be: —" in html
