// Assessment form: move focus to the error summary, and show the acute-action warning as
// soon as the risk level or the exclusion factors call for it (the server checks it too).
(function () {
  "use strict";
  var form = document.getElementById("assessment-form");
  if (!form) {
    return;
  }
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  var warning = document.getElementById("urgent-warning");
  var urgentFactors = ["high_suicide_risk", "acute_needs"];

  function urgent() {
    var level = form.elements.namedItem("risk_level");
    if (level && level.value === "high") {
      return true;
    }
    var boxes = form.querySelectorAll('input[name="exclusion_factors"]:checked');
    return Array.prototype.some.call(boxes, function (box) {
      return urgentFactors.indexOf(box.value) !== -1;
    });
  }

  form.addEventListener("change", function () {
    if (warning) {
      warning.classList.toggle("d-none", !urgent());
    }
  });
})();
