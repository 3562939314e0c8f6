"""The corpus store: round trip, incremental builds, and what a broken or interrupted build leaves behind."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import geopandas
import pandas as pd
import pyarrow.parquet as pq
import pytest

from geo.frames import to_frames
from geo.gazetteer.index import DATA_DIR
from geo.records import TEXT_COLUMNS
from geo.store import build as build_module
from geo.store.build import build_store
from geo.store.read import StoreError, open_store

SOURCES = DATA_DIR / "sources.toml"


@pytest.fixture
def corpus(tmp_path):
    """A copy of the bundled articles and sources, free to edit."""
    articles = tmp_path / "articles"
    shutil.copytree(DATA_DIR / "articles", articles)
    sources = tmp_path / "sources.toml"
    shutil.copy(SOURCES, sources)
    return articles, sources, tmp_path / "store"


def build(corpus, parser, **options):
    articles, sources, store = corpus
    return build_store(articles, sources, store, parser, **options)


def sorted_mentions(frame: pd.DataFrame) -> pd.DataFrame:
    # The store keeps no sentence text (it is cut from the article's text when read): compared without it.
    frame = pd.DataFrame(frame).drop(columns=[c for c in ("geometry", *TEXT_COLUMNS) if c in frame.columns])
    return frame.sort_values(["article_id", "start", "end", "type", "place_id"], ignore_index=True).astype(
        {c: "int64" for c in ("sentence_index", "sentence_start", "sentence_end", "start", "end")})


def test_store_build_round_trip_matches_the_pipeline(corpus, parser, seed_docs):
    report = build(corpus, parser)
    store = corpus[2]
    _, expected = to_frames(seed_docs.values(), parser.gazetteer)
    mentions = pd.read_parquet(store / "mentions.parquet")
    pd.testing.assert_frame_equal(sorted_mentions(mentions.drop(columns="alternatives")), sorted_mentions(expected),
                                  check_dtype=False)
    # The store keeps each mention's runners-up too (the frames leave them out), never the place chosen.
    assert any(len(a) for a in mentions["alternatives"])
    assert all(p not in {a["place_id"] for a in alts} for p, alts in zip(mentions["place_id"], mentions["alternatives"],
                                                                        strict=True))
    places = geopandas.read_parquet(store / "places.parquet")
    assert places.crs.to_epsg() == 4326 and report.places == len(places) == expected["place_id"].nunique()
    zone = places.set_index("place_id").loc["curated:southern-syria-buffer-zone"]
    assert zone.geometry.geom_type in ("Polygon", "MultiPolygon")
    articles = pd.read_parquet(store / "articles.parquet")
    sentences = pd.read_parquet(store / "sentences.parquet")
    assert len(articles) == 5 and (articles["sentence_count"].sum() == len(sentences))
    for row in mentions.merge(articles[["article_id", "text"]], on="article_id").itertuples():
        assert row.text[row.start:row.end] == row.surface  # offsets point into the original text


def test_store_build_keeps_an_articles_stated_outlet_and_wire_origin(tmp_path, parser):
    # Articles without a sources entry: the outlet they state and the agency whose copy they are
    # survive the store, and come back in the Sources of texts parsed again (issue 23, item 12).
    from geo.store.read import texts_for_reparse

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "ap.txt").write_text("Strikes near Damascus\n\nDAMASCUS (AP) — Jets struck the capital.", encoding="utf-8")
    (articles / "bare.txt").write_text("Talks in Baku\n\nOfficials met in Azerbaijan.", encoding="utf-8")
    build_store(articles, None, tmp_path / "store", parser)
    frame = pd.read_parquet(tmp_path / "store" / "articles.parquet").set_index("article_id")
    assert frame.loc["ap", ["outlet", "wire", "attribution"]].tolist() == ["Associated Press", "Associated Press", "inferred"]
    assert frame.loc["bare", ["outlet", "wire", "title"]].tolist() == ["Source not stated", "", "Talks in Baku"]
    again = {a.id: a.source for a in texts_for_reparse(open_store(tmp_path / "store"), ["ap", "bare"])}
    assert (again["ap"].wire, again["bare"].outlet) == ("Associated Press", "Source not stated")


def test_store_build_again_parses_nothing(corpus, parser):
    build(corpus, parser)
    generation = open_store(corpus[2]).generation
    again = build(corpus, parser)
    assert again.summary() == "0 new, 0 changed, 0 removed, 5 unchanged; up to date"
    assert open_store(corpus[2]).generation == generation  # nothing to do: the store is not rewritten


def test_store_build_incremental_new_changed_removed(corpus, parser):
    articles, sources, store = corpus
    build(corpus, parser)
    shutil.copy(articles / "002_0195888066891744.txt", articles / "900_new.txt")
    first = sorted(articles.glob("*.txt"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nTroops also moved near Aleppo.\n", encoding="utf-8")
    removed = sorted(articles.glob("*.txt"))[1]
    removed.unlink()
    report = build(corpus, parser)
    assert report.summary() == "1 new, 1 changed, 1 removed, 3 unchanged"
    incremental = sorted_mentions(pd.read_parquet(store / "mentions.parquet"))
    assert "geonames:170063" in set(incremental["place_id"]) or "Aleppo" in set(incremental["name"])
    full = build_store(articles, sources, corpus[2].parent / "full", parser)
    assert full.summary().startswith("5 new")
    pd.testing.assert_frame_equal(incremental, sorted_mentions(pd.read_parquet(full.store / "mentions.parquet")))


def test_store_build_a_changed_source_entry_reparses_that_article(corpus, parser):
    articles, sources, store = corpus
    build(corpus, parser)
    sources.write_text(sources.read_text(encoding="utf-8").replace('outlet = "Kurdistan24"', 'outlet = "K24"', 1),
                       encoding="utf-8")
    report = build(corpus, parser)
    assert report.summary() == "0 new, 1 changed, 0 removed, 4 unchanged"
    assert "K24" in set(pd.read_parquet(store / "mentions.parquet")["outlet"])


def test_store_build_a_touched_file_is_not_reparsed(corpus, parser):
    articles, _, _ = corpus
    build(corpus, parser)
    path = sorted(articles.glob("*.txt"))[0]
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert build(corpus, parser).summary() == "0 new, 0 changed, 0 removed, 5 unchanged"  # its time recorded
    assert build(corpus, parser).summary() == "0 new, 0 changed, 0 removed, 5 unchanged; up to date"


@pytest.mark.parametrize(("key", "value", "reason"), [
    ("schema_version", 999, "format 999"),
    ("gazetteer", "another", "the gazetteer changed"),
    ("pipeline", "another", "the pipeline changed"),
])
def test_store_build_another_version_rebuilds_everything(corpus, parser, key, value, reason):
    store = corpus[2]
    build(corpus, parser)
    manifest = json.loads((store / "manifest.json").read_text())
    (store / "manifest.json").write_text(json.dumps(manifest | {key: value}))
    if key == "schema_version":
        with pytest.raises(StoreError, match="format 999"):
            open_store(store)  # never misread
    report = build(corpus, parser)
    assert reason in report.reason and report.summary() == "5 new, 0 changed, 0 removed, 0 unchanged"
    assert open_store(store).manifest[key] != value


def test_store_build_a_corrupt_table_is_named_and_rebuilt(corpus, parser):
    store = corpus[2]
    build(corpus, parser)
    broken = open_store(store).table_path("mentions")
    broken.write_bytes(broken.read_bytes()[:100])
    with pytest.raises(StoreError, match=str(broken.name)):
        open_store(store)
    report = build(corpus, parser)
    assert "mentions.parquet" in report.reason and report.new == 5
    assert len(pd.read_parquet(store / "mentions.parquet")) == report.mentions > 0


def test_store_build_interrupted_leaves_the_previous_store(corpus, parser, monkeypatch):
    articles, _, store = corpus
    build(corpus, parser)
    before = open_store(store)
    rows = len(pd.read_parquet(store / "mentions.parquet"))
    (articles / "900_new.txt").write_text("Fighting was reported in Aleppo and Idlib.", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "tables_from_docs", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(corpus, parser)
    after = open_store(store)
    assert after.generation == before.generation and len(pd.read_parquet(store / "mentions.parquet")) == rows
    assert not list((store / "generations").glob(".staging-*"))


def test_store_build_a_full_disk_is_reported_and_loses_nothing(corpus, parser, monkeypatch):
    articles, _, store = corpus
    build(corpus, parser)
    before = open_store(store).generation
    (articles / "900_new.txt").write_text("Fighting was reported in Aleppo.", encoding="utf-8")

    def full(self, table, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full)
    with pytest.raises(StoreError, match="No space left on device.*unchanged"):
        build(corpus, parser)
    assert open_store(store).generation == before
    assert len(pd.read_parquet(store / "articles.parquet")) == 5


def test_store_build_keeps_two_generations(corpus, parser):
    articles, _, store = corpus
    for number in range(3):
        (articles / f"90{number}_new.txt").write_text(f"Talks were held in Baku, number {number}.", encoding="utf-8")
        build(corpus, parser)
    assert len([p for p in (store / "generations").iterdir()]) == 2
    assert (store / "mentions.parquet").resolve().parent.name == open_store(store).generation


def test_store_build_reports_unreadable_files_and_keeps_the_rest(corpus, parser):
    articles, _, _ = corpus
    (articles / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    report = build(corpus, parser)
    assert report.articles == 5 and any(p.path.endswith("bad.txt") and "binary" in p.reason for p in report.problems)


def test_store_open_a_missing_store_says_so(tmp_path):
    with pytest.raises(StoreError, match="no store here yet"):
        open_store(tmp_path / "nothing")


def test_store_open_an_empty_corpus_builds_an_empty_store(tmp_path, parser):
    (tmp_path / "articles").mkdir()
    report = build_store(tmp_path / "articles", None, tmp_path / "store", parser)
    assert report.articles == 0 and pd.read_parquet(Path(tmp_path / "store" / "mentions.parquet")).empty


def test_store_build_an_unreadable_file_is_not_retried_until_it_changes(corpus, parser):
    articles, _, _ = corpus
    bad = articles / "bad.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    build(corpus, parser)
    again = build(corpus, parser)
    assert again.summary() == "0 new, 0 changed, 0 removed, 5 unchanged; up to date"
    assert any(p.path.endswith("bad.txt") for p in again.problems)  # still reported
    bad.write_text("Talks were held in Baku.", encoding="utf-8")
    assert build(corpus, parser).summary() == "1 new, 0 changed, 0 removed, 5 unchanged"


def test_store_build_a_folder_that_cannot_be_read_leaves_the_store(corpus, parser):
    articles, sources, store = corpus
    build(corpus, parser)
    with pytest.raises(StoreError, match="cannot read the articles folder"):
        build_store(articles.parent / "unmounted", sources, store, parser)
    assert len(pd.read_parquet(store / "articles.parquet")) == 5


def test_store_build_problems_that_change_alone_are_recorded(corpus, parser):
    articles, _, store = corpus
    bad = articles / "bad.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    build(corpus, parser)
    bad.unlink()
    build(corpus, parser)
    assert not any("bad.txt" in p["path"] for p in open_store(store).manifest["problems"])
