// The counter console: sign in, choose a counter, then call and serve citizens. The desk is read
// from the server after every action and whenever the office's event stream reports a change.
(function () {
  "use strict";
  var $ = PageKit.byID, words = PageKit.words(), element = PageKit.element;
  var api = StaffSession.request;
  // `office` is the office as the server has it now (services with their names, time zone): read
  // from the API, not the static catalog.json, since managers change counters and services at run time.
  var user = null, counterID = null, desk = null, office = null, stream = null, busy = false;
  // The desk's leave key for this counter: the closing beacon needs no sign-in with it.
  var leaveKey = null;
  var storedCounter = "guvnl-console-counter";

  function show(section) {
    ["sign-in", "choose", "desk"].forEach(function (id) { $(id).hidden = id !== section; });
  }
  // What goes wrong is said at the top of the page, while the clerk may be well down it (a key
  // pressed with the waiting list scrolled): brought into view when it says something new, so the
  // same failure said again (a read every 30 s) does not move the page under the clerk.
  function say(text) {
    var box = $("message"), fresh = text && (box.hidden || box.textContent !== text);
    PageKit.say(box, text);
    if (fresh) { reveal(box); }
  }
  // Scrolls a box at the top of the page into view, without a jump when it is already on the screen.
  function reveal(box) {
    var where = box.getBoundingClientRect();
    if (where.top < 0 || where.bottom > window.innerHeight) { box.scrollIntoView({ block: "nearest" }); }
  }
  function serviceName(code) { return PageKit.catalogName(office, "services", code); }

  function start() { StaffSession.signIn(say, words.offline, signedIn); }

  // The office's services (names) and counters (with the services each serves) as they are now.
  function loadOffice(code) {
    return Promise.all([api("GET", "/api/v1/offices/" + encodeURIComponent(code)),
      api("GET", "/api/v1/offices/" + encodeURIComponent(code) + "/queue")]).then(function (answers) {
      if (!answers[0].ok || !answers[1].ok) { throw answers[answers[0].ok ? 1 : 0]; }
      office = answers[0].body;
      office.counters = answers[1].body.counters;
      // The office the clerk works at, in the page's language (English where it has no name in it).
      $("office-name").textContent = PageKit.localName(office.names);
      return office;
    });
  }

  function signedIn(who) {
    user = who;
    $("who").textContent = who.display_name;
    var wanted = who.counter_id || Number(localStorage.getItem(storedCounter + ":" + who.id)) || null;
    chooseCounter(wanted);
  }

  // Lists the office's counters; a clerk tied to one counter goes straight to it.
  function chooseCounter(wanted) {
    var code = user.office_code || $("choose-office").value;
    if (!code) { return chooseOffice(); }
    loadOffice(code).then(function () {
      var counters = office.counters;
      if (wanted && counters.some(function (c) { return c.id === wanted; })) { return openDesk(wanted); }
      var list = $("counter-list");
      list.textContent = "";
      if (counters.length === 0) { list.appendChild(element("li", words.no_counters)); }
      counters.forEach(function (counter) {
        var item = element("li");
        var button = element("button", words.counter + " " + counter.number, "counter-choice");
        button.type = "button";
        button.appendChild(element("span", counter.services.map(serviceName).join(", "), "small"));
        button.addEventListener("click", function () { openDesk(counter.id); });
        item.appendChild(button);
        list.appendChild(item);
      });
      show("choose");
    }).catch(function (answer) { say(answer && answer.body ? StaffSession.errorText(answer) : words.offline); });
  }

  // Administrators belong to no office: they choose one first.
  function chooseOffice() {
    var select = $("choose-office");
    select.hidden = false;
    $("choose-office-label").hidden = false;
    if (select.options.length > 0) { if (select.value) { chooseCounter(null); } else { show("choose"); } return; }
    api("GET", "/api/v1/offices").then(function (answer) {
      (answer.ok ? answer.body.offices : []).forEach(function (item) {
        var option = element("option", PageKit.localName(item.names));
        option.value = item.code;
        select.appendChild(option);
      });
      select.addEventListener("change", function () { chooseCounter(null); });
      if (select.value) { chooseCounter(null); } else { show("choose"); }
    });
  }

  $("change-counter").addEventListener("click", function () {
    leave();
    if (user) { localStorage.removeItem(storedCounter + ":" + user.id); }
    if (stream) { stream.close(); stream = null; }
    counterID = null;
    leaveKey = null;
    chooseCounter(null);
  });

  function openDesk(id) {
    counterID = id;
    localStorage.setItem(storedCounter + ":" + user.id, String(id));
    show("desk");
    beat();
    // Until the desk is read once (the server may be restarting), tried again every few seconds:
    // the office's stream follows from it.
    var start = function () {
      refresh().then(function (signedOut) {
        if (counterID !== id) { return; }
        if (desk && desk.counter_id === id) { follow(desk.office); } else if (!signedOut) { setTimeout(start, 5000); }
      });
    };
    start();
  }

  function took(fresh) {
    // An answer older than the desk shown (a read sent before the clerk's own action came back
    // after it) would bring back the citizen just called.
    if (desk && fresh.counter_id === desk.counter_id && fresh.version < desk.version) { return; }
    desk = fresh;
    if (fresh.leave_key) { leaveKey = fresh.leave_key; }
    if (desk.server_time) { clockOffset = Date.parse(desk.server_time) - Date.now(); }
    render();
  }

  function refresh() {
    return api("GET", "/api/v1/counters/" + counterID).then(function (answer) {
      if (!answer.ok) {
        say(StaffSession.errorText(answer));
        if (answer.status === 401) { show("sign-in"); return true; }
        return false;
      }
      took(answer.body);
      return false;
    }).catch(function () { say(words.offline); return false; });
  }

  // Any change at the office (another counter calling, a new booking) can change this desk.
  function follow(office) {
    if (stream) { stream.close(); }
    if (!window.EventSource) { setInterval(refresh, 5000); return; }
    stream = new EventSource("/api/v1/offices/" + encodeURIComponent(office) + "/events?only=snapshot");
    var watched = stream;
    // A dead stream is opened again, and the desk read at once (changes may have gone unheard).
    PageKit.watchStream(stream, function () { if (stream === watched) { follow(office); refresh(); } });
    var pending = null;
    // A snapshot follows every change at the office; one this desk already reflects (the clerk's own
    // action, whose answer was the new desk) costs no read.
    // (checked again when the short wait ends: the action's answer may arrive after its snapshot)
    var newest = 0;
    var known = function () { return desk && newest <= desk.version; };
    stream.addEventListener("snapshot", function (event) {
      newest = Math.max(newest, (JSON.parse(event.data) || {}).last_event_id || 0);
      if (pending || known()) { return; }
      pending = setTimeout(function () { pending = null; if (!known()) { refresh(); } }, 150);
    });
    stream.addEventListener("open", function () { say(""); });
    stream.addEventListener("error", function () {
      // Not scrolled to: a stream that comes and goes must not move the page under the clerk.
      PageKit.say($("message"), words.offline);
      // Refused (or the server gone for good): the browser will not retry by itself, so follow again later.
      if (stream.readyState === EventSource.CLOSED) { setTimeout(function () { follow(office); }, 5000 + Math.random() * 5000); }
    });
  }
  // Waiting times grow between changes.
  setInterval(function () { if (counterID && !busy) { refresh(); } }, 30000);

  // Presence: while the clerk is here (the console on screen, or used in the last ten minutes) the
  // server is told every minute, so that this counter counts in the citizens' wait forecast. Without
  // it for three minutes an open counter shows as unattended to the manager.
  var lastInput = Date.now();
  ["keydown", "pointerdown"].forEach(function (kind) { document.addEventListener(kind, function () { lastInput = Date.now(); }, true); });
  function beat() {
    if (!counterID || !user) { return; }
    if (document.visibilityState !== "visible" && Date.now() - lastInput > 600000) { return; }
    api("POST", "/api/v1/counters/" + counterID + "/presence", {}).catch(function () {});
  }
  setInterval(beat, 60000);
  // Closing the console (or leaving the counter) says so at once, so that the manager sees the
  // counter unattended now rather than three minutes later. A beacon survives the page going away;
  // it carries the CSRF token in its body, since a beacon cannot set headers.
  function leave() {
    if (!counterID || !user || !navigator.sendBeacon) { return; }
    var csrf = (document.cookie.match(/(?:^|;\s*)gq_csrf=([^;]+)/) || [])[1] || "";
    var said = { leaving: "true", csrf: decodeURIComponent(csrf) };
    if (leaveKey) { said.leave_key = leaveKey; }
    navigator.sendBeacon("/api/v1/counters/" + counterID + "/presence",
      new Blob([JSON.stringify(said)], { type: "application/json" }));
  }
  window.addEventListener("pagehide", leave);
  // Before the sign-out request ends the session the beacon needs.
  $("sign-out").addEventListener("click", leave);

  function render() {
    $("desk-title").textContent = words.counter + " " + desk.number;
    $("counter-state").className = "counter-state state-" + desk.state;
    tickState();
    renderCurrent(desk.current);
    renderWaiting(desk.waiting || []);
    renderParked(desk.parked || []);
    // Only what the server accepts now (it works this out from its one transition table); a refusal
    // that time alone lifts (the office's interval between calls) brings a fresh desk when it ends.
    Array.prototype.forEach.call(document.querySelectorAll("[data-action]"), function (button) {
      button.disabled = !allowed(button.getAttribute("data-action"));
    });
    clearTimeout(readyTimer);
    var soonest = Object.keys(desk.refusals || {}).map(function (action) { return desk.refusals[action].ready_at; })
      .filter(Boolean).map(function (at) { return Date.parse(at) - serverNow(); }).sort(function (a, b) { return a - b; })[0];
    if (soonest !== undefined) { readyTimer = setTimeout(refresh, Math.max(soonest, 0) + 250); }
    tickCalled();
  }
  var readyTimer = null, clockOffset = 0;
  function allowed(action) { return !!desk && (desk.actions || []).indexOf(action) >= 0; }
  function serverNow() { return Date.now() + clockOffset; }
  // Why a refused action cannot be taken, in the clerk's language (the server's English otherwise).
  function refusalText(action) {
    var refusal = desk && desk.refusals && desk.refusals[action];
    if (!refusal) { return ""; }
    var seconds = refusal.ready_at ? Math.max(1, Math.ceil((Date.parse(refusal.ready_at) - serverNow()) / 1000)) : 0;
    return (words["refusal_" + refusal.code] || refusal.message).replace("{seconds}", String(seconds));
  }
  // How long ago the citizen was called (or called again): the clerk's guide to when to call again.
  function tickCalled() {
    var current = desk && desk.current, line = $("called-ago");
    if (!current || current.state !== "called" || !current.called_at) { line.hidden = true; return; }
    line.textContent = words.called_ago.replace("{time}", elapsed(current.called_at));
    line.hidden = false;
  }
  function elapsed(since) {
    var seconds = Math.max(0, Math.floor((serverNow() - Date.parse(since)) / 1000));
    return seconds < 60 ? seconds + " " + words.seconds
      : Math.floor(seconds / 60) + " " + words.minutes + " " + (seconds % 60) + " " + words.seconds;
  }
  // The counter's state, its break's reason in the clerk's language, and how long the break has run.
  function tickState() {
    if (!desk) { return; }
    var reason = desk.pause_reason ? (words["reason-" + desk.pause_reason] || desk.pause_reason) : "";
    $("counter-state").textContent = (words["state-" + desk.state] || desk.state) + (reason ? " (" + reason + ")" : "")
      + (desk.state === "paused" && desk.paused_at ? " · " + elapsed(desk.paused_at) : "");
  }
  setInterval(function () { tickCalled(); tickState(); }, 1000);

  // Tells a screen reader what changed at the counter (a new citizen, called, serving, gone), once.
  var announced = null;
  function announceCurrent(current) {
    var text = current ? current.number + " · " + (current.state === "serving" ? words.serving : words.called) : words.nobody;
    if (text !== announced) {
      if (announced !== null) { $("desk-announce").textContent = text; }
      announced = text;
    }
  }

  var toldCheck = null;
  function renderCurrent(current) {
    announceCurrent(current);
    var box = $("current");
    box.textContent = "";
    renderNote(current);
    if (!current) { box.appendChild(element("p", words.nobody, "nobody")); return; }
    var head = element("p", undefined, "current-head");
    head.appendChild(element("span", current.number, "current-number"));
    head.appendChild(element("span", current.state === "serving" ? words.serving : words.called, "current-state state-" + current.state));
    box.appendChild(head);
    if (current.name) { box.appendChild(element("p", current.name, "current-name")); }
    var facts = element("dl", undefined, "facts");
    var add = function (term, value) {
      if (!value) { return; }
      facts.appendChild(element("dt", term));
      facts.appendChild(element("dd", value));
    };
    add(words.service, serviceName(current.service) + " · " + (current.kind === "appointment" ? words.appointment : words.walk_in));
    add(words.consumer, current.consumer_number);
    add(words.phone, current.phone);
    if (current.priority !== "none") { add(words.priority, words["priority_" + current.priority] || current.priority); }
    if (current.recalls > 0) { add(words.recalls, String(current.recalls)); }
    // Has the citizen been told they were called (SMS, e-mail, as they chose)?
    var told = current.told_of_call || [];
    add(words.told, told.length ? told.map(function (m) {
      return (words["channel_" + m.channel] || m.channel) + ": " + (words["message_" + m.state] || m.state);
    }).join(", ") : words.told_none);
    // A message on its way changes no queue event: look again shortly, until it has gone (or failed).
    if (told.some(function (m) { return m.state === "pending" || m.state === "sending"; })) {
      clearTimeout(toldCheck);
      toldCheck = setTimeout(function () { if (desk && !busy) { refresh(); } }, 3000);
    }
    box.appendChild(facts);
    if (current.required_documents && current.required_documents.length) {
      box.appendChild(element("h3", words.documents));
      var list = element("ul");
      var lang = document.documentElement.lang;
      current.required_documents.forEach(function (doc) { list.appendChild(element("li", doc[lang] || doc.en)); });
      box.appendChild(list);
    }
  }

  // The note field keeps what the clerk is typing while the desk refreshes around it.
  var notedToken = null;
  function renderNote(current) {
    $("note-form").hidden = !current;
    if (!current) { notedToken = null; return; }
    if (notedToken !== current.token_id || document.activeElement !== $("note")) { $("note").value = current.note || ""; }
    notedToken = current.token_id;
  }
  $("note-form").addEventListener("submit", function (event) {
    event.preventDefault();
    act("note", { note: $("note").value });
  });

  function renderWaiting(waiting) {
    var body = $("waiting-list");
    body.textContent = "";
    // The desk lists the head of the queue; the count is of everyone this counter could call.
    $("waiting-count").textContent = "(" + (desk.waiting_count === undefined ? waiting.length : desk.waiting_count) + ")";
    if (waiting.length === 0) {
      var row = element("tr");
      var cell = element("td", words.empty);
      cell.colSpan = 4;
      row.appendChild(cell);
      body.appendChild(row);
    }
    waiting.forEach(function (item) {
      var row = element("tr", undefined, item.priority !== "none" ? "priority" : "");
      var number = element("td", item.number);
      if (item.priority !== "none") { number.appendChild(element("span", " · " + (words["priority_" + item.priority] || ""), "small")); }
      row.appendChild(number);
      row.appendChild(element("td", serviceName(item.service)));
      row.appendChild(element("td", Math.floor(item.waited_seconds / 60) + " " + words.minutes));
      var action = element("td");
      var call = element("button", words.call, "quiet small-button");
      call.type = "button";
      call.disabled = !allowed("call");
      call.addEventListener("click", function () { act("call", { token: item.number }); });
      action.appendChild(call);
      row.appendChild(action);
      body.appendChild(row);
    });
  }

  // The citizens this counter parked: each with what they went to fetch, when they are expected, and
  // the clerk's "back" button that puts them in this counter's queue at their old place.
  function renderParked(parked) {
    $("parked-section").hidden = parked.length === 0;
    var list = $("parked-list");
    list.textContent = "";
    parked.forEach(function (item) {
      var entry = element("li");
      var text = item.number + " · " + serviceName(item.service) + (item.reason ? " · " + (words["park-" + item.reason] || item.reason) : "");
      if (item.until) {
        text += " · " + words.parked_back.replace("{time}", new Date(item.until).toLocaleTimeString(document.documentElement.lang + "-IN",
          { timeZone: office && office.time_zone, hour: "2-digit", minute: "2-digit", hour12: false }));
      }
      entry.appendChild(element("span", text));
      var back = element("button", words.parked_ready, "quiet small-button");
      back.type = "button";
      back.addEventListener("click", function () { act("resume", { token: item.number }); });
      entry.appendChild(back);
      list.appendChild(entry);
    });
  }

  // The actions on the citizen at the counter: each names the citizen this desk shows, so that a
  // key pressed on a desk another console has moved on from acts on nobody (desk_out_of_date).
  var onTheCitizen = ["recall", "start", "complete", "complete-and-call-next", "no-show", "transfer", "park", "note"];
  function act(action, body, done) {
    if (busy || !counterID) { return; }
    busy = true;
    body = body || {};
    if (desk && desk.current && onTheCitizen.indexOf(action) >= 0) { body.expected_token_id = desk.current.token_id; }
    say("");
    $("notice").textContent = "";
    // The answer is the new desk: one read for a key press. Only a failure reads it again.
    api("POST", "/api/v1/counters/" + counterID + "/" + action, body).then(function (answer) {
      busy = false;
      if (answer.ok && answer.body && answer.body.counter_id) { took(answer.body); if (done) { done(answer.body); } return; }
      if (!answer.ok) { say(StaffSession.errorText(answer)); }
      return refresh();
    }).catch(function () { busy = false; say(words.offline); });
  }

  // What an action did (a transfer, a parking, a walk-in) is said at the top of the desk; the clerk
  // pressed its button further down, often with the waiting list scrolled, so the notice is brought
  // into view.
  function notify(text) {
    $("notice").textContent = text;
    reveal($("notice"));
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-action]"), function (button) {
    button.addEventListener("click", function () { press(button.getAttribute("data-action")); });
  });
  function press(action) {
    if (action === "pause") { openForm("pause-form", "pause-reason"); return; }
    if (action === "park") { openForm("park-form", "park-reason"); return; }
    if (action === "transfer") {
      fillTransfer().then(function () { openForm("transfer-form", "transfer-service"); })
        .catch(function (answer) { say(answer && answer.body ? StaffSession.errorText(answer) : words.offline); });
      return;
    }
    act(action);
  }
  function openForm(id, focus) {
    $(id).hidden = false;
    $(focus).focus();
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-cancel]"), function (button) {
    button.addEventListener("click", function () { button.closest("form").hidden = true; });
  });
  $("pause-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("pause-form").hidden = true;
    act("pause", { reason: $("pause-reason").value });
  });

  // Read afresh each time: a manager may have changed which counter serves what since the desk opened.
  function fillTransfer() {
    return loadOffice(desk.office).then(fillTransferLists);
  }
  function fillTransferLists() {
    var services = $("transfer-service"), counters = $("transfer-counter");
    services.textContent = "";
    counters.textContent = "";
    var same = element("option", words.same_service);
    same.value = "";
    services.appendChild(same);
    office.services.forEach(function (item) {
      var option = element("option", serviceName(item.code));
      option.value = item.code;
      services.appendChild(option);
    });
    var any = element("option", words.any_counter);
    any.value = "";
    counters.appendChild(any);
    office.counters.forEach(function (counter) {
      if (counter.number === desk.number) { return; }
      var option = element("option", words.counter + " " + counter.number + " · " + counter.services.map(serviceName).join(", "));
      option.value = String(counter.number);
      counters.appendChild(option);
    });
  }
  $("park-form").addEventListener("submit", function (event) {
    event.preventDefault();
    $("park-form").hidden = true;
    var number = desk.current && desk.current.number, body = { reason: $("park-reason").value };
    if ($("park-back").value) { body.back_in_minutes = $("park-back").value; }
    act("park", body, function () { notify(words.parked_notice.replace("{number}", number)); });
  });
  $("transfer-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {};
    if ($("transfer-service").value) { body.service = $("transfer-service").value; }
    if ($("transfer-counter").value) { body.to_counter = $("transfer-counter").value; }
    if ($("transfer-reason").value) { body.reason = $("transfer-reason").value; }
    $("transfer-form").hidden = true;
    var number = desk.current && desk.current.number, service = desk.current && desk.current.service;
    // The citizen leaves this desk: say where they went, so the clerk can tell them.
    act("transfer", body, function () {
      var where = body.service && body.to_counter ? "transferred_both" : body.to_counter ? "transferred_counter" : "transferred_service";
      notify(words[where].replace("{number}", number)
        .replace("{service}", serviceName(body.service || service)).replace("{counter}", body.to_counter || ""));
    });
  });

  // A citizen without a token: booked at this counter, served at once or added to the queue.
  $("walk-in").addEventListener("click", function () {
    var services = $("walk-in-service");
    services.textContent = "";
    desk.services.forEach(function (code) {
      var option = element("option", serviceName(code));
      option.value = code;
      services.appendChild(option);
    });
    // Served at once only when this counter could call someone now.
    $("walk-in-now").disabled = !allowed("call");
    openForm("walk-in-form", "walk-in-service");
  });
  $("walk-in-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var serve = event.submitter && event.submitter.value === "queue" ? "queue" : "now";
    var body = { service: $("walk-in-service").value, priority: $("walk-in-priority").value, serve: serve };
    [["name", "walk-in-name"], ["phone", "walk-in-phone"], ["consumer_number", "walk-in-consumer"]].forEach(function (pair) {
      if ($(pair[1]).value.trim()) { body[pair[0]] = $(pair[1]).value.trim(); }
    });
    act("walk-in", body, function (answer) {
      $("walk-in-form").hidden = true;
      ["walk-in-name", "walk-in-phone", "walk-in-consumer"].forEach(function (id) { $(id).value = ""; });
      notify(words[serve === "now" ? "walk_in_served" : "walk_in_queued"].replace("{number}", answer.booked || ""));
    });
  });

  // Single-key shortcuts, except while typing in a field. A clerk may turn them off (WCAG 2.1.4:
  // speech input and stray key presses must not act at the counter); the choice stays on this device.
  var keys = { n: "call-next", r: "recall", s: "start", c: "complete", d: "complete-and-call-next", x: "no-show", t: "transfer", p: "pause" };
  var shortcutsSetting = "guvnl-console-shortcuts";
  function shortcutsOn() { return localStorage.getItem(shortcutsSetting) !== "off"; }
  function showShortcuts() {
    $("shortcuts-on").checked = shortcutsOn();
    Array.prototype.forEach.call(document.querySelectorAll("[data-action]"), function (button) {
      var key = Object.keys(keys).filter(function (k) { return keys[k] === button.getAttribute("data-action"); })[0];
      if (key && shortcutsOn()) { button.setAttribute("aria-keyshortcuts", key.toUpperCase()); } else { button.removeAttribute("aria-keyshortcuts"); }
    });
    document.body.classList.toggle("no-shortcuts", !shortcutsOn());
  }
  $("shortcuts-on").addEventListener("change", function () {
    localStorage.setItem(shortcutsSetting, $("shortcuts-on").checked ? "on" : "off");
    showShortcuts();
  });
  showShortcuts();
  document.addEventListener("keydown", function (event) {
    if (!shortcutsOn() || $("desk").hidden || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = event.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
    var action = keys[event.key.toLowerCase()];
    if (!action) { return; }
    var button = document.querySelector("[data-action='" + action + "']");
    if (!button) { return; }
    event.preventDefault();
    // A key whose action is not available now says why, instead of doing nothing.
    if (button.disabled) { say(refusalText(action)); return; }
    press(action);
  });

  start();
})();
