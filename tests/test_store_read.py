"""Queries over the store: excerpts, filters, neighbours, furniture, uploads as an overlay, many threads at once."""

from __future__ import annotations

import threading

import pandas as pd

from geo.store import read
from geo.store.read import View
from geo.types import Article, Source

ALL = ("Al Mayadeen English", "Associated Press (republished)", "Kurdistan24", "Reuters (republished)", "The Cradle")
PALMYRA = "curated:palmyra"


def mentions(store) -> pd.DataFrame:
    return pd.read_parquet(store.table_path("mentions"))


def test_store_read_excerpts_put_a_sentence_s_names_together(seed_store):
    rows = mentions(seed_store)
    palmyra = rows[(rows["place_id"] == PALMYRA) & (rows["outlet"] == "The Cradle")]
    excerpts, totals = read.place_excerpts(seed_store, PALMYRA, View(("The Cradle",)))
    assert len(excerpts) == totals["The Cradle"] == palmyra["sentence_index"].nunique() < len(palmyra)
    assert sum(len(e.spans) for e in excerpts) == len(palmyra)
    assert all(e.sentence_start <= s < t <= e.sentence_end for e in excerpts for s, t in e.spans)
    assert [e.sentence_index for e in excerpts] == sorted(e.sentence_index for e in excerpts)


def test_store_read_excerpts_keep_the_text_and_offsets(seed_store, seed_articles):
    excerpts, _ = read.place_excerpts(seed_store, PALMYRA, View(ALL))
    for e in excerpts:
        text = seed_articles[e.article_id].text
        assert text[e.sentence_start:e.sentence_end] == e.sentence
        assert all(text[s:t].lower().startswith(("palmyra", "tadmur", "tadmor")) for s, t in e.spans)


def test_store_read_excerpts_limit_per_outlet_unless_asked(seed_store):
    limited, totals = read.place_excerpts(seed_store, PALMYRA, View(ALL), per_outlet=1)
    assert all(sum(e.outlet == o for e in limited) == 1 for o in totals)
    everything, _ = read.place_excerpts(seed_store, PALMYRA, View(ALL), per_outlet=1, every_for=("The Cradle",))
    assert sum(e.outlet == "The Cradle" for e in everything) == totals["The Cradle"] > 1


def test_store_read_place_sentences_answer_what_the_panel_asked_in_three_queries(seed_store):
    # One reading of a place for a click: its excerpts, their articles and how sure the map is, as
    # place_excerpts, article_details and place_confidence answer them one by one.
    for view in (View(ALL), View(("The Cradle", "Kurdistan24")), View(ALL, since="2025-04-11", undated=False)):
        for place_id in read.place_counts(seed_store, view)["place_id"]:
            found = read.place_sentences(seed_store, place_id, view, per_outlet=2)
            assert (found.excerpts, found.totals) == read.place_excerpts(seed_store, place_id, view, per_outlet=2)
            assert found.articles == read.article_details(seed_store, sorted({e.article_id for e in found.excerpts}))
            mean, corrected = read.place_confidence(seed_store, place_id, view)
            assert abs(found.confidence - mean) < 1e-9 and found.corrected == corrected
            assert all(found.totals[o] >= sum(e.outlet == o for e in found.excerpts) for o in found.totals)
    nothing = read.place_sentences(seed_store, "no-such-place", View(ALL))
    assert (nothing.excerpts, nothing.totals, nothing.articles, nothing.confidence) == ([], {}, {}, None)


def test_store_read_excerpt_window_reaches_from_the_first_name_to_the_last():
    from geo.records import SENTENCE_WHOLE, SENTENCE_WINDOW

    assert read.excerpt_window(100, 300, [(150, 160)]) == (100, 300)  # short: the whole sentence
    long_end = 100 + SENTENCE_WHOLE * 3
    start, end = read.excerpt_window(100, long_end, [(1000, 1010), (1200, 1210)])
    assert (start, end) == (1000 - SENTENCE_WINDOW, 1210 + SENTENCE_WINDOW)
    start, end = read.excerpt_window(100, long_end, [(1000, 1010), (2900, 2910)])
    assert (start, end) == (1000 - SENTENCE_WINDOW, 1000 - SENTENCE_WINDOW + read.EXCERPT_CHARS)  # at most


