// The kiosk: walk-in tokens and appointment check-in by touch, then a printed ticket (80 mm
// receipt printer, see the print rules in kiosk.css). It returns to the start after a minute
// untouched, so the next citizen never sees the last one's token.
(function () {
  "use strict";
  var $ = PageKit.byID, words = PageKit.words(), element = PageKit.element;
  var lang = document.documentElement.lang;
  var office = PageKit.officeInAddress();
  // `entry` is the office as the server has it (services, names, time zone), read from the API and
  // again at each return to the start, so that a service a manager adds or removes shows at once.
  var entry = null, snapshot = null, choice = {}, idle = null;
  var steps = ["step-setup", "step-start", "step-service", "step-priority", "step-details", "step-check-in", "step-ticket"];

  function say(text) { PageKit.say($("kiosk-message"), text); }
  function show(step) {
    steps.forEach(function (id) { $(id).hidden = id !== step; });
    say("");
    var heading = $(step).querySelector("h1");
    if (heading) { heading.tabIndex = -1; heading.focus(); }
    restartIdle();
  }
  // Back to the start when untouched: after a minute, or 20 seconds on the ticket screen, whose QR
  // code opens the citizen's token page (with its cancel button) for whoever scans it next.
  function restartIdle() {
    clearTimeout(idle);
    if (!$("step-setup").hidden) { return; }
    idle = setTimeout(reset, $("step-ticket").hidden ? 60000 : 20000);
  }
  function reset() {
    choice = {};
    $("kiosk-phone").value = "";
    $("kiosk-consumer").value = "";
    $("kiosk-sms").checked = false;
    $("check-in-phone").value = "";
    $("check-in-number").value = "";
    refreshSnapshot().then(function () { show("step-start"); });
  }
  ["click", "keydown", "touchstart"].forEach(function (kind) { document.addEventListener(kind, restartIdle, true); });

  // The on-screen number pad: a touch-only kiosk has no keyboard. It types into the form's number
  // field last touched (the first one until then), within the field's length.
  Array.prototype.forEach.call(document.querySelectorAll(".keypad"), function (pad) {
    var form = pad.closest("form"), target = $(pad.getAttribute("data-target"));
    Array.prototype.forEach.call(form.querySelectorAll("input[inputmode=numeric]"), function (input) {
      input.addEventListener("focus", function () { target = input; });
    });
    pad.addEventListener("click", function (event) {
      var key = event.target.closest("button");
      if (!key) { return; }
      var digit = key.getAttribute("data-digit");
      if (digit !== null) {
        if (target.value.length < target.maxLength || target.maxLength < 0) { target.value += digit; }
      } else {
        target.value = target.value.slice(0, -1);
      }
      target.removeAttribute("aria-invalid");
    });
  });

  // Language links keep the office.
  Array.prototype.forEach.call(document.querySelectorAll("[data-keep-query]"), function (link) {
    link.href = link.getAttribute("href") + location.search;
  });

  var name = PageKit.localName;

  function read(path) {
    return fetch("/api/v1/offices/" + encodeURIComponent(office) + path, { headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) { throw r; } return r.json(); });
  }
  function refreshSnapshot() {
    return Promise.all([read(""), read("/queue")]).then(function (answers) {
      entry = answers[0];
      snapshot = answers[1];
      $("office-name").textContent = name(entry.names);
      showOpenState();
    }).catch(function () { say(words.offline); });
  }
  function timeZone() { return (entry && entry.time_zone) || undefined; }

  function showOpenState() {
    var closed = snapshot && snapshot.is_open_now === false;
    $("closed").hidden = !closed;
    $("choose-token").disabled = closed;
    if (!closed) { return; }
    var text = words.closed.replace("{opens}", snapshot.opens_at ? PageKit.opening(new Date(snapshot.opens_at)) : "");
    if (snapshot.holiday) { text = words.holiday.replace("{reason}", snapshot.holiday) + " " + text; }
    $("closed").textContent = text;
  }

  // "14:30" today, or "Monday 10:30" on another day, in the office's time zone.
  function opening(when) {
    var time = when.toLocaleTimeString(lang + "-IN", { timeZone: timeZone(), hour: "2-digit", minute: "2-digit", hour12: false });
    var day = function (date) { return date.toLocaleDateString("en-CA", { timeZone: timeZone() }); };
    if (day(when) === day(new Date())) { return time; }
    return when.toLocaleDateString(lang + "-IN", { timeZone: timeZone(), weekday: "long", day: "numeric", month: "long" }) + " " + time;
  }

  $("choose-token").addEventListener("click", function () { refreshSnapshot().then(showServices); });
  $("choose-check-in").addEventListener("click", function () { show("step-check-in"); });
  Array.prototype.forEach.call(document.querySelectorAll("[data-back]"), function (button) {
    button.addEventListener("click", function () { show(button.getAttribute("data-back")); });
  });

  function showServices() {
    var list = $("service-list");
    list.textContent = "";
    // Only services some counter serves (as the office's settings have it now): nobody would call the rest.
    var served = {};
    ((snapshot && snapshot.counters) || []).forEach(function (counter) { counter.services.forEach(function (code) { served[code] = true; }); });
    var anyCounters = snapshot && snapshot.counters && snapshot.counters.length > 0;
    entry.services.filter(function (service) { return !anyCounters || served[service.code]; }).forEach(function (service) {
      var now = snapshot && snapshot.services.filter(function (s) { return s.code === service.code; })[0];
      var item = element("li");
      var button = element("button", undefined, "tile");
      button.type = "button";
      button.appendChild(element("span", name(service.names), "tile-name"));
      if (now) {
        var detail = words.waiting.replace("{n}", now.waiting);
        if (now.wait_text) { detail += " · " + now.wait_text[lang]; }
        button.appendChild(element("span", detail, "tile-detail"));
      }
      button.addEventListener("click", function () { choice.service = service.code; show("step-priority"); });
      item.appendChild(button);
      list.appendChild(item);
    });
    show("step-service");
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-priority]"), function (button) {
    button.addEventListener("click", function () { choice.priority = button.getAttribute("data-priority"); show("step-details"); });
  });

  var sending = false;
  function post(url, body) {
    return fetch(url, { method: "POST", headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body) }).then(function (response) {
      return response.json().then(function (json) { return { ok: response.ok, body: json }; });
    });
  }
  function failed(answer) {
    if (answer.body && answer.body.error && answer.body.error.code === "kiosk_not_enrolled") { show("step-setup"); clearTimeout(idle); return; }
    var error = answer.body && answer.body.error;
    // At the kiosk the office is fixed and the token number optional: "check the office" would mislead.
    var checkingIn = !$("step-check-in").hidden;
    say(checkingIn && error && error.code === "token_not_found" ? words.check_in_none : ErrorText.of(error, words.offline));
    var field = answer.body && answer.body.error && answer.body.error.field;
    var input = field === "phone" ? ($("step-check-in").hidden ? $("kiosk-phone") : $("check-in-phone"))
      : field === "consumer_number" ? $("kiosk-consumer") : null;
    if (input) { input.setAttribute("aria-invalid", "true"); input.focus(); }
  }

  $("step-details").addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) { return; }
    sending = true;
    var body = { office: office, service: choice.service, priority: choice.priority || "none", language: lang, kiosk: "true" };
    if ($("kiosk-phone").value.trim()) {
      body.phone = $("kiosk-phone").value.trim();
      body.notify_sms = $("kiosk-sms").checked;  // SMS only if the citizen ticked it
    }
    if ($("kiosk-consumer").value.trim()) { body.consumer_number = $("kiosk-consumer").value.trim(); }
    post("/api/v1/tokens", body).then(function (answer) {
      if (!answer.ok) { failed(answer); return; }
      ticket(answer.body);
    }).catch(function () { say(words.offline); }).then(function () { sending = false; });
  });

  $("step-check-in").addEventListener("submit", function (event) {
    event.preventDefault();
    if (sending) { return; }
    sending = true;
    var body = { phone: $("check-in-phone").value.trim() };
    if ($("check-in-number").value.trim()) { body.number = $("check-in-number").value.trim(); }
    post("/api/v1/offices/" + encodeURIComponent(office) + "/check-in", body).then(function (answer) {
      if (!answer.ok) { failed(answer); return; }
      ticket(answer.body);
    }).catch(function () { say(words.offline); }).then(function () { sending = false; });
  });

  function ticket(answer) {
    var token = answer.token;
    var service = entry.services.filter(function (s) { return s.code === token.service; })[0];
    $("ticket-office").textContent = name(entry.names);
    $("ticket-number").textContent = token.number;
    $("ticket-service").textContent = service ? name(service.names) : token.service;
    var position = token.position;
    // Place and wait as the server words them in the ticket's language.
    var ahead = position ? position.ahead_text : words.checked_in;
    if (position && position.ahead > 0 && position.wait_text) { ahead += " · " + position.wait_text; }
    $("ticket-ahead").textContent = ahead;
    // The time the citizen joined the queue: for a check-in, now, not when the appointment was booked.
    $("ticket-time").textContent = new Date(token.queued_at || token.created_at).toLocaleString(lang + "-IN",
      { timeZone: timeZone(), day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" });
    // Which counters serve the citizen, as the office's counters are set now.
    var counters = ((snapshot && snapshot.counters) || []).filter(function (c) { return c.services.indexOf(token.service) >= 0; })
      .map(function (c) { return c.number; });
    $("ticket-counters").textContent = counters.length
      ? (counters.length > 1 ? words.counters_many : words.counters).replace("{list}", counters.join(", ")) : "";
    var qr = $("ticket-qr");
    // A check-in by mobile number hands out no secret, so its ticket has no QR code of the token page.
    qr.hidden = !answer.secret;
    if (answer.secret) {
      qr.onload = function () { window.print(); };
      qr.onerror = function () { window.print(); };
      qr.src = "/api/v1/tokens/" + token.id + "/qr.svg?secret=" + encodeURIComponent(answer.secret);
    } else {
      qr.removeAttribute("src");
      setTimeout(function () { window.print(); }, 0);
    }
    show("step-ticket");
  }
  $("print-again").addEventListener("click", function () { window.print(); });
  $("done").addEventListener("click", reset);

  // A manager enrols the kiosk once: sign in, enrol (the server sets the kiosk's cookie), sign out.
  $("step-setup").addEventListener("submit", function (event) {
    event.preventDefault();
    var api = StaffSession.request;
    var credentials = { username: $("setup-username").value, password: $("setup-password").value };
    // A device cookie of another manager's (or none of ours) is removed by the server, which checks
    // no password then: the same sign-in goes once more without it.
    api("POST", "/api/v1/auth/login", credentials)
      .then(function (answer) {
        var stale = answer.status === 400 && answer.body && answer.body.error && answer.body.error.code === "device_not_recognised";
        return stale ? api("POST", "/api/v1/auth/login", credentials) : answer;
      })
      .then(function (answer) {
        $("setup-password").value = "";
        if (!answer.ok) { throw answer; }
        return api("POST", "/api/v1/kiosks", { office: office, label: $("setup-label").value });
      }).then(function (answer) {
        if (!answer.ok) { throw answer; }
        return api("POST", "/api/v1/auth/logout");
      }).then(function () { reset(); })
      .catch(function (answer) { say(answer && answer.body ? StaffSession.errorText(answer) : words.offline); });
  });

  function checkEnrolment() {
    return fetch("/api/v1/kiosks/current", { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (device) {
        if (device && device.office === office) { reset(); } else { show("step-setup"); clearTimeout(idle); }
      });
  }

  if (!office) { say(words.no_office); return; }
  read("").then(function (body) {
    entry = body;
    $("office-name").textContent = name(entry.names);
    return checkEnrolment();
  }).catch(function (failure) { say(failure && failure.status === 404 ? words.no_office : words.offline); });
  // The open/closed state and the waits change through the day.
  setInterval(function () { if (!$("step-start").hidden) { refreshSnapshot(); } }, 60000);
})();
