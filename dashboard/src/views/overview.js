// The data authority's overview: the compliance figures of a region and
// period, their monthly trend, the departments with the most violations,
// and what is overdue now.
import { gql, shownErrors } from '../api.js';
import { trendChart, worstChart } from '../charts.js';
import { dateOf, errorBox, h, label, pct } from '../dom.js';
import { figureCards } from './figures.js';
import { OVERVIEW, overviewVariables } from '../queries.js';
import { departmentLink, href, n, resourceLink, section, table } from './common.js';

export async function overview(params) {
  const region = params.get('region') || '441400';
  if (!params.get('region')) params.set('region', region);
  const vars = overviewVariables(params);
  const { data, errors } = await gql(OVERVIEW, vars);
  const period = { from: params.get('from'), to: params.get('to') };
  const r = data.complianceReport;
  const out = [filters(params)];
  const shown = shownErrors(errors);
  if (shown.length) out.push(errorBox(shown));
  if (r) {
    out.push(h('p', { class: 'period', testid: 'period' }, `统计期 ${r.from} 至 ${r.to}，目录按 ${dateOf(r.asOf)} 计；期限以应答时判断。`));
    out.push(section('评估指标', 'figures', figureCards(r.total)));
    out.push(section('月度趋势', 'trend', trendChart('trend-chart', r.monthly)));
  }
  const sc = data.departmentScorecards;
  if (sc) {
    out.push(section(`违规最多的部门（共 ${sc.totalCount} 个部门）`, 'worst',
      worstChart('worst-chart', sc.nodes),
      table('worst-table', ['部门', '区划', '违规', '已发布目录', '共享申请按时率', '无条件共享占比', '未按周期更新'],
        sc.nodes.map((s) => ({ s, cells: [departmentLink(s.department, period), s.department.regionCode, n(s.figures.violations),
          n(s.figures.catalogue.entries), n(pct(s.figures.sharing.shareRequests.rate)), n(pct(s.figures.sharing.unconditionalShare)),
          n(s.figures.dataQuality.stale)] })),
        ({ s }) => ({ testid: 'worst-row', dataset: { departmentId: s.department.id } }))));
  }
  const sr = data.shareRequests;
  if (sr) {
    out.push(section('逾期未答复的共享申请', 'overdue-requests',
      h('p', {}, '共 ', h('strong', { testid: 'overdue-requests-count' }, String(sr.totalCount)), ' 件（列出最新 10 件）'),
      table('overdue-requests-table', ['资源', '申请部门', '数源部门', '状态', '提交', '截止日', '剩余工作日', '依据'],
        sr.nodes.map((x) => ({ x, cells: [resourceLink(x.resource), x.requester.name, x.source.name, label('requestStatus', x.status),
          dateOf(x.submittedAt), x.deadline ? x.deadline.dueDate : '—', n(x.deadline && x.deadline.workingDaysLeft), x.deadline ? x.deadline.citation : ''] })),
        ({ x }) => ({ testid: 'overdue-request', dataset: { id: x.id } }))));
  }
  const ds = data.disputes;
  if (ds) {
    out.push(section('逾期的异议与争议', 'overdue-disputes',
      h('p', {}, '共 ', h('strong', { testid: 'overdue-disputes-count' }, String(ds.totalCount)), ' 件（列出最新 10 件）'),
      table('overdue-disputes-table', ['类别', '资源', '数源部门', '状态', '提出', '截止日', '剩余工作日', '依据'],
        ds.nodes.map((x) => ({ x, cells: [label('disputeKind', x.kind), resourceLink(x.resource), x.source.name, label('disputeStatus', x.status),
          dateOf(x.openedAt), x.currentDeadline ? x.currentDeadline.dueDate : '—', n(x.currentDeadline && x.currentDeadline.workingDaysLeft),
          x.currentDeadline ? x.currentDeadline.citation : ''] })),
        ({ x }) => ({ testid: 'overdue-dispute', dataset: { id: x.id } }))));
  }
  if (r) {
    out.push(section('违规事项（前 10 条）', 'violations', violationTable(r.violations.nodes)));
  }
  if (!r && !sc && !sr && !ds && !shown.length) {
    out.push(h('p', { class: 'notice', testid: 'not-visible' }, '评估指标仅对数据主管部门、审计评估人员和部门本身可见。请登录。'));
  }
  return out;
}

export function violationTable(nodes) {
  return table('violations-table', ['类别', '条款', '部门', '期限', '说明'],
    nodes.map((v) => ({ cells: [label('violation', v.kind), v.article, v.department.name, dateOf(v.due), v.detail] })),
    () => ({ testid: 'violation' }));
}

function filters(params) {
  const form = h('form', { class: 'filters', testid: 'filters' },
    h('label', {}, '区划 ', h('input', { name: 'region', value: params.get('region') || '', size: 8, pattern: '[0-9]{6}', title: '6 位行政区划代码，如 441400' })),
    h('label', {}, '层级 ', h('select', { name: 'level' },
      h('option', { value: '' }, '全部'),
      ...['CITY', 'COUNTY'].map((l) => h('option', { value: l, selected: params.get('level') === l }, label('level', l))))),
    h('label', {}, '自 ', h('input', { type: 'date', name: 'from', value: params.get('from') || '' })),
    h('label', {}, '至 ', h('input', { type: 'date', name: 'to', value: params.get('to') || '' })),
    h('button', { type: 'submit' }, '查询'),
    h('span', { class: 'hint' }, '留空：自当年 1 月 1 日至今日'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    location.hash = href('overview', null, Object.fromEntries([...f].map(([k, v]) => [k, String(v)])));
  });
  return form;
}
