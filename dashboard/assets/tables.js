/* The tables (ag-grid) after the map.

   dash-ag-grid's main bundle (1.3 MB, the page's largest script: 20-35 ms to run before Dash's
   first render on this machine) is not in the page (dashboard/core/delivery.py,
   defer_libraries): this file stands in for its namespace, window.dash_ag_grid. Its AgGrid
   keeps the table's place (an empty box of the table's size, the id of the grid) until the
   bundle has run, then renders the real grid with the same properties: Dash keeps them
   meanwhile (rows, columns, selection), and the grid is built with the last of them.

   When the bundle is loaded is the page's (Page.tables, in the config block the server writes):
   "now" on the pages whose tables show at once (hinted in their head: the redraw page's folded
   change map never draws, its tables must not wait for it), "after_map" on the map explorer
   (once its map has drawn its layer, at most HOLD_MS: an empty view draws nothing), else when
   a table first shows (a page reached by a link). The namespace the
   bundle sets is kept behind this one: the component Dash renders never changes type (a change
   would build every grid a second time). */
(function () {
  "use strict";
  var HOLD_MS = 4000;
  var tag = document.getElementById("ti-shell");
  var config = tag ? JSON.parse(tag.textContent) : { urls: {} };
  var url = config.urls.dash_ag_grid;
  var React = window.React;
  if (!url || !React || window.dash_ag_grid) { return; }  // the bundle is in the page: as is

  var real = null, requested = false, loaded;
  var ready = new Promise(function (resolve) { loaded = resolve; });

  function load() {
    var script = document.createElement("script");
    script.src = url;
    script.onerror = function () { requested = false; };  // tried again by the next table
    document.head.appendChild(script);
  }

  // on the explorer, once its layer has drawn (assets/later.js), at most HOLD_MS
  function afterMap() {
    if (document.getElementById("carte-map") === null || !window.tiLater) { load(); return; }
    window.tiLater.whenDrawn("carte-geo", load, HOLD_MS);
  }

  function request(now) {
    if (requested) { return; }
    requested = true;
    if (now) { load(); return; }
    setTimeout(afterMap, 0);  // once React has put the page in the document
  }

  function AgGrid(props) {
    var shown = React.useState(real !== null);
    React.useEffect(function () {
      if (shown[0]) { return undefined; }
      var mounted = true;
      ready.then(function () { if (mounted) { shown[1](true); } });
      request();
      return function () { mounted = false; };
    }, []);
    if (shown[0]) { return React.createElement(real.AgGrid, props); }
    return React.createElement("div", {
      id: props.id, className: props.className, style: props.style, "aria-busy": "true"
    });
  }
  AgGrid.dashRenderType = true;  // as the real one: Dash tells it why it renders again

  var stand = {
    AgGrid: AgGrid,
    getApi: function (id) {
      if (!real) { throw new Error("dash_ag_grid: tables not loaded yet (use getApiAsync)"); }
      return real.getApi(id);
    },
    getApiAsync: function (id) {
      return ready.then(function () { return real.getApiAsync(id); });
    }
  };
  Object.defineProperty(window, "dash_ag_grid", {
    configurable: true,
    enumerable: true,
    get: function () { return stand; },
    set: function (lib) {
      // the bundle, at the end of its run; its table chunk then adds to the namespace it reads
      // (window.dash_ag_grid = window.dash_ag_grid || {}): this one, which is not the bundle
      if (!lib || lib === stand || real) { return; }
      real = lib;
      Object.keys(lib).forEach(function (k) { if (!(k in stand)) { stand[k] = lib[k]; } });
      loaded();
    }
  });
  if (config.load === "now") { request(true); }  // hinted in the head: run as soon as it is here
})();
