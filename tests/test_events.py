from conftest import parse_text


def test_events_link_the_talks_to_baku(seed_docs):
    venues = [m for doc in seed_docs.values() for m in doc.mentions if m.type == "venue"]
    assert venues and all(m.place_id == "curated:baku" and m.surface == "Azerbaijan" for m in venues)


def test_events_say_the_articles_name_only_the_country(seed_docs):
    venue = next(m for m in seed_docs["004_12aca03efa784089"].mentions if m.type == "venue")
    assert "name only Azerbaijan" in venue.note


def test_events_need_a_cue_in_the_sentence(parser):
    doc = parse_text(parser, "Azerbaijan exports oil and gas.")
    assert [m.type for m in doc.mentions] == ["toponym"]


def test_events_link_a_talks_sentence(parser):
    doc = parse_text(parser, "The delegations met in Azerbaijan on Wednesday for talks.")
    assert [m.place_id for m in doc.mentions if m.type == "venue"] == ["curated:baku"]
