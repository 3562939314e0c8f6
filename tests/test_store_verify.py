"""A generation checked against its hashes: damage behind an intact Parquet footer is named, marked and
rebuilt; the corrections live beside the tables and the manifest keeps their digest."""

from __future__ import annotations

import json
import random
import shutil

import pytest

from geo.gazetteer.index import DATA_DIR
from geo.store import read, verify
from geo.store.build import build_store
from geo.store.read import StoreError, View, open_store

ALL = ("Al Mayadeen English", "Associated Press (republished)", "Kurdistan24", "Reuters (republished)", "The Cradle")
SOURCES = DATA_DIR / "sources.toml"


@pytest.fixture
def corpus(tmp_path):
    articles = tmp_path / "articles"
    shutil.copytree(DATA_DIR / "articles", articles)
    return articles, tmp_path / "store"


def build(corpus, parser, **options):
    articles, store = corpus
    return build_store(articles, SOURCES, store, parser, **options)


def damage(path, seed: int = 0) -> bytes:
    """Overwrite bytes 10-50 % of the file with random ones, its size and footer intact; the bytes it had."""
    data = path.read_bytes()
    start, end = len(data) // 10, len(data) // 2
    path.write_bytes(data[:start] + random.Random(seed).randbytes(end - start) + data[end:])
    return data


def test_store_verify_a_whole_store_is_whole_and_checked_once(corpus, parser, monkeypatch):
    build(corpus, parser)
    store = open_store(corpus[1])
    assert set(store.manifest["hashes"]) == {"articles", "sentences", "mentions", "places", "place_articles"}
    assert read.verify_store(store) == []

    def unreadable(*args, **kwargs):
        raise AssertionError("hashed twice")

    monkeypatch.setattr(verify, "file_sha256", unreadable)
    assert read.verify_store(store) == []  # kept with the opened generation


def test_store_verify_damage_behind_the_footer_is_a_store_error_and_rebuilt(corpus, parser):
    build(corpus, parser)
    store = open_store(corpus[1])
    damage(store.table_path("mentions"))
    reader = open_store(corpus[1])  # the footer is intact: opening cannot tell
    with pytest.raises(StoreError, match=r"mentions\.parquet: damaged"):
        read.view_mentions(reader, View(ALL))
    assert "mentions" in verify.marked(reader.folder)  # the next build repairs it
    assert read.verify_store(open_store(corpus[1])) == ["mentions"]
    report = build(corpus, parser)
    assert report.reason == "mentions.parquet was damaged (hash mismatch)" and report.new == 5
    rebuilt = open_store(corpus[1])
    assert rebuilt.generation != store.generation and read.verify_store(rebuilt) == []
    assert len(read.place_counts(rebuilt, View(ALL))) == report.places
    assert build(corpus, parser).up_to_date


def test_store_verify_a_build_finds_damage_no_query_met(corpus, parser):
    build(corpus, parser)
    damage(open_store(corpus[1]).table_path("sentences"))
    report = build(corpus, parser)
    assert report.reason == "sentences.parquet was damaged (hash mismatch)" and report.summary().startswith("5 new")


def test_store_verify_a_failed_query_marks_the_generation_without_the_hashes(corpus, parser):
    build(corpus, parser)
    store = open_store(corpus[1])
    original = damage(store.table_path("mentions"))
    # As if the hashes could not tell (a file the manifest has no hash for): the failed query alone marks it.
    store.manifest["hashes"]["mentions"] = verify.file_sha256(store.table_path("mentions"))
    with pytest.raises(StoreError, match="mentions.parquet"):
        read.view_mentions(store, View(ALL))
    assert verify.marked(store.folder)["mentions"].startswith("a query failed")
    store.table_path("mentions").write_bytes(original)  # whole again, but marked: still rebuilt
    report = build(corpus, parser)
    assert report.reason.startswith("mentions.parquet was damaged (a query failed") and report.new == 5


def test_store_verify_every_duckdb_error_is_a_store_error(corpus, parser):
    build(corpus, parser)
    store = open_store(corpus[1])
    damage(store.table_path("sentences"))
    with pytest.raises(StoreError, match=r"sentences\.parquet"):
        read.neighbour_spans(store, [(sorted(read.article_ids(store, View(ALL)))[0], 1)], width=50)
    with pytest.raises(StoreError, match="a query over mentions failed"):  # the query's own error: nothing marked
        store.query("SELECT no_such_column FROM {mentions}")


def test_store_verify_an_unreadable_places_table_is_marked(corpus, parser):
    build(corpus, parser)
    store = open_store(corpus[1])
    store.table_path("places").write_bytes(b"PAR1" + bytes(100) + b"PAR1")
    with pytest.raises(StoreError, match=r"places\.parquet"):
        read.places(store)
    assert "places" in verify.marked(store.folder)


def test_store_verify_the_manifest_keeps_the_corrections_digest_not_the_corrections(corpus, parser, tmp_path):
    corrections = tmp_path / "corrections.toml"
    entries = "".join(f'[[correction]]\nsurface = "Nowhere{i:04d}"\nplace = "none"\nnote = "{"x" * 200}"\n\n'
                      for i in range(2000))
    corrections.write_text(entries, encoding="utf-8")
    build(corpus, parser, corrections_path=corrections)
    manifest_file = corpus[1] / "manifest.json"
    manifest = json.loads(manifest_file.read_text())
    assert "corrections" not in manifest and manifest_file.stat().st_size < 8_000 < corrections.stat().st_size // 50
    store = open_store(corpus[1])
    built = read.built_corrections(store)
    assert len(built) == 2000 and built[0].surface == "Nowhere0000"
    assert verify.file_sha256(store.folder / verify.CORRECTIONS_FILE) == manifest["corrections_sha256"]
    assert build(corpus, parser, corrections_path=corrections).up_to_date
    corrections.write_text(entries.replace("Nowhere0000", "Elsewhere"), encoding="utf-8")
    again = build(corpus, parser, corrections_path=corrections)
    assert not again.up_to_date
    assert read.built_corrections(open_store(corpus[1]))[0].surface == "Elsewhere"


def test_store_verify_damaged_corrections_are_named_and_rebuilt(corpus, parser):
    build(corpus, parser)
    store = open_store(corpus[1])
    (store.folder / verify.CORRECTIONS_FILE).write_text('[{"surface": "x"}]', encoding="utf-8")
    with pytest.raises(StoreError, match=r"corrections\.json: cannot be read \(hash mismatch\)"):
        read.built_corrections(open_store(corpus[1]))
    report = build(corpus, parser)
    assert report.reason == "corrections.json was damaged (hash mismatch)" and report.new == 5
    assert read.built_corrections(open_store(corpus[1])) == []
