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
    }
  };
})();
