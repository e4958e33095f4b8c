// The compliance guard component: "Use safer wording" replaces the risky span in the text area,
// then asks htmx to check the text again. No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // The finding's offsets refer to the text as it was checked; if the writer has typed since,
  // fall back to the occurrence of the same words nearest to where they were.
  function locate(value, start, end, text) {
    if (value.slice(start, end) === text) return [start, end];
    let best = -1;
    let from = value.indexOf(text);
    while (from !== -1) {
      if (best === -1 || Math.abs(from - start) < Math.abs(best - start)) best = from;
      from = value.indexOf(text, from + 1);
    }
    return best === -1 ? null : [best, best + text.length];
  }

  function apply(button) {
    const area = document.getElementById(button.dataset.target);
    if (!area) return;
    const span = locate(area.value, Number(button.dataset.start), Number(button.dataset.end), button.dataset.text);
    if (!span) {
      button.disabled = true;
      return;
    }
    const suggestion = button.dataset.suggestion || "";
    area.value = area.value.slice(0, span[0]) + suggestion + area.value.slice(span[1]);
    area.focus();
    area.setSelectionRange(span[0], span[0] + suggestion.length);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-guard-apply]");
    if (button) {
      event.preventDefault();
      apply(button);
    }
  });

  // A text already filled in (after a full-page check, or in an editor) is checked on load.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-guard-input]").forEach(function (area) {
      if (area.value.trim() && window.htmx) {
        const result = document.getElementById(area.id.replace(/-text$/, "-result"));
        if (result && !result.textContent.trim()) htmx.trigger(area, "guard-recheck");
      }
    });
  });
})();
