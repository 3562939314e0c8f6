"""Mention records: the sentence around each name, never a copy of a whole long sentence."""

from __future__ import annotations

import itertools

from geo.records import SENTENCE_WHOLE, SENTENCE_WINDOW, mention_records, sentence_window
from geo.types import Article

NAMES = ["Damascus", "Aleppo", "Homs", "Syria", "Turkey", "Israel", "Palmyra", "Baku", "Ankara", "Beirut"]


def test_records_a_short_sentence_is_kept_whole(parser):
    text = "Officials met in Palmyra, Syria, on Monday. Talks were held in Baku."
    rows = mention_records(parser(Article("note", text)), parser.gazetteer)
    for row in rows:
        assert row["sentence"] == text[row["sentence_start"]:row["sentence_end"]]
        assert (row["window_start"], row["window_end"]) == (row["sentence_start"], row["sentence_end"])


def test_records_a_long_sentence_is_a_window_around_each_name(parser):
    words = list(itertools.islice(itertools.cycle(NAMES), 20_000))
    text = " ".join(words) + "."
    rows = mention_records(parser(Article("hostile", text)), parser.gazetteer)
    assert len(rows) > 10_000
    for row in rows:
        assert text[row["window_start"]:row["window_end"]] == row["sentence"]
        assert row["window_start"] <= row["start"] < row["end"] <= row["window_end"]
        assert row["sentence_start"] <= row["window_start"] and row["window_end"] <= row["sentence_end"]
        assert len(row["sentence"]) <= 2 * SENTENCE_WINDOW + len(row["surface"])
    # What the records copy grows with the mentions, not with mentions × sentence length.
    assert sum(len(row["sentence"]) for row in rows) <= len(rows) * (2 * SENTENCE_WINDOW + 20)


def test_records_a_window_is_cut_between_words():
    text = "word " * 1000 + "Palmyra " + "word " * 1000
    start = text.index("Palmyra")
    window_start, window_end = sentence_window(text, 0, len(text), start, start + 7)
    assert text[window_start - 1] == " " and text[window_end] == " "
    assert start - window_start <= SENTENCE_WINDOW and window_end - start - 7 <= SENTENCE_WINDOW


def test_records_the_store_s_rows_copy_no_text(parser):
    text = "Officials met in Palmyra, Syria. " + "x" * (SENTENCE_WHOLE + 10)
    rows = mention_records(parser(Article("note", text)), parser.gazetteer, with_text=False)
    assert rows and not any({"sentence", "window_start", "window_end"} & set(row) for row in rows)
