from pathlib import Path

import pytest

from geo.text.corpus import decode_text, load_articles, load_corpus, load_sources

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


def test_corpus_article_without_sources_entry_is_a_source_of_its_own(tmp_path):
    # Five articles with no entries stay five sources a reader can compare, each named from
    # what it says of itself, and marked as unchecked.
    write(tmp_path, "x.txt", b"Floods hit Karachi\n\nThe rains came.")
    body = b"<body><article><p>" + b"The rains came to Sindh again this week. " * 8 + b"</p></article></body></html>"
    write(tmp_path, "y.html", b'<html><head><meta property="og:site_name" content="Dawn"><title>Floods</title></head>' + body)
    write(tmp_path, "z.txt", b"\n\n   \nx")
    sources = {a.id: a.source for a in load_articles(tmp_path, {})[0]}
    assert (sources["x"].outlet, sources["y"].outlet, sources["z"].outlet) == ("Floods hit Karachi", "Dawn", "x")
    assert {s.attribution for s in sources.values()} == {"unknown"}


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
    assert corrections_mode(own, None)[0] == "file"
    assert corrections_mode(own, "session")[0] == "session"
    shared = PagePaths(None, None, tmp_path / "store", tmp_path / "corrections.toml")  # a store built elsewhere
    assert corrections_mode(shared, None)[0] == "session"
    nowhere = PagePaths(tmp_path / "articles", None, tmp_path / "store", tmp_path / "no" / "such" / "c.toml")
    mode, why = corrections_mode(nowhere, "file")
    assert mode == "session" and "cannot write" in why
    assert corrections_mode(own, "sideways")[0] == "session"
