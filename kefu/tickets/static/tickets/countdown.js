// Live countdown to each deadline: every element with data-due (ISO time) is updated every second.
(function () {
  function fmt(sec) {
    sec = Math.floor(Math.abs(sec));
    var d = Math.floor(sec / 86400), h = Math.floor(sec % 86400 / 3600), m = Math.floor(sec % 3600 / 60), s = sec % 60;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return (d ? d + "天 " : "") + pad(h) + ":" + pad(m) + ":" + pad(s);
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var left = (Date.parse(el.dataset.due) - now) / 1000;
      var soon = parseFloat(el.dataset.soon || "3600");
      el.classList.toggle("overdue", left < 0);
      el.classList.toggle("soon", left >= 0 && left < soon);
      el.textContent = left < 0 ? "超时 " + fmt(left) : "剩余 " + fmt(left);
    });
  }
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSwap", tick);
})();
