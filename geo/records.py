"""Mentions as plain dicts, the schema shared by the command line and the frames.

No pandas here: ``python -m geo extract`` prints these without importing geopandas.
"""

from __future__ import annotations

from .gazetteer.index import Gazetteer
from .types import Document

__all__ = ["MENTION_COLUMNS", "mention_records"]

MENTION_COLUMNS = [
    "article", "outlet", "sentence_index", "sentence", "sentence_start", "sentence_end", "start", "end",
    "surface", "place_id", "name", "kind", "country_code", "lat", "lon", "type", "method", "confidence", "note",
]


def mention_records(doc: Document, gazetteer: Gazetteer) -> list[dict]:
    """One dict per mention of ``doc``, with its sentence and its place's name and point."""
    sentences = {s.index: s for s in doc.sentences}
    rows = []
    for mention in doc.mentions:
        sentence = sentences[mention.sentence_index]
        place = gazetteer.place(mention.place_id)
        rows.append({
            "article": doc.article.id,
            "outlet": doc.article.source.outlet,
            "sentence_index": mention.sentence_index,
            "sentence": doc.text[sentence.start:sentence.end],
            "sentence_start": sentence.start,
            "sentence_end": sentence.end,
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
