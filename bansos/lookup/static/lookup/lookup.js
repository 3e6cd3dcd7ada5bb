// Progressive enhancement for the Cek Bansos page (the page works without it).
// - Region selects: choosing a region fetches its children from the API and fills the next select.
// - Anti-bot: when the ALTCHA widget is available, the text-question fallback is folded away.
(function () {
  "use strict";
  var script = document.currentScript;
  var base = script ? script.getAttribute("data-children-url") : "/api/regions/";
  var order = ["province", "regency", "district", "village"];

  function reset(select) {
    while (select.options.length > 1) select.remove(1);
    select.value = "";
    select.disabled = true;
  }

  function fill(select, items) {
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.code;
      option.textContent = item.name;
      select.appendChild(option);
    });
    select.disabled = items.length === 0;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.cascade");
    if (form) {
      Array.prototype.forEach.call(form.querySelectorAll(".js-hide"), function (el) { el.hidden = true; });
      order.slice(0, 3).forEach(function (level, index) {
        var select = form.querySelector("#" + level);
        if (!select) return;
        select.addEventListener("change", function () {
          order.slice(index + 1).forEach(function (lower) { reset(form.querySelector("#" + lower)); });
          if (!select.value) return;
          var next = form.querySelector("#" + order[index + 1]);
          fetch(base + encodeURIComponent(select.value) + "/children", { headers: { Accept: "application/json" } })
            .then(function (response) { return response.ok ? response.json() : []; })
            .then(function (items) { fill(next, items); next.focus(); })
            .catch(function () { Array.prototype.forEach.call(form.querySelectorAll(".js-hide"), function (el) { el.hidden = false; }); });
        });
      });
    }
    if (window.customElements) {
      customElements.whenDefined("altcha-widget").then(function () {
        Array.prototype.forEach.call(document.querySelectorAll("details.antibot-fallback"), function (d) { d.open = false; });
      });
    }
  });
})();
