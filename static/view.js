/* The reader's view applied to the corpus's map, in the browser.

   The page draws one map per corpus generation: every place any view can show, with the
   whole corpus's counts. Each reader's view (sources, dates, languages, focus, nationality
   words) is a small piece of data, the mentions per place and source in view, in a hidden
   element of the page (#newsgeo-view, geo.page.reader_view); this script reads it from the
   map's frame whenever the page changes it and applies it to the mounted map: places out of
   view hidden, sizes, greys and tooltips from the view's counts, the sources' rings and the
   layer control following the sources in view. The server never rebuilds the map for a view,
   the browser keeps the map mounted, and the map's own arguments stay the same.

   Text comes only from the map's own script, escaped by the page (labels, outlet names,
   "also written" lines); the view's data are numbers, read with JSON.parse. */
(function () {
  "use strict";

  var TOOLTIP_SOURCES = 5;

  /* Remember each layer control on its map: the rings' layers leave it with their sources. */
  var addControl = L.Control.Layers.prototype.onAdd;
  L.Control.Layers.prototype.onAdd = function (map) {
    map.__newsgeoControl = this;
    return addControl.call(this, map);
  };

  function radius(count) { return Math.round(Math.min(6 + 3 * Math.sqrt(count), 30) * 10) / 10; }

  function fill(t, sources) {
    if (t.muted) { return "#888888"; }
    if (sources <= 1) { return t.fills[0]; }
    return t.fills[Math.min(sources, t.fills.length) - 1];
  }

  function show(entry, shown) {
    if (shown && !entry.home.hasLayer(entry.layer)) { entry.home.addLayer(entry.layer); }
    if (!shown && entry.home.hasLayer(entry.layer)) { entry.home.removeLayer(entry.layer); }
    entry.layer.__newsgeoHidden = !shown;
  }

  /* The map's script hands over its layers: points (in a cluster or not), zones and regions,
     the rings of each source, and the dashed links between related places. */
  window.newsgeoTrack = function (map, given) {
    var t = {outlets: given.outlets, fills: given.fills, places: {}, rings: [], links: [], key: null};
    function place(i) { return t.places[i] || (t.places[i] = {i: i}); }
    given.points.forEach(function (spec) {
      var layer = spec[0], home = spec[1], muted = spec[2];
      layer.eachLayer(function (leaf) {
        var p = leaf.feature.properties, entry = place(p.i);
        entry.point = {layer: leaf, home: home};
        entry.label = p.label; entry.extra = p.extra || ""; entry.venue = !!p.venue; entry.muted = muted;
        entry.latlng = leaf.getLatLng();
      });
    });
    given.shapes.forEach(function (spec) {
      var layer = spec[0], home = spec[1], muted = spec[2];
      layer.eachLayer(function (leaf) {
        var p = leaf.feature.properties, entry = place(p.i);
        entry.shape = {layer: layer, home: home, leaf: leaf};
        entry.label = p.label; entry.extra = p.extra || ""; entry.muted = muted;
        entry.bounds = leaf.getBounds();
      });
    });
    t.ringsUpTo = given.ringsUpTo;
    given.rings.forEach(function (spec) { t.rings.push(ringOf(spec[0], spec[1], spec[2], spec[3])); });
    given.links.forEach(function (layer) {
      layer.eachLayer(function (leaf) {
        t.links.push({layer: leaf, home: layer, a: leaf.feature.properties.a, b: leaf.feature.properties.b});
      });
    });
    map.__newsgeoTracked = t;
    // A zoom or pan changes which markers a cluster shows, and so which carry rings (a zoom ends with a moveend too).
    map.on("moveend", function () { drawRings(map, t); });
    given.points.forEach(function (spec) {
      if (spec[1] !== spec[0] && spec[1].on) { spec[1].on("animationend", function () { drawRings(map, t); }); }
    });
    if (window.newsgeoFollowNames) { window.newsgeoFollowNames(map); }
    followPage(map);
  };

  /* A source's rings: drawn round its places when a view first has them (the map's file holds none). */
  function ringOf(outlet, colour, dash, name) {
    return {outlet: outlet, colour: colour, dash: dash || null, name: name, group: L.featureGroup(), leaves: {}};
  }

  function ringLeaf(ring, entry) {
    var leaf = ring.leaves[entry.i];
    if (!leaf) {
      var circle = L.circleMarker(entry.latlng, {radius: 10, color: ring.colour, weight: 2, dashArray: ring.dash,
                                                 fill: false, opacity: 0.95, interactive: false, pane: "rings"});
      leaf = ring.leaves[entry.i] = {layer: circle, home: ring.group};
    }
    return leaf;
  }

  /* The page's view element, read now and whenever the page changes (once per frame at most). */
  var VIEW_ELEMENT = "newsgeo-view";
  function followPage(map) {
    var host = window.parent, last = null, pending = false;
    if (!host || host === window) { return; }
    function pull() {
      pending = false;
      var element;
      try { element = host.document.getElementById(VIEW_ELEMENT); } catch (e) { return; }  // not the page's frame
      var data = element && element.getAttribute("data-view");
      if (!data || data === last) { return; }
      last = data;
      window.newsgeoView(map, JSON.parse(data));
    }
    pull();
    try {
      if (window.__newsgeoObserver) { window.__newsgeoObserver.disconnect(); }  // a map mounted anew: its own
      window.__newsgeoObserver = new host.MutationObserver(function () {
        if (!pending) { pending = true; window.requestAnimationFrame(pull); }
      });
      window.__newsgeoObserver.observe(host.document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ["data-view"]});
    } catch (e) { /* a page of another origin: the map shows the whole corpus */ }
  }

  /* The selection's rings (the page's, marked with their place) kept round their markers. */
  function fitRings(t) {
    (window.feature_group || []).forEach(function (group) {
      if (!group.eachLayer) { return; }
      group.eachLayer(function (ring) {
        var entry = ring.options && t.places[ring.options.newsgeoPlace];
        if (entry && entry.point && ring.setRadius) { ring.setRadius(entry.point.layer.getRadius() + 4); }
      });
    });
  }
  window.newsgeoFitRings = function (map) { if (map.__newsgeoTracked) { fitRings(map.__newsgeoTracked); } };

  function tooltip(t, entry, per, order) {
    var lines = ["<b>" + entry.label + "</b>"];
    var naming = order.filter(function (o) { return per[o]; });
    var shown = naming;
    if (naming.length > TOOLTIP_SOURCES) {  // the busiest sources first (a stable sort keeps the view's order)
      shown = naming.slice().sort(function (a, b) { return per[b] - per[a]; }).slice(0, TOOLTIP_SOURCES);
    }
    shown.forEach(function (o) {
      lines.push("<br>" + t.outlets[o] + ": " + per[o] + " mention" + (per[o] !== 1 ? "s" : ""));
    });
    var rest = naming.filter(function (o) { return shown.indexOf(o) < 0; });
    if (rest.length) {
      var n = rest.reduce(function (sum, o) { return sum + per[o]; }, 0);
      lines.push("<br>" + rest.length + " more source" + (rest.length !== 1 ? "s" : "") + ": " + n + " mention" +
                 (n !== 1 ? "s" : ""));
    }
    if (entry.extra) { lines.push(entry.extra); }
    return lines.join("\n");
  }

  function keyHeight(map) {
    var key = map.getContainer().querySelector(".newsgeo-legend-body");
    return key && key.offsetHeight ? key.offsetHeight + 10 : 0;
  }

  /* A place selected off the map (the list, a link) brought to the middle of the map, zoomed in until its shape
     is FOCUS_PX across both ways (the buffer zone is 6 x 4 px at the first zoom), and out until it is in view; never past
     FOCUS_MAX_ZOOM. A marker keeps the zoom. Centred, so on a phone it is not left at an edge.
     A zoom made here for one pick is not the reader's: the next pick starts from the zoom before it (after the
     buffer zone, Damascus is not shown at the zone's zoom), unless the reader has zoomed since. */
  var FOCUS_PX = 24, FOCUS_MAX_ZOOM = 10;
  function focus(map, target) {
    var zoom = map.getZoom(), made = map.__newsgeoZoomMade;
    if (made && made.to === zoom) { zoom = made.from; }
    var from = zoom;
    if (target.bounds && target.bounds.isValid()) {
      var nw = map.project(target.bounds.getNorthWest(), zoom), se = map.project(target.bounds.getSouthEast(), zoom);
      var across = Math.min(se.x - nw.x, se.y - nw.y), size = map.getSize();  // a narrow strip: its narrow side
      if (across < FOCUS_PX) { zoom = Math.min(FOCUS_MAX_ZOOM, zoom + Math.ceil(Math.log2(FOCUS_PX / Math.max(across, 0.1)))); }
      if (se.x - nw.x > size.x - 60 || se.y - nw.y > size.y - 60) { zoom = map.getBoundsZoom(target.bounds, false, [60, 60]); }
    }
    zoom = Math.max(map.getMinZoom(), zoom);
    map.__newsgeoZoomMade = zoom !== from ? {from: from, to: zoom} : null;
    map.setView(target.center, zoom, {animate: false});
  }
  /* The page's selection script calls this with the selected place's layer and centre ([lat, lon]). */
  window.newsgeoFocus = function (map, layer, center) {
    var target = {center: L.latLng(center), bounds: layer.getBounds ? layer.getBounds() : null};
    map.__newsgeoFocus = target;  // kept for a view applied after it (the first, on a linked page)
    // During a zoom's animation the zoom it ends at would undo ours (Leaflet's own flag): after it, then.
    if (map._animatingZoom) { map.once("zoomend", function () { focus(map, target); }); } else { focus(map, target); }
  };

  /* A session's own places and sources (its uploads', its corrections'; geo.page.own_places), drawn on the
     corpus's map and numbered after its own, so the view's counts apply to them as to the others:
     {key, places: [{i, label, extra, muted, venue, style, at: [lat, lon] | shape: GeoJSON geometry}],
     outlets: [{i, name, ring: [colour, dashArray, its line in the layer control]}], extras: [[i, the corpus place's tooltip ending now]…]}, or null
     to take them off. Run by streamlit-folium with the
     selection (its feature_group), which then binds its click to every layer on the map: each is on the map
     then, and the view is applied after. Labels and names are the page's escaped HTML. */
  function dropOwn(map, t) {
    var own = t.own, control = map.__newsgeoControl;
    if (!own) { return; }
    map.removeLayer(own.group);
    own.places.forEach(function (i) { delete t.places[i]; });
    own.rings.forEach(function (ring) {
      if (map.hasLayer(ring.group)) { map.removeLayer(ring.group); }
      if (control) { control.removeLayer(ring.group); }
    });
    t.rings = t.rings.filter(function (ring) { return own.rings.indexOf(ring) < 0; });
    own.outlets.forEach(function (o) { delete t.outlets[o]; });
    own.extras.forEach(function (kept) { if (t.places[kept[0]]) { t.places[kept[0]].extra = kept[1]; } });
    t.own = null;
  }

  window.newsgeoOwn = function (map, own) {
    var t = map.__newsgeoTracked;
    if (!t || (t.own ? t.own.key : null) === (own ? own.key : null)) { return; }
    dropOwn(map, t);
    if (!own) { reapply(map, t); return; }
    var group = L.featureGroup().addTo(map);
    var mine = {key: own.key, group: group, places: [], rings: [], outlets: [], extras: []};
    (own.extras || []).forEach(function (changed) {  // a corpus place's tooltip ending the session's articles change
      var entry = t.places[changed[0]];
      if (entry) { mine.extras.push([changed[0], entry.extra]); entry.extra = changed[1]; }
    });
    own.places.forEach(function (p) {
      var entry = t.places[p.i] = {i: p.i, label: p.label, extra: p.extra || "", venue: !!p.venue, muted: !!p.muted};
      var pane = p.muted ? "countries" : null;
      if (p.at) {
        var marker = L.circleMarker(p.at, L.extend({}, p.style, pane ? {pane: pane} : {}));
        marker.bindTooltip("<b>" + p.label + "</b>", {sticky: true});
        group.addLayer(marker);
        entry.point = {layer: marker, home: group};
        entry.latlng = marker.getLatLng();
      } else {
        var shape = L.geoJson({type: "Feature", properties: {}, geometry: p.shape},
                              {style: function () { return p.style; }, pane: pane || "zones"});
        var leaf = shape.getLayers()[0];
        leaf.bindTooltip("<b>" + p.label + "</b>", {sticky: true});
        group.addLayer(shape);
        entry.shape = {layer: shape, home: group, leaf: leaf};
        entry.bounds = leaf.getBounds();
      }
      mine.places.push(p.i);
    });
    own.outlets.forEach(function (o) {
      t.outlets[o.i] = o.name;
      mine.outlets.push(o.i);
      if (!o.ring) { return; }  // past the marks: no rings, as for the corpus's sources
      var ring = ringOf(o.i, o.ring[0], o.ring[1], o.ring[2]);
      t.rings.push(ring);
      mine.rings.push(ring);
    });
    t.own = mine;
    // After streamlit-folium has bound its click to the layers now on the map: the view then hides what it must.
    setTimeout(function () { reapply(map, t); }, 0);
  };

  function reapply(map, t) {
    if (t.view) { t.key = null; window.newsgeoView(map, t.view); }
  }

  /* The rings of the sources in view (``t.ringed``, in nesting order) round each marker the reader can see: a
     marker inside a cluster, or off screen where clusters leave it off the map, has none (a ring round nothing).
     Redrawn after each view, and after each zoom and pan that can change which markers are shown. */
  function drawRings(map, t) {
    var counts = t.counts, control = map.__newsgeoControl;
    if (!counts) { return; }
    t.rings.forEach(function (ring) {
      var order = t.ringed.indexOf(ring.outlet);
      if (order < 0) {  // a source out of view (or too many in it): its rings and its line in the layer control go
        if (map.hasLayer(ring.group)) { map.removeLayer(ring.group); }
        if (control && ring.away === false) { control.removeLayer(ring.group); }
        ring.away = true;
        return;
      }
      if (ring.away !== false) {
        if (!map.hasLayer(ring.group)) { map.addLayer(ring.group); }
        if (control) { control.addOverlay(ring.group, ring.name); }
        ring.away = false;
      }
      function seen(i) {
        var entry = t.places[i];
        return !!(counts[i] && counts[i].per[ring.outlet] && entry && entry.point && map.hasLayer(entry.point.layer));
      }
      Object.keys(ring.leaves).forEach(function (i) { if (!seen(i)) { show(ring.leaves[i], false); } });
      Object.keys(counts).forEach(function (i) {
        if (!seen(i)) { return; }  // a shape has no ring
        var leaf = ringLeaf(ring, t.places[i]), r = Math.round((radius(counts[i].total) + 2 + 2.5 * (order + 1)) * 10) / 10;
        show(leaf, true);
        if (leaf.layer.getRadius() !== r) { leaf.layer.setRadius(r); }
      });
    });
  }

  /* view: {key, outlets: the sources in view (indexes, in the sidebar's order),
     counts: [[place, outlet, mentions, outlet, mentions…], …]}. */
  window.newsgeoView = function (map, view) {
    var t = map.__newsgeoTracked;
    if (!t || t.key === view.key) { return; }  // the same view: a new selection only
    t.view = view;
    var started = window.performance ? performance.now() : 0;
    var counts = {};
    view.counts.forEach(function (row) {
      var per = {}, total = 0, sources = 0;
      for (var k = 1; k < row.length; k += 2) { per[row[k]] = row[k + 1]; total += row[k + 1]; sources += 1; }
      counts[row[0]] = {per: per, total: total, sources: sources};
    });
    var inView = view.outlets.slice().sort(function (a, b) { return a - b; });  // rings nest by name
    var ringed = inView.length <= t.ringsUpTo ? inView : [];  // more than that nest past reading: none
    var bounds = L.latLngBounds([]), countryBounds = L.latLngBounds([]);
    Object.keys(t.places).forEach(function (i) {
      var entry = t.places[i], c = counts[i];
      if (entry.point) { show(entry.point, !!c); }
      if (entry.shape) { show(entry.shape, !!c); }
      entry.total = c ? c.total : 0;  // the place names' order (static/labels.js)
      if (!c) { return; }
      var html = tooltip(t, entry, c.per, view.outlets);
      var target = entry.point ? entry.point.layer : entry.shape.leaf;
      if (target.getTooltip()) { target.setTooltipContent(html); }
      if (entry.point) {
        var single = c.sources <= 1 && !entry.muted;
        entry.point.layer.setRadius(radius(c.total));
        entry.point.layer.setStyle({fillColor: entry.venue ? "#ffffff" : fill(t, c.sources),
                                    weight: entry.venue || single ? 2.5 : 1.5});
        (entry.muted ? countryBounds : bounds).extend(entry.latlng);
      } else {
        entry.shape.leaf.setStyle({fillColor: fill(t, c.sources)});
        (entry.muted ? countryBounds : bounds).extend(entry.bounds);
      }
    });
    t.counts = counts;
    t.ringed = ringed;
    drawRings(map, t);
    t.links.forEach(function (link) { show(link, !!(counts[link.a] && counts[link.b])); });
    if (!bounds.isValid()) { bounds = countryBounds; }
    var first = !t.applied;
    if (bounds.isValid()) {  // above the key, where it is open (bottom left)
      map.fitBounds(bounds, {paddingTopLeft: [30, 30], paddingBottomRight: [30, 30 + keyHeight(map)], maxZoom: 8,
                             animate: !first});  // the first, as the map mounts: at once (a selection may follow)
    }
    if (first && map.__newsgeoFocus) { focus(map, map.__newsgeoFocus); }  // a linked place came before the view
    fitRings(t);
    t.key = view.key;
    t.applied = true;
    if (window.newsgeoRelabel) { window.newsgeoRelabel(map); }
    window.newsgeoViewApplied = {key: view.key, places: Object.keys(counts).length,
                                 ms: window.performance ? performance.now() - started : null};
  };
})();
