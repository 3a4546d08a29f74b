/* The host page of an H5P activity played from the phone's copy (a downloaded module):
   /h5p/offline/<hash>/, framed by the lesson page (h5p-activity.js). It is one of our pages,
   served by the site's worker like the lesson, so it can read the module's cache even without a
   connection; it runs only our scripts, and nothing of the package.
   The package runs one frame further down, in <iframe sandbox="allow-scripts" srcdoc=…>: an
   opaque origin (no cookie, no access to this page or the lesson), which the worker never serves.
   So this page reads the player's and the package's files (fetch, through the worker) and posts
   them into that frame, whose loader (h5p-sandbox.js, inline, allowed by its hash) makes them
   blob: URLs of its own. Messages: the player's go up to the lesson, the lesson's go down to
   the player, each only from the window it must come from. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("h5p-host-config").textContent);
  var origin = window.location.origin;
  var frame = null;
  var files = null;

  function up(message) { window.parent.postMessage(message, origin); }

  function fail(error) {
    up({ type: "h5p:error", message: String(error && error.message || error) });
  }

  function read(address) {
    return fetch(address, { credentials: "omit" }).then(function (response) {
      if (!response.ok) throw new Error(address + ": " + response.status);
      return response.arrayBuffer().then(function (body) {
        return { url: address, type: response.headers.get("Content-Type") || "", body: body };
      });
    });
  }

  function bootstrap() {
    return "<!DOCTYPE html><html lang=\"" + config.language + "\"><head><meta charset=\"utf-8\">" +
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
      "<script>" + config.loader + "</script></head>" +
      "<body><div id=\"h5p-container\"></div></body></html>";
  }

  window.addEventListener("message", function (event) {
    if (frame && event.source === frame.contentWindow && event.origin === "null") {
      var data = event.data;
      if (!data || typeof data.type !== "string" || data.type.indexOf("h5p:") !== 0) return;
      if (data.type === "h5p:loader") {
        if (!files) return;
        var buffers = files.map(function (file) { return file.body; });
        frame.contentWindow.postMessage({
          type: "h5p:files",
          files: files,
          config: config.embed,
          scripts: config.scripts,
          styles: config.styles
        }, "*", buffers);
        files = null;
      } else {
        up(data);
      }
    } else if (event.source === window.parent && event.origin === origin && frame) {
      // The lesson page: the saved state to start from.
      frame.contentWindow.postMessage(event.data, "*");
    }
  });

  document.documentElement.style.height = "100%";
  document.body.style.margin = "0";
  document.body.style.height = "100%";
  Promise.all(config.files.map(read)).then(function (read) {
    files = read;
    frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "allow-scripts");
    frame.setAttribute("title", config.title);
    frame.style.cssText = "display:block;width:100%;height:100%;border:0";
    frame.srcdoc = bootstrap();
    document.body.appendChild(frame);
  }).catch(fail);
})();
