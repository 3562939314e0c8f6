"""Mentions as plain dicts, the schema shared by the command line and the frames.

No pandas here: ``python -m geo extract`` prints these without importing geopandas.
"""

from __future__ import annotations

from .gazetteer.index import Gazetteer
from .types import Document

__all__ = ["MENTION_COLUMNS", "SENTENCE_WHOLE", "SENTENCE_WINDOW", "TEXT_COLUMNS", "mention_records", "sentence_window"]

MENTION_COLUMNS = [
    "article", "outlet", "sentence_index", "sentence", "sentence_start", "sentence_end", "window_start", "window_end",
    "start", "end", "surface", "place_id", "name", "kind", "country_code", "lat", "lon", "type", "method", "confidence",
    "note",
]
# The columns that copy text out of the article: a record's own, never the store's (which keeps
# each article's text once and every sentence as offsets into it).
TEXT_COLUMNS = ("sentence", "window_start", "window_end")
# A sentence up to SENTENCE_WHOLE characters is kept whole; of a longer one, SENTENCE_WINDOW characters
# either side of the name. A record copying its whole sentence made memory grow with mentions ×
# sentence length: one 300 KB "sentence" naming places took 10 GB.
SENTENCE_WHOLE = 1000
SENTENCE_WINDOW = 300
_WORD_EDGE = 30  # how far a window's edge may move inwards to fall between words


def sentence_window(text: str, sentence_start: int, sentence_end: int, start: int, end: int,
                    width: int = SENTENCE_WINDOW) -> tuple[int, int]:
    """The span of the sentence a reader needs around the name at ``[start, end)``: all of it when it is short
    (SENTENCE_WHOLE), else ``width`` characters either side, cut between words where one ends near the edge."""
    if sentence_end - sentence_start <= SENTENCE_WHOLE:
        return sentence_start, sentence_end
    window_start, window_end = max(sentence_start, start - width), min(sentence_end, max(end, start) + width)
    if window_start > sentence_start:
        space = text.find(" ", window_start, min(start, window_start + _WORD_EDGE))
        window_start = space + 1 if space >= 0 else window_start
    if window_end < sentence_end:
        space = text.rfind(" ", max(end, window_end - _WORD_EDGE), window_end)
        window_end = space if space >= 0 else window_end
    return window_start, window_end


def mention_records(doc: Document, gazetteer: Gazetteer, with_text: bool = True) -> list[dict]:
    """One dict per mention of ``doc``, with the sentence around it and its place's name and point.

    ``sentence`` is the sentence when it is short, else a window of it around the name
    (``window_start``/``window_end`` in the article's text); ``with_text=False`` leaves those
    out (the store's rows).
    """
    sentences = {s.index: s for s in doc.sentences}
    rows = []
    for mention in doc.mentions:
        sentence = sentences[mention.sentence_index]
        place = gazetteer.place(mention.place_id)
        row = {"article": doc.article.id, "outlet": doc.article.source.outlet, "sentence_index": mention.sentence_index}
        if with_text:
            window_start, window_end = sentence_window(doc.text, sentence.start, sentence.end, mention.start, mention.end)
            row["sentence"] = doc.text[window_start:window_end]
        row |= {"sentence_start": sentence.start, "sentence_end": sentence.end}
        if with_text:
            row |= {"window_start": window_start, "window_end": window_end}
        rows.append(row | {
            "start": mention.start,
            "end": mention.end,
            "surface": mention.surface,
            "place_id": place.place_id,
            "name": place.name,
            "kind": place.kind,
            "country_code": place.country_code,
            "lat": round(place.lat, 5),
            "lon": round(place.lon, 5),
            "type": mention.type,
            "method": mention.method,
            "confidence": mention.confidence,
            "note": mention.note,
            # Not a column of the frames or the store: what else the name could have been.
            "alternatives": [_alternative(gazetteer, place_id, share) for place_id, share in mention.alternatives],
        })
    return rows


def _alternative(gazetteer: Gazetteer, place_id: str, share: float) -> dict:
    place = gazetteer.place(place_id)
    return {"place_id": place_id, "name": place.name, "kind": place.kind, "admin1": place.admin1,
            "country_code": place.country_code, "score": share}
