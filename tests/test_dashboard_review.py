"""The dashboard's review, corrections, time and search controls, run headless with AppTest."""

from __future__ import annotations

import re
import sys

import pandas as pd
from streamlit.testing.v1 import AppTest
from test_dashboard import APP, FakeMap, html_text, rerun

from geo.gazetteer.index import DATA_DIR
from geo.page.views import Upload
from geo.resolution.corrections import load_corrections
from geo.store import read
from geo.store.read import View
from geo.text.corpus import load_sources
from geo.types import Correction

PALMYRA = "curated:palmyra"


def start(monkeypatch, tmp_path, *args: str, query: dict | None = None, mode: str | None = "file",
          corrections_text: str | None = None, fake: FakeMap | None = None, user: dict | None = None,
          secrets: dict | None = None) -> tuple[AppTest, FakeMap]:
    """The page keeping its own store of the bundled articles, with its corrections file in ``tmp_path``;
    ``mode`` "file" is the owner's opt-in (one's own machine), None no setting (a shared deployment)."""
    corrections = tmp_path / "corrections.toml"
    if corrections_text is not None:
        corrections.write_text(corrections_text, encoding="utf-8")
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--articles", str(DATA_DIR / "articles"), "--sources",
                                      str(DATA_DIR / "sources.toml"), "--store", str(tmp_path / "store"),
                                      "--corrections", str(corrections), *args])
    if mode:
        monkeypatch.setenv("NEWSGEO_CORRECTIONS", mode)
    else:
        monkeypatch.delenv("NEWSGEO_CORRECTIONS", raising=False)
    at = AppTest.from_file(APP, default_timeout=180)
    if user is not None:
        at.user = user
    for name, value in (secrets or {}).items():
        at.secrets[name] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.session_state["review_open"] = True  # "How sure" opened, as a reader clicks it
    fake = fake or FakeMap()
    rerun(at, fake)
    return at, fake


def widget(at: AppTest, kind: str, label: str):
    found = [w for w in getattr(at, kind) if w.label == label]
    assert len(found) == 1, f"{kind} {label!r}: {[w.label for w in getattr(at, kind)]}"
    return found[0]


def excerpt_outlets(at: AppTest) -> list[str]:
    return [html_text(heading).strip() for h in at.html for heading in re.findall(r"<h5[ >].*?</h5>", h.value, flags=re.S)]


def save(at: AppTest, fake: FakeMap) -> AppTest:
    """Save, for every article unless the reader chose where (the form chooses nothing itself)."""
    if widget(at, "radio", "Where").value is None:
        widget(at, "radio", "Where").set_value("Every article")
        rerun(at, fake)
    widget(at, "button", "Save correction").click()
    return rerun(at, fake)  # the page reruns itself after saving (within this run, in AppTest)


def test_dashboard_review_shows_confidence_why_and_alternatives(monkeypatch, tmp_path):
    at, _ = start(monkeypatch, tmp_path, query={"place": PALMYRA})
    review = next(e for e in at.expander if e.label.startswith("How sure: "))
    blocks = [html_text(h.value) for h in review.get("html")]  # one block per name, wrapped to the panel
    [table] = [b for b in blocks if "it could also be" in b]
    assert table.index("Palmyra") < table.index("Tadmor") and "Syria is named" in table
    assert "(city, NJ, US)" in table and not review.dataframe  # a table there scrolled sideways
    choices = widget(at, "selectbox", "It is").options
    assert choices[-2:] == ["Not a place", "Another place…"]
    assert any(re.fullmatch(r"Palmyra \(city, NJ, US\) \d+%", c) for c in choices), choices  # with its score