def test_store_read_view_filters_outlets_and_demonyms(seed_store):
    counts = read.coverage_counts(seed_store, View(("The Cradle",)))
    assert set(counts["outlet"]) == {"The Cradle"}
    with_demonyms = read.view_mentions(seed_store, View(ALL))
    without = read.view_mentions(seed_store, View(ALL, demonyms=False))
    assert "demonym" in set(with_demonyms["type"]) and "demonym" not in set(without["type"])


def test_store_read_view_filters_dates(seed_store):
    articles = pd.read_parquet(seed_store.table_path("articles"))
    first = articles["published"].min()
    dated = read.articles_in_view(seed_store, View(ALL, since=first, until=first))
    assert dated == (articles["published"] == first).sum() >= 1
    counts = read.place_counts(seed_store, View(ALL, until="2000-01-01"))
    assert counts.empty


def test_store_read_neighbour_spans(seed_store, seed_docs):
    article_id = sorted(seed_docs)[0]
    sentences = [(s.start, s.end) for s in seed_docs[article_id].sentences]
    found = read.neighbour_spans(seed_store, [(article_id, 0), (article_id, 2)])
    assert found[(article_id, 0)] == ([], [sentences[1]])
    assert found[(article_id, 2)] == ([sentences[1]], [sentences[3]])


def test_store_read_furniture_of_an_article(seed_store, seed_docs):
    listed, with_furniture, pieces = read.furniture_articles(seed_store, View(ALL))
    expected = {i: d for i, d in seed_docs.items() if d.furniture}
    assert with_furniture == len(expected) and pieces == sum(len(d.furniture) for d in expected.values())
    article_id = listed["article_id"].iloc[0]
    doc = seed_docs[article_id]
    assert read.article_furniture(seed_store, article_id) == [(f.reason, doc.text[f.start:f.end]) for f in doc.furniture]


def test_store_read_overlay_adds_a_session_s_articles_only_there(seed_store, parser):
    article = Article("upload-1-x", "Fighting was reported near Aleppo, in northern Syria.", Source(outlet="My upload"))
    tables, places = read.overlay_from_docs([parser(article)], parser.gazetteer)
    session = seed_store.with_overlay(tables, places)
    view = View((*ALL, "My upload"))
    assert "My upload" in set(read.source_summaries(session)["outlet"])
    assert "My upload" not in set(read.source_summaries(seed_store)["outlet"])
    assert "My upload" in set(read.coverage_counts(session, view)["outlet"])
    assert len(read.places(session)) >= len(read.places(seed_store))


