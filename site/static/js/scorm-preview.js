/* The admin's preview opens the package at once (scorm-module.js does the rest). */
document.querySelectorAll("[data-scorm-start]").forEach(function (button) { button.click(); });
