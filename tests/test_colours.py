"""Outlet colours: fixed by the corpus, kept by filters and uploads, never a marker's grey."""

from geo.page.colours import (
    FILL_GREYS,
    OUTLET_PALETTE,
    SINGLE_SOURCE_FILL,
    RingMark,
    fill_colour,
    outlet_colours,
    ring_marks,
    valid_colour,
)


def test_colours_an_upload_takes_a_free_colour_and_moves_nobody():
    corpus = ["The Cradle", "Kurdistan24", "Al Mayadeen English"]
    before = outlet_colours(corpus)
    after = outlet_colours(corpus, later=["Upload: notes.txt"])
    assert {o: after[o] for o in corpus} == before and after["Upload: notes.txt"] not in before.values()


def test_colours_the_sources_file_may_fix_a_colour_and_the_others_avoid_it():
    colours = outlet_colours(["A", "B"], chosen={"B": "#0072B2", "A": "not a colour"})
    assert colours["B"] == "#0072b2" and colours["A"] != "#0072b2"


def test_colours_past_the_palette_an_outlet_has_none():
    outlets = [f"outlet {i:02d}" for i in range(len(OUTLET_PALETTE) + 2)]
    colours = outlet_colours(outlets)
    assert len(set(colours.values())) == len(OUTLET_PALETTE) and "outlet 08" not in colours


def test_colours_fills_are_white_for_one_source_then_darker_greys():
    assert fill_colour(1) == SINGLE_SOURCE_FILL and fill_colour(2) == FILL_GREYS[0] and fill_colour(40) == FILL_GREYS[-1]


def test_colours_only_a_hex_colour_is_a_colour():
    assert valid_colour("#A1b2C3") == "#a1b2c3"
    assert valid_colour("red;background:url(x)") is None and valid_colour(" #a1b2c3") is None and valid_colour(7) is None


def test_colours_eight_outlets_each_have_their_own():
    colours = outlet_colours([f"outlet {i}" for i in range(8)])
    assert len(colours) == 8 == len(set(colours.values())) and not set(colours.values()) & {*FILL_GREYS, SINGLE_SOURCE_FILL}


def test_colours_past_the_palette_rings_repeat_the_colours_dashed_then_dotted():
    outlets = [f"outlet {i:02d}" for i in range(26)]
    marks = ring_marks(outlets, outlet_colours(outlets))
    assert len(marks) == 24 == len(set(marks.values())) and "outlet 24" not in marks
    assert marks["outlet 00"] == RingMark(OUTLET_PALETTE[0].lower(), "solid")
    assert marks["outlet 08"] == RingMark(OUTLET_PALETTE[0].lower(), "dashed")
    assert marks["outlet 16"] == RingMark(OUTLET_PALETTE[0].lower(), "dotted")
    # A colour the sources file sets rings solid; nobody else rings solid in it.
    chosen = outlet_colours(outlets, chosen={"outlet 20": "#123456"})
    assert ring_marks(outlets, chosen)["outlet 20"] == RingMark("#123456", "solid")
    assert len(set(ring_marks(outlets, chosen).values())) == 25  # nine solid, sixteen after them


def test_colours_a_ring_mark_is_kept_whatever_comes_after():
    outlets = [f"outlet {i:02d}" for i in range(10)]
    colours = outlet_colours(outlets, later=["Upload: notes.txt"])
    alone = ring_marks(outlets, outlet_colours(outlets))
    assert {o: m for o, m in ring_marks([*outlets, "Upload: notes.txt"], colours).items() if o in outlets} == alone