def test_store_read_twenty_threads_query_at_once(seed_store):
    expected = read.place_counts(seed_store, View(ALL)).sort_values("place_id", ignore_index=True)
    errors, results = [], []

    def reader():
        try:
            for _ in range(5):
                results.append(read.place_counts(seed_store, View(ALL)).sort_values("place_id", ignore_index=True))
                read.place_excerpts(seed_store, PALMYRA, View(ALL), per_outlet=5)
        except Exception as error:  # collected: a thread's exception would otherwise vanish
            errors.append(error)

    threads = [threading.Thread(target=reader) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(results) == 100 and all(r.equals(expected) for r in results)


def test_store_read_view_keeps_undated_articles_unless_told_and_filters_by_focus(seed_store, parser):
    overlay = read.overlay_from_docs([parser(Article("undated-1", "Officials met in Damascus.", Source("Desk")))],
                                     parser.gazetteer)
    store = seed_store.with_overlay(*overlay)
    outlets = (*ALL, "Desk")
    assert read.articles_in_view(store, View(outlets, since="2025-04-12")) == 2  # The Cradle's, and the undated one
    assert read.articles_in_view(store, View(outlets, since="2025-04-12", undated=False)) == 1
    assert read.articles_in_view(store, View(outlets, undated=False)) == 5
    assert read.undated_articles(store, View(outlets)) == 1
    about = read.article_focus(store)
    assert dict(zip(about["article_id"], about["focus"], strict=True))["undated-1"] == "curated:damascus"
    counts = read.coverage_counts(store, View(outlets, focus="curated:damascus"))
    assert set(counts["outlet"]) == {"Desk"}


def test_store_read_review_of_a_place_and_the_queue(seed_store):
    review = read.place_review(seed_store, PALMYRA, View(ALL))
    assert list(review["surface"]) == ["Palmyra", "Tadmor"]
    first = review.iloc[0]
    assert 0 < first["lowest"] <= first["mean"] <= 1 and first["why"]
    scores = [a["score"] for a in first["alternatives"]]
    assert scores == sorted(scores, reverse=True) and len({a["place_id"] for a in first["alternatives"]}) == len(scores)
    mean, corrected = read.place_confidence(seed_store, PALMYRA, View(ALL))
    assert abs(mean - float((review["mean"] * review["mentions"]).sum() / review["mentions"].sum())) < 1e-9
    assert corrected is False and read.place_confidence(seed_store, "no-such-place", View(ALL)) == (None, False)
    queue = read.review_queue(seed_store, View(ALL))
    assert {"lowest", "margin", "online", "venue", "outlets", "runner_up"} <= set(queue.columns)
    assert list(queue["lowest"]) == sorted(queue["lowest"])
    mentions = read.name_mentions(seed_store, PALMYRA, "Palmyra", View(ALL))
    texts = {a: t for a, t in seed_store.query("SELECT article_id, text FROM {articles}").itertuples(index=False)}
    assert all(texts[r.article_id][r.start:r.end] == "Palmyra" for r in mentions.itertuples())


def test_store_read_search_finds_sentences_and_their_places(seed_store):
    hits = read.search_sentences(seed_store, "RED LINE", View(ALL))
    assert len(hits) >= 2 and all("red line" in s.lower() for s in hits["sentence"])
    assert any(PALMYRA in places for places in hits["places"])
    texts = {a: t for a, t in seed_store.query("SELECT article_id, text FROM {articles}").itertuples(index=False)}
    assert all(texts[r.article_id][r.start:r.end] == r.sentence for r in hits.itertuples())
    assert read.search_sentences(seed_store, "no such words here", View(ALL)).empty
    assert read.search_sentences(seed_store, "red line", View(("Kurdistan24",))).empty or \
        set(read.search_sentences(seed_store, "red line", View(("Kurdistan24",)))["outlet"]) == {"Kurdistan24"}


def test_store_read_daily_mentions_add_up_to_the_view(seed_store):
    daily = read.daily_mentions(seed_store, View(ALL))
    total = int(read.coverage_counts(seed_store, View(ALL))["mentions"].sum())
    assert int(daily["mentions"].sum()) == total and set(daily["day"]) == {"2025-04-10", "2025-04-12"}


def test_store_read_what_corrections_need(seed_store):
    ids = read.article_ids(seed_store, View(ALL))
    assert len(ids) == 5
    assert read.occurrences(seed_store, ids[0], "Syria") >= 1
    assert set(read.articles_naming(seed_store, ["Tadmor"])) == {"002_0195888066891744"}
    again = read.texts_for_reparse(seed_store, ids[:2])
    assert [a.id for a in again] == sorted(ids[:2]) and all(a.text and a.source.outlet for a in again)


def test_store_read_a_long_sentence_is_read_as_a_window_around_its_names(seed_store, parser):
    from geo.page.views import sentence_html
    from geo.records import SENTENCE_WHOLE

    filler = "and the talks went on " * 400  # one sentence far longer than SENTENCE_WHOLE
    text = f"Officials in Damascus said {filler}until they met in Palmyra and then {filler}ended."
    article = Article("upload-1-long", text, Source(outlet="Long desk"))
    session = seed_store.with_overlay(*read.overlay_from_docs([parser(article)], parser.gazetteer))
    view = View((*ALL, "Long desk"))
    [excerpt] = [e for e in read.place_excerpts(session, PALMYRA, view)[0] if e.outlet == "Long desk"]
    assert excerpt.sentence_end - excerpt.sentence_start > SENTENCE_WHOLE
    assert len(excerpt.sentence) <= SENTENCE_WHOLE and "Palmyra" in excerpt.sentence
    assert text[excerpt.window_start:excerpt.window_start + len(excerpt.sentence)] == excerpt.sentence
    html = sentence_html(excerpt)
    assert html.startswith("…") and html.endswith("…") and "<strong>Palmyra</strong>" in html
    [named] = read.name_mentions(session, PALMYRA, "Palmyra", view).query("outlet == 'Long desk'").itertuples()
    assert text[named.window_start:named.window_start + len(named.sentence)] == named.sentence
    assert len(named.sentence) <= SENTENCE_WHOLE
    rows = read.download_mentions(session, view).query("outlet == 'Long desk'")
    assert rows["sentence"].str.len().max() <= SENTENCE_WHOLE and rows["sentence"].str.contains("Palmyra").any()
    hits = read.search_sentences(session, "until they met", view).query("outlet == 'Long desk'")
    assert len(hits) == 1 and "until they met" in hits["sentence"].iloc[0] and len(hits["sentence"].iloc[0]) <= SENTENCE_WHOLE


def test_store_read_name_counts_are_the_whole_corpus_s_or_one_article_s(seed_store):
    rows = mentions(seed_store)
    palmyra = rows[(rows["place_id"] == PALMYRA) & (rows["surface"] == "Palmyra")]
    assert read.name_counts(seed_store, PALMYRA, "Palmyra") == (len(palmyra), palmyra["article_id"].nunique())
    first = palmyra["article_id"].iloc[0]
    assert read.name_counts(seed_store, PALMYRA, "Palmyra", first) == ((palmyra["article_id"] == first).sum(), 1)
    assert read.name_counts(seed_store, PALMYRA, "Nowhere") == (0, 0)


def counts_from_mentions(store, view: View) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The view's place counts, coverage and days computed from its mentions one by one (the definition)."""
    found = read.view_mentions(store, view)
    days = dict(zip(*(pd.read_parquet(store.table_path("articles"))[c] for c in ("article_id", "published")),
                    strict=True))
    if store.overlay:
        days |= dict(zip(store.overlay["articles"]["article_id"].to_pylist(),
                         store.overlay["articles"]["published"].to_pylist(), strict=True))

    def other_names(rows) -> str:
        written = {s for s, n in zip(rows["surface"], rows["name"], strict=True) if s != n and not s.isascii()}
        return ", ".join(sorted(written)[:3])

    places = pd.DataFrame([{"place_id": place, "mention_count": len(rows), "article_count": rows["article_id"].nunique(),
                            "source_count": rows["outlet"].nunique(), "outlets": "; ".join(sorted(set(rows["outlet"]))),
                            "other_names": other_names(rows)} for place, rows in found.groupby("place_id")])
    coverage = found.groupby(["place_id", "outlet"]).size().rename("mentions").reset_index()
    found["day"] = found["article_id"].map(days)
    daily = found[found["day"] != ""].groupby(["day", "outlet"]).size().rename("mentions").reset_index()
    return places, coverage, daily


def same_rows(frame: pd.DataFrame, expected: pd.DataFrame, keys: list[str]) -> bool:
    if frame.empty or expected.empty:
        return frame.empty and expected.empty
    frame = frame.sort_values(keys, ignore_index=True).astype(str)
    return frame.equals(expected[frame.columns].sort_values(keys, ignore_index=True).astype(str))


def with_uploads(seed_store, parser):
    """The store with a session's uploads: names in other letters and demonyms, one replacing a store article (a
    session's re-parse); and views of every kind over it."""
    replaced = pd.read_parquet(seed_store.table_path("articles"))["article_id"].iloc[0]
    arabic = "اجتمع المسؤولون في دمشق وحلب، وقال السوريون إن تدمر هادئة."
    docs = [parser(Article("upload-ar", arabic, Source("Desk", language="ar"))),
            parser(Article("upload-en", "Syrian officials met in Damascus and Aleppo; Syrians said Palmyra was calm.",
                           Source("Desk", published="2025-04-12"))),
            parser(Article(replaced, "Only Beirut is named now.", Source("The Cradle", published="2025-04-12")))]
    session = seed_store.with_overlay(*read.overlay_from_docs(docs, parser.gazetteer))
    outlets = (*ALL, "Desk")
    views = [View(outlets), View(outlets, demonyms=False), View(outlets, since="2025-04-12"),
             View(outlets, since="2025-04-11", undated=False), View(("The Cradle", "Desk"), demonyms=False),
             View(outlets, focus="curated:damascus"), View(outlets, languages=("ar",)), View(outlets, until="2000-01-01"),
             # Other outlets over the same dates as views above: counts kept for every outlet, each its own rows.
             View(("Kurdistan24", "The Cradle")), View(("Desk", "Reuters (republished)"), since="2025-04-12"),
             View(("Desk",), demonyms=False), View(outlets, since="2025-04-10"), View(outlets, focus="curated:palmyra")]
    return session, outlets, views


def test_store_read_a_view_s_counts_summed_per_article_are_its_mentions_counted_one_by_one(seed_store, parser):
    session, outlets, views = with_uploads(seed_store, parser)
    compared = 0
    for store in (seed_store, session):
        for view in views:
            places, coverage, daily = counts_from_mentions(store, view)
            assert same_rows(read.place_counts(store, view), places, ["place_id"]), view
            assert same_rows(read.coverage_counts(store, view), coverage, ["place_id", "outlet"]), view
            assert same_rows(read.daily_mentions(store, view), daily, ["day", "outlet"]), view
            compared += len(places)
    assert compared > 100
    assert "دمشق" in set(read.place_counts(session, View(outlets))["other_names"])


def sentences_from_mentions(found: pd.DataFrame) -> tuple[dict, dict, float]:
    """A place's sentences per outlet (``(article, sentence) -> its spans``), its sentences' count per outlet and its
    mean confidence, from its mentions in view one by one (the definition)."""
    spans: dict = {}
    for row in found.itertuples():
        spans.setdefault(row.outlet, {}).setdefault((row.article_id, row.sentence_index), []).append((row.start, row.end))
    return spans, {outlet: len(sentences) for outlet, sentences in spans.items()}, found["confidence"].mean()


def test_store_read_a_place_s_sentences_keep_each_outlet_s_first_ones_in_order(seed_store, parser):
    # The panel's few per outlet: its first ``per_outlet`` sentences in article and sentence order, every one for
    # the outlets in ``every_for``, as the mentions in view one by one say (uploads give an outlet several articles).
    session, outlets, views = with_uploads(seed_store, parser)
    several = 0
    for store in (seed_store, session):
        for view in views:
            in_view = read.view_mentions(store, view).sort_values(["outlet", "article_id", "sentence_index", "start"])
            for place_id, found in in_view.groupby("place_id"):
                spans, totals, _ = sentences_from_mentions(found)
                several += any(len({article for article, _ in kept}) > 1 for kept in spans.values())
                for per_outlet, every_for in ((1, ()), (2, ("Desk",)), (1, ("The Cradle", "Kurdistan24"))):
                    read_back = read.place_sentences(store, place_id, view, per_outlet, every_for)
                    assert read_back.totals == totals, (view, place_id)
                    expected = [(outlet, *key, kept_spans) for outlet, kept in spans.items()
                                for rank, (key, kept_spans) in enumerate(kept.items(), start=1)
                                if rank <= per_outlet or outlet in every_for]
                    assert [(e.outlet, e.article_id, e.sentence_index, e.spans) for e in read_back.excerpts] == expected
    assert several  # some outlet names a place in more than one of its articles


def test_store_read_a_place_s_sentences_are_its_mentions_in_view_whatever_was_read_before(seed_store, parser, monkeypatch):
    # Clicks keep a place's mentions and excerpts across views and sessions: every view still gets its own.
    session, outlets, views = with_uploads(seed_store, parser)
    asked: list[str] = []
    reading = read.Store.reading
    monkeypatch.setattr(read.Store, "reading", lambda self, sql: (asked.append(sql), reading(self, sql))[1])
    compared = 0
    for round_ in range(2):  # the second time, from what the first kept
        for store in (seed_store, session):
            for view in views:
                in_view = read.view_mentions(store, view)
                for place_id, found in in_view.groupby("place_id"):
                    spans, totals, confidence = sentences_from_mentions(found)
                    read_back = read.place_sentences(store, place_id, view)
                    assert read_back.totals == totals, (view, place_id)
                    assert {o: {(e.article_id, e.sentence_index): e.spans for e in read_back.excerpts if e.outlet == o}
                            for o in totals} == spans, (view, place_id)
                    assert abs(read_back.confidence - confidence) < 1e-9
                    texts = {a: d["text"] for a, d in read.article_details(store, list(read_back.articles), True).items()}
                    assert set(read_back.articles) == set(texts) == {e.article_id for e in read_back.excerpts}
                    for e in read_back.excerpts:  # the texts kept from the first round are the articles' own
                        start = e.sentence_start if e.window_start is None else e.window_start
                        assert e.sentence == texts[e.article_id][start:start + len(e.sentence)] != ""
                    compared += 1
                assert read.place_sentences(store, "no-such-place", view).excerpts == []
        if round_ == 0:
            first = len(asked)
            assert any("WHERE place_id = ?" in sql for sql in asked)
    again = [sql for sql in asked[first:] if "WHERE place_id = ?" in sql]
    # The store's own places come from what the first round kept; a session with uploads reads them again.
    assert again and len(again) == sum(len(read.view_mentions(session, v).groupby("place_id")) for v in views) + len(views)
    assert compared > 100
    upload_text = read.place_sentences(session, "curated:damascus", View(("Desk",)))
    assert any("دمشق" in e.sentence for e in upload_text.excerpts)



def test_store_read_a_place_s_mentions_are_kept_to_the_view_s_articles_as_its_sql_keeps_them():
    # A click filters a place's kept mentions by each one's article details, not by a list of the view's articles:
    # the same answer as ``View.where`` in SQL, null dates, focus and languages included.
    import duckdb
    import pyarrow as pa

    from geo.store.sentences import _articles_in_view

    published = ["2025-04-10", "2025-04-12", "", None, "2025-04-11", "2025-04-09"]
    mentions = pa.table({"published": published, "focus": ["f:a", None, "f:a", "f:b", "", "f:a"],
                         "language": ["en", "ar", None, "", "en", "tr"]})
    views = [View(("x",)), View(("x",), since="2025-04-11"), View(("x",), until="2025-04-10", undated=False),
             View(("x",), since="2025-04-10", until="2025-04-11"), View(("x",), undated=False),
             View(("x",), focus="f:a"), View(("x",), languages=("en", "")), View(("x",), languages=("ar",), since="2025-04-01"),
             View(("x",), focus="f:a", languages=("tr",), until="2025-04-30", undated=False)]
    with duckdb.connect() as db:
        db.register("a", mentions)
        for view in views:
            where, params = view.where("a", "a", mentions=False, outlets=False)
            expected = [bool(row[0]) for row in db.execute(f"SELECT coalesce({where}, FALSE) FROM a", params).fetchall()]
            kept = _articles_in_view(mentions, view)
            found = [True] * len(published) if kept is True else [bool(k) for k in kept.to_pylist()]
            assert found == expected, view
    assert _articles_in_view(mentions, View(("x",), demonyms=False)) is True  # nothing asked of the articles
