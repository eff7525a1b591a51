/* Accessibility repairs of third-party components, applied whenever the page changes.

   - Dash 4 dropdowns put the keyboard focus on a hidden relay input (aria-hidden and yet
     focusable) that forwards it to the button: the button takes the focus itself.
   - Dash 4 radio items are drawn as a listbox of options wrapping native radio buttons (nested
     interactive controls, no name): they become a radio group named by their fieldset's legend.
   - Leaflet's vector features were focusable one by one (hundreds of Tab stops on a map): they
     get no focus listeners (below); the table under each map is the keyboard and screen-reader
     way to the same data, and the map itself stays focusable (arrows pan, +/- zoom).
   - A file input without a label gets one; a table wider than the screen (it scrolls) can
     take the focus, so that a keyboard can scroll it.
   - The page's settings (<details class="ti-settings">) are folded on a phone. */
(function () {
  "use strict";
  var PHONE = "(max-width: 760px)";
  var scheduled = false;

  function legendOf(el) {
    var fs = el.closest("fieldset");
    var lg = fs && fs.querySelector("legend");
    if (!lg) { return null; }
    if (!lg.id) { lg.id = (el.id || "ti-radio") + "-legend"; }
    return lg.id;
  }

  function repair() {
    scheduled = false;
    document.querySelectorAll(".dash-dropdown-focus-target").forEach(function (el) {
      if (el.tabIndex !== -1) { el.tabIndex = -1; }
    });
    document.querySelectorAll("button.dash-dropdown").forEach(function (b) {
      if (!b.disabled && b.tabIndex !== 0) { b.tabIndex = 0; }
    });
    document.querySelectorAll(".dash-radioitems[role='listbox'], .dash-checklist[role='listbox']")
      .forEach(function (el) {
        var radio = el.classList.contains("dash-radioitems");
        el.setAttribute("role", radio ? "radiogroup" : "group");
        var lg = legendOf(el);
        if (lg) { el.setAttribute("aria-labelledby", lg); }
      });
    document.querySelectorAll(".dash-options-list-option[role='option']").forEach(function (el) {
      if (el.closest("[role='radiogroup'], [role='group']")) {
        el.removeAttribute("role");
        el.removeAttribute("aria-selected");
      }
    });
    document.querySelectorAll(".leaflet-container:not([aria-label])").forEach(function (m) {
      m.setAttribute("aria-label", "Carte (le tableau des données donne les mêmes valeurs)");
    });
    document.querySelectorAll("input[type='file']:not([aria-label])").forEach(function (i) {
      i.setAttribute("aria-label", "Choisir un fichier");
    });
    // a table wider than the screen scrolls: the keyboard must reach it (WCAG 2.1.1)
    document.querySelectorAll(".ti-table, .ti-cmp-wrap").forEach(function (t) {
      var scrolls = t.scrollWidth > t.clientWidth + 1;
      if (scrolls && t.getAttribute("tabindex") !== "0") {
        t.setAttribute("tabindex", "0");
        if (t.tagName !== "TABLE") {
          t.setAttribute("role", "region");
          var cap = t.querySelector("caption");
          t.setAttribute("aria-label", cap ? cap.textContent : "Tableau (défilement horizontal)");
        }
      }
    });
    document.querySelectorAll("details.ti-settings:not([data-ti-folded])").forEach(function (d) {
      d.setAttribute("data-ti-folded", "1");
      if (window.matchMedia && window.matchMedia(PHONE).matches) { d.removeAttribute("open"); }
    });
  }

  // Leaflet gives every vector feature with a tooltip focus and blur listeners (focus opens the
  // tooltip), and Chrome makes an SVG element with focus listeners focusable: hundreds of Tab
  // stops on a map, and 5,000 listeners added while the EPCI and their circles are drawn. The
  // features get none: the table under each map is the keyboard way to the same data, a click
  // still opens a tooltip. Markers (and anything else) keep Leaflet's behaviour.
  function unfocusableFeatures() {
    var L = window.L;
    if (!L || !L.Layer || !L.Path || L.Layer.prototype._tiFocus) { return; }
    var addFocus = L.Layer.prototype._addFocusListenersOnLayer;
    L.Layer.include({
      _tiFocus: true,
      _addFocusListenersOnLayer: function (layer) {
        if (!(layer instanceof L.Path)) { addFocus.call(this, layer); }
      }
    });
  }
  unfocusableFeatures();

  function schedule() {
    if (!scheduled) { scheduled = true; window.requestAnimationFrame(repair); }
  }

  function start() {
    repair();
    new MutationObserver(schedule).observe(document.body, {
      childList: true, subtree: true, attributes: true,
      attributeFilter: ["tabindex", "role", "aria-selected"]
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();
