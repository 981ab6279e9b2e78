// The office dashboard: the office now (live over the event stream), reports for a range of days
// with an hourly chart and CSV links, and the audit log. The server decides who sees what; this
// page only shows a clerk the way back to the console.
(function () {
  "use strict";
  var $ = PageKit.byID, words = PageKit.words(), element = PageKit.element;
  var api = StaffSession.request;
  var lang = document.documentElement.lang;
  var catalog = null, office = null, stream = null, auditNext = null;

  function say(text) { PageKit.say($("message"), text); }
  function serviceName(code) { return PageKit.catalogName(catalog, "services", code); }
  function reason(text) { return words["reason-" + text] || text; }
  function minutes(value) { return value == null ? "—" : (Math.round(value * 10) / 10).toFixed(1); }
  function worded(text) { return text ? PageKit.localName(text) : "—"; }
  function percent(value) { return value == null ? "—" : Math.round(value * 1000) / 10 + "%"; }
  // The office's day and times in its own time zone, as the server gives it (set when an office is chosen).
  var zone;
  function today() { return new Date().toLocaleDateString("en-CA", { timeZone: zone }); }
  function row(cells, header) {
    var tr = element("tr");
    cells.forEach(function (cell, index) {
      var td = element(index === 0 && header ? "th" : "td", String(cell));
      if (index === 0 && header) { td.scope = "row"; }
      tr.appendChild(td);
    });
    return tr;
  }
  function fill(body, rows) {
    body.textContent = "";
    if (rows.length === 0) {
      var tr = element("tr"), td = element("td", words.nothing);
      td.colSpan = 8;
      tr.appendChild(td);
      body.appendChild(tr);
    }
    rows.forEach(function (cells) { body.appendChild(row(cells, true)); });
  }

  function start() {
    fetch("/catalog.json").then(function (r) { return r.json(); }).then(function (body) { catalog = body; })
      .catch(function () {}).then(function () { return StaffSession.signIn(say, words.offline, signedIn); });
  }

  function signedIn(who) {
    var first = StaffSession.managedOffice(who, catalog, choose);
    if (!first) { return; }
    // Today's report, unless the manager chose days while the office was loading (`choose` has
    // loaded theirs then).
    choose(first).then(function () {
      if ($("from").value && $("to").value) { return; }
      if (!$("from").value) { $("from").value = today(); }
      if (!$("to").value) { $("to").value = today(); }
      loadReport();
    });
  }

  function choose(code) {
    office = code;
    $("office-title").textContent = PageKit.catalogName(catalog, "offices", code);
    $("dashboard").hidden = false;
    refreshNow();
    follow();
    searchAudit(false);
    // The office's time zone first: the report's days and every time shown are the office's.
    return api("GET", "/api/v1/offices/" + encodeURIComponent(code)).then(function (answer) {
      if (answer.ok && code === office) { zone = answer.body.time_zone; }
    }).catch(function () {}).then(function () { if ($("from").value) { loadReport(); } });
  }

  // Each answer is for the office it was asked of: one that comes after the manager chose another is dropped.
  function refreshNow() {
    var asked = office;
    api("GET", "/api/v1/offices/" + encodeURIComponent(office) + "/now").then(function (answer) {
      if (asked !== office) { return; }
      if (!answer.ok) { say(StaffSession.errorText(answer)); return; }
      var now = answer.body;
      $("open-state").textContent = "(" + (now.is_open_now ? words.open : words.closed) + ")";
      fill($("now-counters"), now.counters.map(function (c) {
        return [c.number, (words["state-" + c.state] || c.state) + (c.pause_reason ? " (" + reason(c.pause_reason) + ")" : "")
          + (c.paused_for_text ? " · " + worded(c.paused_for_text) : "")
          + (c.over_break_limit ? " — " + words.over_break_limit : "")
          + (c.unattended ? " — " + words.unattended : ""),
          c.token ? c.token + " · " + (words["token-" + c.token_state] || c.token_state) : "—", c.staff || "—"];
      }));
      var outlook = now.outlook;
      var targets = {};
      outlook.services.forEach(function (s) { targets[s.code] = s; });
      // Times as the server words them for citizens too ("2 h 6 min"), in the page's language.
      fill($("now-services"), now.services.map(function (s) {
        var target = targets[s.code];
        return [serviceName(s.code), s.waiting, s.waiting ? worded(s.longest_wait_text) : "—", worded(s.wait_text),
          target ? worded(target.target_text) + (target.over_target ? " — " + words.over_target : "") : "—"];
      }));
      // What needs the manager now: counters nobody is at, citizens the day will not reach, and what would help.
      var lines = [];
      if (outlook.unattended_counters.length) { lines.push(words.unattended_counters.replace("{n}", outlook.unattended_counters.join(", "))); }
      if (outlook.unreached_today > 0) { lines.push(words.unreached.replace("{n}", outlook.unreached_today)); }
      outlook.advice.forEach(function (a) {
        lines.push(words["advice_" + a.action].replace("{counter}", a.counter).replace("{service}", serviceName(a.service))
          .replace("{wait}", worded(a.wait_text)));
      });
      var box = $("outlook");
      box.textContent = "";
      lines.forEach(function (line) { box.appendChild(element("p", line, "notice")); });
    }).catch(function () { say(words.offline); });
  }

  function follow() {
    if (stream) { stream.close(); }
    if (!window.EventSource) { return; }
    stream = new EventSource("/api/v1/offices/" + encodeURIComponent(office) + "/events?only=snapshot");
    var watched = stream;
    PageKit.watchStream(stream, function () { if (stream === watched) { follow(); refreshNow(); } });
    var pending = null;
    // A snapshot follows every change at the office.
    stream.addEventListener("snapshot", function () {
      if (pending) { return; }
      pending = setTimeout(function () { pending = null; refreshNow(); }, 300);
    });
    // Refused (or the server gone for good): the browser will not retry by itself, so follow again later.
    stream.addEventListener("error", function () {
      if (stream.readyState === EventSource.CLOSED) { setTimeout(follow, 5000 + Math.random() * 5000); }
    });
  }
  // Longest waits grow between changes.
  setInterval(function () { if (office) { refreshNow(); } }, 30000);

  $("report-form").addEventListener("submit", function (event) { event.preventDefault(); loadReport(); });

  function query() { return "from=" + encodeURIComponent($("from").value) + "&to=" + encodeURIComponent($("to").value); }

  function loadReport() {
    FeedbackPanel.load(office, query());
    var asked = office;
    api("GET", "/api/v1/offices/" + encodeURIComponent(office) + "/report?" + query()).then(function (answer) {
      if (asked !== office) { return; }
      if (!answer.ok) { say(StaffSession.errorText(answer)); return; }
      say("");
      showReport(answer.body);
    }).catch(function () { say(words.offline); });
    loadMessages();
  }

  // Close early: today becomes a holiday and everyone still waiting or booked is told.
  $("close-early-form").addEventListener("submit", function (event) {
    event.preventDefault();
    if (!office || !window.confirm(words.close_early_confirm)) { return; }
    api("POST", "/api/v1/offices/" + encodeURIComponent(office) + "/close-early", { reason: $("close-early-reason").value })
      .then(function (answer) {
        if (!answer.ok) { say(StaffSession.errorText(answer)); return; }
        say(words.close_early_done.replace("{n}", String(answer.body.cancelled)));
        refreshNow();
        loadMessages();
      }).catch(function () { say(words.offline); });
  });

  // Messages to citizens: counts by day, channel, state and reason for the report's days, and the
  // newest messages as the citizen received them (the local sink's view when no gateway is set).
  function loadMessages() {
    var base = "/api/v1/offices/" + encodeURIComponent(office) + "/messages";
    api("GET", base + "/tally?" + query()).then(function (answer) {
      if (!answer.ok) { return; }
      fill($("message-tally"), answer.body.tally.map(function (t) {
        return [t.day, t.channel, words["message_" + t.state] || t.state, t.reason || "", t.count];
      }));
    }).catch(function () {});
    api("GET", base + "?limit=30").then(function (answer) {
      if (!answer.ok) { return; }
      var list = $("message-list");
      list.textContent = "";
      answer.body.messages.forEach(function (m) {
        var item = element("li");
        item.appendChild(element("p", [new Date(m.created_at).toLocaleString(lang), m.token || "", m.channel, m.language,
          m.recipient, words["message_" + m.state] || m.state].join(" · "), "small"));
        var text = element("pre", m.text || m.last_error || "", "message-text");
        text.lang = m.language;
        item.appendChild(text);
        list.appendChild(item);
      });
    }).catch(function () {});
  }

  function showReport(report) {
    $("report").hidden = false;
    var totals = $("totals"), t = report.totals;
    totals.textContent = "";
    [["tokens", t.tokens], ["served", t.served], ["no_shows", t.no_shows], ["cancelled", t.cancelled], ["expired", t.expired],
      ["no_show_rate", percent(t.no_show_rate)], ["wait_p50", minutes(t.wait_p50_minutes)], ["wait_p90", minutes(t.wait_p90_minutes)],
      ["service_p50", minutes(t.service_p50_minutes)], ["service_p90", minutes(t.service_p90_minutes)]].forEach(function (item) {
      var box = element("div", undefined, "total");
      box.setAttribute("data-figure", item[0]);
      box.appendChild(element("span", words[item[0]], "label"));
      box.appendChild(element("span", String(item[1]), "value"));
      totals.appendChild(box);
    });
    fill($("by-service"), report.by_service.map(function (s) {
      var f = s.figures;
      return [serviceName(s.service), f.tokens, f.served, percent(f.no_show_rate), minutes(f.wait_p50_minutes),
        minutes(f.wait_p90_minutes), minutes(f.service_p50_minutes), minutes(f.service_p90_minutes)];
    }));
    fill($("by-day"), (report.by_day || []).map(function (d) {
      var f = d.figures;
      return [d.day, f.tokens, f.served, percent(f.no_show_rate), minutes(f.wait_p50_minutes),
        minutes(f.wait_p90_minutes), minutes(f.service_p50_minutes), minutes(f.service_p90_minutes)];
    }));
    chart(report.by_hour);
    serviceChart(report.by_service);
    fill($("by-clerk"), report.by_clerk.map(function (c) { return [c.display_name + " (" + c.username + ")", c.served, minutes(c.average_service_minutes)]; }));
    $("break-limit").textContent = "(" + words.break_limit.replace("{minutes}", report.break_limit_minutes) + ")";
    fill($("breaks"), (report.breaks || []).map(function (b) {
      var time = new Date(b.started_at).toLocaleTimeString(lang + "-IN", { timeZone: zone, hour: "2-digit", minute: "2-digit", hour12: false });
      return [b.day, b.counter, b.display_name ? b.display_name + " (" + b.username + ")" : "—", reason(b.reason), time,
        minutes(b.minutes) + (b.ended_at ? "" : " " + words.running) + (b.over_limit ? " — " + words.over_break_limit : "")];
    }));
    fill($("by-counter"), report.counters.map(function (c) { return [c.counter, minutes(c.open_minutes), minutes(c.busy_minutes), minutes(c.idle_minutes)]; }));
    Array.prototype.forEach.call(document.querySelectorAll("a.csv"), function (link) {
      link.href = "/api/v1/offices/" + encodeURIComponent(office) + "/report.csv?" + query() + "&table=" + link.getAttribute("data-table") + "&lang=" + lang;
    });
  }

  // An SVG bar chart of tokens per hour, the office's working hours only; each bar has its count.
  function chart(hours) {
    var used = hours.filter(function (h) { return h.tokens > 0; });
    var first = used.length ? used[0].hour : 9, last = used.length ? used[used.length - 1].hour : 18;
    var shown = hours.filter(function (h) { return h.hour >= Math.min(first, 9) && h.hour <= Math.max(last, 18); });
    var max = Math.max(1, Math.max.apply(null, shown.map(function (h) { return h.tokens; })));
    var ns = "http://www.w3.org/2000/svg", width = 40 * shown.length, height = 180;
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + (height + 40));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", words.chart_label + ": " + shown.map(function (h) { return h.hour + ":00 " + h.tokens; }).join(", "));
    shown.forEach(function (h, index) {
      var bar = document.createElementNS(ns, "rect"), barHeight = Math.round(h.tokens / max * (height - 20));
      bar.setAttribute("x", index * 40 + 6);
      bar.setAttribute("y", height - barHeight);
      bar.setAttribute("width", 28);
      bar.setAttribute("height", barHeight);
      bar.setAttribute("class", "bar");
      bar.setAttribute("data-hour", h.hour);
      bar.setAttribute("data-tokens", h.tokens);
      svg.appendChild(bar);
      var count = document.createElementNS(ns, "text");
      count.setAttribute("x", index * 40 + 20);
      count.setAttribute("y", height - barHeight - 4);
      count.setAttribute("text-anchor", "middle");
      count.textContent = h.tokens ? String(h.tokens) : "";
      svg.appendChild(count);
      var label = document.createElementNS(ns, "text");
      label.setAttribute("x", index * 40 + 20);
      label.setAttribute("y", height + 18);
      label.setAttribute("text-anchor", "middle");
      label.textContent = String(h.hour).padStart(2, "0");
      svg.appendChild(label);
    });
    $("hour-chart").textContent = "";
    $("hour-chart").appendChild(svg);
  }

  function svgElement(name, attributes, text) {
    var node = document.createElementNS("http://www.w3.org/2000/svg", name);
    Object.keys(attributes).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // Per service: a bar of tokens, and within it the part served; names on the left, counts on the right.
  function serviceChart(services) {
    var max = Math.max(1, Math.max.apply(null, services.map(function (s) { return s.figures.tokens; }).concat([0])));
    var row = 34, labelWidth = 260, barWidth = 480;
    var svg = svgElement("svg", { viewBox: "0 0 " + (labelWidth + barWidth + 90) + " " + (services.length * row + 10), role: "img",
      "aria-label": words.service_chart_label + ": " + services.map(function (s) {
        return serviceName(s.service) + " " + s.figures.tokens + " / " + s.figures.served; }).join(", ") });
    services.forEach(function (s, index) {
      var y = index * row + 6, f = s.figures;
      svg.appendChild(svgElement("text", { x: labelWidth - 10, y: y + 19, "text-anchor": "end" }, serviceName(s.service)));
      svg.appendChild(svgElement("rect", { x: labelWidth, y: y, width: Math.round(f.tokens / max * barWidth), height: 24, class: "bar-total" }));
      svg.appendChild(svgElement("rect", { x: labelWidth, y: y, width: Math.round(f.served / max * barWidth), height: 24, class: "bar" }));
      svg.appendChild(svgElement("text", { x: labelWidth + Math.round(f.tokens / max * barWidth) + 8, y: y + 19 }, f.tokens + " / " + f.served));
    });
    $("service-chart").textContent = "";
    $("service-chart").appendChild(svg);
  }

  $("audit-form").addEventListener("submit", function (event) { event.preventDefault(); searchAudit(false); });
  $("audit-more").addEventListener("click", function () { searchAudit(true); });

  function searchAudit(more) {
    var params = new URLSearchParams();
    [["token", "audit-token"], ["staff", "audit-staff"], ["from", "audit-from"], ["to", "audit-to"], ["kind", "audit-kind"]].forEach(function (pair) {
      if ($(pair[1]).value) { params.set(pair[0], $(pair[1]).value.trim()); }
    });
    if (more && auditNext) { params.set("before", auditNext); }
    var asked = office;
    api("GET", "/api/v1/offices/" + encodeURIComponent(office) + "/audit?" + params.toString()).then(function (answer) {
      if (asked !== office) { return; }
      if (!answer.ok) { say(StaffSession.errorText(answer)); return; }
      var body = $("audit");
      if (!more) { body.textContent = ""; }
      answer.body.entries.forEach(function (entry) {
        var when = new Date(entry.at).toLocaleString(lang + "-IN", { timeZone: zone, dateStyle: "short", timeStyle: "medium" });
        var what = entry.kind + (entry.from_state ? " (" + entry.from_state + " → " + (entry.to_state || "") + ")" : "");
        var who = entry.actor.indexOf("staff:") === 0 ? entry.actor.split(":").slice(2).join(":") : entry.actor;
        body.appendChild(row([when, what, entry.token || "", entry.counter || "", who, entry.reason || ""], false));
      });
      if (!more && answer.body.entries.length === 0) { fill(body, []); }
      auditNext = answer.body.next;
      $("audit-more").hidden = !auditNext;
    }).catch(function () { say(words.offline); });
  }

  start();
})();
