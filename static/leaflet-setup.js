/* Leaflet settings for the dashboard's map. Load it right after leaflet.js, before any map exists
   (the map's file holds it so: geo.page.payload). */
(function () {
  /* Point Leaflet's default marker icons at the vendored images (static/vendor/leaflet/images/).
   * streamlit-folium adds the CSS after the scripts run, so Leaflet's own path detection
   * (which reads the CSS) fails. Resolved against this script's own URL, so it works under
   * any asset root or --server.baseUrlPath. */
  var here = document.currentScript && document.currentScript.src;
  if (window.L && here) {  // this file, or the map's file under generated/ that holds it (geo.page.payload)
    var root = /\/generated\/[^\/]*$/.test(new URL(here).pathname) ? "../" : "";
    L.Icon.Default.imagePath = new URL(root + "vendor/leaflet/images/", here).href;
  }
  /* Leaflet's keyboard handler focuses the map on mousedown. The map lives in an iframe, and
   * focusing it scrolls the host page to bring the whole iframe into view when part of it is
   * off-screen; the mouseup then lands on another point and the click on a marker is lost.
   * Focus without scrolling (Leaflet itself only restores the iframe's own scroll). The
   * handler reads the prototype when a map is created, so this applies to every map. */
  if (window.L && L.Map && L.Map.Keyboard) {
    L.Map.Keyboard.prototype._onMouseDown = function () {
      if (!this._focused) {
        this._map._container.focus({ preventScroll: true });
      }
    };
  }
  /* On a narrow screen (a phone) the place panel sits below the map: after a tap on a place,
   * bring the panel into view once the page has drawn it (the page marks it #newsgeo-panel).
   * Same-origin frame; nothing of the page is read but that element. */
  window.newsgeoPanelAfterClick = function () {
    var host = window.parent;
    if (!host || host === window || host.innerWidth >= 640) { return; }
    var waited = 0;
    var timer = setInterval(function () {
      waited += 150;
      var anchor = host.document.getElementById("newsgeo-panel");
      if (anchor || waited > 4000) {
        clearInterval(timer);
        if (anchor) { anchor.scrollIntoView({ behavior: "smooth", block: "start" }); }
      }
    }, 150);
  };
})();
