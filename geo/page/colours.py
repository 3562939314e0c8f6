"""Colours a reader can rely on: one per outlet, kept wherever the outlet shows, and marker
fills that no outlet's colour can be taken for.

Outlets take the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), whose
colours stay distinct for readers with the common colour-vision deficiencies. Each outlet's
colour is fixed by the corpus, not by what is in view: the sources file may set it
(``[[outlet]]`` rows with ``name`` and ``colour``), and the others take the free colours in
the order of their names. A filter therefore recolours nothing, and an uploaded article's
outlet takes a colour left free without moving anyone else's. Past the palette, outlets have
no colour of their own in text; on the map their rings take the palette's colours again with
a second cue, a dashed and then a dotted line (``ring_marks``): twenty-four sources in all.

Marker fills are greys, darker as more outlets name the place; a place only one outlet
names is white, so it stands out without a hue.
"""

from __future__ import annotations

from typing import NamedTuple

from ..text.corpus import valid_colour  # a sources-file field, checked where the file is read

__all__ = ["FILL_GREYS", "OUTLET_PALETTE", "RING_LINES", "SINGLE_SOURCE_FILL", "RingMark", "fill_colour",
           "outlet_colours", "ring_marks", "valid_colour"]

# Okabe–Ito without black (the selection's highlight), then Paul Tol's wine (dark, so it stays apart from Okabe–Ito's
# light reddish purple for every common colour-vision deficiency), yellow last (faint on a light map): eight outlets.
OUTLET_PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#882255", "#F0E442")
SINGLE_SOURCE_FILL = "#ffffff"
FILL_GREYS = ("#bdbdbd", "#969696", "#636363", "#252525")  # 2, 3, 4, 5 or more outlets
# A ring's line, as CSS names it (the key's swatch) and as Leaflet draws it (its dashArray; round caps make "1 3" dots).
RING_LINES = {"solid": "", "dashed": "5 3", "dotted": "1 3"}


class RingMark(NamedTuple):
    """How a source's rings are drawn: a colour and a line (a key of ``RING_LINES``)."""

    colour: str
    line: str


def outlet_colours(outlets, chosen: dict[str, str] | None = None, later=()) -> dict[str, str]:
    """``outlet -> colour`` for the corpus's ``outlets`` and then the ``later`` ones (uploads).

    ``chosen``: colours the sources file sets (invalid ones are ignored; a colour set twice
    goes to the first outlet alphabetically). The rest take the palette's free colours, the
    corpus's outlets by name first, then ``later`` in their order; outlets left over get none.
    """
    colours: dict[str, str] = {}
    taken: set[str] = set()
    ordered = sorted(dict.fromkeys(outlets))
    everyone = ordered + [o for o in dict.fromkeys(later) if o not in set(ordered)]
    for outlet in ordered:
        colour = valid_colour((chosen or {}).get(outlet))
        if colour and colour not in taken:
            colours[outlet] = colour
            taken.add(colour)
    free = [c.lower() for c in OUTLET_PALETTE if c.lower() not in taken]
    for outlet in everyone:
        if outlet not in colours and free:
            colours[outlet] = free.pop(0)
    return colours


def ring_marks(outlets, colours: dict[str, str]) -> dict[str, RingMark]:
    """``outlet -> RingMark`` for ``outlets`` in the order they take marks (the corpus's by name, then a session's).

    An outlet with a colour (``outlet_colours``) rings solid in it; the rest take the palette's colours again,
    in order, dashed, then dotted. Outlets past those twenty-four get none: a third repeat would tell nothing.
    """
    marks = {outlet: RingMark(colours[outlet], "solid") for outlet in outlets if outlet in colours}
    rest = [outlet for outlet in dict.fromkeys(outlets) if outlet not in colours]
    lines = list(RING_LINES)[1:]
    for number, outlet in enumerate(rest[:len(OUTLET_PALETTE) * len(lines)]):
        marks[outlet] = RingMark(OUTLET_PALETTE[number % len(OUTLET_PALETTE)].lower(),
                                 lines[number // len(OUTLET_PALETTE)])
    return marks


def fill_colour(sources: int) -> str:
    """A marker's fill for a place that ``sources`` outlets in view name."""
    if sources <= 1:
        return SINGLE_SOURCE_FILL
    return FILL_GREYS[min(sources, len(FILL_GREYS) + 1) - 2]


# The map's outlines: every place's edge, and the selected place's.
OUTLINE = "#424242"  # every place's edge: fills are greys, outlets' colours are kept for the rings
SELECTED = "#000000"
