"""The geoparsing pipeline: a list of stages, each ``stage(doc) -> doc``."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator

from .gazetteer.index import Gazetteer, load_gazetteer
from .resolution.events import VenueLinker
from .resolution.matching import PlaceMatcher
from .resolution.resolve import Resolver
from .text.body import find_body
from .text.sentences import split_sentences
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

    def pipe(self, articles: Iterable[Article], n_process: int = 1, batch_size: int = 32) -> Iterator[Document]:
        """Parse articles in order (a generator: memory stays flat).

        ``n_process > 1`` spreads batches over worker processes (forked, so they share the
        memory-mapped index); results come back in input order.
        """
        if any(name == "geocoder" for name, _ in self.stages):
            n_process = 1  # geocoded places are registered in the parsing process's gazetteer
        if n_process <= 1:
            for article in articles:
                yield self(article)
            return
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        with context.Pool(n_process, initializer=_init_worker, initargs=(self,)) as pool:
            for batch in pool.imap(_parse_batch, _batches(articles, batch_size)):
                yield from batch


_worker_parser: Geoparser | None = None


def _init_worker(parser: Geoparser) -> None:
    global _worker_parser
    _worker_parser = parser


def _parse_batch(batch: list[Article]) -> list[Document]:
    return [_worker_parser(article) for article in batch]


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
