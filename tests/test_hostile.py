"""Hostile text never executes or formats itself (no browser): the dashboard's Markdown and HTML, map script and downloads.

The payloads and the hostile corpus are in ``tests/hostile.py``; ``tests/e2e/test_hostile.py``
runs the same corpus in Chromium. Here the dashboard runs under AppTest twice: on the hostile
corpus (``--articles``/``--sources`` through ``sys.argv``, as ``bench/dashboard.py`` does) and
on the bundled corpus with the hostile article injected as a session upload.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from unittest.mock import patch

import folium
import pytest
import streamlit as st
from hostile import (
    BAD_ATTRIBUTION,
    BAD_DATE,
    ENTRIES,
    FURNITURE,
    OUTLET_MAIN,
    OUTLETS,
    PAYLOADS,
    SAFE_URL,
    TITLES,
    UNKNOWN_FIELD,
    UNSAFE_URLS,
    UPLOAD_FILENAME,
    UPLOAD_OUTLET,
    UPLOAD_TITLE,
    article_bytes,
    sentence,
    write_corpus,
)
from streamlit.testing.v1 import AppTest
from test_dashboard import APP, FakeMap, map_script

from geo.frames import geoparse
from geo.page.map_elements import ViewTargets
from geo.page.mapping import build_map
from geo.page.tooltips import escape_for_tooltip, tooltip_texts
from geo.page.views import Upload, mentions_csv, outlet_counts, places_geojson, safe_url
from geo.text.corpus import load_corpus

DAMASCUS = "curated:damascus"
# What escape_markdown promises to escape: every character Markdown, HTML or Streamlit's LaTeX acts on.
META = set("\\`*_{}[]()#+-.!|<>$~:&\"'=^")
# Our own markup, the only unescaped Markdown allowed around data: the outlet heading, bold, the article link.
HEADING = "##### "
LINK = re.compile(r"\[original article\]\(([^()\s]*)\)")
SENTENCES = [sentence(p, n) for n, p in enumerate(PAYLOADS)]
HOSTILE = [*OUTLETS, *TITLES, *(p.text for p in PAYLOADS), *FURNITURE, UPLOAD_OUTLET, UPLOAD_TITLE, UPLOAD_FILENAME]


# --- reading Markdown as a reader sees it --------------------------------------------------------------

def read_markdown(md: str) -> tuple[str, list[str], list[str], list[str]]:
    """``(visible text, unescaped metacharacters, bold texts, link targets)`` of a Markdown string.

    Only our own markup is understood: a leading "##### ", ``**`` pairs and "[original article](…)";
    anything else unescaped is reported as a metacharacter.
    """
    text, active, bold, links = [], [], [], []
    start, i = None, len(HEADING) if md.startswith(HEADING) else 0
    while i < len(md):
        if md[i] == "\\" and i + 1 < len(md):
            text.append(md[i + 1])
            i += 2
        elif md.startswith("**", i):
            if start is None:
                start = len(text)
            else:
                bold.append("".join(text[start:]))
                start = None
            i += 2
        elif link := LINK.match(md, i):
            text.append("original article")
            links.append(link.group(1))
            i = link.end()
        else:
            if md[i] in META:
                active.append(md[i])
            text.append(md[i])
            i += 1
    if start is not None:
        active.append("** (unclosed)")
    return "".join(text), active, bold, links


def visible(md: str) -> str:
    return read_markdown(md)[0]


def markdown_strings(at: AppTest) -> list[str]:
    """Every string the page renders as Markdown: text elements, and the labels of widgets, tabs and expanders."""
    values = [e.value for kind in ("markdown", "caption", "subheader", "header", "title", "info", "warning", "error",
                                   "success") for e in getattr(at, kind)]
    # Source checkboxes use escape_label (only what acts in a label, so screen readers hear
    # "Reuters (republished)"); test_hostile_checkbox_labels_escape_what_acts checks them.
    labels = [e.label for kind in ("toggle", "button", "expander", "tabs", "selectbox", "multiselect")
              for e in getattr(at, kind)]
    return [v for v in values + labels if isinstance(v, str)]


def carrying_data(at: AppTest) -> list[str]:
    """The Markdown strings that show hostile data (a payload, an outlet, a title, a file name).

    The page shows article text, outlets and titles as escaped HTML (st.html); Markdown that
    carries any must escape it. The hostile text must be on the page one way or the other.
    """
    found = [md for md in markdown_strings(at) if any(h in visible(md) for h in HOSTILE)]
    assert found or html_carrying_data(at), "the page does not show the hostile text"
    return found


# --- reading st.html as a reader sees it -------------------------------------------------------------

# Our own markup around article text (dashboard.paragraph, geo.page.excerpts): anything else is foreign.
OUR_TAGS = {"p": {"dir", "style"}, "strong": set(), "bdi": set(), "a": {"href", "target", "rel"},
            "h5": {"dir", "style"}, "h6": {"dir", "style"}, "b": set(),
            "span": {"aria-hidden", "style"},  # an outlet's colour disc (geo.page.views.colour_dot)
            "div": {"style"}}  # blocks stacked as one element (geo.page.views.stacked_html)


class HtmlReader(HTMLParser):
    """Visible text, foreign markup, bold texts and link targets of an st.html body."""

    def __init__(self, body: str):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.foreign: list[str] = []
        self.bold: list[str] = []
        self.links: list[str | None] = []
        self._bold_from: int | None = None
        self.feed(body)
        self.close()

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def handle_starttag(self, tag, attrs):
        if tag not in OUR_TAGS or any(name not in OUR_TAGS[tag] for name, _ in attrs):
            self.foreign.append(self.get_starttag_text())
        if tag == "strong":
            self._bold_from = len(self.text)
        if tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_startendtag(self, tag, attrs):
        self.foreign.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag not in OUR_TAGS:
            self.foreign.append(f"</{tag}>")
        if tag == "strong" and self._bold_from is not None:
            self.bold.append(self.text[self._bold_from:])
            self._bold_from = None

    def handle_data(self, data):
        self.parts.append(data)

    def handle_comment(self, data):
        self.foreign.append(f"<!--{data}-->")

    def handle_decl(self, decl):
        self.foreign.append(f"<!{decl}>")

    def handle_pi(self, data):
        self.foreign.append(f"<?{data}>")

    def unknown_decl(self, data):
        self.foreign.append(f"<![{data}]>")


def html_blocks(body: str) -> list[str]:
    """The paragraphs and headings of an st.html body (a source's excerpts are one body), or the body itself."""
    return re.findall(r"<(?:p|h5|h6)[ >].*?</(?:p|h5|h6)>", body, flags=re.S) or [body]


def shown_html(element) -> set[str]:
    """The visible text of every paragraph and heading of every st.html body in an app or a block."""
    return {HtmlReader(block).text for h in element.html for block in html_blocks(h.value)}


def html_carrying_data(at: AppTest) -> list[str]:
    found = [h.value for h in at.html if any(x in HtmlReader(h.value).text for x in HOSTILE)]
    assert found, "no HTML on the page shows the hostile text"
    return found


def tab(at: AppTest, label: str):
    return next(t for t in at.tabs if t.label == label)


# --- the dashboard on the hostile corpus ---------------------------------------------------------------

@contextlib.contextmanager
def dashboard_args(*args: str):
    """``dashboard.py -- args`` for AppTest, which takes no argv; the shared caches are emptied before and after.

    The dashboard caches its corpus per process (st.cache_resource): without the clearing, a
    corpus parsed by another test module would be served instead.
    """
    saved = sys.argv
    sys.argv = ["dashboard.py", *args]
    st.cache_resource.clear()
    try:
        yield
    finally:
        sys.argv = saved
        st.cache_resource.clear()


def show_everything(at: AppTest, fake: FakeMap) -> AppTest:
    """Turn on every "Show all N sentences" toggle and the neighbouring sentences, then rerun."""
    for toggle in at.toggle:
        if toggle.label.startswith("Show all") or toggle.key == "context":
            toggle.set_value(True)
    with patch("streamlit_folium._component_func", fake):
        at.run()
    assert not at.exception, at.exception
    return at


def run_dashboard(fake: FakeMap, query: dict, uploads: list | None = None, flash: str | None = None,
                  at: AppTest | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180) if at is None else at
    for key, value in query.items():
        at.query_params[key] = value
    if uploads is not None:
        at.session_state["uploads"] = uploads
    with patch("streamlit_folium._component_func", fake):
        at.run()
    assert not at.exception, at.exception
    if flash is not None:  # what the upload form leaves for the next run to show
        at.session_state["upload_flash"] = ("added", flash)
    return show_everything(at, fake)


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    return write_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def hostile_run(corpus_dir):
    """``(app, map fake)``: the hostile corpus, Damascus selected, everything shown; rendered once, then only read."""
    articles, sources = corpus_dir
    fake = FakeMap()
    with dashboard_args("--articles", str(articles), "--sources", str(sources)):
        at = run_dashboard(fake, {"place": DAMASCUS})
    return at, fake


@pytest.fixture(scope="module")
def hostile_app(hostile_run):
    return hostile_run[0]


@pytest.fixture(scope="module")
def hostile_others(corpus_dir):
    """The same page with the tables' other tab on show (only the tab on show is built)."""
    articles, sources = corpus_dir
    with dashboard_args("--articles", str(articles), "--sources", str(sources)):
        at = AppTest.from_file(APP, default_timeout=180)
        at.query_params["place"] = DAMASCUS
        at.session_state["tables_tab"] = "Left out as page furniture"
        return run_dashboard(FakeMap(), {"place": DAMASCUS}, at=at)


@pytest.fixture(scope="module", params=["first tabs", "other tabs"])
def hostile_page(request, hostile_app, hostile_others):
    return hostile_app if request.param == "first tabs" else hostile_others


def test_hostile_corpus_is_the_one_shown(hostile_app):
    assert [visible(c.label) for c in hostile_app.sidebar.checkbox] == sorted(OUTLETS)


def test_hostile_markdown_escapes_every_metacharacter(hostile_page):
    leaks = {md: active for md in carrying_data(hostile_page) if (active := read_markdown(md)[1])}
    assert not leaks, f"unescaped Markdown/HTML/LaTeX around hostile text: {leaks}"


def test_hostile_html_holds_only_our_tags(hostile_page):
    foreign = {body: reader.foreign for body in html_carrying_data(hostile_page) if (reader := HtmlReader(body)).foreign}
    assert not foreign, f"markup from article text in the page's HTML: {foreign}"


def test_hostile_markdown_bolds_only_place_names_and_outlets(hostile_page):
    bold = {b for md in markdown_strings(hostile_page) for b in read_markdown(md)[2]}
    bold |= {b for h in hostile_page.html for b in HtmlReader(h.value).bold}
    assert bold and bold <= {"Damascus", "Palmyra", *OUTLETS}, bold - {"Damascus", "Palmyra", *OUTLETS}


def test_hostile_links_are_only_the_http_source_url(hostile_app):
    targets = {t for md in markdown_strings(hostile_app) for t in read_markdown(md)[3]}
    targets |= {t for h in hostile_app.html for t in HtmlReader(h.value).links}
    assert targets == {"https://example.org/news/story_%281%29?a=1&b=%22two%22"}, targets
    assert all(safe_url(t) for t in targets)


def test_hostile_excerpts_show_every_payload_sentence_as_written(hostile_app):
    shown = shown_html(hostile_app)  # the panel beside the map, and the comparison below it
    assert not set(SENTENCES) - shown, f"payload sentences not shown as written: {set(SENTENCES) - shown}"


def test_hostile_comparison_shows_every_payload_sentence_and_outlet_as_written(hostile_others):
    shown = {HtmlReader(h.value).text.strip() for h in hostile_others.html} | shown_html(hostile_others)
    assert not (set(SENTENCES) | set(OUTLETS)) - shown, (set(SENTENCES) | set(OUTLETS)) - shown


def test_hostile_panel_headings_are_the_outlets_as_written(hostile_app):
    headings = [HtmlReader(heading).text.strip() for h in hostile_app.html
                for heading in re.findall(r"<h5[ >].*?</h5>", h.value, flags=re.S)]
    assert sorted(headings) == sorted(OUTLETS)


def test_hostile_neighbouring_sentences_show_as_written(hostile_app):
    captions = shown_html(hostile_app)
    assert "Hostile test article about Syria." in captions and SENTENCES[1] in captions


def test_hostile_excerpt_captions_show_the_titles_as_written(hostile_app):
    captions = " ".join(shown_html(hostile_app))
    assert all(title in captions for title in TITLES), [t for t in TITLES if t not in captions]


def test_hostile_sidebar_shows_outlets_and_titles_as_written(hostile_app):
    captions = " ".join(shown_html(hostile_app.sidebar))
    single = [e.title for e in ENTRIES if sum(other.outlet == e.outlet for other in ENTRIES) == 1]
    assert len(single) == 3 and all(title in captions for title in single)  # two articles under one outlet: a count
    assert sorted(visible(c.label) for c in hostile_app.sidebar.checkbox) == sorted(OUTLETS)


def test_hostile_load_problems_name_the_bad_values_as_written(hostile_app):
    warnings = " ".join(visible(w.value) for w in hostile_app.warning)
    assert all(f"'{value}'" in warnings for value in (BAD_DATE, BAD_ATTRIBUTION)) and UNKNOWN_FIELD in warnings


def test_hostile_coverage_table_headers_are_the_outlets_as_written(hostile_app):
    assert set(OUTLETS) <= set(hostile_app.dataframe[-1].value.columns)  # the coverage table, after the panel's


def test_hostile_furniture_is_listed_as_written(hostile_others):
    texts = "\n".join(t.value for t in hostile_others.text)
    assert all(line in texts for line in FURNITURE)
    options = hostile_others.selectbox(key="furniture_article").options  # plain text, not Markdown: unescaped
    assert any(option.startswith(f"{OUTLET_MAIN} · {ENTRIES[0].title}") for option in options), options


def test_hostile_map_script_holds_no_raw_outlet(hostile_run):
    _, fake = hostile_run
    script = map_script(fake.calls[-1])
    assert all(outlet not in script for outlet in OUTLETS if re.search(r"[<>`$&\"']", outlet))
    assert not re.search(r"<(script|img|svg|iframe)", script, re.IGNORECASE)


# --- the map on its own ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def frames(parser, corpus_dir):
    articles, problems = load_corpus(*corpus_dir)
    assert len(articles) == len(ENTRIES), problems
    return geoparse(articles, parser)


@pytest.fixture(scope="module")
def hostile_map(frames):
    places, mentions = frames
    return build_map(places, outlet_counts(mentions), outlets=list(OUTLETS))[0]


def raw_tooltips(m: folium.Map) -> list[str]:
    """The tooltip HTML of every clickable shape, as Leaflet receives it."""
    found, stack = [], [m]
    while stack:
        element = stack.pop()
        stack += element._children.values()
        if isinstance(element, folium.GeoJson):
            found += [f["properties"]["tooltip"] for f in element.data["features"] if "tooltip" in f["properties"]]
    return found


def test_hostile_tooltips_hold_only_our_tags(hostile_map):
    tooltips = raw_tooltips(hostile_map)
    assert tooltips
    for tooltip in tooltips:
        bare = re.sub(r"</?(b|br|i)>", "", tooltip)
        assert not re.search(r"[<>`$\\]", bare), tooltip


def test_hostile_tooltips_read_back_as_the_outlets(hostile_map):
    damascus = next(t for t in tooltip_texts(hostile_map) if t.startswith("Damascus"))
    assert all(f"\n{outlet}: " in damascus for outlet in OUTLETS), damascus


def test_hostile_layer_names_are_escaped(hostile_map):
    targets = next(e for e in hostile_map._children.values() if isinstance(e, ViewTargets))
    names = [spec[3] for spec in targets.rings]  # each source's line in the layer control, added by static/view.js
    for outlet in OUTLETS:
        assert any(name.endswith(f"</span> {escape_for_tooltip(outlet)}") for name in names), (outlet, names)


def test_hostile_map_page_holds_no_raw_outlet(hostile_map):
    page = hostile_map.get_root().render()
    assert all(outlet not in page for outlet in OUTLETS if re.search(r"[<>`$&\"']", outlet))


# --- downloads ------------------------------------------------------------------------------------------

def test_hostile_mentions_csv_keeps_the_text_exactly(frames):
    _, mentions = frames
    rows = list(csv.DictReader(io.StringIO(mentions_csv(mentions).decode("utf-8"))))
    assert {row["outlet"] for row in rows} == set(OUTLETS)
    assert set(SENTENCES) <= {row["sentence"] for row in rows}


def test_hostile_places_geojson_keeps_the_outlets_exactly(frames):
    places, _ = frames
    damascus = next(f for f in json.loads(places_geojson(places))["features"] if f["properties"]["place_id"] == DAMASCUS)
    assert damascus["properties"]["outlets"] == "; ".join(sorted(OUTLETS))  # joined as written (one contains "; ")


def test_hostile_unsafe_source_urls_are_never_links():
    assert [url for url in UNSAFE_URLS if safe_url(url)] == [] and safe_url(SAFE_URL)


# --- an uploaded hostile article on the bundled corpus ----------------------------------------------------

@pytest.fixture(scope="module")
def upload_app():
    """The bundled corpus plus the hostile article as this session's upload, only the upload in view."""
    upload = Upload("upload-1-hostile", UPLOAD_FILENAME, article_bytes(), UPLOAD_OUTLET, UPLOAD_TITLE, "")
    with dashboard_args():
        return run_dashboard(FakeMap(), {"place": DAMASCUS, "sources": UPLOAD_OUTLET}, uploads=[upload],
                             flash=f"Added {UPLOAD_FILENAME} as {UPLOAD_OUTLET}.")


def test_hostile_upload_is_a_source_as_written(upload_app):
    labels = [visible(c.label) for c in upload_app.sidebar.checkbox]
    assert UPLOAD_OUTLET in labels and len(labels) == 6


def test_hostile_upload_markdown_escapes_every_metacharacter(upload_app):
    leaks = {md: active for md in carrying_data(upload_app) if (active := read_markdown(md)[1])}
    assert not leaks, f"unescaped Markdown/HTML/LaTeX around hostile text: {leaks}"


def test_hostile_upload_html_holds_only_our_tags(upload_app):
    foreign = {body: reader.foreign for body in html_carrying_data(upload_app) if (reader := HtmlReader(body)).foreign}
    assert not foreign, f"markup from article text in the page's HTML: {foreign}"


def test_hostile_upload_excerpts_show_every_payload_sentence_as_written(upload_app):
    shown = shown_html(upload_app)
    assert not set(SENTENCES) - shown, set(SENTENCES) - shown


def test_hostile_upload_message_names_file_and_outlet_as_written(upload_app):
    assert [visible(s.value) for s in upload_app.success] == [f"Added {UPLOAD_FILENAME} as {UPLOAD_OUTLET}."]


def test_hostile_checkbox_labels_escape_what_acts(hostile_app):
    from geo.page.excerpts import escape_label

    assert sorted(c.label for c in hostile_app.sidebar.checkbox) == sorted(escape_label(o) for o in OUTLETS)


def test_hostile_readme_states_the_payload_counts():
    from hostile import METADATA

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    stated = re.findall(r"^\| hostile payloads: [^|]*\| (\d+):", readme, flags=re.MULTILINE)
    assert stated == [str(len(PAYLOADS)), str(len(METADATA))], stated
