/* Names of the marked places in view, where they fit.

   The busiest places first (mentions in view, then the map's own order): each name goes to the
   right of its marker, else to its left, above or below, wherever it overlaps no name already
   placed, no other marker and none of the map's controls (buttons, scale, key), and stays inside
   the map; a name that fits nowhere is left out, so a place's name never covers another's. A zone's or region's name sits at the middle of its
   shape. Redrawn after each zoom and pan and after each view (static/view.js). The basemap's
   town names (static/basemap.js) then keep off these names and markers, and a town that carries
   a marker leaves its name to it: the two never overprint.

   Names come from the map's own escaped labels ("Palmyra (city, SY)"), read as text by an inert
   parser and set with textContent, never as HTML. */
(function () {
  "use strict";

  var MAX_NAMES = 40, HEIGHT = 16, GAP = 3, FONT = "600 12px sans-serif";
  var parser = null, ruler = null;

  function nameOf(label) {
    parser = parser || new DOMParser();  // an inert document: nothing in it runs or loads
    var text = parser.parseFromString(label || "", "text/html").body.textContent || "";
    return text.replace(/\s*\([^()]*\)(\s*#\d+)?\s*$/, "").trim();  // "Palmyra (city, SY)" -> "Palmyra"
  }

  function widthOf(text) {
    ruler = ruler || document.createElement("canvas").getContext("2d");
    ruler.font = FONT;
    return Math.ceil(ruler.measureText(text).width) + 6;
  }

  function overlaps(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }

  /* The places drawn and in view, with their markers' boxes (container pixels). */
  function inView(map, t) {
    var size = map.getSize(), items = [];
    Object.keys(t.places).forEach(function (i) {
      var entry = t.places[i], at, r = 0, layer;
      if (entry.point) {
        layer = entry.point.layer;
        if (layer.__newsgeoHidden || !map.hasLayer(layer)) { return; }  // out of view, or inside a cluster
        at = map.latLngToContainerPoint(entry.latlng);
        r = layer.getRadius();
      } else if (entry.shape) {
        if (entry.shape.layer.__newsgeoHidden || !map.hasLayer(entry.shape.layer)) { return; }
        at = map.latLngToContainerPoint(entry.bounds.getCenter());
      } else {
        return;
      }
      if (at.x < -r || at.y < -r || at.x > size.x + r || at.y > size.y + r) { return; }
      if (entry.name === undefined) { entry.name = nameOf(entry.label); entry.width = widthOf(entry.name); }
      items.push({entry: entry, i: +i, at: at, r: r, box: r ? [at.x - r, at.y - r, at.x + r, at.y + r] : null});
    });
    items.sort(function (a, b) { return (b.entry.total || 0) - (a.entry.total || 0) || a.i - b.i; });
    return items;
  }

  function spots(item) {
    var x = item.at.x, y = item.at.y, r = item.r, w = item.entry.width, h = HEIGHT;
    if (!r) { return [[x - w / 2, y - h / 2]]; }
    return [[x + r + GAP, y - h / 2], [x - r - GAP - w, y - h / 2], [x - w / 2, y - r - GAP - h], [x - w / 2, y + r + GAP]];
  }

  function draw(map, t) {
    var group = map.__newsgeoNames;
    if (!group) {
      if (!map.getPane("placenames")) {
        var pane = map.createPane("placenames");
        pane.style.zIndex = 450;  // above the places (400) and rings, below tooltips (650)
        pane.style.pointerEvents = "none";
      }
      group = map.__newsgeoNames = L.layerGroup().addTo(map);
    }
    group.clearLayers();
    var size = map.getSize(), items = inView(map, t), markers = [], names = [], places = [], controls = [];
    // The map's own buttons, scale and key sit above the names: a name under them could not be read.
    var frame = map.getContainer().getBoundingClientRect();
    Array.prototype.forEach.call(map.getContainer().querySelectorAll(".leaflet-control"), function (el) {
      var b = el.getBoundingClientRect();
      if (b.width && b.height) {
        controls.push([b.left - frame.left - GAP, b.top - frame.top - GAP, b.right - frame.left + GAP,
                       b.bottom - frame.top + GAP]);
      }
    });
    items.forEach(function (item) {
      if (item.box) { markers.push(item.box); }
      places.push({name: item.entry.name.toLowerCase(), at: item.entry.latlng || item.entry.bounds.getCenter()});
    });
    items.forEach(function (item) {
      if (names.length >= MAX_NAMES) { return; }
      var found = null;
      spots(item).some(function (spot) {
        var box = [spot[0], spot[1], spot[0] + item.entry.width, spot[1] + HEIGHT];
        if (box[0] < 0 || box[1] < 0 || box[2] > size.x || box[3] > size.y) { return false; }
        if (names.some(function (b) { return overlaps(box, b); })) { return false; }
        if (controls.some(function (b) { return overlaps(box, b); })) { return false; }
        if (markers.some(function (b) { return b !== item.box && overlaps(box, b); })) { return false; }
        found = box;
        return true;
      });
      if (!found) { return; }
      names.push(found);
      var text = document.createElement("span");
      text.textContent = item.entry.name;  // data, never markup
      var icon = L.divIcon({className: "newsgeo-place-name", html: text, iconSize: [item.entry.width, HEIGHT],
                            iconAnchor: [0, 0]});
      L.marker(map.containerPointToLatLng([found[0], found[1]]), {icon: icon, interactive: false, keyboard: false,
                                                                   pane: "placenames"}).addTo(group);
    });
    window.newsgeoNamesShown = names.length;
    return {boxes: names.concat(markers), places: places};
  }

  /* What the place names took, for the basemap's names: boxes (container pixels) and the marked places' names
     and positions. Drawn once per zoom, position and view, whoever asks first. */
  window.newsgeoPlaceNames = function (map) {
    var t = map.__newsgeoTracked;
    if (!t) { return {boxes: [], places: []}; }
    var key = [map.getZoom(), map.getPixelOrigin(), map.getPixelBounds().min, map.getSize(), t.key].join("|");
    if (map.__newsgeoNamesKey !== key) {
      map.__newsgeoNamesKey = key;
      map.__newsgeoNamesTaken = draw(map, t);
    }
    return map.__newsgeoNamesTaken;
  };

  /* Called by static/view.js once the map's layers are known: names follow every zoom, pan and view. */
  window.newsgeoFollowNames = function (map) {
    if (map.__newsgeoNamesFollow) { return; }
    map.__newsgeoNamesFollow = true;
    map.on("zoomend moveend resize", function () { window.newsgeoPlaceNames(map); });
  };

  /* After a view changed which places are drawn: names anew, and the basemap's after them. */
  window.newsgeoRelabel = function (map) {
    map.__newsgeoNamesKey = null;
    window.newsgeoPlaceNames(map);
    map.fire("newsgeo:names");
  };
})();
