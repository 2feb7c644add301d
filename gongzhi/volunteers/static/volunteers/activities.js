// The check-in screen reloads itself when its code changes (no inline script: CSP).
(function () {
  "use strict";
  var screen = document.querySelector("[data-refresh-seconds]");
  if (!screen) { return; }
  var left = parseInt(screen.getAttribute("data-refresh-seconds"), 10) || 60;
  var counter = document.querySelector("[data-countdown]");
  var timer = setInterval(function () {
    left -= 1;
    if (counter) { counter.textContent = String(Math.max(left, 0)); }
    if (left <= 0) {
      clearInterval(timer);
      window.location.reload();
    }
  }, 1000);
}());
