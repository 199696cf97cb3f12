// Selko's service worker. It keeps today's pages, so a phone in a basement
// with no signal still shows the day, and it keeps the client's actions
// (check-in, a step done, "I need help"...) until they reach Selko.
//
// The server writes self.SELKO on the line above this one: this version,
// the client actions' addresses, and the sign-in page's address.
importScripts(...self.SELKO.imports);

const VERSION = self.SELKO.version;
const SHELL = "selko-shell-" + VERSION;
// Pages and the list of refused actions outlive a new version: offline
// Today must keep working across a deploy.
const PAGES = "selko-pages-v1";
const STATE = "selko-state-v1";
// The pictures on saved pages (OpenMoji's, pictures.py). Their addresses
// name the picture set's version, so a saved picture never changes.
const PICTURES = "selko-pictures-v1";
const PICTURE_ADDRESS = /\/pictures\/[^"'\s<>]+\.svg/g;
// Today's photos and recordings (GET /offline-media lists them, within a budget).
const MEDIA = "selko-media-v1";
// Actions refused on replay, kept until the client has been told; and actions
// sent since the day was last saved, shown on a saved page that predates them.
const REFUSED = "/selko-state/refused";
const SENT = "/selko-state/sent";
// The page's own files, by addresses that change with their content.
const SHELL_FILES = self.SELKO.shell;
const SHELL_PATHS = SHELL_FILES.map((address) => new URL(address, self.location.origin).pathname);
const ACTIONS = self.SELKO.actions.map((action) => ({ kind: action.kind, path: new RegExp(action.path) }));

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => ![SHELL, PAGES, STATE, PICTURES, MEDIA].includes(k)).map((k) => caches.delete(k))))
      .then(() => forgetOtherPictures())
      .then(() => self.clients.claim())
      .then(() => tellPages({ type: "selko-version", version: VERSION }))
      // The page that registered the worker was loaded before the worker
      // ran: save Today now, so the very first visit already works offline.
      .then(() => saveToday())
      // Not waited for: pages wait for activation, and a replay may wait long.
      .then(() => { replaySoon(); })
  );
});

function tellPages(message) {
  return self.clients.matchAll({ type: "window" }).then((windows) => windows.forEach((w) => w.postMessage(message)));
}

// ---- Today's pages, for offline use ---------------------------------------

// Today names the other pages of the day (tasks, each task, absence, how
// today went); they are saved with it, and pages of other days are dropped.
// Resolves true when the whole day is saved.
// Saves overlap (the worker starting, page loads, replays). An answer that
// arrives late must not undo a newer one: a signed-out answer to a fetch
// made before signing in would forget the day just saved.
let newestSave = 0; // when the fetch of the newest save applied began
async function savePages(response, started) {
  if (started < newestSave) return false;
  newestSave = started;
  const cache = await caches.open(PAGES);
  if (!response.ok || response.redirected) {
    // Signed out (a redirect to the welcome page): forget the saved day.
    await Promise.all((await cache.keys()).map((k) => cache.delete(k)));
    await caches.delete(MEDIA);
    return false;
  }
  const others = (response.headers.get("Selko-Offline-Pages") || "").split(" ").filter(Boolean);
  const wanted = new Set(["/", ...others].map((path) => new URL(path, self.location.origin).href));
  await cache.put("/", response.clone());
  await Promise.all((await cache.keys()).filter((k) => !wanted.has(k.url)).map((k) => cache.delete(k)));
  // The pages first, their pictures after: a page is worth more offline.
  const withPictures = [response.clone()];
  const saved = await Promise.all(others.map((path) =>
    fetch(path, { credentials: "same-origin" })
      .then((page) => (page.ok && !page.redirected
        ? cache.put(path, page.clone()).then(() => withPictures.push(page)).then(() => true) : false))
      .catch(() => false)
  ));
  await Promise.all(withPictures.map(savePictures));
  await saveMedia(started);
  return saved.every(Boolean);
}

// Today's photos and recordings, one after another in the order the client
// meets them; other days' files are dropped. A file's name changes with its
// content, so one already kept is never fetched again.
async function saveMedia(started) {
  try {
    const answer = await fetch("/offline-media", { credentials: "same-origin" });
    if (!answer.ok || answer.redirected || started < newestSave) return false;
    const paths = (await answer.json()).media;
    const wanted = new Set(paths.map((path) => new URL(path, self.location.origin).href));
    const cache = await caches.open(MEDIA);
    await Promise.all((await cache.keys()).filter((k) => !wanted.has(k.url)).map((k) => cache.delete(k)));
    let all = true;
    for (const path of paths) {
      if (await cache.match(path)) continue;
      const file = await fetch(path, { credentials: "same-origin" }).catch(() => null);
      if (file && file.status === 200 && !file.redirected) await cache.put(path, file);
      else all = false;
    }
    return all;
  } catch (error) {
    return false; // no network: what is kept stays
  }
}

