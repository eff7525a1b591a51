/* Clientside functions of the map page: styling, hover and tooltips never reach the server.
   Names and values are inserted with textContent: data is never interpreted as HTML. */
(function () {
  "use strict";
  var state = { hideout: {} };

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

  window.tiCarte = {
    state: state,
    fmt: fmt,
    style: function (feature, context) {
      var h = (context && context.hideout) || {};
      state.hideout = h;
      var colors = h.colors || {};
      var c = colors[feature.properties.key];
      return {
        fillColor: c || h.nodata || "#d9d9d9", fillOpacity: 0.85,
        color: "#ffffff", weight: 0.7, opacity: 1, className: "ti-feature"
      };
    },
    hover: function () {
      return { weight: 2.5, color: "#161616" };
    },
    tooltip: function (feature, layer, context) {
      if (context && context.hideout) { state.hideout = context.hideout; }
      layer.bindTooltip(function () { return tooltipNode(feature); }, { sticky: true, className: "ti-tooltip" });
    },
    // proportional circles: the radius (px) of each key comes with the hideout, so that a
    // change of scale restyles the circles without reloading them
    circle: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 0, className: "ti-circle-mark" });
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
  window.dash_clientside.tiCarte = {
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
