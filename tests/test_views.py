import json

import pytest

from geo.frames import geoparse
from geo.page.views import (
    coverage_matrix,
    link_target,
    make_upload,
    mentions_csv,
    mentions_in_view,
    neighbour_sentences,
    place_for_tooltip,
    places_geojson,
    places_in_view,
    precision_text,
    safe_url,
    sentence_mentions,
)
from geo.text.corpus import ArticleError


@pytest.fixture(scope="module")
def frames(parser, seed_articles):
    return geoparse(seed_articles.values(), parser)


def test_views_mentions_in_view_keep_the_chosen_outlets(frames):
    _, mentions = frames
    assert set(mentions_in_view(mentions, ["The Cradle"])["outlet"]) == {"The Cradle"}


def test_views_demonyms_can_be_hidden(frames):
    _, mentions = frames
    assert "demonym" not in set(mentions_in_view(mentions, set(mentions["outlet"]), include_demonyms=False)["type"])


def test_views_places_in_view_recount(frames):
    places, mentions = frames
    view = mentions_in_view(mentions, ["Reuters (republished)"])
    palmyra = places_in_view(places, view).set_index("place_id").loc["curated:palmyra"]
    assert (palmyra.mention_count, palmyra.outlets) == (1, "Reuters (republished)")


def test_views_places_in_view_drop_places_others_mention(frames):
    places, mentions = frames
    view = mentions_in_view(mentions, ["Kurdistan24"])
    assert "curated:t4-air-base" not in set(places_in_view(places, view)["place_id"])


def test_views_coverage_matrix_puts_single_source_places_first(frames):
    places, mentions = frames
    matrix = coverage_matrix(mentions, places)
    assert matrix.iloc[0]["sources"] == 1 and matrix.set_index("place").loc["Baku", "sources"] == 5


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


def test_views_places_geojson_is_a_feature_collection(frames):
    places, mentions = frames
    collection = json.loads(places_geojson(places_in_view(places, mentions)))
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == places.shape[0]


def test_views_mentions_csv_has_no_geometry(frames):
    _, mentions = frames
    header = mentions_csv(mentions).decode().splitlines()[0]
    assert "geometry" not in header and header.startswith("article_id,outlet")


def test_views_make_upload_keeps_the_reader_fields():
    upload, caveat = make_upload("dir/My note!.txt", b"Talks in Baku.", " Desk ", "Note", "2025-04-10", 3)
    assert (upload.article_id, upload.filename, upload.outlet, caveat) == ("upload-3-My-note", "My note!.txt", "Desk", "")


def test_views_make_upload_names_a_file_without_outlet():
    upload, _ = make_upload("a.md", b"Talks in Baku.", "", "", "", 1)
    assert upload.outlet == "Upload: a.md"


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


def test_views_sentence_mentions_put_a_sentence_s_names_together(frames):
    _, mentions = frames
    palmyra = mentions[(mentions["place_id"] == "curated:palmyra") & (mentions["outlet"] == "The Cradle")]
    rows = sentence_mentions(palmyra)
    assert len(rows) == palmyra["sentence_index"].nunique() < len(palmyra)
    assert sum(len(row.spans) for row in rows) == len(palmyra)
    assert all(row.sentence_start <= start < end <= row.sentence_end for row in rows for start, end in row.spans)


def test_views_sentence_mentions_keep_article_order(frames):
    _, mentions = frames
    rows = sentence_mentions(mentions[mentions["outlet"] == "The Cradle"])
    assert [r.sentence_index for r in rows] == sorted(r.sentence_index for r in rows)


def test_views_link_target_cannot_close_the_markdown_link():
    target = link_target('https://example.org/a b)(c"<d>[e]\'')
    assert not set(target) & set(" ()[]<>\"'") and target.startswith("https://example.org/a%20b%29%28c")
