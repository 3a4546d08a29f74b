// The quiz page, improved when JavaScript runs (it works without: the buttons post the form,
// and the server asks for confirmation before grading unanswered questions):
// - each answer is saved as the learner changes it, « Réponse enregistrée » under that question;
// - the counter « N questions répondues sur M » follows the answers;
// - « Envoyer mes réponses » with questions left unanswered asks first.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form) return;
  var counter = document.querySelector("[data-quiz-counter]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function fieldsets() {
    return Array.prototype.slice.call(form.querySelectorAll("fieldset[data-question]"));
  }

  function answered() {
    var elsewhere = counter ? parseInt(counter.getAttribute("data-elsewhere"), 10) || 0 : 0;
    return elsewhere + fieldsets().filter(function (fieldset) {
      return fieldset.querySelector("input:checked") !== null;
    }).length;
  }

  function total() {
    return counter ? parseInt(counter.getAttribute("data-total"), 10) || 0 : fieldsets().length;
  }

  function updateCounter() {
    if (!counter) return;
    var n = answered();
    var text = counter.getAttribute(n === 0 ? "data-zero" : n === 1 ? "data-one" : "data-many");
    if (text) counter.textContent = text.replace("{n}", String(n));
  }

  function say(fieldset, message) {
    // The message sits with the question just changed; the others fall silent.
    fieldsets().forEach(function (other) {
      var status = other.querySelector("[data-saved-status]");
      if (status && other !== fieldset) status.textContent = "";
    });
    var status = fieldset.querySelector("[data-saved-status]");
    if (status) status.textContent = message;
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset) return;
    updateCounter();
    if (!window.fetch) return;
    var id = fieldset.getAttribute("data-question");
    var body = new URLSearchParams();
    body.append("question", id);
    fieldset.querySelectorAll("input[name=q" + id + "]:checked").forEach(function (input) {
      body.append("q" + id, input.value);
    });
    fetch(form.getAttribute("data-autosave"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token },
      body: body,
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        say(fieldset, data.saved ? form.getAttribute("data-saved") || "✓" : data.message);
      })
      .catch(function () { /* offline: the page's buttons still save */ });
  });

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || button.value !== "submit") return;
    var missing = total() - answered();
    if (missing <= 0) return;
    var text = form.getAttribute(missing === 1 ? "data-confirm-one" : "data-confirm-many") || "";
    if (!window.confirm(text.replace("{n}", String(missing)))) {
      event.preventDefault();
      return;
    }
    var confirmed = document.createElement("input");
    confirmed.type = "hidden";
    confirmed.name = "confirm";
    confirmed.value = "1";
    form.appendChild(confirmed);
  });

  updateCounter();
})();
