"""The map's own folium elements: the key, the chooser, the offline base layer, the hand-over of layers to
static/view.js, points rendered once; names that follow the tree (``stable_ids``); the arguments streamlit-folium's
component would get (``component_arguments``)."""

from __future__ import annotations

import json

import branca.element
import folium

from .colours import FILL_GREYS, OUTLINE, SINGLE_SOURCE_FILL
from .tooltips import escape_for_tooltip


class _Text(branca.element.Element):
    """Rendered output kept as it is: branca would compile it as a Jinja template again (megabytes for 10,000 points)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._text = text

    def render(self, **kwargs) -> str:
        return self._text


class _LiteralOutput(branca.element.MacroElement):
    """MacroElement.render with its header, html and script output added as ``_Text``, not as new templates."""

    def render(self, **kwargs):
        figure = self.get_root()
        module = self._template.module.__dict__
        for part, where in (("header", figure.header), ("html", figure.html), ("script", figure.script)):
            if (macro := module.get(part)) is not None:
                where.add_child(_Text(macro(self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class PointsGeoJson(folium.GeoJson, _LiteralOutput):
    """folium.GeoJson whose script goes into the page once rendered (folium's own steps run first: see the MRO)."""


class Legend(folium.MacroElement):
    """Fixed key to marker colours and styles: our own static text only, never data."""

    _template = folium.template.Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: "bottomleft"});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create("div", "newsgeo-legend");
            var button = L.DomUtil.create("button", "newsgeo-legend-toggle", div);
            button.type = "button";
            button.title = "Show or hide the key";
            var body = L.DomUtil.create("div", "newsgeo-legend-body", div);
            body.innerHTML = {{ this.html|tojson }};
            // On a narrow map (a phone) the key starts folded: unfolded it would hide a quarter of it. Open, the
            // map's places are fitted above it (static/view.js).
            var open = map.getSize().x >= 500;
            function show() {
                body.style.display = open ? "" : "none";
                button.textContent = open ? "Key \u25be" : "Key \u25b8";
                button.setAttribute("aria-expanded", open ? "true" : "false");
            }
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            L.DomEvent.on(button, "click", function () { open = !open; show(); });
            show();
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}""")

    def __init__(self, rings_up_to: int, clustered: bool = False):
        super().__init__()
        self._name = "Legend"
        dot = ('<span style="display:inline-block;width:10px;height:10px;border-radius:50%;'
               f'border:1.5px solid {OUTLINE};background:{{}}"></span>')
        fills = [SINGLE_SOURCE_FILL, *FILL_GREYS]
        swatches = " ".join(dot.format(c) + f"&nbsp;{n}{'+' if n == len(fills) else ''}"
                            for n, c in enumerate(fills, start=1))
        self.html = (f"<b>Sources naming the place</b><br>{swatches}<br>Size: mentions · dashed: venue inferred"
                     f"<br>Rings: which sources (layers), while {int(rings_up_to)} or fewer are in view")
        if clustered:  # a group's disc is white, so it never reads as one of the greys above
            self.html += ('<br><span style="display:inline-block;min-width:14px;height:14px;border-radius:50%;'
                          f'border:2px solid {OUTLINE};background:#fff;font-size:9px;line-height:14px;'
                          'text-align:center">12</span>&nbsp;places grouped: zoom in')


class ViewTargets(folium.MacroElement):
    """Hands the map's layers to static/view.js, which applies a reader's view to them (``geo.page.reader_view``).

    Text in it is the page's own escaped HTML (outlet names, the rings' layer names), as JSON. The rings are
    specs, not layers (``mapping.ring_specs``): view.js draws them for the sources in view.
    """

    _template = folium.template.Template("""
        {% macro script(this, kwargs) %}
        newsgeoTrack({{ this._parent.get_name() }}, {{ this.handed() }});
        {% endmacro %}""")

    def __init__(self, outlets: list[str], fills: list[str], rings_up_to: int):
        """``outlets`` in the order of their numbers (``MapNumbers.outlets``); rings only while ``rings_up_to``
        sources or fewer are in view."""
        super().__init__()
        self._name = "ViewTargets"
        self.outlets = [escape_for_tooltip(outlet) for outlet in outlets]
        self.fills = fills
        self.rings_up_to = rings_up_to
        self.points: list = []
        self.shapes: list = []
        self.rings: list = []
        self.links: list = []

    def handed(self) -> str:
        """The JavaScript object naming the layers (their names are final only when the map renders)."""
        def layers(entries) -> str:
            return "[" + ", ".join("[" + ", ".join(item.get_name() if hasattr(item, "get_name") else json.dumps(item)
                                                   for item in entry) + "]" for entry in entries) + "]"

        # "<\/" as JSON allows: nothing here can close the page's <script> element.
        return (f'{{"outlets": {json.dumps(self.outlets)}, "fills": {json.dumps(self.fills)}, '
                f'"ringsUpTo": {int(self.rings_up_to)}, '
                f'"points": {layers(self.points)}, "shapes": {layers(self.shapes)}, "rings": {layers(self.rings)}, '
                f'"links": [{", ".join(layer.get_name() for layer in self.links)}]}}').replace("</", "<\\/")


class Chooser(folium.MacroElement):
    """A click where several places lie lists them (static/places.js): overlapping markers stay reachable."""

    _template = folium.template.Template("""
        {% macro script(this, kwargs) %}
        newsgeoChooser({{ this._parent.get_name() }});
        {% endmacro %}""")

    def __init__(self):
        super().__init__()
        self._name = "Chooser"


class OfflineBasemap(folium.map.Layer):
    """The offline base layer, drawn by static/basemap.js from the files of static/basemap/.

    Fetched, not embedded: the files (about 800 KB) are then cached by the browser and never
    resent with each map. Our own fixed URLs only; no data from articles.
    """

    _template = folium.template.Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = newsgeoBasemap({{ this._parent.get_name() }}, {{ this.root|tojson }});
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}""")

    def __init__(self, root: str, name: str):
        super().__init__(name=name, overlay=False, control=True, show=True)
        self._name = "OfflineBasemap"
        self.root = root


