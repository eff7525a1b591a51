/* The address of every page: one history entry per user change, Back and Forward restore the
   view, "Copier le lien" copies it.

   Pages write their state into the store ``ti-address`` ({search}). The entry is written once
   the callbacks of that change have settled (a change that cascades, such as a région that
   clears its département, is one entry). It is a new entry when the state differs from the
   current address other than by the map's view (``vue``); a map move replaces the current
   entry, and so does the page's own address: a page's layout may name it (``data-ti-address``,
   the full address of the state it was drawn for, which a bare "/" stands for), and until an
   address is written, a write is compared with it rather than with the bare one. The page's own
   write replaces the bare address whenever it comes (on a busy machine, after the user's first
   change: then the two are one new entry, Back returns to the page as drawn). A page that names
   no address has its first write before any key or pointer pressed taken as its own. On Back
   or Forward within a page, ``ti-popstate`` receives the address the browser went back to and
   the app rebuilds the page from it (each page's layout is built from its address alone). */
(function () {
  "use strict";
  var pending = null;
  var timer = null;
  var started = 0;
  var path = window.location.pathname;
  var fresh = true;  // no address written since the page was drawn
  var drawn = true;  // drawn from its address (not rebuilt after Back or Forward)
  var touched = false;  // a key or pointer pressed since the page was drawn
  // after Back or Forward: the state (address without ``vue``) the page is rebuilt for. The
  // page on screen until then may still report its own state (a map move ending, a callback
  // answering late): such a write is dropped, not written over the address gone back to. The
  // rebuilt page's first write of that state, or the user's next input, ends the wait.
  var restoring = null;

  function state(search) {
    // the address without the map's view: what a user changed
    var params = new URLSearchParams(search);
    params.delete("vue");
    params.sort();
    return params.toString();
  }
  var QUIET_MS = 300;
  var MAX_WAIT_MS = 5000;

  function busy() {
    return document.querySelector("[data-dash-is-loading='true']") !== null;
  }

  function flush() {
    timer = null;
    if (!pending) { return; }
    if (busy() && Date.now() - started < MAX_WAIT_MS) { timer = setTimeout(flush, 120); return; }
    var p = pending;
    pending = null;
    if (p.path !== window.location.pathname || p.search === window.location.search) { return; }
    var url = p.path + p.search + window.location.hash;
    var named = fresh && drawn ? document.querySelector("[data-ti-address]") : null;
    var push;
    if (named) { push = state(p.search) !== state(named.getAttribute("data-ti-address")); }
    else {
      var own = fresh && !touched && window.location.search === "";
      push = !own && state(p.search) !== state(window.location.search);
    }
    fresh = false;
    if (push) { window.history.pushState({ ti: true }, "", url); }
    else { window.history.replaceState({ ti: true }, "", url); }
  }

  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.tiNav = {
    write: function (entry) {
      var nothing = window.dash_clientside.no_update;
      if (!entry || typeof entry.search !== "string" || entry.search.length > 2000) { return nothing; }
      if (entry.search !== "" && entry.search.charAt(0) !== "?") { return nothing; }
      if (restoring !== null) {
        if (state(entry.search) !== restoring) { return nothing; }
        restoring = null;
      }
      if (!pending) { pending = {}; started = Date.now(); }
      pending.search = entry.search;
      pending.path = window.location.pathname;
      clearTimeout(timer);
      timer = setTimeout(flush, QUIET_MS);
      return nothing;
    }
  };

  window.addEventListener("popstate", function () {
    clearTimeout(timer);
    pending = null;
    var now = window.location.pathname;
    var samePage = now === path;
    path = now;
    fresh = true;
    drawn = false;
    touched = false;
    restoring = samePage ? state(window.location.search) : null;
    // another page: dcc.Location reports the new path and the router renders it
    if (samePage && window.dash_clientside.set_props) {
      window.dash_clientside.set_props("ti-popstate", {
        data: { path: now, search: window.location.search, at: Date.now() }
      });
    }
  });
  ["pointerdown", "keydown"].forEach(function (type) {
    window.addEventListener(type, function () { restoring = null; touched = true; }, true);
  });
  window.addEventListener("_dashprivate_pushstate", function () {
    path = window.location.pathname;
    fresh = true;
    drawn = true;
    touched = false;
  });

  function copied(button, text) {
    var status = document.getElementById(button.getAttribute("data-status"));
    if (status) { status.textContent = text; }
  }

  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-action='copy-link']");
    if (!b) { return; }
    var href = window.location.href;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(href).then(
        function () { copied(b, "Lien copié dans le presse-papiers."); },
        function () { copied(b, "Copie impossible : copiez l'adresse " + href); }
      );
    } else {
      copied(b, "Copiez l'adresse : " + href);
    }
  });
})();
