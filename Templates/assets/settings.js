// Office settings: each form posts one change and the page redraws from the server's answer,
// so what is shown is always what is stored. The server checks every role rule again.
(function () {
  "use strict";
  var $ = PageKit.byID, words = PageKit.words(), element = PageKit.element;
  var api = StaffSession.request;
  var catalog = null, user = null, office = null, current = null;

  function say(text) { PageKit.say($("message"), text); $("saved").hidden = true; }
  function serviceName(code) { return PageKit.catalogName(catalog, "services", code); }
  function button(text, onClick, className) {
    var node = element("button", text, className || "quiet small-button");
    node.type = "button";
    node.addEventListener("click", onClick);
    return node;
  }
  function officePath(rest) { return "/api/v1/offices/" + encodeURIComponent(office) + rest; }

  // Sends a change; on success shows "Saved" and redraws from the settings the server returns.
  function change(method, url, body) {
    return api(method, url, body).then(function (answer) {
      if (!answer.ok) { say(StaffSession.errorText(answer)); return answer; }
      say("");
      $("saved").hidden = false;
      return load().then(function () { return answer; });
    }).catch(function () { say(words.offline); });
  }

  function signedIn(who) {
    user = who;
    office = StaffSession.managedOffice(who, catalog, function (code) { office = code; load(); });
    if (!office) { return; }
    var roles = who.role === "administrator" ? ["counter_staff", "office_manager", "administrator"] : ["counter_staff"];
    ["new-role", "assign-role"].forEach(function (select) {
      roles.forEach(function (role) {
        var option = element("option", words["role_" + role]);
        option.value = role;
        $(select).appendChild(option);
      });
    });
    load();
  }

  function load() {
    return api("GET", officePath("/settings")).then(function (answer) {
      if (!answer.ok) { say(StaffSession.errorText(answer)); return; }
      current = answer.body;
      $("settings").hidden = false;
      $("office-title").textContent = PageKit.catalogName(catalog, "offices", office);
      drawCounters();
      drawSlots();
      drawTargets();
      drawMessaging();
      drawHolidays();
      drawPolicy();
      drawStaff();
      drawKiosks();
    }).catch(function () { say(words.offline); });
  }

  function drawCounters() {
    var box = $("counters");
    box.textContent = "";
    var offered = current.settings.services.map(function (s) { return s.code; });
    current.settings.counters.forEach(function (counter) {
      var form = element("form");
      form.appendChild(element("h3", words.counter + " " + counter.number));
      offered.forEach(function (code) {
        var label = element("label", undefined, "choice");
        var box = element("input");
        box.type = "checkbox";
        box.value = code;
        box.checked = counter.services.indexOf(code) >= 0;
        label.appendChild(box);
        label.appendChild(document.createTextNode(serviceName(code)));
        form.appendChild(label);
      });
      var save = element("button", words.save);
      save.type = "submit";
      form.appendChild(save);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var chosen = Array.prototype.map.call(form.querySelectorAll("input:checked"), function (box) { return box.value; });
        change("POST", officePath("/counters/" + counter.number + "/services"), { services: chosen.join(",") });
      });
      box.appendChild(form);
      box.appendChild(scheduleForm(counter));
    });
  }

  // A counter's planned day: the wait forecast holds the counter back in its pauses and after it closes.
  function scheduleForm(counter) {
    var form = element("form", undefined, "schedule");
    var id = "schedule-" + counter.number;
    var pausesLabel = element("label", words.pauses);
    pausesLabel.htmlFor = id + "-pauses";
    var pauses = element("textarea");
    pauses.id = id + "-pauses";
    pauses.rows = 2;
    pauses.placeholder = "13:30-14:00 Lunch";
    pauses.value = counter.pauses.join("\n");
    var closesLabel = element("label", words.closes);
    closesLabel.htmlFor = id + "-closes";
    var closes = element("input");
    closes.id = id + "-closes";
    closes.type = "time";
    closes.value = counter.closes || "";
    var save = element("button", words.save);
    save.type = "submit";
    [pausesLabel, pauses, closesLabel, closes, save].forEach(function (child) { form.appendChild(child); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      change("POST", officePath("/counters/" + counter.number + "/schedule"), { pauses: pauses.value, closes: closes.value });
    });
    return form;
  }

  function drawSlots() {
    var box = $("slots");
    box.textContent = "";
    var withSlots = current.settings.services.filter(function (s) { return s.slot_capacities.length > 0; });
    if (withSlots.length === 0) { box.appendChild(element("p", words.no_slots)); return; }
    withSlots.forEach(function (service) {
      box.appendChild(numberForm("places-" + service.code, serviceName(service.code) + " — " + words.places, 1, 1000,
        service.slot_capacities[service.slot_capacities.length - 1], function (value) {
          change("POST", officePath("/slot-capacity"), { service: service.code, capacity: value });
        }));
    });
  }

  // Each service's wait target: the dashboard holds the forecast to it.
  function drawTargets() {
    var box = $("targets");
    box.textContent = "";
    current.settings.services.forEach(function (service) {
      box.appendChild(numberForm("target-" + service.code, serviceName(service.code) + " — " + words.target, 5, 600,
        service.target_minutes, function (value) {
          change("POST", officePath("/targets"), { service: service.code, minutes: value });
        }));
    });
  }

  // One number to set, with its label and a save button.
  function numberForm(id, text, min, max, value, save) {
    var form = element("form", undefined, "range");
    var label = element("label", text);
    label.htmlFor = id;
    var input = element("input");
    input.id = id;
    input.type = "number";
    input.min = min;
    input.max = max;
    input.required = true;
    input.value = value;
    var button = element("button", words.save);
    button.type = "submit";
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(button);
    form.addEventListener("submit", function (event) { event.preventDefault(); save(Number(input.value)); });
    return form;
  }

  function drawHolidays() {
    var list = $("holidays");
    list.textContent = "";
    if (current.settings.holidays.length === 0) { list.appendChild(element("li", words.none)); }
    current.settings.holidays.forEach(function (holiday) {
      var item = element("li");
      item.appendChild(element("span", holiday.day + (holiday.reason ? " — " + holiday.reason : "")));
      item.appendChild(button(words.remove, function () {
        change("POST", officePath("/holidays/" + encodeURIComponent(holiday.day) + "/remove"), {});
      }));
      list.appendChild(item);
    });
  }
  $("holiday-form").addEventListener("submit", function (event) {
    event.preventDefault();
    change("POST", officePath("/holidays"), { day: $("holiday-day").value, reason: $("holiday-reason").value });
  });

  // How the office tells its citizens: the turn-near threshold, and SMS or WhatsApp.
  function drawMessaging() {
    $("turn_near_ahead").value = current.settings.messaging.turn_near_ahead;
    $("sms_via").value = current.settings.messaging.sms_via;
  }
  $("messaging-form").addEventListener("submit", function (event) {
    event.preventDefault();
    change("POST", officePath("/messaging"), { turn_near_ahead: Number($("turn_near_ahead").value), sms_via: $("sms_via").value });
  });

  var policyFields = ["max_priority_streak", "aging_minutes", "recall_limit", "active_tokens_per_phone", "min_recall_seconds", "break_limit_minutes"];
  function drawPolicy() {
    policyFields.forEach(function (field) { $(field).value = current.settings.policy[field]; });
    $("transfer_placement").value = current.settings.policy.transfer_placement;
  }
  $("policy-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var body = {};
    policyFields.forEach(function (field) { body[field] = Number($(field).value); });
    body.transfer_placement = $("transfer_placement").value;
    change("POST", officePath("/policy"), body);
  });

  function drawStaff() {
    var body = $("staff");
    body.textContent = "";
    current.staff.forEach(function (member) {
      var row = element("tr");
      var who = element("th", member.display_name + " (" + member.username + ")");
      who.scope = "row";
      row.appendChild(who);
      row.appendChild(element("td", words["role_" + member.role] || member.role));
      row.appendChild(element("td", member.counter ? String(member.counter) : "—"));
      row.appendChild(element("td", member.is_active ? words.active : words.inactive));
      var actions = element("td");
      if (changeable(member)) {
        actions.appendChild(button(member.is_active ? words.turn_off : words.turn_on, function () {
          change("POST", "/api/v1/staff/" + member.id + (member.is_active ? "/deactivate" : "/activate"), {});
        }));
        actions.appendChild(button(words.set_password, function () {
          var password = window.prompt(words.password_prompt);
          if (password) { change("POST", "/api/v1/staff/" + member.id + "/password", { password: password }); }
        }));
      }
      row.appendChild(actions);
      body.appendChild(row);
    });
    fillAssignable();
  }
  // Whom the signed-in person may change: not themselves; a manager, only counter staff.
  function changeable(member) {
    return member.id !== user.id && (user.role === "administrator" || member.role === "counter_staff");
  }
  function fillAssignable() {
    var select = $("assign-member"), chosen = select.value;
    select.textContent = "";
    current.staff.filter(changeable).forEach(function (member) {
      var option = element("option", member.display_name + " (" + member.username + ")");
      option.value = member.id;
      select.appendChild(option);
    });
    if (chosen) { select.value = chosen; }
    showAssignment();
  }
  function showAssignment() {
    var member = current.staff.filter(function (m) { return String(m.id) === $("assign-member").value; })[0];
    if (!member) { return; }
    $("assign-role").value = member.role;
    $("assign-counter").value = member.counter || "";
  }
  $("assign-member").addEventListener("change", showAssignment);
  $("assign-form").addEventListener("submit", function (event) {
    event.preventDefault();
    change("POST", "/api/v1/staff/" + $("assign-member").value + "/assignment",
      { role: $("assign-role").value, office: office, counter: $("assign-counter").value });
  });

  $("staff-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var body = { username: $("new-username").value, name: $("new-name").value, password: $("new-password").value,
      role: $("new-role").value, office: office };
    if ($("new-counter").value) { body.counter = $("new-counter").value; }
    change("POST", "/api/v1/staff", body).then(function (answer) {
      if (answer && answer.ok) { $("staff-form").reset(); }
    });
  });

  function drawKiosks() {
    var list = $("kiosks");
    list.textContent = "";
    if (current.settings.kiosks.length === 0) { list.appendChild(element("li", words.none)); }
    current.settings.kiosks.forEach(function (kiosk) {
      var item = element("li");
      item.appendChild(element("span", "#" + kiosk.id + " " + kiosk.label + (kiosk.is_revoked ? " (" + words.revoked + ")" : "")));
      if (!kiosk.is_revoked) {
        item.appendChild(button(words.revoke, function () { change("POST", "/api/v1/kiosks/" + kiosk.id + "/revoke", {}); }));
      }
      list.appendChild(item);
    });
  }

  fetch("/catalog.json").then(function (r) { return r.json(); }).then(function (body) { catalog = body; })
    .catch(function () {}).then(function () { return StaffSession.signIn(say, words.offline, signedIn); });
})();
