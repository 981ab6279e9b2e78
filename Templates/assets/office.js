// An office's page, live: whether it is open now (or when it opens again) and, beside each service,
// how many wait and the likely wait for someone booking now, from the office's public snapshot.
// Without JavaScript the page shows the opening hours only.
(function () {
  "use strict";
  var box = document.getElementById("office-now");
  if (!box || !window.fetch) { return; }
  var lang = document.documentElement.lang;
  var text = function (name) { return box.getAttribute("data-text-" + name) || ""; };
  function show(snapshot) {
    box.textContent = snapshot.is_open_now ? text("open")
      : text("closed").replace("{opens}", snapshot.opens_at ? PageKit.opening(new Date(snapshot.opens_at)) : "");
    box.hidden = false;
    snapshot.services.forEach(function (service) {
      var slot = document.querySelector("[data-service='" + service.code + "'] .waiting");
      if (!slot) { return; }
      var words = text("waiting").replace("{n}", String(service.waiting));
      if (snapshot.is_open_now && service.wait_text && service.wait_text[lang]) {
        words += " · " + text("wait").replace("{wait}", service.wait_text[lang]);
      }
      slot.textContent = "(" + words + ")";
    });
  }
  function refresh() {
    fetch("/api/v1/offices/" + encodeURIComponent(box.getAttribute("data-office")) + "/queue", { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (snapshot) { if (snapshot) { show(snapshot); } })
      .catch(function () { /* the hours stay */ });
  }
  refresh();
  setInterval(refresh, 60000);
})();
