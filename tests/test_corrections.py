"""Readers' corrections: the file, the stage after resolution, what cannot be applied, the build."""

from __future__ import annotations

import dataclasses
import threading

import pandas as pd
import pytest

from conftest import parse_text
from geo.gazetteer.index import DATA_DIR
from geo.resolution.corrections import (
    CorrectionStage,
    check_corrections,
    corrections_text,
    load_corrections,
    merged,
    new_correction,
    without,
    write_corrections,
)
from geo.types import Correction

TEXT = ("ATLANTA (AP) — Georgia lawmakers met in Atlanta on Monday. Georgia's governor spoke. "
        "Later, officials from Tbilisi said Georgia was not consulted. The Peach State was calm.")


def places_of(doc, surface: str) -> list[str]:
    return [m.place_id for m in doc.mentions if m.surface == surface]


def test_corrections_file_round_trips_and_is_written_whole(tmp_path):
    path = tmp_path / "corrections.toml"
    written = [new_correction('Geo"rgia\n', "region:US-GA", note="the US state"),
               new_correction("Tadmur", "curated:palmyra", article="a1", start=0)]
    write_corrections(path, written)
    loaded, problems = load_corrections(path)
    assert problems == [] and loaded == written
    assert not [p for p in tmp_path.iterdir() if p.name != "corrections.toml"]  # no temporary left behind
    assert corrections_text(loaded).count("[[correction]]") == 2


def test_corrections_a_corrupt_file_is_reported_and_left_as_it_is(tmp_path):
    path = tmp_path / "corrections.toml"
    path.write_text("[[correction]\nsurface = ", encoding="utf-8")
    loaded, problems = load_corrections(path)
    assert loaded == [] and len(problems) == 1 and not problems[0].loaded
    assert "cannot read the corrections file" in problems[0].reason and str(path) == problems[0].path
    assert path.read_text(encoding="utf-8") == "[[correction]\nsurface = "


def test_corrections_bad_entries_are_skipped_with_their_number(tmp_path):
    path = tmp_path / "corrections.toml"
    path.write_text('[[correction]]\nplace = "none"\n\n[[correction]]\nsurface = "Georgia"\nplace = "none"\n'
                    '\n[[correction]]\nsurface = "Georgia"\nplace = "none"\nstart = 3\n', encoding="utf-8")
    loaded, problems = load_corrections(path)
    assert [c.surface for c in loaded] == ["Georgia"]
    assert [p.reason.split(":")[0] for p in problems] == ["entry 1", "entry 3"]
    assert load_corrections(tmp_path / "missing.toml") == ([], [])


def test_corrections_unknown_keys_and_wrong_types_are_reported_not_ignored(tmp_path):
    path = tmp_path / "corrections.toml"
    path.write_text('[[corection]]\nsurface = "Lost"\nplace = "none"\n\n'
                    '[[correction]]\nsurface = "Georgia"\nplace = "none"\nplaec = "x"\nnote = 5\n\n'
                    '[[correction]]\nsurface = "Jordan"\nplace = "none"\narticle = "a"\nstart = true\n', encoding="utf-8")
    loaded, problems = load_corrections(path)
    reasons = [p.reason for p in problems]
    assert [c.surface for c in loaded] == ["Georgia"] and loaded[0].note == ""
    assert any("unknown keys corection ignored" in r for r in reasons)  # a misspelt table is named, not dropped unseen
    assert any(r.startswith("entry 1:") and "unknown keys plaec" in r for r in reasons)
    assert any(r.startswith("entry 1:") and "note must be text, not a whole number (5)" in r for r in reasons)
    assert any(r.startswith("entry 2:") and "not a true/false value (true); skipped" in r for r in reasons)


def test_corrections_a_later_one_replaces_the_same_name_article_and_offset():
    first = new_correction("Georgia", "country:GE")
    other_scope = new_correction("Georgia", "none", article="a1")
    second = new_correction("Georgia", "region:US-GA")
    kept = merged(merged([first, other_scope], second), other_scope)
    assert [c.place for c in kept] == ["region:US-GA", "none"]
    assert without(kept, second) == [other_scope]


