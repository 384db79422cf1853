// mendbook default theme: small progressive enhancements. Every page works without this file.
(function () {
  "use strict";
  try {
    var stored = localStorage.getItem("mendbook-theme");
    if (stored === "light" || stored === "dark") {
      document.documentElement.setAttribute("data-theme", stored);
    }
  } catch (e) { /* storage may be unavailable */ }
})();
