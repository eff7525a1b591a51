/* Clientside functions of the /redecoupage page: styling, tooltips, clicks and the synchronised
   pan/zoom of its three maps never reach the server. Data is inserted with textContent only. */
(function () {
  "use strict";
  var maps = {};
  var busy = false;
  var drawn = { "2018": 0, "2023": 0, change: 0 };

  function register(map) {
    var el = map.getContainer && map.getContainer();
    var id = el && el.id;
    if (id && id.indexOf("rd-map-") === 0) { maps[id] = map; }
    return id;
  }

  function waveStyle(wave) {
    return function (feature, context) {
      var h = (context && context.hideout) || {};
      var key = feature.properties.key;
      var c = (h.colors || {})[key];
      var sel = h.selected !== null && h.selected !== undefined && h.selected === key;
      return {
        fillColor: c || h.nodata || "#d9d9d9", fillOpacity: 0.85,
        color: sel ? "#e1000f" : "#ffffff", weight: sel ? 3.5 : 0.7, opacity: 1,
        className: "rd-f" + wave
      };
    };
  }

  function textTip(lines) {
    var box = document.createElement("div");
    lines.forEach(function (t, i) {
      var el = document.createElement(i === 0 ? "strong" : "div");
      el.textContent = t;
      box.appendChild(el);
    });
    return box;
  }

  window.tiRedraw = {
    maps: maps,
    drawn: drawn,
    register: function (e) { register(e.target); },
    sync: function (e) {
      var m = e.target;
      var id = register(m);
      if (busy || !id) { return; }
      busy = true;
      try {
        var c = m.getCenter(), z = m.getZoom();
        Object.keys(maps).forEach(function (k) {
          var o = maps[k];
          if (k === id || !o._loaded) { return; }
          if (!o.getCenter().equals(c, 1e-7) || o.getZoom() !== z) { o.setView(c, z, { animate: false }); }
        });
      } finally { busy = false; }
    },
    style2018: waveStyle("2018"),
    style2023: waveStyle("2023"),
    tooltip: function (feature, layer, context) {
      var wave = (layer.options && layer.options.className || "").indexOf("rd-f2018") >= 0 ? "2018" : "2023";
      drawn[wave] += 1;
      layer.bindTooltip(function () {
        var h = (context && context.hideout) || {};
        var key = feature.properties.key;
        var v = (h.values || {})[key] || "pas de données";
        return textTip([feature.properties.name || key, (h.label || "") + " : " + v]);
      }, { sticky: true, className: "ti-tooltip" });
    },
    changeStyle: function (feature, context) {
      var h = (context && context.hideout) || {};
      var c = (h.colors || {})[feature.properties.c];
      return { fillColor: c || h.nodata || "#d9d9d9", fillOpacity: 0.9, color: "#ffffff", weight: 0.2,
               opacity: 0.6 };
    },
    changeTooltip: function (feature, layer) {
      drawn.change += 1;
      layer.bindTooltip(function () {
        var labels = { same: "Même territoire en 2018 et 2023", moved: "Autre territoire en 2023",
                       entered: "Entrée en 2023", left: "Sortie en 2023", outside: "Hors programme" };
        return textTip([feature.properties.name || feature.properties.key,
                        labels[feature.properties.c] || ""]);
      }, { sticky: true, className: "ti-tooltip" });
    }
  };

  window.dash_clientside = window.dash_clientside || {};
  function clickTo(wave) {
    return function (clickData) {
      if (!clickData || !clickData.properties || clickData.properties.key === undefined) {
        return window.dash_clientside.no_update;
      }
      return { wave: wave, key: String(clickData.properties.key) };
    };
  }
  window.dash_clientside.tiRedraw = { click2018: clickTo("2018"), click2023: clickTo("2023") };
})();
