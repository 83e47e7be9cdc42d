// Questionnaire form: keep the "n of N questions answered" count current as the client
// answers. The page works without it; the server counts too when the page is sent.
(function () {
  "use strict";
  var form = document.getElementById("questionnaire-form");
  var number = document.getElementById("answered-number");
  if (!form || !number) {
    return;
  }
  function count() {
    var questions = form.querySelectorAll("fieldset.question");
    return Array.prototype.filter.call(questions, function (question) {
      if (question.querySelector("input:checked") !== null) {
        return true;
      }
      var typed = question.querySelector("textarea, input[type='number']");
      return typed !== null && typed.value.trim() !== "";
    }).length;
  }
  form.addEventListener("input", function () {
    number.textContent = String(count());
  });
  form.addEventListener("change", function () {
    number.textContent = String(count());
  });
})();
