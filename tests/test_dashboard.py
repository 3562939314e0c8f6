"""The dashboard, run headless with Streamlit's AppTest (a click is simulated by patching st_folium)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from unittest.mock import patch

import pytest
from streamlit.testing.v1 import AppTest

from geo.page.payload import MAP_START, SERVED, STATIC_DIR
from geo.page.views import Upload

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


class FakeMap:
    """Stands in for streamlit-folium's component: returns the click the test sets, records its arguments."""

    def __init__(self) -> None:
        self.tooltip: str | None = None
        self.count = 0
        self.calls: list[dict] = []

    def click(self, tooltip: str) -> None:
        self.tooltip, self.count = tooltip, self.count + 1

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        return {"last_object_clicked_tooltip": self.tooltip, "last_object_clicked_count": self.count or None}


def map_script(call: dict) -> str:
    """The map's own script: in the component's arguments, or in the file under static serving they link to, after
    the scripts it links (Leaflet's, ours: not the page's to write)."""
    served = [link for link in call["js_links"] if f"/{SERVED}/" in link]
    if not served:
        return call["script"]
    return (STATIC_DIR / SERVED / served[0].rsplit("/", 1)[1]).read_text(encoding="utf-8").split(MAP_START, 1)[1]


def run_app(fake: FakeMap | None = None, query: dict | None = None, uploads: list | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=180)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if uploads is not None:
        at.session_state["uploads"] = uploads
    if fake is None:
        at.run()
    else:
        with patch("streamlit_folium._component_func", fake):
            at.run()
    assert not at.exception, at.exception
    return at


def rerun(at: AppTest, fake: FakeMap) -> AppTest:
    with patch("streamlit_folium._component_func", fake):
        at.run()
    assert not at.exception, at.exception
    return at


def html_text(body: str) -> str:
    """The text of an st.html body as a reader sees it (tags dropped, references decoded)."""
    return html.unescape(re.sub(r"<[^>]*>", "", body))


def marked(at: AppTest) -> set[str]:
    """The place names the excerpts mark in bold."""
    return {m for h in at.html for m in re.findall(r"<strong>(.*?)</strong>", h.value)}


def outlet_headings(at: AppTest) -> list[str]:
    """The outlets heading the panel's excerpts and the comparison's columns."""
    return [html_text(heading).strip() for h in at.html for heading in re.findall(r"<h[1-6][^>]*>.*?</h[1-6]>", h.value)]


def paragraphs(at: AppTest) -> list[str]:
    """Every paragraph of every st.html body (a source's excerpts are one body, a paragraph each)."""
    return [p for h in at.html for p in re.findall(r"<p[ >].*?</p>", h.value, flags=re.S)]


