// GUVNL Queue service worker.
// - The shell (home and booking pages in three languages, styles, scripts, icons) is cached on install.
// - Pages are fetched from the network first; what was visited is kept and shown when offline.
// - A citizen's token page is kept too (and again each time its script updates it in place) and,
//   offline, shown with the time it was last updated.
// - Live /api/ answers are never cached or served from a cache.
"use strict";
const CACHE = "guvnl-queue-v1";
const SHELL = ["/", "/gu/", "/hi/", "/book/", "/gu/book/", "/hi/book/", "/find/", "/gu/find/", "/hi/find/",
               "/assets/site.css", "/assets/token.js", "/assets/register.js", "/assets/manifest.webmanifest",
               "/assets/icon-192.png"];
// (Not the page icon: pages link its fingerprinted copy, cached for a year; fetching the plain one
// here as well made every first visit fetch it twice.)
const OFFLINE_NOTE = {
  en: "You are offline. This is your token as it was at {time}; it updates when you are back online.",
  gu: "તમે ઓફલાઇન છો. આ તમારું ટોકન {time} વાગ્યે જેવું હતું તેવું છે; ઓનલાઇન થતાં તે તાજું થશે.",
  hi: "आप ऑफ़लाइन हैं। यह आपका टोकन {time} बजे जैसा था वैसा है; ऑनलाइन होते ही यह ताज़ा होगा।",
};

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname.startsWith("/api/")) { return; }  // live answers: always the network
  event.respondWith(networkFirst(request, url));
});

async function networkFirst(request, url) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) {
      // Remember when it was fetched, to tell the citizen how old an offline copy is.
      const headers = new Headers(response.headers);
      headers.set("X-Fetched-At", new Date().toISOString());
      const copy = new Response(await response.clone().blob(), { status: response.status, headers });
      await cache.put(request, copy);
    }
    return response;
  } catch (offline) {
    const cached = await cache.match(request, { ignoreVary: true });
    if (!cached) { throw offline; }
    if (url.pathname !== "/token/") { return cached; }
    return withOfflineNote(cached);
  }
}

async function withOfflineNote(cached) {
  const html = await cached.text();
  const lang = (html.match(/<html lang="(\w+)"/) || [])[1] || "en";
  const fetchedAt = new Date(cached.headers.get("X-Fetched-At") || Date.now());
  const time = fetchedAt.toLocaleTimeString(lang === "en" ? "en-IN" : lang + "-IN", { hour: "2-digit", minute: "2-digit" });
  const note = '<p class="notice offline" role="status">' + (OFFLINE_NOTE[lang] || OFFLINE_NOTE.en).replace("{time}", time) + "</p>";
  // Without JavaScript the page would refresh itself: an offline copy stays still. With it, the
  // token's script sees the copy marked as one and reloads the page once its stream opens again.
  // (the main element's other attributes may change: the note goes in after whatever it has)
  const page = html.replace(/<main id="main" class="token-page"[^>]*>/, (main) => main + note)
    .replace(/<noscript><meta http-equiv="refresh"[^<]*<\/noscript>/, "")
    .replace("<body", "<body data-offline");
  return new Response(page, { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

// A token page updated in place (token.js) hands over its new state, kept as its offline copy.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.kind !== "token-page" || typeof data.html !== "string" || typeof data.url !== "string") { return; }
  const url = new URL(data.url, self.location.origin);
  if (url.origin !== self.location.origin || url.pathname !== "/token/") { return; }
  const headers = { "Content-Type": "text/html; charset=utf-8", "X-Fetched-At": new Date().toISOString() };
  event.waitUntil(caches.open(CACHE).then((cache) => cache.put(url.href, new Response(data.html, { headers }))));
});

// Web Push (the token page's "Notify me on this phone"): the server's message, decrypted by the
// browser, is {title, body, tag, url, token}. One tag per token, so a newer message replaces the
// older one instead of piling up.
self.addEventListener("push", (event) => {
  let message = {};
  try { message = event.data ? event.data.json() : {}; } catch (notJSON) { message = { body: event.data ? event.data.text() : "" }; }
  event.waitUntil(self.registration.showNotification(message.title || "GUVNL", {
    body: message.body || "",
    tag: message.tag || "guvnl",
    renotify: true,
    // A buzz with each message (a call, a turn near): the citizen may be out of the hall, the
    // phone in a pocket. Unlike the token page's own, a notification's needs no touch first.
    vibrate: [400, 150, 400],
    icon: "/assets/icon-192.png",
    lang: message.lang,
    data: { url: message.url || "/find/", token: message.token ? String(message.token) : null },
  }));
});

// Touching the notification opens the token's page: a tab already showing it is focused;
// otherwise the page's full address (with its view secret, which the server never sends in a
// push) is the one this phone visited, kept in this worker's cache.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openTokenPage(event.notification.data || {}));
});

async function openTokenPage(data) {
  const isTheToken = (address) => {
    const url = new URL(address, self.location.origin);
    return url.pathname === "/token/" && data.token !== null && url.searchParams.get("id") === data.token;
  };
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((client) => isTheToken(client.url));
  if (open) { return open.focus(); }
  const cache = await caches.open(CACHE);
  const visited = (await cache.keys()).find((request) => isTheToken(request.url));
  return self.clients.openWindow(visited ? visited.url : "/find/");
}
