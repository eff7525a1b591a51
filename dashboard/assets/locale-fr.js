/* French for the libraries' own words: plotly's months and Leaflet's zoom buttons.

   plotly.js: the vendored locale (plotly-locale-fr.js) waits in window.PlotlyLocales until
   plotly.js is loaded (Dash loads it lazily, after this file). Its short months ("Jan", "Jul",
   "Sep") read as English: they are replaced by the French abbreviations of the CLDR ("janv.",
   "juil.", "sept."), and month and day names are written in lower case as French does. The
   dashboard's graphs ask for this locale with `locale: "fr"` (dashboard/core/charts.py).

   Leaflet: the zoom buttons' tooltips and accessible names ("Zoom in", "Zoom out").

   ag-grid: tiGridText, the getLocaleText of every table (dashboard/core/components.py grid()),
   reads the vendored French locale (ag-grid-locale-fr.js) with French number separators. */
(function () {
  "use strict";
  var FORMAT = {
    days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
    shortDays: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
    months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre"],
    shortMonths: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                  "oct.", "nov.", "déc."]
  };
  var DICTIONARY = {  // buttons the vendored locale does not translate
    "Download plot as JSON": "Télécharger le graphique en JSON",
    "Share chart...": "Partager le graphique…",
    "Zoom in": "Zoom avant",
    "Zoom out": "Zoom arrière"
  };

  function corrected(loc) {
    return { moduleType: "locale", name: "fr", tiFrench: true,
             dictionary: Object.assign({}, loc.dictionary, DICTIONARY),
             format: Object.assign({}, loc.format, FORMAT) };
  }

  function frenchPlotly() {
    var pending = window.PlotlyLocales || [];
    for (var i = 0; i < pending.length; i++) {
      if (pending[i] && pending[i].name === "fr" && !pending[i].tiFrench) {
        pending[i] = corrected(pending[i]);
      }
    }
    // plotly.js loaded before the vendored locale: that file registered its `locale` directly
    var loc = window.locale;
    if (window.Plotly && window.Plotly.register && loc && loc.name === "fr" && !loc.tiFrench) {
      window.locale = corrected(loc);
      window.Plotly.register(window.locale);
    }
  }

  function frenchLeaflet() {
    if (window.L && window.L.Control && window.L.Control.Zoom) {
      window.L.Control.Zoom.prototype.options.zoomInTitle = "Zoom avant";
      window.L.Control.Zoom.prototype.options.zoomOutTitle = "Zoom arrière";
    }
  }

  var GRID_OVERRIDES = {
    thousandSeparator: "\u202f",  // the vendored locale has "," and "."
    decimalSeparator: ",",
    noRowsToShow: "Aucune ligne à afficher"
  };
  var dagfuncs = (window.dashAgGridFunctions = window.dashAgGridFunctions || {});
  dagfuncs.tiGridText = function (params) {
    var key = params.key;
    if (Object.prototype.hasOwnProperty.call(GRID_OVERRIDES, key)) { return GRID_OVERRIDES[key]; }
    var fr = window.tiAgGridLocaleFr || {};
    var text = Object.prototype.hasOwnProperty.call(fr, key) ? fr[key] : params.defaultValue;
    // some texts hold ${variable} placeholders that ag-grid fills
    var vars = (params.variableValues || []).slice();
    return String(text).replace(/\$\{variable\}/g, function (m) {
      return vars.length ? vars.shift() : m;
    });
  };

  frenchPlotly();
  frenchLeaflet();
  // assets load in alphabetical order: run again once every script of the page has run
  document.addEventListener("DOMContentLoaded", function () {
    frenchPlotly();
    frenchLeaflet();
  });
})();
