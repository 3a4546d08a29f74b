/* Offline use, on every page (the pages work without it: forms post as usual when online).
   - registers the service worker (or, with the kill switch, unregisters it);
   - « Télécharger pour lire hors connexion »: stores a module's pages and files (Cache Storage),
     shows what is on the phone, its size and date, « Supprimer du téléphone », the space used;
   - without a connection, « J'ai terminé cette leçon » and quiz answers are queued
     (offline-store.js) and sent when the connection returns: Background Sync, the next page
     load, or « Synchroniser »; the page says what is waiting;
   - signing out, or another account on this phone, clears the offline data.
   Texts come from the templates' data attributes (French and English). */
(function () {
  "use strict";
  var status = document.querySelector("[data-offline-status]");
  if (!status || !window.OfflineStore) return;
  var Store = window.OfflineStore;
  var lang = document.documentElement.lang || "fr";
  var user = status.getAttribute("data-user");
  var hasWorker = "serviceWorker" in navigator;

  function text(el, name, values) {
    var t = (el || status).getAttribute("data-" + name) || "";
    Object.keys(values || {}).forEach(function (k) { t = t.split("{" + k + "}").join(values[k]); });
    return t;
  }
  function plural(n, one, many) { return n === 1 ? text(status, one) : text(status, many, { n: n }); }
  function size(bytes, el) {
    var units = (el.getAttribute("data-units") || "Ko|Mo").split("|");
    var number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
    if (bytes < 1024 * 1024) return number.format(Math.max(1, Math.round(bytes / 1024))) + " " + units[0];
    return number.format(Math.round(bytes / 104857.6) / 10) + " " + units[1];
  }
  function day(time) {
    return new Date(time).toLocaleDateString(lang, { day: "numeric", month: "long", year: "numeric" });
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function el(tag, content) { var e = document.createElement(tag); if (content) e.textContent = content; return e; }

  // --- The worker --------------------------------------------------------------------------
  if (status.getAttribute("data-enabled") === "0") {
    // The kill switch: no worker, and none of its caches (the page may unregister the worker
    // before the browser fetches the switched-off /sw.js that would delete them itself). The
    // queue stays: it is sent once offline use is back on.
    if (hasWorker) navigator.serviceWorker.getRegistrations().then(function (all) {
      all.forEach(function (r) { r.unregister(); });
    });
    if (window.caches) caches.keys().then(function (names) {
      names.forEach(function (n) { if (n.indexOf("formation-") === 0) caches.delete(n); });
    });
    return;
  }
  if (hasWorker) {
    navigator.serviceWorker.register(status.getAttribute("data-sw"), { scope: "/" }).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "offline:synced") refresh();
    });
  }

  // --- Who the offline data belongs to ----------------------------------------------------
  var ready = Promise.resolve();
  if (user) {
    ready = Store.get("meta", "user").then(function (owner) {
      if (owner && owner.value !== user) {
        return Store.clearAll().then(function () { say(text(status, "cleared")); });
      }
    }).then(function () {
      return Promise.all([
        Store.put("meta", { key: "user", value: user }),
        Store.put("meta", { key: "sync", url: status.getAttribute("data-sync"), csrf: csrf() })
      ]);
    }).catch(function () {});
  }

  function say(message) {
    status.querySelector("[data-offline-text]").textContent = message;
    status.hidden = !message && !status.querySelector("[data-offline-outcomes]").children.length;
  }

  // --- What waits to be sent --------------------------------------------------------------
  function refresh() {
    return Promise.all([Store.all("queue"), Store.all("outcomes")]).then(function (found) {
      var queue = found[0], outcomes = found[1];
      var lessons = 0, answers = 0;
      queue.forEach(function (a) {
        if (a.kind === "lesson_complete") lessons += 1;
        else if (a.kind === "quiz_answers") answers += Object.keys(a.payload.answers || {}).length;
        else if (a.kind === "h5p_statement") answers += 1;
      });
      var parts = [];
      if (lessons) parts.push(plural(lessons, "lessons-one", "lessons-many"));
      if (answers) parts.push(plural(answers, "answers-one", "answers-many"));
      if (!parts.length && queue.length) parts.push(text(status, "submitted"));
      var list = status.querySelector("[data-offline-outcomes]");  // what was said stays
      outcomes.forEach(function (o) {
        if (o.status === "refused") list.appendChild(el("li", text(status, "refused") + " " + o.message));
        if (o.result_url) {
          var li = el("li", text(status, "submitted") + " ");
          var a = el("a", text(status, "see-result"));
          a.href = o.result_url;
          li.appendChild(a);
          list.appendChild(li);
        }
        Store.remove("outcomes", o.key);  // said once
      });
      status.querySelector("[data-offline-sync]").hidden = !queue.length || !user;
      say(parts.join(" · "));
      return queue;
    }).catch(function () { return []; });
  }

  function sync() {
    if (!user) return Promise.resolve();
    return ready.then(Store.flush).then(refresh).catch(function () {
      refresh().then(function (queue) { if (queue.length) say(text(status, "failed")); });
    });
  }

  function queueAction(kind, payload) {
    return Store.enqueue(kind, payload).then(function (action) {
      if (hasWorker && navigator.serviceWorker.ready) {
        navigator.serviceWorker.ready.then(function (r) {
          if (r.sync) return r.sync.register(Store.SYNC_TAG);
        }).catch(function () {});
      }
      return refresh().then(function () { return action; });
    });
  }
  window.OfflineQueue = { add: queueAction, sync: sync };

  status.querySelector("[data-offline-sync]").addEventListener("click", sync);
  window.addEventListener("online", sync);

  // --- Forms without a connection -----------------------------------------------------------
  function answersOf(form) {
    var answers = {};
    form.querySelectorAll("fieldset[data-question]").forEach(function (fieldset) {
      var id = fieldset.getAttribute("data-question");
      answers[id] = Array.prototype.map.call(
        fieldset.querySelectorAll("input[name=q" + id + "]:checked"), function (i) { return i.value; });
    });
    return answers;
  }

  function attemptSubmitted(form) {
    var done = el("p", text(status, "submitted"));
    done.className = "state-done";
    form.replaceWith(done);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) return;
    if (form.hasAttribute("data-offline-signout")) {
      event.preventDefault();
      var first = navigator.onLine ? sync() : Promise.resolve();
      first.then(Store.clearAll).catch(function () {}).then(function () {
        return hasWorker ? navigator.serviceWorker.getRegistrations() : [];
      }).then(function (all) {
        return Promise.all(all.map(function (r) { return r.unregister(); }));
      }).catch(function () {}).then(function () { form.submit(); });
      return;
    }
    if (navigator.onLine) return;  // online: the form posts as it does without JavaScript
    if (form.hasAttribute("data-offline-lesson")) {
      event.preventDefault();
      queueAction("lesson_complete", { lesson: Number(form.getAttribute("data-offline-lesson")) }).then(function () {
        var done = el("p", "✓ " + text(status, "lesson-queued"));
        done.className = "state-done";
        form.replaceWith(done);
      });
    } else if (form.hasAttribute("data-offline-attempt")) {
      event.preventDefault();
      var attempt = Number(form.getAttribute("data-offline-attempt"));
      var quiz = Number(form.getAttribute("data-offline-quiz"));
      var button = event.submitter;
      var action = button ? button.value : "save";
      var answers = answersOf(form);
      var page = Number(form.querySelector("input[name=page]").value) || 1;
      Store.get("meta", "answers:" + attempt).then(function (draft) {
        var merged = Object.assign({}, draft ? draft.answers : {}, answers);
        return Store.put("meta", { key: "answers:" + attempt, answers: merged });
      }).then(function () {
        return queueAction("quiz_answers", { attempt: attempt, quiz: quiz, answers: answers });
      }).then(function () {
        if (action === "submit") {
          return Store.put("meta", { key: "submitted:" + attempt, at: Date.now() }).then(function () {
            return queueAction("quiz_submit", { attempt: attempt, quiz: quiz });
          }).then(function () { attemptSubmitted(form); });
        }
        if (action === "next" || action === "previous") {
          location.href = location.pathname + "?page=" + (page + (action === "next" ? 1 : -1));
          return;
        }
        say(text(status, "saved-offline"));
      });
    } else if (form.hasAttribute("data-offline-href")) {
      event.preventDefault();
      location.href = form.getAttribute("data-offline-href");
    }
  });

  function restoreAttempt(form) {
    // A page kept on the phone shows the answers of the download: put back those given since.
    var attempt = form.getAttribute("data-offline-attempt");
    Promise.all([Store.all("queue"), Store.get("meta", "answers:" + attempt),
                 Store.get("meta", "submitted:" + attempt)]).then(function (found) {
      var pending = found[0].some(function (a) { return String(a.payload.attempt) === attempt; });
      if (!pending) {
        Store.remove("meta", "answers:" + attempt);
        Store.remove("meta", "submitted:" + attempt);
        return;
      }
      if (found[2]) { attemptSubmitted(form); return; }
      var answers = found[1] ? found[1].answers : {};
      Object.keys(answers).forEach(function (id) {
        form.querySelectorAll("input[name=q" + id + "]").forEach(function (input) {
          input.checked = answers[id].indexOf(input.value) !== -1;
        });
      });
    });
  }

  function restoreLesson(form) {
    var lesson = Number(form.getAttribute("data-offline-lesson"));
    Store.all("queue").then(function (queue) {
      if (queue.some(function (a) { return a.kind === "lesson_complete" && a.payload.lesson === lesson; })) {
        var done = el("p", "✓ " + text(status, "lesson-queued"));
        done.className = "state-done";
        form.replaceWith(done);
      }
    });
  }

  // --- Downloads --------------------------------------------------------------------------
  function findModule(widget) {
    return Store.all("modules").then(function (modules) {
      var key = widget.getAttribute("data-key");
      var lesson = Number(widget.getAttribute("data-lesson"));
      return modules.filter(function (m) {
        return key ? m.key === key : m.lessons.some(function (l) { return l.id === lesson; });
      })[0];
    });
  }

  function showStorage(widget) {
    var where = widget.querySelector("[data-offline-storage]");
    if (!where || !navigator.storage || !navigator.storage.estimate) return;
    navigator.storage.estimate().then(function (e) {
      where.textContent = text(widget, "storage", { used: size(e.usage || 0, widget) });
    });
  }

  function render(widget) {
    var badge = widget.querySelector("[data-offline-badge]");
    var download = widget.querySelector("[data-offline-download-button]");
    var remove = widget.querySelector("[data-offline-remove]");
    findModule(widget).then(function (module) {
      widget.hidden = false;
      badge.hidden = !module;
      remove.hidden = !module;
      download.hidden = !navigator.onLine && !module;
      download.textContent = text(widget, module ? "label-update" : "label-download");
      if (module) badge.textContent = text(widget, "available", { size: size(module.size, widget), date: day(module.saved_at) });
      var left = widget.querySelector("[data-offline-left-out]");
      left.textContent = "";
      ((module && module.left_out) || []).forEach(function (item) {
        left.appendChild(el("li", text(widget, "left-out", { title: item.title, size: item.size_text, reason: item.reason })));
      });
      (module ? module.quizzes || [] : []).forEach(function (quiz) {
        if (quiz.reason) left.appendChild(el("li", quiz.title + " — " + quiz.reason));
      });
      showStorage(widget);
    });
  }

  function store(widget, manifest) {
    var name = "formation-module-" + manifest.key;
    var progress = widget.querySelector("[data-offline-progress]");
    var total = manifest.urls.length, done = 0, bytes = 0;
    return caches.open(name).then(function (cache) {
      var queue = manifest.urls.slice();
      function next() {
        var item = queue.shift();
        if (!item) return Promise.resolve();
        return fetch(item.url, { credentials: "same-origin" }).then(function (response) {
          if (!response.ok) throw new Error(item.url + " " + response.status);
          return response.clone().blob().then(function (blob) {
            bytes += blob.size;
            return cache.put(item.url, response);
          });
        }).then(function () {
          done += 1;
          progress.textContent = text(widget, "downloading", { done: done, total: total });
          return next();
        });
      }
      return Promise.all([next(), next(), next()]);
    }).then(function () {
      if (navigator.storage && navigator.storage.persist) navigator.storage.persist();
      return Store.put("modules", {
        key: manifest.key, title: manifest.title, url: manifest.url, language: manifest.language,
        size: bytes, saved_at: Date.now(), lessons: manifest.lessons, quizzes: manifest.quizzes,
        left_out: manifest.left_out, release: manifest.release
      });
    });
  }

  function startDownload(widget) {
    var progress = widget.querySelector("[data-offline-progress]");
    var button = widget.querySelector("[data-offline-download-button]");
    button.disabled = true;
    progress.textContent = text(widget, "preparing");
    ready.then(function () {
      return fetch(widget.getAttribute("data-bundle-url"), { credentials: "same-origin" });
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || "");
        return data;
      });
    }).then(function (manifest) {
      return caches.delete("formation-module-" + manifest.key).then(function () { return store(widget, manifest); });
    }).then(function () {
      progress.textContent = text(widget, "done");
    }).catch(function (error) {
      progress.textContent = error.message && error.message.indexOf("/") === -1
        ? error.message : text(widget, "failed");
    }).then(function () { button.disabled = false; render(widget); });
  }

  function removeModule(widget) {
    findModule(widget).then(function (module) {
      if (!module) return;
      return caches.delete("formation-module-" + module.key).then(function () {
        return Store.remove("modules", module.key);
      });
    }).then(function () {
      widget.querySelector("[data-offline-progress]").textContent = text(widget, "removed");
      render(widget);
    });
  }

  function offlineList(list) {
    Store.all("modules").then(function (modules) {
      list.textContent = "";
      if (!modules.length) { list.appendChild(el("li", list.getAttribute("data-none"))); return; }
      modules.forEach(function (module) {
        var li = el("li");
        var a = el("a", module.title);
        a.href = module.url;
        li.appendChild(a);
        var lessons = el("ol");
        module.lessons.forEach(function (lesson) {
          var item = el("li"), link = el("a", lesson.title);
          link.href = lesson.url;
          item.appendChild(link);
          lessons.appendChild(item);
        });
        li.appendChild(lessons);
        list.appendChild(li);
      });
    });
  }

  // --- Install ------------------------------------------------------------------------------
  var installPrompt = null;
  window.addEventListener("beforeinstallprompt", function (event) {
    event.preventDefault();
    installPrompt = event;
    document.querySelectorAll("[data-install-ready]").forEach(function (e) { e.hidden = false; });
  });
  window.addEventListener("appinstalled", function () {
    document.querySelectorAll("[data-install-ready]").forEach(function (e) { e.hidden = true; });
    document.querySelectorAll("[data-install-done]").forEach(function (e) { e.hidden = false; });
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest ? event.target.closest("button") : null;
    if (!target) return;
    if (target.hasAttribute("data-install-button") && installPrompt) {
      installPrompt.prompt();
      installPrompt = null;
    } else if (target.hasAttribute("data-reload")) {
      location.reload();
    } else if (target.hasAttribute("data-offline-download-button")) {
      startDownload(target.closest("[data-offline-download]"));
    } else if (target.hasAttribute("data-offline-remove")) {
      removeModule(target.closest("[data-offline-download]"));
    }
  });
  if (window.matchMedia && matchMedia("(display-mode: standalone)").matches) {
    document.querySelectorAll("[data-install-done]").forEach(function (e) { e.hidden = false; });
  }

  // --- On load --------------------------------------------------------------------------------
  ready.then(function () {
    document.querySelectorAll("[data-offline-download]").forEach(render);
    document.querySelectorAll("[data-offline-list]").forEach(offlineList);
    document.querySelectorAll("form[data-offline-attempt]").forEach(restoreAttempt);
    document.querySelectorAll("form[data-offline-lesson]").forEach(restoreLesson);
    return refresh();
  }).then(function (queue) {
    if (queue && queue.length && navigator.onLine) sync();
  });
})();
