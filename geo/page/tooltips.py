"""What a place is called on the map and what hovering it says: labels unique on the map, tooltips as escaped
HTML (folium writes them into a JavaScript template literal; Leaflet reads them as HTML), and the label a click
sends back."""

from __future__ import annotations

import html
import re

import folium

TOOLTIP_SOURCES = 5  # per place; past them a count
PLAIN_PRECISIONS = {"exact", "point", "country"}  # precisions the tooltip does not mention
# Escaped for HTML and a template literal; braces too: branca renders each element's output again as a
# Jinja template, so "{{ … }}" in a tooltip would be evaluated on the server.
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;", "$": "&#36;",
            "\\": "&#92;", "{": "&#123;", "}": "&#125;"}


def escape_for_tooltip(text) -> str:
    """HTML-escape ``text`` and neutralise what a JS template literal (`` ` ``, ``$``, ``\\``) or Jinja (braces) acts on."""
    return "".join(_ESCAPES.get(char, char) for char in str(text))


def place_label(row) -> str:
    """"Palmyra (city, SY)": name, kind and country code on one line (whitespace collapsed)."""
    name = " ".join(str(row["name"]).split())
    details = ", ".join(part for part in (row["kind"], row["country_code"]) if isinstance(part, str) and part)
    return f"{name} ({details})" if details else name


def unique_labels(places, taken=()) -> dict[str, str]:
    """``place_id -> label`` in place-id order, a second "Springfield (city, US)" becoming "… #2"; one of ``taken``
    (labels a map uses already) is numbered too."""
    labels: dict[str, str] = {}
    taken = set(taken)
    ordered = places.sort_values("place_id")
    columns = ("place_id", "name", "kind", "country_code")
    # Four plain columns, not rows: iterrows builds a Series per place (40 ms a view at 10k articles).
    for row in (dict(zip(columns, values, strict=True)) for values in zip(*(ordered[c].tolist() for c in columns), strict=True)):
        label, number = place_label(row), 1
        while (candidate := label if number == 1 else f"{label} #{number}") in taken:
            number += 1
        taken.add(candidate)
        labels[row["place_id"]] = candidate
    return labels


def label_from_tooltip(text: str | None) -> str | None:
    """The label in a clicked tooltip's text as streamlit-folium returns it (its first line)."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[0] if lines else None


def tooltip_texts(m: folium.Map) -> list[str]:
    """The text a click on each clickable shape sends back through streamlit-folium (the tooltip's text content)."""
    found = []
    for element in _walk(m):
        if isinstance(element, folium.Tooltip):
            found.append(element.text)
        elif isinstance(element, folium.GeoJson):
            found += [f["properties"]["tooltip"] for f in element.data["features"] if "tooltip" in f.get("properties", {})]
    return ["\n".join(line.strip() for line in html.unescape(re.sub(r"<[^>]+>", "", text)).splitlines()) for text in found]


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def tooltip_html(label: str, row, per_outlet: dict[str, int], outlets: list[str]) -> str:
    """Tooltip HTML: the label, then mentions per source. Newlines let the returned text split."""
    lines = [f"<b>{escape_for_tooltip(label)}</b>"]
    naming = [o for o in outlets if o in per_outlet]
    # The busiest sources first; past TOOLTIP_SOURCES a count (25 sources × 400 places cost 0.3 MB).
    shown = sorted(naming, key=lambda o: -per_outlet[o])[:TOOLTIP_SOURCES] if len(naming) > TOOLTIP_SOURCES else naming
    for outlet in shown:
        n = per_outlet[outlet]
        lines.append(f"<br>{escape_for_tooltip(outlet)}: {n} mention{'s' if n != 1 else ''}")
    if rest := [o for o in naming if o not in shown]:
        n = sum(per_outlet[o] for o in rest)
        lines.append(f"<br>{len(rest)} more source{'s' if len(rest) != 1 else ''}: {n} mention{'s' if n != 1 else ''}")
    if extra := tooltip_extra(row):
        lines.append(extra)
    return "\n".join(lines)


def tooltip_extra(row) -> str:
    """The tooltip's lines after the counts, as HTML: the names other languages wrote, an imprecise location."""
    lines = []
    if isinstance(other := row.get("other_names"), str) and other:  # as an Arabic, Hebrew or Turkish article wrote it
        names = ", ".join(f"<bdi>{escape_for_tooltip(name)}</bdi>" for name in str(other).split(", "))
        lines.append(f"<br>also written {names}")
    if row["precision"] not in PLAIN_PRECISIONS:
        lines.append(f"<br><i>{escape_for_tooltip(row['precision'])}</i>")
    return "\n".join(lines)