// A kept file answers at once, also a part of it (an <audio> asks for
// ranges, Safari always); anything else comes from the network.
async function mediaFile(request) {
  const kept = await caches.match(request.url, { cacheName: MEDIA });
  if (!kept) return fetch(request);
  if (request.headers.has("range")) return workbox.rangeRequests.createPartialResponse(request, kept);
  return kept;
}

async function saveToday() {
  const started = Date.now();
  try {
    if (await savePages(await fetch("/", { credentials: "same-origin" }), started)) await forgetSentBefore(started);
  } catch (error) {
    // No network: the saved day stays as it was.
  }
}

// After an action has reached Selko, save the day again (once for a burst).
let saveTimer = null;
function saveSoon() {
  clearTimeout(saveTimer);
  saveTimer = setTimeout(saveToday, 1000);
}

// Network first: the day changes. Offline, the saved copy; the page itself
// says when it was made.
function page(event) {
  const url = new URL(event.request.url);
  const started = Date.now();
  const fromNetwork = fetch(event.request).then((response) => {
    if (url.pathname === "/") {
      event.waitUntil(savePages(response.clone(), started).then((saved) => (saved ? forgetSentBefore(started) : null)));
    } else {
      const copy = response.clone();
      event.waitUntil(caches.open(PAGES).then((cache) =>
        cache.match(url.pathname).then((saved) => (saved && response.ok && !response.redirected ? cache.put(url.pathname, copy) : null))
      ));
    }
    return response;
  });
  return fromNetwork.catch(() =>
    caches.match(url.pathname, { cacheName: PAGES }).then((saved) => saved || Response.error())
  );
}

// The pictures a saved page shows, saved with it. A picture that cannot be
// fetched now is left out: the page itself is saved all the same.
async function savePictures(page) {
  try {
    const addresses = [...new Set((await page.text()).match(PICTURE_ADDRESS) || [])];
    const cache = await caches.open(PICTURES);
    await Promise.all(addresses.map((path) =>
      cache.match(path).then((saved) => saved || fetch(path).then((picture) => (picture.ok ? cache.put(path, picture) : null)))
        .catch(() => null)
    ));
  } catch (error) {
    // No network: the saved pictures stay as they were.
  }
}

// Pictures of an older picture set are never shown again.
async function forgetOtherPictures() {
  const cache = await caches.open(PICTURES);
  const keys = await cache.keys();
  await Promise.all(keys.filter((k) => !new URL(k.url).pathname.startsWith(self.SELKO.pictures)).map((k) => cache.delete(k)));
}

// A saved picture at once (offline too); any other from the network, which
// the browser's own cache keeps for a year.
function picture(request) {
  return caches.open(PICTURES).then((cache) => cache.match(request).then((saved) => saved || fetch(request)));
}

// An address's bytes never change: the saved copy at once. A page saved
// before a deploy names older addresses: the network, or offline this
// version's copy of the same file.
function shellFile(request) {
  return caches.open(SHELL).then((cache) =>
    cache.match(request).then((saved) => saved ||
      fetch(request).catch(() => cache.match(request, { ignoreSearch: true }).then((same) => same || Response.error())))
  );
}

// ---- The client's actions: sent now, or kept until the network returns ----

const queue = new workbox.backgroundSync.Queue("selko-actions", {
  maxRetentionTime: 7 * 24 * 60, // minutes; Selko accepts a week-old action
  // Browsers without Background Sync (Safari, Firefox) call this when the
  // worker starts; Chromium calls it when the network returns.
  onSync: () => Promise.resolve().then(replay),
});

function actionKind(url) {
  const action = ACTIONS.find((a) => a.path.test(url.pathname));
  return action ? action.kind : null;
}

// Accepted at once: an htmx press gets 202 and the page shows it done with a
// small mark; a form sent as a page goes back to Today, which shows it the same
// way, or to the saved page the form names (one step at a time: the next step).
function keptAnswer(request, fields) {
  if (request.mode === "navigate") return Response.redirect(nextPage(fields.next), 303);
  return new Response("", { status: 202, headers: { "Selko-Queued": "1" } });
}

function nextPage(path) {
  const next = new URL(path || "/", self.location.origin);
  return next.origin === self.location.origin ? next.href : "/";
}

async function describe(kind, request, at) {
  return {
    kind,
    path: new URL(request.url).pathname,
    fields: Object.fromEntries(new URLSearchParams(await request.clone().text())),
    at,
  };
}

async function sendOrKeep(request, kind) {
  const copy = request.clone();
  const pressed = Date.now();
  const fields = Object.fromEntries(new URLSearchParams(await request.clone().text()));
  // Something is waiting already: this action goes after it, in order.
  if (!replaying && (await queue.size()) === 0) {
    try {
      const response = await fetch(request);
      if (response.status < 400) await noteSent(await describe(kind, copy, pressed));
      if (response.status < 500) return response;
    } catch (error) {
      // No network: keep it.
    }
  }
  await queue.pushRequest({ request: copy, timestamp: pressed, metadata: { kind } });
  await tellPages({ type: "selko-queue-changed" });
  replaySoon();
  return keptAnswer(request, fields);
}

