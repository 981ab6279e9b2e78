// The counter console: sign in, choose a counter, then call and serve citizens. The desk is read
// from the server after every action and whenever the office's event stream reports a change.
(function () {
  "use strict";
  var $ = PageKit.byID, words = PageKit.words(), element = PageKit.element;
  var api = StaffSession.request;
  var user = null, counterID = null, desk = null, catalog = null, stream = null, busy = false;
  var storedCounter = "guvnl-console-counter";

  function show(section) {
    ["sign-in", "choose", "desk"].forEach(function (id) { $(id).hidden = id !== section; });
  }
  function say(text) { PageKit.say($("message"), text); }
  function serviceName(code) { return PageKit.catalogName(catalog, "services", code); }

  function start() {
    fetch("/catalog.json").then(function (r) { return r.json(); }).then(function (body) { catalog = body; })
      .catch(function () {}).then(function () { return StaffSession.signIn(say, words.offline, signedIn); });
  }

  function signedIn(who) {
    user = who;
    $("who").textContent = who.display_name;
    var wanted = who.counter_id || Number(localStorage.getItem(storedCounter + ":" + who.id)) || null;
    chooseCounter(wanted);
  }

  // Lists the office's counters; a clerk tied to one counter goes straight to it.
  function chooseCounter(wanted) {
    var office = user.office_code || $("choose-office").value;
    if (!office) { return chooseOffice(); }
    api("GET", "/api/v1/offices/" + encodeURIComponent(office) + "/queue").then(function (answer) {
      if (!answer.ok) { say(StaffSession.errorText(answer)); return; }
      var counters = answer.body.counters;
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
    });
  }

  // Administrators belong to no office: they choose one first.
  function chooseOffice() {
    var select = $("choose-office");
    select.hidden = false;
    $("choose-office-label").hidden = false;
    if (select.options.length === 0 && catalog) {
      catalog.offices.forEach(function (office) {
        var option = element("option", PageKit.localName(office.names));
        option.value = office.code;
        select.appendChild(option);
      });
      select.addEventListener("change", function () { chooseCounter(null); });
    }
    if (select.value) { chooseCounter(null); } else { show("choose"); }
  }

  $("change-counter").addEventListener("click", function () {
    if (user) { localStorage.removeItem(storedCounter + ":" + user.id); }
    if (stream) { stream.close(); stream = null; }
    counterID = null;
    chooseCounter(null);
  });

  function openDesk(id) {
    counterID = id;
    localStorage.setItem(storedCounter + ":" + user.id, String(id));
    show("desk");
    beat();
    refresh().then(function () { if (desk) { follow(desk.office); } });
  }

  function refresh() {
    return api("GET", "/api/v1/counters/" + counterID).then(function (answer) {
      if (!answer.ok) {
        if (answer.status === 401) { show("sign-in"); }
        say(StaffSession.errorText(answer));
        return;
      }
      desk = answer.body;
      render();
    }).catch(function () { say(words.offline); });
  }

  // Any change at the office (another counter calling, a new booking) can change this desk.
  function follow(office) {
    if (stream) { stream.close(); }
    if (!window.EventSource) { setInterval(refresh, 5000); return; }
    stream = new EventSource("/api/v1/offices/" + encodeURIComponent(office) + "/events?only=snapshot");
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
      say(words.offline);
      // Refused (or the server gone for good): the browser will not retry by itself, so follow again later.
      if (stream.readyState === EventSource.CLOSED) { setTimeout(function () { follow(office); }, 5000 + Math.random() * 5000); }
    });
  }
  // Waiting times grow between changes.
  setInterval(function () { if (desk && !busy) { refresh(); } }, 30000);

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

  function render() {
    $("desk-title").textContent = words.counter + " " + desk.number;
    var state = words["state-" + desk.state] || desk.state;
    $("counter-state").textContent = state + (desk.pause_reason ? " (" + desk.pause_reason + ")" : "");
    $("counter-state").className = "counter-state state-" + desk.state;
    renderCurrent(desk.current);
    renderWaiting(desk.waiting || []);
    var current = desk.current, isOpen = desk.state === "open";
    enable("open", desk.state !== "open");
    enable("pause", desk.state === "open");
    enable("close", desk.state !== "closed");
    enable("call-next", isOpen && !current && (desk.waiting_count || 0) > 0);
    enable("recall", !!current && current.state === "called");
    enable("start", !!current && current.state === "called");
    enable("complete", !!current && current.state === "serving");
    enable("no-show", !!current && current.state === "called");
    enable("transfer", !!current && current.state === "serving");
  }
  function enable(action, on) {
    var button = document.querySelector("[data-action='" + action + "']");
    if (button) { button.disabled = !on; }
  }

  var toldCheck = null;
  function renderCurrent(current) {
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
      call.disabled = desk.state !== "open" || !!desk.current;
      call.addEventListener("click", function () { act("call", { token: item.number }); });
      action.appendChild(call);
      row.appendChild(action);
      body.appendChild(row);
    });
  }

  function act(action, body) {
    if (busy || !counterID) { return; }
    busy = true;
    say("");
    // The answer is the new desk: one read for a key press. Only a failure reads it again.
    api("POST", "/api/v1/counters/" + counterID + "/" + action, body || {}).then(function (answer) {
      busy = false;
      if (answer.ok && answer.body && answer.body.counter_id) { desk = answer.body; render(); return; }
      if (!answer.ok) { say(StaffSession.errorText(answer)); }
      return refresh();
    }).catch(function () { busy = false; say(words.offline); });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-action]"), function (button) {
    button.addEventListener("click", function () { press(button.getAttribute("data-action")); });
  });
  function press(action) {
    if (action === "pause") { openForm("pause-form", "pause-reason"); return; }
    if (action === "transfer") { fillTransfer(); openForm("transfer-form", "transfer-service"); return; }
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

  function fillTransfer() {
    var services = $("transfer-service"), counters = $("transfer-counter");
    services.textContent = "";
    counters.textContent = "";
    var same = element("option", words.same_service);
    same.value = "";
    services.appendChild(same);
    var office = catalog && catalog.offices.filter(function (o) { return o.code === desk.office; })[0];
    (office ? office.services : []).forEach(function (item) {
      var option = element("option", serviceName(item.code));
      option.value = item.code;
      services.appendChild(option);
    });
    var any = element("option", words.any_counter);
    any.value = "";
    counters.appendChild(any);
    (office ? office.counters : []).forEach(function (counter) {
      if (counter.number === desk.number) { return; }
      var option = element("option", words.counter + " " + counter.number);
      option.value = String(counter.number);
      counters.appendChild(option);
    });
  }
  $("transfer-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {};
    if ($("transfer-service").value) { body.service = $("transfer-service").value; }
    if ($("transfer-counter").value) { body.to_counter = $("transfer-counter").value; }
    if ($("transfer-reason").value) { body.reason = $("transfer-reason").value; }
    $("transfer-form").hidden = true;
    act("transfer", body);
  });

  // Single-key shortcuts, except while typing in a field.
  var keys = { n: "call-next", r: "recall", s: "start", c: "complete", x: "no-show", t: "transfer", p: "pause" };
  document.addEventListener("keydown", function (event) {
    if ($("desk").hidden || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var tag = event.target.tagName;
    if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
    var action = keys[event.key.toLowerCase()];
    if (!action) { return; }
    var button = document.querySelector("[data-action='" + action + "']");
    if (button && !button.disabled) { event.preventDefault(); press(action); }
  });

  start();
})();