def test_dashboard_the_correction_form_chooses_nothing_and_says_what_save_will_do(monkeypatch, tmp_path):
    at, fake = start(monkeypatch, tmp_path, query={"place": PALMYRA})
    assert widget(at, "selectbox", "It is").value is None and widget(at, "radio", "Where").value is None
    assert widget(at, "button", "Save correction").disabled
    store = read.open_store(tmp_path / "store")
    review = read.place_review(store, PALMYRA, View(tuple(read.source_summaries(store)["outlet"])))
    new_jersey = next(a["place_id"] for a in review["alternatives"].iloc[0] if a["admin1"] == "NJ")
    widget(at, "selectbox", "It is").set_value(new_jersey)
    rerun(at, fake)
    assert widget(at, "button", "Save correction").disabled  # where it applies: not chosen yet
    widget(at, "radio", "Where").set_value("Every article")
    rerun(at, fake)
    assert not widget(at, "button", "Save correction").disabled
    said = [c.value.replace("\\", "") for c in at.caption if c.value.startswith("Saving")]  # Markdown escapes aside
    mentions = pd.read_parquet(store.table_path("mentions"))
    palmyra = mentions[(mentions["place_id"] == PALMYRA) & (mentions["surface"] == "Palmyra")]
    assert said == [f"Saving moves {len(palmyra)} mentions of “Palmyra” in {palmyra['article_id'].nunique()} articles "
                    "from Palmyra (city, SY) to Palmyra (city, NJ, US), for every reader of this map."]
    widget(at, "radio", "Where").set_value("One mention")
    rerun(at, fake)
    assert not [c for c in at.caption if c.value.startswith("Saving")]  # which mention: not chosen yet
    article = widget(at, "selectbox", "Article").value
    widget(at, "radio", "Mention").set_value(int(palmyra[palmyra["article_id"] == article]["start"].min()))
    rerun(at, fake)
    assert [c.value.replace("\\", "") for c in at.caption if c.value.startswith("Saving")] == [
        "Saving moves 1 mention of “Palmyra” in 1 article from Palmyra (city, SY) to Palmyra (city, NJ, US), for every "
        "reader of this map."]
    widget(at, "selectbox", "It is").set_value("none")
    rerun(at, fake)
    assert [c.value.replace("\\", "") for c in at.caption if c.value.startswith("Saving")] == [
        "Saving takes 1 mention of “Palmyra” in 1 article off Palmyra (city, SY): not a place, for every reader of this "
        "map."]
    assert not (tmp_path / "corrections.toml").exists()


def test_dashboard_not_a_place_in_file_mode_is_written_and_survives_a_restart(monkeypatch, tmp_path):
    at, fake = start(monkeypatch, tmp_path, query={"place": PALMYRA})
    widget(at, "selectbox", "It is").set_value("none")
    at = save(at, fake)
    assert any("Saved to" in s.value for s in at.success)
    corrections, problems = load_corrections(tmp_path / "corrections.toml")
    assert problems == [] and [(c.surface, c.place, c.article) for c in corrections] == [("Palmyra", "none", "")]
    again, _ = start(monkeypatch, tmp_path, query={"place": PALMYRA})  # a restart: the store was rebuilt with it
    assert excerpt_outlets(again).count("Reuters (republished)") == 0  # Reuters wrote "Palmyra" only
    assert all("<strong>Palmyra</strong>" not in h.value for h in again.html)


EDITORS = {"corrections": {"editors": ["Ana@Newsroom.example"]}}


def test_dashboard_a_visitor_not_signed_in_cannot_change_the_shared_file(monkeypatch, tmp_path):
    # No opt-in and nobody signed in: what plain `streamlit run` gives a shared deployment.
    at, fake = start(monkeypatch, tmp_path, query={"place": PALMYRA}, mode=None, user={"is_logged_in": False},
                     secrets=EDITORS)
    widget(at, "selectbox", "It is").set_value("none")
    at = save(at, fake)
    assert not (tmp_path / "corrections.toml").exists()
    assert any("Applied in your session" in s.value for s in at.success)
    assert [c.surface for c in at.session_state["own_corrections"]] == ["Palmyra"]


def test_dashboard_a_signed_in_reader_off_the_list_cannot_change_the_shared_file(monkeypatch, tmp_path):
    user = {"is_logged_in": True, "email": "eve@elsewhere.example", "email_verified": True}
    at, fake = start(monkeypatch, tmp_path, query={"place": PALMYRA}, mode=None, user=user, secrets=EDITORS)
    widget(at, "selectbox", "It is").set_value("none")
    at = save(at, fake)
    assert not (tmp_path / "corrections.toml").exists()
    assert any("Applied in your session" in s.value for s in at.success)


def test_dashboard_a_signed_in_editor_saves_for_everyone(monkeypatch, tmp_path):
    user = {"is_logged_in": True, "email": "ana@newsroom.example", "email_verified": True}
    at, fake = start(monkeypatch, tmp_path, query={"place": PALMYRA}, mode=None, user=user, secrets=EDITORS)
    widget(at, "selectbox", "It is").set_value("none")
    at = save(at, fake)
    assert any("Saved to" in s.value for s in at.success)
    corrections, _ = load_corrections(tmp_path / "corrections.toml")
    assert [(c.surface, c.place) for c in corrections] == [("Palmyra", "none")]


