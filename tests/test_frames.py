import pytest

from geo.frames import PLACE_COLUMNS, VENUE_PRECISION, geoparse


@pytest.fixture(scope="module")
def frames(parser, seed_articles):
    return geoparse(seed_articles.values(), parser)


def test_frames_are_geodataframes_in_wgs84(frames):
    places, mentions = frames
    assert places.crs.to_epsg() == 4326 and mentions.crs.to_epsg() == 4326


def test_frames_mentions_have_the_documented_columns(frames):
    _, mentions = frames
    expected = {"article_id", "outlet", "sentence_index", "sentence", "sentence_start", "start", "end", "surface",
                "place_id", "type", "method", "confidence"}
    assert expected <= set(mentions.columns)


def test_frames_places_have_the_documented_columns(frames):
    places, _ = frames
    assert set(PLACE_COLUMNS) <= set(places.columns)


def test_frames_offsets_round_trip(frames, seed_articles):
    _, mentions = frames
    for row in mentions.itertuples():
        assert seed_articles[row.article_id].text[row.start:row.end] == row.surface


def test_frames_zones_are_polygons(frames):
    places, _ = frames
    zone = places.set_index("place_id").loc["curated:southern-syria-buffer-zone"]
    assert zone.geometry.geom_type == "Polygon" and zone.precision == "approximate"


def test_frames_baku_is_a_venue_inferred_from_the_country(frames):
    places, _ = frames
    baku = places.set_index("place_id").loc["curated:baku"]
    assert baku.precision == VENUE_PRECISION and "name only Azerbaijan" in baku.venue_note


def test_frames_count_articles_and_outlets(frames):
    places, _ = frames
    palmyra = places.set_index("place_id").loc["curated:palmyra"]
    assert palmyra.article_count == 2 and palmyra.outlets == "Reuters (republished); The Cradle"
