// The sheet works without this file. It names the all-present button for what it will do: "Alle anwesend"
// while nobody is marked, "Alle übrigen anwesend" once someone is (the labels come from the page, translated).
(function () {
  "use strict";
  var form = document.getElementById("attendance-form");
  var button = form && form.querySelector(".attendance-rest");
  if (!button || !button.dataset.labelAll || !button.dataset.labelRest) {
    return;
  }
  function update() {
    var marked = form.querySelector(".attendance-person input[type=radio]:checked");
    button.textContent = marked ? button.dataset.labelRest : button.dataset.labelAll;
  }
  form.addEventListener("change", update);
  update();
})();
