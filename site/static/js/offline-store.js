/* What the phone keeps for offline use, in IndexedDB, shared by the pages (offline.js) and the
   service worker (sw.js): the queue of actions made offline, each with an id made here, sent in
   order to the sync endpoint; the downloaded modules; the outcomes of the last sync. No DOM. */
(function (scope) {
  "use strict";
  var DB_NAME = "formation-offline";
  var STORES = ["queue", "modules", "meta", "outcomes"];
  var opened = null;

  function db() {
    if (opened) return opened;
    opened = new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var base = request.result;
        STORES.forEach(function (name) {
          if (!base.objectStoreNames.contains(name)) {
            base.createObjectStore(name, { keyPath: name === "queue" ? "seq" : "key" });
          }
        });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { opened = null; reject(request.error); };
    });
    return opened;
  }

  function run(store, mode, work) {
    return db().then(function (base) {
      return new Promise(function (resolve, reject) {
        var tx = base.transaction(store, mode);
        var result = work(tx.objectStore(store));
        tx.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }

  function all(store) { return run(store, "readonly", function (s) { return s.getAll(); }); }
  function get(store, key) { return run(store, "readonly", function (s) { return s.get(key); }); }
  function put(store, value) { return run(store, "readwrite", function (s) { s.put(value); }); }
  function remove(store, key) { return run(store, "readwrite", function (s) { s["delete"](key); }); }

  function newId() {
    if (scope.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  var counter = 0;
  function enqueue(kind, payload) {
    // `seq` orders the queue (the time on the phone, then a counter); `id` is the action's
    // identity for the server, which applies it once.
    var action = {
      seq: Date.now() * 1000 + (counter++ % 1000), id: newId(), kind: kind,
      payload: payload, client_time: new Date().toISOString()
    };
    return put("queue", action).then(function () { return action; });
  }

  var flushing = null;
  function flush() {
    // One sync at a time; the actions in the order they were made; each answer removes its action.
    if (flushing) return flushing;
    // The page and the worker share the queue: a Web Lock lets one of them send at a time.
    var locked = scope.navigator && navigator.locks
      ? function (work) { return navigator.locks.request("formation-sync", work); }
      : function (work) { return work(); };
    flushing = locked(function () { return send(); });
    var done = function () { flushing = null; };
    flushing.then(done, done);
    return flushing;
  }

  function send() {
    return Promise.all([all("queue"), get("meta", "sync")]).then(function (found) {
      var queue = found[0], sync = found[1];
      if (!queue.length || !sync) return { sent: 0, results: [] };
      return fetch(sync.url, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": sync.csrf },
        body: JSON.stringify({ actions: queue.map(function (a) {
          return { id: a.id, kind: a.kind, payload: a.payload, client_time: a.client_time };
        }) })
      }).then(function (response) {
        if (!response.ok) { var e = new Error("sync " + response.status); e.status = response.status; throw e; }
        return response.json();
      }).then(function (answer) {
        var bySeq = {};
        queue.forEach(function (a) { bySeq[a.id] = a.seq; });
        return Promise.all(answer.results.map(function (result) {
          return remove("queue", bySeq[result.id]).then(function () {
            return put("outcomes", { key: result.id, status: result.status, message: result.message || "",
              kind: result.kind, result_url: result.result_url || "", at: Date.now() });
          });
        })).then(function () { return { sent: answer.results.length, results: answer.results }; });
      });
    });
  }

  function clearAll() {
    // Sign-out, or another person on this phone: every downloaded module and the whole store.
    var caches_ = scope.caches ? caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("formation-module-") === 0; })
        .map(function (n) { return caches.delete(n); }));
    }) : Promise.resolve();
    return caches_.then(function () {
      return Promise.all(STORES.map(function (name) {
        return run(name, "readwrite", function (s) { s.clear(); });
      }));
    });
  }

  scope.OfflineStore = {
    SYNC_TAG: "formation-sync", all: all, get: get, put: put, remove: remove,
    enqueue: enqueue, flush: flush, clearAll: clearAll, newId: newId
  };
})(self);
