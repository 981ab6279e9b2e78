// The manager's dashboard: citizens' ratings over the report's days (GET /api/v1/offices/{office}/feedback),
// by service and by the clerk who served; managers only (the server refuses anyone else), so a
// clerk never sees another clerk's ratings. Comments are shown without who wrote them.
var FeedbackPanel = (function () {
  "use strict";
  var element = PageKit.element, words = PageKit.words();
  var catalog = null;
  fetch("/catalog.json").then(function (r) { return r.json(); }).then(function (body) { catalog = body; }).catch(function () {});
  function table(head, rows) {
    var node = element("table");
    var top = element("tr");
    head.forEach(function (text) { var cell = element("th", text); cell.scope = "col"; top.appendChild(cell); });
    node.appendChild(element("thead")).appendChild(top);
    var body = node.appendChild(element("tbody"));
    rows.forEach(function (row) {
      var line = element("tr");
      row.forEach(function (text) { line.appendChild(element("td", text)); });
      body.appendChild(line);
    });
    return node;
  }
  function mean(value) { return value === null || value === undefined ? "—" : value.toFixed(1); }
  function show(box, report) {
    box.textContent = "";
    box.appendChild(element("p", words.feedback_count + ": " + report.count + " · " + words.feedback_mean + ": " + mean(report.mean), "feedback-totals"));
    if (report.count === 0) { return; }
    box.appendChild(table([words.service, words.feedback_count, words.feedback_mean], report.by_service.map(function (group) {
      return [PageKit.catalogName(catalog, "services", group.name), String(group.count), mean(group.mean)];
    })));
    box.appendChild(table([words.staff, words.feedback_count, words.feedback_mean], report.by_clerk.map(function (group) {
      return [group.name, String(group.count), mean(group.mean)];
    })));
    if (report.comments.length === 0) { return; }
    box.appendChild(element("h4", words.feedback_comments));
    var list = box.appendChild(element("ul", undefined, "feedback-comments"));
    report.comments.forEach(function (item) {
      list.appendChild(element("li", item.rating + "/5 · " + PageKit.catalogName(catalog, "services", item.service) + " · " + item.comment));
    });
  }
  function load(office, query) {
    var box = document.getElementById("feedback");
    if (!box) { return; }
    StaffSession.request("GET", "/api/v1/offices/" + encodeURIComponent(office) + "/feedback?" + query).then(function (answer) {
      if (answer.ok) { show(box, answer.body); } else { box.textContent = StaffSession.errorText(answer); }
    }).catch(function () { box.textContent = ""; });
  }
  return { load: load };
})();
