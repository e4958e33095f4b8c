// Starts Swagger UI on /api/docs. A file, not an inline script, so the page's CSP allows no
// inline scripts. Deep links are off: they put a link inside each operation's toggle button
// (nested interactive controls). Controls Swagger UI renders without a name (the dialog's
// close cross, the request-body editor of "Try it out") get one, and its authorisation pop-up
// is announced as a dialog.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");

  var NAMES = {
    "button.close-modal": "Close",
    "textarea.body-param__text": "Request body (JSON)",
  };

  function nameUnnamedControls() {
    root.querySelectorAll(".modal-ux:not([role])").forEach(function (modal) {
      modal.setAttribute("role", "dialog");
      modal.setAttribute("aria-modal", "true");
      modal.setAttribute("aria-label", "Available authorizations");
    });
    Object.keys(NAMES).forEach(function (selector) {
      root.querySelectorAll(selector + ":not([aria-label])").forEach(function (control) {
        control.setAttribute("aria-label", NAMES[selector]);
      });
    });
  }

  window.SwaggerUIBundle({
    url: root.getAttribute("data-openapi-url"),
    domNode: root,
    deepLinking: false,
    layout: "BaseLayout",
    defaultModelsExpandDepth: 0,
    docExpansion: "list",
    syntaxHighlight: false,
    persistAuthorization: false,
    tryItOutEnabled: false,
  });
  new MutationObserver(nameUnnamedControls).observe(root, { childList: true, subtree: true });
})();
