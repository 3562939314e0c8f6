import pytest

from conftest import parse_text


@pytest.mark.parametrize("article_id", ["000_fb80890b4044597b", "002_0195888066891744", "004_12aca03efa784089"])
def test_resolve_damascus_is_the_syrian_capital(gazetteer, seed_docs, article_id):
    places = {gazetteer.place(m.place_id).country_code for m in seed_docs[article_id].mentions if m.surface == "Damascus"}
    assert places == {"SY"}


def test_resolve_palmyra_is_the_syrian_city(gazetteer, seed_docs):
    mentions = [m for doc in seed_docs.values() for m in doc.mentions if m.surface == "Palmyra"]
    assert mentions and {gazetteer.place(m.place_id).country_code for m in mentions} == {"SY"}


def test_resolve_a_qualifier_picks_the_us_town(gazetteer, parser):
    mention = parse_text(parser, "The fair opened in Damascus, Maryland, on Saturday.").mentions[0]
    place = gazetteer.place(mention.place_id)
    assert (place.country_code, place.admin1) == ("US", "MD")


def test_resolve_context_picks_the_us_town(gazetteer, parser):
    text = "Montgomery County, Maryland, schools closed. Residents of Damascus said roads were icy."
    mention = next(m for m in parse_text(parser, text).mentions if m.surface == "Damascus")
    assert gazetteer.place(mention.place_id).country_code == "US"


def test_resolve_every_mention_says_how_and_how_sure(seed_docs):
    for doc in seed_docs.values():
        for m in doc.mentions:
            assert m.method in {"curated", "geonames", "event"} and 0 < m.confidence <= 1


def test_resolve_skips_a_hamlet_abroad_named_bare(parser):
    # "Omar" is a hamlet in West Virginia; the article names no place in the US.
    assert parse_text(parser, "(AP Photo/Omar Sanadiki) Damascus, Syria.").mentions[0].surface == "Damascus"
