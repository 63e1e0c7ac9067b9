// ECharts, only the parts the dashboard draws with (tree-shaken by esbuild).
import * as echarts from 'echarts/core';
import { BarChart, GraphChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { h } from './dom.js';

echarts.use([BarChart, GraphChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

// The same CJK stack as the page's CSS: the canvas does not inherit it.
const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';

const live = new Set();
let pending = [];

/** Disposes the charts of the view being left. */
export function disposeCharts() {
  for (const c of live) c.dispose();
  live.clear();
}

/**
 * Draws the charts made since the last call, once their boxes are in the
 * document (ECharts sizes a chart by its box: a detached one has none).
 */
export function drawCharts() {
  const todo = pending;
  pending = [];
  for (const { el, option } of todo) {
    if (!el.isConnected) continue;
    const c = echarts.init(el, null, { renderer: 'canvas' });
    c.setOption({ textStyle: { fontFamily: FONT }, animation: false, ...option });
    live.add(c);
  }
}

window.addEventListener('resize', () => {
  for (const c of live) c.resize();
});

/** A chart box, drawn by drawCharts once it is in the document. */
export function chart(testid, option, { height = 300 } = {}) {
  const el = h('div', { class: 'chart', testid });
  el.style.height = `${height}px`;
  pending.push({ el, option });
  return el;
}

/**
 * The monthly trend: violations as bars, the on-time rate of share
 * requests as a line on a percentage axis.
 */
export function trendChart(testid, monthly) {
  const months = monthly.map((m) => String(m.month).slice(0, 7));
  return chart(testid, {
    tooltip: { trigger: 'axis' },
    legend: { top: 0, data: ['违规数', '共享申请按时答复率', '开放申请按时答复率'] },
    grid: { left: 48, right: 56, top: 48, bottom: 28 },
    xAxis: { type: 'category', data: months },
    yAxis: [
      { type: 'value', name: '违规数', minInterval: 1 },
      { type: 'value', name: '按时率', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
    ],
    series: [
      { name: '违规数', type: 'bar', data: monthly.map((m) => m.violations), itemStyle: { color: '#c0392b' } },
      { name: '共享申请按时答复率', type: 'line', yAxisIndex: 1, connectNulls: true, data: monthly.map((m) => rate(m.shareRequests)) },
      { name: '开放申请按时答复率', type: 'line', yAxisIndex: 1, connectNulls: true, data: monthly.map((m) => rate(m.openRequests)) },
    ],
  });
}

function rate(r) {
  return r && r.rate !== null && r.rate !== undefined ? Math.round(r.rate * 1000) / 10 : null;
}

/** Horizontal bars of the departments with the most violations. */
export function worstChart(testid, scorecards) {
  const rows = [...scorecards].reverse();
  return chart(testid, {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 180, right: 24, top: 16, bottom: 24 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((s) => s.department.name), axisLabel: { width: 170, overflow: 'truncate' } },
    series: [{ name: '违规数', type: 'bar', data: rows.map((s) => s.figures.violations), itemStyle: { color: '#d35400' } }],
  }, { height: Math.max(200, 28 * rows.length + 40) });
}

const CATEGORIES = [
  { name: '部门', typename: 'Department' },
  { name: '数据元', typename: 'DataElement' },
  { name: '数据资源', typename: 'Resource' },
  { name: '主题库/基础库', typename: 'ThemeDatabase' },
];

/**
 * The lineage walk as a graph: each node once, each edge (from → to) once,
 * with its kind as the label.
 */
export function lineageChart(testid, startId, nodes, edgeLabel) {
  const present = new Set(nodes.map((n) => n.node && n.node.id).filter(Boolean));
  const data = nodes
    .filter((n) => n.node)
    .map((n) => ({
      id: n.node.id,
      name: n.node.name || n.node.code || n.node.id,
      category: Math.max(0, CATEGORIES.findIndex((c) => c.typename === n.node.__typename)),
      symbolSize: n.node.id === startId ? 34 : 20,
      label: { show: true },
    }));
  const seen = new Set();
  const links = [];
  for (const n of nodes) {
    for (const e of n.via || []) {
      const key = `${e.from}>${e.to}>${e.kind}`;
      if (seen.has(key) || !present.has(e.from) || !present.has(e.to)) continue;
      seen.add(key);
      links.push({ source: e.from, target: e.to, kind: e.kind });
    }
  }
  // Edge labels only where they can be read.
  const labelled = links.length <= 40;
  for (const l of links) l.label = { show: labelled, formatter: edgeLabel(l.kind), fontSize: 10 };
  return chart(testid, {
    tooltip: {},
    legend: { data: CATEGORIES.map((c) => c.name) },
    series: [{
      type: 'graph',
      layout: 'force',
      force: { repulsion: 260, edgeLength: [60, 120], layoutAnimation: false },
      roam: true,
      draggable: true,
      categories: CATEGORIES.map((c) => ({ name: c.name })),
      data,
      links,
      edgeSymbol: ['none', 'arrow'],
      edgeSymbolSize: 7,
      lineStyle: { color: 'source', opacity: 0.7 },
      emphasis: { focus: 'adjacency' },
    }],
  }, { height: 520 });
}
