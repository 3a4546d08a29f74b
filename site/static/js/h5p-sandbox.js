/* The loader of the H5P player played from the phone's copy (a downloaded module). It is not
   loaded as a file: h5p-host.js writes it, inline, into the srcdoc of the sandboxed frame
   (sandbox="allow-scripts": an opaque origin, no cookie, no access to the pages above), and the
   host page's CSP allows it by its hash (assessments/h5p/views.py: HOST_CSP).
   A sandboxed frame is never served by the site's worker, so it cannot fetch anything offline:
   the host page reads the player's and the package's files from the worker's cache and posts
   them here. The files become blob: URLs made in this frame (they belong to its own opaque
   origin), and the addresses the player asks for are turned into them: h5p-standalone's fetch()
   of h5p.json, content.json and library.json, the <script>/<link>/<img> it and the libraries
   add, the url() of the style sheets. Then h5p-embed.js and main.bundle.js run as in the
   network's embed page (told by "h5p:scripts-loaded" instead of DOMContentLoaded), and talk to
   the host page, which passes it all on to the lesson. */
(function () {
  "use strict";
  var parentOrigin = new URL(document.baseURI).origin;
  var blobs = {};  // address (origin + path, no query) → { url: blob: URL, blob: Blob }
  var started = false;

  function key(address) {
    if (typeof address !== "string" || !address || /^(blob|data|about|javascript):/i.test(address)) {
      return null;
    }
    try {
      var url = new URL(address, document.baseURI);
      return url.origin + decodeURI(url.pathname);
    } catch (error) {
      return null;
    }
  }

  function mapped(address) {
    var found = blobs[key(address)];
    return found ? found.url : null;
  }

  function isCss(file) { return /text\/css/i.test(file.type) || /\.css$/i.test(file.url); }

  // url(…) in a style sheet: relative to the sheet's own address, which a blob: URL has not.
  function rewriteCss(text, sheetUrl) {
    return text.replace(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g, function (whole, quote, reference) {
      if (/^(data:|blob:|#)/i.test(reference)) return whole;
      var absolute;
      try { absolute = new URL(reference, sheetUrl).href; } catch (error) { return whole; }
      return 'url("' + (mapped(absolute) || absolute) + '")';
    });
  }

  function store(files) {
    var sheets = [];
    files.forEach(function (file) {
      if (isCss(file)) { sheets.push(file); return; }
      var blob = new Blob([file.body], { type: file.type || "application/octet-stream" });
      blobs[key(file.url)] = { url: URL.createObjectURL(blob), blob: blob };
    });
    // The sheets last: their url() point at the blobs made above.
    sheets.forEach(function (file) {
      var text = rewriteCss(new TextDecoder().decode(file.body), new URL(file.url, document.baseURI).href);
      var blob = new Blob([text], { type: "text/css" });
      blobs[key(file.url)] = { url: URL.createObjectURL(blob), blob: blob };
    });
  }

  function redirectProperty(prototype, property) {
    var descriptor = prototype && Object.getOwnPropertyDescriptor(prototype, property);
    if (!descriptor || !descriptor.set) return;
    Object.defineProperty(prototype, property, {
      configurable: true,
      enumerable: descriptor.enumerable,
      get: descriptor.get,
      set: function (value) { descriptor.set.call(this, mapped(value) || value); }
    });
  }

  var ATTRIBUTES = ["src", "href", "poster"];

  function fixElement(element) {
    ATTRIBUTES.forEach(function (name) {
      var value = element.getAttribute && element.getAttribute(name);
      var found = value && mapped(value);
      if (found) element.setAttribute(name, found);
    });
  }

  function redirectAddresses() {
    var originalFetch = window.fetch;
    window.fetch = function (input, init) {
      var address = typeof input === "string" ? input : input && input.url;
      var found = blobs[key(address)];
      if (found) {
        return Promise.resolve(new Response(found.blob, {
          status: 200, headers: { "Content-Type": found.blob.type }
        }));
      }
      return originalFetch.apply(this, arguments);
    };
    var open = XMLHttpRequest.prototype.open;
    XMLHttpRequest.prototype.open = function (method, address) {
      var args = Array.prototype.slice.call(arguments);
      args[1] = mapped(address) || address;
      return open.apply(this, args);
    };
    redirectProperty(window.HTMLScriptElement && HTMLScriptElement.prototype, "src");
    redirectProperty(window.HTMLLinkElement && HTMLLinkElement.prototype, "href");
    redirectProperty(window.HTMLImageElement && HTMLImageElement.prototype, "src");
    redirectProperty(window.HTMLMediaElement && HTMLMediaElement.prototype, "src");
    redirectProperty(window.HTMLSourceElement && HTMLSourceElement.prototype, "src");
    redirectProperty(window.HTMLTrackElement && HTMLTrackElement.prototype, "src");
    redirectProperty(window.HTMLVideoElement && HTMLVideoElement.prototype, "poster");
    var setAttribute = Element.prototype.setAttribute;
    Element.prototype.setAttribute = function (name, value) {
      if (ATTRIBUTES.indexOf(String(name).toLowerCase()) !== -1) value = mapped(value) || value;
      return setAttribute.call(this, name, value);
    };
    // Markup written as text (innerHTML, jQuery's $("<img src=…>")) sets no property: fixed
    // as soon as it is in the document (the first load, offline, simply fails).
    new MutationObserver(function (changes) {
      changes.forEach(function (change) {
        if (change.type === "attributes") { fixElement(change.target); return; }
        Array.prototype.forEach.call(change.addedNodes, function (node) {
          if (node.nodeType !== 1) return;
          fixElement(node);
          Array.prototype.forEach.call(node.querySelectorAll("[src], [href], [poster]"), fixElement);
        });
      });
    }).observe(document.documentElement, {
      subtree: true, childList: true, attributes: true, attributeFilter: ATTRIBUTES
    });
  }

  function addScript(address) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.onload = resolve;
      script.onerror = function () { reject(new Error("could not load " + address)); };
      script.src = address;
      document.head.appendChild(script);
    });
  }

  function start(message) {
    started = true;
    store(message.files);
    redirectAddresses();
    var config = document.createElement("script");
    config.type = "application/json";
    config.id = "h5p-config";
    // h5p-standalone prefixes a path with location.origin, which is "null" in about:srcdoc
    // (in the network's sandbox, the origin of its URL): give it whole addresses.
    var options = {};
    Object.keys(message.config).forEach(function (name) {
      var value = message.config[name];
      options[name] = /Path$|^frameJs$|^frameCss$/.test(name) && typeof value === "string"
        ? new URL(value, document.baseURI).href : value;
    });
    config.textContent = JSON.stringify(options);
    document.head.appendChild(config);
    message.styles.forEach(function (address) {
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = address;
      document.head.appendChild(link);
    });
    message.scripts.reduce(function (previous, address) {
      return previous.then(function () { return addScript(address); });
    }, Promise.resolve()).then(function () {
      document.dispatchEvent(new Event("h5p:scripts-loaded"));
    }).catch(function (error) {
      window.parent.postMessage({ type: "h5p:error", message: String(error.message) }, parentOrigin);
    });
  }

  window.addEventListener("message", function (event) {
    if (started || event.source !== window.parent || event.origin !== parentOrigin) return;
    var data = event.data;
    if (!data || data.type !== "h5p:files" || !Array.isArray(data.files)) return;
    start(data);
  });
  window.parent.postMessage({ type: "h5p:loader" }, parentOrigin);
})();
