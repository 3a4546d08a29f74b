// Words that wagtail-localize's editor writes in English whatever the admin's language (its
// JavaScript does not translate them): the server gives the admin's own words for them in the
// #admin-words data (courses/localize.py), put in place here as the editor draws itself.
(function () {
  "use strict";
  var data = document.getElementById("admin-words");
  if (!data) {
    return;
  }
  var words = JSON.parse(data.textContent);
  var has = Object.prototype.hasOwnProperty;

  function translate(node) {
    var text = node.nodeValue.trim();
    if (text && has.call(words, text)) {
      node.nodeValue = node.nodeValue.replace(text, words[text]);
    }
  }

  function walk(root) {
    if (root.nodeType === Node.TEXT_NODE) {
      translate(root);
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) {
      return;
    }
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      translate(walker.currentNode);
    }
  }

  walk(document.body);
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      if (mutation.type === "characterData") {
        translate(mutation.target);
      } else {
        mutation.addedNodes.forEach(walk);
      }
    });
  }).observe(document.body, { childList: true, subtree: true, characterData: true });
})();
