// What the staff, office and booking pages share: elements by id, the page's interface strings (rendered by
// sitegen into <template id="text">, already in the right languages), new elements with text (never
// HTML, so nothing from the server is parsed as markup), messages, catalogue names.
var PageKit = (function () {
  "use strict";
  function byID(id) { return document.getElementById(id); }
  // The office a board or kiosk was set up for (`?office=`): codes are upper case, and whoever types
  // the address on a TV's remote may not be; null when none is given.
  function officeInAddress() {
    return (new URLSearchParams(location.search).get("office") || "").trim().toUpperCase() || null;
  }
  function words() {
    var table = {};
    var holder = byID("text");
    Array.prototype.forEach.call(holder ? holder.content.querySelectorAll("[data-key]") : [], function (node) {
      table[node.getAttribute("data-key")] = node.textContent;
    });
    return table;
  }
  function element(tag, text, className, lang) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (className) { node.className = className; }
    if (lang) { node.lang = lang; }
    return node;
  }
  // Shows a message in its box, or hides the box when there is none.
  function say(box, text) {
    box.textContent = text || "";
    box.hidden = !text;
  }
  // A catalogue name ({en, gu, hi}) in the page's language, English when it lacks one.
  function localName(names) {
    return names ? (names[document.documentElement.lang] || names.en) : "";
  }
  // The name of a service or an office of catalog.json by its code; the code while it is not loaded.
  function catalogName(catalog, list, code) {
    var entry = catalog && catalog[list].filter(function (item) { return item.code === code; })[0];
    return entry ? localName(entry.names) : code;
  }
  // When an office opens again, in the office's time (India): "14:30" today, else "Monday 7 December 10:30".
  function opening(when) {
    var lang = document.documentElement.lang;
    var time = when.toLocaleTimeString(lang + "-IN", { timeZone: "Asia/Kolkata", hour: "2-digit", minute: "2-digit", hour12: false });
    var day = function (date) { return date.toLocaleDateString("en-CA", { timeZone: "Asia/Kolkata" }); };
    if (day(when) === day(new Date())) { return time; }
    return when.toLocaleDateString(lang + "-IN", { timeZone: "Asia/Kolkata", weekday: "long", day: "numeric", month: "long" }) + " " + time;
  }
  // The server pings every stream every 15 s: one silent for 45 s while open is dead (a network
  // that dropped it without a word, a device that slept), and `onSilent` opens it again.
  function watchStream(stream, onSilent) {
    var heard = Date.now();
    var mark = function () { heard = Date.now(); };
    ["open", "ping", "snapshot", "status"].forEach(function (kind) { stream.addEventListener(kind, mark); });
    var timer = setInterval(function () {
      if (stream.readyState === EventSource.CLOSED) { clearInterval(timer); return; }
      if (stream.readyState === EventSource.OPEN && Date.now() - heard > 45000) {
        clearInterval(timer);
        stream.close();
        onSilent();
      }
    }, 15000);
  }
  return { byID: byID, officeInAddress: officeInAddress, words: words, watchStream: watchStream, element: element, say: say, localName: localName, catalogName: catalogName, opening: opening };
})();
