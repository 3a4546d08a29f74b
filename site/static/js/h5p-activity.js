/* The lesson page's side of an H5P activity. The player is loaded only when the learner clicks
   "Start the activity": then a sandboxed iframe (scripts only, no same-origin) is created.
   Messages are accepted only from that iframe's window, checked, and forwarded to the server
   with the CSRF token: the frame itself has no session. Texts come from the template.
   When the module is downloaded (the phone keeps the activity's host page), the activity plays
   from the phone's copy, with or without a connection: the frame is then our host page
   (/h5p/offline/<hash>/, h5p-host.js), which the site's worker serves, and which runs the
   package in the same sandbox one frame down; its messages come from our own origin. A
   sandboxed frame is never served by the worker, so without a connection the embed page could
   not load; and with a poor one, the copy spares the download. */
(function () {
  "use strict";
  if (window.h5pActivityInstalled) return;
  window.h5pActivityInstalled = true;

  var START_TIMEOUT = 45000;  // a slow connection loads a large package for a long time
  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  var MAX_STATE = 64 * 1024;
  var players = [];

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function csrfToken(button) {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return button.getAttribute("data-csrf") || (match ? decodeURIComponent(match[1]) : "");
  }

  function send(player, url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(player.button) },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var failure = new Error(data.error || response.statusText);
          failure.status = response.status;
          throw failure;
        }
        return data;
      });
    });
  }

  function say(player, key) {
    player.status.textContent = player.button.getAttribute("data-msg-" + key) || "";
  }

  function failed(player) {
    // The activity could not start: say so, and offer a retry and the lesson's way forward.
    if (player.started) return;
    player.status.textContent = "";
    if (player.failure) player.failure.hidden = false;
  }

  function started(player) {
    player.started = true;
    window.clearTimeout(player.timer);
    if (player.failure) player.failure.hidden = true;
  }

  function isObject(value) { return value !== null && typeof value === "object" && !Array.isArray(value); }

  function validStatement(statement) {
    return isObject(statement) && isObject(statement.verb) && typeof statement.verb.id === "string" &&
      isObject(statement.object) && typeof statement.object.id === "string";
  }

  function onMessage(event) {
    var player = null;
    for (var i = 0; i < players.length; i++) {
      if (players[i].frame.contentWindow === event.source) player = players[i];
    }
    // Only our sandboxed frame (its origin is "null") or our host page of the phone's copy,
    // never another window.
    if (!player || event.origin !== (player.copy ? window.location.origin : "null") ||
        !isObject(event.data)) return;
    var data = event.data;
    if (data.type === "h5p:ready") {
      player.frame.contentWindow.postMessage({ type: "h5p:start", state: player.state }, "*");
    } else if (data.type === "h5p:started") {
      started(player);
    } else if (data.type === "h5p:xapi" && validStatement(data.statement)) {
      var statement = data.statement;
      // Only results go to the server: the intake refuses a statement without one.
      if (!isObject(statement.result)) return;
      if (typeof statement.id !== "string" || !UUID.test(statement.id)) statement.id = newId();
      send(player, player.statementsUrl, statement).then(function (answer) {
        if (answer.result) say(player, "recorded");
      }).catch(function (error) {
        // The server's refusal says why (not enrolled, lesson locked…); otherwise the network.
        if (error.status >= 400 && error.status < 500 && error.message) {
          player.status.textContent = error.message;
        } else if (!error.status && window.OfflineQueue) {
          // No connection: the result waits on the phone (offline.js) and is sent later.
          var lesson = Number((player.statementsUrl.match(/\/lessons\/(\d+)\//) || [])[1]);
          window.OfflineQueue.add("h5p_statement", { lesson: lesson, statement: statement });
          say(player, "queued");
        } else {
          say(player, "error");
        }
      });
    } else if (data.type === "h5p:state" && typeof data.state === "string" &&
               data.state.length <= MAX_STATE && player.stateUrl) {
      player.state = data.state;
      send(player, player.stateUrl, { state: data.state }).catch(function () {});
    } else if (data.type === "h5p:resize" && typeof data.height === "number" && isFinite(data.height)) {
      player.frame.style.height = Math.min(Math.max(Math.round(data.height), 150), 10000) + "px";
    } else if (data.type === "h5p:error") {
      failed(player);
    }
  }

  function downloaded(url) {
    // Whether a module download keeps the host page of the phone's copy of this activity.
    if (!url || !window.caches || !navigator.serviceWorker || !navigator.serviceWorker.controller) {
      return Promise.resolve(false);
    }
    return caches.match(url, { ignoreVary: true }).then(function (found) { return !!found; })
      .catch(function () { return false; });
  }

  function open(button) {
    var section = button.closest("[data-h5p-activity]");
    var player = {
      button: button,
      section: section,
      started: false,
      timer: null,
      failure: section.querySelector("[data-h5p-failed]"),
      status: section.querySelector("[data-h5p-status]"),
      statementsUrl: button.getAttribute("data-statements-url"),
      stateUrl: button.getAttribute("data-state-url"),
      state: null,
      frame: document.createElement("iframe")
    };
    button.disabled = true;
    say(player, "loading");
    var loaded = player.stateUrl
      ? fetch(player.stateUrl, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : {}; })
          .then(function (data) { player.state = typeof data.state === "string" ? data.state : null; })
          .catch(function () {})
      : Promise.resolve();
    Promise.all([loaded, downloaded(button.getAttribute("data-offline-url"))]).then(function (found) {
      var frame = player.frame;
      player.copy = found[1];
      if (!player.copy) frame.setAttribute("sandbox", "allow-scripts");
      frame.setAttribute("title", button.getAttribute("data-frame-title") || "");
      frame.setAttribute("referrerpolicy", "no-referrer");
      frame.style.width = "100%";
      frame.style.height = "400px";
      frame.style.border = "0";
      frame.src = player.copy ? button.getAttribute("data-offline-url") : button.getAttribute("data-embed-url");
      players.push(player);
      section.querySelector("[data-h5p-frame]").appendChild(frame);
      player.timer = window.setTimeout(function () { failed(player); }, START_TIMEOUT);
      button.parentNode.hidden = true;
      player.status.textContent = "";
      frame.focus();
    });
  }

  function retry(section) {
    // Start again from scratch: a new frame, as on the first click.
    for (var i = players.length - 1; i >= 0; i--) {
      if (players[i].section === section) {
        window.clearTimeout(players[i].timer);
        players[i].frame.remove();
        players.splice(i, 1);
      }
    }
    section.querySelector("[data-h5p-failed]").hidden = true;
    var button = section.querySelector("[data-h5p-start]");
    button.disabled = false;
    open(button);
  }

  window.addEventListener("message", onMessage);
  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    var button = event.target.closest("[data-h5p-start]");
    if (button && !button.disabled) open(button);
    var again = event.target.closest("[data-h5p-retry]");
    if (again) retry(again.closest("[data-h5p-activity]"));
  });
})();
