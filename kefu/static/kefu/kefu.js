// Behaviour that used to sit in inline attributes (onchange=…, hx-vals='js:…', a <script> in a partial): the
// Content-Security-Policy runs only our static files and nonce-carrying scripts, never inline handlers or eval.
(function () {
  "use strict";

  // <select data-autosubmit [data-clear="field"]>: submit the form on change (clearing that field first).
  document.addEventListener("change", function (ev) {
    var el = ev.target;
    if (el.matches("[data-autosubmit]") && el.form) {
      var clear = el.dataset.clear && el.form.elements[el.dataset.clear];
      if (clear) clear.value = "";
      el.form.submit();
    }
    // <input type="checkbox" data-toggle-hidden="id">: the element with that id is shown while checked.
    if (el.matches("[data-toggle-hidden]")) {
      var target = document.getElementById(el.dataset.toggleHidden);
      if (target) target.hidden = !el.checked;
    }
  });

  // hx-get with data-text-from="id": send that box's current text as `text` (was hx-vals='js:{…}', which needs eval).
  document.addEventListener("htmx:configRequest", function (ev) {
    var source = ev.detail.elt && ev.detail.elt.dataset && ev.detail.elt.dataset.textFrom;
    var box = source && document.getElementById(source);
    if (box) ev.detail.parameters.text = box.value;
  });

  // Top bar at phone width: the ☰ button opens and closes the menu; Escape closes it.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-nav-toggle]");
    if (!btn) return;
    var open = btn.closest(".topbar").classList.toggle("nav-open");
    btn.setAttribute("aria-expanded", open ? "true" : "false");
  });
  document.addEventListener("keydown", function (ev) {
    var bar = ev.key === "Escape" && document.querySelector(".topbar.nav-open");
    if (!bar) return;
    bar.classList.remove("nav-open");
    var btn = bar.querySelector("[data-nav-toggle]");
    btn.setAttribute("aria-expanded", "false");
    btn.focus();
  });

  // Phrase picker (knowledge/_picker.html): a button with data-insert puts its text at the cursor of data-target.
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-insert]");
    if (!btn) return;
    var box = document.querySelector(btn.dataset.target);
    if (!box) return;
    var start = box.selectionStart || box.value.length, end = box.selectionEnd || box.value.length;
    box.value = box.value.slice(0, start) + btn.dataset.insert + box.value.slice(end);
    box.focus();
    box.dispatchEvent(new Event("input", {bubbles: true}));
  });
})();
