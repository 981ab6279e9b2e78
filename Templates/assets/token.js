// The token page, live: the server renders the page (in the citizen's language); this script
// listens to the token's event stream. While the token keeps waiting, it writes the new place and
// wait into the page (a call anywhere in the office moves everyone, and a reload for each would
// cost the server a page and a new stream per waiting citizen, and the page the citizen's touch
// that lets it buzz); when the token's state changes, it reloads the page. Without JavaScript, a
// <noscript> refresh does the same every 30 seconds.
(function () {
  "use strict";
  // A token page after booking: the next booking from this tab is a new one (see booking.js).
  try { sessionStorage.removeItem("guvnl-booking-key"); } catch (unavailable) { /* nothing kept */ }
  var params = new URLSearchParams(location.search);
  var id = params.get("id"), secret = params.get("secret");
  if (!id || !secret || !window.EventSource) { return; }
  var body = document.body;
  var state = body.getAttribute("data-state");
  // What the page shows, as the stream's statuses say it.
  var shows = function (view) {
    return view.state === state && String(view.counter == null ? "" : view.counter) === (body.getAttribute("data-counter") || "")
      && String(view.position ? view.position.ahead : "") === (body.getAttribute("data-ahead") || "");
  };
  // The service worker's copy of the page, shown offline: once the stream opens, the network is back.
  var offlineCopy = body.hasAttribute("data-offline");
  var first = true;
  // The place and wait in words come in the page's language (the citizen may have switched it).
  var source = new EventSource("/api/v1/tokens/" + encodeURIComponent(id) + "/events?secret=" + encodeURIComponent(secret)
    + "&lang=" + encodeURIComponent(document.documentElement.lang || "en"));
  var box = document.querySelector(".token-state");
  var element = function (tag, className, text) {
    var made = document.createElement(tag);
    if (className) { made.className = className; }
    if (text != null) { made.textContent = text; }
    return made;
  };
  // A waiting token's place and wait, as the server renders them (TokenPage.waitingState: keep
  // the two alike); false when the page cannot show this status without a reload (an offline
  // copy is always read afresh once its stream opens: the network is back).
  var showWaiting = function (view) {
    var position = view.position, words = box && box.dataset;
    if (offlineCopy || view.state !== "waiting" || state !== "waiting" || !position || !words || words.estimate == null) { return false; }
    var ahead = element("p", "ahead"), line;
    ahead.appendChild(element("strong", null, position.ahead_text));
    if (position.reached_today === false) {
      line = element("p", "unlikely");
      line.setAttribute("role", "status");
      line.appendChild(element("strong", null, words.unlikely));
    } else if (position.open_counters > 0 && position.wait_text) {
      line = element("p");
      line.appendChild(element("span", "label", words.estimate));
      line.appendChild(document.createTextNode(" "));
      line.appendChild(element("strong", null, position.wait_text));
      if (position.likely_counter != null) {
        line.appendChild(document.createTextNode(" "));
        line.appendChild(element("span", "likely", "(" + words.likely.replace("{n}", String(position.likely_counter)) + ")"));
      }
    } else {
      line = element("p", null, words.noCounter);
    }
    // Only what changed is written (and handed to the offline copy): most first statuses change nothing.
    var shown = Array.prototype.map.call(box.querySelectorAll("p"), function (p) { return p.textContent; });
    if (shown.join("\n") !== [ahead.textContent, line.textContent].join("\n")) {
      box.replaceChildren(ahead, line);
      body.setAttribute("data-ahead", String(position.ahead));
      keepOfflineCopy();
    }
    return true;
  };
  // The service worker keeps the page to show offline (sw.js): given the page as it now stands, its
  // copy is as fresh as what the citizen last saw, without the server rendering it again.
  var keepOfflineCopy = function () {
    var worker = navigator.serviceWorker && navigator.serviceWorker.controller;
    if (worker) { worker.postMessage({ kind: "token-page", url: location.href, html: "<!DOCTYPE html>\n" + document.documentElement.outerHTML }); }
  };
  source.addEventListener("status", function (event) {
    var view = JSON.parse(event.data);
    // The first message is the token as the stream opened: what the page shows, unless the token
    // changed in between (a citizen called while their page was still opening its stream). Such a
    // catch-up reload happens at most once in ten seconds, so that a page and a stream that
    // disagree can never reload each other without end.
    if (first) {
      first = false;
      if (!offlineCopy) {
        if (showWaiting(view) || shows(view)) { return; }
        var key = "guvnl-token-caught-up", now = Date.now(), last = 0;
        try { last = Number(sessionStorage.getItem(key)) || 0; sessionStorage.setItem(key, String(now)); } catch (unavailable) { /* no guard kept */ }
        if (now - last < 10000) { return; }
      }
    }
    // Called: the phone buzzes (where the citizen has touched the page: browsers allow it only
    // then), and the page reloads once the buzz is over, since leaving the page would cut it short.
    if (view.state === "called" && state !== "called" && navigator.vibrate && navigator.vibrate([400, 150, 400])) {
      setTimeout(function () { location.reload(); }, 1000);
      return;
    }
    if (!showWaiting(view)) { location.reload(); }
  });
  // The server pings every stream every 15 s: one silent for 45 s while open is dead (a network
  // that dropped it without a word, a phone that slept): the page is read afresh.
  var heard = Date.now();
  ["open", "ping", "status"].forEach(function (kind) { source.addEventListener(kind, function () { heard = Date.now(); }); });
  setInterval(function () {
    if (source.readyState === EventSource.OPEN && Date.now() - heard > 45000) { source.close(); location.reload(); }
  }, 15000);
  var failures = 0;
  source.addEventListener("error", function () {
    // The browser reconnects by itself after a dropped connection; if it keeps failing, or the
    // server refused the stream (too many open: the browser then gives up), refresh the page instead,
    // at a moment of its own so that a hall of phones does not come back at once.
    failures += 1;
    if (failures >= 5 || source.readyState === EventSource.CLOSED) {
      source.close();
      setTimeout(function () { location.reload(); }, 30000 + Math.random() * 30000);
    }
  });
  source.addEventListener("open", function () { failures = 0; });
})();
