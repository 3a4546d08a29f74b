/* The SCORM runtime API inside a package's page (served by us at the top of its <head>, after
   scorm-again). It starts from the learner's data that the server wrote into the page (resume on
   any device), and commits to the server with the token of the page's URL: no cookie, no
   session. It tells the lesson page (its parent) what happened, so that page can say it. */
(function () {
  "use strict";
  var node = document.getElementById("lms-scorm-runtime");
  if (!node) return;
  var config = JSON.parse(node.textContent);

  function tell(message) {
    // Only the lesson page hosts the module; it checks that the message comes from this frame.
    if (window.parent && window.parent !== window) window.parent.postMessage(message, "*");
  }

  var settings = {
    lmsCommitUrl: config.commitUrl,
    dataCommitFormat: "flattened",
    // A CORS-safelisted type: no preflight, and the beacon sent at Finish is not dropped.
    commitRequestDataType: "text/plain;charset=UTF-8",
    terminateCommitParam: "terminate",
    autocommit: true,
    autocommitSeconds: 30,
    logLevel: 4,
    xhrResponseHandler: function (xhr) {
      var answer = {};
      try { answer = JSON.parse(xhr.responseText) || {}; } catch (error) { answer = {}; }
      if (xhr.status >= 200 && xhr.status < 300) {
        tell({ type: "scorm:saved", met: answer.met === true });
        return { result: "true", errorCode: 0 };
      }
      tell({ type: "scorm:refused", error: answer.error || "" });
      return { result: "false", errorCode: 101 };
    }
  };
  var api = config.version === "1.2" ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
  api.loadFromFlattenedJSON(config.cmi, "");
  api.on(config.version === "1.2" ? "LMSFinish" : "Terminate", function () {
    tell({ type: "scorm:finished" });
  });
  if (config.version === "1.2") window.API = api;
  else window.API_1484_11 = api;
})();