def test_dashboard_an_unverified_address_is_not_an_editor(monkeypatch, tmp_path):
    user = {"is_logged_in": True, "email": "ana@newsroom.example", "email_verified": False}
    at, fake = start(monkeypatch, tmp_path, query={"place": PALMYRA}, mode=None, user=user, secrets=EDITORS)
    widget(at, "selectbox", "It is").set_value("none")
    save(at, fake)
    assert not (tmp_path / "corrections.toml").exists()


def test_dashboard_one_mention_to_another_place_found_in_the_gazetteer(monkeypatch, tmp_path):
    at, fake = start(monkeypatch, tmp_path, query={"place": PALMYRA}, mode="session")
    widget(at, "radio", "Where").set_value("One mention")
    rerun(at, fake)
    articles = widget(at, "selectbox", "Article")
    sources, _ = load_sources(DATA_DIR / "sources.toml")
    [reuters] = [article for article, source in sources.items() if source.outlet == "Reuters (republished)"]
    assert articles.format_func(reuters) in articles.options
    articles.set_value(reuters)
    rerun(at, fake)
    mention = widget(at, "radio", "Mention")
    assert mention.value is None and len(mention.options) == 1 and "**Palmyra**" in mention.options[0]
    mentions = pd.read_parquet(read.open_store(tmp_path / "store").table_path("mentions"))
    [offset] = mentions[(mentions["article_id"] == reuters) & (mentions["surface"] == "Palmyra")]["start"]
    assert mention.format_func(int(offset)) == mention.options[0]
    mention.set_value(int(offset))
    rerun(at, fake)
    widget(at, "selectbox", "It is").set_value("\0another")
    rerun(at, fake)
    widget(at, "text_input", "Find the place").set_value("Homs")
    rerun(at, fake)
    place = widget(at, "selectbox", "Place")
    assert place.options[0] in ("Homs (region, Syria)", "Homs (city, Syria)")
    place.set_value("geonames:169577")
    rerun(at, fake)
    at = save(at, fake)
    own = at.session_state["own_corrections"]
    assert len(own) == 1 and own[0].start is not None and own[0].article and own[0].place == "geonames:169577"
    assert not (tmp_path / "corrections.toml").exists()  # session mode: nothing written
    assert "Homs (city, SY)" in widget(at, "selectbox", "Find a place").options
    assert excerpt_outlets(at) == ["The Cradle"]  # Reuters' one "Palmyra" is Homs now


def test_dashboard_a_corrupt_corrections_file_is_reported_kept_and_not_overwritten(monkeypatch, tmp_path):
    broken = "[[correction]\nsurface = "
    at, fake = start(monkeypatch, tmp_path, query={"place": PALMYRA}, corrections_text=broken)
    warnings = [w.value.replace("\\", "") for w in at.warning]  # Markdown escapes aside
    assert any("corrections.toml" in w and "cannot read the corrections file" in w for w in warnings), warnings
    widget(at, "selectbox", "It is").set_value("none")
    at = save(at, fake)
    assert any("kept in this session until the file is fixed" in w.value for w in at.warning)
    assert (tmp_path / "corrections.toml").read_text(encoding="utf-8") == broken
    assert at.session_state["own_corrections"][0].place == "none"


def test_dashboard_a_correction_that_no_longer_applies_is_reported(monkeypatch, tmp_path):
    text = '[[correction]]\nsurface = "Palmyra"\narticle = "gone-article"\nplace = "none"\n'
    at, _ = start(monkeypatch, tmp_path, corrections_text=text)
    assert any("entry 1 ('Palmyra'): article 'gone-article' is not in the corpus; skipped" in w.value.replace("\\", "")
               for w in at.warning), [w.value for w in at.warning]


def test_dashboard_corrections_tab_lists_downloads_and_takes_back(monkeypatch, tmp_path):
    at, fake = start(monkeypatch, tmp_path, mode="session")
    at.session_state["own_corrections"] = [Correction("Palmyra", "none", created="2026-12-01T00:00:00+00:00")]
    at.session_state["tables_tab"] = "Corrections"
    rerun(at, fake)
    assert list(at.dataframe[-1].value["name as written"]) == ["Palmyra"]
    assert any(b.label.startswith("Download the corrections") for b in at.get("download_button"))
    widget(at, "selectbox", "Take a correction back").set_value(0)
    rerun(at, fake)
    widget(at, "button", "Take it back").click()
    rerun(at, fake)
    assert at.session_state["own_corrections"] == []


