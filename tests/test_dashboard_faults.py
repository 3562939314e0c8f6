"""The dashboard with a failing online geocoder (a fake Nominatim on 127.0.0.1): it keeps working offline.

The geocoder comes from Streamlit secrets, read once per server by a cached resource, so each
test clears Streamlit's resource cache before and after (later tests get the offline app).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest
from test_geocoder import fake  # noqa: F401 - the fake Nominatim fixture

from geo.page.views import Upload

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")
REPORT = Upload("upload-1-report", "report.txt", b"The strike hit a depot in Qaryat Zulfa on Monday, officials in Damascus said.",
                "Field Desk", "Report", "2025-04-11")


@pytest.fixture
def clean_caches():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def run(fake, tmp_path, **settings) -> AppTest:  # noqa: F811 - fake is the fixture's server
    at = AppTest.from_file(APP, default_timeout=180)
    at.secrets["geocoder"] = {"enabled": True, "scheme": "http", "domain": f"127.0.0.1:{fake.port}", "timeout": 0.5,
                              "min_delay_seconds": 0, "cooldown_seconds": 0,
                              "cache_path": str(tmp_path / "geocode-cache.json"), **settings}
    at.session_state["uploads"] = [REPORT]
    at.query_params["sources"] = "Field Desk"
    return at.run()


def place_names(at: AppTest) -> list[str]:
    """The names in "Find a place" (its labels read "Damascus (city, SY)")."""
    return [str(o).split(" (")[0] for o in at.selectbox[0].options]


@pytest.mark.parametrize("mode", ["500", "429", "malformed", "wrong shape", "slow", "hang"])
def test_dashboard_faults_a_failing_geocoder_leaves_the_offline_places_and_one_message(fake, tmp_path, clean_caches,  # noqa: F811
                                                                                       mode):
    fake.mode = mode
    at = run(fake, tmp_path, cooldown_seconds=60)  # the default: after a failure, pause instead of retrying
    assert not at.exception
    messages = [w.value for w in at.warning if "geocoder" in w.value]
    assert len(messages) == 1, messages
    assert "Damascus" in place_names(at) and "Qaryat Zulfa" not in place_names(at)


def test_dashboard_faults_a_working_geocoder_adds_the_place_and_caches_it(fake, tmp_path, clean_caches):  # noqa: F811
    at = run(fake, tmp_path)
    assert not at.exception and not [w for w in at.warning if "geocoder" in w.value]
    assert "Qaryat Zulfa" in place_names(at)
    cached = json.loads((tmp_path / "geocode-cache.json").read_text(encoding="utf-8"))
    assert any(key.endswith("qaryat zulfa") for key in cached)


def test_dashboard_faults_a_bad_geocoder_secret_is_a_message_not_an_error(fake, tmp_path, clean_caches):  # noqa: F811
    at = run(fake, tmp_path, timeout="soon")
    assert not at.exception
    assert any("Online geocoder off" in w.value and "timeout" in w.value for w in at.warning)
