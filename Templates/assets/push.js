// The token page's "Notify me on this phone" (Web Push). The browser is asked for permission only
// when the citizen taps the button, never on load; the subscription is sent to the server with the
// token's view secret, which is all that may subscribe. The service worker (/sw.js) shows the
// messages and opens this page when one is touched.
(function () {
  "use strict";
  var box = document.getElementById("push");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) { return; }
  var params = new URLSearchParams(location.search);
  var id = params.get("id"), secret = params.get("secret");
  if (!id || !secret) { return; }
  var api = "/api/v1/tokens/" + encodeURIComponent(id) + "/push-subscriptions?secret=" + encodeURIComponent(secret);
  var on = document.getElementById("push-on"), off = document.getElementById("push-off");
  var note = document.getElementById("push-state");
  // Which tokens this browser asked to follow: one browser's endpoint may follow several tokens.
  var remembered = "guvnl-push-" + id;

  function show(subscribed, message) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
    note.textContent = message || (subscribed ? box.getAttribute("data-on") : "");
  }

  function keyBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(base64 + "===".slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function registration() { return navigator.serviceWorker.ready; }

  function subscribe() {
    return fetch("/api/v1/push/key").then(function (answer) {
      if (!answer.ok) { throw new Error("no key"); }
      return answer.json();
    }).then(function (server) {
      return registration().then(function (reg) {
        return reg.pushManager.getSubscription().then(function (existing) {
          return existing || reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(server.publicKey) });
        });
      });
    }).then(function (subscription) {
      return fetch(api, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(subscription.toJSON()) });
    }).then(function (answer) {
      if (answer.status !== 201) { throw new Error("refused"); }
      try { localStorage.setItem(remembered, "1"); } catch (unavailable) { /* shown as on for this visit only */ }
      show(true);
    });
  }

  on.addEventListener("click", function () {
    on.disabled = true;
    Promise.resolve(Notification.requestPermission()).then(function (permission) {
      if (permission !== "granted") { show(false, box.getAttribute("data-denied")); return null; }
      return subscribe();
    }).catch(function () { show(false, box.getAttribute("data-failed")); })
      .then(function () { on.disabled = false; });
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    registration().then(function (reg) { return reg.pushManager.getSubscription(); }).then(function (subscription) {
      if (!subscription) { return null; }
      return fetch(api, { method: "DELETE", headers: { "Content-Type": "application/json" },
                          body: JSON.stringify({ endpoint: subscription.endpoint }) });
    }).then(function () {
      try { localStorage.removeItem(remembered); } catch (unavailable) { /* nothing kept */ }
      show(false);
    }).catch(function () { show(true, box.getAttribute("data-failed")); })
      .then(function () { off.disabled = false; });
  });

  box.hidden = false;
  var following = false;
  try { following = localStorage.getItem(remembered) === "1"; } catch (unavailable) { /* not remembered */ }
  show(following && Notification.permission === "granted");
})();
