// Selko's service worker: keeps the app shell and the last Today page, so a
// phone in a basement with no signal still shows the day.
const SHELL = "selko-shell-v1";
const PAGES = "selko-pages-v1";
const SHELL_FILES = [
  "/static/selko.css",
  "/static/selko.js",
  "/vendor/htmx.min.js",
  "/static/icons/icon-192.png",
];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

// The page that registered the worker was loaded before the worker ran:
// save Today now, so the very first visit already works offline.
function saveToday() {
  return fetch("/", { credentials: "same-origin" })
    .then((response) =>
      caches.open(PAGES).then((cache) =>
        response.ok && !response.redirected ? cache.put("/", response) : cache.delete("/")
      )
    )
    .catch(() => null);
}

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== SHELL && k !== PAGES).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
      .then(saveToday)
  );
});

function isTodayPage(request, url) {
  return request.mode === "navigate" && url.pathname === "/";
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;

  if (isTodayPage(request, url)) {
    // Network first: the day changes. Keep the newest copy for offline use;
    // the page itself says when it was made.
    event.respondWith(
      fetch(request)
        .then((response) => {
          const copy = response.clone();
          caches.open(PAGES).then((cache) =>
            // Signed out (a redirect to the welcome page): forget the saved day.
            response.ok && !response.redirected ? cache.put("/", copy) : cache.delete("/")
          );
          return response;
        })
        .catch(() => caches.match("/", { cacheName: PAGES }).then((cached) => cached || Response.error()))
    );
    return;
  }

  if (SHELL_FILES.includes(url.pathname)) {
    // Answer from the cache at once, and refresh the copy for next time.
    event.respondWith(
      caches.open(SHELL).then((cache) =>
        cache.match(request).then((cached) => {
          const fresh = fetch(request).then((response) => {
            if (response.ok) cache.put(request, response.clone());
            return response;
          });
          return cached || fresh;
        })
      )
    );
  }
});

// Alarms: show each push as a notification, also with the screen locked,
// and tell Selko it was shown, so the coach knows alarms ring on this phone.
self.addEventListener("push", (event) => {
  let data;
  try {
    data = event.data.json();
  } catch (error) {
    data = { title: "Selko", body: event.data ? event.data.text() : "" };
  }
  event.waitUntil(
    Promise.all([
      self.registration.showNotification(data.title || "Selko", {
        body: data.body || "",
        icon: "/static/icons/icon-192.png",
        badge: "/static/icons/icon-192-maskable.png",
        vibrate: [400, 200, 400, 200, 400],
        tag: "selko-" + (data.reminder || "message"),
        renotify: true,
        data: { url: data.url || "/" },
      }),
      fetch("/alarms/shown", { method: "POST", credentials: "same-origin" }).catch(() => null),
    ])
  );
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).pathname === url && "focus" in w);
      return open ? open.focus() : self.clients.openWindow(url);
    })
  );
});
