// Saves each answer as the learner changes it, so a dropped connection loses nothing.
// Progressive enhancement: without this script the page's buttons save by a plain form post.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch) return;
  var status = form.querySelector(".quiz-status");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-question]");
    if (!fieldset) return;
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
        if (status) status.textContent = data.saved ? form.getAttribute("data-saved") || "✓" : data.message;
      })
      .catch(function () { /* offline: the page's buttons still save */ });
  });
})();
