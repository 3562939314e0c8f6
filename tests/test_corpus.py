import os
from pathlib import Path

import pytest

from geo.text.corpus import decode_text, load_articles, load_corpus, load_sources
from geo.text.outlet import NOT_STATED

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_corpus_loads_the_rest_when_a_file_is_empty(tmp_path):
    write(tmp_path, "a.txt", b"Damascus is the capital of Syria.")
    write(tmp_path, "b.txt", b"   \n")
    articles, problems = load_articles(tmp_path)
    assert [a.id for a in articles] == ["a"]
    assert problems[0].path.endswith("b.txt") and "empty" in problems[0].reason


def test_corpus_rejects_a_png_renamed_txt(tmp_path):
    write(tmp_path, "image.txt", PNG)
    articles, problems = load_articles(tmp_path)
    assert not articles and "binary" in problems[0].reason


@pytest.mark.parametrize(
    ("data", "caveat"),
    [
        ("Café in Türkiye".encode("utf-8-sig"), ""),
        ("Café in Türkiye".encode("cp1252", errors="replace"), "cp1252"),
        ("Café in Türkiye".encode("utf-16"), "UTF-16"),
    ],
)
def test_decode_text_reads_common_encodings(data, caveat):
    text, note = decode_text(data)
    assert text.startswith("Caf") and not text.startswith("\ufeff") and caveat in note


def test_corpus_reports_a_cp1252_file_but_loads_it(tmp_path):
    write(tmp_path, "old.txt", "Talks in Türkiye — “today”".encode("cp1252"))
    articles, problems = load_articles(tmp_path)
    assert articles[0].text == "Talks in Türkiye — “today”"
    assert problems[0].loaded and "cp1252" in problems[0].reason


def test_corpus_skips_duplicate_article_ids(tmp_path):
    write(tmp_path, "same.txt", b"One.")
    write(tmp_path, "same.md", b"Two.")
    articles, problems = load_articles(tmp_path)
    assert len(articles) == 1 and "duplicate article id" in problems[0].reason


def test_corpus_article_without_sources_entry_takes_the_outlet_it_states(tmp_path):
    # Issue 23, item 12: an article naming no outlet is no longer a source named by its first
    # line (2,000 such files made 199 sidebar sources). It joins the one "Source not stated"
    # source, keeping its own title; one naming its outlet (here the page's site name) takes it.
    write(tmp_path, "x.txt", b"Floods hit Karachi\n\nThe rains came.")
    body = b"<body><article><p>" + b"The rains came to Sindh again this week. " * 8 + b"</p></article></body></html>"
    write(tmp_path, "y.html", b'<html><head><meta property="og:site_name" content="Dawn"><title>Floods</title></head>' + body)
    write(tmp_path, "z.txt", b"\n\n   \nx")
    sources = {a.id: a.source for a in load_articles(tmp_path, {})[0]}
    assert (sources["x"].outlet, sources["y"].outlet, sources["z"].outlet) == (NOT_STATED, "Dawn", NOT_STATED)
    assert (sources["x"].title, sources["y"].title, sources["z"].title) == ("Floods hit Karachi", "Floods", "x")
    assert (sources["x"].attribution, sources["y"].attribution) == ("unknown", "inferred")
    assert sources["y"].attribution_note == "no sources entry; inferred from the page's site name"


def test_corpus_articles_of_one_stated_outlet_share_its_source(tmp_path):
    # Many files of one agency's copy are one source, each still titled by its own first line.
    for number in range(5):
        write(tmp_path, f"a{number}.txt", f"Story {number}\n\nBEIRUT (AP) — Strikes hit the city.".encode())
    articles, _ = load_articles(tmp_path)
    assert {a.source.outlet for a in articles} == {"Associated Press"}
    assert {a.source.wire for a in articles} == {"Associated Press"}
    assert [a.source.title for a in articles] == [f"Story {n}" for n in range(5)]
    assert {a.source.attribution_note for a in articles} == {"no sources entry; inferred from the dateline (AP)"}


