/* e-Pôles behaviour, served as a file: the Content-Security-Policy runs no inline script
   nor event-handler attribute. Each part acts only on the elements that ask for it. */
(function () {
  "use strict";

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

  // The browser's own validation messages (a required field left empty, an e-mail address
  // mistyped) follow the language of its installation: say them in French, as the page does.
  function frenchValidity(el) {
    var v = el.validity;
    if (v.valueMissing) {
      if (el.type === "checkbox") return "Cochez cette case pour continuer.";
      if (el.type === "file") return "Choisissez un fichier.";
      if (el.tagName === "SELECT") return "Choisissez une valeur dans la liste.";
      return "Ce champ est obligatoire : complétez-le.";
    }
    if (v.typeMismatch && el.type === "email") return "Saisissez une adresse électronique valide (nom@domaine.be).";
    if (v.typeMismatch) return "Cette valeur n'a pas le format attendu.";
    if (v.tooLong) return "Ce texte est trop long (" + el.maxLength + " caractères au plus).";
    if (v.tooShort) return "Ce texte est trop court (" + el.minLength + " caractères au moins).";
    if (v.rangeUnderflow) return "La valeur doit être supérieure ou égale à " + el.min + ".";
    if (v.rangeOverflow) return "La valeur doit être inférieure ou égale à " + el.max + ".";
    if (v.stepMismatch) return "Cette valeur n'est pas permise ici.";
    if (v.badInput) return "Saisissez une valeur valide.";
    if (v.patternMismatch) return el.title || "Cette valeur n'a pas le format attendu.";
    return "";
  }
  document.addEventListener("invalid", function (event) {
    var el = event.target;
    if (!el.setCustomValidity) return;
    el.setCustomValidity("");
    if (!el.validity.valid) el.setCustomValidity(frenchValidity(el));
  }, true);
  function clearValidity(event) {
    if (event.target.setCustomValidity) event.target.setCustomValidity("");
  }
  document.addEventListener("input", clearValidity, true);
  document.addEventListener("change", clearValidity, true);

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