let replaying = null;
let retryDelay = 0;
let retryTimer = null;

function replay() {
  if (!replaying) replaying = replayAll().finally(() => { replaying = null; });
  return replaying;
}

// One more pass after the current one, for an action kept while it ended.
function replaySoon() {
  return replay().catch(() => null).then(() => queue.size()).then((left) => (left ? replay() : null)).catch(() => null);
}

// Not sent (no network, or the server failed): try again later, waiting
// longer each time, up to five minutes. Background Sync, the `online` event
// and the next page load try sooner. (`online` can come a moment before the
// network works, so the first tries come soon.)
function retryLater() {
  retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, 300000);
  clearTimeout(retryTimer);
  retryTimer = setTimeout(replaySoon, retryDelay);
}

async function replayAll() {
  for (;;) {
    // Read the first without removing it: a worker stopped mid-send keeps
    // the action, and the server's action key makes a second send harmless.
    const [entry] = await queue.getAll();
    if (!entry) break;
    const action = await describe(entry.metadata && entry.metadata.kind, entry.request, entry.timestamp);
    const headers = new Headers(entry.request.headers);
    headers.set("Selko-Action-Age", String(Math.max(0, Date.now() - entry.timestamp)));
    let response;
    try {
      response = await fetch(new Request(entry.request, { headers }));
    } catch (error) {
      retryLater();
      throw error;
    }
    if (response.status >= 500) {
      retryLater();
      throw new Error("Selko answered " + response.status);
    }
    await queue.shiftRequest();
    const signedOut = response.redirected && new URL(response.url).pathname === self.SELKO.signedOut;
    if (response.status >= 400 || signedOut) await addTo(REFUSED, action);
    else await noteSent(action);
    await tellPages({ type: "selko-queue-changed" });
  }
  retryDelay = 0;
}

// Small lists kept in the Cache API, which outlives the worker.
function list(name) {
  return caches.open(STATE)
    .then((cache) => cache.match(name))
    .then((saved) => (saved ? saved.json() : []));
}

function putList(name, items) {
  return caches.open(STATE).then((cache) => cache.put(name, new Response(JSON.stringify(items))));
}

// One change at a time: sends run side by side, and a read-then-write
// would lose an item.
let listsFree = Promise.resolve();
function changeList(name, change) {
  const done = listsFree.then(() => list(name)).then((items) => putList(name, change(items)));
  listsFree = done.catch(() => null);
  return done;
}

function addTo(name, item) {
  return changeList(name, (items) => items.concat([item]));
}

function noteSent(action) {
  return addTo(SENT, Object.assign({}, action, { sentAt: Date.now() })).then(saveSoon);
}

function forgetSentBefore(time) {
  return changeList(SENT, (items) => items.filter((item) => item.sentAt >= time));
}

async function status() {
  const entries = await queue.getAll();
  const queued = await Promise.all(entries.map((entry) =>
    describe(entry.metadata && entry.metadata.kind, entry.request, entry.timestamp)
  ));
  return { type: "selko-status", version: VERSION, queued, sent: await list(SENT), refused: await list(REFUSED) };
}

// The page asks what is still waiting (to show it), asks to send now (page
// load, `online`), and says the client has seen the refused ones.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  const answer = event.ports && event.ports[0];
  if (data.type === "selko-status" && answer) {
    event.waitUntil(status().then((s) => answer.postMessage(s)));
  } else if (data.type === "selko-replay") {
    event.waitUntil(replaySoon());
  } else if (data.type === "selko-refused-seen") {
    event.waitUntil(changeList(REFUSED, () => []).then(() => tellPages({ type: "selko-queue-changed" })));
  }
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST") {
    const kind = actionKind(url);
    if (kind) event.respondWith(sendOrKeep(request, kind));
    return;
  }
  if (request.method !== "GET") return;
  if (request.mode === "navigate") event.respondWith(page(event));
  else if (url.pathname.startsWith("/pictures/")) event.respondWith(picture(request));
  else if (SHELL_PATHS.includes(url.pathname)) event.respondWith(shellFile(request));
  else if (url.pathname.startsWith("/media/")) event.respondWith(mediaFile(request));
});

// ---- Alarms ---------------------------------------------------------------

// Show each push as a notification, also with the screen locked, and tell
// Selko it was shown, so the coach knows alarms ring on this phone.
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
      // Which message rang: the coach sees it per message.
      fetch("/alarms/shown?reminder=" + encodeURIComponent(data.reminder || ""), { method: "POST", credentials: "same-origin" }).catch(() => null),
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
