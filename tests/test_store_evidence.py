"""What a "does not mention" answer rests on: each outlet's articles in view, the names the corpus uses."""

from __future__ import annotations

from geo.store import read
from geo.store.evidence import OutletArticles, corpus_names, outlet_articles
from geo.store.read import View
from geo.types import Article, Source

ALL = ("Al Mayadeen English", "Associated Press (republished)", "Kurdistan24", "Reuters (republished)", "The Cradle")


def test_store_evidence_each_outlet_s_articles_in_view_and_their_languages(seed_store, parser):
    every = outlet_articles(seed_store, View(ALL))
    assert every == {outlet: OutletArticles(1, ("en",)) for outlet in ALL}
    assert set(outlet_articles(seed_store, View(ALL[:2]))) == set(ALL[:2])  # only the outlets in view
    assert outlet_articles(seed_store, View(ALL, since="2030-01-01", undated=False)) == {}
    upload = Article("upload-1-ar", "التقى مسؤولون أتراك وإسرائيليون في تدمر في سوريا.", Source(outlet="The Cradle"))
    tables, places = read.overlay_from_docs([parser(upload)], parser.gazetteer)
    session = seed_store.with_overlay(tables, places)
    cradle = outlet_articles(session, View(ALL))["The Cradle"]
    assert cradle.articles == 2 and set(cradle.languages) == {"en", "ar"}


def test_store_evidence_the_names_the_corpus_uses_for_a_place_by_language(seed_store, parser):
    names = corpus_names(seed_store, "curated:palmyra")
    assert list(names) == ["en"]
    assert dict(names["en"])["Palmyra"] >= 3 and [n for n, _ in names["en"]][0] == "Palmyra"  # most used first
    assert corpus_names(seed_store, "curated:baku") == {}  # the venue is inferred: no name of its own was read
    upload = Article("upload-1-ar", "التقى مسؤولون أتراك وإسرائيليون في تدمر في سوريا.", Source(outlet="The Cradle"))
    tables, places = read.overlay_from_docs([parser(upload)], parser.gazetteer)
    assert corpus_names(seed_store.with_overlay(tables, places), "curated:palmyra")["ar"] == [("تدمر", 1)]


def test_store_evidence_a_place_s_names_are_counted_over_every_mention_of_it(seed_store, parser):
    # Read from the rows a click keeps of the place: the same counts as every mention joined to its article.
    upload = Article("upload-1-ar", "التقى مسؤولون أتراك وإسرائيليون في تدمر وفي دمشق. تدمر هادئة.", Source(outlet="Desk"))
    session = seed_store.with_overlay(*read.overlay_from_docs([parser(upload)], parser.gazetteer))
    compared = 0
    for store in (seed_store, session, seed_store):  # the store's own the second time from what the first kept
        every = store.query("""SELECT m.place_id, coalesce(a.language, '') AS language, m.surface, count(*) AS n
                               FROM {mentions} m JOIN {articles} a USING (article_id) WHERE m.type <> 'venue'
                               GROUP BY ALL""")
        for place_id in read.places(store)["place_id"]:
            rows = every[every["place_id"] == place_id]
            expected = sorted(zip(rows["language"], rows["surface"], rows["n"].astype(int), strict=True))
            assert sorted(read.place_names(store, place_id)) == expected, place_id
            compared += len(expected)
    assert compared > 50
    assert ("ar", "تدمر", 2) in read.place_names(session, "curated:palmyra")
