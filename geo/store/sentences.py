"""The sentences a reader reads: a place's excerpts in a view, their articles and neighbours, search hits, the
mentions with their sentences for a download."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..records import SENTENCE_WHOLE, SENTENCE_WINDOW
from .database import Store, View, mentions_joined
from .kept import EXCERPTS_KEPT, PLACE_MENTIONS_KEPT, evict_oldest, kept_or_read
from .schema import NOT_NAMED


def window_sql(start: str, end: str, sentence_start: str = "sentence_start", sentence_end: str = "sentence_end") -> tuple:
    """SQL for the ``(start, end)`` of a sentence's window around ``[start, end)``, as ``geo.records.sentence_window``
    has it (the whole sentence when short, else SENTENCE_WINDOW characters either side; word edges aside):
    a sentence is never copied whole, as one can be as long as its article."""
    whole = f"{sentence_end} - {sentence_start} <= {SENTENCE_WHOLE}"
    return (f"CASE WHEN {whole} THEN {sentence_start} ELSE greatest({sentence_start}, {start} - {SENTENCE_WINDOW}) END",
            f"CASE WHEN {whole} THEN {sentence_end} ELSE least({sentence_end}, greatest({end}, {start}) + {SENTENCE_WINDOW}) END")


# An excerpt's window reaches from its sentence's first name to its last, within this many
# characters (names further on stay in the sentence, outside the excerpt).
EXCERPT_CHARS = SENTENCE_WHOLE


@dataclass(frozen=True)
class PlaceSentences:
    """What the panel shows of one place in a view (``place_sentences``)."""

    excerpts: list  # SentenceExcerpt, by outlet, article and sentence
    totals: dict[str, int]  # sentences naming the place per outlet (all of them, not only those kept)
    articles: dict[str, dict]  # the excerpts' articles, as ``article_details`` gives them (no text)
    confidence: float | None  # the mean confidence of the place's mentions in view (None: none in view)
    corrected: bool  # whether a reader corrected any of them


def place_sentences(store: Store, place_id: str, view: View, per_outlet: int | None = None,
                    every_for: tuple[str, ...] = ()) -> PlaceSentences:
    """The sentences naming one place in view, one excerpt per (outlet, article, sentence) with its mention spans,
    their articles, and how sure the geoparser was of the place.

    Only the first ``per_outlet`` sentences of each outlet (all for the outlets in ``every_for``;
    all everywhere when None), in article and sentence order: a place can have thousands, and
    the panel shows a few. An excerpt is its sentence, or the window of it around its names
    when the sentence is long (``window_start``).

    A click asks this of a place it has not shown yet: its mentions, kept from an earlier click in
    any view (``_place_mentions``), filtered to the view's outlets and articles (``_articles_in_view``), the
    excerpts' texts and articles (``_excerpt_texts``), and the grouping in Python: DuckDB plans a
    query with window functions and grouped distincts in more time than it runs it.
    """
    from ..page.views import SentenceExcerpt

    mentions = _place_mentions(store, place_id)
    in_view = pc.and_kleene(pc.is_in(mentions.column("outlet"), value_set=pa.array(list(view.outlets), pa.string())),
                            _articles_in_view(mentions, view))
    if not view.demonyms:
        in_view = pc.and_(in_view, pc.invert(pc.is_in(mentions.column("type"), value_set=pa.array(NOT_NAMED))))
    rows = mentions.filter(in_view).select(_SENTENCE_COLUMNS)
    if not rows.num_rows:
        return PlaceSentences([], {}, {}, None, False)
    confidence = pc.mean(rows.column("confidence")).as_py()  # of those that have one
    corrected = bool(pc.any(rows.column("corrected")).as_py())
    # The rows come in the panel's order, so a sentence's mentions are neighbours and an outlet's sentences too:
    # each sentence's rank in its outlet is counted by Arrow, and only the sentences kept reach Python (a country
    # has thousands, a loop over them held the GIL 20 ms a click at 10,000 articles).
    firsts = _starts(rows, ["outlet", "article_id", "sentence_index"])
    outlet_firsts = _starts(rows, ["outlet"])
    sentence_number = np.cumsum(firsts) - 1  # of each row, over all outlets
    outlet_rows = np.flatnonzero(outlet_firsts)  # each outlet's first row
    rank = sentence_number - sentence_number[outlet_rows][np.cumsum(outlet_firsts) - 1] + 1
    outlets = rows.column("outlet").take(pa.array(outlet_rows)).to_pylist()
    totals = dict(zip(outlets, np.diff([*sentence_number[outlet_rows], sentence_number[-1] + 1]).tolist(), strict=True))
    keep = np.ones(rows.num_rows, bool) if per_outlet is None else rank <= per_outlet
    if every_for:
        keep |= pc.is_in(rows.column("outlet"), value_set=pa.array(list(every_for), pa.string())).to_numpy(False)
    kept_rows = rows.filter(pa.array(keep))
    kept: list[list] = []  # [outlet, article, index, start, end, kinds, spans], in order
    for outlet, article_id, index, sentence_start, sentence_end, start, end, kind in zip(
            *(kept_rows.column(name).to_pylist() for name in _SENTENCE_COLUMNS[:8]), strict=True):
        if not kept or kept[-1][:3] != [outlet, article_id, index]:
            kept.append([outlet, article_id, index, sentence_start, sentence_end, set(), []])
        kept[-1][5].add(kind)
        kept[-1][6].append((start, end))
    windows = [excerpt_window(*sentence[3:5], sentence[6]) for sentence in kept]
    texts, articles = _excerpt_texts(store, [s[1] for s in kept], windows)
    excerpts = [SentenceExcerpt(outlet, article_id, index, sentence_start, sentence_end, text,
                                ", ".join(sorted(kinds)), spans, window[0])
                for (outlet, article_id, index, sentence_start, sentence_end, kinds, spans), window, text
                in zip(kept, windows, texts, strict=True)]
    return PlaceSentences(excerpts, totals, articles, confidence, corrected)


def _starts(rows: pa.Table, columns: list[str]) -> np.ndarray:
    """Whether each row starts a run of rows equal in ``columns`` (the first row always does)."""
    starts = np.zeros(rows.num_rows, bool)
    starts[0] = True
    for name in columns:
        column = rows.column(name).combine_chunks()
        starts[1:] |= pc.not_equal(column.slice(1), column.slice(0, len(column) - 1)).to_numpy(False)
    return starts


def excerpt_window(sentence_start: int, sentence_end: int, spans: list[tuple[int, int]]) -> tuple[int, int]:
    """Where a sentence's excerpt starts and ends: the sentence when short, else from the window around its first
    name (``geo.records.sentence_window``, without the word edges) to its last name, EXCERPT_CHARS at most."""
    if sentence_end - sentence_start <= SENTENCE_WHOLE:
        return sentence_start, sentence_end
    first_start, first_end = spans[0]
    last_end = max(end for _, end in spans)
    window_start = max(sentence_start, first_start - SENTENCE_WINDOW)
    return window_start, min(sentence_end, window_start + EXCERPT_CHARS, max(last_end, first_end) + SENTENCE_WINDOW)


def _place_mentions(store: Store, place_id: str) -> pa.Table:
    """Every mention of a place whatever the view, in the panel's order (outlet, article, sentence, span).

    Read once per opened generation and kept for every session and view: a click on a place another reader
    clicked reads only which of its articles are in view.
    """
    # With each article's language (from its place_articles row): the names the corpus uses for the place, by
    # language, come from the same rows (``place_names``).
    sql = f"""SELECT m.outlet, m.article_id, m.sentence_index, m.sentence_start, m.sentence_end, m.start, m."end", m.type,
                     m.confidence, m.method = 'corrected' AS corrected, m.surface, p.language, p.published, p.focus
              FROM {store.relation("mentions")} m
              JOIN (SELECT article_id, language, published, focus FROM {store.relation("place_articles")}
                    WHERE place_id = ?) p
              USING (article_id)
              WHERE m.place_id = ? ORDER BY m.outlet, m.article_id, m.sentence_index, m.start, m."end" """

    def read_it() -> pa.Table:
        with store.reading(sql), store.cursor() as cursor:
            return cursor.sql(sql, params=[place_id, place_id]).to_arrow_table()

    return kept_or_read(store, store._shared.place_mentions, place_id, read_it, PLACE_MENTIONS_KEPT, lambda t: t.num_rows)


_SENTENCE_COLUMNS = ["outlet", "article_id", "sentence_index", "sentence_start", "sentence_end", "start", "end", "type",
                     "confidence", "corrected"]


def place_names(store: Store, place_id: str) -> list[tuple[str, str, int]]:
    """``(language, name as written, mentions)`` of every name the corpus's articles use for a place (in every
    outlet and date, the reader's filters aside; a venue inferred from its country is no name of its own)."""
    mentions = _place_mentions(store, place_id)
    named = mentions.filter(pc.not_equal(mentions.column("type"), "venue"))
    languages = pc.fill_null(named.column("language"), "").to_pylist()  # an article without one: ""
    found = Counter(zip(languages, named.column("surface").to_pylist(), strict=True))
    return [(language, surface, n) for (language, surface), n in found.items()]


