"""The geoparsing pipeline: a list of stages, each ``stage(doc) -> doc``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from .gazetteer.index import Gazetteer, load_gazetteer
from .resolution.events import VenueLinker
from .resolution.matching import PlaceMatcher
from .resolution.resolve import Resolver
from .resolution.sides import SideLinker
from .text.body import find_body
from .text.language import set_language
from .text.sentences import split_sentences
from .types import Article, Document

__all__ = ["Geoparser"]

Stage = Callable[[Document], Document]


class Geoparser:
    """Runs the stages over articles; the gazetteer is loaded once and shared.

    ``geocoder`` is an optional stage (see geo.gazetteer.geocoder.GeocoderStage) run after the
    offline stages for names the offline layers do not know. (Venues rest on country
    mentions, which the geocoder never adds, so running it last changes nothing.)
    ``corrections`` (geo.resolution.corrections.CorrectionStage) runs after everything.
    """

    def __init__(self, gazetteer: Gazetteer | None = None, geocoder: Stage | None = None,
                 corrections: Stage | None = None) -> None:
        self.gazetteer = gazetteer or load_gazetteer()
        self.stages: list[tuple[str, Stage]] = [
            ("body", find_body),
            ("language", set_language),
            ("sentences", split_sentences),
            ("matcher", PlaceMatcher(self.gazetteer)),
            ("resolver", Resolver(self.gazetteer)),
            ("sides", SideLinker(self.gazetteer)),
            ("venues", VenueLinker(self.gazetteer)),
        ]
        if geocoder is not None:  # last: a build runs the offline stages on workers, this one after them
            self.stages.append(("geocoder", geocoder))
        if corrections:  # readers' corrections (geo.resolution.corrections) have the last word
            self.stages.append(("corrections", corrections))

    def __call__(self, article: Article) -> Document:
        doc = Document(article)
        for name, stage in self.stages:
            doc = stage(doc)
            if not isinstance(doc, Document):
                raise TypeError(f"pipeline stage {name!r} returned {type(doc).__name__}, not a Document")
        return doc

    def pipe(self, articles: Iterable[Article]) -> Iterator[Document]:
        """Parse articles in order, in this process (a generator: memory stays flat).

        For many articles, ``geo.store.engine`` spreads partitions over processes or a Dask cluster.
        """
        for article in articles:
            yield self(article)

    def stage(self, name: str) -> Stage | None:
        """The stage called ``name``, if the pipeline has one."""
        return next((stage for stage_name, stage in self.stages if stage_name == name), None)