def test_corrections_every_article_moves_the_name(parser):
    doc = parse_text(parser, TEXT)
    assert set(places_of(doc, "Georgia")) == {"country:GE"}  # the geoparser's reading, though Atlanta is named
    stage = CorrectionStage([Correction("Georgia", "region:US-GA")], parser.gazetteer)
    corrected = stage(doc)
    assert set(places_of(corrected, "Georgia")) == {"region:US-GA"}
    mention = next(m for m in corrected.mentions if m.surface == "Georgia")
    assert mention.method == "corrected" and mention.confidence == 1.0 and mention.note == "corrected by a reader"


def test_corrections_narrower_wins_and_not_a_place_removes(parser):
    doc = parse_text(parser, TEXT, article_id="a1")
    starts = [m.start for m in doc.mentions if m.surface == "Georgia"]
    assert len(starts) >= 2
    stage = CorrectionStage([Correction("Georgia", "region:US-GA"),
                             Correction("Georgia", "country:GE", article="a1", start=starts[-1]),
                             Correction("Atlanta", "none", article="a1")], parser.gazetteer)
    corrected = stage(doc)
    by_start = {m.start: m.place_id for m in corrected.mentions if m.surface == "Georgia"}
    assert by_start[starts[-1]] == "country:GE" and by_start[starts[0]] == "region:US-GA"
    assert "Atlanta" not in [m.surface for m in corrected.mentions]
    other = CorrectionStage([Correction("Atlanta", "none", article="other")], parser.gazetteer)
    assert "Atlanta" in [m.surface for m in other(doc).mentions]  # another article's correction does nothing here


def test_corrections_a_missed_name_is_linked_wherever_it_stands_in_the_body(parser):
    doc = parse_text(parser, TEXT, article_id="a1")
    assert "Peach State" not in [m.surface for m in doc.mentions]
    corrected = CorrectionStage([Correction("Peach State", "region:US-GA", article="a1", note="nickname")],
                                parser.gazetteer)(doc)
    added = [m for m in corrected.mentions if m.surface == "Peach State"]
    assert len(added) == 1 and added[0].place_id == "region:US-GA" and added[0].method == "corrected"
    assert TEXT[added[0].start:added[0].end] == "Peach State"  # offsets into the original text
    assert doc.sentences[added[0].sentence_index].start <= added[0].start < doc.sentences[added[0].sentence_index].end
    assert [m.start for m in corrected.mentions] == sorted(m.start for m in corrected.mentions)
    inside = CorrectionStage([Correction("eorgi", "region:US-GA", article="a1")], parser.gazetteer)(doc)
    assert "eorgi" not in [m.surface for m in inside.mentions]  # only whole words


def test_corrections_an_unknown_place_changes_nothing_and_is_reported(parser):
    doc = parse_text(parser, TEXT, article_id="a1")
    unknown = [Correction("Georgia", "geonames:999999999")]
    assert CorrectionStage(unknown, parser.gazetteer)(doc).mentions == doc.mentions
    problems = check_corrections(unknown, "c.toml", {"a1": TEXT}.get, parser.gazetteer)
    assert len(problems) == 1 and "no place 'geonames:999999999'" in problems[0].reason


def test_corrections_gone_articles_and_moved_offsets_are_reported(parser):
    corrections = [Correction("Georgia", "country:GE", article="gone"),
                   Correction("Georgia", "country:GE", article="a1", start=TEXT.index("Georgia") + 1),
                   Correction("Georgia", "country:GE", article="a1", start=TEXT.index("Georgia"))]
    problems = check_corrections(corrections, "c.toml", {"a1": TEXT}.get, parser.gazetteer)
    assert [p.reason.split(" ")[1] for p in problems] == ["1", "2"]
    assert "is not in the corpus" in problems[0].reason and "no longer holds the name" in problems[1].reason