def _articles_in_view(mentions: pa.Table, view: View) -> pa.ChunkedArray | bool:
    """Which of a place's mentions are in articles the view's dates, focus and languages keep (``View.where`` over
    each mention's article, as SQL reads it: a null date or focus is no match); True when the view asks none.

    Read from the article's details beside each kept mention: no list of a view's articles is kept
    (at 100,000 articles the ids of one reader's date range are megabytes, and every reader has one).
    """
    kept: pa.ChunkedArray | bool = True
    published = mentions.column("published")
    bounds = [op(published, bound) for bound, op in ((view.since, pc.greater_equal), (view.until, pc.less_equal))
              if bound]
    if bounds or not view.undated:
        dated = pc.not_equal(published, "")
        for bound in bounds:
            dated = pc.and_kleene(dated, bound)
        kept = pc.or_kleene(dated, pc.equal(published, "")) if view.undated else dated
    if view.focus:
        kept = pc.and_kleene(kept, pc.equal(mentions.column("focus"), view.focus))
    if view.languages:
        kept = pc.and_kleene(kept, pc.is_in(mentions.column("language"),
                                            value_set=pa.array(list(view.languages), pa.string())))
    return kept


def _excerpt_texts(store: Store, article_ids: list[str], windows: list[tuple[int, int]]) -> tuple[list[str], dict]:
    """The text of each ``(article, window)`` (cut in the query: an article can be long, and many are asked), and
    the articles' details as ``article_details`` gives them; those read before (the store's own) are kept."""
    if not article_ids:
        return [], {}
    shared, asked = store._shared, [(a, *w) for a, w in zip(article_ids, windows, strict=True)]
    found: dict[tuple[str, int, int], tuple[str, dict]] = {}
    if not store.overlay:
        with shared.lock:
            for key in asked:
                if key in shared.excerpts:
                    shared.excerpts.move_to_end(key)
                    found[key] = shared.excerpts[key]
    missing = [key for key in dict.fromkeys(asked) if key not in found]
    if missing:
        wanted = pa.table({"k": pa.array(range(len(missing)), pa.int64()), "article_id": [m[0] for m in missing],
                           "window_start": pa.array([m[1] for m in missing], pa.int64()),
                           "window_end": pa.array([m[2] for m in missing], pa.int64())})
        sql = f"""SELECT w.k, substring(a.text, w.window_start + 1, w.window_end - w.window_start) AS sentence,
                         {", ".join(f"a.{name}" for name in _DETAILS)}
                  FROM wanted w JOIN {store.relation("articles")} a USING (article_id)"""
        with store.reading(sql), store.cursor() as cursor:
            cursor.register("wanted", wanted)
            rows = cursor.execute(sql).fetchall()
        details_of: dict[str, dict] = {}
        for k, text, *details in rows:
            found[missing[k]] = (text, details_of.setdefault(details[0], dict(zip(_DETAILS, details, strict=True))))
        if not store.overlay:
            with shared.lock:
                for key in missing:
                    if key in found:
                        shared.excerpts[key] = found[key]
                evict_oldest(shared.excerpts, EXCERPTS_KEPT)
    texts, articles = [], {}
    for key in asked:
        text, details = found.get(key, ("", None))
        texts.append(text)
        if details is not None:
            articles.setdefault(key[0], details)
    return texts, articles