def test_dashboard_add_a_missed_name_links_it_in_its_article(monkeypatch, tmp_path):
    at, fake = start(monkeypatch, tmp_path, mode="session")
    at.session_state["tables_tab"] = "Corrections"
    rerun(at, fake)
    widget(at, "text_input", "Name as written in the article").set_value("Turkish Defense Ministry")
    widget(at, "selectbox", "Article").set_value("000_fb80890b4044597b")
    rerun(at, fake)
    assert any("1 occurrence of that name" in c.value for c in at.caption)
    widget(at, "text_input", "Find the place").set_value("Ankara")
    rerun(at, fake)
    widget(at, "selectbox", "Place").set_value("curated:ankara")
    rerun(at, fake)
    widget(at, "button", "Link it").click()
    rerun(at, fake)
    at = rerun(at, fake)
    at.session_state["place"] = "curated:ankara"
    rerun(at, fake)
    assert any("<strong>Turkish Defense Ministry</strong>" in h.value for h in at.html)


def test_dashboard_needs_review_lists_the_unsure_and_opens_a_place(monkeypatch, tmp_path):
    at, fake = start(monkeypatch, tmp_path)
    at.session_state["tables_tab"] = "Needs review"
    rerun(at, fake)
    queue = at.dataframe[-1].value
    assert "venue inferred, not named" in set(queue["why"])
    assert list(queue["confidence"]) == sorted(queue["confidence"])


def test_dashboard_undated_articles_stay_unless_excluded(monkeypatch, tmp_path):
    upload = Upload("upload-1", "note.txt", b"Talks were held in Baku.", "My desk", "", "")
    at, fake = start(monkeypatch, tmp_path, query={"since": "2025-04-12"})
    at.session_state["uploads"] = [upload]
    rerun(at, fake)
    articles = int(next(m.value for m in at.metric if m.label == "Articles in view"))
    assert articles == 2  # The Cradle's, and the undated upload
    toggle = widget(at, "toggle", "Include the undated article")
    toggle.set_value(False)
    rerun(at, fake)
    assert int(next(m.value for m in at.metric if m.label == "Articles in view")) == 1
    assert at.query_params["undated"] in ("no", ["no"])


def test_dashboard_country_level_places_are_in_the_link(monkeypatch, tmp_path):
    at, fake = start(monkeypatch, tmp_path, query={"countries": "yes"})
    assert widget(at, "toggle", "Country-level places on the map").value is True
    widget(at, "toggle", "Country-level places on the map").set_value(False)
    rerun(at, fake)
    assert "countries" not in at.query_params
    widget(at, "toggle", "Country-level places on the map").set_value(True)
    rerun(at, fake)
    assert at.query_params["countries"] in ("yes", ["yes"])
    plain, _ = start(monkeypatch, tmp_path)
    assert widget(plain, "toggle", "Country-level places on the map").value is False


def test_dashboard_articles_about_a_place_narrow_the_view_and_the_link(monkeypatch, tmp_path):
    at, fake = start(monkeypatch, tmp_path, query={"about": PALMYRA})
    assert widget(at, "selectbox", "Articles about").value == PALMYRA
    assert int(next(m.value for m in at.metric if m.label == "Articles in view")) == 1
    sidebar = " ".join(html_text(h.value) for h in at.sidebar.html)
    assert "about Palmyra" in sidebar and "about Baku" in sidebar


def test_dashboard_search_lists_sentences_and_highlights_their_places(monkeypatch, tmp_path):
    at, fake = start(monkeypatch, tmp_path, query={"q": "red line"})
    expander = next(e for e in at.expander if "with “red line”" in e.label)
    assert "2 source" in expander.label
    assert any("<strong>red line</strong>" in h.value for h in expander.html)
    script = fake.calls[-1]["feature_group"]
    assert script and "\"weight\": 9" in script  # the places of those sentences, highlighted
    widget(at, "text_input", "Search the articles").set_value("no such phrase anywhere")
    rerun(at, fake)
    assert any("No sentence in view has" in e.label for e in at.expander)


def test_dashboard_the_review_is_built_only_once_opened(monkeypatch, tmp_path):
    at, fake = start(monkeypatch, tmp_path, query={"place": PALMYRA})
    at.session_state["review_open"] = False
    rerun(at, fake)
    review = next(e for e in at.expander if e.label.startswith("How sure: "))
    assert not review.dataframe and not [s for s in at.selectbox if s.label == "It is"]


def test_dashboard_timeline_is_drawn_over_the_coverage_table(monkeypatch, tmp_path):
    at, _ = start(monkeypatch, tmp_path)
    assert len(at.get("vega_lite_chart")) == 1


