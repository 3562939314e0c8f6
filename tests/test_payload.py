"""The corpus's map script as a file under static serving, named by its content."""

from __future__ import annotations

import os

from geo.page.payload import KEPT, MAP_START, MODIFIED, SERVED, served_script

ARGUMENTS = {"script": "var map_div = L.map('map_div');\n", "js_links": ["../../app/static/places.js"], "key": "k"}


def test_payload_the_script_becomes_the_last_linked_file_named_by_its_content(tmp_path):
    served = served_script(ARGUMENTS, tmp_path, "root")
    link = served["js_links"][-1]
    assert served["script"] == "" and served["js_links"][:-1] == ARGUMENTS["js_links"] and served["key"] == "k"
    assert link.startswith(f"root/{SERVED}/map-") and link.endswith(".js")
    written = tmp_path / SERVED / link.rsplit("/", 1)[1]
    assert written.read_text(encoding="utf-8") == MAP_START + ARGUMENTS["script"]
    # It says it is old (a browser then keeps it without asking: it never changes, being named by its content).
    assert written.stat().st_mtime == MODIFIED
    assert served_script(ARGUMENTS, tmp_path, "root") == served  # the same map: the same file, written once
    other = served_script({**ARGUMENTS, "script": "var map_div = 2;"}, tmp_path, "root")
    assert other["js_links"][-1] != link and sorted(p.name for p in (tmp_path / SERVED).iterdir()) == sorted(
        [link.rsplit("/", 1)[1], other["js_links"][-1].rsplit("/", 1)[1]])  # no partial file left behind


def test_payload_only_the_maps_used_last_are_kept(tmp_path):
    names = []
    for n in range(KEPT):
        names.append(served_script({**ARGUMENTS, "script": f"var map_div = {n};"}, tmp_path, "r")["js_links"][-1]
                     .rsplit("/", 1)[1])
        os.utime(tmp_path / SERVED / names[-1], (n, MODIFIED))  # used a second apart, the first the longest ago
    served_script({**ARGUMENTS, "script": "var map_div = 0;"}, tmp_path, "r")  # the first used again: the last used
    for n in range(KEPT, KEPT + 3):
        served_script({**ARGUMENTS, "script": f"var map_div = {n};"}, tmp_path, "r")
    kept = {p.name for p in (tmp_path / SERVED).glob("map-*.js")}
    assert len(kept) == KEPT and names[0] in kept and not {names[1], names[2], names[3]} & kept


def test_payload_a_read_only_app_folder_keeps_the_script_in_the_page(tmp_path):
    (tmp_path / SERVED).mkdir()
    (tmp_path / SERVED).chmod(0o500)
    try:
        if os.access(tmp_path / SERVED, os.W_OK):  # root writes anyway: the folder is then a file instead
            (tmp_path / SERVED).chmod(0o700)
            (tmp_path / SERVED).rmdir()
            (tmp_path / SERVED).write_text("not a folder")
        assert served_script(ARGUMENTS, tmp_path, "root") == ARGUMENTS
    finally:
        if (tmp_path / SERVED).is_dir():
            (tmp_path / SERVED).chmod(0o700)


def test_payload_the_linked_scripts_go_in_the_map_s_file_before_its_script_in_their_order(tmp_path):
    (tmp_path / "vendor" / "leaflet").mkdir(parents=True)
    for name, text in (("vendor/leaflet/leaflet.js", "var L = 1;"), ("view.js", "var v = 1;"),
                       ("places.js", "var p = 1;"), ("leaflet-setup.js", "var s = 1;")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    links = ["root/vendor/leaflet/leaflet.js", "root/leaflet-setup.js", "root/places.js", "root/view.js",
             "root/missing.js", "root/../outside.js", "https://example.org/x.js"]
    (tmp_path.parent / "outside.js").write_text("var o = 1;", encoding="utf-8")
    served = served_script({**ARGUMENTS, "js_links": links}, tmp_path, "root")
    # What is not a script of the static folder stays a link (none of ours is, but nothing else is read).
    assert served["js_links"][:-1] == ["root/missing.js", "root/../outside.js", "https://example.org/x.js"]
    written = (tmp_path / SERVED / served["js_links"][-1].rsplit("/", 1)[1]).read_text(encoding="utf-8")
    order = [written.index(text) for text in ("var L = 1;", "var s = 1;", "var p = 1;", "var v = 1;", ARGUMENTS["script"])]
    assert order == sorted(order) and "var o = 1;" not in written
    (tmp_path / "view.js").write_text("var v = 2;", encoding="utf-8")  # a deploy changed it: another file
    assert served_script({**ARGUMENTS, "js_links": links}, tmp_path, "root")["js_links"][-1] != served["js_links"][-1]
