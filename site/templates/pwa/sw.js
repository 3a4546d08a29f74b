/* The service worker (config/pwa.py serves it at /sw.js). Release {{ release|safe }}.
   Built from Workbox (npm, copied into the static files by `make install`, never a CDN):
   - the shell (styles, scripts, icons, the offline pages) is kept in this release's cache;
   - pages: always the network first (never stored as they pass); without a connection, the
     page if a module download stored it, otherwise our offline page in the page's language;
   - static files, images, documents, H5P files: from a cache when one holds them;
   - the queue of actions made offline is sent when the connection returns (Background Sync).
   A new release deletes the caches of the old ones; the downloaded modules stay. */
"use strict";
var RELEASE = {{ release|safe }};
var SHELL_CACHE = "formation-shell-" + RELEASE;
var MODULE_CACHE_PREFIX = "formation-module-";
{% if not enabled %}
/* The kill switch is on (OFFLINE_ENABLED off): remove every cache and unregister. */
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("formation-") === 0; })
        .map(function (n) { return caches.delete(n); }));
    }).then(function () { return self.registration.unregister(); })
      .then(function () { return self.clients.matchAll(); })
      .then(function (clients) { clients.forEach(function (c) { c.postMessage({ type: "offline:off" }); }); })
  );
});
{% else %}
var MODULES = {{ workbox_modules|safe }};
var SHELL = {{ shell|safe }};
var OFFLINE_PAGES = {{ offline_pages|safe }};
var STATIC_PREFIX = {{ static_prefix|safe }};
var MEDIA_PREFIX = {{ media_prefix|safe }};

importScripts({{ workbox_sw|safe }});
workbox.setConfig({ debug: false, modulePathCb: function (name) { return MODULES[name]; } });
importScripts({{ store_script|safe }});

workbox.core.setCacheNameDetails({ prefix: "formation", suffix: RELEASE, precache: "shell" });
workbox.precaching.precacheAndRoute(SHELL.map(function (url) {
  return { url: url, revision: RELEASE };
}));

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  var keep = workbox.core.cacheNames.precache;
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("formation") === 0 && name !== keep &&
          name.indexOf(MODULE_CACHE_PREFIX) !== 0;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function offlinePage(url) {
  var path = new URL(url).pathname;
  var language = Object.keys(OFFLINE_PAGES).filter(function (code) {
    return path.indexOf("/" + code + "/") === 0;
  })[0] || "fr";
  return workbox.precaching.matchPrecache(OFFLINE_PAGES[language]);
}

function fromModules(request) {
  // A downloaded page, kept under its exact address (quiz pages keep their ?page=N).
  return caches.match(request.url, { ignoreVary: true }).then(function (found) {
    if (found) return found;
    var url = new URL(request.url);
    if (url.search) return undefined;
    return caches.match(url.origin + url.pathname + "?page=1", { ignoreVary: true });
  });
}

// Pages: the network (with a time limit: a connection that hangs is no connection), never kept
// as they pass — a staff page or another person's page is never stored.
var pages = new workbox.strategies.NetworkOnly({ networkTimeoutSeconds: 8 });
workbox.routing.registerRoute(
  function (options) { return options.request.mode === "navigate"; },
  function (options) {
    return pages.handle(options).catch(function () {
      return fromModules(options.request).then(function (found) {
        return found || offlinePage(options.request.url);
      });
    });
  }
);
// A form posted without a connection (offline.js queues the ones it knows first). No time
// limit here: a form that was sent may take the server a while (the quiz answer that finishes a
// course renders the certificate), and « no connection » would then hide what was saved.
var posts = new workbox.strategies.NetworkOnly();
workbox.routing.registerRoute(
  function (options) { return options.request.mode === "navigate"; },
  function (options) {
    return posts.handle(options).catch(function () { return offlinePage(options.request.url); });
  },
  "POST"
);

// Files: a cache that holds them (the shell, a downloaded module), otherwise the network.
function isFile(url) {
  return url.origin === self.location.origin && (
    url.pathname.indexOf(STATIC_PREFIX) === 0 || url.pathname.indexOf(MEDIA_PREFIX) === 0 ||
    url.pathname.indexOf("/documents/") === 0 || url.pathname.indexOf("/h5p/") === 0);
}
workbox.routing.registerRoute(
  function (options) { return isFile(options.url) && !options.request.headers.has("Range"); },
  function (options) {
    return caches.match(options.request, { ignoreVary: true }).then(function (found) {
      return found || fetch(options.request);
    });
  }
);

// The queue: sent when the connection returns (where the browser has Background Sync).
self.addEventListener("sync", function (event) {
  if (event.tag !== OfflineStore.SYNC_TAG) return;
  event.waitUntil(OfflineStore.flush().then(function (report) {
    return self.clients.matchAll().then(function (clients) {
      clients.forEach(function (client) { client.postMessage({ type: "offline:synced", report: report }); });
    });
  }));
});
{% endif %}
