// Printing any page (print.css lays it out): before the print dialog opens, the print header
// gets the date and the page's address, the document title becomes the page's own title (it
// names the saved PDF), every map is refitted to its printed size and every chart is resized
// to the page's width; all is restored afterwards.
(function () {
  "use strict";
  var PRINT_WIDTH = 680; // px: the printable width of A4 portrait with 12 mm margins
  var maps = [];
  var savedTitle = null;
  if (window.L && window.L.Map && window.L.Map.addInitHook) {
    window.L.Map.addInitHook(function () { maps.push(this); });
  }

  function liveMaps() {
    maps = maps.filter(function (m) {
      var el = m.getContainer && m.getContainer();
      return el && document.body.contains(el);
    });
    return maps;
  }

  function pageTitle() {
    var el = document.querySelector("[data-doc-title]") || document.querySelector("#page h1");
    if (el && el.textContent.trim()) { return el.textContent.trim(); }
    var legend = document.querySelector("#page .ti-legend-title");
    return legend ? "Carte — " + legend.textContent.trim() : "";
  }

  // the bounds of what a map shows: its interactive GeoJSON layers (the outlines under them are
  // not interactive), else the last GeoJSON layer drawn (the profile's territory)
  function contentBounds(map) {
    var chosen = [], last = null;
    map.eachLayer(function (layer) {
      if (!layer.getBounds || !layer.getLayers || !layer.getLayers().length) { return; }
      last = layer;
      if (layer.options && layer.options.interactive !== false) { chosen.push(layer); }
    });
    if (!chosen.length && last) { chosen.push(last); }
    var bounds = null;
    chosen.forEach(function (layer) {
      var b = layer.getBounds();
      if (b && b.isValid()) { bounds = bounds ? bounds.extend(b) : window.L.latLngBounds(b.getSouthWest(), b.getNorthEast()); }
    });
    return bounds;
  }

  function resizeCharts(width) {
    if (!window.Plotly) { return; }
    document.querySelectorAll("#page .js-plotly-plot").forEach(function (el) {
      try { window.Plotly.relayout(el, width ? { width: width } : { width: null, autosize: true }); }
      catch (e) { /* a chart being redrawn keeps its size */ }
    });
  }

  window.addEventListener("beforeprint", function () {
    var meta = document.getElementById("ti-print-meta");
    var title = pageTitle();
    if (meta) {
      meta.textContent = "Imprimé le " + new Date().toLocaleDateString("fr-FR") + " — " + window.location.href;
    }
    var head = document.getElementById("ti-print-title");
    if (head && title) { head.textContent = title; }
    savedTitle = document.title;
    if (title) { document.title = title + " — Territoires d'industrie"; }
    document.body.classList.add("ti-printing");
    liveMaps().forEach(function (m) {
      m.invalidateSize({ animate: false, pan: false });
      var b = contentBounds(m);
      if (b) { m.fitBounds(b, { animate: false, padding: [8, 8] }); }
    });
    resizeCharts(PRINT_WIDTH);
  });

  window.addEventListener("afterprint", function () {
    document.body.classList.remove("ti-printing");
    if (savedTitle !== null) { document.title = savedTitle; savedTitle = null; }
    liveMaps().forEach(function (m) { m.invalidateSize({ animate: false }); });
    resizeCharts(null);
  });
})();
