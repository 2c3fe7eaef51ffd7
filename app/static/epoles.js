/* e-Pôles behaviour, served as a file: the Content-Security-Policy runs no inline script
   nor event-handler attribute. Each part acts only on the elements that ask for it. */
(function () {
  "use strict";

  // Forms and buttons that ask for a confirmation first (data-confirm="message").
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Flask-Admin: a bulk action of the « Avec la sélection » menu (data-model-action="name").
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("[data-model-action]") : null;
    if (!el) return;
    event.preventDefault();
    if (window.modelActions) window.modelActions.execute(el.getAttribute("data-model-action"));
  });

  // Flask-Admin's "javascript:void(0)" links (menus, filters, the current page): following
  // one would be an inline script, refused by the CSP. They act through their listeners only.
  document.addEventListener("click", function (event) {
    var el = event.target.closest ? event.target.closest("a[href^='javascript:']") : null;
    if (el) event.preventDefault();
  }, true);

  // Article 8 (points split): the running total of the shares as they are typed.
  function percentSum() {
    var out = document.getElementById("percent-sum");
    var inputs = document.querySelectorAll(".ep-percent");
    if (!out || !inputs.length) return;
    function update() {
      var total = 0, ok = true;
      inputs.forEach(function (el) {
        var v = el.value.trim().replace(",", ".").replace("%", "");
        if (v === "") return;
        var n = Number(v);
        if (isNaN(n)) { ok = false; } else { total += n; }
      });
      out.textContent = ok ? String(Math.round(total * 100) / 100).replace(".", ",") : "?";
    }
    inputs.forEach(function (el) { el.addEventListener("input", update); });
  }

  // The front office's menu on a narrow screen: folded behind its « Menu » button, which
  // only exists for those who have JavaScript (without it the menu stays unfolded).
  function foldingMenu() {
    var button = document.querySelector(".ep-menu-toggle");
    var menu = document.getElementById("ep-menu");
    if (!button || !menu || !window.matchMedia) return;
    var narrow = window.matchMedia("(max-width: 991.98px)");
    function set(open) {
      menu.classList.toggle("ep-menu-folded", !open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    function follow() {
      button.hidden = !narrow.matches;
      set(!narrow.matches);
    }
    button.addEventListener("click", function () {
      set(button.getAttribute("aria-expanded") !== "true");
    });
    if (narrow.addEventListener) narrow.addEventListener("change", follow);
    follow();
  }

  function start() {
    percentSum();
    foldingMenu();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