def test_dashboard_each_show_all_switch_is_under_its_source_s_sentences(monkeypatch, tmp_path):
    at, fake = start(monkeypatch, tmp_path, query={"place": "country:SY"})
    at.session_state["compare_on"] = False  # the sentences one source after another beside the map
    rerun(at, fake)
    sequence = []

    def walk(node) -> None:  # the page's elements in the order a reader meets them
        if getattr(node, "type", "") == "html" and (heading := re.search(r"<h5[ >].*?</h5>", node.value, flags=re.S)):
            sequence.append(("sentences", html_text(heading.group(0)).strip(), len(re.findall(r"<p[ >]", node.value))))
        elif getattr(node, "type", "") == "toggle" and node.key.startswith("all:"):  # the panel's, not the comparison's
            sequence.append(("switch", node.key, 0))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    switches = [i for i, (kind, _, _) in enumerate(sequence) if kind == "switch"]
    assert switches, sequence  # Syria: more sentences than shown for some source
    for i in switches:  # right under its own source's heading and sentences, one element
        kind, outlet, paragraphs = sequence[i - 1]
        assert kind == "sentences" and sequence[i][1] == f"all:{outlet}" and paragraphs > 0, sequence


def test_dashboard_a_day_picked_keeps_the_others_on_the_timeline_and_all_dates_lets_go(monkeypatch, tmp_path):
    import datetime as dt

    at, fake = start(monkeypatch, tmp_path)
    day = dt.date(2025, 4, 12)
    at.session_state[at.session_state["dates_key"]] = (day, day)  # what a click on the chart's day sets
    rerun(at, fake)
    assert int(next(m.value for m in at.metric if m.label == "Articles in view")) == 1
    [chart] = at.get("vega_lite_chart")
    assert "2025-04-10" in str(chart.proto) and "2025-04-12" in str(chart.proto)  # the other day stays, muted
    widget(at, "button", "All dates").click()
    rerun(at, fake)
    assert int(next(m.value for m in at.metric if m.label == "Articles in view")) == 5
    assert "since" not in at.query_params and not [b for b in at.button if b.label == "All dates"]


def test_dashboard_a_view_of_one_day_says_why_there_is_no_timeline(monkeypatch, tmp_path):
    at, _ = start(monkeypatch, tmp_path, query={"sources": "The Cradle"})  # its one article: 12 April
    assert len(at.get("vega_lite_chart")) == 0
    assert any(c.value == "Every dated article in view was published on 2025-04-12: no timeline to follow."
               for c in at.caption)


def test_dashboard_an_arabic_upload_is_said_and_filtered_by_its_language(monkeypatch, tmp_path):
    text = "قال مسؤولون إن الوفد وصل إلى دمشق لبحث الوضع في تدمر، وإن الاجتماع عقد في باكو.".encode()
    upload = Upload("upload-1-wafd", "wafd.txt", text, "مكتب", "", "", "")
    at, fake = start(monkeypatch, tmp_path)
    at.session_state["uploads"] = [upload]
    rerun(at, fake)
    sidebar = " ".join(html_text(h.value) for h in at.sidebar.html)
    assert "in Arabic" in sidebar
    languages = widget(at, "multiselect", "Languages")
    assert set(languages.options) == {"English (5)", "Arabic (1)"}
    languages.set_value(["ar"])
    rerun(at, fake)
    assert int(next(m.value for m in at.metric if m.label == "Articles in view")) == 1
    assert at.query_params["lang"] in ("ar", ["ar"])
    at.session_state["place"] = "curated:palmyra"
    rerun(at, fake)
    assert any("<strong>تدمر</strong>" in h.value for h in at.html)


def test_dashboard_a_session_correction_s_new_place_rides_on_the_corpus_s_map_and_leaves_with_it(monkeypatch, tmp_path):
    from test_dashboard import additions, map_script

    at, fake = start(monkeypatch, tmp_path, mode="session")
    corpus_script = map_script(fake.calls[-1])
    at.session_state["own_corrections"] = [Correction("Palmyra", "geonames:8348699", created="2026-12-01T00:00:00+00:00")]
    rerun(at, fake)
    # The corpus's map as it was; the place the correction moves Palmyra to comes with the session's additions.
    assert map_script(fake.calls[-1]) == corpus_script
    assert [p["label"] for p in additions(fake.calls[-1])["places"]] == ["Palmyra (city, AU)"]
    at.session_state["own_corrections"] = []  # taken back: the map is told to take it off
    rerun(at, fake)
    assert "newsgeoOwn(map_div, null)" in fake.calls[-1]["feature_group"] and map_script(fake.calls[-1]) == corpus_script
    rerun(at, fake)
    assert "newsgeoOwn" not in (fake.calls[-1]["feature_group"] or "")  # once
