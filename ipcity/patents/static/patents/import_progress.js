// Polls a running patent import's progress (the page's #job-progress carries the progress URL) and reloads
// the page when the job ends. A static file: the Content-Security-Policy allows no inline script.
(function poll() {
  const box = document.getElementById("job-progress");
  if (!box || !box.dataset.progressUrl) { return; }
  fetch(box.dataset.progressUrl, {credentials: "same-origin"}).then((r) => r.json()).then((d) => {
    const bar = box.querySelector(".progress-bar");
    bar.style.width = d.percent + "%"; bar.textContent = d.percent + "%";
    document.getElementById("job-status").textContent = d.status_display;
    if (d.status === "done" || d.status === "failed") { window.location.reload(); } else { setTimeout(poll, 1500); }
  }).catch(() => setTimeout(poll, 5000));
})();
