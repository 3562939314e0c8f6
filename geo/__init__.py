"""Geoparse news articles into places and sentence-linked mentions."""

from .gazetteer.index import load_gazetteer
from .pipeline import Geoparser
from .types import Article, Document, Mention, Source

__all__ = ["Article", "Document", "Geoparser", "Mention", "Source", "load_gazetteer"]
