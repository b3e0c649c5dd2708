// Live total on the scoring form: sum of awarded points, 0 when a critical item is ticked.
(function () {
  var form = document.getElementById("score-form");
  if (!form || !form.querySelector("input.points")) return;
  var total = document.getElementById("total"), verdict = document.getElementById("verdict");
  function update() {
    var sum = 0, failed = false;
    form.querySelectorAll("input.points").forEach(function (i) { sum += parseFloat(i.value) || 0; });
    form.querySelectorAll("input[data-critical]").forEach(function (i) { failed = failed || i.checked; });
    total.textContent = failed ? "0" : (Math.round(sum * 100) / 100).toString();
    verdict.textContent = "";
    if (failed) {  // the wording comes from the template, in the user's language
      var badge = document.createElement("span");
      badge.className = "badge bad";
      badge.textContent = verdict.dataset.failed;
      verdict.appendChild(badge);
    }
  }
  form.addEventListener("input", update);
  update();
})();
