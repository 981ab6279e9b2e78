// The booking form, enhanced: only the services the chosen office offers, whether each office is
// open now (a closed one steers to an appointment), and appointment times loaded from the office's
// free slots. Without JavaScript the same form books a token for today.
(function () {
  "use strict";
  var form = document.querySelector(".booking-form");
  if (!form || !window.fetch) { return; }
  var office = form.querySelector("#office"), service = form.querySelector("#service");
  var when = form.querySelector("#when"), appointment = form.querySelector("#appointment");
  var date = form.querySelector("#date"), slot = form.querySelector("#slot"), status = form.querySelector("#slot-status");
  var text = function (name) { return form.getAttribute("data-text-" + name) || ""; };
  var allServices = Array.prototype.map.call(service.options, function (option) { return option.cloneNode(true); });
  var catalog = null;

  // One booking, one idempotency key: kept for this tab until the token page shows (token.js forgets
  // it), so that the form sent again after a failure (or a reload of a cached copy) books nothing twice.
  var nonce = form.querySelector("[name=idempotency_key]");
  try {
    var kept = sessionStorage.getItem("guvnl-booking-key");
    if (!kept) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      kept = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      sessionStorage.setItem("guvnl-booking-key", kept);
    }
    if (nonce) { nonce.value = kept; }
  } catch (unavailable) { /* no storage: the nonce nginx wrote stays */ }

  var wanted = new URLSearchParams(location.search);
  // An office's own booking page names its office; the general one may be asked for one.
  if (office.tagName === "SELECT" && wanted.get("office")) { office.value = wanted.get("office"); }

  function officeEntry() {
    return catalog && catalog.offices.filter(function (entry) { return entry.code === office.value; })[0];
  }
  function serviceEntry() {
    return catalog && catalog.services.filter(function (entry) { return entry.code === service.value; })[0];
  }

  // Keeps the citizen's choice of service when the new office offers it too.
  function showServicesOfOffice() {
    var entry = officeEntry();
    if (!entry) { return; }
    var offered = entry.services.map(function (item) { return item.code; });
    var chosen = service.value || wanted.get("service");
    service.textContent = "";
    allServices.forEach(function (option) {
      if (offered.indexOf(option.value) >= 0) { service.appendChild(option.cloneNode(true)); }
    });
    if (offered.indexOf(chosen) >= 0) { service.value = chosen; }
    showWhen();
  }

  // A page left with a request still open is not kept for the back button (the browser's page
  // cache), and a form sent again from a reloaded page would carry a new key: the open-or-closed
  // requests are dropped when the page is left, and asked again if it comes back from that cache.
  var leaving = new AbortController();
  window.addEventListener("pagehide", function () { leaving.abort(); leaving = new AbortController(); });
  window.addEventListener("pageshow", function (event) { if (event.persisted && catalog) { loadOfficeState(); markOffices(); } });

  // Open now, or closed and when it opens again: a closed office takes appointments only.
  var officeNow = null, statusBox = form.querySelector("#office-status"), nowChoice = form.querySelector("input[name=when][value=now]");
  function loadOfficeState() {
    var code = office.value;
    fetch("/api/v1/offices/" + encodeURIComponent(code) + "/queue", { headers: { Accept: "application/json" }, signal: leaving.signal })
      .then(function (response) { return response.ok ? response.json() : null; }).then(function (snapshot) {
        if (code !== office.value) { return; }
        officeNow = snapshot;
        showWhen();
      }).catch(function () { officeNow = null; statusBox.hidden = true; });
  }
  // The snapshot's word on a service: how many wait, and the wait for someone joining now.
  function serviceNow(code) {
    return officeNow && (officeNow.services || []).filter(function (entry) { return entry.code === code; })[0];
  }
  function waitWords(now) {
    var words = text("waiting").replace("{n}", String(now.waiting));
    var lang = form.getAttribute("data-lang");
    if (now.wait_text && now.wait_text[lang]) { words += " · " + text("wait").replace("{wait}", now.wait_text[lang]); }
    return words;
  }
  // Each service choice says how many wait and how long, while the office is open, as the office page does.
  function markServices() {
    Array.prototype.forEach.call(service.options, function (option) {
      var name = option.getAttribute("data-name") || option.textContent;
      option.setAttribute("data-name", name);
      var now = officeNow && officeNow.is_open_now ? serviceNow(option.value) : null;
      option.textContent = now ? name + " (" + waitWords(now) + ")" : name;
    });
  }
  function showOfficeState(takesAppointments) {
    var closed = !!(officeNow && officeNow.is_open_now === false);
    statusBox.hidden = !officeNow;
    nowChoice.disabled = closed;
    if (!officeNow) { return; }
    markServices();
    if (!closed) {
      // Said before the citizen books: the office will likely not reach someone joining now today.
      var now = serviceNow(service.value);
      if (now && now.reached_today === false) {
        statusBox.textContent = text(takesAppointments ? "unlikely-appointment" : "unlikely-walk-in");
      } else {
        statusBox.textContent = text("open") + (now ? " " + waitWords(now) + "." : "");
      }
      return;
    }
    var opens = officeNow.opens_at ? PageKit.opening(new Date(officeNow.opens_at)) : "";
    statusBox.textContent = text("closed").replace("{opens}", opens) + " " +
      (takesAppointments ? text("closed-appointment") : text("closed-walk-in"));
    if (takesAppointments) {
      form.querySelector("input[name=when][value=appointment]").checked = true;
      // Times from the day it opens again, rather than today's, which are over.
      if (!date.value && officeNow.opens_at) {
        date.value = new Date(officeNow.opens_at).toLocaleDateString("en-CA", { timeZone: facts().time_zone });
      }
    }
  }
  // Each office's time zone and booking horizon, as the server has them (not copies kept here).
  var officeFacts = {};
  function facts() { return officeFacts[office.value] || { time_zone: "Asia/Kolkata", booking_horizon_days: 30 }; }
  // Each office choice says whether it is open now.
  function markOffices() {
    fetch("/api/v1/offices", { headers: { Accept: "application/json" }, signal: leaving.signal }).then(function (response) { return response.json(); })
      .then(function (body) {
        (body.offices || []).forEach(function (entry) {
          officeFacts[entry.code] = { time_zone: entry.time_zone || "Asia/Kolkata", booking_horizon_days: entry.booking_horizon_days || 30 };
        });
        setDateRange();
        if (office.tagName !== "SELECT") { return; }
        (body.offices || []).forEach(function (entry) {
          var option = office.querySelector("option[value='" + entry.code + "']");
          if (!option) { return; }
          var name = option.getAttribute("data-name") || option.textContent;
          option.setAttribute("data-name", name);
          option.textContent = text(entry.is_open_now ? "option-open" : "option-closed").replace("{name}", name);
        });
      }).catch(function () { /* the names stay plain */ });
  }

  function showWhen() {
    var takesAppointments = !!(serviceEntry() && serviceEntry().takes_appointments);
    showOfficeState(takesAppointments);
    when.hidden = !takesAppointments;
    when.disabled = !takesAppointments;
    var wantsAppointment = takesAppointments && form.querySelector("input[name=when]:checked").value === "appointment";
    appointment.hidden = !wantsAppointment;
    slot.disabled = !wantsAppointment;
    date.disabled = !wantsAppointment;
    slot.required = wantsAppointment;
    if (wantsAppointment) { loadSlots(); }
  }

  // The office's own date, `offset` days from today, as YYYY-MM-DD.
  function localDay(offset) {
    return new Date(Date.now() + offset * 86400000).toLocaleDateString("en-CA", { timeZone: facts().time_zone });
  }
  function setDateRange() {
    date.min = localDay(0);
    date.max = localDay(facts().booking_horizon_days);
  }

  // No free time: say so plainly when the office is closed that weekday or that day (a holiday).
  function whyNoTimes(slots) {
    var day = new Date(date.value + "T00:00:00Z");
    var weekday = (day.getUTCDay() + 6) % 7 + 1; // 1 = Monday, as the catalogue counts
    var entry = officeEntry();
    if (entry && entry.hours && !entry.hours.some(function (hours) { return hours.weekday === weekday; })) {
      return text("closed-day").replace("{weekday}", day.toLocaleDateString(document.documentElement.lang + "-IN", { weekday: "long", timeZone: "UTC" }));
    }
    if (date.value > localDay(0) && slots.length > 0 && slots.every(function (slot) { return slot.is_past; })) { return text("holiday"); }
    return text("none");
  }

  var request = 0;
  function loadSlots() {
    if (!date.value) { date.value = localDay(0); }
    var mine = ++request;
    slot.textContent = "";
    status.textContent = text("loading");
    var url = "/api/v1/offices/" + encodeURIComponent(office.value) + "/slots?service=" +
      encodeURIComponent(service.value) + "&date=" + encodeURIComponent(date.value);
    fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (answer) {
      if (mine !== request) { return; }
      if (!answer.ok) { status.textContent = ErrorText.of(answer.body.error, text("failed")); return; }
      var free = 0;
      answer.body.slots.forEach(function (item) {
        if (item.is_past) { return; }
        var option = document.createElement("option");
        option.value = item.id;
        var label = item.places_left > 0 ? text("places") : text("full");
        option.textContent = label.replace("{time}", item.starts + "–" + item.ends).replace("{n}", item.places_left);
        option.disabled = item.places_left <= 0;
        if (!option.disabled) { free += 1; }
        slot.appendChild(option);
      });
      status.textContent = free > 0 ? "" : whyNoTimes(answer.body.slots);
      // Chosen for the citizen: the first free time not yet begun (one ending in a minute is no
      // choice), else the first free one.
      var now = date.value === localDay(0)
        ? new Date().toLocaleTimeString("en-GB", { timeZone: facts().time_zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }) : "";
      var starts = {};
      answer.body.slots.forEach(function (item) { starts[String(item.id)] = item.starts; });
      var choosable = Array.prototype.filter.call(slot.options, function (option) { return !option.disabled; });
      var firstFree = choosable.filter(function (option) { return (starts[option.value] || "") > now; })[0] || choosable[0];
      if (firstFree) { slot.value = firstFree.value; }
    }).catch(function () {
      if (mine === request) { status.textContent = text("failed"); }
    });
  }

  setDateRange();
  office.addEventListener("change", function () { setDateRange(); showServicesOfOffice(); loadOfficeState(); });
  service.addEventListener("change", showWhen);
  date.addEventListener("change", loadSlots);
  Array.prototype.forEach.call(form.querySelectorAll("input[name=when]"), function (radio) {
    radio.addEventListener("change", showWhen);
  });
  fetch("/catalog.json").then(function (response) { return response.json(); }).then(function (body) {
    catalog = body;
    showServicesOfOffice();
    loadOfficeState();
    markOffices();
  }).catch(function () { /* the full list stays; the server checks the choice */ });
})();
