/* curvelint report.html: draws each panel with uPlot (assets/uPlot.iife.min.js) from the JSON
   in <script id="curvelint-data">. Log text is only ever set with textContent (never
   innerHTML); uPlot sets its legend labels with textContent too. NaN and inf points are data:
   each is marked on the chart and named in the hover legend. */
(function () {
  "use strict";

  var KINDS = { NaN: "NaN", Infinity: "inf", "-Infinity": "-inf" };
  var NON_FINITE_COLOUR = "#b2182b";
  var SHADE_FILL = "rgba(253, 174, 97, 0.28)";
  var HEIGHT = 280;

  function decode(value) {
    return typeof value === "string" ? Number(value) : value;
  }

  function kindOf(value) {
    return typeof value === "string" ? KINDS[value] || value : null;
  }

  function formatValue(value) {
    if (value == null) return "--";
    if (!Number.isFinite(value)) return KINDS[String(value)] || String(value);
    var size = Math.abs(value);
    if (size !== 0 && (size >= 1e6 || size < 1e-3)) {
      return value.toExponential(3).replace(/\.?0+e/, "e");
    }
    return String(Number(value.toPrecision(4)));
  }

  function formatTick(value) {
    return value == null ? "" : formatValue(value);
  }

  function formatX(value) {
    if (value == null) return "--";
    return Number.isInteger(value) ? value.toLocaleString("en-US") : formatValue(value);
  }

  /* TensorBoard's slider: an exponential moving average, debiased at the start, over the
     finite points in order. Alignment gaps stay undefined, non-finite points stay null. */
  function smooth(values, weight) {
    var out = new Array(values.length);
    var last = 0;
    var count = 0;
    for (var i = 0; i < values.length; i++) {
      var value = values[i];
      if (value === undefined) {
        out[i] = undefined;
      } else if (value === null) {
        out[i] = null;
      } else {
        count += 1;
        last = last * weight + (1 - weight) * value;
        out[i] = weight > 0 ? last / (1 - Math.pow(weight, count)) : value;
      }
    }
    return out;
  }

  /* One x array for every curve of a panel (uPlot's aligned data); a curve has undefined
     where another curve has a point, which uPlot skips when drawing and hovering. */
  function alignedData(panel) {
    var seen = new Map();
    panel.curves.forEach(function (curve) {
      curve.x.forEach(function (x) { seen.set(decode(x), true); });
    });
    var xs = Array.from(seen.keys()).sort(function (a, b) { return a - b; });
    var position = new Map(xs.map(function (x, i) { return [x, i]; }));
    var curves = panel.curves.map(function (curve) {
      var raw = new Array(xs.length).fill(undefined);
      var kinds = new Array(xs.length).fill(null);
      curve.y.forEach(function (y, i) {
        var at = position.get(decode(curve.x[i]));
        var value = decode(y);
        raw[at] = Number.isFinite(value) ? value : null;
        kinds[at] = Number.isFinite(value) ? null : kindOf(y);
      });
      return { curve: curve, raw: raw, kinds: kinds };
    });
    return { xs: xs, curves: curves };
  }

  function valueFormatter(kinds) {
    return function (u, value, seriesIndex, index) {
      if (index == null) return "--";
      if (kinds && kinds[index]) return kinds[index];
      return formatValue(value);
    };
  }

  function seriesFor(aligned, weight) {
    var series = [];
    var data = [];
    var dense = [];
    aligned.curves.forEach(function (item) {
      var curve = item.curve;
      if (curve.style === "dense") {
        series.push({ label: curve.label, stroke: curve.colour + "55", width: 1,
                      points: { show: false }, value: valueFormatter(item.kinds) });
        data.push(item.raw);
        series.push({ label: curve.label + " (smoothed)", stroke: curve.colour, width: 2,
                      points: { show: false }, value: valueFormatter(null) });
        dense.push({ index: data.length + 1, raw: item.raw });  // in the chart's data, 0 is x
        data.push(smooth(item.raw, weight));
      } else {
        series.push({ label: curve.label, stroke: curve.colour, width: 2,
                      points: { show: curve.style === "sparse", size: 6, fill: curve.colour },
                      value: valueFormatter(item.kinds) });
        data.push(item.raw);
      }
    });
    return { series: series, data: data, dense: dense };
  }

  function zoomed(u, xs) {
    var scale = u.scales.x;
    if (xs.length === 0 || scale.min == null || scale.max == null) return false;
    return scale.min > xs[0] || scale.max < xs[xs.length - 1];
  }

  /* A log axis over many decades: labels, ticks and grid lines at powers of ten only, and
     only every few decades when they would crowd (a diverged loss spans 25 decades). */
  function decadeFilter(u, splits, axisIndex) {
    var scale = u.axes[axisIndex].scale;
    var perDecade = Math.abs(u.valToPos(1, scale) - u.valToPos(10, scale)) || 1;
    var every = Math.max(1, Math.ceil(28 / perDecade));
    return splits.map(function (value) {
      var exponent = Math.log10(value);
      var whole = Math.round(exponent);
      var keep = Math.abs(exponent - whole) < 1e-9 && whole % every === 0;
      return keep ? value : null;
    });
  }

  function yAxis(panel) {
    var axis = { label: panel.y_label, size: 64,
                 values: function (u, ticks) { return ticks.map(formatTick); } };
    if (panel.log_y) {
      axis.filter = decadeFilter;
      axis.ticks = { filter: decadeFilter };
      axis.grid = { filter: decadeFilter };
    }
    return axis;
  }

  function yScale(panel, xs) {
    if (panel.log_y) return { distr: 3 };
    var limits = panel.y_limits ? panel.y_limits.map(decode) : null;
    return {
      range: function (u, min, max) {
        if (limits && !zoomed(u, xs)) return limits;
        if (min == null || max == null) return [0, 1];
        return uPlot.rangeNum(min, max, 0.1, true);
      },
    };
  }

  function xPosition(u, x) {
    return u.valToPos(x, "x", true);
  }

  function inPlot(u, position) {
    return position >= u.bbox.left && position <= u.bbox.left + u.bbox.width;
  }

  function drawShades(panel) {
    return function (u) {
      var ctx = u.ctx;
      var box = u.bbox;
      ctx.save();
      ctx.fillStyle = SHADE_FILL;
      panel.shades.forEach(function (shade) {
        var left = Math.max(box.left, xPosition(u, decode(shade.start)));
        var right = Math.min(box.left + box.width, xPosition(u, decode(shade.end)));
        if (right > left) ctx.fillRect(left, box.top, right - left, box.height);
      });
      ctx.restore();
    };
  }

  function drawTriangle(ctx, x, y, size, pointsDown) {
    var tip = pointsDown ? y + size : y - size;
    ctx.beginPath();
    ctx.moveTo(x - size / 1.4, y);
    ctx.lineTo(x + size / 1.4, y);
    ctx.lineTo(x, tip);
    ctx.closePath();
    ctx.fill();
  }

  function drawChangepoints(u, panel) {
    var ctx = u.ctx;
    var box = u.bbox;
    ctx.strokeStyle = "#595959";
    ctx.lineWidth = devicePixelRatio;
    ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
    panel.changepoints.forEach(function (x) {
      var position = xPosition(u, decode(x));
      if (!inPlot(u, position)) return;
      ctx.beginPath();
      ctx.moveTo(position, box.top);
      ctx.lineTo(position, box.top + box.height);
      ctx.stroke();
    });
    ctx.setLineDash([]);
  }

  /* Every NaN/inf point: a red triangle on the edge of the plot (top for NaN and +inf,
     bottom for -inf) over a faint red line. */
  function drawNonFinite(u, panel) {
    var ctx = u.ctx;
    var box = u.bbox;
    var size = 6 * devicePixelRatio;
    ctx.fillStyle = NON_FINITE_COLOUR;
    ctx.strokeStyle = "rgba(178, 24, 43, 0.15)";
    ctx.lineWidth = devicePixelRatio;
    panel.curves.forEach(function (curve) {
      curve.y.forEach(function (y, i) {
        var kind = kindOf(y);
        if (kind === null) return;
        var position = xPosition(u, decode(curve.x[i]));
        if (!inPlot(u, position)) return;
        ctx.beginPath();
        ctx.moveTo(position, box.top);
        ctx.lineTo(position, box.top + box.height);
        ctx.stroke();
        if (kind === "-inf") drawTriangle(ctx, position, box.top + box.height, size, false);
        else drawTriangle(ctx, position, box.top, size, true);
      });
    });
  }

  function drawBest(u, panel) {
    var ctx = u.ctx;
    panel.curves.forEach(function (curve) {
      if (!curve.best) return;
      var x = xPosition(u, decode(curve.best.x));
      var y = u.valToPos(decode(curve.best.value), "y", true);
      if (!inPlot(u, x) || !Number.isFinite(y)) return;
      ctx.beginPath();
      ctx.arc(x, y, 5 * devicePixelRatio, 0, 2 * Math.PI);
      ctx.fillStyle = curve.colour;
      ctx.fill();
      ctx.lineWidth = 1.5 * devicePixelRatio;
      ctx.strokeStyle = "#000";
      ctx.stroke();
    });
  }

  function drawMarks(panel) {
    return function (u) {
      u.ctx.save();
      drawChangepoints(u, panel);
      drawNonFinite(u, panel);
      drawBest(u, panel);
      u.ctx.restore();
    };
  }

  /* The epoch of a step, interpolated in the plot's step → epoch table (null: none). */
  function epochAt(epochs, x) {
    if (!epochs || x == null) return null;
    var steps = epochs.steps.map(decode);
    var values = epochs.epochs.map(decode);
    if (x <= steps[0]) return values[0];
    for (var i = 1; i < steps.length; i++) {
      if (x <= steps[i]) {
        var span = steps[i] - steps[i - 1];
        var share = span > 0 ? (x - steps[i - 1]) / span : 1;
        return values[i - 1] + share * (values[i] - values[i - 1]);
      }
    }
    return values[values.length - 1];
  }

  function xLegend(epochs) {
    return function (u, x) {
      var epoch = epochAt(epochs, x);
      var text = formatX(x);
      return epoch == null ? text : text + " (epoch " + Number(epoch.toFixed(2)) + ")";
    };
  }

  function makeChart(element, panel, weight, epochs) {
    var aligned = alignedData(panel);
    var built = seriesFor(aligned, weight);
    var options = {
      width: Math.max(320, element.clientWidth),
      height: HEIGHT,
      scales: { x: { time: false }, y: yScale(panel, aligned.xs) },
      axes: [
        { label: panel.x_label, values: function (u, ticks) { return ticks.map(function (x) { return x == null ? "" : formatX(x); }); } },
        yAxis(panel),
      ],
      series: [{ label: panel.x_label, value: xLegend(epochs) }]
        .concat(built.series),
      cursor: { drag: { x: true, y: false } },
      hooks: { drawClear: [drawShades(panel)], draw: [drawMarks(panel)] },
    };
    var chart = new uPlot(options, [aligned.xs].concat(built.data), element);
    return { chart: chart, element: element, dense: built.dense };
  }

  /* New data resets the scales: a zoomed chart is zoomed back to where it was. */
  function resmooth(entry, weight) {
    var chart = entry.chart;
    var data = chart.data.slice();
    var xs = data[0];
    var view = zoomed(chart, xs) ? { min: chart.scales.x.min, max: chart.scales.x.max } : null;
    entry.dense.forEach(function (item) { data[item.index] = smooth(item.raw, weight); });
    chart.setData(data);
    if (view) chart.setScale("x", view);
  }

  function start() {
    var source = document.getElementById("curvelint-data");
    var slider = document.getElementById("smoothing");
    var shown = document.getElementById("smoothing-value");
    if (!source) return;
    var report = JSON.parse(source.textContent);
    var weight = slider ? Number(slider.value) : 0.6;
    var entries = [];
    report.plots.forEach(function (plot, p) {
      plot.panels.forEach(function (panel, q) {
        var element = document.getElementById("chart-" + p + "-" + q);
        if (element) entries.push(makeChart(element, panel, weight, plot.epochs));
      });
    });
    if (slider) {
      slider.addEventListener("input", function () {
        var value = Number(slider.value);
        if (shown) shown.textContent = value.toFixed(2);
        entries.forEach(function (entry) { resmooth(entry, value); });
      });
    }
    window.addEventListener("resize", function () {
      entries.forEach(function (entry) {
        entry.chart.setSize({ width: Math.max(320, entry.element.clientWidth), height: HEIGHT });
      });
    });
    // The uPlot instances, for the browser's console and the browser tests.
    window.curvelintCharts = entries.map(function (entry) { return entry.chart; });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
