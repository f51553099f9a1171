// Progressive enhancement for the explorer: every chart is drawn from the JSON the page
// embeds (the same figures as the data table that follows it). Without JavaScript the
// tables and forms work alone.
(function () {
  "use strict";

  var PALETTE = ["#1d70b8", "#d4351c", "#00703c", "#6f72af", "#b58840", "#912b88",
                 "#28a197", "#f47738", "#505a5f", "#003078"];

  function data(el) {
    var node = document.getElementById(el.getAttribute("data-source"));
    return node ? JSON.parse(node.textContent) : null;
  }

  function baseOptions() {
    return {
      animation: false,
      color: PALETTE,
      aria: { enabled: true },
      textStyle: { fontFamily: "system-ui, sans-serif", color: "#0b0c0c" },
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 24, top: 32, bottom: 48, containLabel: true }
    };
  }

  function bar(el, d) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    var options = baseOptions();
    options.xAxis = { type: "category", data: d.labels };
    options.yAxis = { type: "value", minInterval: 1, name: d.unit || "" };
    options.series = [{ type: "bar", name: d.name, data: d.values }];
    chart.setOption(options);
    return chart;
  }

  function stacked(el, d) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    var options = baseOptions();
    options.legend = { top: 0, type: "scroll" };
    options.grid.top = 48;
    options.xAxis = { type: "category", data: d.labels };
    options.yAxis = { type: "value", minInterval: 1, name: "agreements" };
    options.dataZoom = d.labels.length > 36 ? [{ type: "slider", bottom: 0 }] : [];
    options.series = d.series.map(function (s) {
      return { type: "bar", stack: "kind", name: s.name, data: s.data };
    });
    chart.setOption(options);
    return chart;
  }

  function concentration(el, d) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    var options = baseOptions();
    options.tooltip = { trigger: "item", formatter: function (p) {
      return p.name + ": " + p.value + "% from " + (d.rows[p.dataIndex].supplier || "?");
    } };
    options.xAxis = { type: "value", max: 100, name: "% of imports from the top supplier" };
    options.yAxis = { type: "category", data: d.rows.map(function (r) { return r.mineral; }) };
    options.series = [{
      type: "bar",
      data: d.rows.map(function (r) {
        return { value: r.share, itemStyle: { color: r.share > d.threshold ? "#d4351c" : "#1d70b8" } };
      }),
      markLine: { symbol: "none", data: [{ xAxis: d.threshold, name: d.threshold + "%" }],
                  lineStyle: { color: "#0b0c0c", type: "dashed" },
                  label: { formatter: d.threshold + "% line" } }
    }];
    chart.setOption(options);
    return chart;
  }

  function network(el, d) {
    var max = 1;
    d.edges.forEach(function (e) { if (e.weight > max) { max = e.weight; } });
    var elements = d.nodes.map(function (n) {
      return { data: { id: n.id, label: n.id, title: n.label, focus: n.focus ? 1 : 0 } };
    }).concat(d.edges.map(function (e, i) {
      return { data: { id: "e" + i, source: e.source, target: e.target, weight: e.weight } };
    }));
    var cy = cytoscape({
      container: el,
      elements: elements,
      userZoomingEnabled: false,
      boxSelectionEnabled: false,
      style: [
        { selector: "node", style: {
          "label": "data(label)", "font-size": 11, "color": "#0b0c0c",
          "text-valign": "center", "text-halign": "center",
          "background-color": "#9fc3e7", "width": 34, "height": 34 } },
        { selector: "node[focus = 1]", style: {
          "background-color": "#1d70b8", "color": "#ffffff", "width": 46, "height": 46 } },
        { selector: "edge", style: {
          "curve-style": "haystack", "line-color": "#505a5f", "opacity": 0.55,
          "width": "mapData(weight, 1, " + Math.max(max, 2) + ", 1, 9)" } }
      ],
      layout: { name: d.nodes.length > 2 ? "concentric" : "grid",
                concentric: function (n) { return n.data("focus") ? 2 : 1; },
                levelWidth: function () { return 1; }, animate: false, padding: 16 }
    });
    return cy;
  }

  var DRAW = { bar: bar, stacked: stacked, concentration: concentration, network: network };

  function drawAll() {
    var charts = [];
    Array.prototype.forEach.call(document.querySelectorAll("[data-chart]"), function (el) {
      var kind = el.getAttribute("data-chart");
      var d = data(el);
      var lib = kind === "network" ? window.cytoscape : window.echarts;
      if (!d || !lib || !DRAW[kind]) { return; }
      el.classList.add("is-drawn");
      charts.push(DRAW[kind](el, d));
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { if (c.resize) { c.resize(); } });
    });
  }

  // Filter forms whose selects apply on change (the submit button stays for keyboards).
  function autoSubmit() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-autosubmit] select"),
      function (select) {
        select.addEventListener("change", function () { select.form.submit(); });
      });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawAll();
    autoSubmit();
  });
})();
