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
  var state = document.body.getAttribute("data-state");
  var first = true;
  var source = new EventSource("/api/v1/tokens/" + encodeURIComponent(id) + "/events?secret=" + encodeURIComponent(secret));
  source.addEventListener("status", function (event) {
    var view = JSON.parse(event.data);
    // The first message is the token as the stream opened: what the page shows, unless the token
    // changed in between (a citizen called while their page was still opening its stream).
    if (first) {
      first = false;
      if (view.state === state) { return; }
    }
    if (view.state === "called" && state !== "called" && navigator.vibrate) { navigator.vibrate([400, 150, 400]); }
    location.reload();
  });
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
