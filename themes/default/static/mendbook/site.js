// mendbook default theme: small progressive enhancements. Every page works
// without this file; it adds the remembered colour scheme, prefetching of a
// tree's next steps, checklist ticks that persist, "Continue where you left
// off" and the Print button.
(function () {
  "use strict";
  var store = {
    get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } },
    set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
  };

  var theme = store.get("mendbook-theme");
  if (theme === "light" || theme === "dark") {
    document.documentElement.setAttribute("data-theme", theme);
  }

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  // The colour scheme toggle: follows the system until the reader picks one.
  ready(function () {
    var toggle = document.querySelector("[data-theme-toggle]");
    if (!toggle) { return; }
    var root = document.documentElement;
    function dark() {
      var chosen = root.getAttribute("data-theme");
      if (chosen) { return chosen === "dark"; }
      return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
    }
    function show() { toggle.setAttribute("aria-pressed", dark() ? "true" : "false"); }
    toggle.hidden = false;
    show();
    toggle.addEventListener("click", function () {
      var next = dark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      store.set("mendbook-theme", next);
      show();
    });
  });

  ready(function () {
    var step = document.querySelector(".tree-step");
    if (!step) { return; }
    var tree = step.getAttribute("data-tree");
    var here = step.getAttribute("data-step");
    var kind = step.getAttribute("data-kind");

    // Prefetch the pages behind the options, so the next step opens at once.
    var links = step.querySelectorAll(".tree-option, .tree-step .button");
    for (var i = 0; i < links.length; i++) {
      var l = document.createElement("link");
      l.rel = "prefetch";
      l.href = links[i].href;
      document.head.appendChild(l);
    }

    // Remember where the reader is; offer it back on the tree's first page.
    var key = "mendbook-path:" + tree;
    if (here !== tree) {
      store.set(key, here);
    } else {
      var saved = store.get(key);
      var resume = step.querySelector("[data-resume]");
      if (saved && saved !== tree && resume) {
        var a = resume.querySelector("a");
        var root = a.getAttribute("href").slice(0, -tree.length);
        a.setAttribute("href", root + saved);
        resume.hidden = false;
      }
    }

    // Checklist ticks persist per tree and outcome.
    if (kind === "outcome") {
      var boxes = step.querySelectorAll("input[data-check]");
      var id = "mendbook-checks:" + here;
      var ticked = (store.get(id) || "").split(",");
      for (var j = 0; j < boxes.length; j++) {
        var box = boxes[j];
        box.checked = ticked.indexOf(box.getAttribute("data-check")) >= 0;
        box.addEventListener("change", function () {
          var on = [];
          for (var k = 0; k < boxes.length; k++) {
            if (boxes[k].checked) { on.push(boxes[k].getAttribute("data-check")); }
          }
          store.set(id, on.join(","));
        });
      }
      var print = step.querySelector("[data-print]");
      if (print) {
        print.hidden = false;
        print.addEventListener("click", function () { window.print(); });
      }
    }
  });
})();
