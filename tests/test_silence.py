import pandas as pd

from geo.page.silence import NAMES_SHOWN, evidence_html, silent_outlets


def test_the_silent_outlets_say_what_they_named_instead():
    counts = pd.DataFrame({"place_id": ["curated:t4-air-base", "curated:palmyra"], "outlet": ["Kurdistan24", "The Cradle"],
                           "mentions": [2, 3]})
    silent = silent_outlets(["The Cradle", "Kurdistan24", "Al Mayadeen English"], {"The Cradle"},
                            ["curated:t4-air-base"], counts, {"curated:t4-air-base": "T4 (Tiyas) air base"})
    assert silent == [("Kurdistan24", "names T4 (Tiyas) air base 2 times"), ("Al Mayadeen English", "")]


def test_the_silent_outlets_say_over_how_many_articles_and_leave_out_those_with_none_or_no_source():
    counts = pd.DataFrame({"place_id": ["curated:t4-air-base"], "outlet": ["Kurdistan24"], "mentions": [1]})
    articles = {"Kurdistan24": (1, ("en",)), "Al Mayadeen English": (3, ("ar", "en")), "Source not stated": (9, ("en",))}
    silent = silent_outlets(["Kurdistan24", "Al Mayadeen English", "The Cradle", "Source not stated"], set(),
                            ["curated:t4-air-base"], counts, {"curated:t4-air-base": "T4"}, articles,
                            not_counted=frozenset({"Source not stated"}))
    # The Cradle has no article in view: its silence says nothing, so it is not listed.
    assert silent == [("Kurdistan24", "1 article in view; names T4 1 time"),
                      ("Al Mayadeen English", "3 articles in view, in Arabic")]


def test_the_evidence_names_what_was_looked_for_escaped_and_isolated():
    html = evidence_html({"en": ["Palmyra", "<b>x</b>"], "ar": ["تدمر"]}, {"en": [("Palmyra", 4)], "": [("Tadmur", 1)]})
    assert "English: <bdi>Palmyra</bdi>, <bdi>&lt;b&gt;x&lt;/b&gt;</bdi>" in html and "Arabic: <bdi>تدمر</bdi>" in html
    assert "in English <bdi>Palmyra</bdi> 4 times; in an undetected language <bdi>Tadmur</bdi> 1 time" in html
    many = evidence_html({"en": [f"n{i}" for i in range(NAMES_SHOWN + 3)]}, {})
    assert "and 3 more" in many and f"n{NAMES_SHOWN}" not in many
    assert "GeoNames" in evidence_html({}, {})  # a town's names are the index's: said, not listed
