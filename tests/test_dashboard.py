"""The dashboard page, run headless with Streamlit's AppTest."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


@pytest.fixture(scope="module")
def app():
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    assert not at.exception
    return at


def test_dashboard_lists_the_places(app):
    places = app.dataframe[0].value
    assert {"Damascus", "Palmyra", "T4 (Tiyas) air base", "Baku"} <= set(places["name"])


def test_dashboard_shows_excerpts_of_a_chosen_place(app):
    app.selectbox[0].set_value("curated:t4-air-base").run()
    assert any("**Tiyas Air Base**" in m.value for m in app.markdown)


def test_dashboard_source_filter_hides_an_outlet(app):
    app.sidebar.multiselect[0].set_value(["Kurdistan24"]).run()
    assert set(app.dataframe[0].value["outlets"].str.contains("Kurdistan24")) == {True}
    app.sidebar.multiselect[0].set_value(sorted(app.sidebar.multiselect[0].options)).run()
