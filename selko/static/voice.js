// The coach records a step's voice in the page: Record, Stop, Listen, Redo,
// then Save sends it with the form as if it were a chosen file. Where the
// browser has no MediaRecorder the form keeps its file input, and without
// JavaScript the form works the same way. Only on the task edit page, where
// the Permissions-Policy lets Selko use the microphone.
(function () {
  "use strict";

  // Chromium and Firefox record Opus in WebM; Safari records AAC in MP4.
  var TYPES = ["audio/webm;codecs=opus", "audio/webm", "audio/ogg;codecs=opus", "audio/mp4;codecs=mp4a.40.2", "audio/mp4"];
  var EXTENSIONS = { "audio/webm": "webm", "audio/ogg": "ogg", "audio/mp4": "m4a" };
  var MAX_MS = 60000; // Selko keeps at most 60 seconds

  function supportedType() {
    for (var i = 0; i < TYPES.length; i++) {
      if (MediaRecorder.isTypeSupported(TYPES[i])) return TYPES[i];
    }
    return "";
  }

  function canRecord() {
    return "MediaRecorder" in window && navigator.mediaDevices && navigator.mediaDevices.getUserMedia &&
      typeof DataTransfer === "function";
  }

  function words(box) {
    return JSON.parse(document.getElementById("step-media").dataset.voiceWords);
  }

  function setUp(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var form = box.querySelector("[data-voice-form]");
    var controls = box.querySelector("[data-voice-controls]");
    var record = box.querySelector("[data-voice-record]");
    var stop = box.querySelector("[data-voice-stop]");
    var take = box.querySelector("[data-voice-take]");
    var listen = box.querySelector("[data-voice-listen]");
    var redo = box.querySelector("[data-voice-redo]");
    var status = box.querySelector("[data-voice-status]");
    var fileBox = box.querySelector("[data-voice-file]");
    var input = fileBox.querySelector("input[type=file]");
    var save = box.querySelector("[data-voice-save]");
    var say = words(box);
    var recorder = null;
    var stopTimer = null;
    var lastUrl = null;

    controls.hidden = false;
    fileBox.hidden = true; // the recorder takes its place; the input still carries the take
    save.hidden = true;

    function tell(text) { status.textContent = text; }

    function showTake(blob, type) {
      var base = type.split(";")[0];
      var file = new File([blob], "voice." + (EXTENSIONS[base] || "webm"), { type: base });
      var files = new DataTransfer();
      files.items.add(file);
      input.files = files.files;
      if (lastUrl) URL.revokeObjectURL(lastUrl);
      lastUrl = URL.createObjectURL(blob);
      listen.src = lastUrl;
      take.hidden = false;
      save.hidden = false;
      record.hidden = true;
      tell(say.recorded);
    }

    function start() {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var type = supportedType();
        var chunks = [];
        recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
        recorder.addEventListener("dataavailable", function (event) { if (event.data.size) chunks.push(event.data); });
        recorder.addEventListener("stop", function () {
          clearTimeout(stopTimer);
          stream.getTracks().forEach(function (track) { track.stop(); });
          stop.hidden = true;
          var made = recorder.mimeType || type || "audio/webm";
          recorder = null;
          if (!chunks.length) {
            record.hidden = false;
            tell(say.empty);
            return;
          }
          showTake(new Blob(chunks, { type: made }), made);
        });
        recorder.start();
        // Stop a little before the limit, so the take is never refused as too long.
        stopTimer = setTimeout(function () { if (recorder) recorder.stop(); }, MAX_MS - 1000);
        record.hidden = true;
        take.hidden = true;
        save.hidden = true;
        stop.hidden = false;
        stop.focus();
        tell(say.recording);
      }).catch(function () {
        // No microphone, or the coach said no: the file input still works.
        controls.hidden = true;
        fileBox.hidden = false;
        save.hidden = false;
        tell(say.noMicrophone);
      });
    }

    record.addEventListener("click", start);
    redo.addEventListener("click", function () {
      listen.pause();
      input.value = "";
      start();
    });
    stop.addEventListener("click", function () { if (recorder) recorder.stop(); });
    form.addEventListener("submit", function (event) {
      if (!input.files.length) {
        event.preventDefault();
        tell(say.nothing);
      } else {
        tell(say.saving);
      }
    });
  }

  function run(root) {
    if (!canRecord()) return; // the form keeps its file input
    root.querySelectorAll("[data-voice-recorder]").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", function () { run(document); });
  document.addEventListener("htmx:load", function (event) { run(event.target); });
})();
