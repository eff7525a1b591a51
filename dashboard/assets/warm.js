/* The lazy components a page draws first, ready before Dash's first render.

   dash-leaflet's GeoJSON is a React.lazy component: the first time React renders one, it
   shows its fallback (an English "Loading...", in the map) while its chunk loads. And React 18
   throttles revealing what replaces a fallback while anything else on the page is still
   loading (FALLBACK_THROTTLE_MS, 500 ms): the map's layers mounted, and began to fetch their
   data, 300-450 ms after their code had arrived, on every load. The components the page names
   (Page.lazy, in the config block the server writes: dashboard/core/delivery.py shell_config)
   are rendered here once, off the document, so that React begins loading their code at once;
   their chunks are hinted in the head. By Dash's first render they are resolved: React renders
   them at once, without a fallback. The lazy components of the other pages (``idle``) are
   loaded once this page is loaded and idle: reached by a link, a map page renders them at once
   too. */
(function () {
  "use strict";
  var tag = document.getElementById("ti-shell");
  var cfg = tag ? JSON.parse(tag.textContent) : {};
  var lazy = cfg.lazy || [], idle = cfg.idle || [];

  function warm(name) {
    var dot = name.indexOf("."), lib = window[name.slice(0, dot)];
    var Component = lib && lib[name.slice(dot + 1)];
    var R = window.React, D = window.ReactDOM;
    if (!Component || !R || !D || !D.createRoot || !D.flushSync) { return false; }
    var root = D.createRoot(document.createElement("div"));
    try {
      // rendered now (the lazy component asks for its chunk), unmounted before it comes
      D.flushSync(function () { root.render(R.createElement(Component, { id: "ti-warm" })); });
    } catch (e) {
      // nothing lost: Dash's own render would then load it, as before
    }
    root.unmount();
    return true;
  }

  // dash-leaflet runs before this file; a library that runs after it, once the document is parsed
  var later = lazy.filter(function (name) { return !warm(name); });
  if (later.length) {
    document.addEventListener("DOMContentLoaded", function () { later.forEach(warm); });
  }
  if (idle.length) {
    window.addEventListener("load", function () {
      var when = window.requestIdleCallback || function (f) { return setTimeout(f, 200); };
      when(function () { idle.forEach(warm); }, { timeout: 3000 });
    });
  }
})();
