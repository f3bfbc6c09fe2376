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
