"""The seed story, end to end, against the hand-checked gold list (tests/fixtures/seed_gold.tsv)."""

import pytest


def test_seeds_every_gold_mention_found_and_resolved(seed_docs, seed_gold):
    found = {(a, m.start, m.end, m.place_id, m.type) for a, doc in seed_docs.items() for m in doc.mentions}
    missing = [g for g in seed_gold if (g["article"], g["start"], g["end"], g["place_id"], g["type"]) not in found]
    assert missing == []


def test_seeds_no_false_mention(seed_docs, seed_gold):
    gold = {(g["article"], g["start"], g["end"], g["place_id"], g["type"]) for g in seed_gold}
    extra = [(a, m.surface, m.place_id) for a, doc in seed_docs.items() for m in doc.mentions
             if (a, m.start, m.end, m.place_id, m.type) not in gold]
    assert extra == []


def test_seeds_offsets_round_trip(seed_docs):
    for doc in seed_docs.values():
        for m in doc.mentions:
            assert doc.text[m.start:m.end] == m.surface


def test_seeds_mentions_lie_in_their_sentence_and_the_body(seed_docs):
    for doc in seed_docs.values():
        sentences = {s.index: s for s in doc.sentences}
        for m in doc.mentions:
            s = sentences[m.sentence_index]
            assert s.start <= m.start < m.end <= s.end and doc.in_body(m.start, m.end)


def test_seeds_nothing_from_furniture(seed_docs):
    for doc in seed_docs.values():
        for m in doc.mentions:
            assert not any(f.start < m.end and m.start < f.end for f in doc.furniture)


@pytest.mark.parametrize("name", ["Warsaw", "Greece", "Netherlands", "Crimea", "Ukraine", "Russia"])
def test_seeds_furniture_places_are_not_linked(seed_docs, name):
    assert all(name not in m.surface for doc in seed_docs.values() for m in doc.mentions)


def test_seeds_baku_is_not_taken_from_the_read_next_list(seed_docs):
    doc = seed_docs["004_12aca03efa784089"]
    assert all(m.surface != "Baku" for m in doc.mentions)


@pytest.mark.parametrize(("place_id", "outlets"), [
    ("curated:damascus", {"Al Mayadeen English", "The Cradle", "Reuters (republished)"}),
    ("curated:palmyra", {"The Cradle", "Reuters (republished)"}),
    ("curated:t4-air-base", {"The Cradle"}),
    # "southern Syria" is the region (Daraa, Quneitra, Suwayda); only AP writes of the buffer zone itself.
    ("curated:southern-syria-buffer-zone", {"Associated Press (republished)"}),
    ("curated:southern-syria", {"Al Mayadeen English", "The Cradle"}),
    ("curated:northern-syria", {"Kurdistan24"}),
    ("curated:baku", {"Al Mayadeen English", "Kurdistan24", "The Cradle", "Associated Press (republished)",
                      "Reuters (republished)"}),
])
def test_seeds_key_places_come_from_the_right_outlets(seed_docs, place_id, outlets):
    found = {doc.article.source.outlet for doc in seed_docs.values() for m in doc.mentions if m.place_id == place_id}
    assert found == outlets


@pytest.mark.parametrize(("article_id", "place_id", "words"), [
    ("002_0195888066891744", "curated:t4-air-base", "Tiyas Air Base, also known as the T4 base, near Palmyra"),
    ("002_0195888066891744", "curated:palmyra", "Turkish bases in the Palmyra (Tadmor) area"),
    ("004_12aca03efa784089", "curated:palmyra", "Turkish bases in the Palmyra area"),
    ("003_22012ba6c0e5393d", "curated:southern-syria-buffer-zone", "has set up a buffer zone inside Syrian territory"),
    ("002_0195888066891744", "curated:southern-syria", "taken over large swathes of southern Syria"),
    ("000_fb80890b4044597b", "curated:damascus", "Israeli missile strike in Damascus, Syria"),
    ("001_3249febcd1230baf", "curated:northern-syria", "expand its presence in northern Syria"),
])
def test_seeds_key_places_in_the_right_sentences(seed_docs, article_id, place_id, words):
    doc = seed_docs[article_id]
    sentences = {s.index: doc.text[s.start:s.end] for s in doc.sentences}
    assert any(words in sentences[m.sentence_index] for m in doc.mentions if m.place_id == place_id)