def page_text(at: AppTest) -> str:
    """The page's text as a reader sees it (Markdown escapes removed, HTML as text)."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    markdown = re.sub(r"\\(.)", r"\1", "\n".join(parts + [i.value for i in at.info] + [t.value for t in at.text]))
    return "\n".join([markdown, *(html_text(h.value) for h in at.html)])


def metric(at: AppTest, label: str) -> int:
    return int(next(m.value for m in at.metric if m.label == label))


@pytest.fixture(scope="module")
def app():
    return run_app()


def test_dashboard_runs_and_counts_the_bundled_corpus(app):
    assert metric(app, "Articles in view") == 5 and metric(app, "Sources in view") == 5


def component_args(node) -> list[dict]:
    """The JSON arguments of every custom component below ``node`` (the map is one)."""
    found = []
    proto = getattr(node, "proto", None)
    if proto is not None and getattr(proto, "json_args", ""):
        found.append(json.loads(proto.json_args))
    for child in getattr(node, "children", {}).values():
        found += component_args(child)
    return found


def test_dashboard_every_map_asset_url_is_local(app):
    maps = [args for args in component_args(app.main) if "js_links" in args]
    assert maps, "no map component rendered"
    links = maps[0]["js_links"] + maps[0]["css_links"]
    assert links and all(link.startswith("../../app/static/") for link in links)


def test_dashboard_unchecking_a_source_removes_it(app):
    app.sidebar.checkbox(key="source:Kurdistan24").uncheck().run()
    assert metric(app, "Sources in view") == 4
    assert "Kurdistan24" not in app.dataframe[0].value.columns
    assert app.query_params["sources"]
    app.sidebar.checkbox(key="source:Kurdistan24").check().run()


def test_dashboard_hiding_demonyms_lowers_the_mention_count(app):
    before = metric(app, "Mentions in view")
    app.sidebar.toggle[0].set_value(False).run()
    after = metric(app, "Mentions in view")
    app.sidebar.toggle[0].set_value(True).run()
    assert after < before


def test_dashboard_choosing_a_place_shows_its_excerpts():
    at = run_app(FakeMap())
    at.selectbox[0].set_value("curated:t4-air-base").run()
    text = page_text(at)
    assert "Tiyas Air Base" in marked(at) and "The Cradle" in text


def test_dashboard_a_map_click_opens_the_place_panel():
    fake = FakeMap()
    at = run_app(fake)
    fake.click("Palmyra (city, SY)\nThe Cradle: 3\nReuters (republished): 1")
    rerun(at, fake)
    text = page_text(at)
    assert {"The Cradle", "Reuters (republished)"} <= set(outlet_headings(at)) and "Palmyra" in marked(at)
    assert "Do not mention Palmyra: " in text  # the silent outlets are in the comparison too
    assert "Kurdistan24 (1 article in view)" in text and "Looked for by every name" in text and "Tadmur" in text
    assert at.query_params["place"] == "curated:palmyra"


def test_dashboard_a_rerun_sends_the_very_same_map():
    fake = FakeMap()
    at = run_app(fake)
    fake.click("Palmyra (city, SY)")
    rerun(at, fake)
    first, last = fake.calls[0], fake.calls[-1]
    assert first["key"] == last["key"] and map_script(first) == map_script(last)  # same key and script: no remount
    assert first["js_links"] == last["js_links"] and first["script"] == last["script"] == ""  # the corpus's: a file


def test_dashboard_the_map_returns_clicks_only():
    fake = FakeMap()
    run_app(fake)
    assert set(fake.calls[0]["returned_objects"]) == {"last_object_clicked_tooltip", "last_object_clicked_count"}


def date_range(at: AppTest):
    return next(d for d in at.sidebar.date_input if d.label == "Published between")


def test_dashboard_narrowing_the_dates_keeps_only_those_articles(app):
    dates = date_range(app)
    assert dates.value == (dt.date(2025, 4, 10), dt.date(2025, 4, 12))  # the bundled corpus's first and last
    dates.set_value((dt.date(2025, 4, 12), dt.date(2025, 4, 12))).run()
    assert metric(app, "Articles in view") == 1 and app.query_params["since"] == "2025-04-12"
    assert "until" not in app.query_params  # the last day is no bound: undated articles would stay
    date_range(app).set_value((dt.date(2025, 4, 10), dt.date(2025, 4, 12))).run()
    assert metric(app, "Articles in view") == 5 and "since" not in app.query_params


def test_dashboard_deep_link_dates_are_kept_within_the_corpus():
    at = run_app(query={"since": "2025-04-11", "until": "2099-01-01"})
    assert date_range(at).value == (dt.date(2025, 4, 11), dt.date(2025, 4, 12))
    assert metric(at, "Articles in view") == 1
    at = run_app(query={"since": "not a date"})
    assert metric(at, "Articles in view") == 5


def view_on_map(at: AppTest, call: dict) -> tuple[list[str], dict[str, dict[str, int]]]:
    """(sources in view, each place's mentions per source) that the page's view element hands static/view.js,
    read back through the numbers the map's own script gives its places and sources."""
    element = next(e.proto.body for e in at.get("html") if 'id="newsgeo-view"' in e.proto.body)
    handed = json.loads(html.unescape(re.search(r'data-view="([^"]*)"', element)[1]))
    track = re.search(r'newsgeoTrack\([^,]+, \{"outlets": (\[.*?\]), "fills"', map_script(call))
    outlets = [html.unescape(outlet) for outlet in json.loads(track[1])]
    by_number = {int(i): html.unescape(label) for i, label in re.findall(r'"i": (\d+), "label": "([^"]+)"', map_script(call))}
    if "newsgeoOwn" in (call["feature_group"] or ""):  # a session's own places and sources, numbered after these
        own = additions(call)
        outlets += [None] * (1 + max((o["i"] for o in own["outlets"]), default=-1) - len(outlets))
        for outlet in own["outlets"]:
            outlets[outlet["i"]] = html.unescape(outlet["name"])
        by_number |= {place["i"]: html.unescape(place["label"]) for place in own["places"]}
    counts = {by_number[row[0]]: {outlets[o]: n for o, n in zip(row[1::2], row[2::2], strict=True)}
              for row in handed["counts"]}
    return [outlets[o] for o in handed["outlets"]], counts


def test_dashboard_a_source_switched_off_leaves_the_map():
    fake = FakeMap()
    at = run_app(fake, query={"sources": "The Cradle"})
    in_view, counts = view_on_map(at, fake.calls[-1])
    assert in_view == ["The Cradle"] and counts and all(set(per) == {"The Cradle"} for per in counts.values())
    assert "Erbil (city, IQ)" not in counts and "T4 (Tiyas) air base (air base, SY)" in counts
    assert at.query_params["sources"] == "The Cradle"


def test_dashboard_deep_link_opens_the_place_and_sources():
    at = run_app(FakeMap(), query={"place": "curated:t4-air-base", "sources": "The Cradle"})
    assert metric(at, "Sources in view") == 1 and "T4 (Tiyas) air base" in page_text(at)


def test_dashboard_unknown_place_in_the_link_is_a_gentle_message():
    at = run_app(FakeMap(), query={"place": "curated:atlantis"})
    assert any("does not mention" in i.value for i in at.info)


def test_dashboard_an_uploaded_article_becomes_a_source():
    upload = Upload("upload-1-note", "note.txt", b"Officials met in Palmyra, Syria, on Monday.", "My Desk", "Note", "")
    at = run_app(FakeMap(), uploads=[upload])
    assert metric(at, "Sources in view") == 6 and "My Desk" in app_checkbox_labels(at)


QAMISHLI = "Al Qāmishlī (city, SY)"  # as the gazetteer names it


def test_dashboard_an_upload_s_own_place_is_laid_on_the_corpus_s_map_and_opens_its_panel():
    fake, corpus = FakeMap(), FakeMap()
    run_app(corpus)
    upload = Upload("upload-1-note", "note.txt", b"Reporters visited Qamishli on Tuesday. Officials in Qamishli said the "
                    b"roads were open again, as in Palmyra.", "My <b>Desk</b>", "Note", "")
    at = run_app(fake, uploads=[upload])
    # The corpus's own map, the same script as every reader's; the session's place and source come beside it.
    assert map_script(fake.calls[-1]) == map_script(corpus.calls[-1])
    own = additions(fake.calls[-1])
    assert [html.unescape(p["label"]) for p in own["places"]] == [QAMISHLI] and "<b>" not in own["outlets"][0]["name"]
    sources, counts = view_on_map(at, fake.calls[-1])
    assert "My <b>Desk</b>" in sources
    assert counts[QAMISHLI] == {"My <b>Desk</b>": 2} and counts["Palmyra (city, SY)"]["My <b>Desk</b>"] == 1
    fake.click(f"{QAMISHLI}\nMy <b>Desk</b>: 2 mentions")  # the tooltip's text, as streamlit-folium sends it
    rerun(at, fake)
    assert at.session_state["place"] == own_place_id(at, QAMISHLI) and "Officials in Qamishli said" in page_text(at)
    assert map_script(fake.calls[-1]) == map_script(corpus.calls[-1])


def test_dashboard_a_country_s_side_reads_as_a_place_with_its_country_related_by_name():
    # "southern Lebanon" is the south of Lebanon (geo.gazetteer.sides), a place the corpus never names; its panel
    # names its country, which the corpus does not name either, by its name, not its id.
    upload = Upload("upload-1-note", "note.txt", b"Shelling hit villages in southern Lebanon on Tuesday. Residents of "
                    b"southern Lebanon fled north, officials said.", "Desk", "Note", "")
    at = run_app(FakeMap(), query={"place": "side:country:LB:south"}, uploads=[upload])
    assert "Southern Lebanon" in [s.value for s in at.subheader]
    labels = [re.sub(r"\\(.)", r"\1", b.label) for b in at.button]  # as a reader reads the escaped Markdown
    assert "Related: Lebanon" in labels and not [label for label in labels if "country:" in label]
    assert "<strong>southern Lebanon</strong>" in "".join(h.value for h in at.html)


def own_place_id(at: AppTest, name: str) -> str:
    """The id of the place the session's additions label ``name`` first."""
    labels = at.session_state["held_views"]["own_map"][1].labels
    return next(place_id for label, place_id in labels.items() if label.startswith(name))


def app_checkbox_labels(at: AppTest) -> list[str]:
    return [c.label for c in at.sidebar.checkbox]


def test_dashboard_offers_downloads_of_the_view():
    at = AppTest.from_file(APP, default_timeout=180)
    at.session_state["tables_tab"] = "Downloads"  # only the tab on show is built
    at.run()
    assert len(at.get("download_button")) == 2 and not at.dataframe


def test_dashboard_a_sentence_naming_a_place_twice_is_one_excerpt():
    at = run_app(FakeMap(), query={"place": "curated:palmyra", "sources": "The Cradle"})
    tadmor = [h.value for h in at.html if "Tadmor" in h.value]
    assert len(tadmor) == 1  # in the comparison below the map; the panel beside it says who wrote how many
    assert all("<strong>Palmyra</strong> (<strong>Tadmor</strong>)" in t for t in tadmor)


def test_dashboard_no_excerpt_is_on_the_screen_twice_side_by_side_or_not():
    fake = FakeMap()
    at = run_app(fake, query={"place": "curated:palmyra"})
    sentences = [p for p in paragraphs(at) if "<strong>Palmyra</strong>" in p]
    assert sentences and len(sentences) == len(set(sentences))  # side by side: under the map only
    assert any("naming it" in h.value for h in at.html)  # the panel: each source and how often
    at.session_state["compare_on"] = False
    rerun(at, fake)
    alone = [p for p in paragraphs(at) if "<strong>Palmyra</strong>" in p]
    assert alone and len(alone) == len(set(alone)) and not any("naming it" in h.value for h in at.html)
    assert "Do not mention Palmyra: " in page_text(at)  # who is silent, whether side by side or not


def test_dashboard_a_source_with_several_articles_is_summarised():
    notes = [Upload(f"upload-{n}-note", "note.txt", b"Officials met in Palmyra, Syria.", "My Desk", "", "2025-04-1" + str(n))
             for n in (1, 2)]
    at = run_app(FakeMap(), uploads=notes)
    assert any("2 articles · 2025-04-11 to 2025-04-12" in h.value for h in at.sidebar.html)


def test_dashboard_page_furniture_is_listed_per_article():
    app = AppTest.from_file(APP, default_timeout=180)
    app.session_state["tables_tab"] = "Left out as page furniture"
    app.run()
    stated = next(re.search(r"left out of (\d+) of the 5 article", c.value) for c in app.caption if "furniture" in c.value)
    assert stated and len(app.selectbox(key="furniture_article").options) == int(stated.group(1)) > 0


def test_dashboard_an_uploaded_article_is_geoparsed_into_the_view():
    upload = Upload("upload-1-note", "note.txt", b"Officials met in Palmyra, Syria, on Monday.", "My Desk", "Note", "")
    at = run_app(FakeMap(), uploads=[upload], query={"sources": "My Desk", "place": "curated:palmyra"})
    assert metric(at, "Articles in view") == 1 and metric(at, "Places in view") >= 1
    assert "My Desk" in outlet_headings(at)


def test_dashboard_one_session_s_upload_never_reaches_another():
    upload = Upload("upload-1-note", "note.txt", b"Officials met in Palmyra, Syria.", "Private Desk", "Note", "")
    mine = run_app(FakeMap(), uploads=[upload])
    theirs = run_app(FakeMap())
    assert "Private Desk" in app_checkbox_labels(mine) and "Private Desk" not in app_checkbox_labels(theirs)
    assert metric(theirs, "Sources in view") == 5


def test_dashboard_heads_the_page_with_its_story():
    at = run_app(FakeMap())
    assert at.title[0].value.startswith("Turkey and Israel") and "9–12 April 2025" in page_text(at)


def test_dashboard_the_selected_place_is_shown_on_the_map_it_was_clicked_on():
    fake = FakeMap()
    at = run_app(fake)
    fake.click("Palmyra (city, SY)")
    rerun(at, fake)
    last = fake.calls[-1]
    # Clicked on the map: the map outlines it itself (static/places.js); the arguments stay as
    # they were, so neither the map nor its 300 KB at 10k are sent again, and nothing moves.
    assert {k: last[k] for k in ("script", "feature_group", "center")} == \
        {k: fake.calls[0][k] for k in ("script", "feature_group", "center")}
    at.selectbox[0].set_value("curated:t4-air-base")
    rerun(at, fake)
    assert fake.calls[-1]["center"] and "L.circleMarker" in fake.calls[-1]["feature_group"]  # found: brought into view


def ring_colours(script: str) -> dict[str, str]:
    """Outlet -> the colour of its rings' layer (its line in the layer control), read from the map's script."""
    layers = re.findall(r'border:2px \w+ (#[0-9a-f]{6})\\*"(?:\\u003e|>)(?:\\u003c|<)\\?/span(?:\\u003e|>) ([^"\\]+)', script)
    return {name.strip(): colour for colour, name in layers}


def test_dashboard_an_upload_or_a_filter_recolours_no_outlet():
    fake, with_upload, one = FakeMap(), FakeMap(), FakeMap()
    run_app(fake)
    upload = Upload("upload-1-note", "note.txt", b"Officials met in Palmyra, Syria, on Monday.", "My Desk", "Note", "")
    run_app(with_upload, uploads=[upload])
    alone_run = run_app(one, query={"sources": "The Cradle"})
    before, alone = (ring_colours(map_script(f.calls[-1])) for f in (fake, one))
    # The upload's session has the corpus's map, colours and all; its own source's rings come with its additions.
    assert map_script(with_upload.calls[-1]) == map_script(fake.calls[-1])
    desk = [o for o in additions(with_upload.calls[-1])["outlets"] if o["name"] == "My Desk"]
    assert len(before) == 5 and desk[0]["ring"][0] not in before.values()
    # One source in view: the same map, colours and all; the view hands the browser that source alone.
    assert alone == before and map_script(one.calls[-1]) == map_script(fake.calls[-1])
    assert view_on_map(alone_run, one.calls[-1])[0] == ["The Cradle"]


def additions(call: dict) -> dict:
    """A session's additions to the corpus's map (``geo.page.own_places``), read from the map's feature group."""
    found = re.search(r"newsgeoOwn\(map_div, (\{.*?\})\); \}\n", call["feature_group"] or "")
    assert found, "no additions in the map's feature group"
    return json.loads(found.group(1).replace("<\\/", "</"))


EMPTY = "No source in view — tick one in the sidebar."
TABS = ("Coverage by source", "Needs review", "Corrections", "Left out as page furniture", "Downloads")


@pytest.mark.parametrize("tab", TABS)
def test_dashboard_a_link_to_no_known_source_draws_an_empty_map_and_says_what_to_do(tab):
    fake = FakeMap()
    at = AppTest.from_file(APP, default_timeout=180)
    at.query_params["sources"] = "Nobody"
    at.session_state["tables_tab"] = tab  # every tab is built over the empty view without an error
    at = rerun(at, fake)
    assert EMPTY in [i.value for i in at.info]
    assert fake.calls and view_on_map(at, fake.calls[-1]) == ([], {})  # the map is drawn, with no place shown on it
    assert metric(at, "Places in view") == 0


def test_dashboard_unticking_every_source_leaves_an_empty_map_and_a_message():
    fake = FakeMap()
    at = run_app(fake)
    outlets = ("Al Mayadeen English", "Kurdistan24", "The Cradle", "Associated Press", "Reuters")
    for box in at.sidebar.checkbox:
        if box.label.startswith(outlets):
            box.uncheck()
    at = rerun(at, fake)
    assert EMPTY in [i.value for i in at.info]
    assert metric(at, "Articles in view") == 0


def test_dashboard_dates_its_sources_do_not_cover_leave_an_empty_map_and_a_message():
    fake = FakeMap()
    at = run_app(fake, query={"sources": "The Cradle"})  # published on the 12th only
    date_range(at).set_value((dt.date(2025, 4, 10), dt.date(2025, 4, 11)))
    at = rerun(at, fake)
    assert metric(at, "Articles in view") == 0
    assert any(i.value.startswith("No place in view: the sources ticked name none with these dates") for i in at.info)


def test_dashboard_a_link_to_dates_the_articles_do_not_reach_says_so_until_the_reader_moves_the_dates():
    fake = FakeMap()
    at = run_app(fake, query={"since": "2020-01-01", "until": "2020-01-02"})
    said = [re.sub(r"\\(.)", r"\1", i.value) for i in at.sidebar.info]  # as read, Markdown's escapes gone
    assert any("2020-01-01 to 2020-01-02, outside the articles" in text for text in said), said
    date_range(at).set_value((dt.date(2025, 4, 11), dt.date(2025, 4, 12)))
    at = rerun(at, fake)
    assert not any("outside the articles" in i.value for i in at.sidebar.info)


def test_dashboard_readers_never_see_error_details():
    # A crash the page did not foresee shows Streamlit's short message, not a traceback with the server's paths.
    import tomllib

    config = tomllib.loads((Path(APP).parent / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"


def test_dashboard_runs_give_their_slot_back():
    from tests.test_slots import all_free

    fake = FakeMap()
    at = run_app(fake)
    fake.click("Palmyra (city, SY)\nThe Cradle: 3\nReuters (republished): 1")  # the click reruns the map: st.rerun
    rerun(at, fake)
    assert "Palmyra" in marked(at) and all_free()
