// Keeps the page of a PDF job up to date: asks the server every two seconds how far
// the job is, and shows the download link when it is done. The status line is a live
// region, so a screen reader announces the changes; without JavaScript the page says
// to reload it.
(function () {
  "use strict";
  var box = document.querySelector(".pdf-job[data-polling]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-status-url");
  var label = box.querySelector(".pdf-job__label");
  var step = box.querySelector(".pdf-job__step");
  var bar = box.querySelector(".pdf-job__bar");
  var progress = box.querySelector("progress");
  var percent = box.querySelector(".pdf-job__percent");
  var download = box.querySelector(".pdf-job__download");
  var refresh = box.querySelector(".pdf-job__refresh");
  var lastStep = null;

  function show(job) {
    label.textContent = job.status_label;
    // Announce a new step, not every page: the live region would talk without pause.
    var text = job.finished ? "" : ": " + job.step.replace(/: \d+ klaar$/, "");
    if (text !== lastStep) {
      step.textContent = text;
      lastStep = text;
    }
    if (job.percent !== null) {
      progress.value = job.percent;
      progress.textContent = job.percent + "%";
      percent.textContent = job.percent + "%";
    }
    if (job.finished) {
      bar.hidden = true;
      if (refresh) refresh.hidden = true;
      if (job.status === "klaar") {
        download.hidden = false;
      } else {
        window.location.reload();  // the page then shows the reason and the retry button
      }
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (job) show(job);
        if (!job || !job.finished) window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
})();
