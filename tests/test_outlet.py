import subprocess
import sys

import pytest

from geo.text.outlet import StatedOutlet, stated_outlet

STORY = "Israeli jets struck targets near the capital overnight, officials said."


def test_the_pages_site_name_is_the_outlet():
    assert stated_outlet(STORY, site_name="The Daily Star") == StatedOutlet("The Daily Star", "the page's site name")


def test_a_site_name_the_outlets_file_knows_under_another_name_is_named_as_there():
    # "AP News" (og:site_name of apnews.com) and "Associated Press" are one outlet, one source.
    assert stated_outlet(STORY, site_name="AP News").outlet == "Associated Press"


def test_a_known_domain_names_its_outlet_subdomains_included():
    found = stated_outlet(STORY, url="https://edition.cnn.com/2025/04/10/middleeast/talks", domain="cnn.com")
    assert found == StatedOutlet("CNN", "the URL's domain (cnn.com)")
    assert stated_outlet(STORY, url="https://www.washingtonpost.com/world/x").outlet == "The Washington Post"


def test_an_unknown_domain_is_the_outlet_as_it_stands():
    found = stated_outlet(STORY, url="https://www.example-news.co.uk/a/b", domain="example-news.co.uk")
    assert found == StatedOutlet("example-news.co.uk", "the URL's domain (example-news.co.uk)")


def test_a_site_name_that_is_a_host_name_counts_as_the_domain():
    # trafilatura falls back on the URL's host (or a title's "| example.org") for a site name.
    assert stated_outlet(STORY, site_name="www.reuters.com") == StatedOutlet("Reuters", "the domain the page names (reuters.com)")
    assert stated_outlet(STORY, site_name="example.org", url="https://www.aa.com.tr/en/x").outlet == "Anadolu Agency"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "http://[::1", "not a url", "https://localhost/x"])
def test_a_url_without_a_domain_names_nothing(url):
    assert stated_outlet(STORY, url=url) == StatedOutlet("")


@pytest.mark.parametrize("text", [
    f"Strikes near Beirut\nBy Jane Doe, The Washington Post March 31\n\n{STORY}",
    f"Strikes near Beirut\n\n{STORY}\n\n— The Washington Post",
    f"Strikes near Beirut\nNews Desk  -  Washington Post\n\n{STORY}",
])
def test_a_byline_naming_a_known_paper_is_the_outlet(text):
    assert stated_outlet(text) == StatedOutlet("The Washington Post", "the byline")


@pytest.mark.parametrize("length", [400, 700, 950, 5000])
def test_a_closing_byline_counts_whatever_the_articles_length(length):
    text = "Strikes near Beirut\n" + (STORY + " ") * (length // len(STORY)) + "\n— The Guardian"
    assert stated_outlet(text).outlet == "The Guardian"


def test_a_line_cut_at_the_windows_edge_is_no_byline():
    # The head's window ends right after "The Guardian" in "— The Guardian view on Syria".
    text = "x" * 585 + "\n— The Guardian view on Syria\n" + STORY * 20
    assert text[:600].endswith("— The Guardian") and stated_outlet(text) == StatedOutlet("")


def test_the_pages_author_metadata_is_a_byline():
    assert stated_outlet(STORY, author="Jane Doe, Reuters").outlet == "Reuters"


def test_a_headline_mentioning_an_outlet_is_no_byline():
    assert stated_outlet(f"Exclusive - Reuters poll shows support falling\n\n{STORY}") == StatedOutlet("")
    assert stated_outlet(f"Talks in Baku – The Guardian view on Syria\n\n{STORY}") == StatedOutlet("")


@pytest.mark.parametrize(("text", "outlet", "code"), [
    (f"BEIRUT (AP) — {STORY}", "Associated Press", "AP"),
    (f"BEIRUT (AP) -- {STORY}", "Associated Press", "AP"),
    (f"BAKU, April 9 (Reuters) - {STORY}", "Reuters", "Reuters"),
    (f"ISTANBUL (REUTERS) - {STORY}", "Reuters", "REUTERS"),
    (f"Paris (AFP) – {STORY}", "Agence France-Presse", "AFP"),
    (f"ANKARA (AA) - {STORY}", "Anadolu Agency", "AA"),
    (f"BERLIN, 9. April (dpa) - {STORY}", "Deutsche Presse-Agentur", "dpa"),
    (f"BEIJING, April 9 (Xinhua) -- {STORY}", "Xinhua", "Xinhua"),
    (f"(AP) — {STORY}", "Associated Press", "AP"),
    (f"Strikes near Beirut\nBy Jane Doe\n\nBEIRUT (AP) — {STORY}", "Associated Press", "AP"),
])
def test_a_datelines_agency_is_the_outlet_and_the_wire(text, outlet, code):
    assert stated_outlet(text) == StatedOutlet(outlet, f"the dateline ({code})", outlet)


def test_a_dateline_naming_an_outlet_not_an_agency_gives_no_wire():
    assert stated_outlet(f"ERBIL (Kurdistan24) – {STORY}") == StatedOutlet("Kurdistan24", "the dateline (Kurdistan24)")


def test_a_dateline_late_in_the_text_is_not_the_articles():
    text = "Strikes near Beirut\n\n" + STORY * 20 + "\nBEIRUT (AP) — a story it quotes."
    assert stated_outlet(text) == StatedOutlet("")


def test_a_photo_credit_is_no_dateline():
    assert stated_outlet(f"Firemen at the site in Damascus. (AP Photo/Omar Sanadiki)\n{STORY}") == StatedOutlet("")


def test_a_papers_copy_of_an_agency_story_is_the_papers_and_says_whose_copy():
    found = stated_outlet(f"BEIRUT (AP) — {STORY}", site_name="The Daily Star")
    assert found == StatedOutlet("The Daily Star", "the page's site name", "Associated Press")
    found = stated_outlet(f"By Jane Doe, The Guardian\n\nBAKU, April 9 (Reuters) - {STORY}")
    assert found == StatedOutlet("The Guardian", "the byline", "Reuters")


def test_nothing_stated_names_nothing():
    assert stated_outlet(f"Strikes near Beirut\n\n{STORY}") == StatedOutlet("")


def test_a_long_site_name_is_cut():
    assert len(stated_outlet(STORY, site_name="Daily " * 1000).outlet) == 80


def test_huge_one_line_texts_take_linear_time():
    # Near-misses of every pattern, 2 MB on one line, in a child process under a time limit: a
    # pattern that backtracks catastrophically would hang it, not the test run.
    script = """if True:
        import time
        from geo.text.outlet import stated_outlet
        for unit in ("BEIRUT (", "By The ", " - The Washington", "a" * 59 + " (AP", "(" * 7, "x.x."):
            text = unit * (2_000_000 // len(unit))
            started = time.perf_counter()
            stated_outlet(text, site_name=text, url="https://" + text, author=text)
            assert time.perf_counter() - started < 2, unit
    """
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
