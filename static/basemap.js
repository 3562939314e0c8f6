/* The offline basemap: country outlines, lakes, rivers, first-level boundaries and names.

   Everything is fetched from our own static folder (static/basemap/, see static/README.md)
   and cached by the browser; nothing comes from the network beyond this server. Rivers
   and boundaries are fetched the first time the reader zooms in far enough for them.
   Names are our data files' (Natural Earth, GeoNames), set as text, never as HTML.
   newsgeoBasemap(map, root) returns one layer group: switching to the online tiles in the
   layer control removes it whole. */
(function () {
  "use strict";

  var STYLES = {
    outlines: {color: "#b0b0b0", weight: 0.6, fillColor: "#ececec", fillOpacity: 1},
    lakes: {color: "#a9c3d4", weight: 0.5, fillColor: "#dce8f0", fillOpacity: 1},
    rivers: {color: "#8fb3cc", weight: 1, opacity: 0.9},
    admin1: {color: "#bdbdbd", weight: 0.7, dashArray: "3 3", opacity: 0.9}
  };
  var FROM_ZOOM = {rivers: 4, admin1: 5};
  var MAX_LABELS = 250;

  function fetchJson(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) { throw new Error(url + ": " + r.status); }
      return r.json();
    });
  }

  function geoLayer(name) {
    // Outlines at the bottom, water and boundaries above them whatever order the files arrive in.
    return L.geoJson(null, {style: STYLES[name], interactive: false, pane: name === "outlines" ? "basemap" : "water"});
  }

  function addPane(map, name, zIndex) {
    if (!map.getPane(name)) {
      var pane = map.createPane(name);
      pane.style.zIndex = zIndex;
      pane.style.pointerEvents = "none";
    }
  }

  var Labels = L.Layer.extend({
    initialize: function (url) { this._url = url; this._items = null; },
    onAdd: function (map) {
      this._group = L.layerGroup().addTo(map);
      map.on("zoomend moveend newsgeo:names", this._draw, this);
      var self = this;
      if (this._items) { this._draw(); return; }
      fetchJson(this._url).then(function (data) {
        self._items = data.countries.map(function (c) { return {name: c[0], at: [c[1], c[2]], zoom: c[3], country: true}; })
          .concat(data.towns.map(function (t) { return {name: t[0], at: [t[1], t[2]], zoom: t[3], country: false}; }));
        self._draw();
      }).catch(function (error) { console.warn("offline labels not loaded", error); });
    },
    onRemove: function (map) {
      map.off("zoomend moveend newsgeo:names", this._draw, this);
      map.removeLayer(this._group);
    },
    _draw: function () {
      if (!this._items || !this._map) { return; }
      var map = this._map, zoom = map.getZoom(), bounds = map.getBounds().pad(0.1), shown = 0;
      // The marked places' markers and names come first (static/labels.js): a town's name keeps off them,
      // and a town that carries a marker leaves its name to the marker's.
      var marked = window.newsgeoPlaceNames ? window.newsgeoPlaceNames(map) : {boxes: [], places: []};
      var taken = marked.boxes.slice();
      this._group.clearLayers();
      // Countries first, then towns by population (the files' order): a name that would
      // overlap one already placed is left out, so the larger place keeps its name.
      for (var i = 0; i < this._items.length && shown < MAX_LABELS; i++) {
        var item = this._items[i];
        if (item.zoom > zoom + 0.01 || !bounds.contains(item.at)) { continue; }
        if (!item.country && marks(marked.places, item)) { continue; }
        var p = map.latLngToContainerPoint(item.at), half = item.name.length * 3.4 + 4;
        var box = [p.x - half, p.y - 8, p.x + half, p.y + 8];
        if (taken.some(function (b) { return box[0] < b[2] && b[0] < box[2] && box[1] < b[3] && b[1] < box[3]; })) {
          continue;
        }
        taken.push(box);
        var text = document.createElement("span");
        text.textContent = item.name;  // data, never markup
        var icon = L.divIcon({className: "newsgeo-label " + (item.country ? "newsgeo-country" : "newsgeo-town"),
                              html: text.outerHTML, iconSize: null});
        L.marker(item.at, {icon: icon, interactive: false, keyboard: false, pane: "labels"}).addTo(this._group);
        shown += 1;
      }
    }
  });

  /* A town carrying a marker: a marked place of the same name within half a degree. */
  function marks(places, item) {
    var name = item.name.toLowerCase();
    return places.some(function (p) {
      return p.name === name && Math.abs(p.at.lat - item.at[0]) < 0.5 && Math.abs(p.at.lng - item.at[1]) < 0.5;
    });
  }

  function lazyLayer(map, group, name, url) {
    var layer = geoLayer(name), loaded = false;
    function update() {
      if (!map.hasLayer(group)) { return; }
      var wanted = map.getZoom() >= FROM_ZOOM[name];
      if (wanted && !loaded) {
        loaded = true;
        fetchJson(url).then(function (data) { layer.addData(data); })
          .catch(function (error) { console.warn("offline " + name + " not loaded", error); });
      }
      if (wanted && !group.hasLayer(layer)) { group.addLayer(layer); }
      if (!wanted && group.hasLayer(layer)) { group.removeLayer(layer); }
    }
    map.on("zoomend", update);
    group.on("add", update);
    return update;
  }

  /* A visible note when online tiles fail (no network): the reader is told where the map went. */
  function watchTiles(map) {
    var note = null;
    map.on("layeradd", function (event) {
      if (!(event.layer instanceof L.TileLayer)) { return; }
      event.layer.on("tileerror", function () {
        if (note) { return; }
        note = L.control({position: "topright"});
        note.onAdd = function () {
          var div = L.DomUtil.create("div", "newsgeo-tile-note");
          div.textContent = "Online map tiles cannot be loaded (no network?). Choose \u201cOffline map\u201d in the layers menu.";
          return div;
        };
        note.addTo(map);
      });
    });
    map.on("baselayerchange", function (event) {
      if (note && !(event.layer instanceof L.TileLayer)) { map.removeControl(note); note = null; }
    });
  }

  window.newsgeoBasemap = function (map, root) {
    addPane(map, "water", 215);
    addPane(map, "labels", 370);
    var group = L.layerGroup();
    var outlines = geoLayer("outlines").addTo(group);
    var lakes = geoLayer("lakes").addTo(group);
    fetchJson(root + "/basemap/countries.geojson").then(function (d) { outlines.addData(d); })
      .catch(function (error) { console.warn("offline outlines not loaded", error); });
    fetchJson(root + "/basemap/lakes.geojson").then(function (d) { lakes.addData(d); })
      .catch(function (error) { console.warn("offline lakes not loaded", error); });
    lazyLayer(map, group, "rivers", root + "/basemap/rivers.geojson");
    lazyLayer(map, group, "admin1", root + "/basemap/admin1.geojson");
    new Labels(root + "/basemap/labels.json").addTo(group);
    watchTiles(map);
    return group;
  };
})();
