// Behaviour the pages need, without inline script (the Content-Security-Policy allows scripts from 'self' only).
// A <select data-autosubmit> submits its form when changed (the language switcher, list filters).
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
