import csv
import datetime as dt
import io
import json

import pytest

from geo.frames import VENUE_PRECISION, geoparse
from geo.page.views import (
    coverage_matrix,
    link_target,
    make_upload,
    mentions_csv,
    neighbour_sentences,
    outlet_counts,
    place_for_tooltip,
    places_geojson,
    places_in_view,
    precision_text,
    safe_url,
    summary_counts,
)
from geo.store.read import View, coverage_counts, download_mentions, place_counts, places
from geo.text.corpus import ArticleError


@pytest.fixture(scope="module")
def frames(parser, seed_articles):
    return geoparse(seed_articles.values(), parser)


ALL = ("Al Mayadeen English", "Associated Press (republished)", "Kurdistan24", "Reuters (republished)", "The Cradle")


def in_view(store, outlets, demonyms=True):
    return places_in_view(places(store), place_counts(store, View(tuple(outlets), demonyms)))


def test_views_places_in_view_recount(seed_store):
    palmyra = in_view(seed_store, ["Reuters (republished)"]).set_index("place_id").loc["curated:palmyra"]
    assert (palmyra.mention_count, palmyra.outlets) == (1, "Reuters (republished)")


def test_views_places_in_view_drop_places_others_mention(seed_store):
    assert "curated:t4-air-base" not in set(in_view(seed_store, ["Kurdistan24"])["place_id"])


def test_views_coverage_matrix_puts_single_source_places_first(seed_store):
    matrix = coverage_matrix(coverage_counts(seed_store, View(ALL)), places(seed_store))
    assert matrix.iloc[0]["sources"] == 1 and matrix.set_index("place").loc["Baku", "sources"] == 5


def test_views_outlet_counts_match_the_store(frames, seed_store):
    _, mentions = frames
    from_frames = outlet_counts(mentions).sort_values(["place_id", "outlet"], ignore_index=True)
    from_store = coverage_counts(seed_store, View(ALL)).sort_values(["place_id", "outlet"], ignore_index=True)
    assert from_frames.astype({"mentions": int}).equals(from_store.astype({"mentions": int}))


def test_views_summary_counts(seed_store):
    counts = coverage_counts(seed_store, View(("The Cradle",)))
    figures = summary_counts(1, counts)
    assert figures["sources"] == 1 and figures["mentions"] == counts["mentions"].sum() > 0


def test_views_neighbour_sentences():
    spans = [(0, 1), (2, 3), (4, 5), (6, 7)]
    assert neighbour_sentences(spans, 0) == ([], [(2, 3)]) and neighbour_sentences(spans, 2) == ([(2, 3)], [(6, 7)])


@pytest.mark.parametrize(("url", "safe"), [
    ("https://example.org/a?b=1", True), ("http://example.org", True), ("javascript:alert(1)", False),
    ("JAVASCRIPT:alert(1)", False), ("data:text/html,<b>", False), ("//example.org", False), ("", False),
    ("file:///etc/passwd", False),
])
def test_views_safe_url_allows_only_http(url, safe):
    assert (safe_url(url) is not None) == safe


def test_views_place_for_tooltip_reads_the_first_line():
    labels = {"Palmyra (city, SY)": "curated:palmyra", "Palmyra (city, US)": "geonames:1"}
    assert place_for_tooltip("Palmyra (city, SY)\nThe Cradle: 3", labels) == "curated:palmyra"
    assert place_for_tooltip("Nowhere", labels) is None


def test_views_places_geojson_is_a_feature_collection(seed_store):
    shown = in_view(seed_store, ALL)
    collection = json.loads(places_geojson(shown))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == shown.shape[0]


def test_views_mentions_csv_has_no_geometry(frames):
    _, mentions = frames
    header = mentions_csv(mentions).decode().splitlines()[0]
    assert "geometry" not in header and header.startswith("outlet,") and "article_id" in header


def test_views_mentions_csv_reads_as_the_panel_does(seed_store):
    # The outlet's article, its date and address, and sentences counted from 1, as the panel counts them.
    rows = list(csv.DictReader(io.StringIO(mentions_csv(download_mentions(seed_store, View(ALL))).decode())))
    first = rows[0]
    assert list(first)[:5] == ["outlet", "article_title", "article_published", "article_url", "sentence_number"]
    assert min(int(r["sentence_number"]) for r in rows) == 1 and "sentence_index" not in first


