// The project's own script: no inline handlers (the CSP forbids them).
document.addEventListener("submit", function (event) {
  const button = event.submitter;
  const message = button && button.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});

// Live registration counts on the secretariat's pages: refreshed every 10 seconds.
document.querySelectorAll("[data-counts-url]").forEach(function (panel) {
  const refresh = function () {
    fetch(panel.dataset.countsUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) {
        if (!counts) { return; }
        panel.querySelectorAll("[data-count]").forEach(function (cell) {
          const value = counts[cell.dataset.count];
          if (value !== undefined) { cell.textContent = value; }
        });
      })
      .catch(function () { /* offline for a moment: keep the last figures */ });
  };
  setInterval(refresh, 10000);
});

// A document built in the background: its page follows the job's progress and,
// once it is finished, loads again to offer the download (or say what went wrong).
document.querySelectorAll("[data-job-url]").forEach(function (panel) {
  if (panel.dataset.jobFinished === "true") { return; }
  const bar = panel.querySelector("[data-job-bar]");
  const text = panel.querySelector("[data-job-text]");
  let wait = 1000;
  const poll = function () {
    fetch(panel.dataset.jobUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (job) {
        if (!job) { wait = Math.min(wait * 2, 15000); }
        else {
          wait = 1500;
          if (bar) { bar.value = job.percent; bar.textContent = job.percent + "%"; }
          if (text) { text.textContent = job.text; }
          if (job.finished) { window.location.reload(); return; }
        }
        setTimeout(poll, wait);
      })
      .catch(function () { wait = Math.min(wait * 2, 15000); setTimeout(poll, wait); });
  };
  setTimeout(poll, wait);
});

// Registration questions asked of some delegate categories only: shown while the
// delegate's category is one of them (the server ignores the others' answers).
document.querySelectorAll("[data-answers]").forEach(function (block) {
  const row = block.closest("tr.answers-row");
  const select = row ? row.previousElementSibling.querySelector("select[name$='-category']")
                     : document.querySelector("select[name='category']");
  if (!select) { return; }
  const update = function () {
    block.querySelectorAll("[data-categories]").forEach(function (item) {
      item.hidden = item.dataset.categories.split(" ").indexOf(select.value) < 0;
    });
  };
  select.addEventListener("change", update);
  update();
});
