// mendbook default theme: the search page. The index is pagefind's, built by
// mendbook into <site>/pagefind/; it loads only on this page, from the site
// itself. The form also works as a plain GET form, so a query in the URL
// (?q=apologize&section=Recover) is searched on arrival.
(function () {
  "use strict";
  var box = document.querySelector("[data-search]");
  if (!box) { return; }
  var form = box.querySelector("form");
  var input = box.querySelector("#search-q");
  var status = box.querySelector("[data-search-status]");
  var list = box.querySelector("[data-search-results]");
  var filterBox = box.querySelector("[data-search-filters]");
  // The theme's strings in the site's language (the `search` translations).
  var strings = JSON.parse(box.getAttribute("data-strings") || "{}");
  var plurals = new Intl.PluralRules(document.documentElement.lang || "en");
  var groups = [["section", strings.filter_section], ["tag", strings.filter_tag]];
  var params = new URLSearchParams(window.location.search);
  var pagefind = null;
  var latest = 0;
  var timer = null;

  input.value = params.get("q") || "";

  // A string with each {name} replaced; a plural one takes its form for n.
  function say(key, values) {
    var text = strings[key];
    if (text && typeof text === "object") {
      text = text[plurals.select(values.n)] || text.other;
    }
    return String(text || "").replace(/\{([a-z][a-z0-9_]*)\}/g, function (all, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : all;
    });
  }

  function chosen(name) {
    var boxes = filterBox.querySelectorAll("input[name='" + name + "']:checked");
    var values = [];
    for (var i = 0; i < boxes.length; i++) { values.push(boxes[i].value); }
    return values;
  }

  function showFilters(available) {
    groups.forEach(function (g) {
      var values = Object.keys(available[g[0]] || {}).sort();
      if (!values.length) { return; }
      var set = document.createElement("fieldset");
      var legend = document.createElement("legend");
      legend.textContent = g[1];
      set.appendChild(legend);
      var wanted = params.getAll(g[0]);
      values.forEach(function (v) {
        var label = document.createElement("label");
        var tick = document.createElement("input");
        tick.type = "checkbox";
        tick.name = g[0];
        tick.value = v;
        tick.checked = wanted.indexOf(v) >= 0;
        label.appendChild(tick);
        label.appendChild(document.createTextNode(" " + v));
        set.appendChild(label);
      });
      filterBox.appendChild(set);
    });
    filterBox.hidden = !filterBox.firstChild;
  }

  function result(data) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = data.url;
    a.textContent = (data.meta && data.meta.title) || data.url;
    var h = document.createElement("h2");
    h.appendChild(a);
    li.appendChild(h);
    var about = [];
    if (data.meta && data.meta.kind) { about.push(data.meta.kind); }
    if (data.filters && data.filters.section) { about.push(data.filters.section.join(", ")); }
    if (about.length) {
      var p = document.createElement("p");
      p.className = "meta";
      p.textContent = about.join(" · ");
      li.appendChild(p);
    }
    var excerpt = document.createElement("p");
    // Pagefind escapes the page text and adds only <mark> around matches.
    excerpt.innerHTML = data.excerpt;
    li.appendChild(excerpt);
    return li;
  }

  function run() {
    if (!pagefind) { return; }
    var q = input.value.trim();
    var filters = {};
    var url = new URL(window.location.href);
    url.search = "";
    if (q) { url.searchParams.set("q", q); }
    groups.forEach(function (g) {
      var values = chosen(g[0]);
      values.forEach(function (v) { url.searchParams.append(g[0], v); });
      if (values.length) { filters[g[0]] = { any: values }; }
    });
    window.history.replaceState(null, "", url);
    var mine = ++latest;
    if (!q && !Object.keys(filters).length) {
      list.textContent = "";
      status.textContent = "";
      return;
    }
    pagefind.search(q || null, { filters: filters }).then(function (found) {
      return Promise.all(found.results.slice(0, 25).map(function (r) { return r.data(); }));
    }).then(function (results) {
      if (mine !== latest) { return; }
      list.textContent = "";
      results.forEach(function (d) { list.appendChild(result(d)); });
      var n = results.length;
      if (n) {
        status.textContent = say(q ? "results_for" : "results", { n: n, query: q });
      } else {
        status.textContent = say(q ? "no_results_for" : "no_results", { query: q });
      }
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    run();
  });
  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, 150);
  });
  filterBox.addEventListener("change", run);

  status.textContent = say("loading", {});
  var bundle = new URL(box.getAttribute("data-bundle"), window.location.href).href;
  // A big site's index comes in shards; the others merge into the first.
  var merge = (box.getAttribute("data-merge") || "").split(" ").filter(Boolean);
  import(bundle).then(function (module) {
    pagefind = module;
    // Results' URLs are the site's, whichever shard found them.
    var site = new URL(box.getAttribute("data-root"), window.location.href).pathname;
    return Promise.all(merge.map(function (dir) {
      return pagefind.mergeIndex(new URL(dir, window.location.href).pathname, { baseUrl: site });
    }));
  }).then(function () {
    return pagefind.filters();
  }).then(function (available) {
    status.textContent = "";
    showFilters(available);
    run();
  }).catch(function () {
    status.textContent = say("failed", {});
  });
})();
