// The queues' bulk form: the header checkbox checks or clears every order of the table.
(function () {
  document.addEventListener("change", function (e) {
    if (!e.target.matches("[data-check-all]")) return;
    var table = e.target.closest("table");
    table.querySelectorAll('input[name="ids"]').forEach(function (box) { box.checked = e.target.checked; });
  });
})();
