/* ti_components.Later: children that React renders once the page's map has drawn
   (dashboard/core/components.py Later, where the reason is given).

   carte.js reports each map layer's first features (window.tiLater.drawn(id), right after the
   task that added them); a Later waiting for that layer renders its children once the browser
   has painted them (a frame, then a task), in a transition (React yields to the page between
   components). A key press or a touch anywhere renders them at once (someone wants the
   controls), and so does the end of ``wait_ms`` (a layer with nothing to draw never reports). */
(function () {
  "use strict";
  var drawn = {};
  var INPUTS = ["keydown", "pointerdown", "touchstart"];

  window.tiLater = {
    drawn: function (id) {
      if (!id || drawn[id]) { return; }
      drawn[id] = true;
      document.dispatchEvent(new CustomEvent("ti:drawn", { detail: id }));
    },
    // ``fn`` once: when the layer ``id`` has drawn (at once if it has), or after ``waitMs``;
    // returns what cancels it (assets/tables.js waits so too)
    whenDrawn: function (id, fn, waitMs) {
      var done = false, timer = null;
      function once() { if (!done) { done = true; stop(); fn(); } }
      function on(e) { if (e.detail === id) { once(); } }
      function stop() { clearTimeout(timer); document.removeEventListener("ti:drawn", on); }
      if (drawn[id]) { once(); return stop; }
      document.addEventListener("ti:drawn", on);
      if (waitMs) { timer = setTimeout(once, waitMs); }
      return stop;
    }
  };

  function Later(props) {
    var R = window.React;
    var pair = R.useState(function () { return !props.after || drawn[props.after] === true; });
    var shown = pair[0], setShown = pair[1];
    R.useEffect(function () {
      if (shown) { return undefined; }
      var done = false, cancel = null;
      function show() {
        if (done) { return; }
        done = true;
        stop();
        R.startTransition(function () { setShown(true); });
      }
      function afterPaint() { window.requestAnimationFrame(function () { setTimeout(show, 0); }); }
      function stop() {
        if (cancel) { cancel(); }
        INPUTS.forEach(function (t) { document.removeEventListener(t, show, true); });
      }
      INPUTS.forEach(function (t) { document.addEventListener(t, show, true); });
      // at once if drawn meanwhile
      cancel = window.tiLater.whenDrawn(props.after, afterPaint, props.wait_ms || 2000);
      return stop;
    }, [shown, props.after, props.wait_ms]);
    if (shown) { return R.createElement(R.Fragment, null, props.children); }
    return R.createElement("p", { className: "ti-later", "aria-busy": "true" }, props.text || "");
  }

  window.ti_components = window.ti_components || {};
  window.ti_components.Later = Later;
})();