def test_corpus_a_papers_copy_of_an_agency_story_stays_the_papers(tmp_path):
    body = (b"<body><article><p>BEIRUT (AP) \xe2\x80\x94 " + b"Israeli jets struck targets near the capital. " * 6
            + b"</p></article></body></html>")
    write(tmp_path, "p.html", b'<html><head><meta property="og:site_name" content="The Daily Star"><title>Strikes</title>'
          b"</head>" + body)
    source = load_articles(tmp_path)[0][0].source
    assert (source.outlet, source.wire) == ("The Daily Star", "Associated Press")
    assert source.attribution_note.endswith("Associated Press copy, as its dateline says")


def test_corpus_html_offsets_refer_to_the_extracted_text(tmp_path):
    html = ("<html><body><nav>Home | World</nav><article><h1>Talks</h1><p>Officials from Turkey and Israel met "
            "in Azerbaijan on Wednesday to discuss Syria and the future of its capital, Damascus.</p></article>"
            "</body></html>")
    write(tmp_path, "page.html", html.encode())
    articles, problems = load_articles(tmp_path)
    assert not problems and articles[0].extracted_from_html
    assert "<p>" not in articles[0].text and "Damascus" in articles[0].text


def test_corpus_html_without_main_text_is_reported(tmp_path):
    write(tmp_path, "empty.html", b"<html><body><div></div></body></html>")
    articles, problems = load_articles(tmp_path)
    assert not articles and "HTML" in problems[0].reason


def test_sources_bad_date_is_reported_and_emptied(tmp_path):
    path = write(tmp_path, "s.toml", b'[[article]]\nid = "a"\noutlet = "X"\npublished = "10/04/2025"\n')
    sources, problems = load_sources(path)
    assert sources["a"].published == "" and "bad date" in problems[0].reason


def test_sources_extra_columns_are_reported_not_fatal(tmp_path):
    path = write(tmp_path, "s.csv", b"id,outlet,colour\na,X,red\n")
    sources, problems = load_sources(path)
    assert sources["a"].outlet == "X" and "colour" in problems[0].reason


def test_sources_missing_columns_still_load(tmp_path):
    path = write(tmp_path, "s.csv", b"id\na\n")
    sources, problems = load_sources(path)
    assert sources["a"].outlet == "unknown" and not problems


def test_sources_entry_may_say_whose_wire_copy_an_article_is(tmp_path):
    path = write(tmp_path, "s.toml", b'[[article]]\nid = "a"\noutlet = "The Daily Star"\nwire = "Associated Press"\n')
    sources, problems = load_sources(path)
    assert (sources["a"].outlet, sources["a"].wire) == ("The Daily Star", "Associated Press") and not problems


def test_sources_unparsable_file_is_one_problem(tmp_path):
    path = write(tmp_path, "s.toml", b"[[article]\nid=")
    sources, problems = load_sources(path)
    assert sources == {} and "cannot read sources file" in problems[0].reason


