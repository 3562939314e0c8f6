"""A session's layer over the store: its corrected articles, and where its corrections are kept."""

import pytest

from geo.page import overlay
from geo.page.overlay import keep_correction, overlay_docs, session_corrections, session_overlay, take_back, upload_key
from geo.page.parsing import ParseRefused
from geo.page.views import Upload
from geo.resolution.corrections import load_corrections, new_correction
from geo.store.read import articles_touched, source_summaries
from geo.types import Article, Document, Mention


def _counting(parser, calls: list):
    def parse(articles):
        calls.append([a.id for a in articles])
        return [parser(a) for a in articles]
    return parse


def _layer(store, own, parser, uploads=(), parsed=None, calls=None):
    parse = _counting(parser, calls if calls is not None else [])
    docs = overlay_docs(store, [(upload_key(u), u) for u in uploads], own, {} if parsed is None else parsed, parse)
    return session_overlay(store, docs, own, parser.gazetteer)


def test_overlay_corrected_articles_replace_the_store_s_in_a_session_only(seed_store, parser):
    own = (new_correction("Palmyra", "none"),)
    assert set(articles_touched(seed_store, list(own))) >= {"002_0195888066891744", "004_12aca03efa784089"}
    layered = seed_store.with_overlay(*_layer(seed_store, own, parser))
    count = "SELECT count(*) AS n FROM {mentions} WHERE surface = 'Palmyra'"
    assert int(layered.query(count)["n"].iloc[0]) == 0
    assert int(seed_store.query(count)["n"].iloc[0]) > 0  # the shared store is as it was
    articles = "SELECT count(*) AS n FROM {articles}"
    assert int(layered.query(articles)["n"].iloc[0]) == int(seed_store.query(articles)["n"].iloc[0])  # replaced, not added
    assert _layer(seed_store, (), parser) is None
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


def test_overlay_each_upload_and_article_is_parsed_once_per_session(seed_store, parser):
    note = Upload("upload-1-note", "note.txt", b"Officials met in Palmyra, Syria.", "Desk", "", "")
    parsed, calls = {}, []
    _layer(seed_store, (), parser, [note], parsed, calls)
    second = Upload("upload-2-note", "note.txt", b"Talks were held in Baku.", "Desk", "", "")
    own = (new_correction("Palmyra", "none"),)
    tables, _ = _layer(seed_store, own, parser, [note, second], parsed, calls)
    _layer(seed_store, (*own, new_correction("Damascus", "none", "002_0195888066891744")), parser, [note, second], parsed,
           calls)
    parsed_ids = [i for call in calls for i in call]
    assert parsed_ids.count("upload-1-note") == 1 and parsed_ids.count("upload-2-note") == 1
    assert len(parsed_ids) == len(set(parsed_ids))  # no article parsed twice, whatever the corrections did
    # The kept documents are as parsed: the correction is applied to them, in the upload too.
    assert "Palmyra" not in set(tables["mentions"].column("surface").to_pylist())


def test_overlay_two_sessions_same_upload_id_are_two_keys():
    mine = Upload("upload-1-note", "note.txt", b"Officials met in Palmyra.", "Desk", "", "")
    theirs = mine._replace(data=b"Officials met in Aleppo.")
    assert upload_key(mine) != upload_key(theirs) and upload_key(mine) == upload_key(mine._replace())


def test_overlay_a_correction_touching_too_many_articles_is_refused(seed_store, parser, monkeypatch):
    monkeypatch.setattr(overlay, "MAX_REPARSED", 1)
    calls = []
    with pytest.raises(ParseRefused, match="parse .* articles again"):
        _layer(seed_store, (new_correction("Syria", "none"),), parser, calls=calls)
    assert calls == []  # refused before anything was parsed


def test_overlay_an_upload_refused_by_the_slot_names_its_file(seed_store, parser):
    note = Upload("upload-1-note", "huge.txt", b"Officials met in Palmyra.", "Desk", "", "")

    def refuse(articles):
        raise ParseRefused("it took longer than 20 s, the most one parse may take here")

    with pytest.raises(ParseRefused) as refused:
        overlay_docs(seed_store, [(upload_key(note), note)], (), {}, refuse)
    assert refused.value.subject == upload_key(note) and refused.value.reason.startswith("huge.txt: it took longer")


def test_overlay_editors_saving_at_once_each_keep_their_correction(tmp_path):
    # Two editors (or two server processes) read, change and write the file at the same moment:
    # without the file's lock the later write drops the earlier one's correction.
    import threading

    from geo.page.overlay import keep_correction
    from geo.resolution.corrections import load_corrections, new_correction

    path = tmp_path / "corrections.toml"
    start = threading.Barrier(12)

    def save(number: int) -> None:
        start.wait()
        keep_correction("file", path, [], new_correction(f"Name{number}", "none"))

    threads = [threading.Thread(target=save, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    corrections, problems = load_corrections(path)
    assert problems == [] and sorted(c.surface for c in corrections) == sorted(f"Name{n}" for n in range(12))


def test_overlay_a_session_s_uploads_keep_at_most_their_share_of_mentions(monkeypatch):
    monkeypatch.setattr(overlay, "MAX_SESSION_MENTIONS", 5)

    def doc(count: int) -> Document:
        mention = Mention(0, 4, "Baku", 0, "curated:baku", "toponym", "curated", 1.0)
        return Document(Article("a", "Baku."), mentions=(mention,) * count)

    assert overlay.upload_refusal([doc(2)], doc(3), "b.txt") == ""
    refusal = overlay.upload_refusal([doc(2), doc(1)], doc(3), "c.txt")
    assert refusal.startswith("c.txt: not added; it names places 3 times and this session's uploads already 3, more "
                              "than the 5 one session may keep")
