// The token page, live: the server renders the page (in the citizen's language); this script only
// listens to the token's event stream and reloads the page when something changed. Without
// JavaScript, a <noscript> refresh does the same every 30 seconds.
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
  var source = new EventSource("/api/v1/tokens/" + encodeURIComponent(id) + "/events?secret=" + encodeURIComponent(secret));
  source.addEventListener("status", function (event) {
    var view = JSON.parse(event.data);
    // The first message is the token as the stream opened: what the page shows, unless the token
    // changed in between (a citizen called while their page was still opening its stream, or the
    // queue moved). Such a catch-up reload happens at most once in ten seconds, so that a page and a
    // stream that disagree can never reload each other without end.
    if (first) {
      first = false;
      if (!offlineCopy) {
        if (shows(view)) { return; }
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
    location.reload();
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
