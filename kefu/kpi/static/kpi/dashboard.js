// KPI dashboard charts (ECharts from static): each off-target metric's daily trend against its target, and the bars of
// one metric by team or agent. Data comes from the page's <script type="application/json" id="kpi-charts">.
(function () {
  "use strict";
  var COLORS = {bad: "#b91c1c", warn: "#b45309", ok: "#15803d", info: "#0369a1", na: "#94a3b8"};

  function targetMarks(t, text) {
    if (!t || !t.kind) return {};
    if (t.kind === "band") {
      var area = {silent: true, itemStyle: {color: "rgba(21,128,61,0.12)"}, data: [[{yAxis: t.low, name: text.band}, {yAxis: t.high}]]};
      if (t.t_low !== null) area.data.push([{yAxis: t.t_low, name: "T±15%", itemStyle: {color: "rgba(21,128,61,0.22)"}}, {yAxis: t.t_high}]);
      return {markArea: area};
    }
    return {markLine: {silent: true, symbol: "none", lineStyle: {color: "#15803d", type: "dashed", width: 2},
                       label: {position: "insideEndTop", formatter: text.target + " " + t.value}, data: [{yAxis: t.value}]}};
  }

  function yBounds(values, t) {
    // keep the target visible even when every value is far from it
    var pts = values.filter(function (v) { return v !== null; });
    [t && t.value, t && t.low, t && t.high].forEach(function (v) { if (v !== null && v !== undefined) pts.push(v); });
    if (!pts.length) return {};
    var lo = Math.min.apply(null, pts), hi = Math.max.apply(null, pts), pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
    return {min: Math.floor((lo - pad) * 10) / 10, max: Math.ceil((hi + pad) * 10) / 10};
  }

  function trend(el, m, days, text) {
    var chart = echarts.init(el);
    var b = yBounds(m.values, m.target);
    chart.setOption({
      animation: false, tooltip: {trigger: "axis"}, grid: {left: 44, right: 12, top: 16, bottom: 24},
      xAxis: {type: "category", data: days, axisLabel: {hideOverlap: true}},
      yAxis: {type: "value", min: b.min, max: b.max, axisLabel: {showMinLabel: false, showMaxLabel: false,
                                                                  formatter: m.unit === "%" ? "{value}%" : "{value}"}},
      series: [Object.assign({name: m.name, type: "line", data: m.values, connectNulls: false, showSymbol: false,
                              lineStyle: {width: 2, color: COLORS[m.status]}, itemStyle: {color: COLORS[m.status]}},
                             targetMarks(m.target, text))]
    });
    el.dataset.points = m.values.filter(function (v) { return v !== null; }).length;
    return chart;
  }

  function bars(el, b, text) {
    var chart = echarts.init(el);
    var data = b.bars.map(function (x) { return {value: x.value, itemStyle: {color: COLORS[x.status]}}; });
    var marks = b.target && b.target.kind && b.target.kind !== "band" ? {markLine: {silent: true, symbol: "none",
      lineStyle: {color: "#15803d", type: "dashed", width: 2}, label: {formatter: text.target + " " + b.target.value}, data: [{xAxis: b.target.value}]}} :
      b.target && b.target.kind === "band" ? {markArea: {silent: true, itemStyle: {color: "rgba(21,128,61,0.12)"}, data: [[{xAxis: b.target.low}, {xAxis: b.target.high}]]}} : {};
    el.style.height = Math.max(160, 34 * b.bars.length + 60) + "px";
    chart.resize();
    chart.setOption({
      animation: false, tooltip: {trigger: "axis", axisPointer: {type: "shadow"}}, grid: {left: 8, right: 40, top: 20, bottom: 24, containLabel: true},
      yAxis: {type: "category", inverse: true, data: b.bars.map(function (x) { return x.label; })},
      xAxis: {type: "value", axisLabel: {formatter: b.unit === "%" ? "{value}%" : "{value}"}},
      series: [Object.assign({name: b.name, type: "bar", data: data, barMaxWidth: 22,
                              label: {show: true, position: "right", formatter: function (p) { return b.bars[p.dataIndex].shown; }}}, marks)]
    });
    return chart;
  }

  function draw() {
    var source = document.getElementById("kpi-charts");
    if (!source) return;
    var d = JSON.parse(source.textContent);
    var charts = [];
    var trendEls = document.querySelectorAll("[data-trend]");
    if (!window.echarts) {
      trendEls.forEach(function (el) { el.textContent = d.text.missing; });
      return;
    }
    var byCode = {};
    d.trends.forEach(function (m) { byCode[m.code] = m; });
    trendEls.forEach(function (el) {
      var m = byCode[el.dataset.trend];
      if (m) charts.push(trend(el, m, d.days, d.text));
    });
    var el = document.getElementById("breakdown-chart");
    if (el && d.breakdown) charts.push(bars(el, d.breakdown, d.text));
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw); else draw();
})();
