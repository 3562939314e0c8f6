"""An Arabic article in a real browser: uploaded, its places on the map, its excerpt right to left, nothing run."""

from __future__ import annotations

from playwright.sync_api import expect

from .helpers import find_shape, map_shapes, wait_for_idle, wait_for_map, wait_until
from .test_hostile import arm, assert_nothing_ran

OUTLET = "مكتب الاختبار"  # "the test desk": an outlet's name in Arabic, as a reader would type it
ARTICLE = ("قال مسؤولون إن الوفد وصل إلى دمشق لبحث الوضع في تدمر ومطار التيفور، وإن الاجتماع سيُعقد في باكو. "
           "<img src=x onerror=top.__pwned=1> ${top.__pwned=1} <script>top.__pwned=1</script>\n").encode()


def test_e2e_an_arabic_upload_lands_on_the_same_markers_and_reads_right_to_left(page, app, traffic):
    guard = arm(page)
    page.goto(app.url)
    wait_for_map(page)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Add an article (this session only)").click()
    sidebar.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "wafd.txt", "mimeType": "text/plain", "buffer": ARTICLE}])
    expect(sidebar.get_by_test_id("stFileChipName")).to_have_attribute("title", "wafd.txt")
    sidebar.get_by_role("textbox", name="Outlet", exact=True).fill(OUTLET)
    sidebar.get_by_role("button", name="Add to the map").click()
    expect(sidebar.get_by_test_id("stAlertContentSuccess")).to_contain_text(OUTLET)
    expect(sidebar.get_by_text("in Arabic", exact=False).first).to_be_visible()  # detected, and said

    frame = wait_for_map(page)
    wait_until(page, lambda: any(s.label == "Palmyra (city, SY)" and OUTLET in s.tooltip for s in map_shapes(frame)),
               "Palmyra's marker never counted the Arabic article")
    palmyra = find_shape(frame, "Palmyra (city, SY)")
    assert "تدمر" in palmyra.tooltip  # the name the article used, beside the English one
    palmyra.locator.dispatch_event("click")
    wait_for_idle(page)
    main = page.get_by_test_id("stMain")
    excerpt = main.locator("p", has=page.locator("strong", has_text="تدمر")).first
    expect(excerpt).to_be_visible()
    direction = excerpt.evaluate("p => getComputedStyle(p).direction")
    assert direction == "rtl", direction  # dir="auto" takes the sentence's own direction
    assert "<img" in main.inner_text() or "onerror" in main.inner_text()  # the markup shows as text
    assert_nothing_ran(page, guard, traffic)
