import pytest

from geo.text.body import find_body
from geo.types import Article, Document


def body_of(text: str) -> Document:
    return find_body(Document(Article("t", text)))


def kept(doc: Document) -> str:
    """The body text with furniture blanked out."""
    chars = list(doc.text[doc.body.start:doc.body.end])
    for f in doc.furniture:
        for i in range(max(f.start, doc.body.start), min(f.end, doc.body.end)):
            chars[i - doc.body.start] = " "
    return "".join(chars)


@pytest.mark.parametrize(
    ("article_id", "furniture"),
    [
        ("001_3249febcd1230baf", "Fly Erbil Advertisment"),
        ("002_0195888066891744", "Post a Comment"),
        ("003_22012ba6c0e5393d", "Arm yourself to the teeth"),
        ("003_22012ba6c0e5393d", "Crimea"),
        ("004_12aca03efa784089", "Read next"),
        ("004_12aca03efa784089", "Warsaw"),
        ("004_12aca03efa784089", "What is your opinion on this topic?"),
    ],
)
def test_body_leaves_out_seed_furniture(seed_articles, article_id, furniture):
    assert furniture not in kept(body_of(seed_articles[article_id].text))


def test_body_keeps_the_story_end(seed_articles):
    doc = body_of(seed_articles["004_12aca03efa784089"].text)
    assert kept(doc).rstrip().endswith("between the two regional powers' forces.")


def test_body_drops_a_repeated_standfirst_once(seed_articles):
    doc = body_of(seed_articles["001_3249febcd1230baf"].text)
    assert kept(doc).count("The meeting, reflects a pragmatic shift") == 1


def test_body_cuts_a_related_list_by_its_marker():
    story = "Officials met in Baku on Wednesday.\n" * 10
    doc = body_of(story + "Related articles\nFloods in Warsaw\nStorm over Greece\n")
    assert "Warsaw" not in kept(doc)


def test_body_ignores_a_marker_early_in_the_story():
    text = "Comments\nOfficials met in Baku on Wednesday to discuss Syria.\n" + "More story text here.\n" * 10
    assert "Baku" in kept(body_of(text))


def test_body_cuts_a_time_stamped_headline_list():
    story = "Officials met in Baku on Wednesday to discuss Syria.\n" * 5
    tail = "Storm hits the coast\n12:45Floods in Warsaw\nYesterday, 20:33Snow in Oslo\n"
    assert "Oslo" not in kept(body_of(story + tail))


def test_body_handles_crlf_line_ends():
    text = "Title\r\nOfficials met in Baku.\r\nRead next\r\nWarsaw news\r\n"
    text = "Story line.\r\n" * 10 + text
    doc = body_of(text)
    assert "Warsaw" not in kept(doc) and "Baku" in kept(doc)


def test_body_of_only_furniture_is_empty():
    doc = body_of("Advertisement\n")
    assert doc.body.start == doc.body.end


@pytest.mark.parametrize("imprint", [
    "Frankfurter Allgemeine Zeitung GmbH, Hellerhofstraße 2–4, 60327 Frankfurt am Main",
    "Daily Star Ltd, 12 Main Street, Springfield, IL 62701",
    "Editorial office: 1 London Bridge Street, London SE1 9GF",
    "Published by Valley Media, 12 Main St, Springfield, IL 62701",
    "© 2025 The Daily, London EC1A",
    "Copyright (c) 2024 Metro Press, Boston. All rights reserved.",
    "The Daily Courier, Springfield. All rights reserved.",
    "Contact us: newsdesk@courier.example, Springfield, Illinois",
    "Tel: +1 217 555 0100, Springfield, Illinois",
])
def test_body_an_imprint_copyright_or_contact_line_at_the_end_is_furniture(parser, imprint):
    body = "Floods hit Sindh on Monday. " * 12
    doc = parser(Article("x", body + "\n\n" + imprint))
    assert [f.reason for f in doc.furniture] == ["the outlet's imprint or address"]
    assert {m.surface for m in doc.mentions} == {"Sindh"}


def test_body_a_copyright_line_at_the_top_is_furniture_too(parser):
    doc = parser(Article("x", "© 2025 The Springfield Gazette\n\n" + "Floods hit Sindh on Monday. " * 12))
    assert [f.reason for f in doc.furniture] == ["the outlet's imprint or address"]
    assert {m.surface for m in doc.mentions} == {"Sindh"}


@pytest.mark.parametrize("imprint", ["جميع الحقوق محفوظة لصحيفة دمشق", "כל הזכויות שמורות לעיתון ירושלים",
                                     "Tüm hakları saklıdır. Ankara Haber"])
def test_body_a_rights_line_of_another_language_is_furniture(imprint):
    doc = body_of("Floods hit Sindh on Monday. " * 12 + "\n\n" + imprint)
    assert [f.reason for f in doc.furniture] == ["the outlet's imprint or address"]


@pytest.mark.parametrize("line", ["Copyright law changed in France, where Paris courts ruled on it.",
                                  "Published reports from Aleppo said the road was cut.",
                                  "He called the office in Homs and left."])
