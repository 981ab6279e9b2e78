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
    return (answer.body && answer.body.error && answer.body.error.message) || ("HTTP " + answer.status);
  }
  return { request: request, errorText: errorText };
})();
