// Report job page: poll the job's progress and show the download links when it is ready.
(function () {
  var box = document.querySelector("[data-poll-url]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var label = box.querySelector("[data-progress-label]");
  function poll() {
    fetch(box.dataset.pollUrl, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        if (bar) bar.value = job.progress;
        if (label) label.textContent = job.progress + "%";
        if (job.state === "done" || job.state === "failed") { window.location.reload(); return; }
        setTimeout(poll, 2000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 1000);
})();
