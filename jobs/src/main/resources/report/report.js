/* cxlake report: draws the charts of a page from the JSON the page carries (#report-data).
 * Each chart names a kind; a renderer below turns its data into an ECharts option. Rendered
 * as SVG (sharp at any zoom, and checkable in the DOM); no animation (screenshots are final).
 * A chart container gets data-rendered="true" once drawn; an error anywhere is listed in
 * #report-errors and on <body data-errors>, which the browser test reads. */
(function () {
  'use strict';
  // Okabe-Ito: distinguishable with the common colour-vision deficiencies.
  var PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
  var SYMBOLS = ['circle', 'rect', 'triangle', 'diamond', 'pin', 'arrow', 'roundRect', 'emptyCircle'];

  function fmt(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return '–';
    if (typeof v !== 'number') return String(v);
    var d = digits !== undefined ? digits : Number.isInteger(v) || Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
    return v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
  }

  function base(data) {
    return {
      animation: false,
      color: PALETTE,
      textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
      grid: { left: 8, right: 24, top: 40, bottom: data.zoom ? 56 : 24, containLabel: true },
      legend: { top: 0, type: 'scroll' },
      tooltip: { trigger: 'axis', confine: true }
    };
  }

  function valueAxis(name, extra) {
    var axis = { type: 'value', name: name, nameTextStyle: { align: 'left' } };
    Object.keys(extra || {}).forEach(function (k) { axis[k] = extra[k]; });
    return axis;
  }

  function zoom(option, data) {
    if (data.zoom) option.dataZoom = [{ type: 'slider', bottom: 8, height: 18 }, { type: 'inside' }];
    return option;
  }

  /* Lines over periods, with an optional confidence band per series and hollow markers on
   * low-confidence points. data: {x: [labels], yName, series: [{name, y, low?, high?, weak?}]} */
  function line(data) {
    var o = base(data);
    o.xAxis = { type: 'category', data: data.x, boundaryGap: false };
    o.yAxis = valueAxis(data.yName, { scale: true });
    o.series = [];
    o.tooltip.formatter = function (params) {
      var out = [params[0].axisValueLabel];
      params.forEach(function (p) {
        if (p.seriesType !== 'line' || p.seriesName.indexOf('band') === 0) return;
        var s = data.series.find(function (x) { return x.name === p.seriesName; });
        var i = p.dataIndex;
        var ci = s && s.low ? ' [' + fmt(s.low[i]) + ', ' + fmt(s.high[i]) + ']' : '';
        var weak = s && s.weak && s.weak[i] ? ' (low confidence)' : '';
        out.push(p.marker + p.seriesName + ': ' + fmt(p.value) + ci + weak);
      });
      return out.join('<br>');
    };
    data.series.forEach(function (s, k) {
      var colour = PALETTE[k % PALETTE.length];
      if (s.low && s.high) {
        var stack = 'band' + k;
        o.series.push({ name: 'band' + k, type: 'line', data: s.low, stack: stack, symbol: 'none', silent: true,
          lineStyle: { opacity: 0 }, areaStyle: { opacity: 0 }, tooltip: { show: false } });
        o.series.push({ name: 'band' + k + 'w', type: 'line', stack: stack, symbol: 'none', silent: true,
          data: s.high.map(function (h, i) { return h === null || s.low[i] === null ? null : h - s.low[i]; }),
          lineStyle: { opacity: 0 }, areaStyle: { color: colour, opacity: 0.18 }, tooltip: { show: false } });
      }
      o.series.push({
        name: s.name, type: 'line', color: colour, symbol: SYMBOLS[k % SYMBOLS.length], symbolSize: 7,
        data: s.y.map(function (v, i) {
          var weak = s.weak && s.weak[i];
          return { value: v, symbol: weak ? 'emptyCircle' : undefined, symbolSize: weak ? 9 : 7 };
        })
      });
    });
    o.legend.data = data.series.map(function (s) { return s.name; });
    return zoom(o, data);
  }

  /* Bars by category, optionally horizontal, with interval whiskers.
   * data: {categories, horizontal?, yName, series: [{name, y, low?, high?}]} */
  function bar(data) {
    var o = base(data);
    var cat = { type: 'category', data: data.categories, axisLabel: { interval: 0, width: 160, overflow: 'truncate' } };
    var val = valueAxis(data.yName);
    if (data.horizontal) {
      cat.inverse = true;
      o.xAxis = val; o.yAxis = cat;
    } else {
      cat.axisLabel.rotate = data.categories.length > 6 ? 30 : 0;
      o.xAxis = cat; o.yAxis = val;
    }
    o.tooltip.trigger = 'axis';
    o.tooltip.axisPointer = { type: 'shadow' };
    o.series = [];
    data.series.forEach(function (s, k) {
      o.series.push({ name: s.name, type: 'bar', data: s.y, itemStyle: { color: PALETTE[k % PALETTE.length] },
        label: data.labels ? { show: true, position: data.horizontal ? 'right' : 'top', formatter: function (p) { return fmt(p.value); } } : undefined });
      if (s.low && s.high) {
        o.series.push({ name: s.name + ' interval', type: 'custom', z: 10, tooltip: { show: false },
          data: s.low.map(function (l, i) { return [i, l, s.high[i]]; }),
          renderItem: whisker(data.horizontal, data.series.length, k) });
      }
    });
    o.legend.data = data.series.map(function (s) { return s.name; });
    return o;
  }

  function whisker(horizontal, count, k) {
    return function (params, api) {
      if (api.value(1) === null || api.value(2) === null || Number.isNaN(api.value(1))) return null;
      var lo = horizontal ? api.coord([api.value(1), api.value(0)]) : api.coord([api.value(0), api.value(1)]);
      var hi = horizontal ? api.coord([api.value(2), api.value(0)]) : api.coord([api.value(0), api.value(2)]);
      if (!lo.concat(hi).every(Number.isFinite)) return null;
      var band = api.size(horizontal ? [0, 1] : [1, 0])[horizontal ? 1 : 0];
      var offset = (k - (count - 1) / 2) * band * 0.8 / count;
      var cap = band * 0.15;
      var style = { stroke: '#222', lineWidth: 1.5 };
      if (horizontal) {
        var y = lo[1] + offset;
        return { type: 'group', children: [
          { type: 'line', shape: { x1: lo[0], y1: y, x2: hi[0], y2: y }, style: style },
          { type: 'line', shape: { x1: lo[0], y1: y - cap, x2: lo[0], y2: y + cap }, style: style },
          { type: 'line', shape: { x1: hi[0], y1: y - cap, x2: hi[0], y2: y + cap }, style: style }] };
      }
      var x = lo[0] + offset;
      return { type: 'group', children: [
        { type: 'line', shape: { x1: x, y1: lo[1], x2: x, y2: hi[1] }, style: style },
        { type: 'line', shape: { x1: x - cap, y1: lo[1], x2: x + cap, y2: lo[1] }, style: style },
        { type: 'line', shape: { x1: x - cap, y1: hi[1], x2: x + cap, y2: hi[1] }, style: style }] };
    };
  }

  /* A grid of values. data: {x, y, cells: [[xi, yi, v]], valueName, diverging?} */
  function heatmap(data) {
    var o = base(data);
    o.tooltip = { position: 'top', confine: true, formatter: function (p) {
      return data.y[p.value[1]] + ' · ' + data.x[p.value[0]] + ': ' + fmt(p.value[2]); } };
    o.grid.bottom = 64;
    o.xAxis = { type: 'category', data: data.x, name: data.xName, nameLocation: 'middle', nameGap: 28, axisLabel: { interval: 0, rotate: data.x.length > 6 ? 30 : 0 } };
    o.yAxis = { type: 'category', data: data.y, name: data.yName, inverse: !!data.yInverse, nameTextStyle: { align: 'left' },
      axisLabel: { width: 200, overflow: 'truncate' } };
    var values = data.cells.map(function (c) { return c[2]; }).filter(function (v) { return v !== null; });
    var max = Math.max.apply(null, values.map(Math.abs).concat([1e-9]));
    o.visualMap = data.diverging
      // blue-white-orange: no red/green pair
      ? { min: -max, max: max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#0072B2', '#f7f7f7', '#E69F00'] } }
      : { min: 0, max: max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#f7fbff', '#0072B2'] } };
    o.series = [{ name: data.valueName, type: 'heatmap', data: data.cells,
      label: { show: data.cells.length <= 120, formatter: function (p) { return fmt(p.value[2], data.digits); } } }];
    delete o.legend;
    return o;
  }

  /* Points with names, grouped by shape and colour, optional reference lines.
   * data: {xName, yName, points: [{name, x, y, group}], xLine?, yLine?} */
  function scatter(data) {
    var o = base(data);
    o.tooltip = { trigger: 'item', confine: true, formatter: function (p) {
      return p.data.name + '<br>' + data.xName + ': ' + fmt(p.data.value[0]) + '<br>' + data.yName + ': ' + fmt(p.data.value[1]); } };
    o.xAxis = { type: 'value', name: data.xName, nameLocation: 'middle', nameGap: 26, scale: true };
    o.yAxis = valueAxis(data.yName, { scale: true });
    o.grid.bottom = 40;
    var groups = [];
    data.points.forEach(function (p) { if (groups.indexOf(p.group) < 0) groups.push(p.group); });
    o.series = groups.map(function (g, k) {
      return { name: g, type: 'scatter', symbol: SYMBOLS[k % SYMBOLS.length], symbolSize: 12,
        label: { show: true, position: 'right', formatter: '{b}', fontSize: 11 },
        data: data.points.filter(function (p) { return p.group === g; })
          .map(function (p) { return { name: p.name, value: [p.x, p.y] }; }) };
    });
    var lines = [];
    if (data.xLine !== undefined && data.xLine !== null) lines.push({ xAxis: data.xLine });
    if (data.yLine !== undefined && data.yLine !== null) lines.push({ yAxis: data.yLine });
    if (lines.length && o.series.length) {
      o.series[0].markLine = { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#555' }, label: { show: false }, data: lines };
    }
    return o;
  }

  /* Kaplan-Meier curves: step lines over a numeric axis with a band (or plain lines: stepped false).
   * data: {xName, yName, yMax?, stepped?, series: [{name, x, y, low?, high?}]} */
  function step(data) {
    var o = base(data);
    o.xAxis = { type: 'value', name: data.xName, nameLocation: 'middle', nameGap: 26, min: 0 };
    o.yAxis = valueAxis(data.yName, { min: 0, max: data.yMax === undefined ? 1 : data.yMax });
    var stepped = data.stepped === false ? false : 'end';
    o.grid.bottom = 40;
    o.tooltip.formatter = function (params) {
      return params.filter(function (p) { return p.seriesName.indexOf('band') !== 0; }).map(function (p) {
        return p.marker + p.seriesName + ' at ' + fmt(p.value[0], 0) + ': ' + fmt(p.value[1], 3); }).join('<br>');
    };
    o.series = [];
    data.series.forEach(function (s, k) {
      var colour = PALETTE[k % PALETTE.length];
      var start = data.stepped === false ? [] : [[0, 1]];
      var pts = start.concat(s.x.map(function (x, i) { return [x, s.y[i]]; }));
      o.series.push({ name: s.name, type: 'line', step: stepped, symbol: 'none', color: colour, data: pts,
        lineStyle: { width: 2, type: ['solid', 'dashed', 'dotted'][k % 3] } });
      if (s.low && s.high) {
        o.series.push({ name: 'band ' + s.name, type: 'line', step: 'end', symbol: 'none', silent: true, color: colour,
          lineStyle: { width: 0.8, opacity: 0.5, type: 'dotted' }, tooltip: { show: false },
          data: start.concat(s.x.map(function (x, i) { return [x, s.low[i] === null ? 1 : s.low[i]]; })) });
        o.series.push({ name: 'band ' + s.name + ' ', type: 'line', step: 'end', symbol: 'none', silent: true, color: colour,
          lineStyle: { width: 0.8, opacity: 0.5, type: 'dotted' }, tooltip: { show: false },
          data: start.concat(s.x.map(function (x, i) { return [x, s.high[i] === null ? 1 : s.high[i]]; })) });
      }
    });
    o.legend.data = data.series.map(function (s) { return s.name; });
    return o;
  }

  /* Ratios with intervals on a log axis, a reference line at 1 (hazard ratios).
   * data: {rows: [{name, value, low, high, p}], xName} */
  function forest(data) {
    var o = base(data);
    var names = data.rows.map(function (r) { return r.name; });
    var values = [];
    data.rows.forEach(function (r) { values.push(r.low, r.high, r.value); });
    values = values.filter(function (v) { return v !== null && v > 0; });
    var min = Math.min.apply(null, values.concat([1])) * 0.9;
    var max = Math.max.apply(null, values.concat([1])) * 1.1;
    // a log axis has no 0: an interval end that underflowed to 0 (or is missing) is drawn to the axis end
    function clamp(v, end) { return v === null || v === undefined || !(v > 0) ? end : Math.min(Math.max(v, min), max); }
    // no split lines: ECharts 5.3 draws one of a log axis at -Infinity (an SVG error in the console)
    o.xAxis = { type: 'log', name: data.xName, nameLocation: 'middle', nameGap: 26, min: min, max: max, splitLine: { show: false },
      axisLabel: { formatter: function (v) { return fmt(v, 2); } } };
    // onZero off: on a log axis "zero" is at -Infinity
    o.yAxis = { type: 'category', data: names, inverse: true, axisLine: { onZero: false },
      axisLabel: { width: 260, overflow: 'truncate' } };
    o.grid.bottom = 40;
    o.tooltip = { trigger: 'item', confine: true, formatter: function (p) {
      var r = data.rows[p.dataIndex];
      return r.name + '<br>' + fmt(r.value) + ' [' + fmt(r.low) + ', ' + fmt(r.high) + ']' + (r.p !== undefined && r.p !== null ? '<br>p = ' + fmt(r.p, 4) : ''); } };
    o.series = [
      { name: data.xName, type: 'scatter', symbol: 'diamond', symbolSize: 11,
        data: data.rows.map(function (r, i) { return [r.value > 0 ? r.value : null, i]; }),
        markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { type: 'dashed', color: '#555' }, data: [{ xAxis: 1 }] } },
      { name: 'interval', type: 'custom', tooltip: { show: false },
        data: data.rows.map(function (r, i) { return [i, clamp(r.low, min), clamp(r.high, max)]; }), renderItem: whisker(true, 1, 0) }
    ];
    delete o.legend;
    return o;
  }

  var RENDERERS = { line: line, bar: bar, heatmap: heatmap, scatter: scatter, step: step, forest: forest };

  function draw(el, chart) {
    var render = RENDERERS[chart.kind];
    if (!render) throw new Error('unknown chart kind ' + chart.kind);
    var existing = echarts.getInstanceByDom(el);
    if (existing) existing.dispose();
    var c = echarts.init(el, null, { renderer: 'svg' });
    c.setOption(render(chart.data));
    el.setAttribute('data-rendered', 'true');
    return c;
  }

  /* A chart with variants (e.g. one per slice) gets a selector above it. */
  function setUp(el, chart) {
    if (!chart.data.variants) return draw(el, chart);
    var names = Object.keys(chart.data.variants);
    var select = document.createElement('select');
    select.setAttribute('aria-label', chart.data.selectLabel || 'Show');
    names.forEach(function (n) {
      var opt = document.createElement('option');
      opt.value = n; opt.textContent = n; select.appendChild(opt);
    });
    var label = document.createElement('label');
    label.className = 'selector';
    label.textContent = (chart.data.selectLabel || 'Show') + ' ';
    label.appendChild(select);
    el.parentNode.insertBefore(label, el);
    var instance = null;
    function show() {
      instance = draw(el, { kind: chart.kind, data: chart.data.variants[select.value] });
    }
    select.addEventListener('change', show);
    show();
    return { resize: function () { if (instance) instance.resize(); } };
  }

  function fail(message) {
    var body = document.body;
    var list = document.getElementById('report-errors');
    body.setAttribute('data-errors', String(Number(body.getAttribute('data-errors') || 0) + 1));
    if (list) {
      var li = document.createElement('li');
      li.textContent = message;
      list.appendChild(li);
      list.hidden = false;
    }
  }
  window.addEventListener('error', function (e) { fail(e.message || String(e)); });
  // ECharts reports bad options with console.error: count those too
  var consoleError = console.error;
  console.error = function () {
    fail(Array.prototype.join.call(arguments, ' '));
    consoleError.apply(console, arguments);
  };

  document.addEventListener('DOMContentLoaded', function () {
    var data = JSON.parse(document.getElementById('report-data').textContent);
    var charts = [];
    Object.keys(data.charts).forEach(function (id) {
      var el = document.getElementById(id);
      try {
        charts.push(setUp(el, data.charts[id]));
      } catch (e) {
        fail(id + ': ' + e.message);
      }
    });
    window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
    document.body.setAttribute('data-charts', String(charts.length));
  });
})();
