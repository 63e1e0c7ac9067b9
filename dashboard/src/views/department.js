// One department's scorecard: its figures, their trend, its violations and
// its entries. A department's token sees its own; the authority and
// auditors any.
import { gql, shownErrors } from '../api.js';
import { trendChart } from '../charts.js';
import { dateOf, errorBox, h, label } from '../dom.js';
import { figureCards } from './figures.js';
import { DEPARTMENT } from '../queries.js';
import { violationTable } from './overview.js';
import { href, resourceLink, section, table } from './common.js';

export async function department(id, params) {
  const vars = { id };
  if (params.get('from')) vars.from = params.get('from');
  if (params.get('to')) vars.to = params.get('to');
  const { data, errors } = await gql(DEPARTMENT, vars);
  const d = data.department;
  const out = [];
  const shown = shownErrors(errors);
  if (shown.length) out.push(errorBox(shown));
  if (!d) {
    out.push(h('p', { class: 'notice' }, '没有这个部门，或您无权查看。'));
    return out;
  }
  out.push(h('h2', { class: 'title', testid: 'department-name' }, d.name),
    h('p', { class: 'meta' }, `统一社会信用代码 ${d.creditCode} · ${label('level', d.level)} · 区划 ${d.regionCode}`,
      d.parent ? [' · 上级 ', h('a', { href: href('department', d.parent.id) }, d.parent.name)] : null));
  const r = data.complianceReport;
  if (r) {
    out.push(h('p', { class: 'period', testid: 'period' }, `统计期 ${r.from} 至 ${r.to}，目录按 ${dateOf(r.asOf)} 计。`),
      section('评估指标', 'figures', figureCards(r.total)),
      section('月度趋势', 'trend', trendChart('trend-chart', r.monthly)),
      section('违规事项', 'violations', violationTable(r.violations.nodes)));
  }
  out.push(section(`本部门目录（${d.resources.totalCount} 条）`, 'department-resources',
    table('department-resources-table', ['资源', '共享类型', '开放类型', '状态', '数据更新'],
      d.resources.nodes.map((x) => ({ x, cells: [resourceLink(x), label('shareType', x.shareType), label('openType', x.openType), x.status, x.stale ? '逾期未更新' : '正常'] })),
      ({ x }) => ({ testid: 'catalogue-row', dataset: { code: x.code } }))));
  return out;
}
