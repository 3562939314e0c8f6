"""Shared fixtures: the gazetteer is loaded once per session (built on first use)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from geo import Geoparser, load_gazetteer
from geo.gazetteer.index import DATA_DIR
from geo.text.corpus import load_corpus

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def gazetteer():
    return load_gazetteer()


@pytest.fixture(scope="session")
def parser(gazetteer):
    return Geoparser(gazetteer)


@pytest.fixture(scope="session")
def seed_articles():
    articles, problems = load_corpus(DATA_DIR / "articles", DATA_DIR / "sources.toml")
    assert not problems
    return {a.id: a for a in articles}


@pytest.fixture(scope="session")
def seed_docs(parser, seed_articles):
    return {article_id: parser(article) for article_id, article in seed_articles.items()}


@pytest.fixture(scope="session")
def seed_gold():
    with open(FIXTURES / "seed_gold.tsv", encoding="utf-8") as handle:
        rows = csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t")
        return [{**row, "start": int(row["start"]), "end": int(row["end"])} for row in rows]


def parse_text(parser, text: str, article_id: str = "t"):
    """Run the whole pipeline on a string."""
    from geo.types import Article

    return parser(Article(article_id, text))


def place_ids(doc, kind: str | None = None) -> list[str]:
    return [m.place_id for m in doc.mentions if kind is None or m.type == kind]


@pytest.fixture(scope="session")
def seed_store(parser, tmp_path_factory):
    """The bundled corpus built into a store of its own (local engine, this process)."""
    from geo.store.build import build_store
    from geo.store.read import open_store

    path = tmp_path_factory.mktemp("seed-store")
    build_store(DATA_DIR / "articles", DATA_DIR / "sources.toml", path, parser)
    return open_store(path)
