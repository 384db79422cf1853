// mendbook serve: reloads pages that changed, swaps stylesheets, and shows
// build errors over the page. Injected by the preview server only.
(function () {
  "use strict";
  var overlay = null;
  function here(urls) {
    var path = decodeURIComponent(location.pathname);
    for (var i = 0; i < urls.length; i++) {
      var u = urls[i];
      if (u === "*" || u === path || u + "index.html" === path) { return true; }
    }
    return false;
  }
  function show(problems) {
    hide();
    overlay = document.createElement("div");
    overlay.setAttribute("role", "alert");
    overlay.setAttribute("style", "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,20,.94);color:#fff;font:15px/1.5 ui-monospace,monospace;padding:2rem");
    var h = document.createElement("h2");
    h.textContent = "mendbook: the last change did not build";
    h.setAttribute("style", "color:#ff8080;margin:0 0 1rem;font:bold 18px system-ui,sans-serif");
    overlay.appendChild(h);
    var note = document.createElement("p");
    note.textContent = "This page shows the last good build. Fix the problems below and it updates by itself.";
    overlay.appendChild(note);
    for (var i = 0; i < problems.length; i++) {
      var p = document.createElement("pre");
      p.setAttribute("style", "white-space:pre-wrap;background:#000;padding:1rem;border-left:4px solid #ff8080");
      p.textContent = (problems[i].at ? problems[i].at + ": " : "") + problems[i].message;
      overlay.appendChild(p);
    }
    document.body.appendChild(overlay);
  }
  function hide() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  var events = new EventSource("/__mendbook/events");
  events.addEventListener("reload", function (e) {
    if (here(JSON.parse(e.data))) { location.reload(); }
  });
  events.addEventListener("css", function () {
    var links = document.querySelectorAll("link[rel=stylesheet]");
    for (var i = 0; i < links.length; i++) {
      var href = links[i].getAttribute("href").split("?")[0];
      links[i].setAttribute("href", href + "?v=" + Date.now());
    }
  });
  events.addEventListener("problems", function (e) { show(JSON.parse(e.data)); });
  events.addEventListener("clear", hide);
})();
