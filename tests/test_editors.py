"""Who is an editor: a signed-in user whose verified address is on the allow-list (no Streamlit run needed)."""

from __future__ import annotations

from geo.app.editors import is_editor

EDITORS = ["Ana@Newsroom.example", 5, "  bo@desk.example "]


def test_editors_a_signed_in_address_on_the_list_is_an_editor_whatever_its_case():
    assert is_editor({"is_logged_in": True, "email": "ana@newsroom.example"}, EDITORS)
    assert is_editor({"is_logged_in": True, "email": "BO@desk.example", "email_verified": True}, EDITORS)


def test_editors_nobody_else_is():
    assert not is_editor({"email": "ana@newsroom.example"}, EDITORS)  # AppTest's default user: not signed in
    assert not is_editor({"is_logged_in": False, "email": "ana@newsroom.example"}, EDITORS)
    assert not is_editor({"is_logged_in": True, "email": "eve@elsewhere.example"}, EDITORS)
    assert not is_editor({"is_logged_in": True, "email": "ana@newsroom.example", "email_verified": False}, EDITORS)
    assert not is_editor({"is_logged_in": True}, EDITORS)
    assert not is_editor({"is_logged_in": True, "email": "5"}, EDITORS)  # a non-text entry is no address
    assert not is_editor({"is_logged_in": True, "email": "ana@newsroom.example"}, [])
