// The merge form: a suggested order (the same customer's open orders) fills the "merge into" field when clicked.
(function () {
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-fill]");
    if (!button) return;
    var input = button.closest("form").querySelector('input[name="' + button.dataset.fill + '"]');
    if (input) { input.value = button.dataset.value; input.focus(); }
  });
})();