def stable_ids(m: folium.Map) -> None:
    """Name every element by its place in the tree, so equal inputs render equal HTML.

    The names are the ones streamlit-folium gives elements ("div", "div_3", "div_3_0"…) when
    it rewrites the script, so its rewrite changes nothing and a map object passed to
    ``st_folium`` twice yields the same script (with folium's random ids it would not).
    """
    def visit(element, path: str) -> None:
        element._id = path
        for number, child in enumerate(element._children.values()):
            visit(child, f"{path}_{number}")

    root = m.get_root()
    for number, element in enumerate([root, *(getattr(root, name) for name in ("header", "html", "script"))]):
        visit(element, f"figure{number}")
    visit(m, "div")


def component_arguments(st_folium, fmap: folium.Map, **options) -> dict:
    """The arguments ``st_folium(fmap, **options)`` would give streamlit-folium's component, without rendering it.

    st_folium renders the whole folium map on every call (0.1-0.2 s); the page computes these
    once per view and hands them to the component directly on each rerun. This runs a copy of
    st_folium whose component function records its arguments: nothing shared is swapped, so
    concurrent sessions never see each other's capture. ``st_folium`` is passed in (not
    imported) because only the page imports Streamlit.
    """
    import types

    captured: dict = {}

    def record(**kwargs):
        captured.update(kwargs)
        return kwargs.get("default")

    capturing = types.FunctionType(st_folium.__code__, {**st_folium.__globals__, "_component_func": record},
                                   st_folium.__name__, st_folium.__defaults__, st_folium.__closure__)
    capturing.__kwdefaults__ = st_folium.__kwdefaults__
    capturing(fmap, **options)
    captured.pop("on_change", None)  # st_folium's callback only mirrors the value into session state
    return captured
