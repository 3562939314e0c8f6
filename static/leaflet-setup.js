/* Point Leaflet's default marker icons at the vendored images (static/vendor/leaflet/images/).
 * streamlit-folium adds the CSS after the scripts run, so Leaflet's own path detection
 * (which reads the CSS) fails. Resolved against this script's own URL, so it works under
 * any asset root or --server.baseUrlPath. Load it right after leaflet.js. */
(function () {
  var here = document.currentScript && document.currentScript.src;
  if (window.L && here) {
    L.Icon.Default.imagePath = new URL("vendor/leaflet/images/", here).href;
  }
})();
