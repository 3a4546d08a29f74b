/* The lesson page's side of a SCORM module. The package is loaded only when the learner clicks
   "Open the module": then a sandboxed iframe (scripts only, no same-origin) is created. The
   runtime inside it saves to the server itself (cookie-less, with the token of its URL); it
   only tells this page what to say. Messages are accepted only from that frame's window. */
(function () {
  "use strict";
  if (window.scormModuleInstalled) return;
  window.scormModuleInstalled = true;
  var players = [];

  function onMessage(event) {
    var player = null;
    for (var i = 0; i < players.length; i++) {
      if (players[i].frame.contentWindow === event.source) player = players[i];
    }
    var data = event.data;
    if (!player || event.origin !== "null" || data === null || typeof data !== "object") return;
    if (data.type === "scorm:saved" && data.met === true) player.met = true;
    // Once the module's rule is met, that is what the learner is told, closing it included.
    var key = player.met ? "met" : { "scorm:saved": "saved", "scorm:finished": "finished" }[data.type];
    if (key && data.type !== "scorm:refused") {
      player.status.textContent = player.button.getAttribute("data-msg-" + key) || "";
    }
    if (data.type === "scorm:refused" && typeof data.error === "string") {
      player.status.textContent = data.error.slice(0, 300);
    }
  }

  function open(button) {
    var section = button.closest("[data-scorm-module]");
    var frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "allow-scripts");
    frame.setAttribute("title", button.getAttribute("data-frame-title") || "");
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.setAttribute("allow", "fullscreen");
    frame.style.cssText = "display:block;width:100%;height:80vh;min-height:420px;max-height:760px;border:0";
    frame.src = button.getAttribute("data-launch-url");
    players.push({
      button: button, frame: frame, met: false, status: section.querySelector("[data-scorm-status]")
    });
    section.querySelector("[data-scorm-frame]").appendChild(frame);
    button.parentNode.hidden = true;
    frame.focus();
  }

  window.addEventListener("message", onMessage);
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-scorm-start]");
    if (button && !button.disabled) open(button);
  });
})();
