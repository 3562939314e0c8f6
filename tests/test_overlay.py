"""A session's layer over the store: its corrected articles, and where its corrections are kept."""

from geo.page.overlay import keep_correction, session_corrections, session_overlay, take_back
from geo.resolution.corrections import load_corrections, new_correction
from geo.store.read import articles_touched, source_summaries


def test_overlay_corrected_articles_replace_the_store_s_in_a_session_only(seed_store, parser):
    own = (new_correction("Palmyra", "none"),)
    assert set(articles_touched(seed_store, list(own))) >= {"002_0195888066891744", "004_12aca03efa784089"}
    layered = seed_store.with_overlay(*session_overlay(seed_store, (), own, parser))
    count = "SELECT count(*) AS n FROM {mentions} WHERE surface = 'Palmyra'"
    assert int(layered.query(count)["n"].iloc[0]) == 0
    assert int(seed_store.query(count)["n"].iloc[0]) > 0  # the shared store is as it was
    articles = "SELECT count(*) AS n FROM {articles}"
    assert int(layered.query(articles)["n"].iloc[0]) == int(seed_store.query(articles)["n"].iloc[0])  # replaced, not added
    assert session_overlay(seed_store, (), (), parser) is None
    assert session_corrections(seed_store, list(own)) == list(own)
    summaries = source_summaries(layered)
    assert list(summaries["outlet"]) == list(source_summaries(seed_store)["outlet"])


def test_overlay_keep_writes_the_file_or_keeps_in_the_session(tmp_path):
    path = tmp_path / "corrections.toml"
    first = new_correction("Palmyra", "none")
    kept = keep_correction("file", path, [], first)
    assert kept.written and kept.own == [] and load_corrections(path)[0] == [first]
    session = keep_correction("session", path, [], new_correction("Tadmor", "none"))
    assert not session.written and [c.surface for c in session.own] == ["Tadmor"]
    assert [c.surface for c in load_corrections(path)[0]] == ["Palmyra"]
    back = take_back("file", path, [], first)
    assert back.written and load_corrections(path)[0] == []


def test_overlay_an_unreadable_file_is_left_as_it_is_and_the_correction_kept(tmp_path):
    path = tmp_path / "corrections.toml"
    path.write_text("[[correction]\n", encoding="utf-8")
    kept = keep_correction("file", path, [], new_correction("Palmyra", "none"))
    assert not kept.written and kept.level == "kept" and len(kept.own) == 1
    assert "until the file is fixed" in kept.message
    assert path.read_text(encoding="utf-8") == "[[correction]\n"
    assert not take_back("file", path, kept.own, kept.own[0]).written
