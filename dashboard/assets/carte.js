/* Clientside functions of the map page: styling, hover and tooltips never reach the server.
   Names and values are inserted with textContent: data is never interpreted as HTML. */
(function () {
  "use strict";
  var state = { hideout: {}, tipLayers: [] };

  function fmt(v, decimals) {
    if (v === null || v === undefined || v === "" || isNaN(v)) { return "pas de données"; }
    return Number(v).toLocaleString("fr-FR", {
      minimumFractionDigits: decimals, maximumFractionDigits: decimals
    });
  }

  function tooltipNode(feature) {
    var h = state.hideout || {};
    var key = feature.properties.key;
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = feature.properties.name || key;
    box.appendChild(name);
    if (h.values) {
      var line = document.createElement("div");
      line.textContent = (h.label || "") + " : " + (h.values[key] || "pas de données");
      box.appendChild(line);
    }
    if (h.fondLabel && h.fond) {
      var second = document.createElement("div");
      second.textContent = h.fondLabel + " : " + (h.fond[key] || "pas de données");
      box.appendChild(second);
    }
    return box;
  }

  // -- drawing: the ~35,000 communes on one canvas, the other layers as SVG paths ------------
  // The hideout says how (``canvas``, ``labels``: dashboard/map/callbacks.py with_drawing).
  // style() runs before Leaflet adds a feature, so the renderer it names is the one used.
  function setUp(map) {
    if (map._ti) { return map._ti; }
    // the commune canvas lies under the outlines (overlayPane, 400); the overlay SVG lets the
    // pointer through to it (its interactive paths still take their own events)
    var pane = map.createPane("tiCanvas");
    pane.style.zIndex = 350;
    map.getPane("overlayPane").style.pointerEvents = "none";
    // the proportional circles over every polygon, whichever layer came first (each pane has
    // its own SVG), a selection over both, the place names over all; the panes let the pointer
    // through (their interactive paths take their own events)
    [["tiCircles", 410], ["tiSelection", 420], ["tiLabels", 450]].forEach(function (p) {
      var named = map.createPane(p[0]);
      named.style.zIndex = p[1];
      named.style.pointerEvents = "none";
    });
    var canvas = L.canvas({ pane: "tiCanvas", padding: 0.2, tolerance: 1 });
    var redraw = canvas._redraw;
    canvas._redraw = function () {  // count what each full redraw painted (tests, benchmarks)
      redraw.apply(this, arguments);
      var n = 0, layers = this._layers;
      for (var id in layers) { if (layers[id] instanceof L.CircleMarker) { n++; } }
      this._tiCircles = n;
      this._tiDrawn = Object.keys(layers).length - n;
    };
    map._ti = { canvas: canvas, labels: L.layerGroup([], { pane: "tiLabels" }).addTo(map),
                cfg: null, chefs: [], boxes: {}, box: null };
    map.on("moveend", function () { placeLabels(map); });
    map.on("zoomend", function () { detailed(map); });
    state.map = map;
    return map._ti;
  }

  // a layer's features drawn in one of the panes made by setUp
  function inPane(pane, options, context) {
    if (context && context.map) { setUp(context.map); options.pane = pane; }
    return options;
  }

  function drawing(map, h, s) {
    if (!map) { return; }
    var ti = setUp(map);
    if (h.canvas) { s.renderer = ti.canvas; s.weight = 0.3; s.opacity = 0.6; }
    // each new style data (a page built again by Back keeps its map) says where the rows are
    if (h !== ti.hideout) {
      ti.hideout = h;
      if (h.rows) { loadRows(h.rows); } else { rowsHint(null); }  // else: rows came with it
      detailed(map);
    }
    var cfg = h.labels;
    if (cfg && (!ti.cfg || ti.cfg.chefs !== cfg.chefs || ti.cfg.communes !== cfg.communes)) {
      ti.cfg = cfg;
      ti.chefs = [];
      ti.boxes = {};
      getJSON(cfg.chefs, function (rows) {
        if (ti.cfg === cfg) { ti.chefs = rows; placeLabels(map); }
      });
    }
  }

  // the national view is drawn first at its lightest level; zoomed in past ``detail.zoom``, its
  // layer and outlines are loaded again at the coarse level (dashboard/map/callbacks.py
  // detail_urls), once per view
  function detailed(map) {
    var ti = map._ti, d = ti && ti.hideout && ti.hideout.detail;
    if (!d || ti.detailed === d || map.getZoom() < d.zoom) { return; }
    ti.detailed = d;
    Object.keys(d.urls).forEach(function (name) {
      window.dash_clientside.set_props("carte-" + name, { url: d.urls[name] });
    });
  }

  // polygons drawn (SVG paths, or what the commune canvas painted); with ``circles``, the
  // proportional circles drawn are counted too (-1 while the canvas has a redraw pending)
  function featureCount(circles) {
    var n = document.querySelectorAll(circles ? "path.ti-feature, path.ti-circle-mark"
                                              : "path.ti-feature").length;
    var ti = state.map && state.map._ti;
    var c = ti && ti.canvas;
    if (c && c._map && Object.keys(c._layers).length) {
      if (c._redrawRequest || c._tiDrawn === undefined) { return -1; }
      n += c._tiDrawn + (circles ? c._tiCircles : 0);
    }
    return n;
  }

  // the rows of the page's first table, and of a large table (the communes), come after the
  // map: fetched now, handed to the grid once the map is drawn and the page is idle, unless
  // another view has replaced them meanwhile
  // A failed fetch is tried again once; failing again, the table says so (it was shown empty,
  // as if the view had no rows) until a view's rows come.
  var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 50); };
  var ROWS_FAILED = "Les lignes du tableau n'ont pas pu être chargées : rechargez la page " +
    "pour réessayer (la carte et l'export du tableau restent disponibles).";
  function loadRows(url, retried) {
    function current() {
      var ti = state.map && state.map._ti;
      return ti && ti.hideout && ti.hideout.rows === url;
    }
    getJSON(url, function (rows) {
      function apply() {
        if (!current()) { return; }
        if (featureCount() < 0) { requestAnimationFrame(apply); return; }
        idle(function () {
          if (!current()) { return; }
          window.dash_clientside.set_props("carte-grid", { rowData: rows });
          rowsHint(null);
          showSelected(rows.length, 20);
        }, { timeout: 1000 });
      }
      apply();
    }, function () {
      if (!current()) { return; }
      if (!retried) { setTimeout(function () { loadRows(url, true); }, 1000); return; }
      window.dash_clientside.set_props("carte-grid", { rowData: [] });
      rowsHint(ROWS_FAILED);
    });
  }

  // the note over the table: the failure, or back to its own text (kept from the page)
  function rowsHint(failure) {
    var el = document.getElementById("carte-table-hint");
    if (!el || (!failure && state.hint === undefined)) { return; }
    if (state.hint === undefined) { state.hint = el.textContent; }
    window.dash_clientside.set_props("carte-table-hint", {
      children: failure || state.hint, role: failure ? "alert" : null
    });
    if (!failure) { state.hint = undefined; }
  }

  // the unit selected by the address (a shared link, Back) is selected in the table once its
  // rows are there: its row is then scrolled into the table's view
  function showSelected(n, tries) {
    if (!window.dash_ag_grid || !window.dash_ag_grid.getApiAsync) { return; }
    window.dash_ag_grid.getApiAsync("carte-grid").then(function (api) {
      function look(left) {
        if (api.isDestroyed() || left <= 0) { return; }
        var nodes = api.getDisplayedRowCount() === n ? api.getSelectedNodes() : [];
        if (nodes.length) { api.ensureNodeVisible(nodes[0], "middle"); return; }
        requestAnimationFrame(function () { look(left - 1); });  // no selection yet, or none
      }
      look(tries);
    }, function () {});
  }

  function groupTooltip(layer) {
    var parents = layer._eventParents || {};
    Object.keys(parents).forEach(function (id) {
      var group = parents[id];
      if (!group._tiTooltip) {
        group._tiTooltip = true;
        group.bindTooltip(function (child) { return tooltipNode(child.feature); },
                          { sticky: true, className: "ti-tooltip" });
      }
    });
  }

  function getJSON(url, done, failed) {
    fetch(url).then(function (r) {
      if (!r.ok) { throw new Error(url + ": HTTP " + r.status); }
      return r.json();
    }).then(done, failed || function () {});
  }

  // -- place names without tiles -----------------------------------------------------------
  // Préfectures, then sous-préfectures, then (from COMMUNE_ZOOM) communes by population, each
  // drawn only where it overlaps no name already placed (greedy, in screen space).
  var COMMUNE_ZOOM = 9, CELL = 0.5, MAX_AREA = 24, CHAR_PX = 6.6, LINE_PX = 15;

  function viewBox(map) {
    var b = map.getBounds();
    var w = Math.floor(b.getWest() / CELL) * CELL, s = Math.floor(b.getSouth() / CELL) * CELL;
    var e = Math.ceil(b.getEast() / CELL) * CELL, n = Math.ceil(b.getNorth() / CELL) * CELL;
    if ((e - w) * (n - s) > MAX_AREA) { return null; }
    return [w, s, e, n].join(",");
  }

  function candidates(map) {
    var ti = map._ti, out = [], z = map.getZoom();
    ti.chefs.forEach(function (r) {  // [name, lat, lng, rank, population]
      if (r[3] === 0 || z >= 7) { out.push({ name: r[0], lat: r[1], lng: r[2], kind: r[3] }); }
    });
    if (z >= COMMUNE_ZOOM && ti.cfg) {
      var box = viewBox(map);
      if (box) {
        var rows = ti.boxes[box];
        if (rows === undefined) {
          ti.boxes[box] = null;  // asked for: placed again once it arrives
          getJSON(ti.cfg.communes + "&box=" + box, function (data) {
            ti.boxes[box] = data;
            placeLabels(map);
          });
        } else if (rows) {
          rows.forEach(function (r) {  // [name, lat, lng, population, code]
            out.push({ name: r[0], lat: r[1], lng: r[2], kind: 2 });
          });
        }
      }
    }
    return out;
  }

  // the width a name takes in its font (measured, not guessed: no two names may overlap)
  var measure = null;
  function textWidth(text, font) {
    if (!measure) { measure = document.createElement("canvas").getContext("2d"); }
    if (!measure) { return text.length * CHAR_PX; }
    measure.font = font;
    return measure.measureText(text).width;
  }

  function placeLabels(map) {
    var ti = map._ti;
    if (!ti) { return; }
    var size = map.getSize(), taken = [], seen = {};
    ti.labels.clearLayers();
    candidates(map).forEach(function (c) {
      if (seen[c.name + c.lat]) { return; }  // a chef-lieu is also a commune
      var p = map.latLngToContainerPoint([c.lat, c.lng]);
      if (p.x < 0 || p.y < 0 || p.x > size.x || p.y > size.y) { return; }
      var font = (c.kind === 0 ? "600 12px" : "11px") + " system-ui,sans-serif";
      var w = textWidth(c.name, font) + 8, box = [p.x - w / 2, p.y - LINE_PX - 4, p.x + w / 2, p.y + 2];
      for (var i = 0; i < taken.length; i++) {
        var t = taken[i];
        if (box[0] < t[2] && t[0] < box[2] && box[1] < t[3] && t[1] < box[3]) { return; }
      }
      taken.push(box);
      seen[c.name + c.lat] = true;
      var el = document.createElement("span");
      el.className = "ti-label ti-label-" + ["prefecture", "sous-prefecture", "commune"][c.kind];
      el.textContent = c.name;
      el.style.cssText = "position:absolute;transform:translate(-50%,-100%);white-space:nowrap;" +
        "font:" + font + ";color:#161616;" +
        "text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;pointer-events:none;";
      ti.labels.addLayer(L.marker([c.lat, c.lng], {
        pane: "tiLabels", interactive: false, keyboard: false,
        icon: L.divIcon({ html: el, className: "ti-label-anchor", iconSize: null })
      }));
    });
  }

  window.tiCarte = {
    state: state,
    fmt: fmt,
    style: function (feature, context) {
      var h = (context && context.hideout) || {};
      state.hideout = h;
      var colors = h.colors || {};
      var c = colors[feature.properties.key];
      var s = {
        fillColor: c || h.fill || h.nodata || "#d9d9d9", fillOpacity: 0.85,
        color: "#ffffff", weight: 0.7, opacity: 1, className: "ti-feature"
      };
      drawing(context && context.map, h, s);
      return s;
    },
    featureCount: featureCount,
    hover: function () {
      return { weight: 2.5, color: "#161616" };
    },
    // a tooltip reads the polygons' style data (the circles' layer has only their radii)
    tooltip: function (feature, layer, context) {
      var h = (context && context.hideout) || state.hideout;
      if (h.values) { state.hideout = h; }
      // one tooltip for the whole layer, not one per feature (35,000 communes, 2,510 EPCI
      // polygons and circles): Leaflet hands the group the hovered feature (the group is known
      // once the feature is added, right after this call; one layer of each GeoJSON component
      // is kept: the polygons', the circles')
      if (state.tipCtx !== context) {
        state.tipCtx = context;
        state.tipLayers.push([layer, context && context.id]);
      }
      if (!state.tipTimer) {
        state.tipTimer = setTimeout(function () {
          var layers = state.tipLayers;
          state.tipTimer = null;
          state.tipLayers = [];
          state.tipCtx = null;
          layers.forEach(function (pair) {
            groupTooltip(pair[0]);
            // its features are drawn: what waits for them may render (assets/later.js)
            if (window.tiLater) { window.tiLater.drawn(pair[1]); }
          });
        }, 0);
      }
    },
    // proportional circles: the radius (px) of each key comes with the hideout, so that a
    // change of scale restyles the circles without reloading them
    circle: function (feature, latlng, context) {
      var h = (context && context.hideout) || {};
      if (h.canvas && context.map) {
        // the communes' circles go on the communes' canvas (35,000 SVG circles would freeze
        // the page), drawn over the polygons whatever arrived first
        var m = L.circleMarker(latlng, { radius: 0, renderer: setUp(context.map).canvas });
        m.on("add", function () { m.bringToFront(); });
        return m;
      }
      return L.circleMarker(latlng, inPane("tiCircles", { radius: 0, className: "ti-circle-mark" },
                                           context));
    },
    circleStyle: function (feature, context) {
      var h = (context && context.hideout) || {};
      var r = (h.radius || {})[feature.properties.key] || 0;
      var colored = h.fondLabel ? true : false;
      return {
        radius: r, weight: r ? 1 : 0, color: "#ffffff", opacity: 1,
        fillColor: colored ? "#b34000" : "#000091", fillOpacity: r ? 0.6 : 0
      };
    },
    point: function (feature, latlng) {
      var pref = feature.properties.kind === "préfecture";
      return L.circleMarker(latlng, {
        radius: pref ? 5 : 3.5, color: "#161616", weight: 1, fillColor: pref ? "#161616" : "#ffffff",
        fillOpacity: 1
      });
    },
    pin: function (feature, latlng, context) {
      return L.circleMarker(latlng, inPane("tiSelection", {
        radius: 7, color: "#ffffff", weight: 2.5, fillColor: "#e1000f", fillOpacity: 1,
        interactive: false, className: "ti-pin"
      }, context));
    },
    // the selected unit's outline (its colour in the hideout), over the circles
    selection: function (feature, context) {
      var h = (context && context.hideout) || {};
      return inPane("tiSelection", { color: h.color, weight: 3, fill: false }, context);
    },
    pointTooltip: function (feature, layer) {
      layer.bindTooltip(function () {
        var box = document.createElement("div");
        box.textContent = feature.properties.name + " (" + feature.properties.kind + ")";
        return box;
      });
    }
  };

  window.dashAgGridFunctions = window.dashAgGridFunctions || {};
  window.dashAgGridFunctions.tiFmt = fmt;

  window.dash_clientside = window.dash_clientside || {};
  var fitted = new WeakSet();  // the page's first view stores whose fitted report was held back
  window.dash_clientside.tiCarte = {
    // the map's view for the address (the page's ``view`` store): created fitted to its bounds,
    // the map reports that view once ready (dash-leaflet's whenReady), which is not a move
    viewReport: function (center, zoom, view) {
      if (view && view.fit && !fitted.has(view)) {
        fitted.add(view);
        return window.dash_clientside.no_update;
      }
      return { center: center, zoom: zoom };
    },
    clickToSelection: function (clickData, layer) {
      if (!clickData || !clickData.properties || clickData.properties.key === undefined) {
        return window.dash_clientside.no_update;
      }
      return { couche: layer, key: String(clickData.properties.key) };
    },
    // the table and the map select the same unit: a row selected (click, or Space on a row)
    // selects the unit; a unit selected on the map (or by the search) selects and shows its row
    syncSelection: function (selection, rows, layer, getRowId) {
      var nu = window.dash_clientside.no_update;
      var ctx = window.dash_clientside.callback_context;
      var fired = (ctx && ctx.triggered && ctx.triggered.length) ? ctx.triggered[0].prop_id : "";
      var current = selection && selection.couche === layer ? String(selection.key) : null;
      if (fired.indexOf("selectedRows") >= 0) {
        var row = Array.isArray(rows) && rows.length ? rows[0] : null;
        var m = /params\.data\[['"](.+)['"]\]/.exec(getRowId || "");
        var key = row && m ? row[m[1]] : null;
        if (key === null || key === undefined || String(key) === current) { return [nu, nu, nu]; }
        return [{ couche: layer, key: String(key) }, nu, nu];
      }
      if (!current) { return [nu, { ids: [] }, nu]; }
      return [nu, { ids: [current] }, { rowId: current, rowPosition: "middle" }];
    }
  };
})();
