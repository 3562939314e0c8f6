"""Link sentences that place an event in a country to the event's known venue.

Data-driven (data/events.toml): when a sentence names the event's ``named_place`` together
with one of its cue words, a mention of type "venue" links the same words to the venue,
carrying the event's note that the articles name only the country.
"""

from __future__ import annotations

import dataclasses
import re

from ..gazetteer.index import Gazetteer
from ..types import Document

__all__ = ["VenueLinker"]

_WORDS = re.compile(r"[\w']+")


class VenueLinker:
    """Pipeline stage: adds venue mentions next to the country mentions they rest on."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self.events = [e for e in gazetteer.events if gazetteer.lookup_place(e.venue)]

    def __call__(self, doc: Document) -> Document:
        if not self.events:
            return doc
        sentences = {s.index: s for s in doc.sentences}
        added = []
        for mention in doc.mentions:
            for event in self.events:
                if mention.place_id != event.named_place or mention.type != "toponym":
                    continue
                sentence = sentences[mention.sentence_index]
                words = set(_WORDS.findall(doc.text[sentence.start:sentence.end].lower()))
                if words & event.cues:
                    added.append(dataclasses.replace(
                        mention, place_id=event.venue, type="venue", method="event",
                        confidence=round(mention.confidence * 0.8, 3), note=f"{event.name}: {event.venue_note}",
                    ))
        if not added:
            return doc
        mentions = sorted(doc.mentions + tuple(added), key=lambda m: (m.start, m.type != "toponym"))
        return dataclasses.replace(doc, mentions=tuple(mentions))
