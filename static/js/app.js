// The project's own script: no inline handlers (the CSP forbids them).
document.addEventListener("submit", function (event) {
  const button = event.submitter;
  const message = button && button.dataset.confirm;
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
