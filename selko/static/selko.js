// Selko's small helpers. Each is switched on by a data- attribute and runs
// again on htmx:load, so swapped-in content gets them too. No inline script.
(function () {
  "use strict";

  // The block's text in runs of one language each: the coach's Finnish words
  // on a Swedish page are read with a Finnish voice (their lang attribute).
  function spokenParts(copy, pageLang) {
    var parts = [];
    var walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      var holder = walker.currentNode.parentElement.closest("[lang]");
      var lang = holder ? holder.lang : pageLang;
      var last = parts[parts.length - 1];
      if (last && last.lang === lang) last.text += walker.currentNode.textContent;
      else parts.push({ lang: lang, text: walker.currentNode.textContent });
    }
    return parts
      .map(function (part) { return { lang: part.lang, text: part.text.replace(/\s+/g, " ").trim() }; })
      .filter(function (part) { return part.text; });
  }

  // Read aloud: the browser's own speech, in the page's language.
  function readAloud(root) {
    if (!("speechSynthesis" in window)) return;
    root.querySelectorAll("[data-read-aloud]").forEach(function (button) {
      button.hidden = false;
      if (button.dataset.ready) return;
      button.dataset.ready = "1";
      button.addEventListener("click", function () {
        var block = button.closest("[data-read]") || button.parentElement;
        var copy = block.cloneNode(true);
        copy.querySelectorAll("button, form, [aria-hidden=true], [hidden], [data-listen], audio").forEach(function (el) { el.remove(); });
        window.speechSynthesis.cancel();
        spokenParts(copy, block.closest("[lang]").lang).forEach(function (part) {
          var utterance = new SpeechSynthesisUtterance(part.text);
          utterance.lang = part.lang;
          window.speechSynthesis.speak(utterance);
        });
      });
    });
  }

  // Listen: the coach's recording of a step, played in the page (also
  // offline: the service worker keeps today's recordings).
  function listen(root) {
    root.querySelectorAll("a[data-listen]").forEach(function (link) {
      if (link.dataset.ready) return;
      link.dataset.ready = "1";
      var audio = link.parentElement.querySelector("audio[data-listen-audio]");
      link.addEventListener("click", function (event) {
        event.preventDefault();
        if ("speechSynthesis" in window) window.speechSynthesis.cancel();
        document.querySelectorAll("audio[data-listen-audio]").forEach(function (other) {
          if (other !== audio) other.pause();
        });
        audio.currentTime = 0;
        audio.play().catch(function () { window.location.href = link.href; });
      });
    });
  }

  // A sign-in page submits itself when a person opens it; link previews in
  // chat apps run no script, so they cannot use up the link.
  function autoSubmit(root) {
    root.querySelectorAll("form[data-auto-submit]").forEach(function (form) {
      if (form.dataset.submitted) return;
      form.dataset.submitted = "1";
      form.submit();
    });
  }

  function focusErrors(root) {
    var summary = root.querySelector("[data-focus]");
    if (summary) summary.focus();
  }

  // Offline: say so, and say when the page shown was saved.
  function offlineNotice() {
    var notice = document.querySelector("[data-offline-notice]");
    if (notice) notice.hidden = navigator.onLine;
  }

  // ---- Actions the service worker keeps until the network returns ----

  var worker = navigator.serviceWorker;

  function askWorker(message) {
    return new Promise(function (resolve) {
      if (!worker || !worker.controller) return resolve(null);
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) { resolve(event.data); };
      worker.controller.postMessage(message, [channel.port2]);
    });
  }

  function tellWorker(message) {
    if (worker && worker.controller) worker.controller.postMessage(message);
  }

  // Each press is one action with its own key, so Selko stores it once
  // however often the phone sends it. The page made one for the first press.
  function newKey(form) {
    var key = form.querySelector("input[name=action_key]");
    if (key && window.crypto && crypto.randomUUID) key.value = crypto.randomUUID();
  }

  function newKeys(root) {
    root.querySelectorAll("form").forEach(newKey);
  }

  // Show one of a box's states (check-in, help, how today went).
  function showPart(box, name) {
    var part = box && box.querySelector(":scope > [data-part='" + name + "']");
    if (!part) return null;
    box.querySelectorAll(":scope > [data-part]").forEach(function (p) { p.hidden = p !== part; });
    return part;
  }

  // One step at a time: the page knows every step's tick of its task and
  // the ones done when it was made; a tick kept or sent since counts too.
  function showOneStep(box, action) {
    if (box.dataset.steps.split(" ").indexOf(action.path) < 0) return null;
    var ticked = box.dataset.ticked.split(" ").filter(function (path) { return path && path !== action.path; });
    if (action.fields.done === "1") ticked.push(action.path);
    box.dataset.ticked = ticked.join(" ");
    var total = box.dataset.steps.split(" ").length;
    box.querySelectorAll("[data-when-done]").forEach(function (el) { el.hidden = ticked.indexOf(box.dataset.here) < 0; });
    box.querySelectorAll("[data-steps-done]").forEach(function (el) { el.textContent = ticked.length; });
    box.querySelectorAll("[data-steps-bar]").forEach(function (el) { el.value = ticked.length; });
    box.querySelectorAll("[data-task-ready]").forEach(function (el) { el.hidden = ticked.length !== total; });
    box.querySelectorAll("[data-task-not-ready]").forEach(function (el) { el.hidden = ticked.length === total; });
    return box;
  }

  function showStep(action) {
    var oneStep = document.querySelector("[data-one-step]");
    if (oneStep) return showOneStep(oneStep, action);
    var step = document.querySelector("[data-step='" + action.path + "']");
    if (!step) return null;
    var done = action.fields.done === "1";
    step.classList.toggle("is-done", done);
    step.querySelector("input[name=done]").value = done ? "0" : "1";
    step.querySelector("button").classList.toggle("is-done", done);
    step.querySelector("[data-when-done]").hidden = !done;
    step.querySelector("[data-when-not-done]").hidden = done;
    var steps = step.closest("#steps");
    var count = steps.querySelectorAll(".step.is-done").length;
    steps.querySelector("[data-steps-done]").textContent = count;
    steps.querySelector("[data-steps-bar]").value = count;
    steps.querySelector("[data-task-ready]").hidden = count !== steps.querySelectorAll(".step").length;
    return step;
  }

  // How a kept action shows before Selko has it; each returns what it changed.
  // The check-in block names the state each press leads to (attendance.AFTER_PRESS).
  function showCheckIn(action) {
    var box = document.getElementById("check-in");
    return box && showPart(box, JSON.parse(box.dataset.afterPress)[action.kind]);
  }
  var SHOW_KEPT = {
    arrive: showCheckIn,
    leave: showCheckIn,
    absent: showCheckIn,
    tick: showStep,
    help: function () { return showPart(document.getElementById("help"), "help"); },
    assessment: function () { return showPart(document.getElementById("went"), "assessment"); },
  };

  // A saved page may predate actions sent since: show those too, then the
  // ones still waiting, each with its mark.
  function showKept(status) {
    if (!status) return;
    status.sent.forEach(function (action) { if (SHOW_KEPT[action.kind]) SHOW_KEPT[action.kind](action); });
    document.querySelectorAll("[data-pending]").forEach(function (el) { el.hidden = true; });
    document.querySelectorAll("[data-sent]").forEach(function (el) { el.hidden = false; });
    status.queued.forEach(function (action) {
      var changed = SHOW_KEPT[action.kind] && SHOW_KEPT[action.kind](action);
      if (!changed) return;
      changed.querySelectorAll("[data-pending]").forEach(function (el) { el.hidden = false; });
      changed.querySelectorAll("[data-sent]").forEach(function (el) { el.hidden = true; });
    });
    var refused = document.querySelector("[data-refused]");
    if (!refused) return;
    var kinds = status.refused.map(function (action) { return action.kind; });
    refused.querySelectorAll("[data-refused-kind]").forEach(function (li) {
      li.hidden = kinds.indexOf(li.dataset.refusedKind) < 0;
    });
    refused.hidden = kinds.length === 0;
  }

  // Answers can come back out of order: only the newest is shown.
  var statusAsked = 0;
  function refreshKept() {
    var asked = ++statusAsked;
    return askWorker({ type: "selko-status" }).then(function (status) {
      if (asked === statusAsked) showKept(status);
    });
  }

  // Each press is one action: the key goes with this press, and the form
  // gets a new one for the next (after the form's values were read).
  function newKeyEachPress() {
    document.addEventListener("htmx:beforeRequest", function (event) { newKey(event.target); });
    document.addEventListener("submit", function (event) {
      if (!event.target.hasAttribute("hx-post")) setTimeout(function () { newKey(event.target); }, 0);
    });
    // Back to a page kept in memory: its keys may have been used already.
    window.addEventListener("pageshow", function (event) { if (event.persisted) newKeys(document); });
  }

  function keptActions() {
    if (!worker) return;
    // Kept by the worker: nothing to swap, the page shows it as done.
    document.addEventListener("htmx:beforeSwap", function (event) {
      var xhr = event.detail.xhr;
      if (xhr.status === 202 && xhr.getResponseHeader("Selko-Queued")) {
        event.detail.shouldSwap = false;
        var target = event.detail.target;
        // Help pressed in the bar or at a step: show the client what came of it.
        refreshKept().then(function () { if (target && target.id === "help") target.scrollIntoView(); });
      }
    });
    worker.addEventListener("message", function (event) {
      var data = event.data || {};
      if (data.type === "selko-queue-changed") refreshKept();
      if (data.type === "selko-version") checkVersion(data.version);
    });
    var ok = document.querySelector("[data-refused-ok]");
    if (ok) ok.addEventListener("click", function () { tellWorker({ type: "selko-refused-seen" }); });
    window.addEventListener("online", function () { tellWorker({ type: "selko-replay" }); });
    // The worker may have become this page's controller only now.
    worker.addEventListener("controllerchange", refreshKept);
    tellWorker({ type: "selko-replay" });
    refreshKept();
  }

  // ---- A new version of Selko: reload, but never in the middle of something ----

  var lastTouch = Date.now();
  var requestsInFlight = 0;
  var editing = false;
  var reloadPlanned = false;

  function myVersion() {
    var meta = document.querySelector("meta[name=selko-version]");
    return meta ? meta.content : null;
  }

  function reloadWhenSafe() {
    if (reloadPlanned) return;
    reloadPlanned = true;
    var banner = document.querySelector("[data-alarm-banner]");
    function safe() {
      return requestsInFlight === 0 && !editing && Date.now() - lastTouch > 5000 && !(banner && !banner.hidden);
    }
    function attempt() {
      // Offline the reload would show the same saved page again.
      if (navigator.onLine && (document.hidden || safe())) window.location.reload();
      else setTimeout(attempt, 2000);
    }
    document.addEventListener("visibilitychange", attempt);
    attempt();
  }

  function checkVersion(version) {
    if (version && myVersion() && version !== myVersion()) reloadWhenSafe();
  }

  function watchForVersions() {
    ["pointerdown", "keydown"].forEach(function (name) {
      document.addEventListener(name, function () { lastTouch = Date.now(); }, true);
    });
    // A form being filled in (absence, how today went) is never reloaded away.
    document.addEventListener("input", function (event) {
      if (event.target.form && !event.target.form.hasAttribute("hx-post")) editing = true;
    }, true);
    document.addEventListener("submit", function () { editing = false; });
    document.addEventListener("htmx:beforeRequest", function () { requestsInFlight += 1; });
    document.addEventListener("htmx:afterRequest", function (event) {
      requestsInFlight = Math.max(0, requestsInFlight - 1);
      var xhr = event.detail.xhr;
      var version = xhr && xhr.getResponseHeader("Selko-Version");
      if (version && version !== myVersion()) {
        // The worker updates first, so its saved pages are the new ones too.
        if (worker) worker.getRegistration().then(function (r) { return r && r.update(); }).catch(function () {});
        else reloadWhenSafe();
      }
    });
  }

  // Going home well before the end asks first, in the page and also offline;
  // the question's own form sends the press.
  function leavingEarly() {
    document.addEventListener("htmx:confirm", function (event) {
      var form = event.target;
      if (!form.matches("form[data-early-until]")) return;
      var question = form.parentElement.querySelector("[data-leave-question]");
      // The phone's own clock decides, so a press kept offline is never asked about later.
      if (!question || Date.now() >= Number(form.dataset.earlyUntil)) {
        form.elements.sure.value = "1";
        return;
      }
      event.preventDefault();
      question.hidden = false;
      question.querySelector("button").focus();
    });
    document.addEventListener("click", function (event) {
      var no = event.target.closest("[data-leave-no]");
      if (!no) return;
      event.preventDefault();
      no.closest("[data-leave-question]").hidden = true;
    });
    document.addEventListener("htmx:beforeRequest", function (event) {
      var question = event.target.closest("[data-leave-question]");
      if (question) question.hidden = true;
    });
  }

  // ---- One clock for the page: "a minute passed" ----
  // The parts that change with time (Today's now and next, the help status)
  // listen to selko:minute on the body. Paused while the page is hidden, at
  // once when it shows again; skipped offline, and while the client is in the
  // middle of something in a part that would be redrawn.
  function minuteClock() {
    var timer = null;
    function busy() {
      var active = document.activeElement;
      return editing || requestsInFlight > 0 || (active && active !== document.body && active.closest("[hx-trigger*='selko:minute']"));
    }
    function tick() {
      if (navigator.onLine && !busy()) document.body.dispatchEvent(new Event("selko:minute"));
      plan();
    }
    function plan() {
      clearTimeout(timer);
      if (!document.hidden) timer = setTimeout(tick, 60000 - (Date.now() % 60000) + 100);
    }
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) clearTimeout(timer);
      else tick();
    });
    plan();
  }

  // Passkeys: py_webauthn's options go straight into the browser's parser,
  // and credential.toJSON() goes straight back. No base64 of our own.
  function csrfToken() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.content : "";
  }

  function postForm(url, fields) {
    var body = new FormData();
    Object.keys(fields || {}).forEach(function (key) { body.append(key, fields[key]); });
    return fetch(url, { method: "POST", body: body, headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin" });
  }

  function passkeys(root) {
    var supported = window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON;
    root.querySelectorAll("[data-passkey]").forEach(function (box) {
      var start = box.querySelector("[data-passkey-start]");
      var error = box.querySelector("[data-passkey-error]");
      if (!supported) {
        box.querySelector("[data-passkey-unsupported]").hidden = false;
        return;
      }
      start.hidden = false;
      if (start.dataset.ready) return;
      start.dataset.ready = "1";
      start.addEventListener("click", function () {
        error.hidden = true;
        start.disabled = true;
        postForm(box.dataset.optionsUrl)
          .then(function (response) { return response.json(); })
          .then(function (options) {
            if (box.dataset.passkey === "register") {
              return navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
            }
            return navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
          })
          .then(function (credential) {
            return postForm(box.dataset.verifyUrl, { credential: JSON.stringify(credential.toJSON()) });
          })
          .then(function (response) {
            if (!response.ok) throw new Error("refused");
            return response.json().then(function (answer) { window.location.assign(answer.next); });
          })
          .catch(function () {
            // Refused, cancelled or no passkey on this phone: one plain message.
            error.textContent = box.dataset.failed;
            error.hidden = false;
            start.disabled = false;
          });
      });
    });
  }

  // Signed out: the saved pages, and what was sent from them, must not stay
  // readable on this phone.
  function forgetSavedPages() {
    if (document.querySelector("[data-signed-out]") && "caches" in window) {
      caches.delete("selko-pages-v1");
      caches.delete("selko-state-v1");
    }
  }

  // "Let Selko ring at breaks": notification permission, then a push subscription.
  function alarms(root) {
    root.querySelectorAll("[data-push-subscribe]").forEach(function (box) {
      var start = box.querySelector("[data-push-start]");
      var error = box.querySelector("[data-push-error]");
      if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
        box.querySelector("[data-push-unsupported]").hidden = false;
        return;
      }
      start.hidden = false;
      if (start.dataset.ready) return;
      start.dataset.ready = "1";
      start.addEventListener("click", function () {
        error.hidden = true;
        Notification.requestPermission()
          .then(function (permission) {
            if (permission !== "granted") throw new Error("no permission");
            return navigator.serviceWorker.ready;
          })
          .then(function (registration) {
            return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: box.dataset.key });
          })
          .then(function (subscription) {
            return fetch(box.dataset.url, {
              method: "POST",
              credentials: "same-origin",
              headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
              body: JSON.stringify(subscription.toJSON()),
            });
          })
          .then(function (response) {
            if (!response.ok) throw new Error("refused");
            window.location.reload();
          })
          .catch(function () { error.hidden = false; });
      });
    });
  }

  // Alarms in the open page, where this phone cannot ring by push:
  // a large banner, vibration and a sound at each of today's times.
  function inPageAlarms() {
    var banner = document.querySelector("[data-alarm-banner]");
    if (!banner) return;
    var pending = JSON.parse(banner.dataset.alarms);
    banner.querySelector("[data-alarm-dismiss]").addEventListener("click", function () { banner.hidden = true; });
    function ring(alarm) {
      banner.querySelector("[data-alarm-title]").textContent = alarm.title;
      banner.querySelector("[data-alarm-body]").textContent = alarm.body;
      banner.hidden = false;
      banner.scrollIntoView();
      if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
      beep();
    }
    // Checked often rather than timed once: a phone asleep delays timers.
    function check() {
      var now = Date.now();
      var due = pending.filter(function (alarm) { return alarm.at <= now; });
      pending = pending.filter(function (alarm) { return alarm.at > now; });
      // Only alarms of the last five minutes: an old one helps nobody.
      due.filter(function (alarm) { return now - alarm.at < 300000; }).slice(-1).forEach(ring);
    }
    check();
    setInterval(check, 5000);
  }

  function beep() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return;
    try {
      var audio = new Context();
      [0, 0.6, 1.2].forEach(function (start) {
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.frequency.value = 880;
        gain.gain.value = 0.3;
        tone.connect(gain).connect(audio.destination);
        tone.start(audio.currentTime + start);
        tone.stop(audio.currentTime + start + 0.4);
      });
    } catch (error) {
      // No sound allowed before a tap: the banner and vibration still show.
    }
  }

  // Tell Selko when the browser's notification permission changed.
  function reportPermission() {
    var body = document.body;
    if (!("Notification" in window) || !body.dataset.permissionUrl) return;
    if (Notification.permission === body.dataset.permissionKnown) return;
    // Offline the report waits: the next page that loads online sends it.
    postForm(body.dataset.permissionUrl, { permission: Notification.permission }).catch(function () {});
  }

  // Sending a share link: the phone's own share sheet, or copy. Each button
  // carries its link; a page that only shows a link (the coach's) has none.
  function shareLink(root) {
    root.querySelectorAll("[data-share-button]").forEach(function (send) {
      if (!navigator.share || send.dataset.ready) return;
      send.dataset.ready = "1";
      send.hidden = false;
      send.addEventListener("click", function () {
        navigator.share({ title: send.dataset.title, url: send.dataset.shareButton }).catch(function () {});
      });
    });
    root.querySelectorAll("[data-copy-button]").forEach(function (copy) {
      if (!navigator.clipboard || copy.dataset.ready) return;
      copy.dataset.ready = "1";
      copy.hidden = false;
      copy.addEventListener("click", function () {
        navigator.clipboard.writeText(copy.dataset.copyButton).then(function () {
          copy.closest("section").querySelector("[data-copy-status]").textContent = copy.dataset.copied;
        });
      });
    });
  }

  // The task form's picture search: Enter searches at once and does not save
  // the task. (Without JavaScript the form's first button is "Search".)
  function pictureSearch(root) {
    root.querySelectorAll("input[data-picture-search]").forEach(function (input) {
      if (input.dataset.ready) return;
      input.dataset.ready = "1";
      input.addEventListener("keydown", function (event) {
        if (event.key !== "Enter") return;
        event.preventDefault();
        input.dispatchEvent(new Event("search"));
      });
    });
  }

  // A photo's form on the coach's task page: a file over the limit is refused
  // here, before it is sent over a phone's network; the server's refusal
  // (400, with its reason in the block) replaces the block like an answer does.
  function photoForms() {
    document.addEventListener("htmx:beforeRequest", function (event) {
      var form = event.detail.elt;
      if (!form.matches || !form.matches("form[data-photo-form]")) return;
      var limit = Number(form.dataset.maxBytes);
      var tooBig = Array.prototype.some.call(form.querySelectorAll("input[type=file]"), function (input) {
        return Array.prototype.some.call(input.files || [], function (file) { return file.size > limit; });
      });
      form.querySelector("[data-too-big]").hidden = !tooBig;
      if (tooBig) event.preventDefault();
    });
    document.addEventListener("htmx:beforeSwap", function (event) {
      var target = event.detail.target;
      if (event.detail.xhr.status === 400 && target && target.hasAttribute("data-photo-block")) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
  }

  function activate(root) {
    pictureSearch(root);
    shareLink(root);
    alarms(root);
    passkeys(root);
    readAloud(root);
    listen(root);
    autoSubmit(root);
    focusErrors(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    activate(document);
    newKeys(document);
    newKeyEachPress();
    watchForVersions();
    minuteClock();
    leavingEarly();
    keptActions();
    inPageAlarms();
    reportPermission();
    offlineNotice();
    forgetSavedPages();
    photoForms();
    window.addEventListener("online", offlineNotice);
    window.addEventListener("offline", offlineNotice);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" });
    }
  });
  document.addEventListener("htmx:load", function (event) {
    activate(event.target);
    // A part redrawn by the minute clock shows again what the phone still keeps.
    if (worker && event.target.querySelector && event.target.querySelector("[data-part]")) refreshKept();
  });
})();
