/* Runs inside the sandboxed H5P frame (origin "null"), before h5p-standalone's bundle.
   - H5P reads window.localStorage, which throws a SecurityError in a sandbox and silently cuts
     H5P.init short: give it a memory-backed storage first.
   - Wait for the lesson page's "start" message (it carries the saved state), start the player
     with embedType "div", attach the xAPI listener, then call H5P.init ourselves.
   - Forward xAPI statements, the saved state and the frame's height to the parent page with
     postMessage: the frame has no session, the parent posts them to the server. */
(function () {
  "use strict";

  function MemoryStorage() { this._data = {}; }
  MemoryStorage.prototype.getItem = function (key) {
    return Object.prototype.hasOwnProperty.call(this._data, key) ? this._data[key] : null;
  };
  MemoryStorage.prototype.setItem = function (key, value) { this._data[key] = String(value); };
  MemoryStorage.prototype.removeItem = function (key) { delete this._data[key]; };
  MemoryStorage.prototype.clear = function () { this._data = {}; };
  MemoryStorage.prototype.key = function (index) { return Object.keys(this._data)[index] || null; };
  Object.defineProperty(MemoryStorage.prototype, "length", {
    get: function () { return Object.keys(this._data).length; }
  });
  ["localStorage", "sessionStorage"].forEach(function (name) {
    var works = false;
    try { works = !!window[name]; } catch (error) { works = false; }
    if (!works) {
      Object.defineProperty(window, name, { value: new MemoryStorage(), configurable: true });
    }
  });

  var CONTENT_ID = "activity";
  var config = null;
  var started = false;
  var lastState = null;

  function post(message) {
    window.parent.postMessage(message, config.parentOrigin);
  }

  function reportHeight() {
    // The content's own height: the document's is never less than the frame's.
    var container = document.getElementById("h5p-container");
    var box = container.getBoundingClientRect();
    post({ type: "h5p:resize", height: Math.ceil(box.bottom + window.scrollY + 8) });
  }

  function reportState() {
    var content = window.H5PIntegration && H5PIntegration.contents &&
      H5PIntegration.contents["cid-" + CONTENT_ID];
    var data = content && content.contentUserData && content.contentUserData[0];
    var state = data && typeof data.state === "string" ? data.state : null;
    if (state && state !== lastState && state !== "RESET") {
      lastState = state;
      post({ type: "h5p:state", state: state });
    }
  }

  function start(savedState) {
    started = true;
    lastState = savedState;
    var options = {
      id: CONTENT_ID,
      h5pJsonPath: config.h5pJsonPath,
      contentJsonPath: config.contentJsonPath,
      librariesPath: config.librariesPath,
      frameJs: config.frameJs,
      frameCss: config.frameCss,
      xAPIObjectIRI: config.xAPIObjectIRI,
      // In a sandbox the nested about:blank frame of the default "iframe" embed is unusable.
      embedType: "div",
      // In h5p-standalone 3.8.2, false is what stops the automatic H5P.init.
      preventH5PInit: false,
      frame: false,
      copyright: false,
      fullScreen: false,
      saveFreq: 5
    };
    if (savedState) options.contentUserData = [{ state: savedState }];
    var element = document.getElementById("h5p-container");
    new H5PStandalone.H5P(element, options).then(function () {
      H5P.externalDispatcher.on("xAPI", function (event) {
        var statement = event && event.data && event.data.statement;
        if (!statement) return;
        post({ type: "h5p:xapi", statement: JSON.parse(JSON.stringify(statement)) });
        reportState();
      });
      H5P.init(document.body);
      // H5P.init swallows a content type that fails to start: it leaves no instance.
      if (!H5P.instances || !H5P.instances.length) {
        throw new Error("the content type did not start");
      }
      post({ type: "h5p:started" });
      reportHeight();
      if (window.ResizeObserver) {
        new ResizeObserver(reportHeight).observe(document.getElementById("h5p-container"));
      }
      window.setInterval(reportState, 3000);
    }).catch(function (error) {
      reportedError = true;
      post({ type: "h5p:error", message: String(error && error.message || error) });
    });
  }

  // A script error before the player has started means the activity cannot start.
  var reportedError = false;
  window.addEventListener("error", function (event) {
    if (!config || reportedError || (window.H5P && H5P.instances && H5P.instances.length)) return;
    reportedError = true;
    post({ type: "h5p:error", message: String(event.message || "script error") });
  });

  window.addEventListener("message", function (event) {
    if (!config || event.source !== window.parent || event.origin !== config.parentOrigin) return;
    var data = event.data;
    if (!data || data.type !== "h5p:start" || started) return;
    start(typeof data.state === "string" ? data.state : null);
  });

  function ready() {
    config = JSON.parse(document.getElementById("h5p-config").textContent);
    post({ type: "h5p:ready" });
  }
  // In the phone's copy, the loader (h5p-sandbox.js) adds the scripts after the document has
  // loaded, and says when the last one has run.
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    document.addEventListener("h5p:scripts-loaded", ready);
  }
  window.addEventListener("pagehide", function () { if (config) reportState(); });
})();