def test_views_coverage_matrix_is_indexed_by_place_and_reads_as_the_map(seed_store):
    matrix = coverage_matrix(coverage_counts(seed_store, View(ALL)), places(seed_store),
                             {"curated:palmyra": "Palmyra (city, SY)"})
    assert "place_id" not in matrix.columns and matrix.loc["curated:palmyra", "place"] == "Palmyra (city, SY)"


def test_views_precision_reads_as_words():
    assert precision_text("point", "Point") == "point" and precision_text(VENUE_PRECISION, "Point") == VENUE_PRECISION


def test_views_make_upload_keeps_the_reader_fields():
    upload, caveat = make_upload("dir/My note!.txt", b"Talks in Baku.", " Desk ", "Note", "2025-04-10", 3)
    assert (upload.article_id, upload.filename, upload.outlet, caveat) == ("upload-3-My-note", "My note!.txt", "Desk", "")


def test_views_make_upload_takes_what_the_article_says_of_itself_when_the_reader_left_it_empty():
    upload, _ = make_upload("a.md", b"Talks in Baku\n\nOfficials met in Baku.", "", "", "", 1)
    assert upload.outlet == "Upload: a.md" and upload.title == "Talks in Baku"  # its first line; no outlet stated
    page = (b"<html><head><title>Talks held in Baku</title></head><body><article><p>BEIRUT (AP) \xe2\x80\x94 Turkish "
            b"and Israeli officials met in Baku, Azerbaijan, on Wednesday to discuss Syria, officials said.</p>"
            b"<p>The talks were the first of their kind.</p></article></body></html>")
    upload, _ = make_upload("page.html", page, "", "", "", 2)
    assert upload.title == "Talks held in Baku" and upload.outlet == "Associated Press"  # its dateline's agency
    upload, _ = make_upload("page.html", page, "My desk", "Mine", "", 3)
    assert (upload.outlet, upload.title) == ("My desk", "Mine")  # what the reader typed wins


def test_views_make_upload_reports_the_decoding():
    _, caveat = make_upload("a.txt", "Talks in Tiyas, café".encode("cp1252"), "", "", "", 1)
    assert "cp1252" in caveat


@pytest.mark.parametrize(("name", "data", "problem"), [
    ("empty.txt", b"  \n", "empty"),
    ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(100), "binary"),
    ("big.txt", b"a" * (2 * 2**20 + 1), "too large"),
    ("notes.pdf", b"%PDF-1.4", "not a"),
    ("page.html", b"<html><head><title>t</title></head><body><script>1</script></body></html>", "HTML without"),
])
def test_views_make_upload_rejects_bad_files_by_name(name, data, problem):
    with pytest.raises(ArticleError, match=rf"^{name}: .*{problem}"):
        make_upload(name, data, "", "", "", 1)


@pytest.mark.parametrize(("precision", "geom_type", "text"), [
    ("approximate", "Polygon", "approximate polygon"),
    ("venue", "Point", "venue inferred from the country named"),
    ("exact", "Point", "exact point"),
    ("country", "MultiPolygon", "country outline"),
])
def test_views_precision_in_words(precision, geom_type, text):
    assert precision_text(precision, geom_type) == text


def test_views_link_target_cannot_close_the_markdown_link():
    target = link_target('https://example.org/a b)(c"<d>[e]\'')
    assert not set(target) & set(" ()[]<>\"'") and target.startswith("https://example.org/a%20b%29%28c")


def test_views_dates_from_a_link_stay_within_the_corpus():
    from geo.page.views import date_bounds, linked_dates

    bounds = date_bounds(("2025-04-10", "2025-04-12"))
    assert linked_dates(None, None, bounds) == bounds
    assert linked_dates("2025-04-11", "2099-01-01", bounds) == (dt.date(2025, 4, 11), dt.date(2025, 4, 12))
    assert linked_dates("2025-04-12", "2025-04-10", bounds) == bounds  # reversed: sorted
    assert linked_dates("not a date", "", bounds) == bounds
    assert date_bounds(None) is None and date_bounds(("2025-04", "x")) is None


def test_views_a_range_at_the_corpus_edges_is_no_filter():
    from geo.page.views import date_filter

    bounds = (dt.date(2025, 4, 10), dt.date(2025, 4, 12))
    assert date_filter(bounds, bounds) == ("", "")  # undated articles stay in view
    assert date_filter((dt.date(2025, 4, 11), dt.date(2025, 4, 12)), bounds) == ("2025-04-11", "")
    assert date_filter((dt.date(2025, 4, 10), dt.date(2025, 4, 11)), bounds) == ("", "2025-04-11")
    assert date_filter((dt.date(2025, 4, 11),), bounds) == ("2025-04-11", "")  # the second date not picked yet
    assert date_filter((), bounds) == ("", "")


