// A field marked data-select-on-click selects its whole value when clicked or focused, so a secret
// shown once can be copied in one go. (Static file: the Content-Security-Policy allows no inline
// event handlers.)
(function () {
  "use strict";
  function selectAll(event) {
    var target = event.target;
    if (target && target.matches && target.matches("[data-select-on-click]")) {
      target.select();
    }
  }
  document.addEventListener("click", selectAll);
  document.addEventListener("focusin", selectAll);
})();
