/* Places that overlap on the map: a click where several places lie lists them all.

   A click opens the place on top, as always; when other places lie under the pointer too
   (Palmyra and the T4 base at country zoom, a zone under a town, a neighbour on a phone),
   a small list of them opens at the click, and choosing one opens that place instead, by
   the same click streamlit-folium reports for its marker. Labels are the places' own
   tooltip labels, set as text. A click on a place is handled here besides: its outline,
   its tooltip closed, and on a phone the page scrolled to the panel. */
(function () {
  "use strict";

  var SLOP = 6, TOUCH_SLOP = 16;  // px beyond a circle's edge that still count as "under the pointer"

  function labelOf(layer) {
    if (layer.__newsgeoLabel !== undefined) { return layer.__newsgeoLabel; }  // read once per place
    var tooltip = layer.getTooltip && layer.getTooltip();
    var label = "";
    if (tooltip) {
      var holder = document.createElement("div");
      holder.innerHTML = tooltip.getContent();  // our own escaped tooltip HTML, as Leaflet shows it
      var bold = holder.querySelector("b");
      label = (bold ? bold.textContent : holder.textContent).trim();
    }
    layer.__newsgeoLabel = label;
    return label;
  }

  function inRing(point, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var a = ring[i], b = ring[j];
      if ((a.y > point.y) !== (b.y > point.y) && point.x < (b.x - a.x) * (point.y - a.y) / (b.y - a.y) + a.x) {
        inside = !inside;
      }
    }
    return inside;
  }

  function polygonContains(map, layer, point) {
    var rings = layer.getLatLngs();
    var flat = [];
    (function walk(part) {
      if (part.length && part[0] instanceof L.LatLng) { flat.push(part); } else { part.forEach(walk); }
    })(rings);
    return flat.some(function (ring) {
      return inRing(point, ring.map(function (ll) { return map.latLngToContainerPoint(ll); }));
    });
  }

  function under(map, point, slop) {
    var found = [];
    map.eachLayer(function (layer) {
      if (!layer.options || layer.options.interactive === false || !labelOf(layer)) { return; }
      if (layer instanceof L.CircleMarker) {
        var at = map.latLngToContainerPoint(layer.getLatLng());
        if (at.distanceTo(point) <= layer.getRadius() + slop) { found.push(layer); }
      } else if (layer instanceof L.Polygon && layer.getBounds().contains(map.containerPointToLatLng(point)) &&
                 polygonContains(map, layer, point)) {  // the box first: most polygons are far from the click
        found.push(layer);
      }
    });
    return found;
  }

  /* The selection's outline, drawn here at once for a place clicked on the map (the page then
     keeps the map's arguments as they were); a selection made elsewhere (the list, a link)
     comes as streamlit-folium's feature group, which clears this one first. */
  var outline = null;
  function clearSelection(map) {
    if (outline) { map.removeLayer(outline); outline = null; }
    (window.feature_group || []).forEach(function (layer) { map.removeLayer(layer); });
  }

  function outlineLayer(map, layer) {
    clearSelection(map);
    var style = {color: "#000000", weight: 4, fill: false, interactive: false, pane: "rings"};
    if (layer instanceof L.CircleMarker) {
      outline = L.circleMarker(layer.getLatLng(), L.extend({radius: layer.getRadius() + 4}, style));
    } else if (layer instanceof L.Polygon) {
      outline = L.polygon(layer.getLatLngs(), L.extend({}, style, {weight: 3.5}));
    }
    if (outline) { outline.addTo(map); }
  }

  /* streamlit-folium (0.27.4, pinned) sends a click to the page 250 ms after it (a debounce
     for pans and zooms), and sends nothing when the value equals its previous_data. For a click
     on a place the value is sent here at once, exactly as its updateComponentValue would build it
     (the returned objects, in its order), and previous_data set to it, so its own call 250 ms
     later finds nothing new. Only when the map returns the click alone (the page's RETURNED). */
  var CLICK_KEYS = ["last_object_clicked_count", "last_object_clicked_tooltip"];  // in its object's order
  function sendClickNow() {
    var data = window.__GLOBAL_DATA__;
    if (!data || !data.returned_objects || !data.last_object_clicked_tooltip ||
        data.returned_objects.some(function (key) { return CLICK_KEYS.indexOf(key) < 0; })) { return; }
    var value = {};
    CLICK_KEYS.forEach(function (key) { if (data.returned_objects.indexOf(key) >= 0) { value[key] = data[key]; } });
    if (JSON.stringify(data.previous_data) === JSON.stringify(value)) { return; }
    data.previous_data = value;
    window.parent.postMessage({isStreamlitMessage: true, type: "streamlit:setComponentValue", value: value,
                               dataType: "json"}, "*");
  }

  window.newsgeoChooser = function (map) {
    var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
    window.newsgeoClearSelection = function () { clearSelection(map); };
    function attach(layer) {
      if (layer.options && layer.options.interactive !== false && layer.getTooltip && layer.getTooltip() &&
          (layer instanceof L.CircleMarker || layer instanceof L.Polygon) && !layer.__newsgeoOutline) {
        layer.__newsgeoOutline = true;
        layer.on("click", function () {
          // After every handler of this click, streamlit-folium's included (it counts the click and reads the tooltip).
          setTimeout(sendClickNow, 0);
          outlineLayer(map, layer);
          setTimeout(function () { layer.closeTooltip(); }, 0);  // a tap would leave it covering the map
          if (window.newsgeoPanelAfterClick) { window.newsgeoPanelAfterClick(); }  // a phone: to the panel
        });
      }
    }
    map.eachLayer(attach);  // the places are on the map before this runs
    map.on("layeradd", function (event) { attach(event.layer); });
    map.on("click", function (event) {
      var places = under(map, event.containerPoint, coarse ? TOUCH_SLOP : SLOP);
      if (places.length < 2) { return; }
      var list = document.createElement("div");
      list.className = "newsgeo-chooser";
      var title = document.createElement("div");
      title.textContent = "Places here:";
      list.appendChild(title);
      places.forEach(function (layer) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = labelOf(layer);
        L.DomEvent.on(button, "click", function (e) {
          L.DomEvent.stop(e);
          map.closePopup();
          layer.fire("click", {latlng: event.latlng});
        });
        list.appendChild(button);
      });
      // No auto-pan: the map stays where the reader clicked (the next place is where they saw it).
      L.popup({closeButton: true, autoPan: false, className: "newsgeo-chooser-popup"})
        .setLatLng(event.latlng).setContent(list).openOn(map);
    });
  };
})();