@pytest.mark.parametrize(("since", "until", "said"), [
    ("2025-04-10", "2025-04-12", ""),
    (None, None, ""),
    ("2020-01-01", "2020-01-02", "The link asks for 2020-01-01 to 2020-01-02, outside the articles' dates (2025-04-10 to "
                                 "2025-04-12); showing the nearest dates they reach."),
    ("soon", None, "The link's since=soon is not a date (YYYY-MM-DD); showing the articles of 2025-04-10 to 2025-04-12."),
])
def test_views_a_link_s_dates_the_articles_do_not_reach_are_said(since, until, said):
    from geo.page.views import linked_dates_notice

    assert linked_dates_notice(since, until, (dt.date(2025, 4, 10), dt.date(2025, 4, 12))) == said


def test_views_a_venue_excerpt_says_which_name_it_was_inferred_from():
    from geo.page.views import SentenceExcerpt, excerpt_kinds, excerpt_paragraphs

    sentence = "The talks were held in Azerbaijan on Wednesday."
    venue = SentenceExcerpt("AP", "a1", 0, 100, 100 + len(sentence), sentence, "venue", [(123, 133)])
    assert excerpt_kinds(venue) == "venue inferred from “Azerbaijan”"
    article = {"sentence_count": 3, "title": "Talks", "published": "2025-04-10", "url": ""}
    assert "venue inferred from “Azerbaijan”" in excerpt_paragraphs(venue, article, ([], []))[-1][0]
    named = venue._replace(kinds="toponym")
    assert excerpt_kinds(named) == "place name"


def test_views_an_excerpt_in_another_language_says_which():
    from geo.page.views import SentenceExcerpt, excerpt_paragraphs

    sentence = "وصل الوفد إلى دمشق."
    item = SentenceExcerpt("Desk", "a1", 0, 0, len(sentence), sentence, "toponym", [(14, 18)])
    article = {"sentence_count": 1, "title": "t", "published": "", "url": "", "language": "ar"}
    assert excerpt_paragraphs(item, article, ([], []))[-1][0].endswith(" · Arabic")
    assert "English" not in excerpt_paragraphs(item, {**article, "language": "en"}, ([], []))[-1][0]


def test_views_a_mention_to_choose_has_whole_words_on_both_sides_and_its_name_in_bold():
    from types import SimpleNamespace

    from geo.page.views import mention_context, mention_label

    sentence = ("Sources said the talks covered the establishment of Turkish bases in central Syria, including the "
                "T4 base near Palmyra, and more words after it.")
    at = sentence.index("Turkish")
    row = SimpleNamespace(sentence=sentence[10:], start=at, end=at + 7, window_start=10, sentence_start=0,
                          sentence_end=len(sentence))
    before, name, after = mention_context(row)
    assert name == "Turkish" and before.startswith("…") and after.endswith("…")
    assert before.endswith("establishment of ") and after.startswith(" bases in central")
    assert f"{before}{name}{after}".strip("…") in sentence  # whole words: no word cut at either end
    assert mention_label(row).count("**") == 2 and "**Turkish**" in mention_label(row)
    short = SimpleNamespace(sentence="In *Palmyra*.", start=4, end=11, window_start=0, sentence_start=0, sentence_end=13)
    assert mention_context(short) == ("In *", "Palmyra", "*.")
    assert mention_label(short) == "In \\***Palmyra**\\*\\."  # Markdown in an article stays text


def test_views_a_source_line_says_whose_copy_its_articles_are():
    from types import SimpleNamespace

    from geo.page.views import source_line

    one = SimpleNamespace(articles=1, title="Talks", published="2025-04-10", attributions="inferred", focus=None,
                          languages="en", wires="Associated Press", wire_articles=1)
    assert source_line(one).endswith("· <bdi>Associated Press</bdi> copy · attribution inferred")
    many = SimpleNamespace(**{**vars(one), "articles": 3, "wire_articles": 2, "first_published": "2025-04-10",
                              "last_published": "2025-04-12", "wires": "Associated Press/Reuters"})
    assert "<bdi>Associated Press</bdi> and <bdi>Reuters</bdi> copy (2 of them)" in source_line(many)
    assert "copy" not in source_line(SimpleNamespace(**{**vars(one), "wires": None}))
