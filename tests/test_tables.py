"""Below the map: the coverage table's columns and what a pick in a table does."""

from __future__ import annotations

from test_dashboard import FakeMap, rerun, run_app

from geo.app.tables import SCROLL_TO_PANEL, header_width


def test_tables_an_outlet_column_is_wide_enough_for_its_name():
    assert header_width("Al Mayadeen English") > header_width("Kurdistan24") > header_width("AP") == 60
    assert header_width("x" * 500) == 240  # a very long name: the column's help says it whole


def test_tables_a_pick_scrolls_to_the_panel_once():
    fake = FakeMap()
    at = run_app(fake, query={"place": "curated:palmyra"})
    assert not [h for h in at.html if "scrollIntoView" in h.value]
    at.session_state[SCROLL_TO_PANEL] = True  # what a pick in the coverage table or the review queue sets
    rerun(at, fake)
    assert len([h for h in at.html if "scrollIntoView" in h.value]) == 1
    rerun(at, fake)
    assert not [h for h in at.html if "scrollIntoView" in h.value]  # once: the reader scrolls freely after
