/* The dashboard's charts (dashboard/overview.html): every table that has a chart is drawn with
   Apache ECharts (static/vendor/echarts, SVG renderer: crisp on screen and on paper) from the same
   rows the table beside it shows, read from the page's json_script "dashboard-tables".

   A chart is { type: line | bar | pie, x: the category column, y: [the columns drawn] }. Rates
   (0–1) read as percentages, hours with one decimal, counts with thousands separators, nothing as
   a dash: the same as the table cells (dashboard/formatting.py). A row that drills down (the
   ranking) opens its dashboard when its bar is clicked. Charts follow their box's size (window
   resized, phone turned, page printed). When a chart has finished drawing its box gets
   data-drawn="1". */
(function () {
  "use strict";

  var PALETTE = ["#b71c1c", "#1f6fb2", "#2e7d32", "#c77700", "#6a4c93", "#00838f", "#8d6e63", "#607d8b",
                 "#d81b60", "#558b2f"];
  var FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", ' +
             'system-ui, sans-serif';
  var INK = "#1f2328";
  var MUTED = "#5f6873";
  var LINE = "#dfe3e8";

  function grouped(text) {
    return text.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  // A value as the table cell shows it.
  function format(value, kind) {
    if (value === null || value === undefined || value === "") return "—";
    var n = Number(value);
    if (kind === "rate") return (n * 100).toFixed(1) + "%";
    if (kind === "hours") return n.toFixed(1);
    if (kind === "count" || kind === "number") {
      if (Number.isInteger(n)) return grouped(String(n));
      return String(n);
    }
    return String(value);
  }

  // An axis tick: whole percentages for rates.
  function tick(value, kind) {
    if (kind === "rate") return Math.round(value * 100) + "%";
    if (kind === "hours") return Number(value).toFixed(Number.isInteger(value) ? 0 : 1);
    return grouped(String(value));
  }

  function column(table, key) {
    for (var i = 0; i < table.columns.length; i++) {
      if (table.columns[i].key === key) return table.columns[i];
    }
    return { key: key, label: key, kind: "number" };
  }

  function categories(table) {
    return table.rows.map(function (row) {
      var v = row[table.chart.x];
      return v === null || v === undefined || v === "" ? "—" : String(v);
    });
  }

  function values(table, key) {
    return table.rows.map(function (row) {
      var v = row[key];
      return v === null || v === undefined || v === "" ? null : Number(v);
    });
  }

  function valueAxis(kind) {
    var axis = {
      type: "value",
      axisLabel: { color: MUTED, formatter: function (v) { return tick(v, kind); } },
      splitLine: { lineStyle: { color: LINE } }
    };
    if (kind === "rate") {
      // Rates on their whole scale, 0–100%: a difference looks as big as it is.
      axis.min = 0;
      axis.max = 1;
    } else {
      axis.minInterval = kind === "count" ? 1 : 0;
    }
    return axis;
  }

  function base(kind, series) {
    return {
      color: PALETTE,
      textStyle: { fontFamily: FONT, color: INK },
      animationDuration: 400,
      animation: !window.matchMedia("(prefers-reduced-motion: reduce)").matches,
      tooltip: {
        confine: true,
        valueFormatter: function (v) { return format(v, kind); },
        textStyle: { fontFamily: FONT }
      },
      legend: series > 1 ? { type: "scroll", bottom: 0, textStyle: { color: INK } } : { show: false },
      grid: { left: 8, right: 24, top: 20, bottom: series > 1 ? 36 : 8, containLabel: true }
    };
  }

  function lineOption(table) {
    var ys = table.chart.y.map(function (key) { return column(table, key); });
    var kind = ys[0].kind;
    var option = base(kind, ys.length);
    option.tooltip.trigger = "axis";
    option.xAxis = { type: "category", data: categories(table), boundaryGap: false,
                     axisLabel: { color: MUTED }, axisLine: { lineStyle: { color: LINE } } };
    option.yAxis = valueAxis(kind);
    option.series = ys.map(function (c) {
      return { type: "line", name: c.label, data: values(table, c.key), symbolSize: 6, connectNulls: false };
    });
    return option;
  }

  function barOption(table, hrefs) {
    var ys = table.chart.y.map(function (key) { return column(table, key); });
    var kind = ys[0].kind;
    var names = categories(table);
    var longest = names.reduce(function (m, n) { return Math.max(m, n.length); }, 0);
    // Many or long names read better as horizontal bars, in the table's order, top down.
    var horizontal = names.length > 5 || longest > 6;
    var option = base(kind, ys.length);
    option.tooltip.trigger = "axis";
    option.tooltip.axisPointer = { type: "shadow" };
    var cats = { type: "category", data: names, axisLine: { lineStyle: { color: LINE } }, axisTick: { show: false },
                 axisLabel: { color: INK, interval: 0, width: horizontal ? 112 : 96, overflow: "truncate" } };
    if (horizontal) {
      cats.inverse = true;
      option.yAxis = cats;
      option.xAxis = valueAxis(kind);
      option.grid.right = 56;
    } else {
      option.xAxis = cats;
      option.yAxis = valueAxis(kind);
    }
    var clickable = hrefs && hrefs.some(Boolean);
    option.series = ys.map(function (c) {
      return {
        type: "bar", name: c.label, data: values(table, c.key), barMaxWidth: 36,
        cursor: clickable ? "pointer" : "default",
        label: { show: true, position: horizontal ? "right" : "top", color: INK,
                 formatter: function (p) { return p.value === null ? "" : format(p.value, c.kind); } }
      };
    });
    return option;
  }

  function pieOption(table) {
    var y = column(table, table.chart.y[0]);
    var names = categories(table);
    var data = values(table, y.key).map(function (v, i) { return { name: names[i], value: v }; });
    var option = base(y.kind, 1);
    delete option.grid;
    option.tooltip.trigger = "item";
    option.tooltip.formatter = function (p) {
      return p.marker + p.name + "　" + format(p.value, y.kind) + "（" + p.percent.toFixed(1) + "%）";
    };
    option.series = [{
      type: "pie", name: y.label, data: data, radius: ["36%", "62%"], center: ["50%", "44%"],
      avoidLabelOverlap: true, itemStyle: { borderColor: "#fff", borderWidth: 2 },
      label: { color: INK, formatter: function (p) { return p.name + "\n" + p.percent.toFixed(1) + "%"; } }
    }];
    return option;
  }

  // Horizontal bars get a row of height per category so long lists stay legible.
  function heightFor(table, option) {
    if (table.chart.type === "bar" && option.yAxis && option.yAxis.type === "category") {
      return Math.max(240, table.rows.length * 30 * table.chart.y.length + 60);
    }
    return 300;
  }

  function optionFor(table) {
    if (table.chart.type === "line") return lineOption(table);
    if (table.chart.type === "pie") return pieOption(table);
    return barOption(table, table.hrefs);
  }

  function draw(box, table) {
    var option = optionFor(table);
    box.style.height = heightFor(table, option) + "px";
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    chart.on("finished", function () { box.setAttribute("data-drawn", "1"); });
    chart.setOption(option);
    if (table.hrefs && table.hrefs.some(Boolean)) {
      chart.on("click", function (p) {
        var href = table.hrefs[p.dataIndex];
        if (href) window.location.assign(href);
      });
    }
    return chart;
  }

  function start() {
    var source = document.getElementById("dashboard-tables");
    if (!source || !window.echarts) return;
    var tables = {};
    JSON.parse(source.textContent).forEach(function (t) { tables[t.key] = t; });
    var charts = [];
    document.querySelectorAll(".chart[data-table]").forEach(function (box) {
      var table = tables[box.getAttribute("data-table")];
      if (table && table.chart && table.rows.length) charts.push(draw(box, table));
    });
    var pending = null;
    function resize() {
      charts.forEach(function (c) { c.resize(); });
    }
    function later() {
      if (pending) window.cancelAnimationFrame(pending);
      pending = window.requestAnimationFrame(function () { pending = null; resize(); });
    }
    window.addEventListener("resize", later);
    window.addEventListener("orientationchange", later);
    // Printing lays the page out on paper: draw at the printed width before, and back after.
    window.addEventListener("beforeprint", resize);
    window.addEventListener("afterprint", resize);
    if (window.ResizeObserver) {
      var observer = new ResizeObserver(later);
      document.querySelectorAll(".chart[data-table]").forEach(function (box) { observer.observe(box); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