def place_excerpts(store: Store, place_id: str, view: View, per_outlet: int | None = None,
                   every_for: tuple[str, ...] = ()) -> tuple[list, dict[str, int]]:
    """``(excerpts, sentences per outlet)`` of ``place_sentences``."""
    found = place_sentences(store, place_id, view, per_outlet, every_for)
    return found.excerpts, found.totals


def view_mentions(store: Store, view: View) -> pd.DataFrame:
    """Every mention in view (for the download; the page itself never holds them all)."""
    where, params = view.where()
    return store.query(f"SELECT m.* FROM {mentions_joined(store, view)} WHERE {where} ORDER BY article_id, start, type", params)


def download_mentions(store: Store, view: View) -> pd.DataFrame:
    """Every mention in view with the sentence around it (as ``python -m geo extract`` writes it) and its
    article's title, date and address, for the CSV a reader downloads."""
    where, params = view.where()
    articles = store.relation("articles")
    window_start, window_end = window_sql("m.start", 'm."end"', "m.sentence_start", "m.sentence_end")
    return store.query(f"""
        SELECT m.*, substring(d.text, {window_start} + 1, {window_end} - {window_start}) AS sentence,
               d.title AS article_title, d.published AS article_published, d.url AS article_url
        FROM {mentions_joined(store, view)}
             JOIN (SELECT article_id, title, published, url, text FROM {articles}) d USING (article_id)
        WHERE {where} ORDER BY article_id, start, type""", params)


