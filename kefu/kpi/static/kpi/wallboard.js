// Wallboard charts (ECharts from static): callers waiting and service level per half hour today, agents by state.
// Drawn on load and again after each 10-second htmx refresh of the panel; "全屏" puts the board on the whole screen.
(function () {
  "use strict";
  var charts = [];

  function axisStyle(big) { return {fontSize: big ? 16 : 12, color: "#cbd5e1"}; }

  function draw() {
    var source = document.getElementById("wb-day");
    if (!source) return;
    var d = JSON.parse(source.textContent);
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    var ids = ["wb-waiting-chart", "wb-sl-chart", "wb-agents-chart"];
    if (!window.echarts) {
      ids.forEach(function (id) { var el = document.getElementById(id); if (el) el.textContent = d.text.missing; });
      return;
    }
    var big = window.innerWidth >= 1600;
    var grid = {left: big ? 56 : 40, right: 16, top: 24, bottom: 30};
    var waitEl = document.getElementById("wb-waiting-chart");
    if (waitEl) {
      var w = echarts.init(waitEl);
      w.setOption({animation: false, tooltip: {trigger: "axis"}, grid: grid,
                   xAxis: {type: "category", data: d.labels, axisLabel: axisStyle(big)},
                   yAxis: {type: "value", minInterval: 1, axisLabel: axisStyle(big), splitLine: {lineStyle: {color: "#1e293b"}}},
                   series: [{name: d.text.waiting, type: "bar", data: d.waiting, itemStyle: {color: "#fbbf24"}}]});
      charts.push(w);
    }
    var slEl = document.getElementById("wb-sl-chart");
    if (slEl) {
      var s = echarts.init(slEl);
      var line = {name: d.text.sl, type: "line", data: d.sl, connectNulls: false, lineStyle: {width: 3, color: "#60a5fa"},
                  itemStyle: {color: "#60a5fa"}, symbolSize: big ? 8 : 5};
      if (d.sl_target !== null) {
        line.markLine = {silent: true, symbol: "none", lineStyle: {color: "#4ade80", type: "dashed", width: 2},
                         label: {color: "#4ade80", position: "insideEndTop", fontSize: big ? 16 : 12, formatter: d.text.target + " " + d.sl_target + "%"},
                         data: [{yAxis: d.sl_target}]};
      }
      s.setOption({animation: false, tooltip: {trigger: "axis"}, grid: grid,
                   xAxis: {type: "category", data: d.labels, axisLabel: axisStyle(big)},
                   yAxis: {type: "value", min: 0, max: 100, axisLabel: Object.assign({formatter: "{value}%"}, axisStyle(big)),
                           splitLine: {lineStyle: {color: "#1e293b"}}},
                   series: [line]});
      slEl.dataset.points = d.sl.filter(function (v) { return v !== null; }).length;
      charts.push(s);
    }
    var agEl = document.getElementById("wb-agents-chart");
    if (agEl) {
      var colors = {ready: "#4ade80", talking: "#fbbf24", paused: "#94a3b8"};
      var a = echarts.init(agEl);
      a.setOption({animation: false, tooltip: {trigger: "item"},
                   legend: {bottom: 0, textStyle: {color: "#e2e8f0", fontSize: big ? 18 : 13}},
                   series: [{name: d.text.agents, type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"], minShowLabelAngle: 5,
                             label: {position: "inside", color: "#0f172a", fontWeight: "bold", fontSize: big ? 20 : 14, formatter: "{c}"},
                             data: d.agents.map(function (x) { return {name: x.name, value: x.value, itemStyle: {color: colors[x.state]}}; })}]});
      charts.push(a);
    }
  }

  document.addEventListener("htmx:afterSwap", function (ev) {
    if (ev.detail.target && ev.detail.target.id === "wallboard-panel") draw();
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest && ev.target.closest("[data-fullscreen]");
    var el = btn && document.getElementById(btn.dataset.fullscreen);
    if (el && el.requestFullscreen) el.requestFullscreen();
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
