// The chair's screen: poll the live count every 5 seconds (no inline script: CSP).
(function () {
  "use strict";
  var root = document.querySelector(".chair[data-status-url]");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-status-url");
  var present = document.getElementById("present-count");
  var expected = document.getElementById("expected-count");
  var quorum = document.getElementById("quorum");
  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        present.textContent = data.present;
        expected.textContent = data.expected;
        quorum.textContent = data.quorum_label;
        quorum.className = "quorum quorum-" + data.quorum;
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }
  window.setInterval(refresh, 5000);
})();
