// The call workbench's keyboard flow (shortcuts listed on the page) and phrase insertion. A static file: the
// Content-Security-Policy runs no inline script.
(function () {
  "use strict";
  var lastText = null;  // the text box the agent last typed in: phrases go there
  var started = null, timer = null;

  function $(id) { return document.getElementById(id); }
  function focus(el) { if (el) { el.focus(); if (el.select && el.tagName === "INPUT") el.select(); } }

  function tick() {
    var s = Math.floor((Date.now() - started) / 1000);
    var mm = String(Math.floor(s / 60)).padStart(2, "0"), ss = String(s % 60).padStart(2, "0");
    $("wb-elapsed").textContent = mm + ":" + ss;
  }

  function takeCall() {
    started = Date.now();
    $("wb-clock").hidden = false;
    if (timer) clearInterval(timer);
    timer = setInterval(tick, 1000);
    tick();
    focus($("wb-phone"));
  }

  function newCall() {
    var form = $("wb-form");
    Array.prototype.forEach.call(form.querySelectorAll("input:not([type=hidden]), textarea"), function (el) { el.value = ""; });
    Array.prototype.forEach.call(form.querySelectorAll("select"), function (el) { el.selectedIndex = 0; });
    var warning = $("wb-warning"); if (warning) warning.remove();
    var errors = $("wb-errors"); if (errors) errors.remove();
    ["wb-phone", "wb-subject", "wb-reply"].forEach(function (id) { $(id).dispatchEvent(new Event("input", {bubbles: true})); });
    if (timer) clearInterval(timer);
    $("wb-clock").hidden = true;
    lastText = null;
    focus($("wb-phone"));
  }

  function insert(text) {
    var box = lastText || $("wb-reply");
    var start = box.selectionStart == null ? box.value.length : box.selectionStart;
    var end = box.selectionEnd == null ? box.value.length : box.selectionEnd;
    box.value = box.value.slice(0, start) + text + box.value.slice(end);
    box.focus();
    box.selectionStart = box.selectionEnd = start + text.length;
    box.dispatchEvent(new Event("input", {bubbles: true}));  // the knowledge panel and the phrase check follow
  }

  function save() {
    var anyway = $("wb-save-anyway");
    if (anyway) { anyway.click(); return; }  // second Alt+S after a warning: save as it is (recorded for QA)
    $("wb-form").requestSubmit($("wb-save"));
  }

  var KEYS = {
    KeyA: takeCall,
    Digit1: function () { focus($("wb-phone")); },
    Digit2: function () { focus($("wb-subject")); },
    Digit3: function () { focus($("wb-description")); },
    Digit4: function () { focus($("wb-reply")); },
    KeyK: function () { focus($("wb-kq")); },
    KeyJ: function () { var d = document.querySelector("#wb-answers details"); if (d) { d.open = true; d.querySelector("summary").focus(); } },
    KeyP: function () { focus(document.querySelector(".wb-phrase")); },
    KeyS: save,
    KeyN: newCall,
  };

  document.addEventListener("keydown", function (ev) {
    if (ev.altKey && !ev.ctrlKey && !ev.metaKey && KEYS[ev.code]) {
      ev.preventDefault();
      KEYS[ev.code]();
      return;
    }
    if (ev.key === "Escape" && lastText) { ev.preventDefault(); lastText.focus(); return; }
    var phrase = ev.target.closest && ev.target.closest(".wb-phrase");
    if (phrase && (ev.key === "ArrowDown" || ev.key === "ArrowUp")) {
      ev.preventDefault();
      var all = Array.prototype.slice.call(document.querySelectorAll(".wb-phrase"));
      var i = all.indexOf(phrase) + (ev.key === "ArrowDown" ? 1 : -1);
      if (all[i]) all[i].focus();
    }
  });

  document.addEventListener("focusin", function (ev) {
    if (ev.target.matches && ev.target.matches("[data-wb-text]")) lastText = ev.target;
  });

  document.addEventListener("click", function (ev) {
    var phrase = ev.target.closest && ev.target.closest("[data-wb-insert]");
    if (phrase) { ev.preventDefault(); insert(phrase.dataset.wbInsert); return; }
    var key = ev.target.closest && ev.target.closest("[data-wb-key]");
    if (key) { ev.preventDefault(); (key.dataset.wbKey === "a" ? takeCall : newCall)(); }
  });

  // After a warning the page comes back with the texts: put the cursor where the flagged words are.
  document.addEventListener("DOMContentLoaded", function () {
    if ($("wb-warning")) focus($("wb-reply").value ? $("wb-reply") : $("wb-description"));
  });
})();
