// Staff requests for the console and the dashboard: cookies carry the session, the CSRF token is
// repeated in a header, and an expired access cookie is renewed once with the refresh cookie.
var StaffSession = (function () {
  "use strict";
  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)gq_csrf=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function send(method, url, body) {
    var headers = { Accept: "application/json" };
    if (method !== "GET") { headers["X-CSRF-Token"] = csrf(); }
    if (body !== undefined) { headers["Content-Type"] = "application/json"; }
    return fetch(url, { method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body) });
  }
  function parse(response) {
    if (response.status === 204) { return Promise.resolve({ status: 204, ok: true, body: null }); }
    return response.json().catch(function () { return {}; }).then(function (body) {
      return { status: response.status, ok: response.ok, body: body };
    });
  }
  function request(method, url, body) {
    return send(method, url, body).then(function (response) {
      if (response.status !== 401 || url.indexOf("/api/v1/auth/") === 0) { return parse(response); }
      return send("POST", "/api/v1/auth/refresh").then(function (refreshed) {
        if (!refreshed.ok) { return parse(response); }
        return send(method, url, body).then(parse);
      });
    });
  }
  function errorText(answer) {
    // In the page's language, by the error's code: never the API's English message.
    return ErrorText.of(answer.body && answer.body.error);
  }
  // The sign-in form (Templates/sign-in.mustache) and sign-out button of a staff page: shows the form
  // until someone signs in, then hands the member of staff to the page.
  function signIn(say, offline, onSignedIn) {
    var form = document.getElementById("sign-in"), out = document.getElementById("sign-out");
    var password = document.getElementById("password");
    function enter(user) {
      form.hidden = true;
      out.hidden = false;
      onSignedIn(user);
    }
    // When many sign in at once (a shift starting) the server may ask to try again in a second:
    // the form does so by itself, twice at most (production nginx lets an address send three
    // sign-ins at once), saying why it waits. One sign-in at a time: the button waits for it, and
    // a retry still pending when the clerk signs in anew is dropped.
    var button = form.querySelector("button[type=submit]"), attempt = 0, retry = null;
    function send(credentials, tries, mine, cleared) {
      request("POST", "/api/v1/auth/login", credentials).then(function (answer) {
        if (mine !== attempt) { return; }
        var busy = answer.status === 503 && answer.body && answer.body.error && answer.body.error.reason === "sign_in_busy";
        // The browser's device cookie was another clerk's (a shared counter PC) or not ours: the
        // server checked no password and removed it, so the same sign-in goes again at once without it.
        if (answer.status === 400 && answer.body && answer.body.error && answer.body.error.code === "device_not_recognised" &&
            !cleared) {
          send(credentials, tries, mine, true);
          return;
        }
        if (!answer.ok) { say(errorText(answer)); }
        if (busy && tries > 1) {
          retry = setTimeout(function () { retry = null; send(credentials, tries - 1, mine, cleared); }, 1000 + Math.random() * 1000);
          return;
        }
        button.disabled = false;
        // A busy answer checked nothing: the password stays for the clerk to send again.
        if (!busy) { password.value = ""; }
        if (!answer.ok) { return; }
        say("");
        enter(answer.body.user);
      }).catch(function () { if (mine === attempt) { button.disabled = false; say(offline); } });
    }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (retry) { clearTimeout(retry); retry = null; }
      attempt += 1;
      button.disabled = true;
      send({ username: document.getElementById("username").value, password: password.value }, 3, attempt);
    });
    out.addEventListener("click", function () {
      request("POST", "/api/v1/auth/logout").then(function () { location.reload(); });
    });
    return request("GET", "/api/v1/auth/me").then(function (answer) {
      if (!answer.ok) { form.hidden = false; document.getElementById("username").focus(); return; }
      enter(answer.body);
    }).catch(function () { say(offline); });
  }

  // The dashboard and the settings: a clerk is shown the way back to the console; an administrator
  // chooses the office. Returns the office to show first, or null for a clerk.
  function managedOffice(who, catalog, onChange) {
    document.getElementById("who").textContent = who.display_name;
    // A clerk is offered only the way back: no link to the other manager page, no office picker.
    if (who.role === "counter_staff") { document.getElementById("not-allowed").hidden = false; return null; }
    Array.prototype.forEach.call(document.querySelectorAll(".bar-link"), function (link) { link.hidden = false; });
    var select = document.getElementById("office");
    if (who.role === "administrator" && catalog) {
      catalog.offices.forEach(function (entry) {
        var option = document.createElement("option");
        option.textContent = PageKit.localName(entry.names);
        option.value = entry.code;
        select.appendChild(option);
      });
      select.hidden = false;
      select.addEventListener("change", function () { onChange(select.value); });
    }
    return who.office_code || select.value;
  }

  return { request: request, errorText: errorText, signIn: signIn, managedOffice: managedOffice };
})();