def test_body_a_story_line_about_copyright_or_publishing_is_story(line):
    assert not body_of("Floods hit Sindh on Monday. " * 12 + "\n\n" + line).furniture


def test_body_an_address_inside_the_story_is_story(parser):
    doc = parser(Article("x", "Floods hit Sindh on Monday. " * 12 + "\n\nHe moved to 10 Downing Street, London, in 2019."))
    assert not doc.furniture and "London" in {m.surface for m in doc.mentions}


STORY = "<p>" + "Damascus is the capital of Syria, and officials met there on Monday to discuss the talks. " * 4 + "</p>"


@pytest.mark.parametrize("depth", [300, 10_000])
def test_body_a_page_nested_past_the_parser_s_depth_limit_keeps_its_text(depth):
    from geo.text.corpus import read_article

    # libxml2 stops at 256 levels and drops the rest: the story was lost as "HTML without main text".
    page = "<div>" * depth + STORY + "</div>" * depth
    article, _ = read_article("deep", page.encode(), ".html")
    assert article.text.startswith("Damascus is the capital of Syria") and article.extracted_from_html


def test_body_a_deep_page_keeps_what_follows_the_deep_part():
    from geo.text.corpus import read_article

    page = ("<html><body>" + '<div class="x">' * 10_000 + STORY + "</div>" * 10_000
            + "<p>Later, officials in Aleppo said the talks would go on for another week at least.</p></body></html>")
    assert "Aleppo" in read_article("deep", page.encode(), ".html")[0].text


def test_body_parseable_html_flattens_in_linear_time_and_stays_within_the_depth_limit():
    import time

    from lxml import etree

    from geo.text.body import HTML_MAX_DEPTH, parseable_html

    timings = []
    for depth in (20_000, 80_000):
        page = "<html><body>" + "<div>" * depth + STORY + "</div>" * depth + "</body></html>"
        started = time.perf_counter()
        flat = parseable_html(page)
        timings.append(time.perf_counter() - started)
        parser = etree.HTMLParser()
        tree = etree.fromstring(flat, parser)
        assert not parser.error_log and "Damascus" in "".join(tree.itertext())
        assert max(len(list(e.iterancestors())) for e in tree.iter()) <= HTML_MAX_DEPTH + 40
    assert timings[1] < timings[0] * 4 * 3  # four times the page, well under sixteen times the time


def test_body_parseable_html_leaves_an_ordinary_page_as_it_is():
    from geo.text.body import parseable_html

    page = "<!DOCTYPE html><html><body><div><p>Caf&eacute; &#233; in Damascus<br/></p></div></body></html>"
    assert parseable_html(page) is page


def test_body_parseable_html_keeps_entities_and_comments_of_a_flattened_page():
    from geo.text.body import parseable_html

    flat = parseable_html("<html><body>" + "<span>" * 300 + "Caf&eacute; &#233; <!-- c --> &amp; Homs" + "</span>" * 300)
    assert "Caf&eacute; &#233; <!-- c --> &amp; Homs" in flat and flat.count("<span>") <= 200


def test_body_parseable_html_gives_a_bare_fragment_a_document():
    from geo.text.body import parseable_html

    assert parseable_html("<div><p>Homs</p></div>") == "<html><body><div><p>Homs</p></div></body></html>"


PARAGRAPH = ("Officials met in {} on Wednesday to discuss the crossings, the convoys and the roads between "
             "the two countries, and said talks would go on for {} more weeks.\n\n")


def paragraphs(town: str, count: int) -> str:
    """Story paragraphs of prose, each its own (a repeated line would be furniture)."""
    return "".join(PARAGRAPH.format(town, n) for n in range(2, 2 + count))


@pytest.mark.parametrize("marker", ["Read also", "اقرأ أيضاً"])
def test_body_a_read_also_link_inside_the_story_keeps_the_story_after_it(marker):
    doc = body_of(paragraphs("Baku", 3) + f"{marker}\nFloods in Warsaw\n\n" + paragraphs("Aleppo", 3))
    assert "Warsaw" not in kept(doc) and kept(doc).count("Aleppo") == 3


def test_body_a_teaser_list_after_a_marker_is_still_the_tail():
    teasers = "".join(f"Storm over Greece {n}\n" + PARAGRAPH.format("Oslo", n) for n in range(3))
    doc = body_of(paragraphs("Baku", 3) + "Read also\n" + teasers)
    assert "Oslo" not in kept(doc) and "Greece" not in kept(doc)


@pytest.mark.parametrize("line", ["Read also: Floods in Warsaw", "اقرأ أيضاً: فيضانات في وارسو"])
def test_body_a_read_also_line_with_its_headline_is_furniture(line):
    doc = body_of(paragraphs("Baku", 1) + line + "\n\n" + paragraphs("Aleppo", 1))
    assert line.split(": ")[1] not in kept(doc) and "Baku" in kept(doc) and "Aleppo" in kept(doc)
