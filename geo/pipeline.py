"""The geoparsing pipeline: a list of stages, each ``stage(doc) -> doc``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from .body import find_body
from .events import VenueLinker
from .gazetteer import Gazetteer, load_gazetteer
from .matching import PlaceMatcher
from .resolve import Resolver
from .sentences import split_sentences
from .types import Article, Document

__all__ = ["Geoparser"]

Stage = Callable[[Document], Document]


class Geoparser:
    """Runs the stages over articles; the gazetteer is loaded once and shared.

    ``geocoder`` is an optional stage (see geo.geocoder.GeocoderStage) run after the
    offline resolver for names the offline layers do not know.
    """

    def __init__(self, gazetteer: Gazetteer | None = None, geocoder: Stage | None = None) -> None:
        self.gazetteer = gazetteer or load_gazetteer()
        self.stages: list[tuple[str, Stage]] = [
            ("body", find_body),
            ("sentences", split_sentences),
            ("matcher", PlaceMatcher(self.gazetteer)),
            ("resolver", Resolver(self.gazetteer)),
        ]
        if geocoder is not None:
            self.stages.append(("geocoder", geocoder))
        self.stages.append(("venues", VenueLinker(self.gazetteer)))

    def __call__(self, article: Article) -> Document:
        doc = Document(article)
        for name, stage in self.stages:
            doc = stage(doc)
            if not isinstance(doc, Document):
                raise TypeError(f"pipeline stage {name!r} returned {type(doc).__name__}, not a Document")
        return doc

    def pipe(self, articles: Iterable[Article]) -> Iterator[Document]:
        """Parse articles one after another (a generator: memory stays flat)."""
        for article in articles:
            yield self(article)