def test_corpus_reports_a_sources_entry_for_a_missing_file(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    write(folder, "a.txt", b"Text.")
    sources = write(tmp_path, "s.toml", b'[[article]]\nid = "a"\n[[article]]\nid = "ghost"\n')
    _, problems = load_corpus(folder, sources)
    assert any("ghost" in p.reason and "no article file" in p.reason for p in problems)


def test_seed_sources_say_how_attribution_is_known(seed_articles):
    attributions = {a.source.attribution for a in seed_articles.values()}
    assert attributions == {"stated", "inferred"}


def test_corpus_corrections_mode_follows_the_setting_and_what_can_be_written(tmp_path):
    from geo.page.corpus import PagePaths, corrections_mode

    own = PagePaths(tmp_path / "articles", None, tmp_path / "store", tmp_path / "corrections.toml")
    assert corrections_mode(own, None)[0] == "session"  # no grant: a visitor changes nothing for others
    assert corrections_mode(own, "file")[0] == "file"  # the owner's opt-in
    assert corrections_mode(own, None, editor="ana@newsroom.example")[0] == "file"  # a signed-in editor
    assert corrections_mode(own, "session", editor="ana@newsroom.example")[0] == "session"  # a read-only deployment
    assert corrections_mode(own, "session")[0] == "session"
    shared = PagePaths(None, None, tmp_path / "store", tmp_path / "corrections.toml")  # a store built elsewhere
    assert corrections_mode(shared, "file")[0] == "session"
    nowhere = PagePaths(tmp_path / "articles", None, tmp_path / "store", tmp_path / "no" / "such" / "c.toml")
    mode, why = corrections_mode(nowhere, "file")
    assert mode == "session" and "cannot write" in why
    assert corrections_mode(own, "sideways")[0] == "session"


def finishes(task, seconds: float = 30):
    """``task()``'s result, run in a thread: a hang (a FIFO opened for reading) fails the test instead of hanging it."""
    import threading

    done: list = []
    thread = threading.Thread(target=lambda: done.append(task()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert done, f"still running after {seconds} s"
    return done[0]


def test_corpus_a_30_gb_file_is_refused_by_its_size_before_a_byte_is_read(tmp_path):
    write(tmp_path, "a.txt", b"Damascus is the capital of Syria.")
    with open(tmp_path / "huge.txt", "wb") as handle:
        handle.truncate(30 * 2**30)  # sparse: no disk used, and reading it whole would need 30 GB of memory
    articles, problems = load_articles(tmp_path)
    assert [a.id for a in articles] == ["a"]
    assert [(Path(p.path).name, p.reason) for p in problems] == [("huge.txt", "too large (30.0 GB; the limit is 20 MB)")]


def test_corpus_reads_an_article_of_exactly_the_size_limit(tmp_path):
    from geo.text.corpus import MAX_ARTICLE_BYTES, read_article_file

    path = write(tmp_path, "edge.txt", b"Talks in Damascus. " + b"x" * (MAX_ARTICLE_BYTES - 19))
    assert len(read_article_file(path, None)[0].text) == MAX_ARTICLE_BYTES


@pytest.mark.parametrize(("make", "reason"), [
    (lambda path: os.mkfifo(path), "a named pipe (FIFO), not a regular file; skipped"),
    (lambda path: path.symlink_to("/dev/zero"), "a link to a character device (/dev/zero), not a regular file; skipped"),
    (lambda path: path.mkdir(), "a folder, not a regular file; skipped"),
    (lambda path: path.symlink_to(path.parent / "gone.txt"), "gone.txt, which does not exist; skipped"),
])
def test_corpus_only_regular_files_are_read_the_others_are_named(tmp_path, make, reason):
    write(tmp_path, "a.txt", b"Damascus is the capital of Syria.")
    make(tmp_path / "odd.txt")
    articles, problems = finishes(lambda: load_articles(tmp_path))
    assert [a.id for a in articles] == ["a"]
    assert len(problems) == 1 and problems[0].path.endswith("odd.txt") and problems[0].reason.endswith(reason)


@pytest.mark.parametrize(("make", "reason"), [
    (lambda path: os.mkfifo(path), "a named pipe (FIFO)"),
    (lambda path: path.symlink_to("/dev/zero"), "a link to a character device (/dev/zero)"),
])
def test_corpus_read_article_file_never_opens_a_fifo_or_a_device_for_reading(tmp_path, make, reason):
    from geo.text.corpus import ArticleError, read_article_file

    make(tmp_path / "odd.txt")

    def attempt():
        with pytest.raises(ArticleError) as error:
            read_article_file(tmp_path / "odd.txt", None)
        return str(error.value)

    assert finishes(attempt).startswith(reason)


def test_corpus_a_link_to_an_article_is_read(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").symlink_to(write(elsewhere, "real.txt", b"Damascus is the capital of Syria."))
    articles, problems = load_articles(tmp_path / "articles")
    assert [a.id for a in articles] == ["a"] and not problems


@pytest.mark.parametrize("value", ["5", "true", "1.5", "2025-04-10", '"a string"'])
def test_sources_article_that_is_no_list_of_tables_is_one_problem(tmp_path, value):
    path = write(tmp_path, "s.toml", f"article = {value}\n".encode())
    sources, problems = load_sources(path)
    assert sources == {} and len(problems) == 1 and problems[0].path == str(path)
    assert problems[0].reason.startswith("article must be a list of [[article]] tables, not ")


def test_sources_article_as_a_number_names_its_type_and_value(tmp_path):
    _, problems = load_sources(write(tmp_path, "s.toml", b"article = 5\n"))
    assert problems[0].reason == "article must be a list of [[article]] tables, not a whole number (5); no sources read"


@pytest.mark.parametrize(("line", "expected"), [
    ("outlet = 5", "entry 'b': outlet must be text, not a whole number (5); left empty"),
    ("title = true", "entry 'b': title must be text, not a true/false value (true); left empty"),
    ("url = 1.5", "entry 'b': url must be text, not a decimal number (1.5); left empty"),
    ("language = 2025-04-10", "entry 'b': language must be text, not a date (2025-04-10); left empty"),
    ("notes = [1, 2]", "entry 'b': notes must be text, not a list; left empty"),
    ("attribution = { a = 1 }", "entry 'b': attribution must be text, not a table; left empty"),
    ("published = 10:30:00", "entry 'b': published must be a date (YYYY-MM-DD), not a time of day (10:30:00); left empty"),
])
def test_sources_a_value_of_the_wrong_type_is_reported_by_entry_and_key(tmp_path, line, expected):
    path = write(tmp_path, "s.toml", f'[[article]]\nid = "a"\noutlet = "A"\n\n[[article]]\nid = "b"\n{line}\n\n'
                                     f'[[article]]\nid = "c"\noutlet = "C"\n'.encode())
    sources, problems = load_sources(path)
    assert sorted(sources) == ["a", "b", "c"] and (sources["a"].outlet, sources["c"].outlet) == ("A", "C")
    assert [(p.path, p.reason, p.loaded) for p in problems] == [(str(path), expected, True)]


@pytest.mark.parametrize(("line", "expected"), [
    ("id = 5", "entry 2: id must be text (the article file's name without its extension), not a whole number (5); skipped"),
    ("id = true", "entry 2: id must be text (the article file's name without its extension), not a true/false value (true); "
                  "skipped"),
])
def test_sources_an_id_of_the_wrong_type_skips_only_its_entry(tmp_path, line, expected):
    path = write(tmp_path, "s.toml", f'[[article]]\nid = "a"\n\n[[article]]\n{line}\n\n[[article]]\nid = "c"\n'.encode())
    sources, problems = load_sources(path)
    assert sorted(sources) == ["a", "c"] and [p.reason for p in problems] == [expected]


def test_sources_an_entry_that_is_no_table_is_skipped_by_number(tmp_path):
    sources, problems = load_sources(write(tmp_path, "s.toml", b'article = [5, {id = "b"}]\n'))
    assert list(sources) == ["b"] and [p.reason for p in problems] == [
        "entry 1 must be a table ([[article]]), not a whole number (5); skipped"]


def test_sources_a_toml_date_is_a_publication_date(tmp_path):
    sources, problems = load_sources(write(tmp_path, "s.toml", b'[[article]]\nid = "a"\npublished = 2025-04-10\n'))
    assert sources["a"].published == "2025-04-10" and not problems


def test_sources_a_csv_row_with_more_cells_than_columns_loads(tmp_path):
    sources, problems = load_sources(write(tmp_path, "s.csv", b"id,outlet\na,X,extra,more\nb,Y\n"))
    assert (sources["a"].outlet, sources["b"].outlet) == ("X", "Y")
    assert [p.reason for p in problems] == ["entry 'a': 2 more cells than the header has columns; the extra ignored"]
