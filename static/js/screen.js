// The ceremony screen asks for the figures every second and updates them in place.
(function () {
  const url = document.body.dataset.url;
  const lastBox = document.querySelector("[data-last]");
  const set = function (name, value) {
    const node = document.querySelector('[data-field="' + name + '"]');
    if (node && node.textContent !== String(value)) {
      node.textContent = value;
      node.classList.remove("flash");
      void node.offsetWidth;
      node.classList.add("flash");
    }
  };
  const refresh = function () {
    fetch(url, {cache: "no-store", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (response.status === 404) { document.body.replaceChildren(); return null; }  // the link was rotated
        return response.ok ? response.json() : null;
      })
      .then(function (figures) {
        if (!figures) { return; }
        set("total_yi", figures.total_yi);
        set("count", figures.count);
        set("partners", figures.partners);
        if (figures.last) {
          lastBox.hidden = false;
          set("last.title", figures.last.title);
          set("last.parties", figures.last.parties.join(" · "));
          set("last.amount", figures.last.amount);
        }
      })
      .catch(function () { /* network hiccup: keep the figures on screen */ });
  };
  setInterval(refresh, 1000);
})();
