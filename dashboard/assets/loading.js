/* "Chargement…" over every chart and map until it is drawn: plotly charts (the chart library
   arrives seconds after the page) and dash-leaflet maps (their layers are fetched apart).
   A container is marked data-ti-ready (and aria-busy is lifted) once drawn; the text itself is
   in style.css. A map or chart that stays empty is released after 20 s. */
(function () {
  "use strict";
  var LIMIT_MS = 20000;
  var seen = new WeakMap();

  function plotlyDrawn(graph) {
    var gd = graph.querySelector(".js-plotly-plot");
    if (!gd || !gd._fullLayout || !gd.querySelector(".main-svg")) { return false; }
    var maps = (gd._fullLayout._subplots && gd._fullLayout._subplots.map) || [];
    for (var i = 0; i < maps.length; i++) {
      var sub = gd._fullLayout[maps[i]] && gd._fullLayout[maps[i]]._subplot;
      if (!sub || !sub.map || !sub.map.loaded()) { return false; }
    }
    return true;
  }

  function leafletDrawn(map) {
    return map.querySelector(".leaflet-overlay-pane path, .leaflet-overlay-pane canvas, " +
                             ".leaflet-marker-pane > *") !== null;
  }

  function check() {
    var waiting = 0;
    document.querySelectorAll(".dash-graph:not([data-ti-ready]), " +
                              ".leaflet-container:not([data-ti-ready])").forEach(function (el) {
      if (!seen.has(el)) { seen.set(el, Date.now()); el.setAttribute("aria-busy", "true"); }
      var drawn = el.classList.contains("leaflet-container") ? leafletDrawn(el) : plotlyDrawn(el);
      if (drawn || Date.now() - seen.get(el) > LIMIT_MS) {
        el.setAttribute("data-ti-ready", "1");
        el.removeAttribute("aria-busy");
      } else {
        waiting += 1;
      }
    });
    return waiting;
  }

  function loop() { check(); window.setTimeout(loop, 250); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", loop); }
  else { loop(); }
})();
