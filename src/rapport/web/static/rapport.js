// Small behaviours shared by every page (no inline scripts: the CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
  // A tab strip scrolls sideways on a phone: bring the current tab into view.
  document.querySelectorAll(".nav-tabs .nav-link.active").forEach((tab) => {
    const strip = tab.closest(".nav-tabs");
    if (tab.offsetLeft + tab.offsetWidth > strip.clientWidth) strip.scrollLeft = tab.offsetLeft - 16;
  });
  document.querySelectorAll("[data-copy]").forEach((button) => {
    button.addEventListener("click", () => {
      const target = document.getElementById(button.dataset.copy);
      if (target && navigator.clipboard) navigator.clipboard.writeText(target.textContent.trim());
      button.textContent = button.dataset.copied || "Copied";
    });
  });
  document.querySelectorAll("[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
});