# What the page shows of an article beside an excerpt (``article_details``, ``place_sentences``).
_DETAILS = ("article_id", "outlet", "title", "published", "url", "sentence_count", "language")


def article_details(store: Store, article_ids: list[str], with_text: bool = False) -> dict[str, dict]:
    """``article id -> {outlet, title, published, url, sentence_count, language[, text]}`` for the given articles."""
    text = ", text" if with_text else ""
    frame = store.query(f"""SELECT {", ".join(_DETAILS)}{text} FROM {{articles}}
                            WHERE list_contains(?, article_id)""", [list(article_ids)])
    return {row["article_id"]: row for row in frame.to_dict("records")}


def neighbour_spans(store: Store, sentences: list[tuple[str, int]], width: int = 1) -> dict[tuple[str, int], tuple]:
    """For each (article id, sentence index): the (start, end) of up to ``width`` sentences before and after it."""
    if not sentences:
        return {}
    wanted = pa.table({"article_id": [a for a, _ in sentences], "sentence_index": [i for _, i in sentences]})
    sql = f"""SELECT w.article_id, w.sentence_index AS around, s.sentence_index, s.start, s."end"
              FROM wanted w JOIN {store.relation("sentences")} s ON s.article_id = w.article_id
                   AND s.sentence_index BETWEEN w.sentence_index - ? AND w.sentence_index + ?
                   AND s.sentence_index <> w.sentence_index
              ORDER BY w.article_id, around, s.sentence_index"""
    with store.reading(sql), store.cursor() as cursor:
        cursor.register("wanted", wanted)
        rows = cursor.execute(sql, [width, width]).fetchall()
    found: dict[tuple[str, int], tuple[list, list]] = {key: ([], []) for key in sentences}
    for article_id, around, index, start, end in rows:
        found[(article_id, around)][0 if index < around else 1].append((start, end))
    return found


def search_sentences(store: Store, phrase: str, view: View, limit: int = 500) -> pd.DataFrame:
    """The body sentences in view holding ``phrase`` (case folded), each with the places it names.

    Returns one row per sentence: outlet, article, sentence index and span, its text and
    ``places`` (place ids named there, possibly none). A scan of the articles' text: no index
    to keep, and fast enough for a newsroom's months.
    """
    where, params = view.where("a", "a", mentions=False)
    window_start, window_end = window_sql("hit", f"hit + {len(phrase)}", "start", '"end"')
    return store.query(f"""
        WITH found AS (
            SELECT a.article_id, a.outlet, s.sentence_index, s.start, s."end", a.text,
                   s.start - 1 + instr(lower(substring(a.text, s.start + 1, s."end" - s.start)), lower(?)) AS hit
            FROM {{sentences}} s JOIN {{articles}} a USING (article_id)
            WHERE {where} AND contains(lower(substring(a.text, s.start + 1, s."end" - s.start)), lower(?))
            ORDER BY a.outlet, a.article_id, s.sentence_index LIMIT ?),
        hits AS (  -- a long sentence is shown as the window around the words, as the panel shows a name
            SELECT article_id, outlet, sentence_index, start, "end", {window_start} AS window_start,
                   substring(text, {window_start} + 1, {window_end} - {window_start}) AS sentence
            FROM found)
        SELECT h.*, coalesce(list(DISTINCT m.place_id) FILTER (WHERE m.place_id IS NOT NULL), []) AS places
        FROM hits h LEFT JOIN {{mentions}} m ON m.article_id = h.article_id AND m.sentence_index = h.sentence_index
        GROUP BY ALL ORDER BY h.outlet, h.article_id, h.sentence_index""", [phrase, *params, phrase, limit])