def test_corrections_build_applies_them_and_reparses_only_what_they_change(parser, tmp_path):
    from geo.store.build import build_store
    from geo.store.read import open_store

    store, path = tmp_path / "store", tmp_path / "corrections.toml"
    build_store(DATA_DIR / "articles", DATA_DIR / "sources.toml", store, parser, corrections_path=path)
    before = pd.read_parquet(open_store(store).table_path("mentions"))
    article = before.loc[before["surface"] == "Palmyra", "article_id"].iloc[0]
    write_corrections(path, [new_correction("Palmyra", "none", article=article),
                             new_correction("Palmyra", "none", article="no-such-article")])
    report = build_store(DATA_DIR / "articles", DATA_DIR / "sources.toml", store, parser, corrections_path=path)
    assert report.corrected == 1 and report.unchanged == 4
    assert any("no-such-article" in p.reason and p.path == str(path) for p in report.problems)
    after = pd.read_parquet(open_store(store).table_path("mentions"))
    assert not ((after["surface"] == "Palmyra") & (after["article_id"] == article)).any()
    assert ((after["surface"] == "Palmyra") & (after["article_id"] != article)).sum() == \
        ((before["surface"] == "Palmyra") & (before["article_id"] != article)).sum()
    assert build_store(DATA_DIR / "articles", DATA_DIR / "sources.toml", store, parser,
                       corrections_path=path).corrected == 0  # up to date: nothing parsed again
    path.write_text("not = [toml", encoding="utf-8")  # corrupt: the store keeps the corrections it has
    report = build_store(DATA_DIR / "articles", DATA_DIR / "sources.toml", store, parser, corrections_path=path)
    assert any(not p.loaded and "cannot read the corrections file" in p.reason for p in report.problems)
    kept = pd.read_parquet(open_store(store).table_path("mentions"))
    assert not ((kept["surface"] == "Palmyra") & (kept["article_id"] == article)).any()


def test_corrections_writers_never_leave_half_a_file(tmp_path):
    path = tmp_path / "corrections.toml"
    many = [new_correction(f"Name{i}", "none") for i in range(300)]
    errors: list[Exception] = []

    def reader():
        for _ in range(200):
            loaded, problems = load_corrections(path)
            if problems or len(loaded) not in (0, 150, 300):
                errors.append(AssertionError((len(loaded), problems)))

    thread = threading.Thread(target=reader)
    thread.start()
    for i in range(40):
        write_corrections(path, many if i % 2 else many[:150])
    thread.join()
    assert errors == []


def test_corrections_are_plain_frozen_data():
    correction = new_correction("Georgia", "none")
    with pytest.raises(dataclasses.FrozenInstanceError):
        correction.place = "country:GE"
    assert correction.created.endswith("+00:00")


def test_corrections_a_missed_longer_name_replaces_the_shorter_mentions_inside_it(parser):
    text = "Officials at the Turkish Defense Ministry said Turkish jets stayed home."
    doc = parse_text(parser, text, article_id="a1")
    assert [m.surface for m in doc.mentions].count("Turkish") == 2
    corrected = CorrectionStage([Correction("Turkish Defense Ministry", "curated:ankara", article="a1")],
                                parser.gazetteer)(doc)
    surfaces = [m.surface for m in corrected.mentions]
    assert surfaces.count("Turkish Defense Ministry") == 1 and surfaces.count("Turkish") == 1


def test_corrections_saving_keeps_the_file_s_comments_order_and_what_it_cannot_read(tmp_path):
    from geo.resolution.corrections import edit_corrections, merged, without

    path = tmp_path / "corrections.toml"
    header = (DATA_DIR / "corrections.toml").read_text(encoding="utf-8")  # the shipped file's explanation
    path.write_text(header + '\n[[correction]]\nsurface = "Georgia"  # the US state in these reports\n'
                    'place = "region:US-GA"\n\n[[correction]]\nsurface = "Tadmor"\nplace = 5\n\n'
                    '[[correction]]\nsurface = "Homs"\nplace = "none"\n', encoding="utf-8")
    added = new_correction("Palmyra", "none")
    edit_corrections(path, lambda existing: merged(existing, added))
    text = path.read_text(encoding="utf-8")
    assert text.startswith(header) and "# the US state in these reports" in text
    assert "place = 5" in text  # an entry it cannot read is the reader's to fix, not the page's to drop
    assert text.index('"Georgia"') < text.index('"Tadmor"') < text.index('"Homs"') < text.index('"Palmyra"')
    corrections, problems = load_corrections(path)
    assert [c.surface for c in corrections] == ["Georgia", "Homs", "Palmyra"] and len(problems) == 1
    edit_corrections(path, lambda existing: without(existing, corrections[1]))
    text = path.read_text(encoding="utf-8")
    assert '"Homs"' not in text and text.startswith(header) and "# the US state in these reports" in text
    assert [c.surface for c in load_corrections(path)[0]] == ["Georgia", "Palmyra"]
