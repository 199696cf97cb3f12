// Selko's small helpers. Each is switched on by a data- attribute and runs
// again on htmx:load, so swapped-in content gets them too. No inline script.
(function () {
  "use strict";

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
        copy.querySelectorAll("button, form, [aria-hidden=true], [hidden]").forEach(function (el) { el.remove(); });
        var utterance = new SpeechSynthesisUtterance(copy.textContent.replace(/\s+/g, " ").trim());
        utterance.lang = document.documentElement.lang;
        window.speechSynthesis.cancel();
        window.speechSynthesis.speak(utterance);
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

  // Signed out: the saved Today page must not stay readable on this phone.
  function forgetSavedPages() {
    if (document.querySelector("[data-signed-out]") && "caches" in window) {
      caches.delete("selko-pages-v1");
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

  function activate(root) {
    shareLink(root);
    alarms(root);
    passkeys(root);
    readAloud(root);
    autoSubmit(root);
    focusErrors(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    activate(document);
    inPageAlarms();
    reportPermission();
    offlineNotice();
    forgetSavedPages();
    window.addEventListener("online", offlineNotice);
    window.addEventListener("offline", offlineNotice);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" });
    }
  });
  document.addEventListener("htmx:load", function (event) { activate(event.target); });
})();
