"""The reader's session rules, on plain dicts standing in for Streamlit's session state and URL."""

from geo.page.session import held, map_selection, select_place, shown_in_full, take_click

LABELS = {"Palmyra (city, SY)": "palmyra", "Tiyas air base (base, SY)": "t4"}  # a tooltip's label -> its place


def click(count: int, label: str) -> dict:
    return {"last_object_clicked_count": count, "last_object_clicked_tooltip": f"{label}\n3 mentions"}


def test_session_select_place_sets_the_link_and_clearing_removes_it():
    state, params = {}, {}
    select_place(state, params, "palmyra")
    assert state["place"] == params["place"] == "palmyra" and state["picked_on_map"] is False
    select_place(state, params, None)
    assert state["place"] is None and "place" not in params


def test_session_take_click_ignores_a_rerun_s_echo_of_the_same_click():
    state, params = {}, {}
    assert take_click(state, params, click(1, "Palmyra (city, SY)"), LABELS) is True
    assert state["place"] == "palmyra" and state["picked_on_map"] is True
    select_place(state, params, "t4")  # chosen from the list meanwhile
    assert take_click(state, params, click(1, "Palmyra (city, SY)"), LABELS) is False
    assert state["place"] == "t4"
    assert take_click(state, params, None, LABELS) is False


def test_session_take_click_on_empty_map_selects_nothing():
    state, params = {"place": "palmyra"}, {"place": "palmyra"}
    assert take_click(state, params, {"last_object_clicked_count": 2, "last_object_clicked_tooltip": None}, LABELS)
    assert state["place"] is None and "place" not in params


def test_session_map_selection_is_kept_until_a_choice_or_another_map_and_renumbered_then():
    state, params = {}, {}
    drawn = lambda: {"feature_group": "outline();", "center": {"lat": 1, "lng": 2}}  # noqa: E731
    select_place(state, params, "palmyra")
    first = map_selection(state, "map-a", drawn)
    assert first["feature_group"].startswith("/* selection 1 */")
    assert map_selection(state, "map-a", drawn) is first  # another run, nothing chosen: nothing re-sent
    select_place(state, params, "t4", on_map=True)
    assert map_selection(state, "map-a", drawn) is first  # clicked there: outlined by the map itself
    assert map_selection(state, "map-b", drawn)["feature_group"].startswith("/* selection 2 */")
    select_place(state, params, "t4")  # the same place chosen again from the list: drawn again
    assert map_selection(state, "map-b", drawn)["feature_group"].startswith("/* selection 3 */")
    select_place(state, params, None)
    assert map_selection(state, "map-b", lambda: {"feature_group": None, "center": None})["feature_group"] is None


def test_session_held_recomputes_only_when_the_key_changes():
    state, calls = {}, []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert held(state, "view", ("a",), compute) == 1
    assert held(state, "view", ("a",), compute) == 1
    assert held(state, "view", ("b",), compute) == 2 and len(calls) == 2


def test_session_shown_in_full_lists_outlets_with_show_all_on():
    state = {"all:The Cradle": True, "compare-all:Al-Monitor": True, "all:Reuters": False, "context": True, 3: True,
             "all:Gone": True}
    assert shown_in_full(state, ["Reuters", "The Cradle", "Al-Monitor", "Haaretz"]) == ("Al-Monitor", "The Cradle")


def test_session_link_keeps_a_value_and_drops_the_default():
    from geo.page.session import link

    params = {"q": "old"}
    link(params, "sources", "")  # no source chosen is a choice: kept, empty
    link(params, "q", None)
    link(params, "undated", "no")
    assert params == {"sources": "", "undated": "no"}
