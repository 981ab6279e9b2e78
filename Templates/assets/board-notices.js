// The display board's notices (Content/<lang>/notices/, published as /notices.json): those for this
// office (or all offices) whose days include today, one at a time in a band below the calls, in
// the board's two languages (Gujarati or Hindi, then English), turning every 15 seconds. The calls keep their place: the band never
// covers them. Read again every 10 minutes, so a rebuilt site's notices appear within that.
(function () {
  "use strict";
  var band = document.getElementById("notices"), box = document.getElementById("notice");
  if (!band || !box || !window.fetch) { return; }
  // As the board reads it (PageKit.officeInAddress, loaded before this script).
  var office = PageKit.officeInAddress();
  var shown = [], index = 0;
  // As display.js reads them; a notice without a text of its own in a language shows once, in English.
  var board = document.querySelector(".board");
  var languages = ((board && board.getAttribute("data-languages")) || "gu en").split(" ");
  function today() { return new Date().toLocaleDateString("en-CA", { timeZone: "Asia/Kolkata" }); }
  function current(list) {
    var day = today();
    return list.filter(function (notice) {
      return notice.starts <= day && day <= notice.ends && (notice.offices.length === 0 || notice.offices.indexOf(office) >= 0);
    });
  }
  function part(notice, lang) {
    // The notice as its editor wrote it (Markdown rendered at build time, raw HTML never passed).
    var article = document.createElement("article");
    article.lang = lang;
    var title = document.createElement("h3");
    title.textContent = notice.title[lang];
    article.appendChild(title);
    var text = document.createElement("div");
    text.innerHTML = notice.html[lang];
    article.appendChild(text);
    return article;
  }
  function show() {
    band.hidden = shown.length === 0;
    box.textContent = "";
    if (shown.length === 0) { return; }
    var notice = shown[index % shown.length];
    index += 1;
    var said = languages.filter(function (lang) { return notice.title[lang] && notice.html[lang]; });
    (said.length ? said : ["en"]).forEach(function (lang) { box.appendChild(part(notice, lang)); });
  }
  function load() {
    fetch("/notices.json", { cache: "no-cache" }).then(function (response) { return response.json(); })
      .then(function (body) { shown = current(body.notices || []); show(); })
      .catch(function () { /* the board goes on without notices */ });
  }
  load();
  setInterval(show, 15000);
  setInterval(load, 600000);
})();
