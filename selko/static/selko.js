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

  function activate(root) {
    readAloud(root);
    autoSubmit(root);
    focusErrors(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    activate(document);
    offlineNotice();
    window.addEventListener("online", offlineNotice);
    window.addEventListener("offline", offlineNotice);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/sw.js", { scope: "/" });
    }
  });
  document.addEventListener("htmx:load", function (event) { activate(event.target); });
})();
